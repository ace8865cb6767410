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
 *
 * All but the attach is shared with opensnoop_tp: opensnoop_main(), in
 * user/sample_opensnoop.h; the record is kern/opensnoop.h.
 */
#include <sysexits.h>

#include <sample_opensnoop.h>

static const char usage[] =
	"usage: opensnoop [-d SECONDS] [-p PID]\n"
	"\n"
	"Print every file open (kprobe on do_sys_openat2, records through a perf\n"
	"buffer): TIME(s), COMM, PID, FILE.  Exits with status 69 when the kernel\n"
	"has no kprobes: use opensnoop_tp there.\n"
	"\n"
	OPENSNOOP_OPTIONS;

/* The kprobe on do_sys_openat2 (do_sys_open before 5.6).  Without kprobes:
 * say so and exit with EX_UNAVAILABLE. */
static struct bl_link *attach_kprobe(struct bl_object *obj)
{
	int prog_fd = bl_program_fd(bl_object_find_program(obj, "trace_open"));
	struct bl_link *link;
	struct bl_error err;

	link = bl_attach_kprobe(prog_fd, "do_sys_openat2", 0, false, NULL, &err);
	if (!link && err.err == -EOPNOTSUPP) {
		fprintf(stderr, "opensnoop: this kernel has no kprobes (%s).\n"
			"opensnoop_tp traces the same opens with the syscall tracepoints.\n", err.msg);
		exit(EX_UNAVAILABLE);
	}
	if (!link && err.err == -ENOENT)	/* before 5.6 */
		link = bl_attach_kprobe(prog_fd, "do_sys_open", 0, false, NULL, &err);
	if (!link)
		sample_die("opensnoop: %s", err.msg);
	return link;
}

int main(int argc, char **argv)
{
	return opensnoop_main(argc, argv, "opensnoop", usage, attach_kprobe);
}
