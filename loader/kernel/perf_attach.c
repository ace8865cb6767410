// SPDX-License-Identifier: BSD-2-Clause
/*
 * perf_attach.c - run a BPF program on a perf event.
 *
 * kprobes, uprobes, tracepoints and sampling events all reach BPF the
 * same way: perf_event_open() gives an event fd, and the program is tied
 * to that event.  There are two ways to tie it:
 *
 *   BPF_LINK_CREATE(prog, target_fd = perf fd, BPF_PERF_EVENT)   5.15+
 *       returns a bpf link fd; the link holds the perf event.  It can
 *       carry a cookie for bpf_get_attach_cookie(), be pinned, and shows
 *       up in BPF_LINK_GET_NEXT_ID (bpftool link).
 *   ioctl(perf fd, PERF_EVENT_IOC_SET_BPF, prog fd)              4.1+
 *       the event itself holds the program until the fd is closed.
 *
 * Either way the event is then started with PERF_EVENT_IOC_ENABLE (we
 * open events disabled so nothing runs before the program is in place).
 *
 * Which one works is decided by asking the kernel, not by its version:
 * the first attach tries the link; when the kernel does not know the
 * command or the attach type (EINVAL, EOPNOTSUPP) and the ioctl then
 * works, the answer "no perf links here" is remembered for the life of
 * the process (and likewise "yes" after a link worked).  This cache is
 * one of the library's two documented pieces of process-wide state.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kernel/attach_priv.h"

/* 0: not asked yet; 1: links work; -1: only the ioctl works */
static atomic_int perf_links_work;

static bool not_supported(int err)
{
	return err == -EINVAL || err == -EOPNOTSUPP || err == -ENOTSUPP;
}

static int add_slot(struct bl_link *link, int pfd)
{
	struct bl_perf_fd *v = realloc(link->perf, (link->nr_perf + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	link->perf = v;
	v[link->nr_perf].pfd = pfd;
	v[link->nr_perf].lfd = -1;
	link->nr_perf++;
	return 0;
}

static int attach_ioctl(int pfd, int prog_fd, __u64 cookie)
{
	if (cookie)
		return -EOPNOTSUPP;
	return bl_sys_perf_ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog_fd);
}

static int attach_fail(struct bl_error *e, const char *what, int err, int link_err,
		       __u64 cookie)
{
	char why[96], why2[96];

	if (err == -EOPNOTSUPP && cookie && !link_err)
		return bl_fail(e, err, "%s: a bpf_cookie needs BPF_LINK_CREATE(BPF_PERF_EVENT);"
			       " it cannot be set through the ioctl (force_ioctl)", what);
	if (err == -EOPNOTSUPP && cookie)
		return bl_fail(e, err, "%s: a bpf_cookie needs BPF_LINK_CREATE(BPF_PERF_EVENT),"
			       " which this kernel refused (%s; Linux 5.15+ has it)", what,
			       bl_strerror(link_err, why, sizeof(why)));
	if (err == -EEXIST)
		return bl_fail(e, err, "%s: the perf event already has a program", what);
	/* the programs of one kprobe, uprobe or tracepoint form one array,
	 * at most BPF_TRACE_MAX_PROGS (64) long */
	if (err == -E2BIG)
		return bl_fail(e, err, "%s: cannot attach the program: E2BIG: the kernel runs at most"
			       " 64 BPF programs on one probe or tracepoint (BPF_TRACE_MAX_PROGS),"
			       " and that many are attached already", what);
	if (link_err && link_err != err)
		return bl_fail(e, err, "%s: cannot attach the program: BPF_LINK_CREATE said %s,"
			       " PERF_EVENT_IOC_SET_BPF said %s; %s", what,
			       bl_strerror(link_err, why2, sizeof(why2)),
			       bl_strerror(err, why, sizeof(why)),
			       "check that the program type matches the event (kprobe programs for"
			       " kprobes and uprobes, tracepoint programs for tracepoints,"
			       " perf_event programs for sampling events)");
	return bl_fail(e, err, "%s: cannot attach the program: %s%s", what,
		       bl_strerror(err, why, sizeof(why)),
		       err == -EINVAL ? "; check that the program type matches the event (kprobe"
		       " programs for kprobes and uprobes, tracepoint programs for"
		       " tracepoints, perf_event programs for sampling events)" :
		       err == -EPERM || err == -EACCES ?
		       "; run as root (CAP_BPF and CAP_PERFMON)" : "");
}

/* Tie prog_fd to the event pfd (the link takes pfd over, also on failure)
 * and start the event. */
int bl_perf_attach(struct bl_link *link, int pfd, int prog_fd, bool force_ioctl,
		   __u64 cookie, const char *what, struct bl_error *e)
{
	struct bl_link_create_opts lo = { .bpf_cookie = cookie };
	struct bl_perf_fd *slot;
	int state = atomic_load(&perf_links_work);
	int lfd = -1, link_err = 0, err;
	char why[96];

	if (add_slot(link, pfd)) {
		close(pfd);
		return bl_fail(e, -ENOMEM, "%s: out of memory", what);
	}
	slot = &link->perf[link->nr_perf - 1];
	if (!force_ioctl && state >= 0) {
		lfd = bl_sys_link_create(prog_fd, pfd, BPF_PERF_EVENT, &lo);
		if (lfd >= 0) {
			atomic_store(&perf_links_work, 1);
			slot->lfd = lfd;
			goto enable;
		}
		link_err = lfd;
		if (state == 1 || !not_supported(lfd))
			return attach_fail(e, what, lfd, 0, 0);
	}
	err = attach_ioctl(pfd, prog_fd, cookie);
	if (err)
		return attach_fail(e, what, err, link_err, cookie);
	if (link_err)
		atomic_store(&perf_links_work, -1);
enable:
	err = bl_sys_perf_ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0);
	if (err)
		return bl_fail(e, err, "%s: cannot enable the perf event: %s", what,
			       bl_strerror(err, why, sizeof(why)));
	return 0;
}

/* A new link holding the probe event pfd (taken over, also on failure)
 * with prog_fd tied to it; NULL with errno set on failure. */
struct bl_link *bl_perf_link_new(int pfd, int prog_fd, bool force_ioctl, __u64 cookie,
				 const char *what, struct bl_error *e)
{
	struct bl_link *link = bl_link_new(bl_perf_detach);
	int err;

	if (!link) {
		close(pfd);
		bl_fail(e, -ENOMEM, "%s: out of memory", what);
		return bl_attach_null(-ENOMEM);
	}
	err = bl_perf_attach(link, pfd, prog_fd, force_ioctl, cookie, what, e);
	if (err) {
		bl_link_abort(link);
		return bl_attach_null(err);
	}
	return link;
}

/*
 * A new link for the legacy tracefs probe ev (event id, taken over, also
 * on failure): open the event for pid and tie prog_fd to it.  The link
 * holds ev, so detaching removes it after the perf event is closed.
 */
struct bl_link *bl_perf_link_event(struct bl_probe_event *ev, int id, pid_t pid, int prog_fd,
				   bool force_ioctl, __u64 cookie, const char *what,
				   struct bl_error *e)
{
	struct perf_event_attr attr;
	struct bl_link *link = bl_link_new(bl_perf_detach);
	sigset_t old;
	int pfd, err;

	if (!link) {
		bl_probe_event_remove(ev, NULL);
		bl_fail(e, -ENOMEM, "%s: out of memory", what);
		return bl_attach_null(-ENOMEM);
	}
	link->event = ev;
	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = id;
	bl_probe_signals_block(&old);
	pfd = bl_perf_open_probe(&attr, pid, what, e);
	if (pfd >= 0)
		bl_probe_event_hold(ev, pfd, -1);
	err = pfd < 0 ? pfd : bl_perf_attach(link, pfd, prog_fd, force_ioctl, cookie, what, e);
	if (err) {
		bl_link_abort(link);
		bl_probe_signals_restore(&old);
		return bl_attach_null(err);
	}
	bl_probe_event_hold(ev, pfd, link->perf[0].lfd);
	bl_probe_signals_restore(&old);
	return link;
}

const char *bl_perf_how(const struct bl_link *link)
{
	if (!link->nr_perf)
		return "";
	return link->perf[0].lfd >= 0 ? "bpf_link" : "ioctl SET_BPF";
}

/*
 * Closing the link fd detaches the program; closing the perf fd frees
 * the event (and for a probe, unregisters it: this is where the kernel
 * waits for RCU).  A legacy tracefs event can only be removed once no
 * perf event uses it, so that comes last.
 */
int bl_perf_detach(struct bl_link *link)
{
	bool legacy = link->event != NULL;
	sigset_t old;
	int err = 0;

	if (legacy)
		bl_probe_signals_block(&old);
	for (size_t i = 0; i < link->nr_perf; i++) {
		bl_close_fd(&link->perf[i].lfd);
		bl_close_fd(&link->perf[i].pfd);
	}
	link->nr_perf = 0;
	if (legacy) {
		bl_probe_event_release(link->event);
		err = bl_probe_event_remove(link->event, NULL);
		bl_probe_signals_restore(&old);
	}
	link->event = NULL;
	return err;
}

/*
 * Open a kprobe, uprobe or tracepoint event.  These events are not
 * counters of one task or CPU: the program runs wherever the probe hits.
 * perf_event_open() still needs (pid, cpu): pid -1 with cpu 0 means
 * "system-wide" (the cpu does not filter BPF); a pid >= 0 with cpu -1
 * restricts uprobes to that process.  The event starts disabled.
 */
int bl_perf_open_probe(struct perf_event_attr *attr, pid_t pid, const char *what,
		       struct bl_error *e)
{
	char why[96];
	int fd;

	attr->size = sizeof(*attr);
	attr->disabled = 1;
	fd = bl_sys_perf_event_open(attr, pid < 0 ? -1 : pid, pid < 0 ? 0 : -1, -1,
				    PERF_FLAG_FD_CLOEXEC);
	if (fd >= 0)
		return fd;
	return bl_fail(e, fd, "%s: perf_event_open failed: %s%s", what,
		       bl_strerror(fd, why, sizeof(why)),
		       fd == -EACCES || fd == -EPERM ? "; run as root (CAP_PERFMON), or lower"
		       " kernel.perf_event_paranoid" :
		       fd == -ESRCH ? "; no such process" : "");
}

/*
 * Dynamic PMUs (4.17+) describe themselves in sysfs:
 *   /sys/bus/event_source/devices/kprobe/type            "6"
 *   /sys/bus/event_source/devices/kprobe/format/retprobe  "config:0"
 * attr.type is that number; setting the named bit of attr.config asks
 * for a return probe.
 */
int bl_probe_pmu(const char *name, struct bl_probe_pmu *pmu)
{
	char path[128], buf[64];
	int err;

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/type", name);
	err = bl_read_small(path, buf, sizeof(buf));
	if (err)
		return err;
	if (sscanf(buf, "%d", &pmu->type) != 1)
		return -EINVAL;
	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/format/retprobe", name);
	err = bl_read_small(path, buf, sizeof(buf));
	if (err)
		return err;
	if (sscanf(buf, "config:%d", &pmu->ret_bit) != 1 || pmu->ret_bit < 0 ||
	    pmu->ret_bit > 63)
		return -EINVAL;
	return 0;
}

/*
 * The kprobe and uprobe PMUs read their probes alike: config1 points to
 * the function name (kprobe_func) or the file path (uprobe_path), config2
 * is the offset into it (probe_offset).
 */
int bl_probe_pmu_open(const struct bl_probe_pmu *pmu, bool retprobe, const char *target,
		      __u64 offset, pid_t pid, const char *what, struct bl_error *e)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.type = pmu->type;
	attr.config = retprobe ? 1ULL << pmu->ret_bit : 0;
	attr.config1 = (__u64)(unsigned long)target;
	attr.config2 = offset;
	return bl_perf_open_probe(&attr, pid, what, e);
}
