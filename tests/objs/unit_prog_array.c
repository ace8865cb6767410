/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * unit_prog_array.c - a BTF-defined prog_array with initial programs, and
 * a bloom filter with map_extra (for the unit tests of the object model).
 *
 * Expected facts (clang 14, flags of the Makefile):
 *
 * Section ".maps" (maps in this order):
 *   jmp     PROG_ARRAY (3)     key 4 value 4  max 4   "values" at byte 24,
 *           declared without value_size (as libbpf's selftests do: the
 *           value of a prog_array is a program fd, 4 bytes); slots from
 *           .rel.maps, 2 x R_BPF_64_ABS64 against the FUNC symbols:
 *           0x18 -> tail_a (slot 0, program 0), 0x30 -> tail_b (slot 3,
 *           program 1)
 *   bloom   BLOOM_FILTER (30)  key 0 value 4  max 64  map_extra 3
 * Programs, all in section "socket" (SOCKET_FILTER), in this order:
 *   tail_a  insn 0, returns 1
 *   tail_b  insn 2, returns 2
 *   entry   insn 4, tail call into jmp[0] (R_BPF_64_64 -> jmp)
 * License "GPL".
 */
#include <bpfload/kern.h>

SEC("socket")
int tail_a(struct __sk_buff *skb)
{
	return 1;
}

SEC("socket")
int tail_b(struct __sk_buff *skb)
{
	return 2;
}

/* libbpf's way: no value_size, the loader knows a prog_array holds fds */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int (struct __sk_buff *));
} jmp SEC(".maps") = {
	.values = { [0] = &tail_a, [3] = &tail_b },
};

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__uint(max_entries, 64);
	__uint(map_extra, 3);
	__type(value, __u32);
} bloom SEC(".maps");

SEC("socket")
int entry(struct __sk_buff *skb)
{
	bpf_tail_call(skb, &jmp, 0);
	return 0;
}

BL_LICENSE("GPL");
