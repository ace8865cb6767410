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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/attach.h>
#include <bpfload/sys.h>
#include "tap.h"
#include "testutil.h"

/* ---- the tests -------------------------------------------------------------- */

static struct bl_object *obj;
static struct bl_program *p_entry, *p_exit;

static void check_counts(const char *name, int n)
{
	int last_fd;

	tu_set_u64(obj, "entry_count", 0);
	tu_set_u64(obj, "exit_count", 0);
	last_fd = tu_do_opens(n);
	is_int(tu_get_u64(obj, "entry_count"), n, "%s: fentry counts %d", name, n);
	is_int(tu_get_u64(obj, "exit_count"), n, "%s: fexit counts %d", name, n);
	is_int((long long)tu_get_u64(obj, "exit_last"), last_fd,
	       "%s: fexit sees the return value (%d)",
	       name, last_fd);
}

/* Open and load; NULL when the kernel refused (checked) or on failure. */
static struct bl_object *load(bool *refused)
{
	struct bl_error err = { 0 };
	__u32 tgid = getpid();
	struct bl_object *o = bl_object_open(tu_obj_path("attach_fentry"), NULL, &err);
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
	is_int(tu_links_of(ids[0]), 1, "sections: the kernel lists the fentry link");
	bl_object_close(obj);
	obj = NULL;
	for (int i = 0; i < 2; i++) {
		is_int(tu_links_of(ids[i]), 0, "close: no link of program %u left", ids[i]);
		ok(tu_prog_gone(ids[i]), "close: program %u is gone", ids[i]);
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
	tu_set_u64(obj, "entry_count", 0);
	tu_do_opens(5);
	is_int(tu_get_u64(obj, "entry_count"), 5, "api: fentry counts 5");
	like(bl_link_describe(l), "bpf_link", "api: %s", bl_link_describe(l));
	is_int(bl_link_detach(l), 0, "api: detach");
	is_int(tu_links_of(id), 0, "api: no link left");
	tu_do_opens(2);
	is_int(tu_get_u64(obj, "entry_count"), 5, "api: nothing counted after detach");

	l = bl_attach_tracing(bl_program_fd(p_entry), &err);
	if (!l && err.err == -ENOENT) {
		/* e.g. 5.10: the load-time target is used up by the first attach */
		like(err.msg, "only once", "api: re-attach refused by this kernel, and said so");
	} else if (ok(l != NULL, "api: attach again after a detach")) {
		tu_do_opens(4);
		is_int(tu_get_u64(obj, "entry_count"), 9, "api: counts again");
	}
	bl_link_detach(l);
	bl_object_close(obj);
	obj = NULL;
	ok(tu_prog_gone(id), "api: program %u is gone after close", id);
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
