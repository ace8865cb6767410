/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bpfload/attach.h - attach loaded programs to their hooks.
 *
 * A loaded program runs only once it is attached to something: a kernel
 * function (kprobe), a tracepoint, a user function (uprobe), a perf
 * event, a socket, a network device (XDP, tc) or a cgroup.  Each
 * attachment is a struct bl_link, whatever the kernel uses to hold it:
 *
 *   a bpf link fd          BPF_LINK_CREATE, BPF_RAW_TRACEPOINT_OPEN
 *   perf event fd(s)       kprobe, uprobe, tracepoint, sampling events,
 *                          with a bpf link or PERF_EVENT_IOC_SET_BPF,
 *                          plus a tracefs event for the legacy probes
 *   netlink state          XDP set on a device, a tc clsact filter
 *   a socket               SO_ATTACH_BPF
 *   a cgroup               BPF_PROG_ATTACH
 *
 * bl_link_detach() undoes exactly what the attach did and frees the link.
 *
 * Two ways in:
 *
 *   bl_program_attach(prog)      from the section name: "kprobe/FUNC",
 *                                "tp/CAT/NAME", "uprobe/PATH:SYMBOL", ...
 *                                The link belongs to the program's object:
 *                                bl_object_close() detaches it.
 *   bl_attach_kprobe(fd, ...)    explicit, one function per mechanism,
 *                                taking a program fd.  The caller owns the
 *                                link and must bl_link_detach() it.
 *
 * Functions returning a link give NULL on failure, with errno set and
 * *err (may be NULL) saying what failed, why and what to do.
 *
 * Detaching waits for the kernel: removing a tracepoint or probe waits
 * for RCU grace periods (tens of ms) so that no CPU still runs the
 * program.  bl_links_detach(), bl_object_detach_all() and
 * bl_object_close() therefore detach from several threads at once, which
 * overlaps the waits as far as the kernel lets them (tracefs tracepoints
 * partly serialize inside the kernel: about 2x faster for 32 of them).
 *
 * Process-wide state (there is no other):
 *  - the registry of legacy tracefs probe events this process created
 *    (kprobe_events/uprobe_events entries named bpfload_<pid>_<n>...),
 *    so they are removed on detach, at exit() and on SIGINT/SIGTERM.
 *    While it holds events, and only if the signal's disposition is the
 *    default one, bpfload handles SIGINT and SIGTERM: it removes the
 *    events and dies of the signal as it would have.  A program with its
 *    own handlers should close its objects (or links) from them.
 *  - whether BPF_LINK_CREATE(BPF_PERF_EVENT) works on this kernel: asked
 *    once (the first perf attach tries it) and remembered.
 * Both are thread-safe.
 */
#ifndef BPFLOAD_ATTACH_H
#define BPFLOAD_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <bpfload.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bl_link;

/* ---- links -------------------------------------------------------------- */

/* Detach and free.  NULL is fine.  A link owned by an object is taken
 * out of it first.  Returns 0 or the first -errno met while detaching
 * (the link is freed either way). */
int bl_link_detach(struct bl_link *link);
/* Detach and free n links concurrently (NULL entries are skipped, every
 * entry is set to NULL).  Returns 0 or the first error. */
int bl_links_detach(struct bl_link **links, size_t n);

/* The fd that holds the attachment: a bpf link fd, else the perf event
 * fd (ioctl attach), else -1 (netlink, SO_ATTACH_BPF, PROG_ATTACH). */
int bl_link_fd(const struct bl_link *link);
/* Perf event attachments on every CPU hold one fd per CPU: the count and
 * the i-th fd (bpf link, else perf event).  Other links: 1 and
 * bl_link_fd(), or 0 when they hold no fd. */
size_t bl_link_fd_count(const struct bl_link *link);
int bl_link_fd_at(const struct bl_link *link, size_t i);
/* "kprobe do_sys_openat2 via kprobe PMU, bpf_link" and the like. */
const char *bl_link_describe(const struct bl_link *link);
/* Pin a bpf link on bpffs.  The pin keeps the attachment after
 * bl_link_detach() and process exit; unlink(path) releases it.  Links
 * that are not a single bpf link (ioctl, netlink, legacy tracefs events,
 * several CPUs) cannot be pinned: -EOPNOTSUPP. */
int bl_link_pin(struct bl_link *link, const char *path, struct bl_error *err);

/* ---- from the section name ---------------------------------------------- */

/* Attach a loaded program as its section name says.  Sections that need
 * more than a name (perf_event, socket, xdp, tc, cgroup) are refused
 * with a message naming the function to call.  The link is owned by the
 * object (bl_link_detach() may still end it early). */
struct bl_link *bl_program_attach(struct bl_program *prog, struct bl_error *err);
/* Attach every loaded program whose section name says where (kprobe,
 * kretprobe, ksyscall, uprobe with a target, tracepoint, raw_tp,
 * tp_btf, fentry, fexit, fmod_ret, lsm, iter) and that the object has not
 * attached yet.  All or nothing: on failure what this call attached is
 * detached again.  Returns the number of links made, or -errno. */
int bl_object_attach_all(struct bl_object *obj, struct bl_error *err);
/* Detach every link the object owns, concurrently; the programs stay
 * loaded.  Returns 0 or the first error. */
int bl_object_detach_all(struct bl_object *obj);

/* ---- kprobes -------------------------------------------------------------- */

struct bl_kprobe_opts {
	/* Write a probe to tracefs kprobe_events even when the kprobe PMU
	 * (4.17+) exists. */
	bool force_legacy;
	/* PERF_EVENT_IOC_SET_BPF even when bpf links work. */
	bool force_ioctl;
	/* kretprobe: how many calls may be in flight at once (the kernel
	 * default is about 2 per CPU).  Only tracefs can set it, so a
	 * non-zero value takes the legacy path. */
	unsigned int maxactive;
	/* Read by the program with bpf_get_attach_cookie() (5.15+, links). */
	__u64 bpf_cookie;
};

/* Probe func+offset (retprobe: its return).  A syscall named "sys_NAME"
 * that the kernel only has as __x64_sys_NAME (or __arm64_sys_NAME) is
 * resolved through /proc/kallsyms. */
struct bl_link *bl_attach_kprobe(int prog_fd, const char *func, __u64 offset,
				 bool retprobe, const struct bl_kprobe_opts *opts,
				 struct bl_error *err);

/* The kernel's entry symbol of a system call: "getpid" (or "sys_getpid")
 * -> "__x64_sys_getpid" on x86_64 since 4.17, "sys_getpid" before.
 * Reads /proc/kallsyms.  Returns 0 or -errno (-ENOENT: no such syscall). */
int bl_ksyscall_symbol(const char *name, char *buf, size_t len, struct bl_error *err);

/* ---- uprobes -------------------------------------------------------------- */

struct bl_uprobe_opts {
	bool force_legacy;		/* tracefs uprobe_events, not the PMU */
	bool force_ioctl;
	__u64 bpf_cookie;
};

/*
 * Probe a user function: binary is a path (or a name found in $PATH or
 * the usual library folders), symbol a function in its ELF symbols (or
 * NULL: offset is then a file offset), offset bytes past the symbol.
 * pid: -1 every process, 0 this one, else that process only.
 */
struct bl_link *bl_attach_uprobe(int prog_fd, const char *binary, const char *symbol,
				 __u64 offset, bool retprobe, pid_t pid,
				 const struct bl_uprobe_opts *opts, struct bl_error *err);

/* The file offset of a function in an ELF file (what uprobes need):
 * st_value - p_vaddr + p_offset of the PT_LOAD segment holding it. */
int bl_elf_symbol_offset(const char *path, const char *symbol, __u64 *offset,
			 struct bl_error *err);

/* ---- tracepoints ------------------------------------------------------------ */

struct bl_tracepoint_opts {
	bool force_ioctl;
	__u64 bpf_cookie;
};

/* A tracefs event: category "syscalls", name "sys_enter_getpid". */
struct bl_link *bl_attach_tracepoint(int prog_fd, const char *category, const char *name,
				     const struct bl_tracepoint_opts *opts,
				     struct bl_error *err);
/* A raw tracepoint by name ("sys_enter", "sched_switch"). */
struct bl_link *bl_attach_raw_tracepoint(int prog_fd, const char *name,
					 struct bl_error *err);
/* tp_btf, fentry, fexit, fmod_ret, lsm: the target was fixed at load time
 * (attach_btf_id), so there is nothing to name. */
struct bl_link *bl_attach_tracing(int prog_fd, struct bl_error *err);

/* ---- perf events ------------------------------------------------------------ */

struct bl_perf_event_opts {
	/* One of the two: samples per second, or events per sample. */
	__u64 sample_freq;
	__u64 sample_period;
	bool force_ioctl;
	__u64 bpf_cookie;
};

/* Open the event (PERF_TYPE_SOFTWARE/HARDWARE, config
 * PERF_COUNT_SW_CPU_CLOCK ...) on every online CPU and run the
 * program on each sample.  One link, one fd per CPU. */
struct bl_link *bl_attach_perf_event(int prog_fd, __u32 type, __u64 config,
				     const struct bl_perf_event_opts *opts,
				     struct bl_error *err);

/* ---- networking ------------------------------------------------------------- */

/* SO_ATTACH_BPF: filter what sock_fd receives.  The link keeps its own
 * reference to the socket until detached. */
struct bl_link *bl_attach_socket(int prog_fd, int sock_fd, struct bl_error *err);

struct bl_xdp_opts {
	/* XDP_FLAGS_SKB_MODE, XDP_FLAGS_DRV_MODE or XDP_FLAGS_HW_MODE;
	 * 0 lets the kernel choose (driver mode where supported). */
	__u32 flags;
	/* Use rtnetlink (IFLA_XDP) even when XDP links (5.9+) work. */
	bool force_netlink;
};

/* A bpf link on the device, else rtnetlink.  Never replaces a program
 * someone else attached (-EBUSY / -EEXIST). */
struct bl_link *bl_attach_xdp(int prog_fd, int ifindex, const struct bl_xdp_opts *opts,
			      struct bl_error *err);

struct bl_tc_opts {
	/* clsact qdisc + cls_bpf filter even when TCX links (6.6+) work */
	bool force_netlink;
	/* netlink only: filter priority and handle (0: the kernel picks) */
	__u16 priority;
	__u32 handle;
};

/* A tc program on ingress or egress: a TCX link where the kernel has it,
 * else a direct-action bpf filter on a clsact qdisc (created if absent,
 * removed on detach when we created it and it is empty). */
struct bl_link *bl_attach_tc(int prog_fd, int ifindex, bool egress,
			     const struct bl_tc_opts *opts, struct bl_error *err);

struct bl_cgroup_opts {
	/* When path is NULL: a cgroup directory fd (not taken over). */
	int cgroup_fd;
	/* BPF_PROG_ATTACH with these flags (BPF_F_ALLOW_MULTI,
	 * BPF_F_ALLOW_OVERRIDE) instead of a link. */
	bool prog_attach;
	__u32 flags;
};

/* Attach to a cgroup v2 directory at attach_type (BPF_CGROUP_INET_INGRESS
 * ...; for a bl_program, bl_program_expected_attach_type()). */
struct bl_link *bl_attach_cgroup(int prog_fd, const char *path, __u32 attach_type,
				 const struct bl_cgroup_opts *opts, struct bl_error *err);

/* ---- legacy tracefs events --------------------------------------------------- */

/*
 * Remove the bpfload probe events (kprobe_events, uprobe_events) left by
 * processes that died without cleaning up (SIGKILL, crash).  Only
 * events named bpfload_<pid>_... whose pid no longer exists are touched;
 * an event still in use cannot be removed and is left alone.  Returns the
 * number removed; when err is given, err->msg lists them (err->err 0).
 * Assumes the same pid namespace as the processes that made them.
 */
int bl_tracefs_cleanup_stale(struct bl_error *err);

#ifdef __cplusplus
}
#endif
#endif /* BPFLOAD_ATTACH_H */
