/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * limits_maps.c - 2000 maps in one object, for t_hardening_limits.
 *
 *   maps      m1000 ... m2999: BTF-defined ARRAY, key u32, value u64,
 *             max_entries 1, all of one named definition type
 *   program   touch_maps "socket": adds 1 to m1000[0], m1999[0] and
 *             m2999[0], returns 7
 * License "GPL".
 */
#include <bpfload/kern.h>

#include "limits_repeat.h"

struct many_def {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
};

#define MAP(n)	struct many_def m##n SEC(".maps");

R1000(MAP, 1)
R1000(MAP, 2)

static __always_inline void touch(void *map)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(map, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("socket")
int touch_maps(struct __sk_buff *skb)
{
	touch(&m1000);
	touch(&m1999);
	touch(&m2999);
	return 7;
}

BL_LICENSE("GPL");
