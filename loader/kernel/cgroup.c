// SPDX-License-Identifier: BSD-2-Clause
/*
 * cgroup.c - run a program for the sockets, packets, devices or sysctls
 * of the processes in a cgroup (v2) and its descendants.
 *
 * The target is an fd of the cgroup's directory; the attach type names
 * the hook (BPF_CGROUP_INET_INGRESS, BPF_CGROUP_INET4_CONNECT, ...) and
 * must equal the expected_attach_type the program was loaded with.
 *
 *   BPF_LINK_CREATE (5.7+): a bpf link owns the attachment; links always
 *       coexist with other programs on the hook (like ALLOW_MULTI).
 *   BPF_PROG_ATTACH: the cgroup owns it until BPF_PROG_DETACH names the
 *       same program.  Flags choose how it coexists with programs of
 *       parent cgroups: 0 (exclusive), BPF_F_ALLOW_OVERRIDE (a child may
 *       replace it) or BPF_F_ALLOW_MULTI (all run, parents' too).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "kernel/attach_priv.h"

static int link_detach(struct bl_link *link)
{
	bl_close_fd(&link->fd);
	return 0;
}

static int prog_detach(struct bl_link *link)
{
	int err = bl_sys_prog_detach(link->prog_fd, link->target_fd, link->attach_type);

	return err == -ENOENT ? 0 : err;
}

static const char *cg_hint(int err)
{
	switch (-err) {
	case EINVAL:
		return "; the attach type must match the program's expected attach type (its"
		       " section), and the fd must be a cgroup v2 directory";
	case EPERM:
		return "; an exclusive program (flags 0) or one without ALLOW_OVERRIDE is in the"
		       " way, or CAP_NET_ADMIN/CAP_BPF is missing";
	case EEXIST:
		return "; this program is already attached here";
	default:
		return "";
	}
}

static struct bl_link *attach_prog(struct bl_link *link, int prog_fd, __u32 flags,
				   const char *what, int link_err, struct bl_error *e)
{
	char why[96], why2[96];
	int err;

	link->prog_fd = fcntl(prog_fd, F_DUPFD_CLOEXEC, 3);
	if (link->prog_fd < 0) {
		err = -errno;
		bl_link_abort(link);
		bl_fail(e, err, "%s: %s", what, bl_strerror(err, why, sizeof(why)));
		return bl_attach_null(err);
	}
	err = bl_sys_prog_attach(prog_fd, link->target_fd, link->attach_type, flags, 0);
	if (err) {
		bl_link_abort(link);
		bl_fail(e, err, "%s: BPF_PROG_ATTACH failed: %s%s", what,
			bl_strerror(err, why, sizeof(why)), cg_hint(err));
		if (link_err)
			bl_fail_append(e, " (BPF_LINK_CREATE had said %s)",
				       bl_strerror(link_err, why2, sizeof(why2)));
		return bl_attach_null(err);
	}
	link->detach = prog_detach;
	bl_link_set_desc(link, "%s via BPF_PROG_ATTACH%s%s%s", what,
			 flags & BPF_F_ALLOW_MULTI ? ", allow multi" : "",
			 flags & BPF_F_ALLOW_OVERRIDE ? ", allow override" : "",
			 flags & (BPF_F_ALLOW_MULTI | BPF_F_ALLOW_OVERRIDE) ? "" : ", exclusive");
	return link;
}

BL_API struct bl_link *bl_attach_cgroup(int prog_fd, const char *path, __u32 attach_type,
					const struct bl_cgroup_opts *opts, struct bl_error *e)
{
	struct bl_cgroup_opts o = { .cgroup_fd = -1 };
	const char *tname = bl_attach_type_name(attach_type);
	char what[512], why[96];
	struct bl_link *link;
	int fd;

	if (opts)
		o = *opts;
	snprintf(what, sizeof(what), "cgroup %s on %.400s", tname ? tname : "(unknown type)",
		 path ? path : "(fd)");
	link = bl_link_new(NULL);
	if (!link) {
		bl_fail(e, -ENOMEM, "%s: out of memory", what);
		return bl_attach_null(-ENOMEM);
	}
	link->attach_type = attach_type;
	link->target_fd = path ? open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) :
			  fcntl(o.cgroup_fd, F_DUPFD_CLOEXEC, 3);
	if (link->target_fd < 0) {
		int err = -errno;

		bl_link_abort(link);
		bl_fail(e, err, "%s: cannot open the cgroup: %s", what,
			bl_strerror(err, why, sizeof(why)));
		return bl_attach_null(err);
	}
	if (o.prog_attach || o.flags)
		return attach_prog(link, prog_fd, o.flags, what, 0, e);
	fd = bl_sys_link_create(prog_fd, link->target_fd, attach_type, NULL);
	if (fd == -EINVAL)	/* no cgroup links before 5.7? */
		return attach_prog(link, prog_fd, BPF_F_ALLOW_MULTI, what, fd, e);
	if (fd < 0) {
		bl_link_abort(link);
		bl_fail(e, fd, "%s: BPF_LINK_CREATE failed: %s%s", what,
			bl_strerror(fd, why, sizeof(why)), cg_hint(fd));
		return bl_attach_null(fd);
	}
	bl_close_fd(&link->target_fd);
	link->fd = fd;
	link->detach = link_detach;
	bl_link_set_desc(link, "%s via bpf_link", what);
	return link;
}
