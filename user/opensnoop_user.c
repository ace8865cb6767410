// SPDX-License-Identifier: BSD-2-Clause
/*
 * opensnoop - every file opened on the machine, from a kprobe.
 *
 *   opensnoop [-d SECONDS] [-p PID]
 *
 * What it shows: which process opens which path, as it happens:
 *
 *   TIME(s)            COMM             PID    FILE
 *   0.000000000        ls               8931   /etc/ld.so.cache
 *   0.000660300        ls               8931   /lib/x86_64-linux-gnu/libselinux.so.1
 *
 * TIME(s) counts from the first record.  FILE is the path as the caller
 * passed it (relative paths stay relative), cut at 255 bytes.
 *
 * Mechanisms (kern/opensnoop_kern.c): a kprobe on the kernel function
 * do_sys_openat2() (which open, openat and openat2 all call; do_sys_open
 * on kernels before 5.6), attached with bl_attach_kprobe (the kprobe
 * PMU, or tracefs kprobe_events); the path read from user memory with
 * bpf_probe_read_user_str(); records through a perf buffer
 * (BPF_MAP_TYPE_PERF_EVENT_ARRAY: one ring per CPU, read with bl_perfbuf,
 * bpfload/events.h, which also reports records the kernel had to drop).
 * -p sets a .rodata variable before load so that the kernel filters.
 *
 * Kernel functions are not a stable interface and need CONFIG_KPROBES:
 * where the kernel has no kprobes (our development host) opensnoop says
 * so and exits with status 69 (EX_UNAVAILABLE); opensnoop_tp does the
 * same from the syscall tracepoints, which every kernel has.
 *
 * Ctrl-C (or the end of --duration) detaches the program, prints the
 * records still in the rings and exits.  opensnoop's own opens are not
 * shown.
 */
#include <sysexits.h>

#include <sample.h>
#include <bpfload/events.h>
#include <bpfload/maputil.h>

static const char usage[] =
	"usage: opensnoop [-d SECONDS] [-p PID]\n"
	"\n"
	"Print every file open (kprobe on do_sys_openat2, records through a perf\n"
	"buffer): TIME(s), COMM, PID, FILE.  Exits with status 69 when the kernel\n"
	"has no kprobes: use opensnoop_tp there.\n"
	"\n"
	"  -d, --duration SECONDS  stop after this long (default: until Ctrl-C)\n"
	"  -p, --pid PID           only this process\n"
	"  -h, --help              this text\n";

#define NAME_MAX_LEN	256

/* As in kern/opensnoop_kern.c. */
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
		sample_die("opensnoop: -p wants a process id, not '%s'", arg);
	return 0;
}

static void prepare(struct bl_object *obj)
{
	int ncpus = bl_possible_cpus();

	if (bl_object_set_global(obj, "target_pid", &target_pid, sizeof(target_pid)) ||
	    (ncpus > 0 && bl_map_set_max_entries(sample_map(obj, "events"), (__u32)ncpus)))
		sample_die("opensnoop: %s", bl_object_error(obj));
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

int main(int argc, char **argv)
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
	int prog_fd;
	__u64 lost;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sample_parse(argc, argv, usage, &o, "p:", longs, extra_opt) != argc)
		sample_die("%s", usage);
	sample_catch_signals();
	self_pid = (__u32)getpid();

	obj = sample_load(argv[0], prepare);
	pb = bl_perfbuf_new(bl_map_fd(sample_map(obj, "events")), print_event, NULL, NULL, &err);
	if (!pb)
		sample_die("opensnoop: %s", err.msg);
	prog_fd = bl_program_fd(bl_object_find_program(obj, "trace_open"));
	link = bl_attach_kprobe(prog_fd, "do_sys_openat2", 0, false, NULL, &err);
	if (!link && err.err == -EOPNOTSUPP) {
		fprintf(stderr, "opensnoop: this kernel has no kprobes (%s).\n"
			"opensnoop_tp traces the same opens with the syscall tracepoints.\n", err.msg);
		return EX_UNAVAILABLE;
	}
	if (!link && err.err == -ENOENT)	/* before 5.6 */
		link = bl_attach_kprobe(prog_fd, "do_sys_open", 0, false, NULL, &err);
	if (!link)
		sample_die("opensnoop: %s", err.msg);

	printf("%-18s %-16s %-6s %s\n", "TIME(s)", "COMM", "PID", "FILE");
	bl_perfbuf_run(pb, o.duration > 0 ? (int)(o.duration * 1000) : -1, &sample_stop);

	/* Detach, then print what is still in the rings. */
	bl_link_detach(link);
	bl_perfbuf_consume(pb);
	lost = bl_perfbuf_lost(pb);
	if (lost)
		fprintf(stderr, "opensnoop: %llu records lost (the perf buffer was full)\n",
			(unsigned long long)lost);
	bl_perfbuf_free(pb);
	bl_object_close(obj);
	return 0;
}
