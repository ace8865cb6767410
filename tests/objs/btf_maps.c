/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * btf_maps.c - BTF-defined maps in ".maps".
 *
 * Expected facts (clang 14, flags of the Makefile):
 *
 * Section ".maps": 408 bytes, 12 maps (offset in .maps / symbol size):
 *   map         off  sz  type                  key  value  max     other
 *   inner_a     0    32  ARRAY (2)             4    4      1       inner_arr
 *   inner_b     32   32  ARRAY (2)             4    4      1       inner_arr
 *   outer_arr   64   48  ARRAY_OF_MAPS (12)    4    4      4       inner:
 *                        struct inner_arr; slots 0 = inner_a, 2 = inner_b
 *   flows       112  32  HASH (1)              8    16     1024    key
 *                        struct flow_key, value struct flow_val
 *   sized_arr   144  32  ARRAY (2)             4    16     8       sizes
 *                        only (key_size/value_size): no BTF key/value
 *   pcpu_cnt    176  32  PERCPU_ARRAY (6)      4    8      4
 *   events      208  16  RINGBUF (27)          0    0      262144
 *   perf_out    224  32  PERF_EVENT_ARRAY (4)  4    4      128     sizes only
 *   lru         256  40  LRU_HASH (9)          8    4      512     map_flags
 *                        BPF_F_NO_COMMON_LRU (2)
 *   pinned_cnt  296  40  HASH (1)              4    8      16      pinning
 *                        BY_NAME (1)
 *   outer_hash  336  24  HASH_OF_MAPS (13)     4    4      8       inner:
 *                        anonymous HASH key 4 value 8 max 32; no slots
 *   numa_hash   360  48  HASH (1)              4    4      64      map_flags
 *                        BPF_F_NUMA_NODE (4), numa_node 0
 * (value 4 for the map-in-map types: map fds; neither has __type(value).)
 * The BTF struct of outer_arr is 24 bytes with "values" an array of 0
 * elements; the symbol is 48 bytes because of the initialiser.  The
 * slots come from .rel.maps: 2 x R_BPF_64_ABS64, at 0x58 -> inner_a and
 * 0x68 -> inner_b; slot = (offset - 64 - 24) / 8 = 0 and 2.
 * Program: use_maps, section "tracepoint/syscalls/sys_enter_getpid"
 *   (TRACEPOINT), 120 insns; .text is empty.
 * Relocations: .reltracepoint/syscalls/sys_enter_getpid, 11 x R_BPF_64_64
 *   (insn -> map): 21 flows, 27 sized_arr, 34 pcpu_cnt, 43 events,
 *   50 perf_out, 59 lru, 66 and 77 pinned_cnt, 83 outer_arr,
 *   99 outer_hash, 113 numa_hash.  inner_a/inner_b are not referenced by
 *   code.
 * License "GPL".
 */
#include <bpfload/kern.h>

struct flow_key {
	__u32 pid;
	__u32 cpu;
};

struct flow_val {
	__u64 count;
	__u64 last_ns;
};

/* key and value given as types: sizes 8 and 16 come from BTF */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct flow_key);
	__type(value, struct flow_val);
} flows SEC(".maps");

/* key and value given as sizes only: no BTF key/value type ids */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(key_size, 4);
	__uint(value_size, 16);
	__uint(max_entries, 8);
} sized_arr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} pcpu_cnt SEC(".maps");

/* no key or value; max_entries is the buffer size: a power of 2 and a
 * multiple of the page size */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
	__uint(max_entries, 128);
} perf_out SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 512);
	__uint(map_flags, BPF_F_NO_COMMON_LRU);
	__type(key, __u64);
	__type(value, __u32);
} lru SEC(".maps");

/* pinned at <pin root>/pinned_cnt, reused if already there */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__uint(pinning, BL_PIN_BY_NAME);
	__type(key, __u32);
	__type(value, __u64);
} pinned_cnt SEC(".maps");

/* two maps that fit the inner definition of outer_arr */
struct inner_arr {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
};

struct inner_arr inner_a SEC(".maps");
struct inner_arr inner_b SEC(".maps");

/* array of maps, slot 0 = inner_a and slot 2 = inner_b at load */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct inner_arr);
} outer_arr SEC(".maps") = {
	.values = { [0] = &inner_a, [2] = &inner_b },
};

/* hash of maps, the inner definition written in place, no initial slots */
struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 8);
	__type(key, __u32);
	__array(values, struct {
		__uint(type, BPF_MAP_TYPE_HASH);
		__uint(max_entries, 32);
		__type(key, __u32);
		__type(value, __u64);
	});
} outer_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__uint(map_flags, BPF_F_NUMA_NODE);
	__uint(numa_node, 0);
	__type(key, __u32);
	__type(value, __u32);
} numa_hash SEC(".maps");

/* Touches every map, so each one has a relocation in the program. */
SEC("tracepoint/syscalls/sys_enter_getpid")
int use_maps(void *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct flow_key fk = {
		.pid = pid_tgid >> 32,
		.cpu = bpf_get_smp_processor_id(),
	};
	struct flow_val fv = { .count = 1, .last_ns = bpf_ktime_get_ns() };
	__u32 k0 = 0, one = 1;
	__u64 *cnt, *slot;
	__u32 *v32;
	void *inner;

	bpf_map_update_elem(&flows, &fk, &fv, BPF_ANY);

	slot = bpf_map_lookup_elem(&sized_arr, &k0);
	if (slot)
		slot[1] = pid_tgid;

	cnt = bpf_map_lookup_elem(&pcpu_cnt, &k0);
	if (cnt)
		*cnt += 1;

	bpf_ringbuf_output(&events, &fk, sizeof(fk), 0);
	bpf_perf_event_output(ctx, &perf_out, BPF_F_CURRENT_CPU, &fk, sizeof(fk));

	bpf_map_update_elem(&lru, &pid_tgid, &fk.pid, BPF_ANY);

	cnt = bpf_map_lookup_elem(&pinned_cnt, &k0);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	else
		bpf_map_update_elem(&pinned_cnt, &k0, &one, BPF_NOEXIST);

	inner = bpf_map_lookup_elem(&outer_arr, &k0);
	if (inner) {
		v32 = bpf_map_lookup_elem(inner, &k0);
		if (v32)
			*v32 += 1;
	}

	inner = bpf_map_lookup_elem(&outer_hash, &fk.pid);
	if (inner) {
		cnt = bpf_map_lookup_elem(inner, &k0);
		if (cnt)
			*cnt += 1;
	}

	bpf_map_update_elem(&numa_hash, &fk.cpu, &fk.pid, BPF_ANY);
	return 0;
}

BL_LICENSE("GPL");
