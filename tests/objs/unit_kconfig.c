/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * unit_kconfig.c - an extern variable in .kconfig, which bpfload does not
 * support yet (for the unit tests; it refuses to open the object).
 *
 * Expected facts (clang 14, flags of the Makefile):
 * Program: use_kconfig, section "socket" (SOCKET_FILTER), 7 insns; insn 0
 *   is an ld_imm64 with R_BPF_64_64 against the undefined (SHN_UNDEF)
 *   symbol LINUX_KERNEL_VERSION.
 * BTF: DATASEC ".kconfig", which has no ELF section (the loader makes it).
 * License "GPL".
 */
#include <bpfload/kern.h>

#define __kconfig	__attribute__((section(".kconfig")))

extern unsigned int LINUX_KERNEL_VERSION __kconfig;

SEC("socket")
int use_kconfig(struct __sk_buff *skb)
{
	return LINUX_KERNEL_VERSION > 0x050a00;
}

BL_LICENSE("GPL");
