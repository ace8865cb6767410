/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * unit_legacy_big.c - legacy "maps" with a 32-byte definition (for the
 * unit tests; not meant to be loaded: bpfload refuses it).
 *
 * Expected facts (clang 14, flags of the Makefile):
 *
 * Section "maps": 64 bytes = 2 x struct big_map_def (32 bytes each):
 *   offset  symbol     type       key value max  extra (bytes 28..31)
 *   0       big_zero   ARRAY (2)  4   8     4    0
 *   32      big_tail   HASH (1)   4   4     16   0x5a5a5a5a
 * The loader knows the first 28 bytes; a larger definition is accepted
 * only when the rest is zero, so big_zero alone would be fine and
 * big_tail is refused: byte 32 + 28 = 0x3c of "maps" is not zero.
 * Program: use_big, section "socket" (SOCKET_FILTER); relocations
 *   R_BPF_64_64 -> big_zero and big_tail.  License "GPL".
 */
#include <bpfload/kern.h>

struct big_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
	unsigned int inner_map_idx;
	unsigned int numa_node;
	unsigned int extra;		/* unknown to the loader */
};

struct big_map_def SEC("maps") big_zero = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 4,
};

struct big_map_def SEC("maps") big_tail = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 16,
	.extra = 0x5a5a5a5a,
};

SEC("socket")
int use_big(struct __sk_buff *skb)
{
	__u32 key = 0, *v32;
	__u64 *v64;

	v64 = bpf_map_lookup_elem(&big_zero, &key);
	v32 = bpf_map_lookup_elem(&big_tail, &key);
	return (v64 ? 1 : 0) + (v32 ? 2 : 0);
}

BL_LICENSE("GPL");
