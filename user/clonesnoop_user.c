// SPDX-License-Identifier: BSD-2-Clause
/*
 * clonesnoop - a line for every new process (and thread) on the machine.
 *
 *   clonesnoop [-d SECONDS] [--processes]
 *
 * What it shows: who creates tasks, and what they create:
 *
 *   TIME(s)            COMM             PID    MESSAGE
 *   0.412345678        bash             4811   clone(): new process 4820
 *   0.812001234        python3          4830   clone3(): new thread 4833
 *
 * TIME(s) counts from the start of clonesnoop, COMM and PID are the
 * parent (the process that called clone), MESSAGE the call and the new
 * task's id.  --processes leaves out threads (CLONE_THREAD).
 *
 * Mechanisms (kern/clonesnoop_kern.c): the syscall tracepoints
 * sys_enter_* / sys_exit_* of clone, clone3, fork and vfork
 * (BPF_PROG_TYPE_TRACEPOINT, stable on every kernel, no kprobes needed);
 * a hash map carrying the flags from a thread's syscall entry to its
 * exit; a BPF ring buffer (BPF_MAP_TYPE_RINGBUF, 5.8+) read with
 * bl_ringbuf (bpfload/events.h), which delivers the records of all CPUs
 * in the order they were committed.  The calls this kernel does not have
 * (fork and vfork on arm64) are left unattached.
 *
 * Ctrl-C (or the end of --duration) detaches the programs, prints the
 * records still in the ring, and exits.  clonesnoop's own threads (the
 * library detaches programs from several threads) are not shown.
 */

#include <sample.h>
#include <bpfload/events.h>

#include "../kern/clonesnoop.h"

static const char usage[] =
	"usage: clonesnoop [-d SECONDS] [--processes]\n"
	"\n"
	"Print a line for each new process or thread (clone, clone3, fork and vfork\n"
	"syscall tracepoints, records through a BPF ring buffer):\n"
	"TIME(s) since start, COMM and PID of the parent, and a MESSAGE naming the\n"
	"call and the child.\n"
	"\n"
	"  -d, --duration SECONDS  stop after this long (default: until Ctrl-C)\n"
	"  -p, --processes         new processes only, not threads\n"
	"  -h, --help              this text\n";

#define CLONE_THREAD	0x00010000

static bool processes_only;
static __u64 start_ns;
static __u32 self_pid;

static int extra_opt(int opt, const char *arg)
{
	(void)arg;
	if (opt != 'p')
		return -1;
	processes_only = true;
	return 0;
}

static int print_event(void *ctx, const void *data, size_t size)
{
	static const char *const calls[] = { "clone", "clone3", "fork", "vfork" };
	struct clone_event e;
	bool thread;

	(void)ctx;
	if (size < sizeof(e))
		return 0;
	memcpy(&e, data, sizeof(e));
	e.comm[sizeof(e.comm) - 1] = '\0';
	thread = e.flags & CLONE_THREAD;
	if ((thread && processes_only) || e.pid == self_pid)
		return 0;
	printf("%-18.9f %-16s %-6u %s(): new %s %u\n",
	       e.ts >= start_ns ? (double)(e.ts - start_ns) / 1e9 : 0.0, e.comm, e.pid,
	       e.call < 4 ? calls[e.call] : "?", thread ? "thread" : "process", e.child);
	return 0;
}

/* Attach the pair NAME_enter / NAME_exit.  A call the kernel lacks (no
 * such tracepoint) is fine unless it is required. */
static void attach_pair(struct bl_object *obj, const char *name, bool required)
{
	char prog[32];
	struct bl_error err;
	struct bl_link *enter, *exit_;

	snprintf(prog, sizeof(prog), "%s_enter", name);
	enter = bl_program_attach(bl_object_find_program(obj, prog), &err);
	if (enter) {
		snprintf(prog, sizeof(prog), "%s_exit", name);
		exit_ = bl_program_attach(bl_object_find_program(obj, prog), &err);
		if (exit_)
			return;
		bl_link_detach(enter);
	}
	if (required || err.err != -ENOENT)
		sample_die("clonesnoop: %s", err.msg);
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "processes", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct sample_opts o = { 0 };
	struct bl_object *obj;
	struct bl_ringbuf *rb;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sample_parse(argc, argv, usage, &o, "p", longs, extra_opt) != argc)
		sample_die("%s", usage);
	sample_catch_signals();

	self_pid = (__u32)getpid();
	obj = sample_load(argv[0], NULL);
	rb = sample_ringbuf("clonesnoop", obj, print_event);
	start_ns = (__u64)(sample_now() * 1e9);
	attach_pair(obj, "clone", true);
	attach_pair(obj, "clone3", false);
	attach_pair(obj, "fork", false);
	attach_pair(obj, "vfork", false);

	printf("%-18s %-16s %-6s %s\n", "TIME(s)", "COMM", "PID", "MESSAGE");
	sample_ringbuf_run(rb, obj, o.duration);
	bl_object_close(obj);
	return 0;
}
