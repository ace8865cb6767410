/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uprobe_kern.c - arguments and return values of a user-space function,
 * int compute(int a, long b, const char *tag) of user/uprobe_target.c
 * (user side: user/uprobe_user.c).
 *
 * A uprobe is a breakpoint the kernel plants in the code of a file (not
 * of one process): every process that maps the file and runs that
 * instruction traps, and the kernel runs the program with the user's
 * registers as its context.  A uretprobe rewrites the return address
 * on entry and runs its program when the function returns.  Neither
 * section names a binary here: user space attaches them at run time with
 * bl_attach_uprobe(fd, PATH, "compute", ...), the library finding the
 * symbol's file offset in PATH's ELF symbol table.
 *
 * BPF mechanisms shown:
 *   - BPF_PROG_TYPE_KPROBE programs on a uprobe and a uretprobe, with
 *     BL_UPROBE / BL_URETPROBE giving the registers as typed arguments
 *     (x86_64: a in rdi, b in rsi, tag in rdx, the result in rax)
 *   - bpf_probe_read_user_str(): the tag string from the traced process
 *   - a hash map from thread id to entry time, so that the return event
 *     carries how long the call took
 *   - BPF_MAP_TYPE_PERF_EVENT_ARRAY: bpf_perf_event_output() into the
 *     current CPU's perf ring, read by bl_perfbuf_* (user space sizes the
 *     map to the number of possible CPUs before load)
 *
 * License "GPL": bpf_probe_read_user_str() is a GPL-only helper.
 */
#include <bpfload/kern.h>

#include "uprobe.h"	/* struct call_event, EV_ENTRY, EV_RETURN */

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
	/* one slot per possible CPU: uprobe_user sets max_entries to
	 * bl_possible_cpus() before load; 128 is for other loaders */
	__uint(max_entries, 128);
} events SEC(".maps");

/* thread (pid_tgid) -> entry time, for calls in progress */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, __u64);
} starts SEC(".maps");

/* A zeroed event from a per-CPU scratch slot: 88 bytes would be a large
 * share of the 512-byte stack for no gain. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct call_event);
} scratch SEC(".maps");

static __always_inline struct call_event *new_event(__u64 id, __u64 now, __u32 kind)
{
	__u32 zero = 0;
	struct call_event *e = bpf_map_lookup_elem(&scratch, &zero);

	if (!e)
		return (void *)0;
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = now;
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->kind = kind;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return e;
}

SEC("uprobe")
BL_UPROBE(compute_entry, int a, long b, const char *tag)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u64 now = bpf_ktime_get_ns();
	struct call_event *e = new_event(id, now, EV_ENTRY);

	if (!e)
		return 0;
	e->a = a;
	e->b = b;
	if (bpf_probe_read_user_str(e->tag, sizeof(e->tag), tag) < 0)
		e->tag[0] = '\0';
	bpf_map_update_elem(&starts, &id, &now, BPF_ANY);
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, e, sizeof(*e));
	return 0;
}

SEC("uretprobe")
BL_URETPROBE(compute_return, int ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u64 now = bpf_ktime_get_ns();
	struct call_event *e = new_event(id, now, EV_RETURN);
	__u64 *start;

	if (!e)
		return 0;
	e->ret = ret;
	start = bpf_map_lookup_elem(&starts, &id);
	if (start) {
		e->duration_ns = now - *start;
		bpf_map_delete_elem(&starts, &id);
	}
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, e, sizeof(*e));
	return 0;
}

BL_LICENSE("GPL");
