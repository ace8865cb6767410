/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bpfload/kern_endian.h - byte order conversion in BPF programs.
 *
 * Packet headers are big endian; BPF runs in the host's byte order
 * (clang -target bpf picks bpfel or bpfeb to match the host).  These
 * work on both.  For a constant argument the result is a constant
 * expression (usable in case labels and static initialisers); for
 * anything else it compiles to a single BPF_END (bswap) instruction.
 */
#ifndef BPFLOAD_KERN_ENDIAN_H
#define BPFLOAD_KERN_ENDIAN_H

#ifndef __VMLINUX_H__		/* vmlinux.h has the types (kern.h) */
#include <linux/types.h>
#endif

/* Plain shifts and masks: always a constant expression for constants. */
#define ___bl_swab16(x)	((__u16)((((__u16)(x) & 0x00ffU) << 8) |		\
				 (((__u16)(x) & 0xff00U) >> 8)))
#define ___bl_swab32(x)	((__u32)((((__u32)(x) & 0x000000ffUL) << 24) |	\
				 (((__u32)(x) & 0x0000ff00UL) <<  8) |	\
				 (((__u32)(x) & 0x00ff0000UL) >>  8) |	\
				 (((__u32)(x) & 0xff000000UL) >> 24)))
#define ___bl_swab64(x)	((__u64)((__u64)___bl_swab32((__u64)(x) >> 32) |	\
				 ((__u64)___bl_swab32(x) << 32)))

/* Pick the constant form when the compiler knows the value. */
#define ___bl_swap(bits, x)						\
	(__builtin_constant_p(x) ? ___bl_swab##bits(x) :		\
				   __builtin_bswap##bits(x))

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
# define ___bl_to_be(bits, x)	___bl_swap(bits, x)
#elif __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
# define ___bl_to_be(bits, x)	((__u##bits)(x))
#else
# error "unknown byte order"
#endif

#define bpf_htons(x)		((__be16)___bl_to_be(16, x))
#define bpf_ntohs(x)		((__u16)___bl_to_be(16, (__u16)(x)))
#define bpf_htonl(x)		((__be32)___bl_to_be(32, x))
#define bpf_ntohl(x)		((__u32)___bl_to_be(32, (__u32)(x)))
#define bpf_cpu_to_be64(x)	((__be64)___bl_to_be(64, x))
#define bpf_be64_to_cpu(x)	((__u64)___bl_to_be(64, (__u64)(x)))

#endif /* BPFLOAD_KERN_ENDIAN_H */
