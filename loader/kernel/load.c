// SPDX-License-Identifier: BSD-2-Clause
/*
 * load.c - put an opened object into the kernel.
 *
 * The order matters and mirrors what the kernel needs to know first:
 *
 *   1. BPF_BTF_LOAD   the object's types, so maps and programs can point
 *                     at them (key/value types, func_info, line_info)
 *   2. BPF_MAP_CREATE every map; global data maps get their initial
 *                     contents, .rodata is frozen
 *   3. patch fds      each ld_imm64 that names a map gets the map's fd
 *   4. BPF_PROG_LOAD  every program; the verifier checks it here
 *   5. map slots      map-in-map and prog_array initial values
 *
 * On any failure everything created so far is closed again, so a failed
 * load leaves nothing in the kernel.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kernel/core_load.h"
#include "kernel/kernel.h"
#include "object/btf.h"

int bl_obj_fail(struct bl_object *obj, int err, const char *fmt, ...)
{
	va_list ap;

	free(obj->errmsg);
	obj->errmsg = NULL;
	obj->err.err = err;
	va_start(ap, fmt);
	vsnprintf(obj->err.msg, sizeof(obj->err.msg), fmt, ap);
	va_end(ap);
	bl_scrub_controls(obj->err.msg);
	return err;
}

int bl_obj_fail_msg(struct bl_object *obj, int err, char *msg)
{
	free(obj->errmsg);
	obj->errmsg = bl_scrub_controls(msg);
	obj->err.err = err;
	snprintf(obj->err.msg, sizeof(obj->err.msg), "%s", msg ? msg : "");
	return err;
}

const char *bl_errno_hint(int err, enum bpf_prog_type type)
{
	/* a scratch buffer per thread for the one hint that is composed */
	static __thread char priv[512];

	switch (-err) {
	case EPERM:
		if (bl_privilege_hint(priv, sizeof(priv))[0])
			return priv;
		if (type == BPF_PROG_TYPE_TRACING || type == BPF_PROG_TYPE_EXT ||
		    type == BPF_PROG_TYPE_LSM)
			return "the kernel refused the program before verification: it needs"
			       " BPF trampolines (CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS,"
			       " CONFIG_BPF_LSM for lsm/), which this kernel does not allow";
		return "refused although this process has CAP_BPF, CAP_PERFMON and"
		       " CAP_SYS_ADMIN: a security module (LSM) or kernel lockdown forbids it";
	case EACCES:
		return "the verifier rejected the program; the end of its log says why";
	case EINVAL:
		return "the kernel refused an argument: the program type, attach type or a flag"
		       " may be unknown to this kernel (too old?), or the program is malformed";
	case E2BIG:
		return "too large for the kernel, or the request has fields this kernel does"
		       " not know";
	case ENOMEM:
		return "the kernel could not allocate memory; on kernels before 5.11 raise the"
		       " locked-memory limit (ulimit -l)";
	case ENOSPC:
		return "a log buffer or map was too small";
	case EMFILE:
	case ENFILE:
		return "out of file descriptors: every map, program and link holds one; raise"
		       " the open-file limit (ulimit -n)";
	case ENOENT:
		return "an object it refers to does not exist";
	case EBADF:
		return "a file descriptor passed to the kernel is not valid";
	case EEXIST:
		return "already exists";
	case EOPNOTSUPP:
	case 524:	/* ENOTSUPP */
		return "this kernel does not support it";
	default:
		return NULL;
	}
}

__u32 bl_running_kernel_version(void)
{
	struct utsname u;
	unsigned int a = 0, b = 0, c = 0;

	if (uname(&u) || sscanf(u.release, "%u.%u.%u", &a, &b, &c) < 2)
		return 0;
	return (a << 16) + (b << 8) + (c > 255 ? 255 : c);
}

/*
 * Before 5.11 the memory of maps and programs is charged to the
 * process's RLIMIT_MEMLOCK (64 KiB by default), and BPF_MAP_CREATE or
 * BPF_PROG_LOAD fail with EPERM when it is used up.  Later kernels
 * charge memory cgroups instead and never give that EPERM.  So we react
 * to the kernel's answer rather than to its version: on EPERM, lift the
 * limit and try once more.
 *
 * Lift RLIMIT_MEMLOCK: to unlimited when we may (CAP_SYS_RESOURCE),
 * else the soft limit to the hard one.  True if it grew. */
bool bl_raise_memlock(void)
{
	struct rlimit rl, inf = { RLIM_INFINITY, RLIM_INFINITY };

	if (getrlimit(RLIMIT_MEMLOCK, &rl) || rl.rlim_cur == RLIM_INFINITY)
		return false;
	if (!setrlimit(RLIMIT_MEMLOCK, &inf))
		return true;
	if (rl.rlim_cur == rl.rlim_max)
		return false;
	rl.rlim_cur = rl.rlim_max;
	return setrlimit(RLIMIT_MEMLOCK, &rl) == 0;
}

/* ---- BTF ----------------------------------------------------------------------- */

#define BTF_LOG_SIZE	(64 * 1024)

/*
 * The kernel refused the BTF (err): ask again with a log, whose last line
 * says why (e.g. "[12] VAR x type_id=3 linkage=7 Linkage not supported"),
 * and keep that as the object's BTF warning.  Returns the fd should the
 * second attempt succeed, else err.
 */
static int btf_load_logged(struct bl_object *obj, const void *raw, size_t size, int err)
{
	char *log = calloc(1, BTF_LOG_SIZE);
	char why[96], last[256] = "";
	const char *tail;
	int total, fd;

	if (log) {
		fd = bl_sys_btf_load(raw, size, log, BTF_LOG_SIZE, 1);
		if (fd >= 0) {
			free(log);
			return fd;
		}
		tail = bl_log_tail(log, 1, &total);
		snprintf(last, sizeof(last), "%.*s", (int)strcspn(tail, "\n"), tail);
		free(log);
	}
	free(obj->btf_warning);
	if (asprintf(&obj->btf_warning, "the kernel refused the object's BTF (BPF_BTF_LOAD: %s%s%s);"
		     " loaded without it: maps have no key/value types and programs no"
		     " func/line info", bl_strerror(err, why, sizeof(why)), last[0] ? ": " : "",
		     last) < 0)
		obj->btf_warning = NULL;
	bl_scrub_controls(obj->btf_warning);
	return err;
}

/*
 * The object's BTF is optional for the kernel: without it maps have no
 * key/value types and programs no func/line info, but everything loads.
 * So a kernel that refuses it (too old, or BTF not built in) costs only
 * the debug information, and bl_object_btf_warning() says so.
 */
static void load_btf(struct bl_object *obj)
{
	struct bpf_btf_info info = { 0 };
	__u32 len = sizeof(info);
	size_t size;
	const void *raw;
	int fd;

	void *fixed = NULL;

	if (!obj->btf)
		return;
	/* externs: the kernel wants them as allocated variables */
	if (bl_btf_for_kernel(obj, &fixed, &size) || !fixed)
		raw = bl_btf_raw(obj->btf, &size);
	else
		raw = fixed;
	fd = bl_sys_btf_load(raw, size, NULL, 0, 0);
	if (fd < 0)
		fd = btf_load_logged(obj, raw, size, fd);
	free(fixed);
	if (fd < 0)
		return;
	obj->btf_fd = fd;
	if (!bl_sys_obj_get_info_by_fd(fd, &info, &len))
		obj->btf_id = info.id;
}

/* ---- release ---------------------------------------------------------------- */

static void release_kernel(struct bl_object *obj)
{
	for (size_t i = 0; i < obj->nr_progs; i++) {
		struct bl_program *p = &obj->progs[i];

		if (p->fd >= 0)
			close(p->fd);
		p->fd = -1;
		p->id = 0;
	}
	for (size_t i = 0; i < obj->nr_maps; i++)
		bl_map_release(&obj->maps[i]);
	if (obj->btf_fd >= 0)
		close(obj->btf_fd);
	obj->btf_fd = -1;
	obj->btf_id = 0;
	obj->loaded = false;
}

/* ---- programs ----------------------------------------------------------------- */

static bool needs_vmlinux(const struct bl_object *obj)
{
	for (size_t i = 0; i < obj->nr_progs; i++) {
		const struct bl_program *p = &obj->progs[i];

		if (p->autoload && p->def && (p->def->flags & BL_SEC_F_BTF_TARGET))
			return true;
	}
	return false;
}

/*
 * The kernel's BTF is read once per load, before the first program: for
 * BTF-typed programs (attach targets) and for CO-RE relocations (from
 * btf_custom_path when given, else vmlinux; module BTFs only when a
 * type is missing from it), so a kernel without BTF fails the load
 * before any program is loaded.
 */
static int load_programs(struct bl_object *obj, const struct bl_load_opts *opts,
			 struct bl_kbtf *kb)
{
	int err = 0;

	if (needs_vmlinux(obj)) {
		const struct bl_btf *vmlinux;
		struct bl_error e = { 0 };

		err = bl_kbtf_vmlinux(kb, &vmlinux, &e);
		if (err)
			err = bl_obj_fail(obj, err, "%s", e.msg);
	}
	if (!err && bl_core_needed(obj)) {
		struct bl_core_target *target;
		struct bl_error e = { 0 };

		err = bl_kbtf_core_target(kb, &target, &e);
		if (err)
			err = bl_obj_fail(obj, err, "%s: CO-RE relocations need the kernel's BTF:"
					  " %s%s", obj->name, e.msg, kb->custom_path ? "" :
					  "; for a kernel without /sys/kernel/btf/vmlinux give a"
					  " BTF file for it in btf_custom_path");
	}
	for (size_t i = 0; i < obj->nr_progs && !err; i++)
		if (obj->progs[i].autoload)
			err = bl_program_load(obj, &obj->progs[i], opts, kb);
	return err;
}

BL_API int bl_object_load(struct bl_object *obj, const struct bl_load_opts *opts)
{
	struct bl_load_opts defaults = { 0 };
	struct bl_kbtf kb;
	int err;

	if (obj->loaded)
		return bl_obj_fail(obj, -EBUSY, "%s: already loaded", obj->name);
	if (!opts)
		opts = &defaults;
	obj->release_kernel = release_kernel;
	bl_kbtf_init(&kb, opts);
	load_btf(obj);
	/* .kconfig extern values go into their map's image before it exists */
	err = bl_externs_fill_kconfig(obj);
	if (!err)
		err = bl_maps_create(obj, opts);
	if (!err)
		err = load_programs(obj, opts, &kb);
	if (!err)
		err = bl_maps_fill_slots(obj);
	bl_kbtf_release(&kb);
	if (err) {
		bl_maps_unpin_new(obj);
		release_kernel(obj);
		return err;
	}
	obj->loaded = true;
	return 0;
}
