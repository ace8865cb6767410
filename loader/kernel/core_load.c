// SPDX-License-Identifier: BSD-2-Clause
/*
 * core_load.c - CO-RE at load time: the kernel's BTF, and relocating a
 * copy of each program's instructions with it just before BPF_PROG_LOAD.
 *
 * The program's own instructions stay as clang wrote them: a failed load
 * can be retried, and bl_program_insns() keeps showing the object.  What
 * the kernel gets is a relocated copy.
 *
 * The kernel's types come from /sys/kernel/btf/vmlinux (a kernel built
 * with CONFIG_DEBUG_INFO_BTF), or from bl_load_opts.btf_custom_path (raw
 * BTF, or an ELF vmlinux/module/object with a .BTF section) for kernels
 * without it.  Types defined in modules are in /sys/kernel/btf/MODULE,
 * split BTF continuing vmlinux's ids; those files are only read when a
 * type is not found in vmlinux.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/core_load.h"
#include "kernel/kernel.h"
#include "object/btf.h"

#define SYS_BTF_DIR		"/sys/kernel/btf"
#define MAX_BTF_FILE		(512U << 20)

/* ---- reading BTF files ---------------------------------------------------- */

static int read_file(const char *path, unsigned char **out, size_t *size)
{
	size_t cap = 1 << 16, len = 0;
	unsigned char *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	buf = malloc(cap);
	while (buf) {
		ssize_t n;

		if (len == cap) {
			unsigned char *nb = cap < MAX_BTF_FILE ? realloc(buf, cap * 2) : NULL;

			if (!nb) {
				err = cap < MAX_BTF_FILE ? -ENOMEM : -E2BIG;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : 0;
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	if (!buf)
		return -ENOMEM;
	if (err) {
		free(buf);
		return err;
	}
	*out = buf;
	*size = len;
	return 0;
}

static int open_btf_file(const char *path, const struct bl_btf *base, struct bl_btf **out,
			 struct bl_error *e)
{
	unsigned char *raw = NULL;
	size_t size = 0;
	char why[96];
	int err = read_file(path, &raw, &size);

	if (err)
		return bl_fail(e, err, "cannot read BTF from %s: %s", path,
			       bl_strerror(err, why, sizeof(why)));
	err = bl_btf_parse_image(raw, size, base, path, out, e);
	free(raw);
	return err;
}

/* ---- struct bl_kbtf ------------------------------------------------------------ */

void bl_kbtf_init(struct bl_kbtf *kb, const struct bl_load_opts *opts)
{
	memset(kb, 0, sizeof(*kb));
	kb->custom_path = opts && opts->btf_custom_path && *opts->btf_custom_path ?
			  opts->btf_custom_path : NULL;
}

void bl_kbtf_release(struct bl_kbtf *kb)
{
	for (size_t i = 0; i < kb->nr_mods; i++) {
		bl_btf_free(kb->mods[i].btf);
		free(kb->mods[i].name);
		if (kb->mods[i].fd >= 0)
			close(kb->mods[i].fd);
	}
	free(kb->mods);
	free(kb->mod_btfs);
	bl_btf_free(kb->custom);
	bl_btf_free(kb->vmlinux);
	memset(kb, 0, sizeof(*kb));
}

int bl_kbtf_vmlinux(struct bl_kbtf *kb, const struct bl_btf **out, struct bl_error *e)
{
	int err = 0;

	if (!kb->vmlinux)
		err = bl_vmlinux_btf_open(&kb->vmlinux, e);
	*out = kb->vmlinux;
	return err;
}

static int add_module(struct bl_kbtf *kb, const char *name, struct bl_error *e)
{
	char path[sizeof(SYS_BTF_DIR) + 256];
	struct bl_kbtf_mod *n;
	struct bl_btf *btf;
	int err;

	snprintf(path, sizeof(path), "%s/%s", SYS_BTF_DIR, name);
	err = open_btf_file(path, kb->vmlinux, &btf, e);
	if (err)
		return err;
	n = realloc(kb->mods, (kb->nr_mods + 1) * sizeof(*n));
	if (!n || !(name = strdup(name))) {
		kb->mods = n ? n : kb->mods;
		bl_btf_free(btf);
		return bl_fail(e, -ENOMEM, "out of memory");
	}
	kb->mods = n;
	kb->mods[kb->nr_mods++] = (struct bl_kbtf_mod){ .name = (char *)name, .btf = btf, .fd = -1 };
	return 0;
}

/* Every /sys/kernel/btf/ entry but vmlinux is a module's split BTF. */
int bl_kbtf_modules(struct bl_kbtf *kb, struct bl_error *e)
{
	const struct bl_btf *vml;
	struct dirent *d;
	DIR *dir;
	int err;

	if (kb->mods_loaded)
		return 0;
	kb->mods_loaded = true;
	err = bl_kbtf_vmlinux(kb, &vml, e);
	if (err)
		return err;
	dir = opendir(SYS_BTF_DIR);
	if (!dir)
		return 0;	/* no modules to look at */
	while (!err && (d = readdir(dir))) {
		if (d->d_name[0] == '.' || !strcmp(d->d_name, "vmlinux"))
			continue;
		err = add_module(kb, d->d_name, e);
	}
	closedir(dir);
	if (err)
		return err;
	kb->mod_btfs = calloc(kb->nr_mods ? kb->nr_mods : 1, sizeof(*kb->mod_btfs));
	if (!kb->mod_btfs)
		return bl_fail(e, -ENOMEM, "out of memory");
	for (size_t i = 0; i < kb->nr_mods; i++)
		kb->mod_btfs[i] = kb->mods[i].btf;
	return 0;
}

static int load_modules_cb(struct bl_core_target *t, struct bl_error *e)
{
	struct bl_kbtf *kb = t->priv;
	int err = bl_kbtf_modules(kb, e);

	if (err)
		return err;
	t->extra = kb->mod_btfs;
	t->nr_extra = kb->nr_mods;
	return 0;
}

int bl_kbtf_core_target(struct bl_kbtf *kb, struct bl_core_target **out, struct bl_error *e)
{
	int err;

	*out = &kb->target;
	if (kb->target_ready)
		return 0;
	if (kb->custom_path) {
		err = open_btf_file(kb->custom_path, NULL, &kb->custom, e);
		if (err)
			return err;
		kb->target.btf = kb->custom;	/* no module search with a custom BTF */
	} else {
		const struct bl_btf *vml;

		err = bl_kbtf_vmlinux(kb, &vml, e);
		if (err)
			return err;
		kb->target.btf = vml;
		kb->target.load_extra = load_modules_cb;
		kb->target.priv = kb;
	}
	kb->target_ready = true;
	return 0;
}

/* ---- relocating a program ------------------------------------------------------- */

bool bl_core_needed(const struct bl_object *obj)
{
	for (size_t i = 0; i < obj->nr_progs; i++)
		if (obj->progs[i].autoload && obj->progs[i].nr_core_relos)
			return true;
	return false;
}

int bl_core_prepare(struct bl_object *obj, struct bl_program *p, struct bl_kbtf *kb,
		    struct bl_core_prep *prep)
{
	struct bl_core_target *target;
	struct bl_error e = { 0 };
	int err;

	memset(prep, 0, sizeof(*prep));
	if (!p->nr_core_relos)
		return 0;
	if (!obj->btf)
		return bl_obj_fail(obj, -EINVAL, "program '%s': CO-RE relocations without the"
				   " object's BTF (opened with no_btf?)", p->name);
	err = bl_kbtf_core_target(kb, &target, &e);
	if (err)
		return bl_obj_fail(obj, err, "program '%s' has %zu CO-RE relocations, which need"
				   " the kernel's BTF: %s%s", p->name, p->nr_core_relos, e.msg,
				   kb->custom_path ? "" : "; on a kernel without"
				   " /sys/kernel/btf/vmlinux, give a BTF file for it in"
				   " btf_custom_path (bpfload load --btf FILE)");
	prep->insns = malloc(p->nr_insns * sizeof(*prep->insns));
	if (!prep->insns)
		return bl_obj_fail(obj, -ENOMEM, "out of memory");
	memcpy(prep->insns, p->insns, p->nr_insns * sizeof(*prep->insns));
	err = bl_core_relocate(obj->btf, target, p->name, prep->insns, p->nr_insns,
			       p->core_relos, p->nr_core_relos, &prep->res, &e);
	if (err) {
		bl_core_prep_free(prep);
		return bl_obj_fail(obj, err, "%s", e.msg);
	}
	if (bl_trace_enabled())
		for (size_t i = 0; i < prep->res.nr_poisoned; i++)
			fprintf(stderr, "bpfload: %s (poisoned)\n", prep->res.poisoned[i].msg);
	return 0;
}

/* The instruction of "N: (85) call unknown#195896080" in the log, or -1. */
static long poisoned_insn_in_log(const char *log)
{
	static const char call[] = "(85) call unknown#195896080";
	const char *hit = log ? strstr(log, call) : NULL;
	const char *line;

	if (!hit)
		return -1;
	for (line = hit; line > log && line[-1] != '\n'; line--)
		;
	return strtol(line, NULL, 10);
}

void bl_core_explain(const struct bl_core_prep *prep, const char *log, FILE *f)
{
	const struct bl_core_result *res = prep ? &prep->res : NULL;
	long hit = poisoned_insn_in_log(log);
	size_t others = 0;

	if (!res || !res->nr_poisoned)
		return;
	for (size_t i = 0; i < res->nr_poisoned; i++) {
		if ((long)res->poisoned[i].insn != hit) {
			others++;
			continue;
		}
		fprintf(f, "\n  the verifier reached an instruction CO-RE could not relocate:"
			"\n    %s\n  guard the access with bl_core_field_exists() (or"
			" read a ___flavour struct that matches this kernel)",
			res->poisoned[i].msg);
	}
	if (!others)
		return;
	fprintf(f, "\n  %sCO-RE relocations this kernel cannot satisfy (fatal only where"
		" the program can run them):", others < res->nr_poisoned ? "other " : "");
	for (size_t i = 0; i < res->nr_poisoned; i++)
		if ((long)res->poisoned[i].insn != hit)
			fprintf(f, "\n    %s", res->poisoned[i].msg);
}

void bl_core_prep_free(struct bl_core_prep *prep)
{
	free(prep->insns);
	bl_core_result_free(&prep->res);
	memset(prep, 0, sizeof(*prep));
}
