/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * core_task.c - CO-RE reads of the current task, for tests/kernel/t_core.c.
 *
 * The kernel types are declared here with only the members used, under
 * preserve_access_index, in an order and with sizes that match no real
 * kernel: every offset must come from relocation.  The program runs
 * through BPF_PROG_TEST_RUN (raw_tp), where the current task is the test
 * process, and stores what it read in .bss for the test to compare with
 * getpid(), getppid(), /proc/self/stat and prctl(PR_GET_NAME).
 *
 * Expected facts (clang 14, flags of the Makefile):
 * Program: core_task, section "raw_tp/sys_enter" (RAW_TRACEPOINT), with
 *   CO-RE records of kinds field offset (through an anonymous struct in
 *   mm_struct and an array index into comm), field exists (a ___flavour
 *   struct), field size/lshift/rshift/signed (a bitfield) and type size.
 * Map: .bss (struct core_task_out). License "GPL".
 */
#include <bpfload/kern.h>
#include <bpfload/kern_core.h>

struct mm_struct {
	unsigned long arg_end;
	unsigned long arg_start;
} BL_CORE_STRUCT;

struct task_struct {
	char comm[16];
	struct mm_struct *mm;
	struct task_struct *group_leader;
	struct task_struct *real_parent;
	int tgid;
	int pid;
	unsigned int flags;
} BL_CORE_STRUCT;

/* task_struct's state before 5.14, and after */
struct task_struct___old {
	long state;
} BL_CORE_STRUCT;

struct task_struct___new {
	unsigned int __state;
} BL_CORE_STRUCT;

/* A field that no kernel has: its read is guarded, so it is poisoned
 * but never runs. */
struct task_struct___never {
	int no_kernel_has_this_field;
} BL_CORE_STRUCT;

struct core_task_out {
	__s64 pid;
	__s64 tgid;
	__s64 ppid;
	__s64 leader_pid;
	__u64 arg_start;
	__u64 arg_end;
	char comm[16];
	char comm1;			/* comm[1], through an indexed access */
	__u64 flags;
	__u64 has_old_state;
	__u64 has_new_state;
	__u64 state;
	__u64 never_exists;
	__s64 never_value;
	__u64 task_size;
	__u64 runs;
};

struct core_task_out out;

SEC("raw_tp/sys_enter")
int core_task(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	out.pid = BL_CORE_READ(t, pid);
	out.tgid = BL_CORE_READ(t, tgid);
	out.ppid = BL_CORE_READ(t, real_parent, tgid);
	out.leader_pid = BL_CORE_READ(t, group_leader, pid);
	out.arg_start = BL_CORE_READ(t, mm, arg_start);
	out.arg_end = BL_CORE_READ(t, mm, arg_end);
	BL_CORE_READ_STR_INTO(out.comm, t, comm);
	bl_core_read(&out.comm1, 1, &t->comm[1]);
	out.flags = BL_CORE_READ(t, flags);
	out.has_old_state = bl_core_field_exists(((struct task_struct___old *)t)->state);
	out.has_new_state = bl_core_field_exists(((struct task_struct___new *)t)->__state);
	if (out.has_new_state)
		out.state = BL_CORE_READ((struct task_struct___new *)t, __state);
	else if (out.has_old_state)
		out.state = BL_CORE_READ((struct task_struct___old *)t, state);
	out.never_exists = bl_core_field_exists(((struct task_struct___never *)t)->
						no_kernel_has_this_field);
	if (out.never_exists)
		out.never_value = BL_CORE_READ((struct task_struct___never *)t,
					       no_kernel_has_this_field);
	out.task_size = bl_core_type_size(struct task_struct);
	out.runs++;
	return 0;
}

BL_LICENSE("GPL");
