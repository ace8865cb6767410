/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bpfload/kern_core.h - CO-RE: read kernel structures whose layout
 * differs between kernels, from one compiled object.
 *
 * The compiler does half the work.  Inside __builtin_preserve_access_index
 * (or on a type declared with __attribute__((preserve_access_index)), as
 * every type of a vmlinux.h is) clang compiles "&t->real_parent" to the
 * offset it knows and records in .BTF.ext which field of which type that
 * offset is.  At load time bpfload looks the same field up in the
 * running kernel's BTF (/sys/kernel/btf/vmlinux) and rewrites the
 * instruction.  The other builtins below ask questions whose answer is
 * filled in the same way: does a field, type or enum value exist, how
 * big is it, is it signed.
 *
 *	#include <bpfload/kern.h>
 *	#include "vmlinux.h"		(bpfload btf dump --format c)
 *
 *	struct task_struct *t = (void *)bpf_get_current_task();
 *	int ppid = BL_CORE_READ(t, real_parent, tgid);
 *	char comm[16];
 *	BL_CORE_READ_STR_INTO(comm, t, comm);
 *
 * Types the program declares itself need preserve_access_index too
 * (BL_CORE_STRUCT below), and only the members it uses: CO-RE matches by
 * name, not by position.  A type whose name ends in "___something" is a
 * "flavour": it matches the kernel type without the suffix, so the layout
 * of an older kernel can be described next to the current one:
 *
 *	struct task_struct___old { long state; } BL_CORE_STRUCT;
 *	if (bl_core_field_exists(((struct task_struct___old *)t)->state)) ...
 *
 * When a field a program reads does not exist in the running kernel, the
 * loader turns that instruction into a call to an invalid helper: the
 * program loads as long as that path cannot run (guard it with
 * bl_core_field_exists), and fails with a message naming the field if
 * it can.
 *
 * Needs clang 12 or newer with -g (the records live in .BTF.ext);
 * bl_core_type_matches() needs clang 15.
 */
#ifndef BPFLOAD_KERN_CORE_H
#define BPFLOAD_KERN_CORE_H

#ifndef __VMLINUX_H__		/* vmlinux.h has the types (kern.h) */
#include <linux/types.h>
#endif
#include <bpfload/kern_helpers.h>

/* Second argument of __builtin_preserve_field_info(). */
#define BL_FIELD_BYTE_OFFSET	0
#define BL_FIELD_BYTE_SIZE	1
#define BL_FIELD_EXISTS		2
#define BL_FIELD_SIGNED		3
#define BL_FIELD_LSHIFT_U64	4
#define BL_FIELD_RSHIFT_U64	5
/* ... of __builtin_btf_type_id() */
#define BL_TYPE_ID_LOCAL	0
#define BL_TYPE_ID_TARGET	1
/* ... of __builtin_preserve_type_info() */
#define BL_TYPE_EXISTS		0
#define BL_TYPE_SIZE		1
#define BL_TYPE_MATCHES		2
/* ... of __builtin_preserve_enum_value() */
#define BL_ENUMVAL_EXISTS	0
#define BL_ENUMVAL_VALUE	1

/* For the program's own declarations of kernel types. */
#define BL_CORE_STRUCT		__attribute__((preserve_access_index))

/* ---- questions ------------------------------------------------------------- */

/* Does the field exist in the running kernel (1/0)?  field is an access
 * expression: p->a.b, or ((struct x___flavour *)p)->c. */
#define bl_core_field_exists(field)	__builtin_preserve_field_info(field, BL_FIELD_EXISTS)
/* Its size and offset in bytes in the running kernel. */
#define bl_core_field_size(field)	__builtin_preserve_field_info(field, BL_FIELD_BYTE_SIZE)
#define bl_core_field_offset(field)	__builtin_preserve_field_info(field, BL_FIELD_BYTE_OFFSET)
/* Is it a signed integer (or signed enum)? */
#define bl_core_field_signed(field)	__builtin_preserve_field_info(field, BL_FIELD_SIGNED)

/* Does the type exist (struct x, union y, enum z, a typedef)?  Its size,
 * 0 when it does not. */
#define bl_core_type_exists(type)					\
	__builtin_preserve_type_info(*(typeof(type) *)0, BL_TYPE_EXISTS)
#define bl_core_type_size(type)						\
	__builtin_preserve_type_info(*(typeof(type) *)0, BL_TYPE_SIZE)
#if defined(__clang_major__) && __clang_major__ >= 15
/* Does the kernel's type have every member the local one lists, with
 * matching types (stricter than existence)? */
#define bl_core_type_matches(type)					\
	__builtin_preserve_type_info(*(typeof(type) *)0, BL_TYPE_MATCHES)
#endif

/* The type's id in the program's BTF, and in the kernel's (0 if absent). */
#define bl_core_type_id_local(type)					\
	__builtin_btf_type_id(*(typeof(type) *)0, BL_TYPE_ID_LOCAL)
#define bl_core_type_id_kernel(type)					\
	__builtin_btf_type_id(*(typeof(type) *)0, BL_TYPE_ID_TARGET)

/* Does enum type have value (an enumerator of the local enum), and what
 * is its value in the running kernel? */
#define bl_core_enum_value_exists(type, value)				\
	__builtin_preserve_enum_value(*(typeof(type) *)value, BL_ENUMVAL_EXISTS)
#define bl_core_enum_value(type, value)					\
	__builtin_preserve_enum_value(*(typeof(type) *)value, BL_ENUMVAL_VALUE)

/* ---- reads ------------------------------------------------------------------ */

/* Read size bytes at src (a relocated address) from kernel memory. */
#define bl_core_read(dst, size, src)					\
	bpf_probe_read_kernel(dst, size, (const void *)__builtin_preserve_access_index(src))
#define bl_core_read_str(dst, size, src)				\
	bpf_probe_read_kernel_str(dst, size, (const void *)__builtin_preserve_access_index(src))
/* The same for user memory laid out as kernel types (rare). */
#define bl_core_read_user(dst, size, src)				\
	bpf_probe_read_user(dst, size, (const void *)__builtin_preserve_access_index(src))

/*
 * Chains: BL_CORE_READ(t, real_parent, tgid) is t->real_parent->tgid,
 * each step read with bpf_probe_read_kernel (a failed read gives 0).
 * A step is a member access, also nested (mm, arg_start) or indexed
 * (files, fdt, fd[3]).  Up to 8 steps.
 */
#define ___blc_nth(_0, _1, _2, _3, _4, _5, _6, _7, _8, N, ...)	N
#define ___blc_count(...)	___blc_nth(_, ##__VA_ARGS__, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define ___blc_paste(a, b)	a##b
#define ___blc_join(a, b)	___blc_paste(a, b)

/* One pointer hop: the value of (s)->a, read from kernel memory (into
 * bytes: the member's type may be const-qualified). */
#define ___blc_hop(rd, s, a) ({						\
	union {								\
		typeof((s)->a) v;					\
		char b[sizeof((s)->a)];					\
	} ___blc_u;							\
	rd(___blc_u.b, sizeof(___blc_u.b), &(s)->a);			\
	___blc_u.v; })

#define ___blc_r1(rd, s, a)		___blc_hop(rd, s, a)
#define ___blc_r2(rd, s, a, b)						\
	({ typeof((s)->a) ___blc_p2 = ___blc_hop(rd, s, a); ___blc_r1(rd, ___blc_p2, b); })
#define ___blc_r3(rd, s, a, ...)						\
	({ typeof((s)->a) ___blc_p3 = ___blc_hop(rd, s, a); ___blc_r2(rd, ___blc_p3, __VA_ARGS__); })
#define ___blc_r4(rd, s, a, ...)						\
	({ typeof((s)->a) ___blc_p4 = ___blc_hop(rd, s, a); ___blc_r3(rd, ___blc_p4, __VA_ARGS__); })
#define ___blc_r5(rd, s, a, ...)						\
	({ typeof((s)->a) ___blc_p5 = ___blc_hop(rd, s, a); ___blc_r4(rd, ___blc_p5, __VA_ARGS__); })
#define ___blc_r6(rd, s, a, ...)						\
	({ typeof((s)->a) ___blc_p6 = ___blc_hop(rd, s, a); ___blc_r5(rd, ___blc_p6, __VA_ARGS__); })
#define ___blc_r7(rd, s, a, ...)						\
	({ typeof((s)->a) ___blc_p7 = ___blc_hop(rd, s, a); ___blc_r6(rd, ___blc_p7, __VA_ARGS__); })
#define ___blc_r8(rd, s, a, ...)						\
	({ typeof((s)->a) ___blc_p8 = ___blc_hop(rd, s, a); ___blc_r7(rd, ___blc_p8, __VA_ARGS__); })

/* The pointer that holds the last step's field: all but the last hop. */
#define ___blc_i1(rd, s, a)		(s)
#define ___blc_i2(rd, s, a, b)		___blc_hop(rd, s, a)
#define ___blc_i3(rd, s, a, ...)						\
	({ typeof((s)->a) ___blc_q3 = ___blc_hop(rd, s, a); ___blc_i2(rd, ___blc_q3, __VA_ARGS__); })
#define ___blc_i4(rd, s, a, ...)						\
	({ typeof((s)->a) ___blc_q4 = ___blc_hop(rd, s, a); ___blc_i3(rd, ___blc_q4, __VA_ARGS__); })
#define ___blc_i5(rd, s, a, ...)						\
	({ typeof((s)->a) ___blc_q5 = ___blc_hop(rd, s, a); ___blc_i4(rd, ___blc_q5, __VA_ARGS__); })
#define ___blc_i6(rd, s, a, ...)						\
	({ typeof((s)->a) ___blc_q6 = ___blc_hop(rd, s, a); ___blc_i5(rd, ___blc_q6, __VA_ARGS__); })
#define ___blc_i7(rd, s, a, ...)						\
	({ typeof((s)->a) ___blc_q7 = ___blc_hop(rd, s, a); ___blc_i6(rd, ___blc_q7, __VA_ARGS__); })
#define ___blc_i8(rd, s, a, ...)						\
	({ typeof((s)->a) ___blc_q8 = ___blc_hop(rd, s, a); ___blc_i7(rd, ___blc_q8, __VA_ARGS__); })

/* The last step's name, to take its address on the inner pointer. */
#define ___blc_l1(a)				a
#define ___blc_l2(a, b)				b
#define ___blc_l3(a, b, c)			c
#define ___blc_l4(a, b, c, d)			d
#define ___blc_l5(a, b, c, d, e)			e
#define ___blc_l6(a, b, c, d, e, f)		f
#define ___blc_l7(a, b, c, d, e, f, g)		g
#define ___blc_l8(a, b, c, d, e, f, g, h)	h

#define ___blc_chain(rd, s, ...)						\
	___blc_join(___blc_r, ___blc_count(__VA_ARGS__))(rd, s, __VA_ARGS__)
#define ___blc_inner(rd, s, ...)						\
	___blc_join(___blc_i, ___blc_count(__VA_ARGS__))(rd, s, __VA_ARGS__)
#define ___blc_last(...)							\
	___blc_join(___blc_l, ___blc_count(__VA_ARGS__))(__VA_ARGS__)

/* The value of src->a->b->...: a scalar or a pointer. */
#define BL_CORE_READ(src, ...)		___blc_chain(bl_core_read, src, __VA_ARGS__)
#define BL_CORE_READ_USER(src, ...)	___blc_chain(bl_core_read_user, src, __VA_ARGS__)

/* Copy the last field (any size: arrays, structs) into *dst; returns
 * bpf_probe_read_kernel's result (0 or -errno). */
#define BL_CORE_READ_INTO(dst, src, ...) ({				\
	typeof(___blc_inner(bl_core_read, src, __VA_ARGS__)) ___blc_in =	\
		___blc_inner(bl_core_read, src, __VA_ARGS__);		\
	bl_core_read(dst, sizeof(*(dst)), &___blc_in->___blc_last(__VA_ARGS__)); })

/* The same from user memory, for a kernel type a program passes in (the
 * struct open_how of openat2, seen from its syscall tracepoint): every
 * step read with bpf_probe_read_user, the offsets relocated all the same.
 * Returns bpf_probe_read_user's result. */
#define BL_CORE_READ_USER_INTO(dst, src, ...) ({				\
	typeof(___blc_inner(bl_core_read_user, src, __VA_ARGS__)) ___blc_in =	\
		___blc_inner(bl_core_read_user, src, __VA_ARGS__);		\
	bl_core_read_user(dst, sizeof(*(dst)), &___blc_in->___blc_last(__VA_ARGS__)); })

/* A NUL-terminated string field (char comm[16]) into the array dst;
 * returns the length with the NUL, or -errno. */
#define BL_CORE_READ_STR_INTO(dst, src, ...) ({				\
	typeof(___blc_inner(bl_core_read, src, __VA_ARGS__)) ___blc_in =	\
		___blc_inner(bl_core_read, src, __VA_ARGS__);		\
	bl_core_read_str(dst, sizeof(dst), &___blc_in->___blc_last(__VA_ARGS__)); })

/* ---- bitfields ------------------------------------------------------------------ */

/*
 * Read a bitfield member through bpf_probe_read_kernel: load the bytes
 * that hold it (offset and size relocated), shift it to the top of 64
 * bits and back down, sign-extending if the field is signed.  Works for
 * ordinary integer members too.  The value is a __u64 (cast as needed).
 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ___blc_bf_dst(v, size)	((void *)&(v))
#else
#define ___blc_bf_dst(v, size)	((void *)&(v) + 8 - (size))
#endif

#define BL_CORE_READ_BITFIELD_PROBED(s, field) ({				\
	unsigned long long ___blc_bf = 0;					\
	unsigned int ___blc_sz = __builtin_preserve_field_info((s)->field,	\
							BL_FIELD_BYTE_SIZE);	\
	bpf_probe_read_kernel(___blc_bf_dst(___blc_bf, ___blc_sz), ___blc_sz,	\
		(const void *)(s) + __builtin_preserve_field_info((s)->field,	\
							BL_FIELD_BYTE_OFFSET));	\
	___blc_bf <<= __builtin_preserve_field_info((s)->field, BL_FIELD_LSHIFT_U64); \
	if (__builtin_preserve_field_info((s)->field, BL_FIELD_SIGNED))	\
		___blc_bf = (unsigned long long)((long long)___blc_bf >>		\
			__builtin_preserve_field_info((s)->field, BL_FIELD_RSHIFT_U64)); \
	else								\
		___blc_bf >>= __builtin_preserve_field_info((s)->field,		\
							BL_FIELD_RSHIFT_U64);	\
	___blc_bf; })

/*
 * The same with a direct load, for pointers the verifier lets the
 * program dereference (tp_btf/fentry arguments, bpf_get_current_task_btf).
 */
#define BL_CORE_READ_BITFIELD(s, field) ({					\
	const void *___blc_p = (const void *)(s) +				\
		__builtin_preserve_field_info((s)->field, BL_FIELD_BYTE_OFFSET); \
	unsigned long long ___blc_bf;						\
	switch (__builtin_preserve_field_info((s)->field, BL_FIELD_BYTE_SIZE)) { \
	case 1: ___blc_bf = *(const volatile __u8 *)___blc_p; break;		\
	case 2: ___blc_bf = *(const volatile __u16 *)___blc_p; break;		\
	case 4: ___blc_bf = *(const volatile __u32 *)___blc_p; break;		\
	default: ___blc_bf = *(const volatile __u64 *)___blc_p; break;		\
	}									\
	___blc_bf <<= __builtin_preserve_field_info((s)->field, BL_FIELD_LSHIFT_U64); \
	if (__builtin_preserve_field_info((s)->field, BL_FIELD_SIGNED))	\
		___blc_bf = (unsigned long long)((long long)___blc_bf >>		\
			__builtin_preserve_field_info((s)->field, BL_FIELD_RSHIFT_U64)); \
	else								\
		___blc_bf >>= __builtin_preserve_field_info((s)->field,		\
							BL_FIELD_RSHIFT_U64);	\
	___blc_bf; })

#endif /* BPFLOAD_KERN_CORE_H */
