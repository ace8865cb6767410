/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bpfload/kern.h - the one header a bpfload kern program includes.
 *
 *	#include <bpfload/kern.h>
 *
 *	SEC("xdp")
 *	int pass(struct xdp_md *ctx)
 *	{
 *		return XDP_PASS;
 *	}
 *
 *	BL_LICENSE("GPL");
 *
 * Build with clang -O2 -g -target bpf -D__TARGET_ARCH_x86 (see the
 * Makefile for the full flags).  -g matters: the BTF it produces carries
 * BTF-defined maps, global variables and function info.
 *
 * What a loader takes from the ELF, and which macro puts it there:
 *   SEC("kprobe/...") etc.	one section per program (or several
 *				programs in one section); the name gives
 *				the program type and attach point
 *   SEC(".maps")		BTF-defined maps (kern_maps.h)
 *   SEC("maps")		legacy struct bpf_map_def maps (kern_maps.h)
 *   BL_LICENSE(s)		section "license": GPL-only helpers need a
 *				GPL-compatible string
 *   BL_VERSION(v)		section "version": a u32 that kernels before
 *				5.0 compared with their own version for
 *				kprobe programs; ignored by newer kernels
 *   BL_CORE_READ() etc.	CO-RE: kernel struct reads relocated at load
 *				time for the running kernel (kern_core.h)
 */
#ifndef BPFLOAD_KERN_H
#define BPFLOAD_KERN_H

/*
 * With a vmlinux.h (bpfload btf dump --format c) included first, it has
 * every kernel type, the __u32 family and the enums of <linux/bpf.h>
 * (BPF_MAP_TYPE_*, BPF_FUNC_*, BPF_F_*): the uapi headers would define
 * them a second time, so neither this header nor the ones below include
 * them then.  <linux/version.h> only has macros and clashes with nothing.
 *
 *	#include "vmlinux.h"
 *	#include <bpfload/kern.h>
 *
 * The helper declarations name their ids (BPF_FUNC_*): the vmlinux.h must
 * come from a kernel at least as new as the uapi <linux/bpf.h> that
 * kern_helpers.h was generated from (6.1).  CO-RE makes the object run
 * on older kernels all the same.
 */
#ifndef __VMLINUX_H__
#include <linux/types.h>
#include <linux/bpf.h>
#endif
#include <linux/version.h>

/*
 * Put the object in ELF section "name".  "used" keeps it even when
 * nothing in the translation unit refers to it: programs, maps and the
 * license are only referred to by the loader.
 */
#define SEC(name)		__attribute__((section(name), used))

/*
 * The uapi <linux/stddef.h> (pulled in by <linux/bpf.h>) defines
 * __always_inline as a plain inline hint (a vmlinux.h does not define it).  In BPF code it must be a
 * guarantee (a helper meant to be inlined that becomes a BPF-to-BPF call
 * changes what the verifier sees), so force our definition.
 */
#undef __always_inline
#define __always_inline		inline __attribute__((always_inline))

/* The uapi headers bring NULL along (through <stddef.h>); a vmlinux.h does not. */
#ifndef NULL
#define NULL			((void *)0)
#endif

#ifndef __noinline
#define __noinline		__attribute__((noinline))
#endif

#ifndef __weak
#define __weak			__attribute__((weak))
#endif

/* Let a program or subprogram keep a helper's result without a warning. */
#ifndef __maybe_unused
#define __maybe_unused		__attribute__((unused))
#endif

/* The license string, in section "license", NUL terminated. */
#define BL_LICENSE(s)		char _license[] SEC("license") = s

/*
 * BL_VERSION() or BL_VERSION(code): section "version", a __u32; the
 * default is LINUX_VERSION_CODE of the headers we build against.
 */
#define ___bl_ver_pick(_a, v, ...)	v
#define BL_VERSION(...)							\
	__u32 _version SEC("version") =					\
		___bl_ver_pick(_, ##__VA_ARGS__, LINUX_VERSION_CODE)

/* Short names, unless the program already uses them for something else. */
#ifndef LICENSE
#define LICENSE(s)		BL_LICENSE(s)
#endif
#ifndef VERSION
#define VERSION(...)		BL_VERSION(__VA_ARGS__)
#endif

#include <bpfload/kern_helpers.h>
#include <bpfload/kern_maps.h>
#include <bpfload/kern_endian.h>
#include <bpfload/kern_tracing.h>
#include <bpfload/kern_core.h>

#endif /* BPFLOAD_KERN_H */
