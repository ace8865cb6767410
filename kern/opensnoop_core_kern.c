/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * opensnoop_core_kern.c - every file open with its flags and mode, read
 * from the kernel's struct open_how with CO-RE.
 *
 * Built on vmlinux.h (the Makefile writes it from the build machine's
 * kernel BTF with "bpfload btf dump --format c"), with no uapi header:
 * every type, enum and helper id comes from there.  Compiled once, the
 * object runs on other kernels: each read of an open_how member is
 * recorded in .BTF.ext ("member flags of struct open_how") and bpfload
 * rewrites its offset for the running kernel when it loads the program.
 *
 * open(), openat() and openat2() all end up in
 *
 *	long do_sys_openat2(int dfd, const char __user *filename,
 *			    struct open_how *how);		(5.6+)
 *
 * with how in kernel memory (openat2 copied it in; open and openat built
 * it from their arguments: flags with O_LARGEFILE added on 64-bit, mode
 * cleared unless the call creates).  The kprobe program reads how->flags
 * and how->mode there with BL_CORE_READ_INTO (bpf_probe_read_kernel at
 * relocated offsets) and the path from user memory.
 *
 * Kernels without kprobes get the same records from the syscall
 * tracepoints (the user side picks): sys_enter_openat2, whose how
 * argument points to the caller's struct open_how in user memory, read
 * with the same relocated offsets through bpf_probe_read_user
 * (BL_CORE_READ_USER_INTO); sys_enter_openat and sys_enter_open, whose
 * flags and mode are plain arguments.  These show the values as the
 * caller passed them.
 *
 * Records go through the ring buffer events.  target_pid (.rodata, set
 * before load): when not 0, only that process.
 */
#include "vmlinux.h"
#include <bpfload/kern.h>

#include "opensnoop_core.h"

const volatile __u32 target_pid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* A record for the current task, or NULL (filtered out, or the ring is
 * full: the record is lost). */
static __always_inline struct opensnoop_core_event *start(__u32 source)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct opensnoop_core_event *e;

	if (target_pid && (__u32)(id >> 32) != target_pid)
		return NULL;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return NULL;
	e->ts = bpf_ktime_get_ns();
	e->pid = (__u32)(id >> 32);
	e->tid = (__u32)id;
	e->source = source;
	e->how_err = 0;
	e->flags = 0;
	e->mode = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return e;
}

static __always_inline void finish(struct opensnoop_core_event *e, const char *filename)
{
	if (bpf_probe_read_user_str(e->file, sizeof(e->file), filename) < 0)
		e->file[0] = '\0';
	bpf_ringbuf_submit(e, 0);
}

SEC("kprobe/do_sys_openat2")
BL_KPROBE(kprobe_openat2, int dfd, const char *filename, struct open_how *how)
{
	struct opensnoop_core_event *e = start(OPENSNOOP_CORE_KPROBE);
	long err;

	if (!e)
		return 0;
	err = BL_CORE_READ_INTO(&e->flags, how, flags);
	if (!err)
		err = BL_CORE_READ_INTO(&e->mode, how, mode);
	e->how_err = (__s32)err;
	finish(e, filename);
	return 0;
}

/* openat2(dfd, filename, how, usize): how is the caller's pointer. */
SEC("tracepoint/syscalls/sys_enter_openat2")
int tp_openat2(struct bl_sys_enter_ctx *ctx)
{
	struct open_how *how = (struct open_how *)ctx->args[2];
	struct opensnoop_core_event *e = start(OPENSNOOP_CORE_OPENAT2);
	long err;

	if (!e)
		return 0;
	err = BL_CORE_READ_USER_INTO(&e->flags, how, flags);
	if (!err)
		err = BL_CORE_READ_USER_INTO(&e->mode, how, mode);
	e->how_err = (__s32)err;
	finish(e, (const char *)ctx->args[1]);
	return 0;
}

/* openat(dfd, filename, flags, mode) */
SEC("tracepoint/syscalls/sys_enter_openat")
int tp_openat(struct bl_sys_enter_ctx *ctx)
{
	struct opensnoop_core_event *e = start(OPENSNOOP_CORE_OPENAT);

	if (!e)
		return 0;
	e->flags = (__u32)ctx->args[2];
	e->mode = (__u32)ctx->args[3];
	finish(e, (const char *)ctx->args[1]);
	return 0;
}

/* open(filename, flags, mode): x86 has it, arm64 only openat. */
SEC("tracepoint/syscalls/sys_enter_open")
int tp_open(struct bl_sys_enter_ctx *ctx)
{
	struct opensnoop_core_event *e = start(OPENSNOOP_CORE_OPEN);

	if (!e)
		return 0;
	e->flags = (__u32)ctx->args[1];
	e->mode = (__u32)ctx->args[2];
	finish(e, (const char *)ctx->args[0]);
	return 0;
}

BL_LICENSE("GPL");
