// SPDX-License-Identifier: BSD-2-Clause
/*
 * tracepoint.c - run a program on a static tracepoint (tracefs event).
 *
 * Tracepoints are compiled into the kernel and listed in tracefs as
 * events/<category>/<name>.  Their id file holds the number that
 * perf_event_open() takes as attr.config with attr.type
 * PERF_TYPE_TRACEPOINT.  A BPF_PROG_TYPE_TRACEPOINT program then gets
 * the event's record as its context, laid out as events/.../format says.
 * The program runs for every process and CPU that hits the tracepoint.
 */
#include <errno.h>
#include <string.h>

#include "kernel/attach_priv.h"

BL_API struct bl_link *bl_attach_tracepoint(int prog_fd, const char *cat, const char *name,
					    const struct bl_tracepoint_opts *opts,
					    struct bl_error *e)
{
	struct bl_tracepoint_opts o = { 0 };
	char dir[BL_TRACEFS_MAX], what[600];
	struct perf_event_attr attr;
	struct bl_link *link;
	int id, pfd, err;

	if (!cat || !name) {
		bl_fail(e, -EINVAL, "tracepoint: category and name are needed");
		return bl_attach_null(-EINVAL);
	}
	if (opts)
		o = *opts;
	snprintf(what, sizeof(what), "tracepoint %.256s/%.256s", cat, name);
	err = bl_tracefs_find(dir, sizeof(dir), e);
	if (err)
		return bl_attach_null(err);
	id = bl_tracefs_event_id(dir, cat, name, e);
	if (id < 0)
		return bl_attach_null(id);
	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = id;
	pfd = bl_perf_open_probe(&attr, -1, what, e);
	if (pfd < 0)
		return bl_attach_null(pfd);
	link = bl_perf_link_new(pfd, prog_fd, o.force_ioctl, o.bpf_cookie, what, e);
	if (!link)
		return NULL;
	bl_link_set_desc(link, "%s, %s", what, bl_perf_how(link));
	return link;
}
