/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * events_maps.c - per-CPU counters filled by a program, for the map
 * helpers' test (tests/kernel/t_maputil.c).
 *
 * Program: count, section "raw_tp/sys_enter" (RAW_TRACEPOINT).  For a
 * sys_enter of syscall trigger_nr by a thread of process target_pid:
 *   percpu_count[0] += 1                 (PERCPU_ARRAY, u32 -> u64, 4)
 *   percpu_stats[tid] += { 1, 10 }       (PERCPU_HASH, u32 -> struct
 *                                         { u64 calls; u64 weight; }, 64)
 *   plain[tid] += 1                      (HASH, u32 -> u64, 64)
 * each on the CPU the syscall ran on, so after n0 calls on CPU 0 and n1
 * on CPU 1 the per-CPU view shows n0 and n1 and the sum n0 + n1.
 * License "GPL".
 */
#include <bpfload/kern.h>

struct stats {
	__u64 calls;
	__u64 weight;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} percpu_count SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct stats);
} percpu_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} plain SEC(".maps");

__u32 target_pid;
__u32 trigger_nr;

SEC("raw_tp/sys_enter")
int count(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id, zero = 0;
	struct stats *s, init = { 1, 10 };
	__u64 *c, one = 1;

	if ((__u32)(id >> 32) != target_pid || ctx->args[1] != trigger_nr)
		return 0;
	c = bpf_map_lookup_elem(&percpu_count, &zero);
	if (c)
		*c += 1;	/* per-CPU: no other CPU writes this copy */
	s = bpf_map_lookup_elem(&percpu_stats, &tid);
	if (s) {
		s->calls += 1;
		s->weight += 10;
	} else {
		bpf_map_update_elem(&percpu_stats, &tid, &init, BPF_NOEXIST);
	}
	c = bpf_map_lookup_elem(&plain, &tid);
	if (c)
		__sync_fetch_and_add(c, 1);
	else
		bpf_map_update_elem(&plain, &tid, &one, BPF_NOEXIST);
	return 0;
}

BL_LICENSE("GPL");
