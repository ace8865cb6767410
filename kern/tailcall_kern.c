/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tailcall_kern.c - dispatch through a BPF_MAP_TYPE_PROG_ARRAY: one entry
 * program on every system call, one program per kind of system call
 * reached with bpf_tail_call() (user side: user/tailcall_user.c).
 *
 * A tail call jumps into another program and never comes back: the
 * callee reuses the caller's stack frame and context and its return
 * value is the caller's.  The target is picked at run time from a
 * program array, a map whose values are programs, filled from user
 * space with program fds.  If the slot is empty (or the index out of
 * range) bpf_tail_call() returns and the caller goes on, which is how
 * the entry program counts the system calls nobody handles.  So one
 * small program can branch to any number of others, each verified on
 * its own (a way past the instruction limit, and a way to swap one
 * branch at run time without touching the others).
 *
 *   dispatch     tracepoint raw_syscalls/sys_enter: filters on the
 *                process (-p), then tail-calls jmp_table[syscall number]
 *   tail_io      read, write, pread64, pwrite64: counts them, and adds
 *                up the byte counts asked for (their argument 3)
 *   tail_ids     getpid, getppid, gettid, getuid, geteuid, getgid, getegid
 *   tail_sched   sched_yield, nanosleep, clock_nanosleep
 *   tail_memory  mmap, munmap, mprotect, mremap, brk
 *
 * Which syscall goes to which program is decided by user space, which
 * fills jmp_table with the numbers of this machine's <sys/syscall.h>;
 * nothing here depends on the architecture's numbering.  (A BTF-defined
 * prog array can also carry initial slots, __array(values, ...) = {
 * .values = { [N] = &prog } }, which the loader fills at load time.)
 *
 * The branch programs are in sections "tracepoint/" with no target:
 * they must be of the caller's program type to be tail-called, and with
 * no target they are loaded but never attached by name.
 *
 * BPF mechanisms shown: BPF_MAP_TYPE_PROG_ARRAY, bpf_tail_call(), the
 * raw_syscalls/sys_enter record, a .rodata pid filter set before load,
 * an array of counters updated with atomic adds.
 */
#include <bpfload/kern.h>

#include "tailcall.h"	/* BR_*, NR_BRANCHES, struct branch_stats */

/* Syscall numbers are below this on every architecture we run on. */
#define MAX_SYSCALLS	512

/* The record of tracepoint raw_syscalls/sys_enter (see its format file). */
struct raw_sys_enter {
	__u64 common;			/* type, flags, preempt count, pid */
	long id;			/* syscall number */
	unsigned long args[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, MAX_SYSCALLS);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} jmp_table SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NR_BRANCHES);
	__type(key, __u32);
	__type(value, struct branch_stats);
} branch_stats SEC(".maps");

/* 0: every process; else only this one.  Set before load (-p PID). */
const volatile __u32 target_tgid = 0;

static __always_inline struct branch_stats *count(__u32 branch)
{
	struct branch_stats *st = bpf_map_lookup_elem(&branch_stats, &branch);

	if (st)
		__sync_fetch_and_add(&st->calls, 1);
	return st;
}

SEC("tracepoint/raw_syscalls/sys_enter")
int dispatch(struct raw_sys_enter *ctx)
{
	long nr = ctx->id;

	if (target_tgid && (__u32)(bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	if (nr >= 0 && nr < MAX_SYSCALLS)
		bpf_tail_call(ctx, &jmp_table, (__u32)nr);
	/* only reached when jmp_table has no program for nr */
	count(BR_NONE);
	return 0;
}

SEC("tracepoint/")
int tail_io(struct raw_sys_enter *ctx)
{
	struct branch_stats *st = count(BR_IO);

	/* size_t count: what was asked for, not what was transferred */
	if (st)
		__sync_fetch_and_add(&st->bytes, ctx->args[2]);
	return 0;
}

SEC("tracepoint/")
int tail_ids(struct raw_sys_enter *ctx)
{
	(void)ctx;
	count(BR_IDS);
	return 0;
}

SEC("tracepoint/")
int tail_sched(struct raw_sys_enter *ctx)
{
	(void)ctx;
	count(BR_SCHED);
	return 0;
}

SEC("tracepoint/")
int tail_memory(struct raw_sys_enter *ctx)
{
	(void)ctx;
	count(BR_MEMORY);
	return 0;
}

BL_LICENSE("GPL");
