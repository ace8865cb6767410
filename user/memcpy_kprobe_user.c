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
#include <sysexits.h>

#include <sample.h>
#include <bpfload/events.h>

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

#define FALLBACK_FUNC	"skb_copy_datagram_iter"
#define FALLBACK_ARG	4

static const char *func = "memcpy";
static unsigned int size_arg = 3;
static bool func_given, use_tracepoint;
static const char *keep_prog;	/* for prepare() */

static int extra_opt(int opt, const char *arg)
{
	char *end;

	switch (opt) {
	case 'f':
		func = arg;
		func_given = true;
		return 0;
	case 'a':
		size_arg = (unsigned int)strtoul(arg, &end, 10);
		if (*end || size_arg < 1 || size_arg > 6)
			sample_die("memcpy_kprobe: --arg wants 1 to 6, not '%s'", arg);
		return 0;
	case 't':
		use_tracepoint = true;
		return 0;
	}
	return -1;
}

/* Before load: only keep_prog, with the size argument and label. */
static void prepare(struct bl_object *obj)
{
	char label[32] = "";

	for (size_t i = 0; i < bl_object_program_count(obj); i++) {
		struct bl_program *p = bl_object_program(obj, i);

		bl_program_set_autoload(p, !strcmp(bl_program_name(p), keep_prog));
	}
	snprintf(label, sizeof(label), "%s", func);
	if (bl_object_set_global(obj, "size_arg", &size_arg, sizeof(size_arg)) ||
	    bl_object_set_global(obj, "label", label, sizeof(label)))
		sample_die("memcpy_kprobe: %s", bl_object_error(obj));
}

/* Load the kprobe program for func/size_arg and probe func. */
static struct bl_object *load_kprobe(const char *argv0, struct bl_link **link,
				     struct bl_error *err)
{
	struct bl_object *obj;

	keep_prog = "memcpy_size";
	obj = sample_load(argv0, prepare);
	*link = bl_attach_kprobe(bl_program_fd(bl_object_find_program(obj, keep_prog)), func, 0,
				 false, NULL, err);
	if (!*link) {
		bl_object_close(obj);
		return NULL;
	}
	return obj;
}

static int print_line(void *ctx, const char *line, size_t len)
{
	(void)ctx;
	if (len)
		printf("%s\n", line);
	return 0;
}

static int discard_line(void *ctx, const char *line, size_t len)
{
	(void)ctx, (void)line, (void)len;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "func", required_argument, NULL, 'f' },
		{ "arg", required_argument, NULL, 'a' },
		{ "tracepoint", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct sample_opts o = { 0 };
	struct bl_object *obj;
	struct bl_trace_pipe *tp;
	struct bl_link *link = NULL;
	struct bl_error err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sample_parse(argc, argv, usage, &o, "f:a:t", longs, extra_opt) != argc)
		sample_die("%s", usage);
	sample_catch_signals();

	tp = bl_trace_pipe_open(NULL, &err);
	if (!tp)
		sample_die("memcpy_kprobe: %s%s", err.msg, err.err == -EBUSY ?
			   "\n(another process is reading trace_pipe: the kernel allows one"
			   " reader at a time)" : "");
	while (bl_trace_pipe_poll(tp, 0, discard_line, NULL) > 0)
		;

	if (use_tracepoint) {
		keep_prog = "copy_datagram";
		obj = sample_load(argv[0], prepare);
		link = bl_program_attach(bl_object_find_program(obj, keep_prog), &err);
		if (!link)
			sample_die("memcpy_kprobe: %s", err.msg);
	} else {
		obj = load_kprobe(argv[0], &link, &err);
		if (!obj && err.err == -EOPNOTSUPP) {
			fprintf(stderr, "memcpy_kprobe: this kernel has no kprobes, so memcpy cannot be"
				" traced here.\n(%s)\nmemcpy_kprobe --tracepoint shows the socket receive"
				" copies (skb/skb_copy_datagram_iovec) instead.\n", err.msg);
			return EX_UNAVAILABLE;
		}
		if (!obj && !func_given) {
			printf("The kernel refuses a kprobe on memcpy (%s).\n"
			       "Probing %s (socket receive copies, size in argument %d) instead.\n",
			       err.msg, FALLBACK_FUNC, FALLBACK_ARG);
			func = FALLBACK_FUNC;
			size_arg = FALLBACK_ARG;
			obj = load_kprobe(argv[0], &link, &err);
		}
		if (!obj)
			sample_die("memcpy_kprobe: %s", err.msg);
	}
	printf("Tracing %s... Hit Ctrl-C to end.\n", bl_link_describe(link));

	bl_trace_pipe_run(tp, o.duration > 0 ? (int)(o.duration * 1000) : -1, &sample_stop,
			  print_line, NULL);

	/* Detach (our own kprobe link first), then show what is left. */
	if (!use_tracepoint)
		bl_link_detach(link);
	bl_object_close(obj);
	while (bl_trace_pipe_poll(tp, 0, print_line, NULL) > 0)
		;
	bl_trace_pipe_close(tp);
	return 0;
}
