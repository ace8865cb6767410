// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_core.c - CO-RE relocations applied at load, checked in the kernel.
 *
 *  - core_values.o (a socket filter that stores one relocated constant
 *    per record kind in .bss) is loaded, run with BPF_PROG_TEST_RUN, and
 *    every value compared with what this test computes itself by walking
 *    /sys/kernel/btf/vmlinux (offsets, sizes, bitfield shifts, type ids,
 *    enum values).  Then the same object is loaded again with
 *    btf_custom_path set to each Debian kernel's vmlinux in
 *    tests/vm/cache (5.10, 6.1, 6.12, when fetched): the constants must
 *    now follow that kernel's layout.
 *  - core_task.o reads the current task through BL_CORE_READ (pid,
 *    tgid, real_parent->tgid, group_leader->pid, comm, mm->arg_start
 *    inside mm_struct's anonymous struct, state or __state by flavour)
 *    when run by BPF_PROG_TEST_RUN, and must find this process.
 *  - core_missing.o: a guarded read of a field no kernel has loads and
 *    takes the other branch; an unguarded one fails to load with a
 *    message naming the program, instruction and relocation.
 *  - a missing btf_custom_path is refused by name; the program's own
 *    instructions are left unrelocated (a failed load can be retried).
 *
 * Needs root and /sys/kernel/btf/vmlinux.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/sys.h>
#include "object/btf.h"
#include "object/core.h"
#include "object/object.h"
#include "kernel/kernel.h"
#include "tap.h"
#include "testutil.h"

/* ---- our own BTF walk, for the expected values ----------------------------- */

struct member {
	__u32 bit_off;
	__u32 bitfield;			/* bits, 0 when not a bitfield */
	__u32 type;
};

/* Member name of struct/union id, also inside anonymous members. */
static int find_member(const struct bl_btf *btf, __u32 id, const char *name, struct member *out,
		       __u32 base, int depth)
{
	const struct btf_type *t = bl_btf_resolve(btf, id, &id);
	const struct btf_member *m;

	if (!t || depth > 8 || (bl_btf_kind(t) != BTF_KIND_STRUCT &&
				 bl_btf_kind(t) != BTF_KIND_UNION))
		return -ENOENT;
	m = bl_btf_extra(t);
	for (__u32 i = 0; i < bl_btf_vlen(t); i++) {
		const char *n = bl_btf_str(btf, m[i].name_off);
		__u32 off = bl_btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(m[i].offset) : m[i].offset;

		if (n && !*n && !find_member(btf, m[i].type, name, out, base + off, depth + 1))
			return 0;
		if (n && !strcmp(n, name)) {
			out->bit_off = base + off;
			out->bitfield = bl_btf_kflag(t) ? BTF_MEMBER_BITFIELD_SIZE(m[i].offset) : 0;
			out->type = m[i].type;
			return 0;
		}
	}
	return -ENOENT;
}

static __u32 struct_id(const struct bl_btf *btf, const char *name)
{
	return bl_btf_find(btf, name, BTF_KIND_STRUCT);
}

static __u64 type_size(const struct bl_btf *btf, __u32 id)
{
	__u32 size = 0;

	bl_btf_type_size(btf, id, &size);
	return size;
}

static bool int_signed(const struct bl_btf *btf, __u32 id)
{
	const struct btf_type *t = bl_btf_resolve(btf, id, NULL);
	__u32 data;

	if (!t || bl_btf_kind(t) != BTF_KIND_INT)
		return false;
	memcpy(&data, bl_btf_extra(t), sizeof(data));
	return BTF_INT_ENCODING(data) & BTF_INT_SIGNED;
}

static bool enum_value(const struct bl_btf *btf, const char *enum_name, const char *val,
		       __s64 *out)
{
	__u32 id = bl_btf_find(btf, enum_name, BTF_KIND_ENUM);
	const struct btf_type *t = bl_btf_type(btf, id);
	const struct btf_enum *e;

	if (!t)
		return false;
	e = bl_btf_extra(t);
	for (__u32 i = 0; i < bl_btf_vlen(t); i++) {
		if (!strcmp(bl_btf_str(btf, e[i].name_off), val)) {
			*out = e[i].val;
			return true;
		}
	}
	return false;
}

/* ---- core_values ------------------------------------------------------------- */

/* The order of enum core_value_idx in tests/objs/core_values.c. */
enum {
	V_PID_OFF, V_PID_SIZE, V_PID_EXISTS, V_PID_SIGNED,
	V_FLAGS_SIGNED, V_COMM_OFF, V_COMM_SIZE, V_COMM3_OFF,
	V_PARENT_OFF, V_PARENT_SIZE,
	V_BF_OFF, V_BF_SIZE, V_BF_LSHIFT, V_BF_RSHIFT, V_BF_SIGNED,
	V_NOPE_EXISTS,
	V_SKB_LEN_OFF, V_SKB_NEXT_OFF,
	V_TASK_EXISTS, V_TASK_SIZE, V_TASK_ID_KERNEL, V_TASK_ID_LOCAL,
	V_NOSTRUCT_EXISTS, V_NOSTRUCT_SIZE,
	V_ENUM_TGID_EXISTS, V_ENUM_TGID, V_ENUM_MAX, V_ENUM_NOPE_EXISTS,
	V_TASK_MATCHES, V_NOSTRUCT_MATCHES, V_TASK_MISMATCH,
	V_NR,
};

static const char *const value_names[V_NR] = {
	"task_struct.pid offset", "task_struct.pid size", "task_struct.pid exists",
	"task_struct.pid signed", "task_struct.flags signed", "task_struct.comm offset",
	"task_struct.comm size", "task_struct.comm[3] offset", "task_struct.real_parent offset",
	"task_struct.real_parent size", "task_struct.in_execve (bitfield) offset",
	"task_struct.in_execve size", "task_struct.in_execve lshift",
	"task_struct.in_execve rshift", "task_struct.in_execve signed",
	"task_struct___nope.no_kernel_has_this_field exists", "sk_buff.len offset",
	"sk_buff.next offset (in anonymous unions)", "struct task_struct exists",
	"struct task_struct size", "struct task_struct kernel type id",
	"struct task_struct local type id", "struct no_kernel_has_this_struct exists",
	"struct no_kernel_has_this_struct size", "PIDTYPE_TGID exists", "PIDTYPE_TGID value",
	"PIDTYPE_MAX value", "PIDTYPE_NO_KERNEL_HAS_THIS exists",
	"task_struct___match (pid, tgid, real_parent) type matches",
	"no_kernel_has_this_struct type matches", "task_struct___mismatch (long pid) type matches",
};

/* A bitfield's load: the smallest naturally aligned unit, from the
 * member's own type size up, that holds all its bits. */
static void bitfield_expect(const struct bl_btf *btf, const struct member *m, __u64 *v)
{
	__u64 sz = type_size(btf, m->type), off = m->bit_off / 8 / sz * sz;

	while (m->bit_off + m->bitfield - off * 8 > sz * 8) {
		sz *= 2;
		off = m->bit_off / 8 / sz * sz;
	}
	v[V_BF_OFF] = off;
	v[V_BF_SIZE] = sz;
	v[V_BF_LSHIFT] = 64 - (m->bit_off + m->bitfield - off * 8);
	v[V_BF_RSHIFT] = 64 - m->bitfield;
	v[V_BF_SIGNED] = int_signed(btf, m->type);
}

static int expect_values(const struct bl_btf *btf, const struct bl_btf *local, __u64 *v)
{
	__u32 task = struct_id(btf, "task_struct"), skb = struct_id(btf, "sk_buff");
	struct member pid, flags, comm, parent, bf, len, next;
	__s64 e;

	if (!task || !skb || find_member(btf, task, "pid", &pid, 0, 0) ||
	    find_member(btf, task, "flags", &flags, 0, 0) ||
	    find_member(btf, task, "comm", &comm, 0, 0) ||
	    find_member(btf, task, "real_parent", &parent, 0, 0) ||
	    find_member(btf, task, "in_execve", &bf, 0, 0) ||
	    find_member(btf, skb, "len", &len, 0, 0) || find_member(btf, skb, "next", &next, 0, 0))
		return -ENOENT;
	memset(v, 0, V_NR * sizeof(*v));
	v[V_PID_OFF] = pid.bit_off / 8;
	v[V_PID_SIZE] = type_size(btf, pid.type);
	v[V_PID_EXISTS] = 1;
	v[V_PID_SIGNED] = int_signed(btf, pid.type);
	v[V_FLAGS_SIGNED] = int_signed(btf, flags.type);
	v[V_COMM_OFF] = comm.bit_off / 8;
	v[V_COMM_SIZE] = type_size(btf, comm.type);
	v[V_COMM3_OFF] = comm.bit_off / 8 + 3;
	v[V_PARENT_OFF] = parent.bit_off / 8;
	v[V_PARENT_SIZE] = 8;
	bitfield_expect(btf, &bf, v);
	v[V_SKB_LEN_OFF] = len.bit_off / 8;
	v[V_SKB_NEXT_OFF] = next.bit_off / 8;
	v[V_TASK_EXISTS] = 1;
	v[V_TASK_SIZE] = type_size(btf, task);
	v[V_TASK_ID_KERNEL] = task;
	v[V_TASK_ID_LOCAL] = struct_id(local, "task_struct");
	v[V_ENUM_TGID_EXISTS] = enum_value(btf, "pid_type", "PIDTYPE_TGID", &e);
	v[V_ENUM_TGID] = e;
	if (enum_value(btf, "pid_type", "PIDTYPE_MAX", &e))
		v[V_ENUM_MAX] = e;
	v[V_TASK_MATCHES] = 1;
	return 0;
}

static int run_socket_prog(struct bl_object *obj, const char *name)
{
	unsigned char frame[64];
	__u32 retval;

	tu_make_frame(frame, sizeof(frame), 17, false);
	return tu_test_run(bl_program_fd(bl_object_find_program(obj, name)), frame,
			   sizeof(frame), &retval);
}

/* Load core_values.o against btf (custom_path: the file it came from,
 * NULL for the running kernel) and compare every constant. */
static void check_values(const struct bl_btf *btf, const char *custom_path, const char *label)
{
	struct bl_load_opts lo = { .btf_custom_path = custom_path };
	struct bl_object *obj = bl_object_open(tu_obj_path_or_cwd("core_values"), NULL, NULL);
	__u64 want[V_NR], got[V_NR], have_matches = 0;
	int err;

	if (!ok(obj != NULL, "%s: open core_values.o", label))
		return;
	if (!ok(!expect_values(btf, obj->btf, want), "%s: the kernel BTF has task_struct and"
		" sk_buff with the members the test reads", label))
		goto out;
	err = bl_object_load(obj, &lo);
	if (!ok(!err, "%s: load core_values.o (CO-RE against %s)", label,
		custom_path ? custom_path : "/sys/kernel/btf/vmlinux")) {
		tu_diag_lines(bl_object_error(obj));
		goto out;
	}
	err = run_socket_prog(obj, "core_values");
	ok(!err, "%s: test run core_values", label);
	err = bl_object_get_global(obj, "values", got, sizeof(got));
	bl_object_get_global(obj, "have_type_matches", &have_matches, sizeof(have_matches));
	if (!ok(!err, "%s: read .bss values", label))
		goto out;
	for (int i = 0; i < V_NR; i++) {
		if (i >= V_TASK_MATCHES && !have_matches) {
			tap_skip(value_names[i], "type matches needs clang 15 or newer");
			continue;
		}
		is_int(got[i], want[i], "%s: %s", label, value_names[i]);
	}
out:
	bl_object_close(obj);
}

/* The Debian kernels' vmlinux images the VM tests boot, if fetched. */
static void check_values_cached_kernels(void)
{
	const char *dir = getenv("BPFLOAD_VM_CACHE") ? getenv("BPFLOAD_VM_CACHE") :
			  "tests/vm/cache";
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort), found = 0;

	for (int i = 0; i < n; i++) {
		char path[4096];
		struct bl_btf *btf = NULL;
		struct bl_error e = { 0 };
		unsigned char *raw;
		FILE *f;
		long size;

		if (strncmp(names[i]->d_name, "vmlinux-", 8))
			goto next;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		f = fopen(path, "rb");
		if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) ||
		    !(raw = malloc(size))) {
			if (f)
				fclose(f);
			goto next;
		}
		if (fread(raw, 1, size, f) == (size_t)size &&
		    !bl_btf_parse_image(raw, size, NULL, path, &btf, &e)) {
			found++;
			check_values(btf, path, names[i]->d_name + 8);
		} else {
			ok(0, "%s: parse the BTF of %s", names[i]->d_name, path);
			tap_diag("%s", e.msg);
		}
		bl_btf_free(btf);
		free(raw);
		fclose(f);
next:
		free(names[i]);
	}
	free(names);
	if (!found)
		tap_skip("relocate for the Debian kernels", "no vmlinux images in %s (run"
			 " tests/vm/fetch-kernels)", dir);
}

/* ---- core_task ------------------------------------------------------------------ */

struct core_task_out {
	__s64 pid, tgid, ppid, leader_pid;
	__u64 arg_start, arg_end;
	char comm[16];
	char comm1;
	__u64 flags, has_old_state, has_new_state, state, never_exists;
	__s64 never_value;
	__u64 task_size, runs;
};

/* Fields 3.. of /proc/self/stat (after "pid (comm) "). */
static int self_stat(unsigned long long *f, int n)
{
	char buf[2048];
	FILE *fp = fopen("/proc/self/stat", "r");
	size_t len = fp ? fread(buf, 1, sizeof(buf) - 1, fp) : 0;
	char *p;
	int i = 3;

	if (fp)
		fclose(fp);
	buf[len] = '\0';
	p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	p++;
	while (*p && i < n) {
		while (*p == ' ')
			p++;
		if (*p == '-' || (*p >= '0' && *p <= '9'))
			f[i] = strtoull(p, &p, 10);
		else
			while (*p && *p != ' ')
				p++;
		i++;
	}
	return 0;
}

static void check_task(const struct bl_btf *vmlinux)
{
	struct bl_object *obj = bl_object_open(tu_obj_path_or_cwd("core_task"), NULL, NULL);
	struct bl_test_run_opts o = { 0 };
	struct core_task_out out;
	unsigned long long st[64] = { 0 };
	char comm[17] = "";
	bool new_state = false;
	struct member m;

	if (!ok(obj != NULL, "open core_task.o"))
		return;
	if (!ok(!bl_object_load(obj, NULL), "load core_task.o (BL_CORE_READ chains)")) {
		tu_diag_lines(bl_object_error(obj));
		goto out;
	}
	ok(!bl_sys_prog_test_run(bl_program_fd(bl_object_find_program(obj, "core_task")), &o),
	   "test run core_task (raw_tp: the current task is this process)");
	if (!ok(!bl_object_get_global(obj, "out", &out, sizeof(out)) && out.runs == 1,
		"core_task ran once"))
		goto out;
	prctl(PR_GET_NAME, comm);
	self_stat(st, 64);
	is_int(out.pid, getpid(), "BL_CORE_READ(t, pid) is getpid()");
	is_int(out.tgid, getpid(), "BL_CORE_READ(t, tgid) is getpid() (single thread)");
	is_int(out.ppid, getppid(), "BL_CORE_READ(t, real_parent, tgid) is getppid()");
	is_int(out.leader_pid, getpid(), "BL_CORE_READ(t, group_leader, pid) is getpid()");
	is_str(out.comm, comm, "BL_CORE_READ_STR_INTO(comm, t, comm) is PR_GET_NAME");
	is_int(out.comm1, comm[1], "comm[1] through an indexed access");
	is_int(out.arg_start, st[48], "mm->arg_start (in mm_struct's anonymous struct) is"
	       " /proc/self/stat field 48");
	is_int(out.arg_end, st[49], "mm->arg_end is /proc/self/stat field 49");
	ok(out.flags && !(out.flags & 0x00200000), "task flags read (0x%llx), not a kthread",
	   (unsigned long long)out.flags);
	new_state = !find_member(vmlinux, struct_id(vmlinux, "task_struct"), "__state", &m, 0, 0);
	is_int(out.has_new_state, new_state, "task_struct___new.__state exists iff the kernel"
	       " has __state");
	is_int(out.has_old_state, !new_state, "task_struct___old.state exists iff it has not");
	is_int(out.state, 0, "the running task's state is TASK_RUNNING (0)");
	is_int(out.never_exists, 0, "a field no kernel has does not exist");
	is_int(out.never_value, 0, "its guarded (poisoned) read never ran");
	is_int(out.task_size, type_size(vmlinux, struct_id(vmlinux, "task_struct")),
	       "bl_core_type_size(struct task_struct) is the kernel's");
out:
	bl_object_close(obj);
}

/* ---- core_missing and errors ------------------------------------------------------ */

static void check_missing(void)
{
	struct bl_object *obj = bl_object_open(tu_obj_path_or_cwd("core_missing"), NULL, NULL);
	struct bl_test_run_opts o = { 0 };
	const struct bpf_insn *insn;
	const char *msg;
	long seen = 0;
	int err;

	if (!ok(obj != NULL, "open core_missing.o"))
		return;
	bl_program_set_autoload(bl_object_find_program(obj, "unguarded"), false);
	err = bl_object_load(obj, NULL);
	if (!ok(!err, "a guarded read of a missing field loads (the poisoned path is dead)"))
		tu_diag_lines(bl_object_error(obj));
	if (!err) {
		bl_sys_prog_test_run(bl_program_fd(bl_object_find_program(obj, "guarded")), &o);
		bl_object_get_global(obj, "seen", &seen, sizeof(seen));
		is_int(seen, -1, "and takes the branch for kernels without the field");
	}
	bl_object_close(obj);

	obj = bl_object_open(tu_obj_path_or_cwd("core_missing"), NULL, NULL);
	if (!obj)
		return;
	bl_program_set_autoload(bl_object_find_program(obj, "guarded"), false);
	err = bl_object_load(obj, NULL);
	msg = bl_object_error(obj);
	ok(err == -EACCES || err == -EINVAL, "an unguarded read of a missing field fails to load"
	   " (%d)", err);
	like(msg, "program 'unguarded' insn 1: CO-RE field offset of struct"
	     " task_struct___gone.no_kernel_has_this_field (0:1): no such field in the target"
	     " kernel", "the error names the program, insn, relocation and access string");
	like(msg, "the verifier reached an instruction CO-RE could not relocate",
	     "and says the verifier reached the poisoned instruction");
	insn = bl_program_insns(bl_object_find_program(obj, "unguarded"));
	ok(insn && insn[1].imm == 8 && insn[1].code != (BPF_JMP | BPF_CALL),
	   "the program's own instructions are left as compiled (a retry relocates again)");
	bl_object_close(obj);
}

static void check_bad_custom_path(void)
{
	struct bl_load_opts lo = { .btf_custom_path = "/nonexistent/vmlinux.btf" };
	struct bl_object *obj = bl_object_open(tu_obj_path_or_cwd("core_values"), NULL, NULL);
	int err;

	if (!obj)
		return;
	err = bl_object_load(obj, &lo);
	is_int(err, -ENOENT, "a missing btf_custom_path fails the load");
	like(bl_object_error(obj), "/nonexistent/vmlinux.btf", "naming the file");
	bl_object_close(obj);
}

int main(void)
{
	const char *why = tu_bpf_unavailable();
	struct bl_btf *vmlinux = NULL;
	struct bl_error e = { 0 };

	if (why)
		tap_skip_all("%s", why);
	if (bl_vmlinux_btf_open(&vmlinux, &e))
		tap_skip_all("no kernel BTF: %s", e.msg);
	check_values(vmlinux, NULL, "running kernel");
	check_values_cached_kernels();
	check_task(vmlinux);
	check_missing();
	check_bad_custom_path();
	bl_btf_free(vmlinux);
	return tap_done();
}
