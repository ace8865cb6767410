// SPDX-License-Identifier: BSD-2-Clause
/*
 * prog_load.c - BPF_PROG_LOAD, and the verifier's log when it says no.
 *
 * The first attempt runs without a log: logging slows the verifier and
 * most loads succeed.  When the kernel refuses, we load again with
 * log_level 1 so the verifier explains itself.  The log buffer is ours
 * to size: the kernel answers ENOSPC when it is too small (6.4+ also
 * says how much it needed, in log_true_size), so it grows up to a cap.
 * The error then shows the program, its section, the errno in words,
 * what that errno usually means, and the last lines of the log, which
 * is where the verifier names the offending instruction.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/core_load.h"
#include "kernel/kernel.h"
#include "object/btf.h"

#define LOG_START_SIZE		(64U * 1024)
#define LOG_DEFAULT_MAX		(16U * 1024 * 1024)
#define LOG_KERNEL_MAX		(UINT32_MAX >> 2)	/* the kernel's own limit */
#define LOG_TAIL_LINES		20

/* Program names follow the same rules as map names. */
static void prog_kernel_name(char *dst, const char *name)
{
	size_t j = 0;

	for (size_t i = 0; name[i] && j < BPF_OBJ_NAME_LEN - 1; i++) {
		char c = name[i];

		dst[j++] = (c == '_' || c == '.' || (c >= '0' && c <= '9') ||
			    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) ? c : '_';
	}
	dst[j] = '\0';
}

static int patch_map_fds(struct bl_object *obj, struct bl_program *p)
{
	for (size_t i = 0; i < p->nr_map_refs; i++) {
		const struct bl_map_ref *r = &p->map_refs[i];
		const struct bl_map *m = &obj->maps[r->map];

		if (m->fd < 0)
			return bl_obj_fail(obj, -EBADF, "program '%s': map '%s' was not created",
					   p->name, m->name);
		p->insns[r->insn].imm = m->fd;
	}
	return 0;
}

static void fill_opts(const struct bl_object *obj, const struct bl_program *p,
		      const struct bl_load_opts *opts, struct bl_prog_load_opts *o)
{
	o->expected_attach_type = p->expected_attach_type;
	o->prog_flags = p->prog_flags;
	o->kern_version = obj->kern_version ? obj->kern_version :
			  opts->kern_version ? opts->kern_version : bl_running_kernel_version();
	if (obj->btf_fd >= 0 && p->nr_func_info) {
		o->prog_btf_fd = obj->btf_fd;
		o->func_info = p->func_info;
		o->func_info_rec_size = sizeof(struct bpf_func_info);
		o->func_info_cnt = p->nr_func_info;
		if (p->nr_line_info) {
			o->line_info = p->line_info;
			o->line_info_rec_size = sizeof(struct bpf_line_info);
			o->line_info_cnt = p->nr_line_info;
		}
	}
}

/* The verifier answers with many errnos (EACCES, EINVAL, ENOENT for an
 * unknown kernel symbol, E2BIG, ...), and its log says why.  Running out
 * of file descriptors happens before it: a log would only mislead. */
static bool verifier_may_explain(int err)
{
	return err != -EMFILE && err != -ENFILE;
}

/* Load with a verifier log, growing the buffer while the kernel says
 * ENOSPC.  Returns the fd or -errno; *log receives the text. */
static int load_logged(const struct bl_program *p, const char *kname, const char *license,
		       struct bl_prog_load_opts *o, const struct bl_load_opts *opts,
		       char **log, bool *truncated)
{
	__u32 max = opts->log_max ? opts->log_max : LOG_DEFAULT_MAX;
	__u32 size = LOG_START_SIZE;
	int fd;

	if (max > LOG_KERNEL_MAX)
		max = LOG_KERNEL_MAX;
	if (size > max)
		size = max;
	for (;;) {
		char *buf = calloc(1, size);

		if (!buf)
			return -ENOMEM;
		free(*log);
		*log = buf;
		o->log_level = opts->log_level ? opts->log_level : 1;
		o->log_buf = buf;
		o->log_size = size;
		o->log_true_size = 0;
		fd = bl_sys_prog_load(p->type, kname, license, p->insns, p->nr_insns, o);
		if (fd != -ENOSPC || size >= max)
			break;
		size = (size > max / 4) ? max : size * 4;
		if (o->log_true_size > size)
			size = o->log_true_size < max ? o->log_true_size : max;
	}
	*truncated = fd == -ENOSPC;
	o->log_buf = NULL;
	o->log_size = 0;
	o->log_level = 0;
	return fd;
}

/* The last n lines of log, for the error message. */
const char *bl_log_tail(const char *log, int n, int *total)
{
	const char *end = log + strlen(log), *p = end;
	int lines = 0;

	while (p > log && (p[-1] == '\n'))
		p--;
	for (const char *q = log; q < end; q++)
		lines += *q == '\n';
	*total = lines + (end > log && end[-1] != '\n');
	while (p > log) {
		if (p[-1] == '\n' && ++lines && --n == 0)
			break;
		p--;
	}
	return p;
}

static int load_fail(struct bl_object *obj, struct bl_program *p, int err, bool truncated,
		     const struct bl_load_opts *opts, const struct bl_core_prep *prep)
{
	const char *hint = bl_errno_hint(err, p->type);
	const char *tname = bl_prog_type_name(p->type);
	char why[96], *msg = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&msg, &len);

	if (!f)
		return bl_obj_fail(obj, err, "program '%s': BPF_PROG_LOAD failed", p->name);
	fprintf(f, "program '%s' (section '%s', %s): BPF_PROG_LOAD failed: %s", p->name,
		p->sec->name, tname ? tname : "unknown type", bl_strerror(err, why, sizeof(why)));
	if (hint)
		fprintf(f, "\n  %s", hint);
	if (p->log && p->log[0]) {
		int total = 0;
		const char *tail = opts->full_log ? p->log :
				   bl_log_tail(p->log, LOG_TAIL_LINES, &total);

		if (opts->full_log)
			fprintf(f, "\n  verifier log%s:\n", truncated ? " (truncated)" : "");
		else
			fprintf(f, "\n  verifier log (last lines of %d%s; full log with"
				" full_log / --full-log):\n", total,
				truncated ? ", truncated" : "");
		for (const char *s = tail; *s; ) {
			const char *nl = strchr(s, '\n');
			int l = nl ? (int)(nl - s) : (int)strlen(s);

			fprintf(f, "    %.*s\n", l, s);
			s += l + (nl ? 1 : 0);
		}
	} else if (err == -EPERM || err == -EINVAL) {
		fprintf(f, "\n  (the verifier wrote no log: the kernel refused the request"
			" before verifying it)");
	}
	bl_core_explain(prep, p->log, f);
	fclose(f);
	while (len && msg[len - 1] == '\n')
		msg[--len] = '\0';
	return bl_obj_fail_msg(obj, err, msg);
}

static void record_id(struct bl_program *p)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);

	if (!bl_sys_obj_get_info_by_fd(p->fd, &info, &len))
		p->id = info.id;
}

int bl_program_load(struct bl_object *obj, struct bl_program *p,
		    const struct bl_load_opts *opts, struct bl_kbtf *kb)
{
	struct bl_prog_load_opts o = { 0 };
	struct bl_core_prep prep = { 0 };
	char kname[BPF_OBJ_NAME_LEN];
	struct bpf_insn *own;
	bool truncated = false;
	int fd, err;

	if (p->type == BPF_PROG_TYPE_UNSPEC)
		return bl_obj_fail(obj, -EINVAL, "program '%s': section '%s' does not name a program"
				   " type; use a known section name (bpfload inspect lists them)"
				   " or bl_program_set_type()", p->name, p->sec->name);
	err = patch_map_fds(obj, p);
	if (err)
		return err;
	fill_opts(obj, p, opts, &o);
	if (p->def && (p->def->flags & BL_SEC_F_BTF_TARGET)) {
		const struct bl_btf *vmlinux;
		struct bl_error e = { 0 };

		err = bl_kbtf_vmlinux(kb, &vmlinux, &e);
		if (!err)
			err = bl_attach_btf_id(vmlinux, p, &o.attach_btf_id, &e);
		if (err)
			return bl_obj_fail(obj, err, "%s", e.msg);
	}
	/* CO-RE: the kernel gets a relocated copy of the instructions */
	err = bl_core_prepare(obj, p, kb, &prep);
	if (err)
		return err;
	own = p->insns;
	if (prep.insns)
		p->insns = prep.insns;
	prog_kernel_name(kname, p->name);
	free(p->log);
	p->log = NULL;
	if (opts->always_log)
		fd = load_logged(p, kname, obj->license, &o, opts, &p->log, &truncated);
	else
		fd = bl_sys_prog_load(p->type, kname, obj->license, p->insns, p->nr_insns, &o);
	/* 6.4+ fail a load whose log was cut (ENOSPC), even a good one:
	 * the log was only wanted for learning, so load again without it */
	if (fd == -ENOSPC && truncated)
		fd = bl_sys_prog_load(p->type, kname, obj->license, p->insns, p->nr_insns, &o);
	if (fd == -EPERM && bl_raise_memlock())
		fd = bl_sys_prog_load(p->type, kname, obj->license, p->insns, p->nr_insns, &o);
	if (fd < 0 && !opts->always_log && verifier_may_explain(fd)) {
		int first = fd;

		fd = load_logged(p, kname, obj->license, &o, opts, &p->log, &truncated);
		if (fd < 0)
			fd = first;	/* report the real failure, not a log ENOSPC */
	}
	p->insns = own;
	if (fd < 0)
		err = load_fail(obj, p, fd, truncated, opts, &prep);
	bl_core_prep_free(&prep);
	if (fd < 0)
		return err;
	p->fd = fd;
	record_id(p);
	return 0;
}
