// SPDX-License-Identifier: BSD-2-Clause
/*
 * kprobe.c - run a program when a kernel function is entered or returns.
 *
 * A kprobe is a perf event.  Two ways to make one:
 *
 * 1. The kprobe PMU (4.17+): perf_event_open() with
 *      attr.type    = /sys/bus/event_source/devices/kprobe/type
 *      attr.config  = 1 << retprobe bit (format/retprobe) for a kretprobe
 *      attr.config1 = pointer to the function name (kprobe_func)
 *      attr.config2 = offset into the function (probe_offset)
 *    The probe lives exactly as long as the event fd.
 * 2. tracefs kprobe_events (legacy, and the only way to set a kretprobe's
 *    maxactive): write "p:kprobes/NAME FUNC+OFF", read the new event's id
 *    from events/kprobes/NAME/id, open it as PERF_TYPE_TRACEPOINT; the
 *    event stays until we write "-:kprobes/NAME" (tracefs.c).
 *
 * Either way the program is then tied to the event (perf_attach.c).  The
 * program must be BPF_PROG_TYPE_KPROBE; it sees the registers (pt_regs).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/attach_priv.h"

struct kprobe_req {
	int prog_fd;
	const char *func;
	__u64 offset;
	bool retprobe;
	struct bl_kprobe_opts opts;
	char what[320];		/* "kprobe do_sys_openat2+0x5" */
};

/* Why the kernel may refuse a function it was asked to probe. */
static void explain_missing(struct bl_error *e, const struct kprobe_req *r, int err)
{
	int has = bl_kallsyms_has(r->func);

	if (err == -EILSEQ)
		bl_fail_append(e, "; +0x%llx is not at an instruction boundary of %s",
			       (unsigned long long)r->offset, r->func);
	else if (has == 0)
		bl_fail_append(e, "; %s is not in /proc/kallsyms: this kernel has no such"
			       " function (renamed, inlined or compiled out?)", r->func);
	else if (has == 1)
		bl_fail_append(e, "; %s exists but cannot be probed (it may be notrace, on the"
			       " kprobe blacklist, or the offset is wrong)", r->func);
}

static struct bl_link *attach_pmu(struct kprobe_req *r, const struct bl_probe_pmu *pmu,
				  struct bl_error *e)
{
	struct bl_link *link;
	int pfd;

	pfd = bl_probe_pmu_open(pmu, r->retprobe, r->func, r->offset, -1, r->what, e);
	if (pfd < 0) {
		if (pfd == -ENOENT || pfd == -EINVAL || pfd == -EILSEQ)
			explain_missing(e, r, pfd);
		return bl_attach_null(pfd);
	}
	link = bl_perf_link_new(pfd, r->prog_fd, r->opts.force_ioctl, r->opts.bpf_cookie,
				r->what, e);
	if (!link)
		return NULL;
	bl_link_set_desc(link, "%s via kprobe PMU, %s", r->what, bl_perf_how(link));
	return link;
}

static struct bl_link *no_kprobes(struct kprobe_req *r, struct bl_error *e)
{
	bl_fail(e, -EOPNOTSUPP, "kprobe attach: this kernel has neither the kprobe PMU nor"
		" kprobe_events (built without CONFIG_KPROBES); %s cannot be attached here:"
		" use a tracepoint instead, or a kernel with CONFIG_KPROBES=y", r->what);
	return bl_attach_null(-EOPNOTSUPP);
}

static struct bl_link *attach_legacy(struct kprobe_req *r, bool have_pmu, struct bl_error *e)
{
	char dir[BL_TRACEFS_MAX], target[320];
	struct bl_probe_event *ev = NULL;
	struct bl_link *link;
	int err, id = 0;

	err = bl_tracefs_find(dir, sizeof(dir), e);
	if (err == -ENOENT && !have_pmu)
		return no_kprobes(r, e);
	if (err)
		return bl_attach_null(err);
	if (!bl_tracefs_has(dir, "kprobe_events")) {
		if (!have_pmu)
			return no_kprobes(r, e);
		bl_fail(e, -EOPNOTSUPP, "%s: legacy path asked for, but %s has no kprobe_events"
			" (CONFIG_KPROBE_EVENTS is off); use the kprobe PMU (no force_legacy,"
			" no maxactive)", r->what, dir);
		return bl_attach_null(-EOPNOTSUPP);
	}
	if (r->retprobe)
		snprintf(target, sizeof(target), "%s", r->func);
	else
		snprintf(target, sizeof(target), "%s+%llu", r->func,
			 (unsigned long long)r->offset);
	err = bl_probe_event_create(dir, 'k', r->retprobe, r->opts.maxactive, r->func, target,
				    &ev, &id, e);
	if (err) {
		bl_fail_append(e, " [%s]", r->what);
		if (err == -ENOENT || err == -EINVAL || err == -EILSEQ)
			explain_missing(e, r, err);
		return bl_attach_null(err);
	}
	link = bl_perf_link_event(ev, id, -1, r->prog_fd, r->opts.force_ioctl,
				  r->opts.bpf_cookie, r->what, e);
	if (!link)
		return NULL;
	if (r->retprobe && r->opts.maxactive)
		bl_link_set_desc(link, "%s via legacy kprobe_events (%s, maxactive %u), %s",
				 r->what, bl_probe_event_name(ev), r->opts.maxactive,
				 bl_perf_how(link));
	else
		bl_link_set_desc(link, "%s via legacy kprobe_events (%s), %s", r->what,
				 bl_probe_event_name(ev), bl_perf_how(link));
	return link;
}

static bool valid_func(const char *f)
{
	size_t n = f ? strlen(f) : 0;

	if (!n || n > 255)
		return false;
	for (size_t i = 0; i < n; i++)
		if (f[i] <= ' ' || f[i] == ':' || f[i] == '/' || f[i] == '+' || f[i] == 0x7f)
			return false;
	return true;
}

BL_API struct bl_link *bl_attach_kprobe(int prog_fd, const char *func, __u64 offset,
					bool retprobe, const struct bl_kprobe_opts *opts,
					struct bl_error *e)
{
	struct kprobe_req r = { .prog_fd = prog_fd, .offset = offset, .retprobe = retprobe };
	char sym[256];
	struct bl_probe_pmu pmu = { 0 };
	int err;
	bool legacy;

	if (!valid_func(func)) {
		bl_fail(e, -EINVAL, "kprobe: '%s' is not a function name", func ? func : "(null)");
		return bl_attach_null(-EINVAL);
	}
	if (retprobe && offset) {
		bl_fail(e, -EINVAL, "kretprobe %s: a return probe takes no offset (+%llu)", func,
			(unsigned long long)offset);
		return bl_attach_null(-EINVAL);
	}
	if (opts)
		r.opts = *opts;
	/* "sys_getpid" is __x64_sys_getpid on this kernel, if it has no sys_getpid */
	if (!strncmp(func, "sys_", 4) && bl_kallsyms_has(func) == 0 &&
	    !bl_ksyscall_symbol(func, sym, sizeof(sym), NULL))
		func = sym;
	r.func = func;
	if (offset)
		snprintf(r.what, sizeof(r.what), "%s %s+0x%llx", retprobe ? "kretprobe" : "kprobe",
			 func, (unsigned long long)offset);
	else
		snprintf(r.what, sizeof(r.what), "%s %s", retprobe ? "kretprobe" : "kprobe", func);

	err = bl_probe_pmu("kprobe", &pmu);
	legacy = err || r.opts.force_legacy || (retprobe && r.opts.maxactive);
	if (!legacy)
		return attach_pmu(&r, &pmu, e);
	return attach_legacy(&r, !err, e);
}
