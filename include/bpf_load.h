/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bpf_load.h - the old samples/bpf loader interface, on top of bpfload.
 *
 * The kernel's samples/bpf used to share one loader, bpf_load.c, through
 * a handful of global arrays: a sample called load_bpf_file("x_kern.o")
 * and then used map_fd[0], prog_fd[1], event_fd[0] directly.  This header
 * keeps that interface so that such an old *_user.c builds unchanged (it
 * includes "bpf_load.h" and links with -lbpfload -lelf -lz -lpthread).  It is the
 * one part of bpfload with global state; new code should use <bpfload.h>
 * and <bpfload/attach.h>, which have none.
 *
 * What each old name means here, in terms of the modern API:
 *
 *   load_bpf_file(path)    bl_object_open(path) + bl_object_load() +
 *                          attach every program as its section says (see
 *                          below).  Returns 0, or 1 on any failure, after
 *                          printing why (stdout: the old line
 *                          "bpf_load_program() err=N" and the verifier log,
 *                          as the old loader printed them; stderr: one line
 *                          naming the object, program and section, the
 *                          errno and what to do).  A failed call is all or
 *                          nothing: what it loaded or attached is released
 *                          again and the globals are as they were before it.
 *                          The old loader also failed the whole load when
 *                          one attach failed (a kprobe on a kernel without
 *                          kprobes, say); so does this one.
 *   map_fd[i]              bl_map_fd() of map i: the maps of the legacy
 *                          "maps" section in the order of their offsets
 *                          (the old loader's order), then BTF-defined maps
 *                          and global data maps in object order.
 *   map_data[i]            the same map: .fd, .name (bl_map_name()),
 *                          .elf_offset (offset of its definition in
 *                          "maps"), .def (type, sizes, max_entries, flags,
 *                          inner_map_idx, numa_node).  map_data_count maps.
 *   prog_fd[i]             bl_program_fd() of the i-th program loaded, in
 *                          the object's order (section order); prog_cnt of
 *                          them.  Like the old loader, a second
 *                          load_bpf_file() appends to prog_fd[] and starts
 *                          map_fd[] afresh.
 *   event_fd[i]            what holds program i's attachment: the perf
 *                          event fd for kprobe/, kretprobe/ and
 *                          tracepoint/ (as in the old loader, so
 *                          PERF_EVENT_IOC_* ioctls work on it; on kernels
 *                          with perf links the library holds a bpf link
 *                          on it as well), the BPF_RAW_TRACEPOINT_OPEN fd for
 *                          raw_tracepoint/, else -1.  Do not close it: the
 *                          library owns it.
 *   bpf_log_buf            after a failed load, the verifier's log of the
 *                          program that failed (bl_program_log()), NUL
 *                          terminated; empty otherwise.
 *   read_trace_pipe()      print bpf_printk() output (trace_pipe, through
 *                          bl_trace_pipe_open()/bl_trace_pipe_run()) on
 *                          stdout, line by line, forever: until a signal
 *                          ends the process (SIGINT/SIGTERM with their
 *                          default action, or a handler that exits).
 *                          Returns at once only if trace_pipe cannot be
 *                          opened (the reason goes to stderr).
 *
 * Sections, the old way (bl_program_attach() does the attaching, so the
 * library's fallbacks apply: kprobe PMU or tracefs kprobe_events, bpf
 * links or PERF_EVENT_IOC_SET_BPF):
 *
 *   kprobe/FUNC, kretprobe/FUNC    attached (FUNC "sys_NAME" is resolved
 *                                  to the kernel's syscall entry symbol)
 *   tracepoint/CAT/NAME            attached
 *   raw_tracepoint/NAME            attached
 *   kprobe/N, kretprobe/N,         not attached: the program goes into
 *   tracepoint/N, socket/N         slot N of the object's (last)
 *                                  BPF_MAP_TYPE_PROG_ARRAY, for tail calls
 *   socket*, xdp*, perf_event,     loaded, not attached: the sample
 *   cgroup/skb, cgroup/sock,       attaches prog_fd[i] itself (setsockopt,
 *   sockops, sk_skb*, sk_msg       bpf_set_link_xdp_fd(), perf_event_open,
 *                                  bpf_prog_attach ...)
 *   other sections bpfload knows   loaded; attached when the name says
 *   (tp/, raw_tp/, uprobe/P:F ...) where (bl_object_attach_all() rules)
 *   sections of no known type      skipped, as the old loader skipped them
 *
 * Everything stays loaded and attached until the process exits (the
 * kernel then releases it; bpfload's exit and SIGINT/SIGTERM handling
 * removes the legacy tracefs probe events it made).
 *
 * The old samples also used the fd-based wrappers of samples/bpf/libbpf.h
 * (later tools/lib/bpf/bpf.h): bpf_map_lookup_elem(fd, key, value) and
 * friends.  They are defined below as static inline functions over
 * bpfload's syscall layer, with the old convention: 0 (or a fd) on
 * success, -1 with errno set on failure.
 */
#ifndef BPFLOAD_BPF_LOAD_H
#define BPFLOAD_BPF_LOAD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <bpfload/sys.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Sizes of the global arrays (the old loader's values). */
#define MAX_MAPS		32
#define MAX_PROGS		32

/* bpf_log_buf's size: libbpf's value, 16 MiB - 1. */
#ifndef BPF_LOG_BUF_SIZE
#define BPF_LOG_BUF_SIZE	(UINT32_MAX >> 8)
#endif

/* Where the old samples found tracefs (trace_pipe, kprobe_events).  The
 * old loader used the debugfs path; tracefs's own mount point works on
 * every kernel since 4.1, and bpfload mounts tracefs there if needed. */
#ifndef DEBUGFS
#define DEBUGFS			"/sys/kernel/tracing/"
#endif

/* A legacy map definition as the old loader read it (the 28-byte layout;
 * 20-byte definitions leave the last two fields 0). */
struct bpf_load_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
	unsigned int inner_map_idx;
	unsigned int numa_node;
};

struct bpf_map_data {
	int fd;
	char *name;
	size_t elf_offset;
	struct bpf_load_map_def def;
};

/*
 * Called for each map before it is created: it may change map->def (a
 * different max_entries, say), or set map->fd to a map of its own to use
 * instead of creating one (the library keeps a dup of that fd).  idx is
 * the map's index in map_fd[].
 */
typedef void (*fixup_map_cb)(struct bpf_map_data *map, int idx);

extern int map_fd[MAX_MAPS];
extern struct bpf_map_data map_data[MAX_MAPS];
extern int map_data_count;
extern int prog_fd[MAX_PROGS];
extern int event_fd[MAX_PROGS];
extern int prog_cnt;
extern char bpf_log_buf[BPF_LOG_BUF_SIZE];

int load_bpf_file(char *path);
int load_bpf_file_fixup_map(const char *path, fixup_map_cb fixup_map);
void read_trace_pipe(void);

/* Attach (fd >= 0) or remove (fd -1) the XDP program of a device over
 * rtnetlink, as the old loader did.  flags: XDP_FLAGS_*.  Returns 0 or a
 * negative errno (errno is set as well). */
int bpf_set_link_xdp_fd(int ifindex, int fd, __u32 flags);

/* ---- the old fd-based wrappers (samples/bpf/libbpf.h) ------------------- */

static inline int bpf_load_ret_(int ret)
{
	return ret < 0 ? -1 : ret;	/* errno is already set */
}

static inline int bpf_map_lookup_elem(int fd, const void *key, void *value)
{
	return bpf_load_ret_(bl_sys_map_lookup_elem(fd, key, value, 0));
}

static inline int bpf_map_update_elem(int fd, const void *key, const void *value,
				      __u64 flags)
{
	return bpf_load_ret_(bl_sys_map_update_elem(fd, key, value, flags));
}

static inline int bpf_map_delete_elem(int fd, const void *key)
{
	return bpf_load_ret_(bl_sys_map_delete_elem(fd, key));
}

/* key NULL (or a key not in the map) gives the first key. */
static inline int bpf_map_get_next_key(int fd, const void *key, void *next_key)
{
	return bpf_load_ret_(bl_sys_map_get_next_key(fd, key, next_key));
}

static inline int bpf_create_map(enum bpf_map_type map_type, int key_size, int value_size,
				 int max_entries, __u32 map_flags)
{
	struct bl_map_create_opts o;

	memset(&o, 0, sizeof(o));
	o.map_flags = map_flags;
	return bpf_load_ret_(bl_sys_map_create(map_type, NULL, key_size, value_size,
					       max_entries, &o));
}

static inline int bpf_obj_pin(int fd, const char *pathname)
{
	return bpf_load_ret_(bl_sys_obj_pin(fd, pathname));
}

static inline int bpf_obj_get(const char *pathname)
{
	return bpf_load_ret_(bl_sys_obj_get(pathname, 0));
}

static inline int bpf_prog_attach(int prog, int target_fd, enum bpf_attach_type type,
				  unsigned int flags)
{
	return bpf_load_ret_(bl_sys_prog_attach(prog, target_fd, type, flags, 0));
}

static inline int bpf_prog_detach(int target_fd, enum bpf_attach_type type)
{
	return bpf_load_ret_(bl_sys_prog_detach(0, target_fd, type));
}

static inline int bpf_prog_detach2(int prog, int target_fd, enum bpf_attach_type type)
{
	return bpf_load_ret_(bl_sys_prog_detach(prog, target_fd, type));
}

#ifdef __cplusplus
}
#endif
#endif /* BPFLOAD_BPF_LOAD_H */
