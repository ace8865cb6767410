// SPDX-License-Identifier: BSD-2-Clause
/*
 * hello - print "Hello, World!" each time a process calls clone().
 *
 *   hello [-d SECONDS] [--kprobe | --tracepoint]
 *
 * What it shows: the smallest useful BPF tracing program.  The kernel
 * side (kern/hello_kern.c) calls bpf_printk() on every clone() system
 * call; we print the lines the kernel's trace buffer then holds, as
 * tracefs' trace_pipe gives them:
 *
 *             bash-4811    [001] d..31  5231.123456: bpf_trace_printk: Hello, World!
 *             comm-pid     cpu   flags  timestamp    event             message
 *
 * Mechanisms:
 *  - a kprobe on the clone syscall's entry point (section
 *    "ksyscall/clone": the loader finds __x64_sys_clone in
 *    /proc/kallsyms and opens a kprobe perf event for it);
 *  - where the kernel has no kprobes (CONFIG_KPROBES off, as on our
 *    development host), the syscalls/sys_enter_clone tracepoint instead.
 *    Both programs are in one object: we pick one before loading with
 *    bl_program_set_autoload(), try the kprobe first and fall back,
 *    and say which one is in use;
 *  - bpf_trace_printk() and tracefs trace_pipe (bpfload/events.h).
 *
 * trace_pipe is shared by the whole machine and reading it consumes the
 * lines: run one trace_pipe reader at a time, and expect lines from
 * other BPF programs that print too.  Lines already waiting when hello
 * starts are discarded.  On Ctrl-C (or after --duration) the object is
 * closed, which detaches the program, and the lines it printed until
 * then are still shown.
 */
#include <sample.h>
#include <bpfload/events.h>

static const char usage[] =
	"usage: hello [-d SECONDS] [--kprobe | --tracepoint]\n"
	"\n"
	"Print \"Hello, World!\" (from bpf_printk, read on trace_pipe) each time a\n"
	"process calls clone().  Uses a kprobe on the clone syscall, or the\n"
	"syscalls/sys_enter_clone tracepoint where the kernel has no kprobes.\n"
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
		sample_die("hello: --kprobe and --tracepoint exclude each other");
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
		sample_die("hello: %s%s", err.msg, err.err == -EBUSY ?
			   "\n(another process is reading trace_pipe: the kernel allows one"
			   " reader at a time)" : "");
	while (bl_trace_pipe_poll(tp, 0, discard_line, NULL) > 0)
		;

	if (mode != 't') {
		obj = load_one(argv[0], "hello_kprobe", &link, &err);
		if (!obj && mode == 'k')
			sample_die("hello: %s", err.msg);
		if (!obj)
			printf("No kprobe on clone() here (%s).\n"
			       "Using the syscalls/sys_enter_clone tracepoint instead.\n", err.msg);
	}
	if (!obj) {
		obj = load_one(argv[0], "hello_tp", &link, &err);
		if (!obj)
			sample_die("hello: %s", err.msg);
	}
	printf("Tracing clone() with %s... Hit Ctrl-C to end.\n", bl_link_describe(link));

	bl_trace_pipe_run(tp, o.duration > 0 ? (int)(o.duration * 1000) : -1, &sample_stop,
			  print_line, NULL);

	/* Detach, then show what was printed before the detach. */
	bl_object_close(obj);
	while (bl_trace_pipe_poll(tp, 0, print_line, NULL) > 0)
		;
	bl_trace_pipe_close(tp);
	return 0;
}
