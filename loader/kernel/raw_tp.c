// SPDX-License-Identifier: BSD-2-Clause
/*
 * raw_tp.c - raw tracepoints and BTF-typed tracing programs.
 *
 * raw_tracepoint (4.17): BPF_RAW_TRACEPOINT_OPEN with the tracepoint's
 * name ("sys_enter") returns a fd that keeps the program attached; the
 * program gets the tracepoint's raw arguments as an array of u64, with
 * no record built for it (cheaper than a tracefs event).
 *
 * tp_btf, fentry, fexit, fmod_ret, lsm (5.5+): the target was resolved
 * at load time (attach_btf_id), so attaching names nothing: the same
 * command with a NULL name, or BPF_LINK_CREATE with the program's attach
 * type (5.10+, needed for a cookie).  Iterators need BPF_LINK_CREATE
 * (BPF_TRACE_ITER).  Since 5.7 all of these fds are bpf links.
 *
 * fentry/fexit/fmod_ret/lsm go through a BPF trampoline patched into the
 * function's entry; kernels that refuse trampolines say EPERM or
 * ENOTSUPP, at load or at attach.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "kernel/attach_priv.h"

static int link_fd_detach(struct bl_link *link)
{
	bl_close_fd(&link->fd);
	return 0;
}

static struct bl_link *fd_link(int fd, struct bl_error *e)
{
	struct bl_link *link = bl_link_new(link_fd_detach);

	if (!link) {
		close(fd);
		bl_fail(e, -ENOMEM, "out of memory");
		return bl_attach_null(-ENOMEM);
	}
	link->fd = fd;
	return link;
}

BL_API struct bl_link *bl_attach_raw_tracepoint(int prog_fd, const char *name,
						struct bl_error *e)
{
	struct bl_link *link;
	char why[96];
	int fd;

	if (!name || !*name) {
		bl_fail(e, -EINVAL, "raw_tracepoint: no tracepoint name given");
		return bl_attach_null(-EINVAL);
	}
	fd = bl_sys_raw_tracepoint_open(name, prog_fd);
	if (fd < 0) {
		bl_fail(e, fd, "raw_tracepoint %s: BPF_RAW_TRACEPOINT_OPEN failed: %s%s", name,
			bl_strerror(fd, why, sizeof(why)),
			fd == -ENOENT ? "; this kernel has no tracepoint of that name (see"
			" events/*/ in tracefs, without the category)" :
			fd == -EINVAL ? "; the program must be a raw_tracepoint program, and"
			" kernels before 4.17 have no raw tracepoints" : "");
		return bl_attach_null(fd);
	}
	link = fd_link(fd, e);
	if (link)
		bl_link_set_desc(link, "raw_tracepoint %s, bpf_link", name);
	return link;
}

static bool uses_trampoline(__u32 attach_type)
{
	return attach_type == BPF_TRACE_FENTRY || attach_type == BPF_TRACE_FEXIT ||
	       attach_type == BPF_MODIFY_RETURN || attach_type == BPF_LSM_MAC;
}

static void tracing_fail(struct bl_error *e, const char *kind, const char *target,
			 __u32 attach_type, int err)
{
	char why[96];

	if ((err == -EPERM || err == -ENOTSUPP || err == -EOPNOTSUPP) &&
	    (uses_trampoline(attach_type) || !attach_type))
		bl_fail(e, err, "%s%s%s: the kernel refused to attach (%s): BPF trampolines are"
			" disabled or unsupported here (needs"
			" CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS%s)", kind, *target ? " " : "",
			target, bl_strerror(err, why, sizeof(why)),
			attach_type == BPF_LSM_MAC ? ", and bpf in the lsm= boot list" : "");
	else if (err == -ENOENT)
		/* older kernels drop the load-time target after the first attach */
		bl_fail(e, err, "%s%s%s: attach failed: %s; this kernel attaches a tracing"
			" program to its load-time target only once (re-attaching after a"
			" detach came in later kernels): load the program again to attach it"
			" again", kind, *target ? " " : "", target,
			bl_strerror(err, why, sizeof(why)));
	else
		bl_fail(e, err, "%s%s%s: attach failed: %s%s", kind, *target ? " " : "", target,
			bl_strerror(err, why, sizeof(why)),
			err == -EINVAL ? "; the program must be loaded as a tracing program with"
			" its attach target (tp_btf/, fentry/, ... sections do this)" : "");
}

struct bl_link *bl_attach_tracing_kind(int prog_fd, const char *kind, __u32 attach_type,
				       const char *target, struct bl_error *e)
{
	struct bl_link *link;
	int fd;

	if (attach_type == BPF_TRACE_ITER)
		fd = bl_sys_link_create(prog_fd, 0, BPF_TRACE_ITER, NULL);
	else
		fd = bl_sys_raw_tracepoint_open(NULL, prog_fd);
	if (fd < 0) {
		tracing_fail(e, kind, target ? target : "", attach_type, fd);
		return bl_attach_null(fd);
	}
	link = fd_link(fd, e);
	if (link)
		bl_link_set_desc(link, "%s%s%s, bpf_link", kind, target && *target ? " " : "",
				 target ? target : "");
	return link;
}

BL_API struct bl_link *bl_attach_tracing(int prog_fd, struct bl_error *e)
{
	return bl_attach_tracing_kind(prog_fd, "tracing program", 0, "", e);
}
