/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sample_opensnoop.h - what opensnoop, opensnoop_tp and opensnoop_core
 * do the same way: the option -p PID, leaving out their own opens,
 * TIME(s) counted from the first record, attaching the open syscall
 * tracepoints this kernel has; and, for opensnoop and opensnoop_tp, which
 * send the same record (kern/opensnoop.h) through a perf buffer,
 * everything but the attach: opensnoop_main().
 */
#ifndef BPFLOAD_SAMPLE_OPENSNOOP_H
#define BPFLOAD_SAMPLE_OPENSNOOP_H

#include <sample.h>
#include <bpfload/events.h>
#include <bpfload/maputil.h>

#include "../kern/opensnoop.h"

static __u32 target_pid;	/* -p: only this process (the kernel filters) */
static __u32 self_pid;		/* our own opens are not shown */
static __u64 first_ts;		/* TIME(s) counts from the first record */

/* The option -p PID; -1 for any other option.  name starts messages. */
static inline int opensnoop_pid_opt(const char *name, int opt, const char *arg)
{
	char *end;

	if (opt != 'p')
		return -1;
	target_pid = (__u32)strtoul(arg, &end, 10);
	if (*end || !target_pid)
		sample_die("%s: -p wants a process id, not '%s'", name, arg);
	return 0;
}

/* TIME(s) of a record of time ts (ns): since the first record. */
static inline double opensnoop_time(__u64 ts)
{
	if (!first_ts)
		first_ts = ts;
	return ts >= first_ts ? (double)(ts - first_ts) / 1e9 : 0.0;
}

/* Attach tracepoint program prog; one this kernel lacks is fine unless
 * required. */
static inline void opensnoop_attach_tp(const char *name, struct bl_object *obj,
				       const char *prog, bool required)
{
	struct bl_error err;

	if (!bl_program_attach(bl_object_find_program(obj, prog), &err) &&
	    (required || err.err != -ENOENT))
		sample_die("%s: %s", name, err.msg);
}

/* ---- opensnoop and opensnoop_tp: struct open_event, a perf buffer ---- */

/* The end of their usage: the options of opensnoop_main(). */
#define OPENSNOOP_OPTIONS							\
	"  -d, --duration SECONDS  stop after this long (default: until Ctrl-C)\n"	\
	"  -p, --pid PID           only this process\n"				\
	"  -h, --help              this text\n"

static const char *opensnoop_name;	/* the sample running opensnoop_main() */

static inline int opensnoop_opt(int opt, const char *arg)
{
	return opensnoop_pid_opt(opensnoop_name, opt, arg);
}

/* Before load: target_pid, and a ring per CPU for the perf buffer events. */
static inline void opensnoop_prepare(struct bl_object *obj)
{
	int ncpus = bl_possible_cpus();

	if (bl_object_set_global(obj, "target_pid", &target_pid, sizeof(target_pid)) ||
	    (ncpus > 0 && bl_map_set_max_entries(sample_map(obj, "events"), (__u32)ncpus)))
		sample_die("%s: %s", opensnoop_name, bl_object_error(obj));
}

static inline int opensnoop_print_event(void *ctx, int cpu, const void *data, size_t size)
{
	struct open_event e;

	(void)ctx, (void)cpu;
	if (size < sizeof(e))
		return 0;
	memcpy(&e, data, sizeof(e));
	if (e.pid == self_pid)
		return 0;
	e.comm[sizeof(e.comm) - 1] = '\0';
	e.file[sizeof(e.file) - 1] = '\0';
	printf("%-18.9f %-16s %-6u %s\n", opensnoop_time(e.ts), e.comm, e.pid, e.file);
	return 0;
}

/*
 * main() of opensnoop and opensnoop_tp: [-d SECONDS] [-p PID].  attach
 * attaches the object's programs (or exits), and returns the link to
 * detach at the end, or NULL when the links are the object's own.
 */
static inline int opensnoop_main(int argc, char **argv, const char *name, const char *usage,
				 struct bl_link *(*attach)(struct bl_object *obj))
{
	static const struct option longs[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct sample_opts o = { 0 };
	struct bl_object *obj;
	struct bl_perfbuf *pb;
	struct bl_link *link;
	struct bl_error err;
	__u64 lost;

	opensnoop_name = name;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sample_parse(argc, argv, usage, &o, "p:", longs, opensnoop_opt) != argc)
		sample_die("%s", usage);
	sample_catch_signals();
	self_pid = (__u32)getpid();

	obj = sample_load(argv[0], opensnoop_prepare);
	pb = bl_perfbuf_new(bl_map_fd(sample_map(obj, "events")), opensnoop_print_event, NULL,
			    NULL, &err);
	if (!pb)
		sample_die("%s: %s", name, err.msg);
	link = attach(obj);

	printf("%-18s %-16s %-6s %s\n", "TIME(s)", "COMM", "PID", "FILE");
	bl_perfbuf_run(pb, o.duration > 0 ? (int)(o.duration * 1000) : -1, &sample_stop);

	/* Detach, then print what is still in the rings. */
	if (link)
		bl_link_detach(link);
	else
		bl_object_detach_all(obj);
	bl_perfbuf_consume(pb);
	lost = bl_perfbuf_lost(pb);
	if (lost)
		fprintf(stderr, "%s: %llu records lost (the perf buffer was full)\n", name,
			(unsigned long long)lost);
	bl_perfbuf_free(pb);
	bl_object_close(obj);
	return 0;
}

#endif /* BPFLOAD_SAMPLE_OPENSNOOP_H */
