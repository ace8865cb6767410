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
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#include <bpfload/maputil.h>
#include "kernel/core_load.h"
#include "kernel/kernel.h"
#include "object/btf.h"

#define SYS_BTF_DIR		"/sys/kernel/btf"
#define MAX_BTF_FILE		(512U << 20)
#define MAX_KCONFIG		(16U << 20)
#define KALLSYMS		"/proc/kallsyms"

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
	bl_ksyms_free(kb->ksyms);
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

/* ---- .ksyms: kernel variables and functions ------------------------------------ */

static bool has_ksyms(const struct bl_program *p)
{
	for (size_t i = 0; i < p->nr_relocs; i++)
		if (p->relocs[i].kind == BL_RELOC_KSYM || p->relocs[i].kind == BL_RELOC_KFUNC)
			return true;
	return false;
}

static const struct bl_symbol *undef_symbol(const struct bl_object *obj, const char *name)
{
	for (size_t i = 0; i < obj->elf.nr_syms; i++)
		if (obj->elf.syms[i].shndx == SHN_UNDEF && !strcmp(obj->elf.syms[i].name, name))
			return &obj->elf.syms[i];
	return NULL;
}

static int add_ext_poison(struct bl_core_prep *prep, const struct bl_program *p, __u32 insn,
			  const char *name)
{
	struct bl_core_result *res = &prep->res;
	struct bl_core_poison *n = realloc(res->poisoned, (res->nr_poisoned + 1) * sizeof(*n));
	size_t len = strlen(p->name) + strlen(name) + 96;
	char *msg = malloc(len);

	if (n)
		res->poisoned = n;
	if (!n || !msg) {
		free(msg);
		return -ENOMEM;
	}
	snprintf(msg, len, "program '%s' insn %u: kfunc '%s' (__weak) is not in this kernel",
		 p->name, insn, name);
	res->poisoned[res->nr_poisoned++] = (struct bl_core_poison){ .insn = insn, .msg = msg };
	return 0;
}

/* An untyped ksym: the address from /proc/kallsyms. */
static int ksym_address(struct bl_object *obj, struct bl_kbtf *kb, const struct bl_ext_info *x,
			struct bpf_insn *insn)
{
	const struct bl_ksym *k;
	struct bl_error e = { 0 };

	if (!kb->ksyms && !(kb->ksyms = bl_ksyms_load(KALLSYMS, &e)))
		return bl_obj_fail(obj, e.err ? e.err : -ENOENT, "extern '%s' (__ksym) needs the"
				   " kernel's symbols: %s", x->name, e.msg);
	k = bl_ksyms_find(kb->ksyms, x->name);
	if (!k && !x->weak)
		return bl_obj_fail(obj, -ENOENT, "extern '%s' (__ksym): no such symbol in %s;"
				   " declare it __weak if it may be missing", x->name, KALLSYMS);
	insn[0].src_reg = 0;
	insn[0].imm = (__s32)(__u32)(k ? k->addr : 0);
	insn[1].imm = (__s32)(__u32)((k ? k->addr : 0) >> 32);
	return 0;
}

/* A typed ksym or a kfunc: its id in the kernel's BTF, checked against
 * the program's declaration. */
static int ksym_btf_id(struct bl_object *obj, struct bl_kbtf *kb, const struct bl_ext_info *x,
		       __u32 kind, __u32 *id)
{
	const struct bl_btf *vml;
	const struct btf_type *t;
	struct bl_error e = { 0 };
	const char *what = kind == BTF_KIND_FUNC ? "kernel function" : "kernel variable";
	int err = bl_kbtf_vmlinux(kb, &vml, &e);

	if (err)
		return bl_obj_fail(obj, err, "extern '%s' (__ksym): %s", x->name, e.msg);
	*id = bl_btf_find(vml, x->name, kind);
	t = bl_btf_type(vml, *id);
	if (!t) {
		if (x->weak)
			return 0;
		return bl_obj_fail(obj, -ESRCH, "extern '%s' (__ksym): no %s of that name in the"
				   " kernel's BTF (in a module? module BTF ids are not supported);"
				   " declare it __weak if it may be missing", x->name, what);
	}
	if (bl_core_types_compat(obj->btf, x->type_id, vml, t->type) <= 0)
		return bl_obj_fail(obj, -EINVAL, "extern '%s' (__ksym): the program declares it"
				   " with another type than the %s has", x->name, what);
	return 0;
}

static int resolve_ksym(struct bl_object *obj, struct bl_program *p, struct bl_kbtf *kb,
			struct bl_core_prep *prep, const struct bl_reloc_info *r)
{
	const struct bl_symbol *sym = undef_symbol(obj, r->symbol);
	struct bpf_insn *insn = &prep->insns[r->insn];
	struct bl_ext_info x;
	struct bl_error e = { 0 };
	__u32 id = 0;
	int err;

	if (!sym || r->insn >= p->nr_insns || bl_extern_lookup(obj, sym, &x, &e))
		return bl_obj_fail(obj, -EINVAL, "program '%s': extern '%s': %s", p->name,
				   r->symbol, e.msg);
	if (r->kind == BL_RELOC_KSYM && x.kind == BL_EXT_KSYM && !x.typed)
		return ksym_address(obj, kb, &x, insn);
	err = ksym_btf_id(obj, kb, &x, x.kind == BL_EXT_KFUNC ? BTF_KIND_FUNC : BTF_KIND_VAR, &id);
	if (err)
		return err;
	if (r->kind == BL_RELOC_KSYM) {
		insn[0].src_reg = id ? BPF_PSEUDO_BTF_ID : 0;	/* missing __weak: NULL */
		insn[0].imm = id;
		insn[1].imm = 0;				/* vmlinux, not a module */
		return 0;
	}
	if (!id) {
		/* a missing __weak kfunc: fatal only if the call can run */
		*insn = (struct bpf_insn){ .code = BPF_JMP | BPF_CALL, .imm = BL_CORE_POISON_IMM };
		return add_ext_poison(prep, p, r->insn, x.name) ?
		       bl_obj_fail(obj, -ENOMEM, "out of memory") : 0;
	}
	insn->src_reg = BPF_PSEUDO_KFUNC_CALL;
	insn->imm = id;
	insn->off = 0;
	return 0;
}

static int resolve_ksyms(struct bl_object *obj, struct bl_program *p, struct bl_kbtf *kb,
			 struct bl_core_prep *prep)
{
	int err = 0;

	for (size_t i = 0; i < p->nr_relocs && !err; i++)
		if (p->relocs[i].kind == BL_RELOC_KSYM || p->relocs[i].kind == BL_RELOC_KFUNC)
			err = resolve_ksym(obj, p, kb, prep, &p->relocs[i]);
	return err;
}

/* ---- .kconfig ------------------------------------------------------------------------ */

int bl_kconfig_read(char **text, char *path, size_t path_len)
{
	static const char proc[] = "/proc/config.gz";
	struct utsname u;
	size_t len = 0, cap = 1 << 16;
	char *buf;
	gzFile f;
	int n;

	snprintf(path, path_len, "%s", proc);
	f = gzopen(proc, "rb");
	if (!f && !uname(&u)) {
		snprintf(path, path_len, "/boot/config-%s", u.release);
		f = gzopen(path, "rb");
	}
	if (!f)
		return -ENOENT;
	buf = malloc(cap + 1);
	while (buf && (n = gzread(f, buf + len, cap - len)) > 0) {
		len += (size_t)n;
		if (len == cap) {
			char *nb = cap < MAX_KCONFIG ? realloc(buf, cap * 2 + 1) : NULL;

			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	gzclose(f);
	if (!buf)
		return -ENOMEM;
	buf[len] = '\0';
	*text = buf;
	return 0;
}

const char *bl_kconfig_value(const char *text, const char *name, size_t *len)
{
	size_t nlen = strlen(name);

	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		const char *end = strchr(l, '\n');

		if (!end)
			end = l + strlen(l);
		if (!strncmp(l, name, nlen) && l[nlen] == '=') {
			*len = (size_t)(end - l - nlen - 1);
			return l + nlen + 1;
		}
		if (!strncmp(l, "# ", 2) && !strncmp(l + 2, name, nlen) &&
		    !strncmp(l + 2 + nlen, " is not set", 11)) {
			*len = 1;
			return "n";
		}
	}
	return NULL;
}

static int kcfg_int(const struct bl_ext_info *x, const char *v, size_t len, unsigned char *dst)
{
	char num[64], *end;
	__u64 u;
	__s64 sv;

	if (!len || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, v, len);
	num[len] = '\0';
	errno = 0;
	if (x->is_signed) {
		sv = strtoll(num, &end, 0);
		if (x->size < 8 && (sv < -(1LL << (x->size * 8 - 1)) ||
				    sv >= (1LL << (x->size * 8 - 1))))
			return -ERANGE;
		u = (__u64)sv;
	} else {
		u = strtoull(num, &end, 0);
		if (num[0] == '-' || (x->size < 8 && u >> (x->size * 8)))
			return -ERANGE;
	}
	if (errno || *end)
		return errno ? -errno : -EINVAL;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(dst, &u, x->size);
#else
	memcpy(dst, (unsigned char *)&u + 8 - x->size, x->size);
#endif
	return 0;
}

static int kcfg_str(const struct bl_ext_info *x, const char *v, size_t len, unsigned char *dst)
{
	size_t j = 0;

	if (len < 2 || v[0] != '"' || v[len - 1] != '"')
		return -EINVAL;
	for (size_t i = 1; i + 1 < len && j + 1 < x->size; i++) {
		if (v[i] == '\\' && i + 2 < len)
			i++;
		dst[j++] = v[i];
	}
	dst[j] = '\0';
	return 0;
}

/* Store value v (len bytes) of extern x at dst. */
static int kcfg_store(const struct bl_ext_info *x, const char *v, size_t len, unsigned char *dst)
{
	char c = len == 1 ? v[0] : 0;

	switch (x->kcfg) {
	case BL_KCFG_BOOL:
		if (c != 'y' && c != 'n')
			return -EINVAL;
		*dst = c == 'y';
		return 0;
	case BL_KCFG_TRISTATE:
		if (c != 'y' && c != 'n' && c != 'm')
			return -EINVAL;
		dst[0] = c == 'y' ? 1 : c == 'm' ? 2 : 0;	/* a little-endian int */
		return 0;
	case BL_KCFG_CHAR:
		if (c != 'y' && c != 'n' && c != 'm')
			return -EINVAL;
		*dst = (unsigned char)c;
		return 0;
	case BL_KCFG_INT:
		return (c == 'y' || c == 'n' || c == 'm') ? -EINVAL : kcfg_int(x, v, len, dst);
	case BL_KCFG_STR:
		return kcfg_str(x, v, len, dst);
	}
	return -EINVAL;
}

static const char *const kcfg_names[] = {
	[BL_KCFG_BOOL] = "bool", [BL_KCFG_TRISTATE] = "tristate", [BL_KCFG_CHAR] = "char",
	[BL_KCFG_INT] = "integer", [BL_KCFG_STR] = "string",
};

/* Does a program that will be loaded read this extern? */
static bool kcfg_used(const struct bl_object *obj, const char *name)
{
	for (size_t i = 0; i < obj->nr_progs; i++) {
		const struct bl_program *p = &obj->progs[i];

		for (size_t j = 0; p->autoload && j < p->nr_relocs; j++)
			if (p->relocs[j].kind == BL_RELOC_KCONFIG &&
			    !strcmp(p->relocs[j].symbol, name))
				return true;
	}
	return false;
}

static int kcfg_one(struct bl_object *obj, struct bl_map *m, const struct bl_ext_info *x,
		    const char *text, const char *path)
{
	unsigned char *dst = (unsigned char *)m->image + x->off;
	const char *v;
	size_t len = 0;
	int err;

	if (!strcmp(x->name, "LINUX_KERNEL_VERSION")) {
		__u32 ver = bl_running_kernel_version();

		if (x->kcfg != BL_KCFG_INT || x->size != 4)
			return bl_obj_fail(obj, -EINVAL, ".kconfig extern LINUX_KERNEL_VERSION must"
					   " be a 4-byte integer");
		memcpy(dst, &ver, sizeof(ver));
		return 0;
	}
	v = text && !strncmp(x->name, "CONFIG_", 7) ? bl_kconfig_value(text, x->name, &len) : NULL;
	if (!v) {
		if (x->weak || !kcfg_used(obj, x->name))
			return 0;	/* stays 0 */
		if (strncmp(x->name, "CONFIG_", 7))
			return bl_obj_fail(obj, -EINVAL, ".kconfig extern '%s': unknown name (known:"
					   " CONFIG_* and LINUX_KERNEL_VERSION)", x->name);
		return bl_obj_fail(obj, -ENOENT, ".kconfig extern %s: %s; declare it __weak to"
				   " get 0 when it is missing", x->name, text ? "not in the kernel"
				   " config" : "no kernel config found (/proc/config.gz,"
				   " /boot/config-RELEASE)");
	}
	err = kcfg_store(x, v, len, dst);
	if (err)
		return bl_obj_fail(obj, err, ".kconfig extern %s: value '%.*s' (from %s) is not a"
				   " valid %s%s", x->name, (int)(len > 64 ? 64 : len), v, path,
				   kcfg_names[x->kcfg], err == -ERANGE ? " of that size" : "");
	return 0;
}

int bl_externs_fill_kconfig(struct bl_object *obj)
{
	struct bl_map *m = bl_kconfig_map(obj);
	struct bl_ext_info x;
	struct bl_error e = { 0 };
	char *text = NULL, path[320];
	int r, err = 0;

	if (!m)
		return 0;
	memset(m->image, 0, m->image_size);
	bl_kconfig_read(&text, path, sizeof(path));
	for (__u32 i = 0; !err && (r = bl_kconfig_extern(obj, i, &x, &e)) > 0; i++) {
		if (x.off + x.size > m->image_size)
			err = bl_obj_fail(obj, -EINVAL, ".kconfig extern '%s' lies outside its map",
					  x.name);
		else
			err = kcfg_one(obj, m, &x, text, path);
	}
	if (!err && r < 0)
		err = bl_obj_fail(obj, r, "%s", e.msg);
	free(text);
	return err;
}

/* ---- one program ------------------------------------------------------------------- */

static int relocate(struct bl_object *obj, struct bl_program *p, struct bl_kbtf *kb,
		    struct bl_core_prep *prep)
{
	struct bl_core_target *target;
	struct bl_error e = { 0 };
	int err;

	err = bl_kbtf_core_target(kb, &target, &e);
	if (err)
		return bl_obj_fail(obj, err, "program '%s' has %zu CO-RE relocations, which need"
				   " the kernel's BTF: %s%s", p->name, p->nr_core_relos, e.msg,
				   kb->custom_path ? "" : "; on a kernel without"
				   " /sys/kernel/btf/vmlinux, give a BTF file for it in"
				   " btf_custom_path");
	err = bl_core_relocate(obj->btf, target, p->name, prep->insns, p->nr_insns,
			       p->core_relos, p->nr_core_relos, &prep->res, &e);
	return err ? bl_obj_fail(obj, err, "%s", e.msg) : 0;
}

int bl_core_prepare(struct bl_object *obj, struct bl_program *p, struct bl_kbtf *kb,
		    struct bl_core_prep *prep)
{
	int err;

	memset(prep, 0, sizeof(*prep));
	if (!p->nr_core_relos && !has_ksyms(p))
		return 0;
	if (!obj->btf)
		return bl_obj_fail(obj, -EINVAL, "program '%s': CO-RE relocations or externs"
				   " without the object's BTF (opened with no_btf?)", p->name);
	prep->insns = malloc(p->nr_insns * sizeof(*prep->insns));
	if (!prep->insns)
		return bl_obj_fail(obj, -ENOMEM, "out of memory");
	memcpy(prep->insns, p->insns, p->nr_insns * sizeof(*prep->insns));
	err = p->nr_core_relos ? relocate(obj, p, kb, prep) : 0;
	if (!err)
		err = resolve_ksyms(obj, p, kb, prep);
	if (err) {
		bl_core_prep_free(prep);
		return err;
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
