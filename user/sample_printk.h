/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sample_printk.h - what the samples that print with bpf_printk() (hello,
 * sync, memcpy_kprobe) do the same way.
 *
 * Their lines come back through tracefs' trace_pipe, which is shared by
 * the whole machine and consumes what it gives: one reader at a time
 * (6.6+ refuses a second one with EBUSY).  Each sample opens it before
 * it attaches, dropping the lines already waiting
 * (sample_trace_pipe_open), prints lines until Ctrl-C or the end of
 * --duration (sample_trace_pipe_run), detaches, and prints the lines
 * printed before the detach (sample_trace_pipe_close).
 *
 * hello and sync, the same program for two system calls, share all of it:
 * sample_syscall_main().
 */
#ifndef BPFLOAD_SAMPLE_PRINTK_H
#define BPFLOAD_SAMPLE_PRINTK_H

#include <sample.h>
#include <bpfload/events.h>

static inline int sample_print_line(void *ctx, const char *line, size_t len)
{
	(void)ctx;
	if (len)
		printf("%s\n", line);
	return 0;
}

static inline int sample_discard_line(void *ctx, const char *line, size_t len)
{
	(void)ctx, (void)line, (void)len;
	return 0;
}

/* Open trace_pipe and drop the lines waiting there, or exit saying why
 * (name starts the message). */
static inline struct bl_trace_pipe *sample_trace_pipe_open(const char *name)
{
	struct bl_trace_pipe *tp;
	struct bl_error err;

	tp = bl_trace_pipe_open(NULL, &err);
	if (!tp)
		sample_die("%s: %s%s", name, err.msg, err.err == -EBUSY ?
			   "\n(another process is reading trace_pipe: the kernel allows one"
			   " reader at a time)" : "");
	while (bl_trace_pipe_poll(tp, 0, sample_discard_line, NULL) > 0)
		;
	return tp;
}

/* Print trace_pipe's lines until a signal, or for duration seconds when
 * that is more than 0. */
static inline void sample_trace_pipe_run(struct bl_trace_pipe *tp, double duration)
{
	bl_trace_pipe_run(tp, duration > 0 ? (int)(duration * 1000) : -1, &sample_stop,
			  sample_print_line, NULL);
}

/* After the detach: print the lines still waiting, close trace_pipe. */
static inline void sample_trace_pipe_close(struct bl_trace_pipe *tp)
{
	while (bl_trace_pipe_poll(tp, 0, sample_print_line, NULL) > 0)
		;
	bl_trace_pipe_close(tp);
}

/* The program sample_keep_one() keeps (a prepare function has no other
 * argument than the object). */
static const char *sample_keep_prog;

static inline void sample_keep_one(struct bl_object *obj)
{
	sample_autoload_only(obj, sample_keep_prog);
}

/* Load the object with only program prog and attach it; NULL (and the
 * reason in *err) if the attach fails. */
static inline struct bl_object *sample_load_one(const char *argv0, const char *prog,
						struct bl_link **link, struct bl_error *err)
{
	struct bl_object *obj;

	sample_keep_prog = prog;
	obj = sample_load(argv0, sample_keep_one);
	*link = bl_program_attach(bl_object_find_program(obj, prog), err);
	if (!*link) {
		bl_object_close(obj);
		return NULL;
	}
	return obj;
}

/*
 * hello and sync are one program for two system calls: NAME_kern.o holds
 * NAME_kprobe (section "ksyscall/SYSCALL", a kprobe on the system call's
 * entry point) and NAME_tp (the syscalls/sys_enter_SYSCALL tracepoint),
 * both printing a line with bpf_printk() on each call.
 */
struct sample_syscall {
	const char *name;	/* NAME: the sample, its object and programs */
	const char *syscall;	/* SYSCALL */
	const char *traced;	/* what "Tracing ... with" names */
	const char *usage;
};

/* The end of their usage: the options of sample_syscall_main(). */
#define SAMPLE_SYSCALL_OPTIONS							\
	"  -d, --duration SECONDS  stop after this long (default: until Ctrl-C)\n"	\
	"  -k, --kprobe            the kprobe only: fail if it cannot be attached\n"	\
	"  -t, --tracepoint        the tracepoint only\n"				\
	"  -h, --help              this text\n"

static const struct sample_syscall *sample_syscall;
static int sample_syscall_mode;	/* 0: kprobe, else tracepoint; 'k', 't': forced */

/* The options -k/--kprobe and -t/--tracepoint, which exclude each other. */
static inline int sample_syscall_opt(int opt, const char *arg)
{
	(void)arg;
	if (opt != 'k' && opt != 't')
		return -1;
	if (sample_syscall_mode && sample_syscall_mode != opt)
		sample_die("%s: --kprobe and --tracepoint exclude each other", sample_syscall->name);
	sample_syscall_mode = opt;
	return 0;
}

/*
 * Load and attach one of the two programs, as mode says: 'k' the kprobe,
 * 't' the tracepoint, 0 the kprobe where the kernel has kprobes, else
 * (saying so) the tracepoint.  Exits if the one chosen cannot be
 * attached.
 */
static inline struct bl_object *sample_load_syscall(const char *argv0,
						    const struct sample_syscall *s, int mode,
						    struct bl_link **link)
{
	struct bl_object *obj = NULL;
	struct bl_error err;
	char prog[64];

	if (mode != 't') {
		snprintf(prog, sizeof(prog), "%s_kprobe", s->name);
		obj = sample_load_one(argv0, prog, link, &err);
		if (!obj && mode == 'k')
			sample_die("%s: %s", s->name, err.msg);
		if (!obj)
			printf("No kprobe on %s() here (%s).\n"
			       "Using the syscalls/sys_enter_%s tracepoint instead.\n", s->syscall,
			       err.msg, s->syscall);
	}
	if (!obj) {
		snprintf(prog, sizeof(prog), "%s_tp", s->name);
		obj = sample_load_one(argv0, prog, link, &err);
		if (!obj)
			sample_die("%s: %s", s->name, err.msg);
	}
	return obj;
}

/* main() of hello and sync: [-d SECONDS] [--kprobe | --tracepoint]. */
static inline int sample_syscall_main(int argc, char **argv, const struct sample_syscall *s)
{
	static const struct option longs[] = {
		{ "kprobe", no_argument, NULL, 'k' },
		{ "tracepoint", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct sample_opts o = { 0 };
	struct bl_trace_pipe *tp;
	struct bl_object *obj;
	struct bl_link *link;

	sample_syscall = s;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sample_parse(argc, argv, s->usage, &o, "kt", longs, sample_syscall_opt) != argc)
		sample_die("%s", s->usage);
	sample_catch_signals();

	tp = sample_trace_pipe_open(s->name);
	obj = sample_load_syscall(argv[0], s, sample_syscall_mode, &link);
	printf("Tracing %s with %s... Hit Ctrl-C to end.\n", s->traced, bl_link_describe(link));
	sample_trace_pipe_run(tp, o.duration);

	/* Detach, then show what was printed before the detach. */
	bl_object_close(obj);
	sample_trace_pipe_close(tp);
	return 0;
}

#endif /* BPFLOAD_SAMPLE_PRINTK_H */
