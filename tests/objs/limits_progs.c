/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * limits_progs.c - 2000 programs in one object, for t_hardening_limits.
 *
 *   programs  p1000 ... p2999: 2000 functions in the one section
 *             "socket"; pN adds 1 to runs[N] and returns N (the socket
 *             filter's retval: PROG_TEST_RUN shows which program ran)
 *   maps      runs: ARRAY, key u32, value u64, max_entries 4096
 * Every program has one relocation (runs).  License "GPL".
 *
 * (2000 maps live in limits_maps.c: clang 14 takes minutes with -g for an
 * object with thousands of functions *and* thousands of globals, about
 * quadratically, while each alone takes a second or two.)
 */
#include <bpfload/kern.h>

#include "limits_repeat.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} runs SEC(".maps");

#define PROG(n)								\
SEC("socket")								\
int p##n(struct __sk_buff *skb)						\
{									\
	__u32 key = n;							\
	__u64 *v = bpf_map_lookup_elem(&runs, &key);			\
									\
	if (v)								\
		__sync_fetch_and_add(v, 1);				\
	return n;							\
}

R1000(PROG, 1)
R1000(PROG, 2)

BL_LICENSE("GPL");
