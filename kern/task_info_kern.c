/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * task_info_kern.c - compile once, run on any kernel: who just exec'ed.
 *
 * On every exec (tracepoint sched/sched_process_exec) this reads the new
 * program's task_struct: pid, tgid, the parent's tgid and name, its own
 * name, uid and scheduler state, and sends them to user space through a
 * ring buffer (user/task_info_user.c prints them).
 *
 * task_struct is the kernel's biggest and most often rearranged
 * structure: its members move with every version and configuration.
 * Nothing here knows where they are.  The declarations below list only
 * the members used, in no particular order, with BL_CORE_STRUCT
 * (preserve_access_index): clang records "member 'pid' of struct
 * task_struct" for each access, and bpfload rewrites the offsets for the
 * running kernel when it loads the program (CO-RE, see
 * <bpfload/kern_core.h>).
 *
 * One field changed its name: the task state was "long state" until 5.13
 * and became "unsigned int __state" in 5.14.  Both layouts are declared
 * as ___flavours of task_struct; bl_core_field_exists() (answered at load
 * time) picks the one this kernel has, and the other branch is dead code
 * the verifier never looks at.
 */
#include <bpfload/kern.h>
#include <bpfload/kern_core.h>

#include "task_info.h"

struct kuid {
	__u32 val;
} BL_CORE_STRUCT;

struct cred {
	struct kuid uid;
} BL_CORE_STRUCT;

struct task_struct {
	int pid;
	int tgid;
	struct task_struct *real_parent;
	const struct cred *real_cred;
	char comm[TASK_INFO_COMM_LEN];
} BL_CORE_STRUCT;

/* 5.14 and newer */
struct task_struct___new {
	unsigned int __state;
} BL_CORE_STRUCT;

/* up to 5.13 */
struct task_struct___old {
	long state;
} BL_CORE_STRUCT;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* Set by user space before load: report only children of this process
 * (0: every exec). */
const volatile __u32 filter_ppid = 0;

static __always_inline void read_state(struct task_struct *t, struct task_info_event *ev)
{
	if (bl_core_field_exists(((struct task_struct___new *)t)->__state)) {
		ev->state = BL_CORE_READ((struct task_struct___new *)t, __state);
		ev->layout = TASK_INFO_LAYOUT_NEW;
	} else if (bl_core_field_exists(((struct task_struct___old *)t)->state)) {
		ev->state = BL_CORE_READ((struct task_struct___old *)t, state);
		ev->layout = TASK_INFO_LAYOUT_OLD;
	} else {
		ev->layout = TASK_INFO_LAYOUT_NONE;
	}
}

SEC("tracepoint/sched/sched_process_exec")
int task_info(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct task_info_event *ev;
	__u32 ppid = BL_CORE_READ(t, real_parent, tgid);

	if (filter_ppid && ppid != filter_ppid)
		return 0;
	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev)
		return 0;
	ev->pid = BL_CORE_READ(t, pid);
	ev->tgid = BL_CORE_READ(t, tgid);
	ev->ppid = ppid;
	ev->uid = BL_CORE_READ(t, real_cred, uid.val);
	BL_CORE_READ_STR_INTO(ev->comm, t, comm);
	BL_CORE_READ_STR_INTO(ev->parent_comm, t, real_parent, comm);
	read_state(t, ev);
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

BL_LICENSE("GPL");
