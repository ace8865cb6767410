// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_attach_kprobe.c - kprobes and kretprobes: the kprobe PMU and the
 * legacy kprobe_events path, bpf links and the ioctl, a syscall entry
 * resolved through /proc/kallsyms, do_sys_openat2 and a function+offset.
 *
 * Process death: a child holding legacy kprobes is SIGKILLed; the next
 * bl_tracefs_cleanup_stale() removes its events and only those.
 *
 * On a kernel without CONFIG_KPROBES (the development host) it checks
 * that every way to attach a kprobe fails with the message that says so,
 * and leaves nothing behind; the firing tests are skipped.  Built static,
 * it runs inside the VM guests (make vmtest), whose kernels have kprobes.
 *
 * Counts are exact: the programs (tests/objs/attach_kprobe.c) count only
 * this process's calls (target_tgid).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/attach.h>
#include <bpfload/sys.h>
#include "tap.h"
#include "testutil.h"

#if defined(__x86_64__)
#define SYS_PREFIX "__x64_sys_"
#elif defined(__aarch64__)
#define SYS_PREFIX "__arm64_sys_"
#else
#define SYS_PREFIX "sys_"
#endif

/* ---- the tests -------------------------------------------------------------- */

static struct bl_object *obj;
static struct bl_program *p_open, *p_ret, *p_getpid, *p_open0;

static void test_ksyscall_symbol(void)
{
	struct bl_error err = { 0 };
	char sym[128] = "";

	is_int(bl_ksyscall_symbol("getpid", sym, sizeof(sym), &err), 0,
	       "kallsyms: getpid resolves");
	if (!strcmp(SYS_PREFIX, "sys_"))
		like(sym, "sys_getpid", "kallsyms: to %s", sym);
	else
		ok(!strcmp(sym, SYS_PREFIX "getpid") || !strcmp(sym, "sys_getpid"),
		   "kallsyms: to the kernel's entry symbol (%s)", sym);
	is_int(bl_ksyscall_symbol("sys_getpid", sym, sizeof(sym), &err), 0,
	       "kallsyms: sys_getpid resolves the same way");
	is_int(bl_ksyscall_symbol("no_such_syscall_bpfload", sym, sizeof(sym), &err), -ENOENT,
	       "kallsyms: an unknown syscall is -ENOENT");
	like(err.msg, "no syscall entry", "kallsyms: the message says so");
}

/* ---- a kernel without kprobes ------------------------------------------------ */

#define NO_KPROBES "this kernel has neither the kprobe PMU nor kprobe_events (built without" \
		   " CONFIG_KPROBES)"

static void expect_no_kprobes(struct bl_link *l, const struct bl_error *err, const char *what,
			      const char *names)
{
	ok(l == NULL && err->err == -EOPNOTSUPP, "no kprobes: %s fails with -EOPNOTSUPP", what);
	like(err->msg, NO_KPROBES, "no kprobes: %s says CONFIG_KPROBES is missing", what);
	like(err->msg, names, "no kprobes: %s names %s", what, names);
	bl_link_detach(l);
}

static void test_no_kprobes(void)
{
	struct bl_kprobe_opts legacy = { .force_legacy = true }, maxact = { .maxactive = 32 };
	struct bl_error err = { 0 };
	struct bl_link *l;
	int n;

	l = bl_attach_kprobe(bl_program_fd(p_open), "do_sys_openat2", 0, false, NULL, &err);
	expect_no_kprobes(l, &err, "kprobe", "kprobe do_sys_openat2");
	tap_diag("%s", err.msg);
	l = bl_attach_kprobe(bl_program_fd(p_ret), "do_sys_openat2", 0, true, NULL, &err);
	expect_no_kprobes(l, &err, "kretprobe", "kretprobe do_sys_openat2");
	l = bl_attach_kprobe(bl_program_fd(p_open), "do_sys_openat2", 0, false, &legacy, &err);
	expect_no_kprobes(l, &err, "forced legacy", "kprobe do_sys_openat2");
	l = bl_attach_kprobe(bl_program_fd(p_ret), "do_sys_openat2", 0, true, &maxact, &err);
	expect_no_kprobes(l, &err, "kretprobe with maxactive", "kretprobe do_sys_openat2");
	l = bl_program_attach(p_open, &err);
	expect_no_kprobes(l, &err, "section kprobe/do_sys_openat2", "do_sys_openat2");
	l = bl_program_attach(p_open0, &err);
	expect_no_kprobes(l, &err, "section kprobe/do_sys_openat2+0x0", "do_sys_openat2");
	l = bl_program_attach(p_getpid, &err);
	expect_no_kprobes(l, &err, "section ksyscall/getpid", "getpid");
	l = bl_attach_kprobe(bl_program_fd(p_open), "sys_getpid", 0, false, NULL, &err);
	expect_no_kprobes(l, &err, "kprobe sys_getpid", SYS_PREFIX "getpid");

	n = bl_object_attach_all(obj, &err);
	is_int(n, -EOPNOTSUPP, "no kprobes: attach_all fails");
	like(err.msg, "CONFIG_KPROBES", "no kprobes: and says why");
	n = tu_links_of(bl_program_id(p_open)) + tu_links_of(bl_program_id(p_ret)) +
	    tu_links_of(bl_program_id(p_getpid)) + tu_links_of(bl_program_id(p_open0));
	is_int(n, 0, "no kprobes: nothing was left attached");
	tap_skip("kprobes firing (PMU, legacy, link, ioctl, syscall, offset)",
		 "this kernel has no CONFIG_KPROBES: these run in the VM guests (make vmtest)");
}

/* ---- a kernel with kprobes ------------------------------------------------------- */

static void count_opens(const char *name, struct bl_link *l, const struct bl_error *err,
			const char *via)
{
	if (!ok(l != NULL, "%s: attached", name)) {
		tap_diag("%s", err->msg);
		return;
	}
	like(bl_link_describe(l), via, "%s: %s", name, bl_link_describe(l));
	tu_set_u64(obj, "open_count", 0);
	tu_do_opens(25);
	is_int(tu_get_u64(obj, "open_count"), 25, "%s: 25 calls of do_sys_openat2 counted", name);
	is_int(bl_link_detach(l), 0, "%s: detach", name);
	tu_do_opens(3);
	is_int(tu_get_u64(obj, "open_count"), 25, "%s: nothing counted after detach", name);
	is_int(tu_events_of(getpid()), 0, "%s: no tracefs event of ours left", name);
	is_int(tu_links_of(bl_program_id(p_open)), 0, "%s: no link left", name);
}

static bool has_pmu(void)
{
	return !access("/sys/bus/event_source/devices/kprobe/type", F_OK);
}

static void test_kprobe_paths(void)
{
	struct bl_kprobe_opts o = { 0 };
	struct bl_error err = { 0 };
	int fd = bl_program_fd(p_open);
	struct bl_link *l;

	if (has_pmu()) {
		l = bl_attach_kprobe(fd, "do_sys_openat2", 0, false, NULL, &err);
		count_opens("pmu", l, &err, "via kprobe PMU, ");
		o.force_ioctl = true;
		l = bl_attach_kprobe(fd, "do_sys_openat2", 0, false, &o, &err);
		count_opens("pmu ioctl", l, &err, "via kprobe PMU, ioctl SET_BPF");
	} else {
		tap_skip("pmu: kprobe PMU", "no kprobe PMU (kernel before 4.17)");
	}
	o.force_ioctl = false;
	o.force_legacy = true;
	l = bl_attach_kprobe(fd, "do_sys_openat2", 0, false, &o, &err);
	if (l)
		is_int(tu_events_of(getpid()), 1, "legacy: one event in kprobe_events");
	count_opens("legacy", l, &err, "via legacy kprobe_events (kprobes/bpfload_");
	o.force_ioctl = true;
	l = bl_attach_kprobe(fd, "do_sys_openat2", 0, false, &o, &err);
	count_opens("legacy ioctl", l, &err, "ioctl SET_BPF");
}

static void test_kretprobe(const char *name, const struct bl_kprobe_opts *o, const char *via)
{
	struct bl_error err = { 0 };
	struct bl_link *l;
	int last_fd;

	tu_set_u64(obj, "ret_count", 0);
	l = bl_attach_kprobe(bl_program_fd(p_ret), "do_sys_openat2", 0, true, o, &err);
	if (!ok(l != NULL, "%s: attached", name)) {
		tap_diag("%s", err.msg);
		return;
	}
	like(bl_link_describe(l), via, "%s: %s", name, bl_link_describe(l));
	if (o && o->maxactive) {
		char needle[32];

		snprintf(needle, sizeof(needle), "r%u:kprobes/bpfload_%d_", o->maxactive,
			 (int)getpid());
		is_int(tu_events_with("kprobe_events", needle), 1, "%s: kprobe_events has %s...",
		       name, needle);
	}
	tu_set_u64(obj, "ret_count", 0);	/* reading kprobe_events opened a file */
	last_fd = tu_do_opens(31);
	is_int(tu_get_u64(obj, "ret_count"), 31, "%s: 31 returns counted", name);
	is_int((long long)tu_get_u64(obj, "ret_last"), last_fd,
	       "%s: the return value is the fd (%d)", name, last_fd);
	is_int(bl_link_detach(l), 0, "%s: detach", name);
	is_int(tu_events_of(getpid()), 0, "%s: no tracefs event of ours left", name);
}

static void test_syscall(void)
{
	struct bl_error err = { 0 };
	struct bl_link *l;

	tu_set_u64(obj, "getpid_count", 0);
	l = bl_program_attach(p_getpid, &err);
	if (!ok(l != NULL, "ksyscall: attach ksyscall/getpid from the section name")) {
		tap_diag("%s", err.msg);
		return;
	}
	like(bl_link_describe(l), "sys_getpid", "ksyscall: %s", bl_link_describe(l));
	tu_do_getpid(29);
	is_int(tu_get_u64(obj, "getpid_count"), 29, "ksyscall: 29 getpid() counted");
	bl_link_detach(l);

	tu_set_u64(obj, "getpid_count", 0);
	l = bl_attach_kprobe(bl_program_fd(p_getpid), "sys_getpid", 0, false, NULL, &err);
	if (!ok(l != NULL, "ksyscall: kprobe on sys_getpid")) {
		tap_diag("%s", err.msg);
		return;
	}
	like(bl_link_describe(l), SYS_PREFIX "getpid", "ksyscall: resolved (%s)",
	     bl_link_describe(l));
	tu_do_getpid(7);
	is_int(tu_get_u64(obj, "getpid_count"), 7, "ksyscall: 7 getpid() counted");
	bl_link_detach(l);
}

/* The first offset into do_sys_openat2 that is an instruction boundary
 * the kernel accepts (the probe is placed there, not at +0). */
static void test_offset(void)
{
	struct bl_kprobe_opts legacy = { .force_legacy = true };
	struct bl_error err = { 0 };
	struct bl_link *l = NULL;
	__u64 off;

	for (off = 1; off < 64 && !l; off++)
		l = bl_attach_kprobe(bl_program_fd(p_open), "do_sys_openat2", off, false, NULL,
				     &err);
	if (!ok(l != NULL, "offset: a probe inside do_sys_openat2")) {
		tap_diag("%s", err.msg);
		return;
	}
	off--;
	tap_diag("first accepted offset: +0x%llx", (unsigned long long)off);
	count_opens("offset", l, &err, "do_sys_openat2+0x");
	l = bl_attach_kprobe(bl_program_fd(p_open), "do_sys_openat2", off, false, &legacy, &err);
	count_opens("offset legacy", l, &err, "legacy kprobe_events");
}

static void test_attach_all(void)
{
	struct bl_error err = { 0 };
	int n;

	n = bl_object_attach_all(obj, &err);
	is_int(n, 4, "attach_all: the four kprobe sections attached");
	if (n < 0)
		tap_diag("%s", err.msg);
	/* attaching opened files (sysfs, kallsyms): count from here */
	tu_set_u64(obj, "open_count", 0);
	tu_set_u64(obj, "ret_count", 0);
	tu_set_u64(obj, "getpid_count", 0);
	tu_set_u64(obj, "open0_count", 0);
	tu_do_opens(12);
	tu_do_getpid(9);
	is_int(tu_get_u64(obj, "open_count"), 12, "attach_all: kprobe counts 12");
	is_int(tu_get_u64(obj, "open0_count"), 12, "attach_all: kprobe at +0x0 counts 12");
	is_int(tu_get_u64(obj, "ret_count"), 12, "attach_all: kretprobe counts 12");
	is_int(tu_get_u64(obj, "getpid_count"), 9, "attach_all: ksyscall counts 9");
	is_int(bl_object_detach_all(obj), 0, "attach_all: detach_all");
}

static void test_missing(void)
{
	struct bl_kprobe_opts legacy = { .force_legacy = true };
	struct bl_error err = { 0 };
	struct bl_link *l;

	l = bl_attach_kprobe(bl_program_fd(p_open), "no_such_function_bpfload", 0, false, NULL,
			     &err);
	ok(l == NULL, "missing: a function the kernel lacks is refused");
	like(err.msg, "not in /proc/kallsyms", "missing: the message says so (%s)", err.msg);
	bl_link_detach(l);
	l = bl_attach_kprobe(bl_program_fd(p_open), "no_such_function_bpfload", 0, false, &legacy,
			     &err);
	ok(l == NULL, "missing: also through kprobe_events");
	like(err.msg, "not in /proc/kallsyms", "missing: the message says so (%s)", err.msg);
	bl_link_detach(l);
	is_int(tu_events_of(getpid()), 0, "missing: no event of ours left");
}

/* A child that attaches two legacy kprobes (entry and return), says so
 * on the pipe and waits to be killed. */
static pid_t legacy_kprobe_child(int *ready)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		struct bl_kprobe_opts o = { .force_legacy = true };
		struct bl_error err = { 0 };
		struct bl_link *a, *b;

		close(p[0]);
		a = bl_attach_kprobe(bl_program_fd(p_open), "do_sys_openat2", 0, false, &o, &err);
		b = bl_attach_kprobe(bl_program_fd(p_ret), "do_sys_openat2", 0, true, &o, &err);
		if (write(p[1], a && b ? "y" : "n", 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	close(p[1]);
	*ready = p[0];
	return pid;
}

static void test_process_death(void)
{
	struct bl_kprobe_opts legacy = { .force_legacy = true };
	struct bl_error err = { 0 };
	char needle[64];
	struct bl_link *mine;
	int ready_dead, ready_alive, n;
	pid_t dead, alive;

	mine = bl_attach_kprobe(bl_program_fd(p_open), "do_sys_openat2", 0, false, &legacy, &err);
	ok(mine != NULL, "death: this process holds a legacy kprobe");
	alive = legacy_kprobe_child(&ready_alive);
	ok(tu_child_ready(ready_alive), "death: a live child holds two legacy kprobes");
	dead = legacy_kprobe_child(&ready_dead);
	ok(tu_child_ready(ready_dead), "death: a second child holds two legacy kprobes");
	kill(dead, SIGKILL);
	waitpid(dead, NULL, 0);
	is_int(tu_events_of(dead), 2, "death: SIGKILL left the dead child's two kprobe events");

	n = bl_tracefs_cleanup_stale(&err);
	ok(n >= 2, "death: the next run's cleanup removed them (%d removed)", n);
	snprintf(needle, sizeof(needle), "bpfload_%d_", (int)dead);
	like(err.msg, needle, "death: the report names the dead owner's events");
	is_int(tu_events_of(dead), 0, "death: the dead child's events are gone");
	is_int(tu_events_of(alive), 2, "death: the live child's events are kept");
	is_int(tu_events_of(getpid()), 1, "death: our own event is kept");

	kill(alive, SIGTERM);
	waitpid(alive, NULL, 0);
	is_int(tu_events_of(alive), 0, "death: the live child removed its events on SIGTERM");
	bl_link_detach(mine);
	is_int(bl_tracefs_cleanup_stale(&err), 0, "death: a second cleanup finds nothing of ours");
}

int main(void)
{
	static const char *const names[] = { "kp_open", "kret_open", "ks_getpid", "kp_open0" };
	struct bl_program **const progs[] = { &p_open, &p_ret, &p_getpid, &p_open0 };
	char path[300], why[512];
	__u32 ids[4];

	if (geteuid())
		tap_skip_all("needs root");
	obj = tu_load_for_self("attach_kprobe", names, progs, ids, 4, why, sizeof(why));
	if (!obj)
		tap_bail("%s", why);

	test_ksyscall_symbol();
	snprintf(path, sizeof(path), "%s/kprobe_events", tu_tracefs_dir());
	if (!has_pmu() && access(path, F_OK)) {
		test_no_kprobes();
	} else {
		test_kprobe_paths();
		test_kretprobe("kretprobe", NULL, "kretprobe do_sys_openat2 via ");
		test_kretprobe("kretprobe maxactive", &(struct bl_kprobe_opts){ .maxactive = 64 },
			       "maxactive 64");
		test_syscall();
		test_offset();
		test_attach_all();
		test_missing();
		test_process_death();
	}

	bl_object_close(obj);
	for (int i = 0; i < 4; i++) {
		is_int(tu_links_of(ids[i]), 0, "close: no link of program %u left", ids[i]);
		ok(tu_prog_gone(ids[i]), "close: program %u is gone", ids[i]);
	}
	is_int(tu_events_of(getpid()), 0, "close: no tracefs event of ours left");
	return tap_done();
}
