/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * unit_nolicense.c - a program without a "license" section (for the unit
 * tests; bpfload refuses to open it).
 *
 * Expected facts (clang 14, flags of the Makefile):
 * Program: no_license, section "socket" (SOCKET_FILTER), 2 insns.
 * No "license" section, no maps, no relocations.
 */
#include <bpfload/kern.h>

SEC("socket")
int no_license(struct __sk_buff *skb)
{
	return 0;
}
