/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * legacy_maps_ext.c - legacy "maps" with the 28-byte definition.
 *
 * Expected facts (clang 14, flags of the Makefile):
 *
 * Section "maps": 84 bytes = 3 x struct bpf_map_def_ext (28 bytes each):
 *   offset  symbol      type                key value max  flags inner numa
 *   0       inner_tmpl  ARRAY (2)           4   8     4    0     0     0
 *   28      outer_arr   ARRAY_OF_MAPS (12)  4   4     2    0     0     0
 *   56      numa_hash   HASH (1)            4   4     64   4     0     0
 *                                              (BPF_F_NUMA_NODE)
 * outer_arr's inner_map_idx 0 means "map 0 in order of offset", which is
 * inner_tmpl.  The symbol table lists them in another order (numa_hash,
 * outer_arr, inner_tmpl): sort by st_value, not by symbol index.
 * Map size = section size / number of symbols in it = 84 / 3 = 28.
 * Program: read_inner, section "socket" (SOCKET_FILTER), 35 insns;
 *   .text is empty.
 * Relocations: .relsocket, 3 x R_BPF_64_64: insn 6 and 16 -> numa_hash,
 *   insn 22 -> outer_arr.
 * No version section.  License "GPL".
 *
 * read_inner returns outer_arr[0][0] (low 32 bits) when user space put
 * an inner map in slot 0, else 1; it counts its runs in numa_hash[0].
 */
#include <bpfload/kern.h>

/* Map 0: the template for the inner maps of outer_arr. */
struct bpf_map_def_ext SEC("maps") inner_tmpl = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 4,
};

/* Map 1: array of maps; values are map fds (4 bytes), inner map = map 0. */
struct bpf_map_def_ext SEC("maps") outer_arr = {
	.type = BPF_MAP_TYPE_ARRAY_OF_MAPS,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 2,
	.inner_map_idx = 0,
};

/* Map 2: a hash placed on NUMA node 0. */
struct bpf_map_def_ext SEC("maps") numa_hash = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 64,
	.map_flags = BPF_F_NUMA_NODE,
	.numa_node = 0,
};

/*
 * Return outer_arr[0][0] (the low 32 bits) if user space put a map in
 * slot 0, else 1; count calls in numa_hash[0] along the way.
 */
SEC("socket")
int read_inner(struct __sk_buff *skb)
{
	__u32 key = 0, one = 1, *cnt;
	__u64 *val;
	void *inner;

	cnt = bpf_map_lookup_elem(&numa_hash, &key);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	else
		bpf_map_update_elem(&numa_hash, &key, &one, BPF_NOEXIST);

	inner = bpf_map_lookup_elem(&outer_arr, &key);
	if (!inner)
		return 1;
	val = bpf_map_lookup_elem(inner, &key);
	if (!val)
		return 1;
	return *val;
}

BL_LICENSE("GPL");
