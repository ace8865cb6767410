// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_attach_uprobe.c - uprobes and uretprobes on a function of this test
 * binary, through the uprobe PMU and through tracefs uprobe_events, and
 * the life cycle of legacy events: removed on detach, at exit(), on
 * SIGTERM, and by bl_tracefs_cleanup_stale() after a SIGKILL.
 *
 * bl_attach_test_target(x) returns 3x + 1 and is called N times with
 * x = 1..N: the entry program sums the argument, the return program the
 * return values, so both the count and the values are checked.  The
 * programs count only this process (target_tgid), except up_any, which
 * counts everyone: with it the test checks the kernel's own pid filter,
 * using a forked child that calls the function too.
 *
 * Runs natively and, built static, in the VM (no libc.so there: that
 * check is skipped).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/attach.h>
#include <bpfload/sys.h>
#include "tap.h"
#include "testutil.h"

/* ---- the probed function ---------------------------------------------------- */

long bl_attach_test_target(long x);

__attribute__((noinline, noipa)) long bl_attach_test_target(long x)
{
	return x * 3 + 1;
}

static volatile long sink;

/* Call the target x = 1..n. */
static void call_target(int n)
{
	for (long i = 1; i <= n; i++)
		sink += bl_attach_test_target(i);
}

/* ---- tests -------------------------------------------------------------------- */

static struct bl_object *obj;
static struct bl_program *p_entry, *p_return, *p_any, *p_sec;
static char exe[PATH_MAX];

static void test_offset(void)
{
	struct bl_error err = { 0 };
	unsigned char file[16];
	__u64 off = 0;
	int fd;

	is_int(bl_elf_symbol_offset(exe, "bl_attach_test_target", &off, &err), 0,
	       "offset: bl_attach_test_target found in the test binary");
	fd = open(exe, O_RDONLY);
	ok(fd >= 0 && pread(fd, file, sizeof(file), (off_t)off) == sizeof(file) &&
	   !memcmp(file, (const void *)bl_attach_test_target, sizeof(file)),
	   "offset: the file bytes at 0x%llx are the function's code in memory",
	   (unsigned long long)off);
	if (fd >= 0)
		close(fd);
	ok(bl_elf_symbol_offset(exe, "no_such_function_bpfload", &off, &err) == -ENOENT,
	   "offset: a missing symbol is -ENOENT");
	like(err.msg, "has no function 'no_such_function_bpfload'", "offset: the message names it");
}

/* entry + return probe, N calls, through the options given */
static void test_pair(const char *name, const struct bl_uprobe_opts *o, const char *via)
{
	struct bl_error err = { 0 };
	struct bl_link *in, *out;
	const int n = 50;

	tu_set_u64(obj, "entry_count", 0);
	tu_set_u64(obj, "entry_arg_sum", 0);
	tu_set_u64(obj, "return_count", 0);
	tu_set_u64(obj, "return_sum", 0);
	in = bl_attach_uprobe(bl_program_fd(p_entry), exe, "bl_attach_test_target", 0, false,
			      -1, o, &err);
	if (!ok(in != NULL, "%s: uprobe attached", name))
		tap_diag("%s", err.msg);
	out = bl_attach_uprobe(bl_program_fd(p_return), exe, "bl_attach_test_target", 0, true,
			       -1, o, &err);
	if (!ok(out != NULL, "%s: uretprobe attached", name))
		tap_diag("%s", err.msg);
	if (!in || !out) {
		bl_link_detach(in);
		bl_link_detach(out);
		return;
	}
	like(bl_link_describe(in), via, "%s: %s", name, bl_link_describe(in));
	like(bl_link_describe(out), "uretprobe", "%s: %s", name, bl_link_describe(out));
	if (o && o->force_legacy)
		is_int(tu_events_of(getpid()), 2, "%s: two events in uprobe_events", name);
	call_target(n);
	is_int(tu_get_u64(obj, "entry_count"), n, "%s: %d calls counted", name, n);
	is_int(tu_get_u64(obj, "entry_arg_sum"), n * (n + 1) / 2, "%s: the arguments add up", name);
	is_int(tu_get_u64(obj, "return_count"), n, "%s: %d returns counted", name, n);
	is_int(tu_get_u64(obj, "return_sum"), 3 * n * (n + 1) / 2 + n,
	       "%s: the return values add up", name);
	is_int(bl_link_detach(in), 0, "%s: detach the uprobe", name);
	is_int(bl_link_detach(out), 0, "%s: detach the uretprobe", name);
	is_int(tu_events_of(getpid()), 0, "%s: no event of ours left in tracefs", name);
	is_int(tu_links_of(bl_program_id(p_entry)) + tu_links_of(bl_program_id(p_return)), 0,
	       "%s: no link left", name);
	call_target(3);
	is_int(tu_get_u64(obj, "entry_count"), n, "%s: nothing counted after detach", name);
}

/* A child that calls the target n times when told to, then exits. */
static pid_t caller_child(int n, int *go)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		char c;

		close(p[1]);
		if (read(p[0], &c, 1) == 1)
			call_target(n);
		_exit(0);
	}
	close(p[0]);
	*go = p[1];
	return pid;
}

static void run_child(pid_t pid, int go)
{
	if (write(go, "x", 1) != 1)
		tap_diag("cannot start the child");
	close(go);
	waitpid(pid, NULL, 0);
}

static void test_pid_filter(const char *name, bool legacy)
{
	struct bl_uprobe_opts o = { .force_legacy = legacy };
	struct bl_error err = { 0 };
	struct bl_link *l;
	pid_t child;
	int go;

	tu_set_u64(obj, "any_count", 0);
	child = caller_child(30, &go);
	l = bl_attach_uprobe(bl_program_fd(p_any), exe, "bl_attach_test_target", 0, false, 0,
			     &o, &err);
	if (!ok(l != NULL, "%s: attach for this process only (pid 0)", name)) {
		tap_diag("%s", err.msg);
		run_child(child, go);
		return;
	}
	like(bl_link_describe(l), "pid", "%s: %s", name, bl_link_describe(l));
	call_target(20);
	run_child(child, go);
	is_int(tu_get_u64(obj, "any_count"), 20, "%s: our 20 calls counted, not the child's 30",
	       name);
	bl_link_detach(l);

	tu_set_u64(obj, "any_count", 0);
	child = caller_child(30, &go);
	l = bl_attach_uprobe(bl_program_fd(p_any), exe, "bl_attach_test_target", 0, false, child,
			     &o, &err);
	if (!ok(l != NULL, "%s: attach for the child's pid", name)) {
		tap_diag("%s", err.msg);
		run_child(child, go);
		return;
	}
	call_target(20);
	run_child(child, go);
	is_int(tu_get_u64(obj, "any_count"), 30, "%s: the child's 30 calls counted, not ours",
	       name);
	bl_link_detach(l);
	is_int(tu_events_of(getpid()), 0, "%s: no event of ours left", name);
}

static void test_section(void)
{
	struct bl_error err = { 0 };
	struct bl_link *l;
	int n;

	tu_set_u64(obj, "sec_count", 0);
	n = bl_object_attach_all(obj, &err);
	is_int(n, 1, "section: attach_all attaches the one uprobe whose section names a target");
	if (n < 0)
		tap_diag("%s", err.msg);
	call_target(17);
	is_int(tu_get_u64(obj, "sec_count"), 17, "section: uprobe//proc/self/exe:... counts 17");
	is_int(bl_object_detach_all(obj), 0, "section: detach_all");
	is_int(tu_links_of(bl_program_id(p_sec)), 0, "section: no link left");

	l = bl_program_attach(p_entry, &err);
	ok(l == NULL && err.err == -EOPNOTSUPP, "section: a bare 'uprobe' section is refused");
	like(err.msg, "bl_attach_uprobe(", "section: the message names bl_attach_uprobe");
	bl_link_detach(l);
}

static void test_errors(void)
{
	struct bl_error err = { 0 };
	struct bl_link *l;

	l = bl_attach_uprobe(bl_program_fd(p_entry), "/no/such/binary", "f", 0, false, -1, NULL,
			     &err);
	ok(l == NULL && err.err == -ENOENT, "errors: a missing binary is -ENOENT");
	like(err.msg, "/no/such/binary", "errors: the message names the path");
	bl_link_detach(l);
	l = bl_attach_uprobe(bl_program_fd(p_entry), "no-such-program-bpfload", "f", 0, false, -1,
			     NULL, &err);
	ok(l == NULL && err.err == -ENOENT, "errors: a name not in $PATH is -ENOENT");
	like(err.msg, "cannot find", "errors: the message says it was looked for");
	bl_link_detach(l);
	l = bl_attach_uprobe(bl_program_fd(p_entry), "libc.so.6", "no_such_function_bpfload", 0,
			     false, -1, NULL, &err);
	if (l || err.err != -ENOENT || strstr(err.msg, "cannot find")) {
		tap_skip("errors: libc.so.6 is found in the library folders", "no libc.so.6 here"
			 " (static test binary in a VM?)");
	} else {
		like(err.msg, "libc.so.6 has no function",
		     "errors: libc.so.6 found, symbol missing (%s)",
		     err.msg);
	}
	bl_link_detach(l);
}

/* ---- legacy events outliving their process -------------------------------------- */

/*
 * A child that attaches legacy uprobes (entry and return), says so on
 * the pipe, then waits.  exit_after: exit(0) at once without detaching
 * (the atexit cleanup must remove the events).
 */
static pid_t legacy_child(int *ready, bool exit_after)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		struct bl_uprobe_opts o = { .force_legacy = true };
		struct bl_error err = { 0 };
		struct bl_link *a, *b;

		close(p[0]);
		a = bl_attach_uprobe(bl_program_fd(p_entry), exe, "bl_attach_test_target", 0, false,
				     -1, &o, &err);
		b = bl_attach_uprobe(bl_program_fd(p_return), exe, "bl_attach_test_target", 0, true,
				     -1, &o, &err);
		if (write(p[1], a && b ? "y" : "n", 1) != 1)
			_exit(2);
		if (exit_after)
			exit(0);
		for (;;)
			pause();
	}
	close(p[1]);
	*ready = p[0];
	return pid;
}

static void test_exit_and_signal(void)
{
	int ready, status = 0;
	pid_t pid;

	pid = legacy_child(&ready, true);
	ok(tu_child_ready(ready), "exit: a child attached two legacy uprobes");
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit: the child exited normally");
	is_int(tu_events_of(pid), 0, "exit: its events were removed at exit()");

	pid = legacy_child(&ready, false);
	ok(tu_child_ready(ready), "signal: a child attached two legacy uprobes");
	is_int(tu_events_of(pid), 2, "signal: its two events are in uprobe_events");
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
	   "signal: SIGTERM still ended the child");
	is_int(tu_events_of(pid), 0, "signal: its events were removed on SIGTERM");
}

static void test_stale_cleanup(void)
{
	struct bl_uprobe_opts o = { .force_legacy = true };
	struct bl_error err = { 0 };
	char foreign[PATH_MAX + 128], fname[64], needle[64];
	struct bl_link *mine;
	pid_t dead, alive;
	int ready_dead, ready_alive, n;
	__u64 off = 0;

	bl_elf_symbol_offset(exe, "bl_attach_test_target", &off, NULL);
	/* an event that is not ours: never touched */
	snprintf(fname, sizeof(fname), "notbpfload_%d", (int)getpid());
	snprintf(foreign, sizeof(foreign), "p:uprobes/%s %s:0x%llx\n", fname, exe,
		 (unsigned long long)off);
	is_int(tu_tracefs_write("uprobe_events", foreign), 0, "stale: a foreign event created");
	/* ours, alive: kept */
	mine = bl_attach_uprobe(bl_program_fd(p_entry), exe, "bl_attach_test_target", 0, false,
				-1, &o, &err);
	ok(mine != NULL, "stale: this process holds a legacy uprobe");
	/* another live owner: kept */
	alive = legacy_child(&ready_alive, false);
	ok(tu_child_ready(ready_alive), "stale: a live child holds two legacy uprobes");
	/* a dead owner: removed */
	dead = legacy_child(&ready_dead, false);
	ok(tu_child_ready(ready_dead), "stale: a second child holds two legacy uprobes");
	kill(dead, SIGKILL);
	waitpid(dead, NULL, 0);
	is_int(tu_events_of(dead), 2, "stale: SIGKILL left the dead child's two events behind");

	n = bl_tracefs_cleanup_stale(&err);
	ok(n >= 2, "stale: cleanup removed the dead child's events (%d removed)", n);
	tap_diag("cleanup report: %s", err.msg);
	snprintf(needle, sizeof(needle), "bpfload_%d_", (int)dead);
	like(err.msg, needle, "stale: the report names them");
	like(err.msg, "is gone", "stale: the report says why");
	is_int(tu_events_of(dead), 0, "stale: the dead child's events are gone");
	is_int(tu_events_of(alive), 2, "stale: the live child's events are kept");
	is_int(tu_events_of(getpid()), 1, "stale: our own event is kept");
	is_int(tu_events_with("uprobe_events", fname), 1, "stale: the foreign event is kept");

	kill(alive, SIGTERM);
	waitpid(alive, NULL, 0);
	is_int(tu_events_of(alive), 0, "stale: the live child removed its events on SIGTERM");
	bl_link_detach(mine);
	snprintf(foreign, sizeof(foreign), "-:uprobes/%s\n", fname);
	is_int(tu_tracefs_write("uprobe_events", foreign), 0, "stale: the foreign event removed");
	is_int(bl_tracefs_cleanup_stale(&err), 0, "stale: a second cleanup finds nothing of ours");
}

int main(void)
{
	static const char *const names[] = { "up_entry", "up_return", "up_any", "up_sec" };
	struct bl_program **const progs[] = { &p_entry, &p_return, &p_any, &p_sec };
	struct bl_error err = { 0 };
	char why[512];
	__u32 ids[4];
	ssize_t n;

	if (geteuid())
		tap_skip_all("needs root");
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		tap_bail("cannot read /proc/self/exe");
	exe[n] = '\0';
	if (access("/sys/bus/event_source/devices/uprobe/type", F_OK) &&
	    access("/sys/kernel/tracing/uprobe_events", F_OK) &&
	    access("/sys/kernel/debug/tracing/uprobe_events", F_OK))
		tap_skip_all("this kernel has neither the uprobe PMU nor uprobe_events");
	obj = tu_load_for_self("attach_uprobe", names, progs, ids, 4, why, sizeof(why));
	if (!obj)
		tap_bail("%s", why);

	test_offset();
	if (access("/sys/bus/event_source/devices/uprobe/type", F_OK)) {
		tap_skip("pmu: uprobes through the uprobe PMU", "no uprobe PMU (kernel < 4.17)");
	} else {
		test_pair("pmu", NULL, "via uprobe PMU, ");
		test_pair("pmu ioctl", &(struct bl_uprobe_opts){ .force_ioctl = true },
			  "via uprobe PMU, ioctl SET_BPF");
		test_pid_filter("pmu pid", false);
	}
	test_pair("legacy", &(struct bl_uprobe_opts){ .force_legacy = true },
		  "via legacy uprobe_events (uprobes/bpfload_");
	test_pair("legacy ioctl", &(struct bl_uprobe_opts){ .force_legacy = true,
							      .force_ioctl = true },
		  "ioctl SET_BPF");
	test_pid_filter("legacy pid", true);
	test_section();
	test_errors();
	test_exit_and_signal();
	test_stale_cleanup();

	ok(bl_program_attach(p_sec, &err) != NULL, "close: attach and leave it to close");
	bl_object_close(obj);
	for (int i = 0; i < 4; i++) {
		is_int(tu_links_of(ids[i]), 0, "close: no link of program %u left", ids[i]);
		ok(tu_prog_gone(ids[i]), "close: program %u is gone", ids[i]);
	}
	is_int(tu_events_of(getpid()), 0, "close: no tracefs event of ours left");
	return tap_done();
}
