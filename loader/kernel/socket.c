// SPDX-License-Identifier: BSD-2-Clause
/*
 * socket.c - a socket filter: a program that sees every packet a socket
 * is about to receive and returns how many bytes of it to keep (0 drops
 * it).
 *
 * setsockopt(sock, SOL_SOCKET, SO_ATTACH_BPF, &prog_fd, sizeof(int))
 * attaches (replacing any earlier filter); SO_DETACH_BPF removes it.
 * The socket holds the program, so the link keeps a dup of the socket:
 * the attachment lives until bl_link_detach(), even if the caller closes
 * its own fd first.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/socket.h>

#include "kernel/attach_priv.h"

#ifndef SO_ATTACH_BPF
#define SO_ATTACH_BPF 50
#endif
#ifndef SO_DETACH_BPF
#define SO_DETACH_BPF 27	/* SO_DETACH_FILTER */
#endif

static int sock_detach(struct bl_link *link)
{
	int dummy = 0, err = 0;

	if (link->target_fd < 0)
		return 0;
	if (setsockopt(link->target_fd, SOL_SOCKET, SO_DETACH_BPF, &dummy, sizeof(dummy)))
		err = -errno;
	bl_trace_call(err, "setsockopt(%d, SOL_SOCKET, SO_DETACH_BPF)", link->target_fd);
	/* ENOENT: no filter left (someone replaced or removed it) */
	return err == -ENOENT ? 0 : err;
}

BL_API struct bl_link *bl_attach_socket(int prog_fd, int sock_fd, struct bl_error *e)
{
	struct bl_link *link;
	char why[96];
	int err = 0, dup_fd;

	dup_fd = fcntl(sock_fd, F_DUPFD_CLOEXEC, 3);
	if (dup_fd < 0) {
		err = -errno;
		bl_fail(e, err, "socket filter: fd %d: %s", sock_fd,
			bl_strerror(err, why, sizeof(why)));
		return bl_attach_null(err);
	}
	if (setsockopt(dup_fd, SOL_SOCKET, SO_ATTACH_BPF, &prog_fd, sizeof(prog_fd)))
		err = -errno;
	bl_trace_call(err, "setsockopt(%d, SOL_SOCKET, SO_ATTACH_BPF, prog_fd=%d)", dup_fd,
		      prog_fd);
	if (err) {
		close(dup_fd);
		bl_fail(e, err, "socket filter on fd %d: SO_ATTACH_BPF failed: %s%s", sock_fd,
			bl_strerror(err, why, sizeof(why)),
			err == -ENOTSOCK ? "; the fd is not a socket" :
			err == -EINVAL ? "; the program must be a socket filter program" : "");
		return bl_attach_null(err);
	}
	link = bl_link_new(sock_detach);
	if (!link) {
		sock_detach(&(struct bl_link){ .target_fd = dup_fd });
		close(dup_fd);
		bl_fail(e, -ENOMEM, "socket filter: out of memory");
		return bl_attach_null(-ENOMEM);
	}
	link->target_fd = dup_fd;
	bl_link_set_desc(link, "socket filter on fd %d (SO_ATTACH_BPF)", sock_fd);
	return link;
}
