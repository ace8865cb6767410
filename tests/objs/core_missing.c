/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * core_missing.c - reads of a field no kernel has (tests/kernel/t_core.c).
 *
 * Both programs read task_struct___gone.no_kernel_has_this_field, which
 * CO-RE cannot relocate: the loader poisons the instruction.  "guarded"
 * only reads it when bl_core_field_exists() says so (it never does, the
 * verifier sees the path is dead and the program loads); "unguarded"
 * always reads it, so its load fails with a message that names the
 * relocation.  Load one at a time (autoload).
 *
 * Expected facts (clang 14, flags of the Makefile):
 * Programs: guarded and unguarded, sections "raw_tp/sys_enter" (both
 *   RAW_TRACEPOINT).  Map: .bss.  License "GPL".
 */
#include <bpfload/kern.h>
#include <bpfload/kern_core.h>

struct task_struct___gone {
	int pid;
	long no_kernel_has_this_field;
} BL_CORE_STRUCT;

long seen;

SEC("raw_tp/sys_enter")
int guarded(void *ctx)
{
	struct task_struct___gone *t = (void *)bpf_get_current_task();

	if (bl_core_field_exists(t->no_kernel_has_this_field))
		seen = BL_CORE_READ(t, no_kernel_has_this_field);
	else
		seen = -1;
	return 0;
}

SEC("raw_tp/sys_enter")
int unguarded(void *ctx)
{
	struct task_struct___gone *t = (void *)bpf_get_current_task();

	seen = BL_CORE_READ(t, no_kernel_has_this_field);
	return 0;
}

BL_LICENSE("GPL");
