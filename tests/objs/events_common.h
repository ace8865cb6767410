/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * events_common.h - what the events_* test objects and their readers
 * (tests/kernel/t_ringbuf.c, t_perfbuf.c, tests/bench/) agree on.
 *
 * Every producer program is a raw tracepoint on sys_enter that acts only
 * for one thread (target_tid, the kernel's pid = gettid()) and one
 * syscall number (trigger_nr), so that tests running in parallel and the
 * reader's own syscalls never add records.  One matching syscall emits
 * per_call records (bpf_loop), each a struct bl_test_event of exactly 64
 * bytes carrying a sequence number.
 */
#ifndef BPFLOAD_TESTS_EVENTS_COMMON_H
#define BPFLOAD_TESTS_EVENTS_COMMON_H

struct bl_test_event {
	__u64 seq;		/* next_seq at the time of the record */
	__u32 cpu;		/* bpf_get_smp_processor_id() */
	__u32 ring;		/* ring buffer index (0 or 1); 0 for perf */
	__u32 tid;		/* the producing thread */
	__u32 tag;		/* copied from the .bss variable tag */
	__u8 pad[40];		/* filled with (seq & 0xff) */
};

_Static_assert(sizeof(struct bl_test_event) == 64, "64-byte records");

/* Most records one syscall may emit (bpf_loop's limit is 1 << 23). */
#define BL_TEST_MAX_PER_CALL	(1 << 20)

#endif /* BPFLOAD_TESTS_EVENTS_COMMON_H */
