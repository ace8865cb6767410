// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_getpid.c - a loaded program really runs: tests/objs/globals.o on the
 * syscalls/sys_enter_getpid tracepoint counts exactly our calls.
 *
 * The object's .rodata target_pid is set to our pid before load, the
 * program is attached by hand with the raw wrappers (perf_event_open of
 * the tracepoint, then BPF_LINK_CREATE(BPF_PERF_EVENT) in one round and
 * PERF_EVENT_IOC_SET_BPF + ENABLE in the other), getpid() is called an
 * exact number of times (syscall(SYS_getpid): no libc caching), and every
 * value documented in globals.c is read back, both with
 * bl_object_get_global() and through the mmap'ed .bss/.data pointers:
 *
 *   getpid_calls = N, static_calls = N, data_calls = 100 + N,
 *   weighted_calls = N * weight, last_tag = "getpid",
 *   prime_sum = 17 * (N / 4) + (0, 2, 5, 10)[N % 4].
 *
 * A thread of ours is counted (same tgid); a forked child is not; after
 * detaching nothing more is counted.  Nothing in this process may call
 * getpid() while the program is attached except the counted calls.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/perf_event.h>

#include <bpfload.h>
#include <bpfload/sys.h>
#include "tap.h"
#include "testutil.h"

/* .bss of globals.o, as laid out by clang (see globals.c) */
struct globals_bss {
	__u64 getpid_calls;
	__u64 weighted_calls;
	__u64 static_calls;
	__u64 prime_sum;
	char last_tag[8];
};

static void call_getpid(int n)
{
	for (int i = 0; i < n; i++)
		syscall(SYS_getpid);
}

static void *thread_fn(void *arg)
{
	call_getpid((int)(long)arg);
	return NULL;
}

static __u64 prime_sum(__u64 n)
{
	static const __u64 part[4] = { 0, 2, 5, 10 };

	return 17 * (n / 4) + part[n % 4];
}

/* Every documented value, through get_global and through the pointers. */
static void check_counters(struct bl_object *obj, const char *r, __u64 n, __u32 weight)
{
	struct bl_map *bss = bl_object_find_map(obj, ".bss");
	struct bl_map *data = bl_object_find_map(obj, ".data");
	const struct globals_bss *b;
	const __u64 *d;
	__u64 v[5] = { 0 };
	int err[6];
	char tag[8] = "";
	size_t size;

	/* read everything first: the arguments of ok() have no order */
	err[0] = bl_object_get_global(obj, "getpid_calls", &v[0], 8);
	err[1] = bl_object_get_global(obj, "static_calls", &v[1], 8);
	err[2] = bl_object_get_global(obj, "data_calls", &v[2], 8);
	err[3] = bl_object_get_global(obj, "weighted_calls", &v[3], 8);
	err[4] = bl_object_get_global(obj, "prime_sum", &v[4], 8);
	err[5] = bl_object_get_global(obj, "last_tag", tag, 8);
	ok(!err[0] && v[0] == n, "%s: getpid_calls = %llu (get_global: %llu)", r,
	   (unsigned long long)n, (unsigned long long)v[0]);
	ok(!err[1] && v[1] == n, "%s: static_calls = %llu (get_global: %llu)", r,
	   (unsigned long long)n, (unsigned long long)v[1]);
	ok(!err[2] && v[2] == 100 + n, "%s: data_calls = 100 + %llu (get_global: %llu)", r,
	   (unsigned long long)n, (unsigned long long)v[2]);
	ok(!err[3] && v[3] == n * weight, "%s: weighted_calls = %llu * %u (get_global: %llu)",
	   r, (unsigned long long)n, weight, (unsigned long long)v[3]);
	ok(!err[4] && v[4] == prime_sum(n), "%s: prime_sum = %llu (get_global: %llu)", r,
	   (unsigned long long)prime_sum(n), (unsigned long long)v[4]);
	ok(!err[5] && !memcmp(tag, n ? "getpid\0" : "\0\0\0\0\0\0\0", 8),
	   "%s: last_tag = \"%s\" (get_global: \"%.8s\")", r, n ? "getpid" : "", tag);

	b = bss ? bl_map_data(bss, &size) : NULL;
	if (ok(b && size == sizeof(*b), "%s: .bss mmap'ed (%zu bytes)", r,
	       b ? size : (size_t)0)) {
		ok(b->getpid_calls == n && b->static_calls == n &&
		   b->weighted_calls == n * weight && b->prime_sum == prime_sum(n) &&
		   !memcmp(b->last_tag, n ? "getpid\0" : "\0\0\0\0\0\0\0", 8),
		   "%s: the same values through the .bss pointer (%llu %llu %llu %llu \"%.8s\")",
		   r, (unsigned long long)b->getpid_calls,
		   (unsigned long long)b->weighted_calls,
		   (unsigned long long)b->static_calls, (unsigned long long)b->prime_sum,
		   b->last_tag);
	}
	d = data ? bl_map_data(data, &size) : NULL;
	if (ok(d && size == 8, "%s: .data mmap'ed", r))
		ok(*d == 100 + n, "%s: data_calls = %llu through the .data pointer", r,
		   (unsigned long long)*d);
}

/* The perf event fd carries our program on the tracepoint. */
static void check_query(int pid, int pfd, __u32 prog_id, const char *r)
{
	struct bl_task_fd_query q = { 0 };
	char buf[64] = "";
	__u32 len = sizeof(buf);
	/* pid: not getpid() here, which the program would count */
	int err = bl_sys_task_fd_query(pid, pfd, buf, &len, &q);

	is_int(err, 0, "%s: BPF_TASK_FD_QUERY on the perf event", r);
	ok(!err && q.prog_id == prog_id && q.fd_type == BPF_FD_TYPE_TRACEPOINT &&
	   !strcmp(buf, "sys_enter_getpid"),
	   "%s: it holds program %u on tracepoint %s (type %u)", r, q.prog_id, buf, q.fd_type);
}

/*
 * One round: load globals.o for our pid (and weight, when not 0), attach
 * with a link or with the ioctls, call getpid n1 times here and n2 times
 * in a thread, check, fork a child that calls it too, check again,
 * detach, call again, check again.
 */
static void run_round(const char *r, bool use_link, int n1, int n2, __u32 weight)
{
	struct perf_event_attr attr;
	struct bl_error e = { 0 };
	struct bl_object *obj;
	struct bl_program *prog;
	struct bpf_link_info li;
	pthread_t th;
	pid_t child;
	__u64 n = n1 + n2;
	int pid = getpid(), status, id, pfd, link = -1, err, fds = tu_count_fds();

	obj = bl_object_open(tu_obj_path("globals"), NULL, &e);
	if (!ok(obj != NULL, "%s: open globals.o", r)) {
		tap_diag("%s", e.msg);
		return;
	}
	is_int(bl_object_set_global(obj, "target_pid", &pid, sizeof(pid)), 0,
	       "%s: set target_pid = %d before load", r, pid);
	if (weight)
		is_int(bl_object_set_global(obj, "weight", &weight, sizeof(weight)), 0,
		       "%s: set weight = %u before load", r, weight);
	else
		weight = 1;	/* the initial value */
	err = bl_object_load(obj, NULL);
	if (!is_int(err, 0, "%s: load", r)) {
		tu_diag_lines(bl_object_error(obj));
		bl_object_close(obj);
		return;
	}
	prog = bl_object_find_program(obj, "count_getpid");

	/* the tracepoint's id, from tracefs */
	id = tu_tracepoint_id("syscalls", "sys_enter_getpid");
	if (!ok(id > 0, "%s: events/syscalls/sys_enter_getpid/id = %d", r, id)) {
		bl_object_close(obj);
		return;
	}
	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.size = sizeof(attr);
	attr.config = id;
	attr.sample_period = 1;
	/* pid -1, cpu 0: a BPF program on a tracepoint runs for every task
	 * on every CPU whatever the event's own cpu */
	pfd = bl_sys_perf_event_open(&attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (!ok(pfd >= 0, "%s: perf_event_open(PERF_TYPE_TRACEPOINT, %d) = %d", r, id, pfd)) {
		bl_object_close(obj);
		return;
	}
	if (use_link) {
		link = bl_sys_link_create(bl_program_fd(prog), pfd, BPF_PERF_EVENT, NULL);
		ok(link >= 0, "%s: BPF_LINK_CREATE(BPF_PERF_EVENT) = %d", r, link);
		ok(link >= 0 && tu_link_info(link, &li) == 0 &&
		   li.type == BPF_LINK_TYPE_PERF_EVENT && li.prog_id == bl_program_id(prog),
		   "%s: link info: type PERF_EVENT, program %u", r, bl_program_id(prog));
	} else {
		is_int(bl_sys_perf_ioctl(pfd, PERF_EVENT_IOC_SET_BPF, bl_program_fd(prog)), 0,
		       "%s: ioctl PERF_EVENT_IOC_SET_BPF", r);
		is_int(bl_sys_perf_ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0), 0,
		       "%s: ioctl PERF_EVENT_IOC_ENABLE", r);
	}
	check_query(pid, pfd, bl_program_id(prog), r);
	check_counters(obj, r, 0, weight);

	/* exactly n1 calls here, n2 in a thread of ours: counted */
	call_getpid(n1);
	if (n2) {
		ok(pthread_create(&th, NULL, thread_fn, (void *)(long)n2) == 0 &&
		   pthread_join(th, NULL) == 0, "%s: a thread calls getpid %d times", r, n2);
	}
	tap_diag("%s: %d + %d getpid calls", r, n1, n2);
	check_counters(obj, r, n, weight);

	/* another process: not counted */
	child = fork();
	if (child == 0) {
		call_getpid(50);
		_exit(0);
	}
	ok(child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) &&
	   WEXITSTATUS(status) == 0, "%s: a child process called getpid 50 times", r);
	check_counters(obj, r, n, weight);

	/*
	 * Detached: no more counting.  A link detaches when closed.  With the
	 * ioctls, PERF_EVENT_IOC_DISABLE stops the perf event but not the BPF
	 * program on its tracepoint (the kernel keeps running it): closing
	 * the event is what detaches it.
	 */
	if (use_link) {
		is_int(close(link), 0, "%s: link closed", r);
	} else {
		is_int(bl_sys_perf_ioctl(pfd, PERF_EVENT_IOC_DISABLE, 0), 0,
		       "%s: ioctl PERF_EVENT_IOC_DISABLE", r);
	}
	close(pfd);
	call_getpid(5);
	check_counters(obj, r, n, weight);
	bl_object_close(obj);
	is_int(tu_count_fds(), fds, "%s: every fd closed", r);
}

int main(void)
{
	const char *why = tu_unavailable("globals");
	int id, fds;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (why)
		tap_skip_all("%s", why);
	id = tu_tracepoint_id("syscalls", "sys_enter_getpid");
	if (id < 0)
		tap_skip_all("no tracepoint syscalls/sys_enter_getpid in tracefs: %s",
			     strerror(-id));
	fds = tu_count_fds();

	/* N % 4 = 3, 2 and 1 (prime_sum + 10, + 5, + 2); 0 is checked
	 * before the calls of each round */
	run_round("link", true, 1000, 23, 3);
	run_round("ioctl", false, 6, 0, 0);		/* the default weight 1 */
	run_round("ioctl+thread", false, 4, 1, 7);

	is_int(tu_count_fds(), fds, "every fd closed");
	return tap_done();
}
