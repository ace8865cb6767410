// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_attach_trace.c - tracepoints, raw tracepoints, tp_btf and perf
 * events, attached for real and counted exactly.
 *
 * The programs (tests/objs/attach_trace.c) count only what this process
 * does (its tgid is written into .rodata before load), so the counts are
 * exact however busy the machine is.  Each attachment is checked from
 * the kernel's side too (link ids and types), and after each detach the
 * test checks that no link of ours is left.  The end checks that the
 * programs themselves are gone once the object is closed.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/attach.h>
#include <bpfload/sys.h>
#include "tap.h"
#include "testutil.h"

#define BPFFS_MAGIC 0xcafe4a11

/* ---- helpers ------------------------------------------------------------ */

static __u32 link_type(int fd)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bl_sys_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.type;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the tests ------------------------------------------------------------ */

static struct bl_object *obj;
static struct bl_program *p_tp, *p_raw, *p_btf, *p_perf;

static void do_getppid(int n)
{
	for (int i = 0; i < n; i++)
		syscall(SYS_getppid);
}

static void do_forks(int n)
{
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
}

static void test_tracepoint_link(void)
{
	struct bl_tracepoint_opts o = { .bpf_cookie = 0xc0ffee };
	struct bl_error err = { 0 };
	struct bl_link *l;

	tu_set_u64(obj, "tp_count", 0);
	l = bl_attach_tracepoint(bl_program_fd(p_tp), "syscalls", "sys_enter_getpid", &o, &err);
	if (!ok(l != NULL, "tracepoint: attach syscalls/sys_enter_getpid")) {
		tap_diag("%s", err.msg);
		return;
	}
	like(bl_link_describe(l), "bpf_link", "tracepoint: default path is a bpf link (%s)",
	     bl_link_describe(l));
	is_int(link_type(bl_link_fd(l)), BPF_LINK_TYPE_PERF_EVENT,
	       "tracepoint: the fd is a perf_event link");
	is_int(tu_links_of(bl_program_id(p_tp)), 1,
	       "tracepoint: the kernel lists one link of the program");
	tu_do_getpid(37);
	is_int(tu_get_u64(obj, "tp_count"), 37, "tracepoint: 37 getpid() counted exactly");
	is_int(tu_get_u64(obj, "tp_cookie"), 0xc0ffee,
	       "tracepoint: the program sees the bpf_cookie");
	is_int(bl_link_detach(l), 0, "tracepoint: detach");
	is_int(tu_links_of(bl_program_id(p_tp)), 0, "tracepoint: no link left");
	tu_do_getpid(5);
	is_int(tu_get_u64(obj, "tp_count"), 37, "tracepoint: nothing counted after detach");
}

static void test_tracepoint_ioctl(void)
{
	struct bl_tracepoint_opts o = { .force_ioctl = true };
	struct bl_error err = { 0 };
	struct bl_link *l;

	tu_set_u64(obj, "tp_count", 0);
	l = bl_attach_tracepoint(bl_program_fd(p_tp), "syscalls", "sys_enter_getpid", &o, &err);
	if (!ok(l != NULL, "tracepoint ioctl: attach with PERF_EVENT_IOC_SET_BPF")) {
		tap_diag("%s", err.msg);
		return;
	}
	like(bl_link_describe(l), "ioctl SET_BPF", "tracepoint ioctl: described (%s)",
	     bl_link_describe(l));
	is_int(link_type(bl_link_fd(l)), 0, "tracepoint ioctl: the fd is a perf event, not a link");
	is_int(tu_links_of(bl_program_id(p_tp)), 0, "tracepoint ioctl: no bpf link in the kernel");
	tu_do_getpid(23);
	is_int(tu_get_u64(obj, "tp_count"), 23, "tracepoint ioctl: 23 getpid() counted exactly");
	is_int(bl_link_detach(l), 0, "tracepoint ioctl: detach");
	tu_do_getpid(4);
	is_int(tu_get_u64(obj, "tp_count"), 23, "tracepoint ioctl: nothing counted after detach");

	o.bpf_cookie = 1;
	l = bl_attach_tracepoint(bl_program_fd(p_tp), "syscalls", "sys_enter_getpid", &o, &err);
	ok(l == NULL && err.err == -EOPNOTSUPP,
	   "tracepoint ioctl: a cookie without a link is refused");
	like(err.msg, "bpf_cookie", "tracepoint ioctl: the message says why");
	bl_link_detach(l);
}

static void test_tracepoint_errors(void)
{
	struct bl_error err = { 0 };
	struct bl_link *l;

	l = bl_attach_tracepoint(bl_program_fd(p_tp), "syscalls", "sys_enter_no_such_call", NULL,
				 &err);
	ok(l == NULL && err.err == -ENOENT, "tracepoint: a missing tracepoint is -ENOENT");
	like(err.msg, "does not exist", "tracepoint: the message says it does not exist");
	bl_link_detach(l);
	l = bl_attach_tracepoint(bl_program_fd(p_tp), "..", "x", NULL, &err);
	ok(l == NULL && err.err == -EINVAL, "tracepoint: '..' is refused");
	bl_link_detach(l);
	l = bl_attach_tracepoint(bl_program_fd(p_raw), "syscalls", "sys_enter_getpid", NULL, &err);
	ok(l == NULL, "tracepoint: a raw_tp program does not attach to a tracepoint");
	like(err.msg, "program type", "tracepoint: the message names the program type (%s)",
	     err.msg);
	bl_link_detach(l);
	is_int(tu_links_of(bl_program_id(p_raw)), 0, "tracepoint: the failed attach left no link");
}

static void test_raw_tp(void)
{
	struct bl_error err = { 0 };
	struct bl_link *l;

	tu_set_u64(obj, "raw_count", 0);
	l = bl_attach_raw_tracepoint(bl_program_fd(p_raw), "sys_enter", &err);
	if (!ok(l != NULL, "raw_tp: attach sys_enter")) {
		tap_diag("%s", err.msg);
		return;
	}
	is_int(link_type(bl_link_fd(l)), BPF_LINK_TYPE_RAW_TRACEPOINT,
	       "raw_tp: the fd is a raw_tracepoint link");
	do_getppid(41);
	is_int(tu_get_u64(obj, "raw_count"), 41, "raw_tp: 41 getppid() counted exactly");
	is_int(bl_link_detach(l), 0, "raw_tp: detach");
	is_int(tu_links_of(bl_program_id(p_raw)), 0, "raw_tp: no link left");
	do_getppid(3);
	is_int(tu_get_u64(obj, "raw_count"), 41, "raw_tp: nothing counted after detach");

	l = bl_attach_raw_tracepoint(bl_program_fd(p_raw), "no_such_tracepoint_bpfload", &err);
	ok(l == NULL && err.err == -ENOENT, "raw_tp: a missing tracepoint is -ENOENT");
	like(err.msg, "no tracepoint of that name", "raw_tp: the message says so");
	bl_link_detach(l);
}

static void test_tp_btf(void)
{
	struct bl_error err = { 0 };
	struct bl_link *l;

	tu_set_u64(obj, "btf_count", 0);
	l = bl_program_attach(p_btf, &err);
	if (!ok(l != NULL, "tp_btf: attach sched_process_fork from the section name")) {
		tap_diag("%s", err.msg);
		return;
	}
	like(bl_link_describe(l), "tp_btf sched_process_fork", "tp_btf: described (%s)",
	     bl_link_describe(l));
	is_int(link_type(bl_link_fd(l)), BPF_LINK_TYPE_RAW_TRACEPOINT,
	       "tp_btf: the fd is a raw_tracepoint link");
	do_forks(9);
	is_int(tu_get_u64(obj, "btf_count"), 9, "tp_btf: 9 forks counted exactly");
	/* stays attached: attach_all must skip it */
}

static void test_attach_all(void)
{
	struct bl_error err = { 0 };
	int n;

	tu_set_u64(obj, "tp_count", 0);
	tu_set_u64(obj, "raw_count", 0);
	tu_set_u64(obj, "btf_count", 0);
	n = bl_object_attach_all(obj, &err);
	is_int(n, 2,
	       "attach_all: tp and raw_tp attached (tp_btf was already, perf_event cannot be)");
	if (n < 0)
		tap_diag("%s", err.msg);
	is_int(bl_object_attach_all(obj, &err), 0, "attach_all: a second call attaches nothing");
	tu_do_getpid(11);
	do_getppid(12);
	do_forks(3);
	is_int(tu_get_u64(obj, "tp_count"), 11, "attach_all: tracepoint counts 11");
	is_int(tu_get_u64(obj, "raw_count"), 12, "attach_all: raw_tp counts 12");
	is_int(tu_get_u64(obj, "btf_count"), 3, "attach_all: tp_btf counts 3");
	is_int(tu_links_of(bl_program_id(p_tp)) + tu_links_of(bl_program_id(p_raw)) +
	       tu_links_of(bl_program_id(p_btf)), 3, "attach_all: three links in the kernel");
	is_int(bl_object_detach_all(obj), 0, "detach_all");
	is_int(tu_links_of(bl_program_id(p_tp)) + tu_links_of(bl_program_id(p_raw)) +
	       tu_links_of(bl_program_id(p_btf)), 0, "detach_all: no link left");
	tu_do_getpid(2);
	is_int(tu_get_u64(obj, "tp_count"), 11,
	       "detach_all: programs stay loaded but count nothing");
	ok(bl_program_fd(p_tp) >= 0, "detach_all: the program is still loaded");
}

static void test_refusals(void)
{
	struct bl_error err = { 0 };
	struct bl_link *l = bl_program_attach(p_perf, &err);

	ok(l == NULL && err.err == -EOPNOTSUPP, "perf_event section: refused from its name");
	like(err.msg, "bl_attach_perf_event(",
	     "perf_event section: the message names the function");
	bl_link_detach(l);
}

static int count_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	return CPU_COUNT(&set);
}

/* Keep each CPU busy for a while so cpu-clock samples land everywhere. */
static void spin_on_each_cpu(void)
{
	cpu_set_t old, one;

	sched_getaffinity(0, sizeof(old), &old);
	for (int c = 0; c < CPU_SETSIZE; c++) {
		double t;

		if (!CPU_ISSET(c, &old))
			continue;
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			continue;
		t = now();
		while (now() - t < 0.1)
			;
	}
	sched_setaffinity(0, sizeof(old), &old);
}

static void check_perf_counts(const char *what)
{
	__u64 counts[64];
	cpu_set_t set;
	int good = 0, cpus = 0;

	memset(counts, 0, sizeof(counts));
	bl_object_get_global(obj, "perf_count", counts, sizeof(counts));
	sched_getaffinity(0, sizeof(set), &set);
	for (int c = 0; c < 64; c++) {
		if (!CPU_ISSET(c, &set))
			continue;
		cpus++;
		good += counts[c] > 0;
		if (!counts[c])
			tap_diag("no sample on CPU %d", c);
	}
	is_int(good, cpus, "%s: samples on each of the %d CPUs", what, cpus);
}

static void test_perf_event(void)
{
	struct bl_perf_event_opts o = { .sample_freq = 1000 };
	struct bl_error err = { 0 };
	__u64 zero[64] = { 0 };
	struct bl_link *l;
	int cpus = count_cpus(), distinct = 1, links = 0;

	bl_object_set_global(obj, "perf_count", zero, sizeof(zero));
	l = bl_attach_perf_event(bl_program_fd(p_perf), PERF_TYPE_SOFTWARE,
				 PERF_COUNT_SW_CPU_CLOCK, &o, &err);
	if (!ok(l != NULL, "perf_event: cpu-clock at 1000 Hz on every CPU")) {
		tap_diag("%s", err.msg);
		return;
	}
	tap_diag("%s", bl_link_describe(l));
	is_int(bl_link_fd_count(l), cpus, "perf_event: one fd per CPU (%d)", cpus);
	for (size_t i = 0; i < bl_link_fd_count(l); i++) {
		links += link_type(bl_link_fd_at(l, i)) == BPF_LINK_TYPE_PERF_EVENT;
		for (size_t j = 0; j < i; j++)
			distinct &= bl_link_fd_at(l, i) != bl_link_fd_at(l, j);
	}
	ok(distinct, "perf_event: the fds are distinct");
	is_int(links, cpus, "perf_event: each one is a perf_event bpf link");
	is_int(tu_links_of(bl_program_id(p_perf)), cpus, "perf_event: the kernel lists %d links",
	       cpus);
	spin_on_each_cpu();
	check_perf_counts("perf_event");
	is_int(bl_link_detach(l), 0, "perf_event: detach");
	is_int(tu_links_of(bl_program_id(p_perf)), 0, "perf_event: no link left");

	bl_object_set_global(obj, "perf_count", zero, sizeof(zero));
	o.force_ioctl = true;
	o.sample_freq = 0;
	o.sample_period = 100000;	/* ns of cpu-clock: 10 kHz */
	l = bl_attach_perf_event(bl_program_fd(p_perf), PERF_TYPE_SOFTWARE,
				 PERF_COUNT_SW_CPU_CLOCK, &o, &err);
	if (!ok(l != NULL, "perf_event ioctl: attach with a period")) {
		tap_diag("%s", err.msg);
		return;
	}
	like(bl_link_describe(l), "ioctl", "perf_event ioctl: described (%s)", bl_link_describe(l));
	is_int(bl_link_fd_count(l), cpus, "perf_event ioctl: one perf fd per CPU");
	spin_on_each_cpu();
	check_perf_counts("perf_event ioctl");
	is_int(bl_link_detach(l), 0, "perf_event ioctl: detach");

	o.sample_period = 0;
	l = bl_attach_perf_event(bl_program_fd(p_perf), PERF_TYPE_SOFTWARE,
				 PERF_COUNT_SW_CPU_CLOCK, &o, &err);
	ok(l == NULL && err.err == -EINVAL, "perf_event: no rate given is refused");
	bl_link_detach(l);
}

static bool bpffs_ready(void)
{
	struct statfs st;

	if (!statfs("/sys/fs/bpf", &st) && (unsigned long)st.f_type == BPFFS_MAGIC)
		return true;
	/* like t_sys: mount it if missing, and leave it for other tests */
	return !mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL);
}

static void test_pin(void)
{
	struct bl_error err = { 0 };
	struct bl_link *l;
	char path[128];
	__u32 id = 0;

	if (!bpffs_ready()) {
		tap_skip("pin: a pinned raw_tp link outlives detach", "no bpffs at /sys/fs/bpf");
		return;
	}
	snprintf(path, sizeof(path), "/sys/fs/bpf/bpfload-t-attach-%d", (int)getpid());
	tu_set_u64(obj, "raw_count", 0);
	l = bl_attach_raw_tracepoint(bl_program_fd(p_raw), "sys_enter", &err);
	if (!ok(l != NULL, "pin: attach raw_tp")) {
		tap_diag("%s", err.msg);
		return;
	}
	is_int(bl_link_pin(l, path, &err), 0, "pin: pin the link at %s", path);
	like(bl_link_describe(l), "pinned at", "pin: described (%s)", bl_link_describe(l));
	bl_link_detach(l);
	do_getppid(6);
	is_int(tu_get_u64(obj, "raw_count"), 6, "pin: the pinned link still runs after detach");
	is_int(tu_links_of(bl_program_id(p_raw)), 1, "pin: the kernel still has the link");
	unlink(path);
	(void)id;
	for (int i = 0; i < 100 && tu_links_of(bl_program_id(p_raw)); i++)
		usleep(10000);
	is_int(tu_links_of(bl_program_id(p_raw)), 0, "pin: unlinking the pin releases it");

	l = bl_attach_tracepoint(bl_program_fd(p_tp), "syscalls", "sys_enter_getpid",
				 &(struct bl_tracepoint_opts){ .force_ioctl = true }, &err);
	if (l) {
		ok(bl_link_pin(l, path, &err) == -EOPNOTSUPP,
		   "pin: an ioctl attachment cannot be pinned");
		like(err.msg, "only a single bpf link", "pin: the message says why");
		bl_link_detach(l);
	}
}

/* Detach 32 tracepoints one after the other, then 32 concurrently. */
static void test_parallel_detach(void)
{
	struct bl_error err = { 0 };
	struct bl_object *many = bl_object_open(tu_obj_path("attach_many"), NULL, &err);
	struct bl_link *links[32];
	double t, serial, parallel;
	int n = 0;

	if (!many || bl_object_load(many, NULL)) {
		ok(0, "teardown: load attach_many");
		tap_diag("%s", many ? bl_object_error(many) : err.msg);
		bl_object_close(many);
		return;
	}
	for (int i = 0; i < 32; i++)
		n += !!(links[i] = bl_program_attach(bl_object_program(many, i), &err));
	is_int(n, 32, "teardown: 32 tracepoints attached");
	t = now();
	for (int i = 0; i < 32; i++)
		bl_link_detach(links[i]);
	serial = now() - t;
	n = 0;
	for (int i = 0; i < 32; i++)
		n += !!bl_program_attach(bl_object_program(many, i), &err);
	is_int(n, 32, "teardown: 32 attached again");
	t = now();
	is_int(bl_object_detach_all(many), 0, "teardown: detach_all");
	parallel = now() - t;
	/* times are for make bench (attach_bench); here only a diagnostic */
	tap_diag("32 tracepoints: serial detach %.3f s, parallel %.3f s", serial, parallel);
	n = 0;
	for (int i = 0; i < 32; i++)
		n += tu_links_of(bl_program_id(bl_object_program(many, i)));
	is_int(n, 0, "teardown: no link left");
	bl_object_close(many);
}

/*
 * 64 programs on one tracepoint, the kernel's most (BPF_TRACE_MAX_PROGS):
 * each gets its own link; a 65th is refused with E2BIG and a message that
 * says why; bl_links_detach() takes all 64 down from its threads.
 */
static void test_one_tracepoint(void)
{
	struct bl_error err = { 0 };
	struct bl_object *many = bl_object_open(tu_obj_path("attach_many"), NULL, &err);
	struct bl_link *links[64], *extra;
	int n = 0, linked = 0;

	if (!many || bl_object_load(many, NULL)) {
		ok(0, "one tracepoint: load attach_many");
		tap_diag("%s", many ? bl_object_error(many) : err.msg);
		bl_object_close(many);
		return;
	}
	for (int i = 0; i < 64; i++) {
		links[i] = bl_attach_tracepoint(bl_program_fd(bl_object_program(many, i)),
						"syscalls", "sys_enter_getpid", NULL, &err);
		n += links[i] != NULL;
		linked += tu_links_of(bl_program_id(bl_object_program(many, i)));
	}
	is_int(n, 64, "one tracepoint: 64 programs attached to syscalls/sys_enter_getpid");
	is_int(linked, 64, "one tracepoint: the kernel lists a link for each");
	extra = bl_attach_tracepoint(bl_program_fd(bl_object_program(many, 64)), "syscalls",
				     "sys_enter_getpid", NULL, &err);
	ok(!extra && err.err == -E2BIG && strstr(err.msg, "at most 64 BPF programs") &&
	   strstr(err.msg, "BPF_TRACE_MAX_PROGS"), "one tracepoint: a 65th is refused: E2BIG,"
	   " at most 64 (BPF_TRACE_MAX_PROGS)");
	if (extra)
		bl_link_detach(extra);
	else
		tap_diag("%s", err.msg);
	is_int(bl_links_detach(links, 64), 0, "one tracepoint: bl_links_detach of all 64");
	linked = 0;
	for (int i = 0; i < 65; i++)
		linked += tu_links_of(bl_program_id(bl_object_program(many, i)));
	is_int(linked, 0, "one tracepoint: no link left");
	bl_object_close(many);
}

int main(void)
{
	struct bl_error err = { 0 };
	__u32 ids[4];
	__u32 tgid = getpid();
	__u64 nr = SYS_getppid;

	if (geteuid())
		tap_skip_all("needs root");
	obj = bl_object_open(tu_obj_path("attach_trace"), NULL, &err);
	if (!obj)
		tap_bail("cannot open attach_trace.o: %s", err.msg);
	bl_object_set_global(obj, "target_tgid", &tgid, sizeof(tgid));
	bl_object_set_global(obj, "target_nr", &nr, sizeof(nr));
	if (bl_object_load(obj, NULL))
		tap_bail("cannot load attach_trace.o: %s", bl_object_error(obj));
	p_tp = bl_object_find_program(obj, "tp_getpid");
	p_raw = bl_object_find_program(obj, "raw_enter");
	p_btf = bl_object_find_program(obj, "btf_fork");
	p_perf = bl_object_find_program(obj, "on_sample");
	if (!p_tp || !p_raw || !p_btf || !p_perf)
		tap_bail("attach_trace.o lacks a program");
	ids[0] = bl_program_id(p_tp);
	ids[1] = bl_program_id(p_raw);
	ids[2] = bl_program_id(p_btf);
	ids[3] = bl_program_id(p_perf);

	test_tracepoint_link();
	test_tracepoint_ioctl();
	test_tracepoint_errors();
	test_raw_tp();
	test_tp_btf();
	test_attach_all();
	test_refusals();
	test_perf_event();
	test_pin();
	test_parallel_detach();
	test_one_tracepoint();

	/* one link left on purpose: close must detach it */
	ok(bl_program_attach(p_raw, &err) != NULL, "close: attach raw_tp and leave it");
	bl_object_close(obj);
	for (int i = 0; i < 4; i++) {
		is_int(tu_links_of(ids[i]), 0, "close: no link of program %u left", ids[i]);
		ok(tu_prog_gone(ids[i]), "close: program %u is gone from the kernel", ids[i]);
	}
	return tap_done();
}
