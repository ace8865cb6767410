/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * events_ringbuf.c - a BPF ring buffer producer for the reader's tests
 * and benchmark (tests/kernel/t_ringbuf.c, tests/bench/ringbuf_bench.c).
 *
 * Program: produce, section "raw_tp/sys_enter" (RAW_TRACEPOINT).  For a
 * sys_enter of syscall trigger_nr by a thread of process target_pid it
 * emits per_call (0 means 1) records of struct bl_test_event (64 bytes)
 * with consecutive sequence numbers taken from next_seq, through
 * bpf_loop().  Maps: rb0 and rb1, BPF_MAP_TYPE_RINGBUF of 4 MiB each.
 *
 * Knobs, all in .bss so user space can change them while attached:
 *   ring_mode      0: every record to rb0, 1: to rb1, 2: even seq to
 *                  rb0, odd to rb1
 *   discard_every  N > 0: records whose seq % N == 0 are reserved, then
 *                  discarded (bpf_ringbuf_discard): the reader must skip
 *                  them
 *   wakeup_flags   passed to submit/discard: 0 (the kernel wakes the
 *                  reader when it has caught up), BPF_RB_NO_WAKEUP (never:
 *                  the reader must poll with a timeout), or
 *                  BPF_RB_FORCE_WAKEUP
 * Counters: next_seq (records attempted), dropped (reserve failed: the
 * ring was full), discarded.
 * License "GPL".
 */
#include <bpfload/kern.h>
#include "events_common.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} rb0 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} rb1 SEC(".maps");

__u32 target_pid;
__u32 trigger_nr;
__u32 per_call;
__u32 discard_every;
__u32 ring_mode;
__u32 tag;
__u64 wakeup_flags;
__u64 next_seq;
__u64 dropped;
__u64 discarded;

struct loop_ctx {
	__u32 tid;
};

static long emit_one(__u32 i, void *data)
{
	struct loop_ctx *lc = data;
	__u64 seq = __sync_fetch_and_add(&next_seq, 1);
	__u32 ring = ring_mode == 2 ? (__u32)(seq & 1) : ring_mode;
	struct bl_test_event *ev;

	if (ring)
		ev = bpf_ringbuf_reserve(&rb1, sizeof(*ev), 0);
	else
		ev = bpf_ringbuf_reserve(&rb0, sizeof(*ev), 0);
	if (!ev) {
		__sync_fetch_and_add(&dropped, 1);
		return 0;
	}
	ev->seq = seq;
	ev->cpu = bpf_get_smp_processor_id();
	ev->ring = ring;
	ev->tid = lc->tid;
	ev->tag = tag;
	__builtin_memset(ev->pad, (int)(seq & 0xff), sizeof(ev->pad));
	if (discard_every && seq % discard_every == 0) {
		bpf_ringbuf_discard(ev, wakeup_flags);
		__sync_fetch_and_add(&discarded, 1);
	} else {
		bpf_ringbuf_submit(ev, wakeup_flags);
	}
	return 0;
}

SEC("raw_tp/sys_enter")
int produce(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct loop_ctx lc = { .tid = (__u32)id };
	__u32 n = per_call ? per_call : 1;

	/* sys_enter(struct pt_regs *regs, long id): args[1] is the number */
	if ((__u32)(id >> 32) != target_pid || ctx->args[1] != trigger_nr)
		return 0;
	if (n > BL_TEST_MAX_PER_CALL)
		n = BL_TEST_MAX_PER_CALL;
	bpf_loop(n, emit_one, &lc, 0);
	return 0;
}

BL_LICENSE("GPL");
