/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * events_perf.c - a perf buffer producer for the reader's tests and
 * benchmark (tests/kernel/t_perfbuf.c, tests/bench/perfbuf_bench.c).
 *
 * Program: produce, section "raw_tp/sys_enter" (RAW_TRACEPOINT).  For a
 * sys_enter of syscall trigger_nr by a thread of process target_pid it
 * emits per_call (0 means 1) records of struct bl_test_event (64 bytes)
 * with bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, ...), so
 * each lands in the ring of the CPU the syscall ran on.  The kernel
 * pads raw samples so that the u32 size plus the data is a multiple of
 * 8: a 64-byte record arrives as 68 bytes.
 *
 * Map: events, BPF_MAP_TYPE_PERF_EVENT_ARRAY, 64 slots (one per CPU,
 * more than any test machine has; the reader checks).
 * Counters (.bss): next_seq (records attempted), failed (the helper
 * returned an error: the ring was full, which the kernel also counts
 * as lost, or no reader on that CPU).
 * License "GPL".
 */
#include <bpfload/kern.h>
#include "events_common.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
	__uint(max_entries, 64);
} events SEC(".maps");

__u32 target_pid;
__u32 trigger_nr;
__u32 per_call;
__u32 tag;
__u64 next_seq;
__u64 failed;

struct loop_ctx {
	void *ctx;
	__u32 tid;
};

static long emit_one(__u32 i, void *data)
{
	struct loop_ctx *lc = data;
	struct bl_test_event ev;
	__u64 seq = __sync_fetch_and_add(&next_seq, 1);

	ev.seq = seq;
	ev.cpu = bpf_get_smp_processor_id();
	ev.ring = 0;
	ev.tid = lc->tid;
	ev.tag = tag;
	__builtin_memset(ev.pad, (int)(seq & 0xff), sizeof(ev.pad));
	if (bpf_perf_event_output(lc->ctx, &events, BPF_F_CURRENT_CPU, &ev, sizeof(ev)))
		__sync_fetch_and_add(&failed, 1);
	return 0;
}

SEC("raw_tp/sys_enter")
int produce(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct loop_ctx lc = { .ctx = ctx, .tid = (__u32)id };
	__u32 n = per_call ? per_call : 1;

	if ((__u32)(id >> 32) != target_pid || ctx->args[1] != trigger_nr)
		return 0;
	if (n > BL_TEST_MAX_PER_CALL)
		n = BL_TEST_MAX_PER_CALL;
	bpf_loop(n, emit_one, &lc, 0);
	return 0;
}

BL_LICENSE("GPL");
