/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cli_events.c - records for `bpfload run` (tests/cli/run.t): a ring
 * buffer, a perf buffer, a hash, a per-CPU array and global variables.
 *
 * Programs, both on tracepoint syscalls/sys_enter_getpid, acting only
 * for the process whose tgid is target_pid (.rodata, set with
 * `bpfload run --set target_pid=PID`; 0 matches nothing):
 *   rb_getpid  reserves a struct cli_event in events_rb (RINGBUF, 256 KiB)
 *              and submits it; counts[tgid] += 1; percpu_calls[0] += 1.
 *   pb_getpid  sends the same record with bpf_perf_event_output() to
 *              events_pb (PERF_EVENT_ARRAY, 64 slots); it arrives padded
 *              to 52 bytes (4 + size is a multiple of 8).
 * Each record: pid, tid, seq (0, 1, ... per program: rb_seq, pb_seq in
 * .bss), tag (.rodata char[8], "default" unless set), comm, source (an
 * enum), and bitfields kind (3 bits: 1 ring buffer, 2 perf) and odd
 * (seq & 1).  struct cli_event is kept in the BTF by the global pointer
 * cli_event_btf (nothing uses it), for `--record-type cli_event`.
 * License "GPL".
 */
#include <bpfload/kern.h>

enum cli_source {
	CLI_SRC_RINGBUF = 1,
	CLI_SRC_PERF = 2,
};

struct cli_event {
	__u32 pid;
	__u32 tid;
	__u64 seq;
	char tag[8];
	char comm[16];
	enum cli_source source;
	__u32 kind : 3;
	__u32 odd : 1;
	__u32 spare : 28;
};

_Static_assert(sizeof(struct cli_event) == 48, "48-byte records");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events_rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
	__uint(max_entries, 64);
} events_pb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} percpu_calls SEC(".maps");

const volatile int target_pid = 0;
const volatile char tag[8] = "default";

__u64 rb_seq;
__u64 pb_seq;

struct cli_event *cli_event_btf;

static __always_inline void fill(struct cli_event *e, __u64 id, __u64 seq,
				 enum cli_source src)
{
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->seq = seq;
	for (int i = 0; i < 8; i++)
		e->tag[i] = tag[i];
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->source = src;
	e->kind = src;
	e->odd = seq & 1;
	e->spare = 0;
}

SEC("tp/syscalls/sys_enter_getpid")
int rb_getpid(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), one = 1, *v;
	__u32 pid = id >> 32, zero = 0;
	struct cli_event *e;

	if ((int)pid != target_pid)
		return 0;
	v = bpf_map_lookup_elem(&counts, &pid);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&counts, &pid, &one, BPF_NOEXIST);
	v = bpf_map_lookup_elem(&percpu_calls, &zero);
	if (v)
		*v += 1;
	e = bpf_ringbuf_reserve(&events_rb, sizeof(*e), 0);
	if (!e)
		return 0;
	fill(e, id, __sync_fetch_and_add(&rb_seq, 1), CLI_SRC_RINGBUF);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp/syscalls/sys_enter_getpid")
int pb_getpid(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct cli_event e;

	if ((int)(id >> 32) != target_pid)
		return 0;
	fill(&e, id, __sync_fetch_and_add(&pb_seq, 1), CLI_SRC_PERF);
	bpf_perf_event_output(ctx, &events_pb, BPF_F_CURRENT_CPU, &e, sizeof(e));
	return 0;
}

BL_LICENSE("GPL");
