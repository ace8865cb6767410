// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_attach_kprobe.c - kprobes and kretprobes: the kprobe PMU and the
 * legacy kprobe_events path, bpf links and the ioctl, a syscall entry
 * resolved through /proc/kallsyms, do_sys_openat2 and a function+offset.
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
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/attach.h>
#include <bpfload/sys.h>
#include "tap.h"

#define TRACEFS_MAGIC 0x74726163

#if defined(__x86_64__)
#define SYS_PREFIX "__x64_sys_"
#elif defined(__aarch64__)
#define SYS_PREFIX "__arm64_sys_"
#else
#define SYS_PREFIX "sys_"
#endif

/* ---- helpers (each t_attach_* test has its own copy) --------------------- */

static char obj_dir[PATH_MAX];

static const char *obj_path(const char *name)
{
	static char path[PATH_MAX + 64];
	char exe[PATH_MAX - 16], *slash;
	const char *env = getenv("BPFLOAD_TEST_OBJS");
	ssize_t n;

	if (!obj_dir[0] && env && *env)
		snprintf(obj_dir, sizeof(obj_dir), "%s", env);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (!obj_dir[0] && n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		snprintf(path, sizeof(path), "%s/%s.o", exe, name);
		if (!access(path, R_OK))
			snprintf(obj_dir, sizeof(obj_dir), "%s", exe);
		snprintf(path, sizeof(path), "%s/../objs/%s.o", exe, name);
		if (!obj_dir[0] && !access(path, R_OK))
			snprintf(obj_dir, sizeof(obj_dir), "%s/../objs", exe);
	}
	if (!obj_dir[0])
		snprintf(obj_dir, sizeof(obj_dir), "build/tests/objs");
	snprintf(path, sizeof(path), "%s/%s.o", obj_dir, name);
	return path;
}

static __u64 get_u64(struct bl_object *obj, const char *var)
{
	__u64 v = ~0ULL;

	if (bl_object_get_global(obj, var, &v, sizeof(v)))
		tap_diag("cannot read %s", var);
	return v;
}

static void set_u64(struct bl_object *obj, const char *var, __u64 v)
{
	bl_object_set_global(obj, var, &v, sizeof(v));
}

static int links_of(__u32 prog_id)
{
	__u32 id = 0;
	int n = 0;

	while (!bl_sys_link_get_next_id(id, &id)) {
		struct bpf_link_info info;
		__u32 len = sizeof(info);
		int fd = bl_sys_link_get_fd_by_id(id);

		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		if (!bl_sys_obj_get_info_by_fd(fd, &info, &len) && info.prog_id == prog_id)
			n++;
		close(fd);
	}
	return n;
}

static bool prog_gone(__u32 id)
{
	for (int i = 0; i < 200; i++) {
		int fd = bl_sys_prog_get_fd_by_id(id);

		if (fd == -ENOENT)
			return true;
		if (fd >= 0)
			close(fd);
		usleep(10000);
	}
	return false;
}

static const char *tracefs(void)
{
	struct statfs st;

	if (!statfs("/sys/kernel/tracing", &st) && (unsigned long)st.f_type == TRACEFS_MAGIC)
		return "/sys/kernel/tracing";
	return "/sys/kernel/debug/tracing";
}

static int events_with(const char *file, const char *needle)
{
	char path[256], line[PATH_MAX + 128];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tracefs(), file);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

static int events_of(pid_t pid)
{
	char needle[64];

	snprintf(needle, sizeof(needle), "bpfload_%d_", (int)pid);
	return events_with("kprobe_events", needle) + events_with("uprobe_events", needle);
}

/* ---- the tests -------------------------------------------------------------- */

static struct bl_object *obj;
static struct bl_program *p_open, *p_ret, *p_getpid, *p_open0;
static int last_fd;

/* n calls of do_sys_openat2 (open + close); last_fd is what open gave */
static void do_opens(int n)
{
	for (int i = 0; i < n; i++) {
		last_fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (last_fd >= 0)
			close(last_fd);
	}
}

static void do_getpid(int n)
{
	for (int i = 0; i < n; i++)
		syscall(SYS_getpid);
}

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
	n = links_of(bl_program_id(p_open)) + links_of(bl_program_id(p_ret)) +
	    links_of(bl_program_id(p_getpid)) + links_of(bl_program_id(p_open0));
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
	set_u64(obj, "open_count", 0);
	do_opens(25);
	is_int(get_u64(obj, "open_count"), 25, "%s: 25 calls of do_sys_openat2 counted", name);
	is_int(bl_link_detach(l), 0, "%s: detach", name);
	do_opens(3);
	is_int(get_u64(obj, "open_count"), 25, "%s: nothing counted after detach", name);
	is_int(events_of(getpid()), 0, "%s: no tracefs event of ours left", name);
	is_int(links_of(bl_program_id(p_open)), 0, "%s: no link left", name);
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
		is_int(events_of(getpid()), 1, "legacy: one event in kprobe_events");
	count_opens("legacy", l, &err, "via legacy kprobe_events (kprobes/bpfload_");
	o.force_ioctl = true;
	l = bl_attach_kprobe(fd, "do_sys_openat2", 0, false, &o, &err);
	count_opens("legacy ioctl", l, &err, "ioctl SET_BPF");
}

static void test_kretprobe(const char *name, const struct bl_kprobe_opts *o, const char *via)
{
	struct bl_error err = { 0 };
	struct bl_link *l;

	set_u64(obj, "ret_count", 0);
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
		is_int(events_with("kprobe_events", needle), 1, "%s: kprobe_events has %s...", name,
		       needle);
	}
	set_u64(obj, "ret_count", 0);	/* reading kprobe_events opened a file */
	do_opens(31);
	is_int(get_u64(obj, "ret_count"), 31, "%s: 31 returns counted", name);
	is_int((long long)get_u64(obj, "ret_last"), last_fd, "%s: the return value is the fd (%d)",
	       name, last_fd);
	is_int(bl_link_detach(l), 0, "%s: detach", name);
	is_int(events_of(getpid()), 0, "%s: no tracefs event of ours left", name);
}

static void test_syscall(void)
{
	struct bl_error err = { 0 };
	struct bl_link *l;

	set_u64(obj, "getpid_count", 0);
	l = bl_program_attach(p_getpid, &err);
	if (!ok(l != NULL, "ksyscall: attach ksyscall/getpid from the section name")) {
		tap_diag("%s", err.msg);
		return;
	}
	like(bl_link_describe(l), "sys_getpid", "ksyscall: %s", bl_link_describe(l));
	do_getpid(29);
	is_int(get_u64(obj, "getpid_count"), 29, "ksyscall: 29 getpid() counted");
	bl_link_detach(l);

	set_u64(obj, "getpid_count", 0);
	l = bl_attach_kprobe(bl_program_fd(p_getpid), "sys_getpid", 0, false, NULL, &err);
	if (!ok(l != NULL, "ksyscall: kprobe on sys_getpid")) {
		tap_diag("%s", err.msg);
		return;
	}
	like(bl_link_describe(l), SYS_PREFIX "getpid", "ksyscall: resolved (%s)",
	     bl_link_describe(l));
	do_getpid(7);
	is_int(get_u64(obj, "getpid_count"), 7, "ksyscall: 7 getpid() counted");
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
	set_u64(obj, "open_count", 0);
	set_u64(obj, "ret_count", 0);
	set_u64(obj, "getpid_count", 0);
	set_u64(obj, "open0_count", 0);
	do_opens(12);
	do_getpid(9);
	is_int(get_u64(obj, "open_count"), 12, "attach_all: kprobe counts 12");
	is_int(get_u64(obj, "open0_count"), 12, "attach_all: kprobe at +0x0 counts 12");
	is_int(get_u64(obj, "ret_count"), 12, "attach_all: kretprobe counts 12");
	is_int(get_u64(obj, "getpid_count"), 9, "attach_all: ksyscall counts 9");
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
	is_int(events_of(getpid()), 0, "missing: no event of ours left");
}

int main(void)
{
	struct bl_error err = { 0 };
	__u32 tgid = getpid(), ids[4];
	char path[300];

	if (geteuid())
		tap_skip_all("needs root");
	obj = bl_object_open(obj_path("attach_kprobe"), NULL, &err);
	if (!obj)
		tap_bail("cannot open attach_kprobe.o: %s", err.msg);
	bl_object_set_global(obj, "target_tgid", &tgid, sizeof(tgid));
	if (bl_object_load(obj, NULL))
		tap_bail("cannot load attach_kprobe.o: %s", bl_object_error(obj));
	p_open = bl_object_find_program(obj, "kp_open");
	p_ret = bl_object_find_program(obj, "kret_open");
	p_getpid = bl_object_find_program(obj, "ks_getpid");
	p_open0 = bl_object_find_program(obj, "kp_open0");
	if (!p_open || !p_ret || !p_getpid || !p_open0)
		tap_bail("attach_kprobe.o lacks a program");
	ids[0] = bl_program_id(p_open);
	ids[1] = bl_program_id(p_ret);
	ids[2] = bl_program_id(p_getpid);
	ids[3] = bl_program_id(p_open0);

	test_ksyscall_symbol();
	snprintf(path, sizeof(path), "%s/kprobe_events", tracefs());
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
	}

	bl_object_close(obj);
	for (int i = 0; i < 4; i++) {
		is_int(links_of(ids[i]), 0, "close: no link of program %u left", ids[i]);
		ok(prog_gone(ids[i]), "close: program %u is gone", ids[i]);
	}
	is_int(events_of(getpid()), 0, "close: no tracefs event of ours left");
	return tap_done();
}
