/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * core_values.c - one CO-RE record of every kind clang emits, each
 * storing its relocated value in .bss (for tests/kernel/t_core.c, which
 * computes the expected values from /sys/kernel/btf/vmlinux itself).
 *
 * The program is a socket filter: it reads no kernel memory, it only
 * stores constants, so BPF_PROG_TEST_RUN runs it anywhere.  The local
 * declarations deliberately differ from the kernel's (other member
 * order, sizes, an int where the kernel has a bitfield-free unsigned).
 *
 * Expected facts (clang 14, flags of the Makefile):
 * Program: core_values, section "socket" (SOCKET_FILTER).  Records of
 *   kinds 0-11 (12, type matches, only with clang 15 or newer).
 * Map: .bss (struct core_values_out).  License "GPL".
 */
#include <bpfload/kern.h>
#include <bpfload/kern_core.h>

struct task_struct {
	int tgid;
	int pid;
	unsigned int flags;
	char comm[16];
	unsigned int in_execve:1;
	struct task_struct *real_parent;
} BL_CORE_STRUCT;

/* a flavour with a member that exists nowhere */
struct task_struct___nope {
	int no_kernel_has_this_field;
} BL_CORE_STRUCT;

/* struct sk_buff: "len" is direct, "next" sits in anonymous unions */
struct sk_buff {
	unsigned int len;
	struct sk_buff *next;
} BL_CORE_STRUCT;

struct no_kernel_has_this_struct {
	int x;
};

/* For "type matches", which is strict about integers: the kernel's char
 * is unsigned (-funsigned-char, 6.2+, and pahole's older encoding), a
 * BPF char signed, so these leave char out. */
struct task_struct___match {
	int pid;
	int tgid;
	struct task_struct *real_parent;
} BL_CORE_STRUCT;

struct task_struct___mismatch {
	long pid;			/* an int in every kernel */
} BL_CORE_STRUCT;

enum pid_type {
	PIDTYPE_PID,
	PIDTYPE_TGID,
	PIDTYPE_PGID,
	PIDTYPE_SID,
	PIDTYPE_MAX,
	PIDTYPE_NO_KERNEL_HAS_THIS,
};

/* The list of expected values in t_core.c follows this order. */
enum core_value_idx {
	V_PID_OFF, V_PID_SIZE, V_PID_EXISTS, V_PID_SIGNED,
	V_FLAGS_SIGNED, V_COMM_OFF, V_COMM_SIZE, V_COMM3_OFF,
	V_PARENT_OFF, V_PARENT_SIZE,
	V_BF_OFF, V_BF_SIZE, V_BF_LSHIFT, V_BF_RSHIFT, V_BF_SIGNED,
	V_NOPE_EXISTS,
	V_SKB_LEN_OFF, V_SKB_NEXT_OFF,
	V_TASK_EXISTS, V_TASK_SIZE, V_TASK_ID_KERNEL, V_TASK_ID_LOCAL,
	V_NOSTRUCT_EXISTS, V_NOSTRUCT_SIZE,
	V_ENUM_TGID_EXISTS, V_ENUM_TGID, V_ENUM_MAX, V_ENUM_NOPE_EXISTS,
	V_TASK_MATCHES, V_NOSTRUCT_MATCHES, V_TASK_MISMATCH,
	V_NR,
};

__u64 values[V_NR];
__u64 have_type_matches;

SEC("socket")
int core_values(struct __sk_buff *skb)
{
	struct task_struct *t = 0;
	struct sk_buff *s = 0;

	values[V_PID_OFF] = bl_core_field_offset(t->pid);
	values[V_PID_SIZE] = bl_core_field_size(t->pid);
	values[V_PID_EXISTS] = bl_core_field_exists(t->pid);
	values[V_PID_SIGNED] = bl_core_field_signed(t->pid);
	values[V_FLAGS_SIGNED] = bl_core_field_signed(t->flags);
	values[V_COMM_OFF] = bl_core_field_offset(t->comm);
	values[V_COMM_SIZE] = bl_core_field_size(t->comm);
	values[V_COMM3_OFF] = bl_core_field_offset(t->comm[3]);
	values[V_PARENT_OFF] = bl_core_field_offset(t->real_parent);
	values[V_PARENT_SIZE] = bl_core_field_size(t->real_parent);
	values[V_BF_OFF] = bl_core_field_offset(t->in_execve);
	values[V_BF_SIZE] = bl_core_field_size(t->in_execve);
	values[V_BF_LSHIFT] = __builtin_preserve_field_info(t->in_execve, BL_FIELD_LSHIFT_U64);
	values[V_BF_RSHIFT] = __builtin_preserve_field_info(t->in_execve, BL_FIELD_RSHIFT_U64);
	values[V_BF_SIGNED] = bl_core_field_signed(t->in_execve);
	values[V_NOPE_EXISTS] = bl_core_field_exists(((struct task_struct___nope *)t)->
						     no_kernel_has_this_field);
	values[V_SKB_LEN_OFF] = bl_core_field_offset(s->len);
	values[V_SKB_NEXT_OFF] = bl_core_field_offset(s->next);
	values[V_TASK_EXISTS] = bl_core_type_exists(struct task_struct);
	values[V_TASK_SIZE] = bl_core_type_size(struct task_struct);
	values[V_TASK_ID_KERNEL] = bl_core_type_id_kernel(struct task_struct);
	values[V_TASK_ID_LOCAL] = bl_core_type_id_local(struct task_struct);
	values[V_NOSTRUCT_EXISTS] = bl_core_type_exists(struct no_kernel_has_this_struct);
	values[V_NOSTRUCT_SIZE] = bl_core_type_size(struct no_kernel_has_this_struct);
	values[V_ENUM_TGID_EXISTS] = bl_core_enum_value_exists(enum pid_type, PIDTYPE_TGID);
	values[V_ENUM_TGID] = bl_core_enum_value(enum pid_type, PIDTYPE_TGID);
	values[V_ENUM_MAX] = bl_core_enum_value(enum pid_type, PIDTYPE_MAX);
	values[V_ENUM_NOPE_EXISTS] = bl_core_enum_value_exists(enum pid_type,
							       PIDTYPE_NO_KERNEL_HAS_THIS);
#ifdef bl_core_type_matches
	values[V_TASK_MATCHES] = bl_core_type_matches(struct task_struct___match);
	values[V_NOSTRUCT_MATCHES] = bl_core_type_matches(struct no_kernel_has_this_struct);
	values[V_TASK_MISMATCH] = bl_core_type_matches(struct task_struct___mismatch);
	have_type_matches = 1;
#endif
	return 0;
}

BL_LICENSE("GPL");
