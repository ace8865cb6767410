// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_trace_pipe.c - the trace_pipe reader.
 *
 *   - lines are split and reassembled correctly (a pipe stands in for
 *     trace_pipe: partial lines across reads, several lines per read);
 *   - trace_pipe line parsing, with and without the flags column, with a
 *     comm that holds spaces and dashes;
 *   - against the kernel: tests/objs/events_printk.o on raw_tracepoint
 *     sys_enter prints "bpfload-tp <tag> <n>" for our getppid() calls;
 *     the reader sees exactly our lines, with our pid and the
 *     bpf_trace_printk event;
 *   - a run with a duration ends on time when nothing comes, a stop flag
 *     set by another thread ends it, and so does one set by a signal
 *     handler (SIGALRM, no SA_RESTART);
 *   - a missing file gives a clear error; nothing is left open.
 *
 * trace_pipe is global and consuming: a line read here is gone for every
 * other reader, and lines of other programs may arrive (they are counted
 * apart and ignored).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/events.h>
#include <bpfload/sys.h>
#include "tap.h"
#include "testutil.h"

static __u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000ull + (__u64)ts.tv_nsec / 1000000ull;
}

struct lines {
	int n;
	char text[8][64];
	size_t len[8];
};

static int collect(void *ctx, const char *line, size_t len)
{
	struct lines *l = ctx;

	if (l->n < 8) {
		snprintf(l->text[l->n], sizeof(l->text[0]), "%s", line);
		l->len[l->n] = len;
	}
	l->n++;
	return 0;
}

static void test_split(void)
{
	struct bl_trace_pipe_opts o = { 0 };
	struct bl_error e = { 0 };
	struct bl_trace_pipe *tp;
	struct lines l = { 0 };
	char path[64];
	int p[2], n;

	if (pipe(p)) {
		ok(0, "split: pipe");
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
	o.path = path;
	tp = bl_trace_pipe_open(&o, &e);
	if (!ok(tp != NULL, "split: open a pipe as the trace pipe")) {
		tap_diag("%s", e.msg);
		close(p[0]);
		close(p[1]);
		return;
	}
	n = bl_trace_pipe_poll(tp, 0, collect, &l);
	is_int(n, 0, "split: nothing there: poll(0) returns 0");
	n = (int)write(p[1], "first\nsecond\nthi", 16);
	n = bl_trace_pipe_poll(tp, 1000, collect, &l);
	is_int(n, 2, "split: two complete lines of three");
	n = (int)write(p[1], "rd\n\nlast\n", 9);
	n = bl_trace_pipe_poll(tp, 1000, collect, &l);
	is_int(n, 3, "split: the rest of the third, an empty line, a fourth");
	ok(l.n == 5 && !strcmp(l.text[0], "first") && !strcmp(l.text[1], "second") &&
	   !strcmp(l.text[2], "third") && l.len[2] == 5 && !strcmp(l.text[3], "") &&
	   !strcmp(l.text[4], "last"), "split: first / second / third / \"\" / last");
	bl_trace_pipe_close(tp);
	close(p[0]);
	close(p[1]);
}

static void test_parse(void)
{
	struct bl_trace_line t;
	const char *l1 = "           <...>-1234    [001] d..31  4391.123456: bpf_trace_printk: "
			 "bpfload-tp 7 0";
	const char *l2 = "  my prog-with-dash-77 [000] 12.500000: bpf_trace_printk: a: b";
	const char *l3 = "no brackets here";

	is_int(bl_trace_line_parse(l1, &t), 0, "parse: a line with the flags column");
	ok(t.comm_len == 5 && !strncmp(t.comm, "<...>", 5) && t.pid == 1234 && t.cpu == 1 &&
	   !strcmp(t.flags, "d..31") && t.timestamp > 4391.12 && t.timestamp < 4391.13 &&
	   t.event_len == 16 && !strncmp(t.event, "bpf_trace_printk", 16) &&
	   !strcmp(t.msg, "bpfload-tp 7 0"),
	   "parse: comm <...>, pid 1234, cpu 1, flags d..31, 4391.123456, event, message");
	is_int(bl_trace_line_parse(l2, &t), 0, "parse: no flags, a comm with spaces and dashes");
	ok(t.comm_len == 17 && !strncmp(t.comm, "my prog-with-dash", 17) && t.pid == 77 &&
	   t.cpu == 0 && !t.flags[0] && t.timestamp == 12.5 && !strcmp(t.msg, "a: b"),
	   "parse: comm \"my prog-with-dash\", pid 77, message \"a: b\"");
	is_int(bl_trace_line_parse(l3, &t), -EINVAL, "parse: not a trace line: -EINVAL");
}

/* ---- against the kernel ---------------------------------------------------- */

struct ours {
	char prefix[32];
	int mine, others, bad_parse, wrong_pid, wrong_event;
	int next;			/* expected n */
	int out_of_order;
};

static int on_line(void *ctx, const char *line, size_t len)
{
	struct ours *o = ctx;
	struct bl_trace_line t;
	const char *m = strstr(line, o->prefix);

	if (!m) {
		o->others++;
		return 0;
	}
	if (bl_trace_line_parse(line, &t)) {
		o->bad_parse++;
		return 0;
	}
	if (t.pid != (int)syscall(SYS_gettid))
		o->wrong_pid++;
	if (t.event_len != 16 || strncmp(t.event, "bpf_trace_printk", 16))
		o->wrong_event++;
	if (atoi(m + strlen(o->prefix)) != o->next)
		o->out_of_order++;
	o->next++;
	o->mine++;
	return 0;
}

static volatile sig_atomic_t stop_flag;

static void *set_stop(void *arg)
{
	struct timespec ts = { 0, 200000000 };

	nanosleep(&ts, NULL);
	stop_flag = 1;
	return NULL;
}

static void on_alarm(int sig)
{
	stop_flag = 1;
}

static void test_kernel(void)
{
	struct bl_error e = { 0 };
	struct bl_trace_pipe *tp;
	struct bl_object *obj;
	struct sigaction sa;
	struct ours o = { 0 };
	pthread_t th;
	__u32 tag = (__u32)getpid() * 2654435761u ^ (__u32)now_ms();
	__u64 t0;
	int link, r;

	tp = bl_trace_pipe_open(NULL, &e);
	if (!ok(tp != NULL, "kernel: open trace_pipe (mounting tracefs if needed)")) {
		tap_diag("%s", e.msg);
		return;
	}
	like(bl_trace_pipe_path(tp), "/trace_pipe", "kernel: reading %s", bl_trace_pipe_path(tp));
	obj = bl_object_open(tu_obj_path("events_printk"), NULL, &e);
	if (!obj || bl_object_load(obj, NULL)) {
		ok(0, "kernel: load events_printk.o");
		tu_diag_lines(obj ? bl_object_error(obj) : e.msg);
		bl_object_close(obj);
		bl_trace_pipe_close(tp);
		return;
	}
	{
		__u32 pid = (__u32)getpid(), nr = SYS_getppid;

		bl_object_set_global(obj, "target_pid", &pid, 4);
		bl_object_set_global(obj, "trigger_nr", &nr, 4);
		bl_object_set_global(obj, "tag", &tag, 4);
	}
	link = bl_sys_raw_tracepoint_open("sys_enter",
		bl_program_fd(bl_object_find_program(obj, "say")));
	ok(link >= 0, "kernel: attach to raw_tp sys_enter");
	snprintf(o.prefix, sizeof(o.prefix), "bpfload-tp %u ", tag);

	/* what an earlier run left is not ours: drain it */
	bl_trace_pipe_poll(tp, 0, on_line, &o);
	o.others = 0;

	for (int i = 0; i < 3; i++)
		syscall(SYS_getppid);
	t0 = now_ms();
	while (o.mine < 3 && now_ms() - t0 < 10000)
		bl_trace_pipe_poll(tp, 500, on_line, &o);
	is_int(o.mine, 3, "kernel: our 3 bpf_printk lines arrived");
	ok(!o.bad_parse && !o.wrong_pid && !o.wrong_event && !o.out_of_order,
	   "kernel: each parses, with our pid, event bpf_trace_printk, n = 0, 1, 2");
	if (o.others)
		tap_diag("  %d lines of other programs were read too", o.others);

	/* nothing comes: a run of 300 ms ends after 300 ms */
	t0 = now_ms();
	r = bl_trace_pipe_run(tp, 300, NULL, on_line, &o);
	t0 = now_ms() - t0;
	is_int(r, 0, "timeout: bl_trace_pipe_run(300 ms) returns 0");
	ok(t0 >= 290 && t0 < 3000, "timeout: it took %llu ms", (unsigned long long)t0);

	/* another thread sets the stop flag after 200 ms; no duration */
	stop_flag = 0;
	pthread_create(&th, NULL, set_stop, NULL);
	t0 = now_ms();
	r = bl_trace_pipe_run(tp, -1, &stop_flag, on_line, &o);
	t0 = now_ms() - t0;
	pthread_join(th, NULL);
	ok(r == 0 && t0 < 3000, "stop flag: a run without duration stops %llu ms after start"
	   " (flag set at 200 ms)", (unsigned long long)t0);

	/* a signal handler sets it */
	stop_flag = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	t0 = now_ms();
	r = bl_trace_pipe_run(tp, 20000, &stop_flag, on_line, &o);
	t0 = now_ms() - t0;
	ok(r == 0 && t0 < 3000, "signal: SIGALRM's handler stops the run after %llu ms"
	   " (alarm at 1 s, duration 20 s)", (unsigned long long)t0);
	signal(SIGALRM, SIG_DFL);

	/* after detaching, no more lines of ours */
	close(link);
	syscall(SYS_getppid);
	bl_trace_pipe_poll(tp, 200, on_line, &o);
	is_int(o.mine, 3, "detached: no new line of ours");
	bl_object_close(obj);
	bl_trace_pipe_close(tp);
}

static void test_missing(void)
{
	struct bl_trace_pipe_opts o = { .path = "/nonexistent/trace_pipe" };
	struct bl_error e = { 0 };
	struct bl_trace_pipe *tp = bl_trace_pipe_open(&o, &e);

	ok(!tp && e.err == -ENOENT, "missing: a path that does not exist fails with ENOENT");
	like(e.msg, "cannot open /nonexistent/trace_pipe", "missing: the message names it");
	bl_trace_pipe_close(tp);
}

int main(void)
{
	const char *why = tu_bpf_unavailable();
	int fds = tu_count_fds();

	test_split();
	test_parse();
	test_missing();
	if (why)
		tap_skip("kernel: bpf_printk lines through trace_pipe", "%s", why);
	else
		test_kernel();
	is_int(tu_count_fds(), fds, "every fd closed at the end");
	return tap_done();
}
