// SPDX-License-Identifier: BSD-2-Clause
/*
 * opensnoop_tp - every file opened on the machine, from the syscall
 * tracepoints.
 *
 *   opensnoop_tp [-d SECONDS] [-p PID]
 *
 * What it shows, as opensnoop: which process opens which path:
 *
 *   TIME(s)            COMM             PID    FILE
 *   0.000000000        ls               8931   /etc/ld.so.cache
 *   0.000660300        ls               8931   /lib/x86_64-linux-gnu/libselinux.so.1
 *
 * TIME(s) counts from the first record.  FILE is the path as passed to
 * the call (relative paths stay relative), cut at 255 bytes.  The call
 * may still fail (a missing file is reported too).
 *
 * Mechanisms (kern/opensnoop_tp_kern.c): the static tracepoints
 * syscalls/sys_enter_openat, sys_enter_openat2 and sys_enter_open
 * (BPF_PROG_TYPE_TRACEPOINT; stable, no kprobes needed: this variant
 * works on every kernel), each attached if the kernel has it; the path
 * read from user memory with bpf_probe_read_user_str(); records through
 * a perf buffer (BPF_MAP_TYPE_PERF_EVENT_ARRAY, one ring per CPU, read
 * with bl_perfbuf, bpfload/events.h, which counts dropped records).
 * -p sets a .rodata variable before load so that the kernel filters.
 *
 * Ctrl-C (or the end of --duration) detaches the programs, prints the
 * records still in the rings and exits.  opensnoop_tp's own opens are not
 * shown.
 */

#include <sample.h>
#include <bpfload/events.h>
#include <bpfload/maputil.h>

static const char usage[] =
	"usage: opensnoop_tp [-d SECONDS] [-p PID]\n"
	"\n"
	"Print every file open (syscall tracepoints sys_enter_openat, openat2 and\n"
	"open; records through a perf buffer): TIME(s), COMM, PID, FILE.\n"
	"\n"
	"  -d, --duration SECONDS  stop after this long (default: until Ctrl-C)\n"
	"  -p, --pid PID           only this process\n"
	"  -h, --help              this text\n";

#define NAME_MAX_LEN	256

/* As in kern/opensnoop_tp_kern.c. */
struct open_event {
	__u64 ts;
	__u32 pid;
	__u32 tid;
	char comm[16];
	char file[NAME_MAX_LEN];
};

static __u32 target_pid;
static __u32 self_pid;
static __u64 first_ts;

static int extra_opt(int opt, const char *arg)
{
	char *end;

	if (opt != 'p')
		return -1;
	target_pid = (__u32)strtoul(arg, &end, 10);
	if (*end || !target_pid)
		sample_die("opensnoop_tp: -p wants a process id, not '%s'", arg);
	return 0;
}

static void prepare(struct bl_object *obj)
{
	int ncpus = bl_possible_cpus();

	if (bl_object_set_global(obj, "target_pid", &target_pid, sizeof(target_pid)) ||
	    (ncpus > 0 && bl_map_set_max_entries(sample_map(obj, "events"), (__u32)ncpus)))
		sample_die("opensnoop_tp: %s", bl_object_error(obj));
}

static int print_event(void *ctx, int cpu, const void *data, size_t size)
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
	if (!first_ts)
		first_ts = e.ts;
	printf("%-18.9f %-16s %-6u %s\n", e.ts >= first_ts ? (double)(e.ts - first_ts) / 1e9 : 0.0,
	       e.comm, e.pid, e.file);
	return 0;
}

/* Attach prog; a tracepoint this kernel lacks is fine unless required. */
static void attach(struct bl_object *obj, const char *prog, bool required)
{
	struct bl_error err;

	if (!bl_program_attach(bl_object_find_program(obj, prog), &err) &&
	    (required || err.err != -ENOENT))
		sample_die("opensnoop_tp: %s", err.msg);
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct sample_opts o = { 0 };
	struct bl_object *obj;
	struct bl_perfbuf *pb;
	struct bl_error err;
	__u64 lost;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sample_parse(argc, argv, usage, &o, "p:", longs, extra_opt) != argc)
		sample_die("%s", usage);
	sample_catch_signals();
	self_pid = (__u32)getpid();

	obj = sample_load(argv[0], prepare);
	pb = bl_perfbuf_new(bl_map_fd(sample_map(obj, "events")), print_event, NULL, NULL, &err);
	if (!pb)
		sample_die("opensnoop_tp: %s", err.msg);
	attach(obj, "openat_enter", true);
	attach(obj, "openat2_enter", false);
	attach(obj, "open_enter", false);

	printf("%-18s %-16s %-6s %s\n", "TIME(s)", "COMM", "PID", "FILE");
	bl_perfbuf_run(pb, o.duration > 0 ? (int)(o.duration * 1000) : -1, &sample_stop);

	/* Detach, then print what is still in the rings. */
	bl_object_detach_all(obj);
	bl_perfbuf_consume(pb);
	lost = bl_perfbuf_lost(pb);
	if (lost)
		fprintf(stderr, "opensnoop_tp: %llu records lost (the perf buffer was full)\n",
			(unsigned long long)lost);
	bl_perfbuf_free(pb);
	bl_object_close(obj);
	return 0;
}
