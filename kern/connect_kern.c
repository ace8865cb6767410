/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * connect_kern.c - every connect() to an IPv4 or IPv6 address, sent to
 * user space through a BPF ring buffer (user side: user/connect_user.c).
 *
 * Hook: the tracepoint syscalls/sys_enter_connect, which fires when any
 * thread enters connect(fd, uservaddr, addrlen).  Its record (see
 * /sys/kernel/tracing/events/syscalls/sys_enter_connect/format) holds
 * the three arguments as they were passed: uservaddr is a pointer into
 * the caller's memory, so the program copies the socket address out with
 * bpf_probe_read_user(), looks at its family first, and only then reads
 * the struct that family uses (sockaddr_in, 16 bytes, or sockaddr_in6,
 * 28).  Other families (AF_UNIX, AF_UNSPEC to disconnect, ...) are
 * skipped.
 *
 * BPF mechanisms shown:
 *   - a tracepoint program and its raw record (struct bl_sys_enter_ctx)
 *   - BPF_MAP_TYPE_RINGBUF: bpf_ringbuf_reserve() a record in place,
 *     fill it, bpf_ringbuf_submit() it, or bpf_ringbuf_discard() it
 *     when the address turns out to be unreadable
 *   - bpf_probe_read_user() of a user pointer, family dispatch
 *   - bpf_ntohs(): the port leaves the kernel in host byte order
 *   - a .rodata constant (target_tgid) that user space sets before load:
 *     the verifier sees its value, so with 0 the pid test is dead code
 *   - a .bss counter (dropped) user space reads after the run
 *
 * License "GPL": bpf_probe_read_user() is a GPL-only helper.
 */
#include <bpfload/kern.h>
#include <linux/in.h>
#include <linux/in6.h>

#include "connect.h"	/* struct connect_event */

/* Address families (the uapi headers leave them to the C library). */
#define AF_INET		2
#define AF_INET6	10

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* 0: every process; else only this one.  Set before load (-p PID). */
const volatile __u32 target_tgid = 0;

/* Records lost because the ring buffer was full. */
__u64 dropped;

SEC("tracepoint/syscalls/sys_enter_connect")
int trace_connect(struct bl_sys_enter_ctx *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	const void *uaddr = (const void *)ctx->args[1];
	__u64 addrlen = ctx->args[2];
	struct connect_event *e;
	__u16 family;

	if (target_tgid && (__u32)(id >> 32) != target_tgid)
		return 0;
	if (!uaddr || addrlen < sizeof(family) ||
	    bpf_probe_read_user(&family, sizeof(family), uaddr))
		return 0;
	if (family != AF_INET && family != AF_INET6)
		return 0;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&dropped, 1);
		return 0;
	}
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->family = family;
	e->scope_id = 0;
	__builtin_memset(e->addr, 0, sizeof(e->addr));

	if (family == AF_INET) {
		struct sockaddr_in sin;

		/* the kernel itself refuses anything shorter */
		if (addrlen < sizeof(sin) ||
		    bpf_probe_read_user(&sin, sizeof(sin), uaddr))
			goto discard;
		e->port = bpf_ntohs(sin.sin_port);
		__builtin_memcpy(e->addr, &sin.sin_addr, 4);
	} else {
		struct sockaddr_in6 sin6;

		/* 24 bytes (RFC 2133, no sin6_scope_id) is the least the
		 * kernel accepts; the scope id is there from 28 on */
		if (addrlen < 24)
			goto discard;
		__builtin_memset(&sin6, 0, sizeof(sin6));
		if (bpf_probe_read_user(&sin6, addrlen < sizeof(sin6) ? 24 : sizeof(sin6),
					uaddr))
			goto discard;
		e->port = bpf_ntohs(sin6.sin6_port);
		e->scope_id = sin6.sin6_scope_id;
		__builtin_memcpy(e->addr, &sin6.sin6_addr, 16);
	}
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;

discard:
	bpf_ringbuf_discard(e, 0);
	return 0;
}

BL_LICENSE("GPL");
