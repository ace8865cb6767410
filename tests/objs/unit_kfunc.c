/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * unit_kfunc.c - a call of an extern kernel function (kfunc, .ksyms),
 * which bpfload does not support yet (for the unit tests; it refuses to
 * open the object).
 *
 * Expected facts (clang 14, flags of the Makefile):
 * Program: use_kfunc, section "tc" (SCHED_CLS), 4 insns; insn 1 is a
 *   call (src_reg 1) with R_BPF_64_32 against the undefined (SHN_UNDEF)
 *   symbol bpf_unit_test_kfunc.
 * BTF: DATASEC ".ksyms".  License "GPL".
 */
#include <bpfload/kern.h>

#define __ksym		__attribute__((section(".ksyms")))

extern void bpf_unit_test_kfunc(int x) __ksym;

SEC("tc")
int use_kfunc(struct __sk_buff *skb)
{
	bpf_unit_test_kfunc(skb->len);
	return 0;
}

BL_LICENSE("GPL");
