/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * core_externs.c - .kconfig and .ksyms externs (tests/kernel/t_core_externs.c).
 *
 *  - kconfig: a socket filter that copies every kind of .kconfig value
 *    (the kernel version, a bool, a tristate, a char, integers, a
 *    string, a missing __weak option) into .bss;
 *  - ksym_addr: a raw_tp program storing the address of a kernel
 *    function (untyped __ksym); ksym_typed: the cpu of this CPU's
 *    runqueue through the typed per-CPU variable runqueues;
 *  - kfunc: a socket filter calling bpf_rcu_read_lock/unlock (6.2+),
 *    and a __weak kfunc no kernel has, behind bpf_ksym_exists-style
 *    guard, which must be poisoned, never run.
 *
 * Expected facts (clang 14, flags of the Makefile):
 * Programs: kconfig ("socket"), ksym_addr and ksym_typed
 *   ("raw_tp/sys_enter"), kfunc ("socket").  Maps: .bss, .kconfig (made by the loader).
 *   License "GPL".
 */
#include <stdbool.h>
#include <bpfload/kern.h>
#include <bpfload/kern_core.h>

#define __kconfig	__attribute__((section(".kconfig")))
#define __ksym		__attribute__((section(".ksyms")))

enum libbpf_tristate {
	TRI_NO = 0,
	TRI_YES = 1,
	TRI_MODULE = 2,
};

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern bool CONFIG_BPF __kconfig;
extern enum libbpf_tristate CONFIG_BPF_JIT __kconfig;
extern char CONFIG_BPF_SYSCALL __kconfig;
extern int CONFIG_HZ __kconfig;
extern unsigned long long CONFIG_NR_CPUS __kconfig __weak;
extern char CONFIG_DEFAULT_HOSTNAME[16] __kconfig __weak;
extern bool CONFIG_NO_KERNEL_HAS_THIS_OPTION __kconfig __weak;

struct kconfig_out {
	__u64 version;
	__u64 bpf;
	__u64 bpf_jit;
	__u64 bpf_syscall;
	__s64 hz;
	__u64 nr_cpus;
	__u64 missing;
	char hostname[16];
};

struct kconfig_out kc;

SEC("socket")
int kconfig(struct __sk_buff *skb)
{
	kc.version = LINUX_KERNEL_VERSION;
	kc.bpf = CONFIG_BPF;
	kc.bpf_jit = CONFIG_BPF_JIT;
	kc.bpf_syscall = CONFIG_BPF_SYSCALL;
	kc.hz = CONFIG_HZ;
	kc.nr_cpus = CONFIG_NR_CPUS;
	kc.missing = CONFIG_NO_KERNEL_HAS_THIS_OPTION;
	__builtin_memcpy(kc.hostname, CONFIG_DEFAULT_HOSTNAME, sizeof(kc.hostname));
	return 0;
}

/* ---- .ksyms variables -------------------------------------------------------------- */

struct rq {
	int cpu;
} BL_CORE_STRUCT;

extern const void bpf_prog_put __ksym;		/* untyped: an address */
extern const struct rq runqueues __ksym;	/* typed: a per-CPU variable */

static void *(* const this_cpu_ptr)(const void *percpu_ptr) = (void *)BPF_FUNC_this_cpu_ptr;

__u64 prog_put_addr;
__s64 rq_cpu = -1;
__s64 smp_id = -1;

SEC("raw_tp/sys_enter")
int ksym_addr(void *ctx)
{
	prog_put_addr = (__u64)&bpf_prog_put;
	return 0;
}

/* The kernel itself looks typed ksyms up in kallsyms: a kernel without
 * CONFIG_KALLSYMS_ALL refuses this one ("failed to find the address"). */
SEC("raw_tp/sys_enter")
int ksym_typed(void *ctx)
{
	struct rq *rq = this_cpu_ptr(&runqueues);

	rq_cpu = rq->cpu;
	smp_id = bpf_get_smp_processor_id();
	return 0;
}

/* ---- kfuncs --------------------------------------------------------------------------- */

extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;
extern void bpf_no_kernel_has_this_kfunc(void) __ksym __weak;

__u64 kfunc_runs;

SEC("socket")
int kfunc(struct __sk_buff *skb)
{
	bpf_rcu_read_lock();
	kfunc_runs++;
	bpf_rcu_read_unlock();
	/* a missing __weak kfunc is NULL: the call is dead code */
	if (&bpf_no_kernel_has_this_kfunc)
		bpf_no_kernel_has_this_kfunc();
	return 0;
}

BL_LICENSE("GPL");
