// SPDX-License-Identifier: BSD-2-Clause
/*
 * memcpy_kprobe - print the size of every kernel memcpy() call.
 *
 *   memcpy_kprobe [-d SECONDS] [-f FUNCTION [-a ARG]] [--tracepoint]
 *
 * What it shows: a kprobe at the entry of a kernel function, reading an
 * argument from the registers and printing it with bpf_printk(); the
 * lines come back through tracefs' trace_pipe (the learn-bpf example):
 *
 *    memcpy_kprobe-24908 [005] d... 151374.866218: bpf_trace_printk: memcpy size 2
 *
 * Mechanisms: a kprobe (bl_attach_kprobe: the kprobe PMU, or tracefs
 * kprobe_events on old kernels) running a BPF_PROG_TYPE_KPROBE program,
 * whose size argument number and label are .rodata variables set before
 * load; bpf_trace_printk() and trace_pipe (bpfload/events.h).
 *
 * memcpy itself often cannot be probed.  On x86_64 it is an assembly
 * routine outside ftrace's list of functions, and kernels built without
 * CONFIG_KPROBE_EVENTS_ON_NOTRACE (Debian's 5.10, 6.1 and 6.12 among
 * them) refuse kprobes on such "notrace" functions; __memcpy,
 * memcpy_orig, _copy_to_user and copy_page_to_iter are refused the same
 * way.  We then say so and probe skb_copy_datagram_iter() instead: the
 * copy of received socket data (TCP, UDP, unix sockets) into the
 * reader's buffer, with the byte count in argument 4.  -f/-a choose any
 * other function and argument (no fallback then).
 *
 * Without kprobes at all (CONFIG_KPROBES off, like our development
 * host) memcpy_kprobe says so and exits with status 69 (EX_UNAVAILABLE);
 * --tracepoint reports the same socket copies from the static tracepoint
 * skb/skb_copy_datagram_iovec, which every kernel has.
 *
 * memcpy is called very often: this prints a lot (and trace_pipe drops
 * lines it cannot keep up with).  memcpy_stat counts in the kernel
 * instead.  trace_pipe is shared by the machine: one reader at a time.
 */
#include <sample_memcpy.h>
#include <sample_printk.h>

static const char usage[] =
	"usage: memcpy_kprobe [-d SECONDS] [-f FUNCTION [-a ARG]] [--tracepoint]\n"
	"\n"
	"Print the size of each kernel memcpy() call (kprobe + bpf_printk, read on\n"
	"trace_pipe).  Where the kernel refuses to probe memcpy, probes\n"
	"skb_copy_datagram_iter (socket receive copies) instead and says so.\n"
	"Exits with status 69 when the kernel has no kprobes.\n"
	"\n"
	"  -d, --duration SECONDS  stop after this long (default: until Ctrl-C)\n"
	"  -f, --func FUNCTION     probe this kernel function instead of memcpy\n"
	"  -a, --arg N             ... whose argument N (1-6) is the size (default 3)\n"
	"  -t, --tracepoint        no kprobe: the skb/skb_copy_datagram_iovec tracepoint\n"
	"  -h, --help              this text\n";

static int extra_opt(int opt, const char *arg)
{
	return memcpy_opt("memcpy_kprobe", opt, arg);
}

/* Before load: the program and size argument, and the label printed. */
static void prepare(struct bl_object *obj)
{
	char label[32] = "";

	snprintf(label, sizeof(label), "%s", func);
	if (memcpy_prepare(obj) || bl_object_set_global(obj, "label", label, sizeof(label)))
		sample_die("memcpy_kprobe: %s", bl_object_error(obj));
}

static const struct memcpy_sample sample = {
	.name = "memcpy_kprobe",
	.shows = "shows",
	.probing = "Probing",
	.prepare = prepare,
};

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "func", required_argument, NULL, 'f' },
		{ "arg", required_argument, NULL, 'a' },
		{ "tracepoint", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct sample_opts o = { 0 };
	struct bl_trace_pipe *tp;
	struct bl_object *obj;
	struct bl_link *link;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sample_parse(argc, argv, usage, &o, "f:a:t", longs, extra_opt) != argc)
		sample_die("%s", usage);
	sample_catch_signals();

	tp = sample_trace_pipe_open("memcpy_kprobe");
	obj = memcpy_load(argv[0], &sample, &link);
	printf("Tracing %s... Hit Ctrl-C to end.\n", bl_link_describe(link));
	sample_trace_pipe_run(tp, o.duration);

	/* Detach (our own kprobe link first), then show what is left. */
	if (!use_tracepoint)
		bl_link_detach(link);
	bl_object_close(obj);
	sample_trace_pipe_close(tp);
	return 0;
}
