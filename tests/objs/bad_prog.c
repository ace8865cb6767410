/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bad_prog.c - a program the verifier rejects, next to one it accepts.
 *
 * Expected facts (clang 14, flags of the Makefile):
 *
 * Map: vals, ".maps", HASH (1), key 4, value 8, max 4.
 * Section "socket" (SOCKET_FILTER), 21 insns, 2 programs:
 *   bad_deref   insn 0 / 9 insns: rejected by the verifier, BPF_PROG_LOAD
 *               fails with EACCES and the log contains
 *               "R0 invalid mem access 'map_value_or_null'" (at insn 7)
 *   good_deref  insn 9 / 12 insns: accepted; retval 0 on an empty map
 * Relocations: .relsocket, 2 x R_BPF_64_64: insn 4 -> vals (bad_deref),
 *   insn 13 -> vals (good_deref).  License "GPL".
 */
#include <bpfload/kern.h>

/*
 * A hash, not an array: for an array and a constant in-range key, newer
 * kernels (6.1x) know the lookup cannot fail and accept the unchecked
 * dereference below.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} vals SEC(".maps");

/*
 * bpf_map_lookup_elem() returns NULL for a missing key, so dereferencing
 * the result without a NULL check is refused, whatever the map holds.
 */
SEC("socket")
int bad_deref(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *val = bpf_map_lookup_elem(&vals, &key);

	return *val;
}

/* The same with the check: accepted.  Returns value + 1, or 0 when the
 * key is missing (as in a new, empty map). */
SEC("socket")
int good_deref(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *val = bpf_map_lookup_elem(&vals, &key);

	if (!val)
		return 0;
	return *val + 1;
}

BL_LICENSE("GPL");
