// SPDX-License-Identifier: BSD-2-Clause
/*
 * sync - print a line each time a process calls sync().
 *
 *   sync [-d SECONDS] [--kprobe | --tracepoint]
 *
 * What it shows: who flushes the file system caches, and when.  The
 * kernel side (kern/sync_kern.c) calls bpf_printk("sys_sync() called")
 * on each sync() system call; we print the trace_pipe lines, which name
 * the calling process and its pid:
 *
 *             sync-5120    [000] d..31  6120.845312: bpf_trace_printk: sys_sync() called
 *
 * Mechanisms, as in hello: a kprobe on the syscall's entry point
 * (section "ksyscall/sync", resolved to __x64_sys_sync through
 * /proc/kallsyms) where the kernel has kprobes, else the
 * syscalls/sys_enter_sync tracepoint, chosen before load with
 * bl_program_set_autoload() and announced at start; bpf_trace_printk()
 * read back from tracefs' trace_pipe (bpfload/events.h).
 *
 * trace_pipe is shared by the whole machine and consumes what it gives:
 * run one reader at a time.  Lines already waiting at start are dropped;
 * those printed before Ctrl-C (or the end of --duration) are still shown
 * after the program is detached.
 */
#include <sample.h>
#include <bpfload/events.h>

static const char usage[] =
	"usage: sync [-d SECONDS] [--kprobe | --tracepoint]\n"
	"\n"
	"Print a line each time a process calls sync(), from bpf_printk (read on\n"
	"trace_pipe).  Uses a kprobe on the sync syscall, or the\n"
	"syscalls/sys_enter_sync tracepoint where the kernel has no kprobes.\n"
	"\n"
	"  -d, --duration SECONDS  stop after this long (default: until Ctrl-C)\n"
	"  -k, --kprobe            the kprobe only: fail if it cannot be attached\n"
	"  -t, --tracepoint        the tracepoint only\n"
	"  -h, --help              this text\n";

static int mode;		/* 0: kprobe, else tracepoint; 'k', 't': forced */
static const char *keep_prog;	/* the program sample_load() loads */

static int extra_opt(int opt, const char *arg)
{
	(void)arg;
	if (opt != 'k' && opt != 't')
		return -1;
	if (mode && mode != opt)
		sample_die("sync: --kprobe and --tracepoint exclude each other");
	mode = opt;
	return 0;
}

/* Before load: load keep_prog only. */
static void keep_only(struct bl_object *obj)
{
	for (size_t i = 0; i < bl_object_program_count(obj); i++) {
		struct bl_program *p = bl_object_program(obj, i);

		bl_program_set_autoload(p, !strcmp(bl_program_name(p), keep_prog));
	}
}

/* Load the object with only program prog and attach it; NULL (and the
 * reason in *err) if the attach fails. */
static struct bl_object *load_one(const char *argv0, const char *prog, struct bl_link **link,
				  struct bl_error *err)
{
	struct bl_object *obj;

	keep_prog = prog;
	obj = sample_load(argv0, keep_only);
	*link = bl_program_attach(bl_object_find_program(obj, prog), err);
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
		{ "kprobe", no_argument, NULL, 'k' },
		{ "tracepoint", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct sample_opts o = { 0 };
	struct bl_object *obj = NULL;
	struct bl_trace_pipe *tp;
	struct bl_link *link = NULL;
	struct bl_error err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sample_parse(argc, argv, usage, &o, "kt", longs, extra_opt) != argc)
		sample_die("%s", usage);
	sample_catch_signals();

	tp = bl_trace_pipe_open(NULL, &err);
	if (!tp)
		sample_die("sync: %s%s", err.msg, err.err == -EBUSY ?
			   "\n(another process is reading trace_pipe: the kernel allows one"
			   " reader at a time)" : "");
	while (bl_trace_pipe_poll(tp, 0, discard_line, NULL) > 0)
		;

	if (mode != 't') {
		obj = load_one(argv[0], "sync_kprobe", &link, &err);
		if (!obj && mode == 'k')
			sample_die("sync: %s", err.msg);
		if (!obj)
			printf("No kprobe on sync() here (%s).\n"
			       "Using the syscalls/sys_enter_sync tracepoint instead.\n", err.msg);
	}
	if (!obj) {
		obj = load_one(argv[0], "sync_tp", &link, &err);
		if (!obj)
			sample_die("sync: %s", err.msg);
	}
	printf("Tracing sys_sync() with %s... Hit Ctrl-C to end.\n", bl_link_describe(link));

	bl_trace_pipe_run(tp, o.duration > 0 ? (int)(o.duration * 1000) : -1, &sample_stop,
			  print_line, NULL);

	/* Detach, then show what was printed before the detach. */
	bl_object_close(obj);
	while (bl_trace_pipe_poll(tp, 0, print_line, NULL) > 0)
		;
	bl_trace_pipe_close(tp);
	return 0;
}
