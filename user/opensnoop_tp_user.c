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
 *
 * All but the attach is shared with opensnoop: opensnoop_main(), in
 * user/sample_opensnoop.h; the record is kern/opensnoop.h.
 */
#include <sample_opensnoop.h>

static const char usage[] =
	"usage: opensnoop_tp [-d SECONDS] [-p PID]\n"
	"\n"
	"Print every file open (syscall tracepoints sys_enter_openat, openat2 and\n"
	"open; records through a perf buffer): TIME(s), COMM, PID, FILE.\n"
	"\n"
	OPENSNOOP_OPTIONS;

/* The tracepoints this kernel has (sys_enter_openat at least); their
 * links are the object's. */
static struct bl_link *attach_tps(struct bl_object *obj)
{
	opensnoop_attach_tp("opensnoop_tp", obj, "openat_enter", true);
	opensnoop_attach_tp("opensnoop_tp", obj, "openat2_enter", false);
	opensnoop_attach_tp("opensnoop_tp", obj, "open_enter", false);
	return NULL;
}

int main(int argc, char **argv)
{
	return opensnoop_main(argc, argv, "opensnoop_tp", usage, attach_tps);
}
