/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * execsnoop_kern.c - every execve(), with the program and its arguments.
 *
 * The tracepoint syscalls/sys_enter_execve (BPF_PROG_TYPE_TRACEPOINT)
 * fires when a process asks to run a program; its record holds the
 * syscall's arguments (struct bl_sys_enter_ctx): the file name, the argv
 * array and the environment, all pointers into the caller's memory.
 *
 * The program reserves a struct exec_event in the ring buffer events
 * (BPF_MAP_TYPE_RINGBUF: records too big for the 512-byte BPF stack can
 * be built in place), copies the file name with bpf_probe_read_user_str()
 * and then the arguments in a bounded loop: for i < MAX_ARGS, read the
 * pointer argv[i] with bpf_probe_read_user(), stop at NULL, and copy the
 * string into its fixed slot args[i] (at most ARG_LEN bytes, cut longer
 * ones).  The verifier accepts the loop because i has a known upper bound
 * (bounded loops, 5.3+).  Arguments past MAX_ARGS are only counted as
 * "more".  Then bpf_ringbuf_submit().
 *
 * The record shows the exec being attempted: it may still fail.
 */
#include <bpfload/kern.h>

#include "execsnoop.h"	/* struct exec_event, MAX_ARGS, ARG_LEN, FILE_LEN */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1024 * 1024);
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_execve")
int execve_enter(struct bl_sys_enter_ctx *ctx)
{
	const char *const *argv = (const char *const *)ctx->args[1];
	__u64 id = bpf_get_current_pid_tgid();
	struct exec_event *e;
	const char *arg;
	__u32 i;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->ts = bpf_ktime_get_ns();
	e->pid = (__u32)(id >> 32);
	e->tid = (__u32)id;
	e->argc = 0;
	e->more = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (bpf_probe_read_user_str(e->file, sizeof(e->file), (const char *)ctx->args[0]) < 0)
		e->file[0] = '\0';

#pragma clang loop unroll(disable)
	for (i = 0; i < MAX_ARGS; i++) {
		arg = 0;
		if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i]) || !arg)
			break;
		if (bpf_probe_read_user_str(e->args[i], ARG_LEN, arg) < 0)
			break;
		e->argc = i + 1;
	}
	if (e->argc == MAX_ARGS) {
		arg = 0;
		bpf_probe_read_user(&arg, sizeof(arg), &argv[MAX_ARGS]);
		e->more = arg != 0;
	}
	bpf_ringbuf_submit(e, 0);
	return 0;
}

BL_LICENSE("GPL");
