/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * attach_priv.h - internals shared by the attach layer (attach.c and one
 * file per mechanism).  Not installed.
 */
#ifndef BPFLOAD_ATTACH_PRIV_H
#define BPFLOAD_ATTACH_PRIV_H

#include <signal.h>
#include <stdbool.h>
#include <bpfload/attach.h>

#include "kernel/kernel.h"

#ifndef ENOTSUPP
#define ENOTSUPP 524		/* kernel-internal "not supported" */
#endif

#define BL_TRACEFS_MAX	64	/* room for "/sys/kernel/debug/tracing" */

struct bl_probe_event;

/* One perf event and what attached the program to it. */
struct bl_perf_fd {
	int pfd;			/* perf_event_open() */
	int lfd;			/* BPF_LINK_CREATE, or -1 after SET_BPF */
};

struct bl_link {
	struct bl_object *obj;		/* owner, or NULL: the caller's */
	const struct bl_program *prog;	/* for attach_all's "already done" */
	char *desc;
	char *pin_path;
	/* Undo the attachment and release what the link holds (not the
	 * struct itself).  Returns 0 or -errno. */
	int (*detach)(struct bl_link *link);

	int fd;				/* bpf link / raw_tp fd, or -1 */

	/* perf-event based: kprobe, uprobe, tracepoint, perf_event */
	struct bl_perf_fd *perf;
	size_t nr_perf;
	struct bl_probe_event *event;	/* legacy tracefs event, or NULL */

	/* netlink, socket and PROG_ATTACH links */
	int prog_fd;			/* our dup of the program */
	int target_fd;			/* our dup of the socket / cgroup */
	__u32 attach_type;
	int ifindex;
	int netns_fd;			/* netlink links: the namespace of ifindex */
	__u32 xdp_flags;
	__u32 tc_parent;		/* clsact ingress or egress */
	__u32 tc_handle;
	__u32 tc_info;			/* priority << 16 | protocol */
	bool tc_made_qdisc;
};

/* attach.c */
struct bl_link *bl_link_new(int (*detach)(struct bl_link *));
/* Set the description (printf); keeps the old one if out of memory. */
void bl_link_set_desc(struct bl_link *link, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Free a link whose attach failed half-way (calls detach). */
void bl_link_abort(struct bl_link *link);
/* Set errno from a failed err and return NULL: "return bl_null(err);" */
void *bl_attach_null(int err);
/* Close an fd if it is one, and mark it gone. */
void bl_close_fd(int *fd);
/* Does the section name say where to attach (kprobe/FUNC, tp/CAT/NAME,
 * uprobe/PATH:FUNC, ...), so that bl_program_attach() can? */
bool bl_program_attachable(const struct bl_program *p);

/* perf_attach.c: perf event links */
int bl_perf_attach(struct bl_link *link, int pfd, int prog_fd, bool force_ioctl,
		   __u64 cookie, const char *what, struct bl_error *e);
int bl_perf_detach(struct bl_link *link);
/* A new link holding the event pfd (taken over, also on failure) with
 * prog_fd tied to it; NULL with errno set (bl_attach_null) on failure. */
struct bl_link *bl_perf_link_new(int pfd, int prog_fd, bool force_ioctl, __u64 cookie,
				 const char *what, struct bl_error *e);
/* Same for the legacy tracefs probe ev with event id (taken over, also on
 * failure): opens the event for pid (-1: every process). */
struct bl_link *bl_perf_link_event(struct bl_probe_event *ev, int id, pid_t pid, int prog_fd,
				   bool force_ioctl, __u64 cookie, const char *what,
				   struct bl_error *e);
/* ", bpf_link" or ", ioctl SET_BPF" as the last attach used */
const char *bl_perf_how(const struct bl_link *link);
/* A dynamic probe PMU: its perf type and the config bit that makes a
 * return probe. */
struct bl_probe_pmu {
	int type;
	int ret_bit;
};
/* The kprobe or uprobe PMU ("kprobe", "uprobe").  -ENOENT when absent. */
int bl_probe_pmu(const char *name, struct bl_probe_pmu *pmu);
/* Open a probe on it: target is the kprobe's function or the uprobe's
 * file, offset the place in it; pid -1 means every process. */
int bl_probe_pmu_open(const struct bl_probe_pmu *pmu, bool retprobe, const char *target,
		      __u64 offset, pid_t pid, const char *what, struct bl_error *e);
/* Open a probe/tracepoint event: pid -1 means every process. */
int bl_perf_open_probe(struct perf_event_attr *attr, pid_t pid, const char *what,
		       struct bl_error *e);

/* tracefs.c */
int bl_tracefs_find(char *dir, size_t len, struct bl_error *e);
/* Does <dir>/<file> exist? */
bool bl_tracefs_has(const char *dir, const char *file);
/* The id of events/<cat>/<name>; >= 0 or -errno with a message. */
int bl_tracefs_event_id(const char *dir, const char *cat, const char *name,
			struct bl_error *e);
/* Create a legacy probe: type 'k' or 'u'; tag goes into the name;
 * target is "func+off" or "/path:0xoff".  Registers it so it goes away
 * with the process.  *id receives the event id. */
int bl_probe_event_create(const char *dir, char type, bool retprobe, unsigned int maxactive,
			  const char *tag, const char *target,
			  struct bl_probe_event **out, int *id, struct bl_error *e);
/* Let the exit/signal cleanup close these fds too (they hold the event). */
void bl_probe_event_hold(struct bl_probe_event *ev, int pfd, int lfd);
/* Forget the fds (the caller has closed them). */
void bl_probe_event_release(struct bl_probe_event *ev);
/*
 * Keep SIGINT and SIGTERM from this thread while a legacy event's fds are
 * opened or closed and recorded in the registry: our handler must never
 * find an fd that holds the event but is not recorded (the removal would
 * fail with EBUSY and the event outlive us).  A signal that comes in
 * between is delivered at the restore.
 */
void bl_probe_signals_block(sigset_t *old);
void bl_probe_signals_restore(const sigset_t *old);
/* Remove the event from tracefs and the registry, and free ev. */
int bl_probe_event_remove(struct bl_probe_event *ev, struct bl_error *e);
/* "kprobes/bpfload_12_0_do_sys_openat2" */
const char *bl_probe_event_name(const struct bl_probe_event *ev);
/* The last line of tracefs error_log, "" if none. */
void bl_tracefs_last_error(const char *dir, char *buf, size_t len);

/* kallsyms.c */
/* Does the kernel have this symbol?  1 yes, 0 no, -errno unreadable. */
int bl_kallsyms_has(const char *name);

/* netlink.c: minimal rtnetlink.  ext receives the kernel's extended ack
 * text (may be "").  Functions return 0 or -errno. */
int bl_nl_xdp_set(int ifindex, int fd, int expected_fd, __u32 flags,
		  char *ext, size_t ext_len);
int bl_nl_clsact(int ifindex, bool add, char *ext, size_t ext_len);
/* Add a direct-action cls_bpf filter; *handle and *info are in/out
 * (0 lets the kernel choose; the chosen values come back). */
int bl_nl_tc_filter_add(int ifindex, __u32 parent, __u32 *handle, __u32 *info,
			int prog_fd, const char *name, char *ext, size_t ext_len);
int bl_nl_tc_filter_del(int ifindex, __u32 parent, __u32 handle, __u32 info,
			char *ext, size_t ext_len);
/* Number of filters on parent (0 when none), or -errno. */
int bl_nl_tc_filter_count(int ifindex, __u32 parent);
/* An fd for the calling thread's network namespace, or -errno. */
int bl_netns_current(void);
/* Make the calling thread use namespace ns_fd if it is not already in
 * it; *saved gets what to give bl_netns_restore() (-1: nothing). */
int bl_netns_enter(int ns_fd, int *saved);
void bl_netns_restore(int saved);

/* raw_tp.c: for bl_program_attach, with the section's kind */
struct bl_link *bl_attach_tracing_kind(int prog_fd, const char *kind, __u32 attach_type,
				       const char *target, struct bl_error *err);

/* uprobe.c: for bl_program_attach */
struct bl_link *bl_attach_uprobe_spec(int prog_fd, const char *spec, bool retprobe,
				      struct bl_error *err);

#endif /* BPFLOAD_ATTACH_PRIV_H */
