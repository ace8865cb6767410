/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bpfload/sys.h - one thin wrapper per bpf() command, plus perf_event_open.
 *
 * Everything bpfload asks of the kernel goes through these functions.
 * Each one fills exactly the union bpf_attr fields its command reads,
 * zeroes the rest (the kernel rejects non-zero bytes it does not know,
 * with E2BIG), makes the system call and returns:
 *
 *   >= 0        success (a new file descriptor for the commands that
 *               create one, else 0)
 *   -errno      failure; errno is left set as well.  Nothing is
 *               swallowed or retried here: policy lives in the callers.
 *
 * When tracing is on (BPFLOAD_TRACE=1 in the environment, or
 * bl_trace_set()), every call is printed to stderr with its command, its
 * decoded attr fields and its result, like `strace -e bpf`.
 */
#ifndef BPFLOAD_SYS_H
#define BPFLOAD_SYS_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <bpfload/uapi.h>

/*
 * The library is built with -fvisibility=hidden: only definitions marked
 * BL_API are exported from libbpfload.so.
 */
#ifndef BL_API
#define BL_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The raw entry point: bpf(cmd, attr, size).  Traced like the rest. */
int bl_sys_bpf(enum bpf_cmd cmd, union bpf_attr *attr, unsigned int size);

/* ---- maps -------------------------------------------------------------- */

struct bl_map_create_opts {
	__u32 map_flags;		/* BPF_F_NO_PREALLOC, BPF_F_MMAPABLE, ... */
	__u32 inner_map_fd;		/* map-in-map: a template inner map */
	__u32 numa_node;		/* used with BPF_F_NUMA_NODE */
	__u32 map_ifindex;		/* offload target, normally 0 */
	__u32 btf_fd;			/* BTF describing key and value, or 0 */
	__u32 btf_key_type_id;
	__u32 btf_value_type_id;
	__u32 btf_vmlinux_value_type_id;
	__u64 map_extra;		/* bloom filter hash count, arena address */
};

/* BPF_MAP_CREATE: returns the new map's fd.  name may be NULL; it is
 * truncated to BPF_OBJ_NAME_LEN - 1 bytes. opts may be NULL. */
int bl_sys_map_create(enum bpf_map_type type, const char *name,
		      __u32 key_size, __u32 value_size, __u32 max_entries,
		      const struct bl_map_create_opts *opts);

/* BPF_MAP_LOOKUP_ELEM / UPDATE_ELEM / DELETE_ELEM / GET_NEXT_KEY.
 * flags: BPF_ANY, BPF_NOEXIST, BPF_EXIST, BPF_F_LOCK. */
int bl_sys_map_lookup_elem(int map_fd, const void *key, void *value, __u64 flags);
int bl_sys_map_update_elem(int map_fd, const void *key, const void *value, __u64 flags);
int bl_sys_map_delete_elem(int map_fd, const void *key);
/* key NULL asks for the first key.  -ENOENT after the last one. */
int bl_sys_map_get_next_key(int map_fd, const void *key, void *next_key);
int bl_sys_map_lookup_and_delete_elem(int map_fd, const void *key, void *value, __u64 flags);
/* BPF_MAP_FREEZE: user space can no longer write the map (.rodata). */
int bl_sys_map_freeze(int map_fd);

/*
 * Batch operations (5.6+).  in_batch NULL starts at the beginning;
 * out_batch receives an opaque cursor of the map's key size.  *count is
 * the number of slots in keys/values on input and the number filled on
 * output; -ENOENT means the walk is complete (with *count still valid).
 */
int bl_sys_map_lookup_batch(int map_fd, void *in_batch, void *out_batch,
			    void *keys, void *values, __u32 *count,
			    __u64 elem_flags);
int bl_sys_map_lookup_and_delete_batch(int map_fd, void *in_batch, void *out_batch,
				       void *keys, void *values, __u32 *count,
				       __u64 elem_flags);
int bl_sys_map_update_batch(int map_fd, const void *keys, const void *values,
			    __u32 *count, __u64 elem_flags);
int bl_sys_map_delete_batch(int map_fd, const void *keys, __u32 *count,
			    __u64 elem_flags);

/* ---- programs and BTF -------------------------------------------------- */

struct bl_prog_load_opts {
	__u32 expected_attach_type;
	__u32 prog_flags;		/* BPF_F_SLEEPABLE, BPF_F_XDP_HAS_FRAGS, ... */
	__u32 kern_version;		/* checked for kprobes by kernels < 5.0 */
	__u32 prog_ifindex;
	__u32 prog_btf_fd;		/* BTF that func_info/line_info refer to */
	const void *func_info;		/* struct bpf_func_info[] */
	__u32 func_info_rec_size;
	__u32 func_info_cnt;
	const void *line_info;		/* struct bpf_line_info[] */
	__u32 line_info_rec_size;
	__u32 line_info_cnt;
	__u32 attach_btf_id;		/* tp_btf/fentry/fexit/lsm/iter target */
	__u32 attach_btf_obj_fd;	/* module BTF fd, 0 for vmlinux */
	__u32 attach_prog_fd;		/* freplace target program */
	const int *fd_array;
	__u32 log_level;		/* 0: no log; 1: verifier log; 2: verbose */
	__u32 log_size;
	char *log_buf;
	__u32 log_true_size;		/* out (6.4+): size the log needed */
};

/* BPF_PROG_LOAD: returns the program fd.  opts may be NULL. */
int bl_sys_prog_load(enum bpf_prog_type type, const char *name,
		     const char *license, const struct bpf_insn *insns,
		     size_t insn_cnt, struct bl_prog_load_opts *opts);

/* BPF_BTF_LOAD: returns a BTF object fd.  log_buf may be NULL. */
int bl_sys_btf_load(const void *btf, __u32 size, char *log_buf,
		    __u32 log_size, __u32 log_level);

/* ---- bpffs pinning ----------------------------------------------------- */

/* BPF_OBJ_PIN: make fd reachable at a path on a bpf filesystem. */
int bl_sys_obj_pin(int fd, const char *path);
/* BPF_OBJ_GET: open a pinned object; file_flags BPF_F_RDONLY/WRONLY or 0. */
int bl_sys_obj_get(const char *path, __u32 file_flags);

/* ---- introspection ----------------------------------------------------- */

/* BPF_OBJ_GET_INFO_BY_FD: *info_len is the buffer size on input and the
 * number of bytes the kernel filled on output.  Works for programs
 * (struct bpf_prog_info), maps, BTF and links. */
int bl_sys_obj_get_info_by_fd(int fd, void *info, __u32 *info_len);

/* BPF_{PROG,MAP,BTF,LINK}_GET_NEXT_ID: -ENOENT after the last id. */
int bl_sys_prog_get_next_id(__u32 start_id, __u32 *next_id);
int bl_sys_map_get_next_id(__u32 start_id, __u32 *next_id);
int bl_sys_btf_get_next_id(__u32 start_id, __u32 *next_id);
int bl_sys_link_get_next_id(__u32 start_id, __u32 *next_id);

/* BPF_{PROG,MAP,BTF,LINK}_GET_FD_BY_ID: a new fd for a kernel object. */
int bl_sys_prog_get_fd_by_id(__u32 id);
int bl_sys_map_get_fd_by_id(__u32 id);
int bl_sys_btf_get_fd_by_id(__u32 id);
int bl_sys_link_get_fd_by_id(__u32 id);

/* BPF_TASK_FD_QUERY: what a perf event / raw tracepoint fd of a task has
 * attached.  buf receives the tracepoint, symbol or file name. */
struct bl_task_fd_query {
	__u32 prog_id;			/* out */
	__u32 fd_type;			/* out: BPF_FD_TYPE_* */
	__u64 probe_offset;		/* out */
	__u64 probe_addr;		/* out */
};
int bl_sys_task_fd_query(int pid, int fd, char *buf, __u32 *buf_len,
			 struct bl_task_fd_query *out);

/* ---- attaching --------------------------------------------------------- */

struct bl_link_create_opts {
	__u32 flags;
	__u32 target_btf_id;		/* tracing / iter targets */
	__u64 bpf_cookie;		/* BPF_PERF_EVENT: bpf_get_attach_cookie() */
	const void *iter_info;		/* BPF_TRACE_ITER */
	__u32 iter_info_len;
	/* BL_TCX_INGRESS/EGRESS, BL_NETKIT_*: uses the 6.6 tcx layout */
	__u32 relative_fd;
	__u64 expected_revision;
};

/* BPF_LINK_CREATE: returns a link fd that holds the attachment. */
int bl_sys_link_create(int prog_fd, int target_fd, __u32 attach_type,
		       const struct bl_link_create_opts *opts);
/* BPF_LINK_UPDATE: swap the program of a link (flags BPF_F_REPLACE with
 * old_prog_fd to make it conditional). */
int bl_sys_link_update(int link_fd, int new_prog_fd, __u32 flags, int old_prog_fd);
/* BPF_LINK_DETACH: detach now, even while other fds hold the link. */
int bl_sys_link_detach(int link_fd);
/* BPF_RAW_TRACEPOINT_OPEN: returns a fd that keeps the program attached.
 * name NULL for tp_btf programs (the target comes from attach_btf_id). */
int bl_sys_raw_tracepoint_open(const char *name, int prog_fd);
/* BPF_PROG_ATTACH / BPF_PROG_DETACH: the older, fd-less attachment for
 * cgroups, sockmaps, flow dissector, lirc.  replace_prog_fd is used with
 * BPF_F_REPLACE.  prog_fd may be 0 in detach for single-program hooks. */
int bl_sys_prog_attach(int prog_fd, int target_fd, __u32 attach_type,
		       __u32 flags, int replace_prog_fd);
int bl_sys_prog_detach(int prog_fd, int target_fd, __u32 attach_type);
/* BPF_PROG_QUERY: *prog_cnt is the room in prog_ids on input and the
 * number attached on output.  attach_flags and prog_ids may be NULL. */
int bl_sys_prog_query(int target_fd, __u32 attach_type, __u32 query_flags,
		      __u32 *attach_flags, __u32 *prog_ids, __u32 *prog_cnt);
/* BPF_ITER_CREATE: a readable fd from an iterator link. */
int bl_sys_iter_create(int link_fd);
/* BPF_PROG_BIND_MAP: keep map alive as long as the program. */
int bl_sys_prog_bind_map(int prog_fd, int map_fd);

/* ---- running and statistics -------------------------------------------- */

struct bl_test_run_opts {
	const void *data_in;
	__u32 data_size_in;
	void *data_out;
	__u32 data_size_out;		/* in: room; out: bytes written */
	const void *ctx_in;
	__u32 ctx_size_in;
	void *ctx_out;
	__u32 ctx_size_out;		/* in: room; out: bytes written */
	__u32 repeat;
	__u32 flags;			/* BPF_F_TEST_RUN_ON_CPU, ... */
	__u32 cpu;
	__u32 retval;			/* out: the program's return value */
	__u32 duration;			/* out: average ns per run */
};

/* BPF_PROG_TEST_RUN: run a program once (or repeat times) on a buffer. */
int bl_sys_prog_test_run(int prog_fd, struct bl_test_run_opts *opts);

/* BPF_ENABLE_STATS: returns a fd; run_time_ns and run_cnt in
 * bpf_prog_info are counted while it stays open. */
int bl_sys_enable_stats(__u32 type);

/* ---- perf events and ioctls -------------------------------------------- */

/* perf_event_open(2): returns the event fd. */
int bl_sys_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu,
			   int group_fd, unsigned long flags);
/* ioctl(2) on a perf event fd: PERF_EVENT_IOC_SET_BPF, _ENABLE, _DISABLE.
 * Returns 0 or -errno. */
int bl_sys_perf_ioctl(int fd, unsigned long request, unsigned long arg);

/* ---- trace mode -------------------------------------------------------- */

/*
 * Tracing prints every system call the library makes.  It is off until
 * bl_trace_set() is called or BPFLOAD_TRACE is set in the environment
 * (BPFLOAD_TRACE=1 prints to stderr; any other value is a file to
 * append to; empty or 0 leaves it off).  This is the library's one process-wide setting, like
 * strace's: it is explicit and read only by the tracing code.
 */
void bl_trace_set(FILE *out);
int bl_trace_enabled(void);
/* Print one line in the trace for a call not made through bl_sys_*
 * (writes to tracefs, netlink messages, setsockopt, mmap).  The result is
 * decoded like the bpf() results: >= 0 printed as is, < 0 as an errno. */
void bl_trace_call(long result, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Names for the numbers in the ABI, for messages and the trace
 * ("BPF_MAP_TYPE_HASH" etc.).  Unknown values give NULL. */
const char *bl_cmd_name(__u32 cmd);
const char *bl_map_type_name(__u32 type);
const char *bl_prog_type_name(__u32 type);
const char *bl_attach_type_name(__u32 type);
const char *bl_link_type_name(__u32 type);
/* "EPERM" for EPERM (positive or negative), NULL if unknown. */
const char *bl_errno_symbol(int err);

/*
 * Library-internal, never exported: the hooks through which sys.c hands
 * each finished call to the trace (trace.c).  ret is the wrapper's
 * result, >= 0 or -errno.  They return at once when tracing is off and
 * leave errno as they found it.
 */
/* in: the attr as the caller filled it (NULL if not kept); out: as the
 * kernel left it.  Both are copies of at most size bytes. */
__attribute__((visibility("hidden")))
void bl_trace_bpf(int cmd, const union bpf_attr *in, const union bpf_attr *out,
		  unsigned int size, long ret);
__attribute__((visibility("hidden")))
void bl_trace_perf_event_open(const struct perf_event_attr *attr, pid_t pid,
			      int cpu, int group_fd, unsigned long flags, long ret);
__attribute__((visibility("hidden")))
void bl_trace_perf_ioctl(int fd, unsigned long request, unsigned long arg, long ret);

#ifdef __cplusplus
}
#endif
#endif /* BPFLOAD_SYS_H */
