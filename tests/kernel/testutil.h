/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * testutil.h - helpers shared by the kernel tests (tests/kernel/t_*.c).
 *
 * The Makefile links every non-t_ .c file of tests/kernel/ into each
 * kernel test, so these helpers are compiled once per test program.
 * They never print TAP lines themselves (tap.h keeps its counters per
 * translation unit): they return values and reasons, and the tests
 * decide what is a pass, a failure or a skip.
 */
#ifndef BPFLOAD_TESTS_TESTUTIL_H
#define BPFLOAD_TESTS_TESTUTIL_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <sys/types.h>
#include <bpfload/uapi.h>

#define TU_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define TU_BPFFS	"/sys/fs/bpf"
#define TU_TRACEFS	"/sys/kernel/tracing"

struct bl_object;
struct bl_program;

/*
 * Path of test object NAME ("globals" or "globals.o"): in
 * $BPFLOAD_TEST_OBJS if set; else next to the running test program if it
 * is there (the VM guests ship everything to /t/), else in ../objs from
 * it (build/tests/kernel -> build/tests/objs); else build/tests/objs
 * (from the repository root).  The result lives in one of a few rotating
 * static buffers: copy it if you keep it long.
 */
const char *tu_obj_path(const char *name);

/* tu_obj_path(name) if that file is there, else NAME.o in the current
 * directory (a VM guest's /t).  Rotating static buffers too. */
const char *tu_obj_path_or_cwd(const char *name);

/*
 * NULL when this process may use bpf() (root, and a map can be created),
 * else the reason to skip, for tap_skip_all().
 */
const char *tu_bpf_unavailable(void);

/* As tu_bpf_unavailable(), and the reason to skip when test object name
 * is not built. */
const char *tu_unavailable(const char *name);

/* Mount bpffs / tracefs at their usual places if they are not there.
 * 0 or -errno.  The mounts are left in place (other tests share them). */
int tu_ensure_bpffs(void);
int tu_ensure_tracefs(void);

/* A private directory on bpffs, TU_BPFFS "/bpfload-test-<pid>-<tag>", made
 * afresh (any leftover of an earlier run of this pid is removed).
 * Returns 0 or -errno. */
int tu_pin_root_create(char *buf, size_t len, const char *tag);
/* Unlink every entry of dir (pins are plain files there) and rmdir it.
 * Returns 0 or -errno.  An empty or missing path is fine. */
int tu_pin_root_remove(const char *dir);

/* A multi-line message as TAP diagnostics: "# " before every line. */
void tu_diag_lines(const char *msg);

/* Number of open fds of this process (from /proc/self/fd), or -1. */
int tu_count_fds(void);
/* Read a child's one-byte report from fd ('y': it is ready) and close fd. */
bool tu_child_ready(int fd);

/* ---- kernel objects ----------------------------------------------------- */

enum tu_kind { TU_PROG, TU_MAP, TU_BTF, TU_LINK, TU_NR_KINDS };

/* Live kernel objects of each kind, by walking BPF_*_GET_NEXT_ID. */
struct tu_counts {
	unsigned int n[TU_NR_KINDS];	/* how many exist now */
	__u32 max_id[TU_NR_KINDS];	/* highest id seen (0: none) */
};

const char *tu_kind_name(enum tu_kind kind);
/* Fill *c; 0 or -errno. */
int tu_count_objects(struct tu_counts *c);
/* Does the kernel object of this kind and id exist?  1, 0, or -errno.
 * (By walking ids: it opens nothing.) */
int tu_object_exists(enum tu_kind kind, __u32 id);
/* Ids of kind greater than min_id that exist now, into ids[] (at most
 * max); returns how many exist (may exceed max) or -errno. */
int tu_ids_above(enum tu_kind kind, __u32 min_id, __u32 *ids, int max);
/* The kernel name of a program or map by id ("" if it has none); 0 or
 * -errno (-ENOENT when it is gone).  This takes a fd by id: never use it
 * on a map that may be a PROG_ARRAY whose last fd was just closed (see
 * tu_object_exists() in testutil.c: the kernel leaks such a map). */
int tu_object_name(enum tu_kind kind, __u32 id, char *name, size_t len);

/* BPF_OBJ_GET_INFO_BY_FD into a zeroed struct; 0 or -errno. */
int tu_prog_info(int fd, struct bpf_prog_info *info);
int tu_map_info(int fd, struct bpf_map_info *info);
int tu_btf_info(int fd, struct bpf_btf_info *info);
int tu_link_info(int fd, struct bpf_link_info *info);
/* The ids of the maps a program uses (bpf_prog_info.map_ids, asked for
 * with a second get-info call).  Returns the kernel's count (which may
 * exceed max; only max are stored) or -errno. */
int tu_prog_map_ids(int prog_fd, __u32 *ids, __u32 max);
/* The id of the kernel object behind a fd, or 0. */
__u32 tu_prog_id(int fd);
__u32 tu_map_id(int fd);

/* Sort ids ascending (for comparing id sets). */
void tu_sort_ids(__u32 *ids, size_t n);

/* How many links in the kernel have program prog_id (0 if none). */
int tu_links_of(__u32 prog_id);
/* Is program id gone?  The kernel frees programs a little after the
 * last reference goes: this waits up to 2 s for it. */
bool tu_prog_gone(__u32 id);

/* ---- globals of a loaded object ---------------------------------------------- */

/* The __u64 global var of obj; ~0 and a diagnostic ("# cannot read
 * VAR") when it cannot be read. */
__u64 tu_get_u64(struct bl_object *obj, const char *var);
/* Set the __u64 global var of obj (errors are ignored). */
void tu_set_u64(struct bl_object *obj, const char *var, __u64 v);

/*
 * Open test object name, set its __u32 global target_tgid to this
 * process, load it, and find its programs names[0 .. n-1]: each into
 * *progs[i], its id into ids[i].  NULL, with the reason in why ("cannot
 * open NAME.o: ...", "cannot load NAME.o: ...", "NAME.o lacks a
 * program"), when any of that fails.
 */
struct bl_object *tu_load_for_self(const char *name, const char *const *names,
				   struct bl_program **const *progs, __u32 *ids, int n,
				   char *why, size_t len);

/* ---- tracing and running ------------------------------------------------ */

/* Where tracefs is: TU_TRACEFS when tracefs is mounted there, else
 * /sys/kernel/debug/tracing.  Mounts nothing. */
const char *tu_tracefs_dir(void);
/* Append text to tracefs file ("kprobe_events").  0 or -errno. */
int tu_tracefs_write(const char *file, const char *text);
/* How many lines of tracefs FILE ("kprobe_events") contain needle; 0 if
 * it cannot be read. */
int tu_events_with(const char *file, const char *needle);
/* The legacy kprobe and uprobe events made by process pid: lines of
 * kprobe_events and uprobe_events naming "bpfload_<pid>_". */
int tu_events_of(pid_t pid);

/* The id of tracefs event CAT/NAME (events/CAT/NAME/id), or -errno.
 * Mounts tracefs first when needed. */
int tu_tracepoint_id(const char *cat, const char *name);
/*
 * Attach prog_fd to tracepoint CAT/NAME: perf_event_open of the
 * tracepoint (pid -1, cpu 0: a BPF program on a tracepoint runs for every
 * task on every CPU) and BPF_LINK_CREATE(BPF_PERF_EVENT).  Returns the
 * link fd and stores the perf event fd in *perf_fd; -errno on failure
 * (nothing left open).  Close the link first, then the event.
 */
int tu_attach_tracepoint(int prog_fd, const char *cat, const char *name, int *perf_fd);

/* n open() and close() of "/": n calls of do_sys_openat2 to probe.
 * Returns the fd the last open() gave (-1 when n is 0). */
int tu_do_opens(int n);
/* n getpid() system calls (by syscall(2): libc may cache getpid()). */
void tu_do_getpid(int n);

/* CLOCK_MONOTONIC in ns.  (Inline, as tu_pin_cpu(): the benchmarks,
 * which do not link testutil.c, use them too.) */
static inline __u64 tu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

/* Run the calling thread on cpu only. */
static inline void tu_pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* The number of possible CPUs (the size of per-CPU map values). */
int tu_possible_cpus(void);

/*
 * Ethernet + IPv4 + payload frame of total size len (at least 34),
 * IP protocol proto (17 UDP, 6 TCP), between private addresses; with
 * ethertype 0x0806 instead of IPv4 when arp is true.
 */
void tu_make_frame(unsigned char *buf, size_t len, __u8 proto, bool arp);

/* BPF_PROG_TEST_RUN once on data; the program's return value in *retval.
 * 0 or -errno. */
int tu_test_run(int prog_fd, const void *data, __u32 size, __u32 *retval);

/* ---- running a program, reading its output -------------------------------- */

/* A program started by tu_proc_start(), and what it printed so far. */
struct tu_proc {
	const char *name;
	pid_t pid;
	int fd;			/* its stdout and stderr */
	char *out;		/* NUL-terminated; NULL until it prints */
	size_t len, cap;
	bool eof;
};

/* Sleep ms milliseconds (signals do not cut it short). */
void tu_sleep_ms(int ms);
/* Start dir/name with args (NULL-terminated, without argv[0]), its
 * stdout and stderr into a pipe; false if it cannot be started. */
bool tu_proc_start(struct tu_proc *p, const char *dir, const char *name,
		   const char *const *args);
/* Read what it printed, waiting up to ms for more ("Bail out!" and exit
 * when out of memory). */
void tu_proc_pump(struct tu_proc *p, int ms);
/* Until the output contains needle (true), the program ends or ms pass. */
bool tu_proc_wait_for(struct tu_proc *p, const char *needle, int ms);
/* SIGINT, read to the end, reap: the exit status, or -1 if it had to be
 * killed or died of a signal. */
int tu_proc_finish(struct tu_proc *p);
/* Its output (40 lines at most) as diagnostics. */
void tu_proc_show(const struct tu_proc *p);

#endif /* BPFLOAD_TESTS_TESTUTIL_H */
