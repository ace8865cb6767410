/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bpfload/kern_tracing.h - function arguments in kprobe/uprobe programs.
 *
 * A kprobe, kretprobe, uprobe or uretprobe program gets the probed CPU's
 * registers as its context (struct pt_regs *), laid out as the kernel's
 * struct pt_regs of that architecture.  The calling convention then says
 * which register holds which argument:
 *
 *			x86_64			arm64
 *	args 1..6	di si dx cx r8 r9	x0..x5 (up to x7)
 *	return value	ax			x0
 *	ip / sp / fp	ip sp bp		pc sp x29
 *
 * Pick the architecture with -D__TARGET_ARCH_x86 or -D__TARGET_ARCH_arm64
 * (the Makefile does).  -target bpf alone says nothing about the machine
 * the program will trace.
 *
 * Register names on x86: the uapi <asm/ptrace.h> (what we include) calls
 * them rdi, rsi, ...; the kernel's own struct, as found in a vmlinux.h
 * generated from BTF, calls them di, si, ...  Same layout, other names:
 * we use the kernel spelling when a vmlinux.h was included first.
 *
 * Syscalls.  Since 4.17 (x86) and 4.19 (arm64) the syscall entry points
 * __x64_sys_NAME / __arm64_sys_NAME take one argument: a pointer to the
 * pt_regs saved at syscall entry, holding the user's arguments.  A kprobe
 * on such a wrapper reads them with PT_REGS_PARMn_SYSCALL(ctx): fetch the
 * inner pointer from arg 1, then read the register from kernel memory
 * with bpf_probe_read_kernel() (the verifier does not let a program
 * dereference it).  The syscall ABI differs from the C one: on x86 the
 * 4th argument is in r10, because the syscall instruction clobbers rcx.
 * On arm64, x0 is overwritten by the return value, so the 1st argument
 * comes from orig_x0.  Only valid at entry (kprobe, not kretprobe).
 */
#ifndef BPFLOAD_KERN_TRACING_H
#define BPFLOAD_KERN_TRACING_H

#ifndef __VMLINUX_H__		/* vmlinux.h has the types (kern.h) */
#include <linux/types.h>
#endif
#include <bpfload/kern_helpers.h>

#if defined(__TARGET_ARCH_x86)

#ifdef __VMLINUX_H__
/* struct pt_regs comes from vmlinux.h: the kernel's field names */
#define ___bl_r_di	di
#define ___bl_r_si	si
#define ___bl_r_dx	dx
#define ___bl_r_cx	cx
#define ___bl_r_r8	r8
#define ___bl_r_r9	r9
#define ___bl_r_r10	r10
#define ___bl_r_ax	ax
#define ___bl_r_ip	ip
#define ___bl_r_sp	sp
#define ___bl_r_bp	bp
#else
/*
 * The uapi struct pt_regs.  With -target bpf neither __i386__ nor
 * __x86_64__ is defined and the header picks the 64-bit layout, which
 * is what we want.
 */
#include <asm/ptrace.h>
#define ___bl_r_di	rdi
#define ___bl_r_si	rsi
#define ___bl_r_dx	rdx
#define ___bl_r_cx	rcx
#define ___bl_r_r8	r8
#define ___bl_r_r9	r9
#define ___bl_r_r10	r10
#define ___bl_r_ax	rax
#define ___bl_r_ip	rip
#define ___bl_r_sp	rsp
#define ___bl_r_bp	rbp
#endif

#define ___bl_regs(x)		((const struct pt_regs *)(x))
#define ___bl_reg(x, r)		(___bl_regs(x)->___bl_r_##r)

#define PT_REGS_PARM1(x)	___bl_reg(x, di)
#define PT_REGS_PARM2(x)	___bl_reg(x, si)
#define PT_REGS_PARM3(x)	___bl_reg(x, dx)
#define PT_REGS_PARM4(x)	___bl_reg(x, cx)
#define PT_REGS_PARM5(x)	___bl_reg(x, r8)
#define PT_REGS_PARM6(x)	___bl_reg(x, r9)
#define PT_REGS_RC(x)		___bl_reg(x, ax)
#define PT_REGS_IP(x)		___bl_reg(x, ip)
#define PT_REGS_SP(x)		___bl_reg(x, sp)
#define PT_REGS_FP(x)		___bl_reg(x, bp)

/* registers of the syscall ABI, read from the inner pt_regs */
#define ___bl_sys_r1		___bl_r_di
#define ___bl_sys_r2		___bl_r_si
#define ___bl_sys_r3		___bl_r_dx
#define ___bl_sys_r4		___bl_r_r10
#define ___bl_sys_r5		___bl_r_r8
#define ___bl_sys_r6		___bl_r_r9
#define ___bl_sys_regs_t	struct pt_regs

#elif defined(__TARGET_ARCH_arm64)

/*
 * The kernel's arm64 struct pt_regs starts with the user_pt_regs layout
 * (x0..x30, sp, pc, pstate), followed by orig_x0.  The uapi header only
 * has user_pt_regs, and only on an arm64 host, so describe the part we
 * read ourselves.
 */
struct bl_arm64_regs {
	__u64 regs[31];
	__u64 sp;
	__u64 pc;
	__u64 pstate;
	__u64 orig_x0;
};

#define ___bl_regs(x)		((const struct bl_arm64_regs *)(x))

#define PT_REGS_PARM1(x)	(___bl_regs(x)->regs[0])
#define PT_REGS_PARM2(x)	(___bl_regs(x)->regs[1])
#define PT_REGS_PARM3(x)	(___bl_regs(x)->regs[2])
#define PT_REGS_PARM4(x)	(___bl_regs(x)->regs[3])
#define PT_REGS_PARM5(x)	(___bl_regs(x)->regs[4])
#define PT_REGS_PARM6(x)	(___bl_regs(x)->regs[5])
#define PT_REGS_PARM7(x)	(___bl_regs(x)->regs[6])
#define PT_REGS_PARM8(x)	(___bl_regs(x)->regs[7])
#define PT_REGS_RC(x)		(___bl_regs(x)->regs[0])
#define PT_REGS_IP(x)		(___bl_regs(x)->pc)
#define PT_REGS_SP(x)		(___bl_regs(x)->sp)
#define PT_REGS_FP(x)		(___bl_regs(x)->regs[29])
#define PT_REGS_LR(x)		(___bl_regs(x)->regs[30])

#define ___bl_sys_r1		orig_x0
#define ___bl_sys_r2		regs[1]
#define ___bl_sys_r3		regs[2]
#define ___bl_sys_r4		regs[3]
#define ___bl_sys_r5		regs[4]
#define ___bl_sys_r6		regs[5]
#define ___bl_sys_regs_t	struct bl_arm64_regs

#else

/* No target architecture: programs that never touch registers still
 * build; using a register macro is a compile error naming the fix. */
#define ___bl_no_arch(x)						\
	({ _Static_assert(0, "PT_REGS_* need -D__TARGET_ARCH_x86 or "	\
			     "-D__TARGET_ARCH_arm64"); 0UL; })
#define PT_REGS_PARM1(x)	___bl_no_arch(x)
#define PT_REGS_PARM2(x)	___bl_no_arch(x)
#define PT_REGS_PARM3(x)	___bl_no_arch(x)
#define PT_REGS_PARM4(x)	___bl_no_arch(x)
#define PT_REGS_PARM5(x)	___bl_no_arch(x)
#define PT_REGS_PARM6(x)	___bl_no_arch(x)
#define PT_REGS_RC(x)		___bl_no_arch(x)
#define PT_REGS_IP(x)		___bl_no_arch(x)
#define PT_REGS_SP(x)		___bl_no_arch(x)
#define PT_REGS_FP(x)		___bl_no_arch(x)
#define ___bl_sys_read(x, n)	___bl_no_arch(x)

#endif

/* ---- syscall wrappers -------------------------------------------------- */

#ifndef ___bl_sys_read
/* The pt_regs the syscall wrapper got as its argument 1. */
#define PT_REGS_SYSCALL_REGS(x)						\
	((const ___bl_sys_regs_t *)PT_REGS_PARM1(x))

/* Read syscall argument n (1..6) of the inner pt_regs: 0 if unreadable. */
#define ___bl_sys_read(x, n)						\
({									\
	const ___bl_sys_regs_t *___r = PT_REGS_SYSCALL_REGS(x);		\
	unsigned long ___v = 0;						\
	bpf_probe_read_kernel(&___v, sizeof(___v), &___r->___bl_sys_r##n); \
	___v;								\
})
#endif

#define PT_REGS_PARM1_SYSCALL(x)	___bl_sys_read(x, 1)
#define PT_REGS_PARM2_SYSCALL(x)	___bl_sys_read(x, 2)
#define PT_REGS_PARM3_SYSCALL(x)	___bl_sys_read(x, 3)
#define PT_REGS_PARM4_SYSCALL(x)	___bl_sys_read(x, 4)
#define PT_REGS_PARM5_SYSCALL(x)	___bl_sys_read(x, 5)
#define PT_REGS_PARM6_SYSCALL(x)	___bl_sys_read(x, 6)

/* ---- typed handlers ---------------------------------------------------- */

/*
 * BL_KPROBE(name, type1 a1, type2 a2, ...) defines the program
 * "int name(struct pt_regs *ctx)" and lets its body use the arguments
 * of the probed function by name and type (up to 6), plus ctx:
 *
 *	SEC("kprobe/do_unlinkat")
 *	BL_KPROBE(trace_unlink, int dfd, struct filename *fname)
 *	{
 *		...
 *	}
 *
 * Each argument is the full register converted to the declared type
 * (truncated for small integers), so only integer and pointer arguments
 * work: not structs passed by value, not floating point.
 *
 * BL_KRETPROBE(name, type ret) gets the return value instead;
 * BL_KSYSCALL(name, ...) takes the syscall's own arguments on a kprobe
 * of a __x64_sys_* / __arm64_sys_* wrapper; BL_UPROBE/BL_URETPROBE are
 * the same as the kprobe forms (user registers come the same way).
 *
 * BL_TRACING(name, ...) is for the programs whose context is an array of
 * u64 arguments: raw_tp, tp_btf, fentry/fexit/fmod_ret, lsm (an fexit
 * program sees the return value after the arguments).
 *
 * How: the program is a thin function that converts each context slot
 * and calls an always-inline function holding the body.  The conversion
 * goes through void *, which C only converts to integers with a
 * -Wint-conversion warning: that warning is switched off around the
 * generated function, and nowhere else.
 */

/* number of arguments, 0..8 */
#define ___bl_nth(_a, _1, _2, _3, _4, _5, _6, _7, _8, n, ...) n
#define ___bl_nargs(...) ___bl_nth(_, ##__VA_ARGS__, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define ___bl_cat2(a, b)	a##b
#define ___bl_cat(a, b)		___bl_cat2(a, b)

/* slot lists: ctx, then one converted value per argument */
#define ___bl_kp0(c)	c
#define ___bl_kp1(c)	___bl_kp0(c), (void *)PT_REGS_PARM1(c)
#define ___bl_kp2(c)	___bl_kp1(c), (void *)PT_REGS_PARM2(c)
#define ___bl_kp3(c)	___bl_kp2(c), (void *)PT_REGS_PARM3(c)
#define ___bl_kp4(c)	___bl_kp3(c), (void *)PT_REGS_PARM4(c)
#define ___bl_kp5(c)	___bl_kp4(c), (void *)PT_REGS_PARM5(c)
#define ___bl_kp6(c)	___bl_kp5(c), (void *)PT_REGS_PARM6(c)

#define ___bl_sc0(c)	c
#define ___bl_sc1(c)	___bl_sc0(c), (void *)PT_REGS_PARM1_SYSCALL(c)
#define ___bl_sc2(c)	___bl_sc1(c), (void *)PT_REGS_PARM2_SYSCALL(c)
#define ___bl_sc3(c)	___bl_sc2(c), (void *)PT_REGS_PARM3_SYSCALL(c)
#define ___bl_sc4(c)	___bl_sc3(c), (void *)PT_REGS_PARM4_SYSCALL(c)
#define ___bl_sc5(c)	___bl_sc4(c), (void *)PT_REGS_PARM5_SYSCALL(c)
#define ___bl_sc6(c)	___bl_sc5(c), (void *)PT_REGS_PARM6_SYSCALL(c)

#define ___bl_rp0(c)	c
#define ___bl_rp1(c)	c, (void *)PT_REGS_RC(c)

#define ___bl_u64(c, i)	(void *)(c)[i]
#define ___bl_tr0(c)	c
#define ___bl_tr1(c)	___bl_tr0(c), ___bl_u64(c, 0)
#define ___bl_tr2(c)	___bl_tr1(c), ___bl_u64(c, 1)
#define ___bl_tr3(c)	___bl_tr2(c), ___bl_u64(c, 2)
#define ___bl_tr4(c)	___bl_tr3(c), ___bl_u64(c, 3)
#define ___bl_tr5(c)	___bl_tr4(c), ___bl_u64(c, 4)
#define ___bl_tr6(c)	___bl_tr5(c), ___bl_u64(c, 5)
#define ___bl_tr7(c)	___bl_tr6(c), ___bl_u64(c, 6)
#define ___bl_tr8(c)	___bl_tr7(c), ___bl_u64(c, 7)

/*
 * The common skeleton.  "kind" names a slot list above, ctx_t is the
 * program's context type.  The macro starts with a declaration of the
 * program, so a SEC() written before it applies to the program (the
 * definition inherits the attributes), and ends with the body function's
 * declarator, so the user's { ... } becomes its body.
 */
#define ___BL_TYPED_PROG(kind, ctx_t, name, args...)			\
int name(ctx_t ctx);							\
static __attribute__((always_inline)) int				\
____##name(ctx_t ctx, ##args);						\
_Pragma("GCC diagnostic push")						\
_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")			\
int name(ctx_t ctx)							\
{									\
	return ____##name(___bl_cat(kind, ___bl_nargs(args))(ctx));	\
}									\
_Pragma("GCC diagnostic pop")						\
static __attribute__((always_inline)) int				\
____##name(ctx_t ctx, ##args)

#define BL_KPROBE(name, args...)					\
	___BL_TYPED_PROG(___bl_kp, struct pt_regs *, name, ##args)
#define BL_KRETPROBE(name, args...)					\
	___BL_TYPED_PROG(___bl_rp, struct pt_regs *, name, ##args)
#define BL_KSYSCALL(name, args...)					\
	___BL_TYPED_PROG(___bl_sc, struct pt_regs *, name, ##args)
#define BL_UPROBE(name, args...)	BL_KPROBE(name, ##args)
#define BL_URETPROBE(name, args...)	BL_KRETPROBE(name, ##args)
#define BL_TRACING(name, args...)					\
	___BL_TYPED_PROG(___bl_tr, unsigned long long *, name, ##args)

/* ---- syscall tracepoints ------------------------------------------------ */

/*
 * Context of tracepoint/syscalls/sys_enter_* and sys_exit_* programs, as
 * described by the events' format files: the 8-byte common header, the
 * syscall number, then the arguments (or the return value).
 */
struct bl_sys_enter_ctx {
	unsigned short common_type;
	unsigned char common_flags;
	unsigned char common_preempt_count;
	int common_pid;
	int syscall_nr;
	unsigned long args[6];		/* offset 16 */
};

struct bl_sys_exit_ctx {
	unsigned short common_type;
	unsigned char common_flags;
	unsigned char common_preempt_count;
	int common_pid;
	int syscall_nr;
	long ret;			/* offset 16 */
};

#endif /* BPFLOAD_KERN_TRACING_H */
