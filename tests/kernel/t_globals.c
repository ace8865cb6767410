// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_globals.c - global variables of tests/objs/globals.o by name, before
 * and after load.
 *
 * Before load, bl_object_set_global/get_global work on the initial image
 * of .data/.rodata/.bss; after load on the live maps (.data and .bss
 * writable, .rodata frozen: set fails with EPERM and says why).  A value
 * set in .rodata before load changes what the program does: weight
 * multiplies weighted_calls, seen by attaching the program to
 * syscalls/sys_enter_getpid and calling getpid() a known number of times
 * (two objects with different weights, side by side).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/sys.h>
#include "tap.h"
#include "testutil.h"

static struct bl_object *open_globals(void)
{
	struct bl_error e = { 0 };
	struct bl_object *obj = bl_object_open(tu_obj_path("globals"), NULL, &e);

	if (!obj)
		tap_diag("cannot open %s: %s", tu_obj_path("globals"), e.msg);
	return obj;
}

static int get_u32(struct bl_object *obj, const char *var, __u32 *v)
{
	*v = 0xdeadbeef;
	return bl_object_get_global(obj, var, v, sizeof(*v));
}

static int get_u64(struct bl_object *obj, const char *var, __u64 *v)
{
	*v = 0xdeadbeef;
	return bl_object_get_global(obj, var, v, sizeof(*v));
}

/* Before load: the initial image, as the ELF file has it. */
static void test_before_load(void)
{
	struct bl_object *obj = open_globals();
	__u32 u32v, primes[4] = { 0 };
	__u64 u64v;
	char tag[8];
	size_t size = 0;
	const __u32 *ro;
	int err;

	if (!ok(obj != NULL, "open globals.o"))
		return;
	err = get_u32(obj, "target_pid", &u32v);
	ok(!err && u32v == 0, "before load: target_pid = 0 (%u)", u32v);
	err = get_u32(obj, "weight", &u32v);
	ok(!err && u32v == 1, "before load: weight = 1 (%u)", u32v);
	err = bl_object_get_global(obj, "primes", primes, sizeof(primes));
	ok(!err && primes[0] == 2 && primes[1] == 3 && primes[2] == 5 && primes[3] == 7,
	   "before load: primes = {2, 3, 5, 7}");
	err = get_u64(obj, "data_calls", &u64v);
	ok(!err && u64v == 100, "before load: data_calls = 100 (%llu)", (unsigned long long)u64v);
	err = get_u64(obj, "getpid_calls", &u64v);
	ok(!err && u64v == 0, "before load: getpid_calls (.bss) = 0");
	err = get_u64(obj, "static_calls", &u64v);
	ok(!err && u64v == 0, "before load: static_calls (static, .bss + 16) = 0");
	memset(tag, 'x', sizeof(tag));
	err = bl_object_get_global(obj, "last_tag", tag, sizeof(tag));
	ok(!err && !memcmp(tag, "\0\0\0\0\0\0\0\0", 8), "before load: last_tag all zero");

	/* the image behind bl_map_data() is what get/set work on */
	ro = bl_map_data(bl_object_find_map(obj, ".rodata"), &size);
	ok(ro && size == 24 && ro[0] == 0 && ro[1] == 1 && ro[2] == 2 && ro[5] == 7,
	   "before load: bl_map_data(.rodata) is the 24-byte initial image");
	u32v = 9;
	is_int(bl_object_set_global(obj, "weight", &u32v, sizeof(u32v)), 0,
	       "before load: set weight = 9");
	ok(ro && ro[1] == 9, "before load: the image shows weight 9");
	err = get_u32(obj, "weight", &u32v);
	ok(!err && u32v == 9, "before load: get weight = 9");

	/* errors: wrong size, unknown name */
	u64v = 1;
	is_int(bl_object_set_global(obj, "weight", &u64v, sizeof(u64v)), -EINVAL,
	       "set weight with 8 bytes: EINVAL");
	like(bl_object_error(obj), "is 4 bytes, not 8", "message gives both sizes");
	is_int(bl_object_get_global(obj, "no_such_var", &u32v, 4), -ENOENT,
	       "get no_such_var: ENOENT");
	like(bl_object_error(obj), "no_such_var", "message names the variable");
	is_int(bl_object_set_global(obj, "count_getpid", &u32v, 4), -ENOENT,
	       "a function is not a global variable: ENOENT");
	bl_object_close(obj);
}

/* After load: live maps; .rodata frozen. */
static void test_after_load(void)
{
	struct bl_object *obj = open_globals();
	struct bl_map *bss, *data;
	__u32 u32v, key = 0;
	__u64 u64v, bss_val[5];
	const char *msg;
	int err, pid = getpid();

	if (!ok(obj != NULL, "open globals.o"))
		return;
	u64v = 1000;
	is_int(bl_object_set_global(obj, "data_calls", &u64v, 8), 0,
	       "before load: set data_calls (.data) = 1000");
	u64v = 5;
	is_int(bl_object_set_global(obj, "prime_sum", &u64v, 8), 0,
	       "before load: set prime_sum (.bss) = 5");
	is_int(bl_object_set_global(obj, "target_pid", &pid, 4), 0,
	       "before load: set target_pid = %d", pid);
	if (!is_int(bl_object_load(obj, NULL), 0, "load")) {
		tu_diag_lines(bl_object_error(obj));
		bl_object_close(obj);
		return;
	}
	bss = bl_object_find_map(obj, ".bss");
	data = bl_object_find_map(obj, ".data");

	/* the values set before load went into the maps */
	err = get_u64(obj, "data_calls", &u64v);
	ok(!err && u64v == 1000, "after load: data_calls = 1000 (%llu)",
	   (unsigned long long)u64v);
	u64v = 0;
	err = bl_map_lookup(data, &key, &u64v);
	ok(!err && u64v == 1000, "after load: the .data map holds 1000");
	memset(bss_val, 0xff, sizeof(bss_val));
	err = bl_map_lookup(bss, &key, bss_val);
	ok(!err && bss_val[3] == 5 && bss_val[0] == 0, "after load: the .bss map holds prime_sum 5");
	err = get_u32(obj, "target_pid", &u32v);
	ok(!err && (int)u32v == pid, "after load: target_pid = %d (read from .rodata)", pid);

	/* .rodata: frozen */
	u32v = 2;
	err = bl_object_set_global(obj, "weight", &u32v, 4);
	is_int(err, -EPERM, "after load: set weight (.rodata): EPERM");
	msg = bl_object_error(obj);
	like(msg, "weight", "message names the variable");
	like(msg, ".rodata", "message names .rodata");
	like(msg, "before bl_object_load", "message says to set it before load");
	err = get_u32(obj, "weight", &u32v);
	ok(!err && u32v == 1, "after load: weight still 1");
	u32v = 0;
	is_int(bl_object_set_global(obj, "primes", &u32v, 4), -EINVAL,
	       "after load: a 4-byte write to the 16-byte primes: EINVAL (size first)");

	/* .data and .bss: writable, live */
	u64v = 4242;
	is_int(bl_object_set_global(obj, "getpid_calls", &u64v, 8), 0,
	       "after load: set getpid_calls (.bss) = 4242");
	memset(bss_val, 0, sizeof(bss_val));
	err = bl_map_lookup(bss, &key, bss_val);
	ok(!err && bss_val[0] == 4242, "after load: the .bss map holds 4242");
	u64v = 77;
	is_int(bl_object_set_global(obj, "static_calls", &u64v, 8), 0,
	       "after load: set static_calls (a static) = 77");
	err = bl_map_lookup(bss, &key, bss_val);
	ok(!err && bss_val[2] == 77, "after load: .bss + 16 holds 77");
	u64v = 1;
	bl_map_update(data, &key, &u64v, BPF_ANY);
	err = get_u64(obj, "data_calls", &u64v);
	ok(!err && u64v == 1, "after load: get_global sees a map update (data_calls = 1)");
	bl_object_close(obj);
}

/*
 * Two objects with weights 3 and 10 attached at once: n getpid() calls
 * give weighted_calls n * 3 and n * 10.  A third object without
 * target_pid (0) counts nothing.
 */
static void test_weight_changes_behaviour(void)
{
	static const __u32 weights[3] = { 3, 10, 0 };
	struct bl_object *objs[3] = { NULL };
	int links[3] = { -1, -1, -1 }, perf[3] = { -1, -1, -1 };
	int pid = getpid(), n = 13;
	__u64 calls[3], weighted[3];
	bool attached = true;

	for (int i = 0; i < 3; i++) {
		objs[i] = open_globals();
		if (!objs[i]) {
			attached = false;
			continue;
		}
		if (weights[i]) {
			bl_object_set_global(objs[i], "target_pid", &pid, 4);
			bl_object_set_global(objs[i], "weight", &weights[i], 4);
		}
		if (!is_int(bl_object_load(objs[i], NULL), 0, "object %d: load", i)) {
			tu_diag_lines(bl_object_error(objs[i]));
			attached = false;
			continue;
		}
		links[i] = tu_attach_tracepoint(bl_program_fd(bl_object_find_program(objs[i],
						"count_getpid")), "syscalls", "sys_enter_getpid",
						&perf[i]);
		if (!ok(links[i] >= 0, "object %d: attached to syscalls/sys_enter_getpid", i)) {
			tap_diag("  %s", strerror(-links[i]));
			attached = false;
		}
	}
	if (attached) {
		for (int i = 0; i < n; i++)
			syscall(SYS_getpid);
		for (int i = 0; i < 3; i++) {
			get_u64(objs[i], "getpid_calls", &calls[i]);
			get_u64(objs[i], "weighted_calls", &weighted[i]);
		}
		ok(calls[0] == (__u64)n && weighted[0] == (__u64)n * 3,
		   "weight 3: %d calls, weighted_calls %llu = %d", n,
		   (unsigned long long)weighted[0], n * 3);
		ok(calls[1] == (__u64)n && weighted[1] == (__u64)n * 10,
		   "weight 10: %d calls, weighted_calls %llu = %d", n,
		   (unsigned long long)weighted[1], n * 10);
		ok(calls[2] == 0 && weighted[2] == 0,
		   "target_pid left at 0: nothing counted (%llu)", (unsigned long long)calls[2]);
	}
	for (int i = 0; i < 3; i++) {
		if (links[i] >= 0)
			close(links[i]);
		if (perf[i] >= 0)
			close(perf[i]);
		bl_object_close(objs[i]);
	}
}

int main(void)
{
	const char *why = tu_unavailable("globals");
	int fds;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (why)
		tap_skip_all("%s", why);
	fds = tu_count_fds();

	test_before_load();
	test_after_load();
	if (tu_tracepoint_id("syscalls", "sys_enter_getpid") > 0)
		test_weight_changes_behaviour();
	else
		tap_skip("weight changes behaviour", "no syscalls/sys_enter_getpid tracepoint");

	is_int(tu_count_fds(), fds, "every fd closed");
	return tap_done();
}
