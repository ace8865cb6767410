/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * connect.h - the record connect_kern.c sends to connect_user.c.
 *
 * Shared by the BPF and the user side, so fixed-size types only.
 */
#ifndef CONNECT_H
#define CONNECT_H

#include <linux/types.h>

/* One connect() attempt. */
struct connect_event {
	__u32 tgid;		/* process id */
	__u32 tid;		/* thread id */
	char comm[16];		/* thread name */
	__u16 family;		/* AF_INET or AF_INET6 */
	__u16 port;		/* destination port, host byte order */
	__u32 scope_id;		/* IPv6 scope (interface index), else 0 */
	__u8 addr[16];		/* 4 bytes (IPv4) or 16 (IPv6), network order */
};

#endif /* CONNECT_H */
