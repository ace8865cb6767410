/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * limits_many.c - 2000 programs and 2000 maps in one object, for
 * t_hardening_limits.
 *
 *   maps      m1000 ... m2999: BTF-defined ARRAY, key u32, value u64,
 *             max_entries 1, all of one named definition type
 *   programs  p1000 ... p2999: 2000 functions in the one section
 *             "socket"; pN adds N to mN[0] and returns N (the socket
 *             filter's retval: PROG_TEST_RUN shows which program ran)
 * Every program has one relocation (its map).  License "GPL".
 */
#include <bpfload/kern.h>

struct many_def {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
};

#define R10(f, x)	f(x##0) f(x##1) f(x##2) f(x##3) f(x##4) \
			f(x##5) f(x##6) f(x##7) f(x##8) f(x##9)
#define R100(f, x)	R10(f, x##0) R10(f, x##1) R10(f, x##2) R10(f, x##3) R10(f, x##4) \
			R10(f, x##5) R10(f, x##6) R10(f, x##7) R10(f, x##8) R10(f, x##9)
#define R1000(f, x)	R100(f, x##0) R100(f, x##1) R100(f, x##2) R100(f, x##3) R100(f, x##4) \
			R100(f, x##5) R100(f, x##6) R100(f, x##7) R100(f, x##8) R100(f, x##9)

#define MAP(n)	struct many_def m##n SEC(".maps");

#define PROG(n)								\
SEC("socket")								\
int p##n(struct __sk_buff *skb)						\
{									\
	__u32 key = 0;							\
	__u64 *v = bpf_map_lookup_elem(&m##n, &key);			\
									\
	if (v)								\
		__sync_fetch_and_add(v, n);				\
	return n;							\
}

R1000(MAP, 1)
R1000(MAP, 2)

R1000(PROG, 1)
R1000(PROG, 2)

BL_LICENSE("GPL");
