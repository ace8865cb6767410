// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_attach_fentry.c - fentry and fexit on do_sys_openat2.
 *
 * They need BPF trampolines.  A kernel that refuses them (the development
 * host) fails the load with EPERM before verification: the test checks
 * that the error says so and skips the rest.  Built static, it runs in
 * the VM guests, whose kernels have trampolines: there both programs are
 * attached from their section names and through bl_attach_tracing(),
 * and count exactly (target_tgid), fexit also seeing the return value.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/attach.h>
#include <bpfload/sys.h>
#include "tap.h"

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

/* ---- the tests -------------------------------------------------------------- */

static struct bl_object *obj;
static struct bl_program *p_entry, *p_exit;
static int last_fd;

static void do_opens(int n)
{
	for (int i = 0; i < n; i++) {
		last_fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (last_fd >= 0)
			close(last_fd);
	}
}

static void check_counts(const char *name, int n)
{
	set_u64(obj, "entry_count", 0);
	set_u64(obj, "exit_count", 0);
	do_opens(n);
	is_int(get_u64(obj, "entry_count"), n, "%s: fentry counts %d", name, n);
	is_int(get_u64(obj, "exit_count"), n, "%s: fexit counts %d", name, n);
	is_int((long long)get_u64(obj, "exit_last"), last_fd,
	       "%s: fexit sees the return value (%d)",
	       name, last_fd);
}

/* Open and load; NULL when the kernel refused (checked) or on failure. */
static struct bl_object *load(bool *refused)
{
	struct bl_error err = { 0 };
	__u32 tgid = getpid();
	struct bl_object *o = bl_object_open(obj_path("attach_fentry"), NULL, &err);
	const char *msg;

	*refused = false;
	if (!o)
		tap_bail("cannot open attach_fentry.o: %s", err.msg);
	bl_object_set_global(o, "target_tgid", &tgid, sizeof(tgid));
	if (!bl_object_load(o, NULL)) {
		p_entry = bl_object_find_program(o, "fe_open");
		p_exit = bl_object_find_program(o, "fx_open");
		if (!p_entry || !p_exit)
			tap_bail("attach_fentry.o lacks a program");
		return o;
	}
	msg = bl_object_error(o);
	tap_diag("%s", msg);
	if (strstr(msg, "EPERM")) {
		*refused = true;
		like(msg, "EPERM", "refused: the load error names EPERM");
		like(msg, "trampolines", "refused: and says trampolines are missing");
		like(msg, "fentry/do_sys_openat2", "refused: and names the section");
	} else {
		ok(0, "load attach_fentry.o");
	}
	bl_object_close(o);
	return NULL;
}

/* From the section names; bl_object_close() must detach them. */
static void test_sections(void)
{
	struct bl_error err = { 0 };
	__u32 ids[2] = { bl_program_id(p_entry), bl_program_id(p_exit) };
	int n = bl_object_attach_all(obj, &err);

	is_int(n, 2, "sections: fentry and fexit attached from their names");
	if (n < 0)
		tap_diag("%s", err.msg);
	check_counts("sections", 27);
	is_int(links_of(ids[0]), 1, "sections: the kernel lists the fentry link");
	bl_object_close(obj);
	obj = NULL;
	for (int i = 0; i < 2; i++) {
		is_int(links_of(ids[i]), 0, "close: no link of program %u left", ids[i]);
		ok(prog_gone(ids[i]), "close: program %u is gone", ids[i]);
	}
}

/* Through bl_attach_tracing(), detach, and attach again. */
static void test_api(void)
{
	struct bl_error err = { 0 };
	__u32 id = bl_program_id(p_entry);
	struct bl_link *l = bl_attach_tracing(bl_program_fd(p_entry), &err);

	if (!ok(l != NULL, "api: bl_attach_tracing(fentry)"))
		tap_diag("%s", err.msg);
	set_u64(obj, "entry_count", 0);
	do_opens(5);
	is_int(get_u64(obj, "entry_count"), 5, "api: fentry counts 5");
	like(bl_link_describe(l), "bpf_link", "api: %s", bl_link_describe(l));
	is_int(bl_link_detach(l), 0, "api: detach");
	is_int(links_of(id), 0, "api: no link left");
	do_opens(2);
	is_int(get_u64(obj, "entry_count"), 5, "api: nothing counted after detach");

	l = bl_attach_tracing(bl_program_fd(p_entry), &err);
	if (!l && err.err == -ENOENT) {
		/* e.g. 5.10: the load-time target is used up by the first attach */
		like(err.msg, "only once", "api: re-attach refused by this kernel, and said so");
	} else if (ok(l != NULL, "api: attach again after a detach")) {
		do_opens(4);
		is_int(get_u64(obj, "entry_count"), 9, "api: counts again");
	}
	bl_link_detach(l);
	bl_object_close(obj);
	obj = NULL;
	ok(prog_gone(id), "api: program %u is gone after close", id);
}

int main(void)
{
	bool refused;

	if (geteuid())
		tap_skip_all("needs root");
	obj = load(&refused);
	if (!obj) {
		if (refused)
			tap_skip("fentry/fexit firing", "this kernel refuses BPF trampolines: these"
				 " run in the VM guests (make vmtest)");
		return tap_done();
	}
	test_sections();
	obj = load(&refused);
	if (obj)
		test_api();
	return tap_done();
}
