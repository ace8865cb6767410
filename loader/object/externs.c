// SPDX-License-Identifier: BSD-2-Clause
/*
 * externs.c - .kconfig and .ksyms externs, the part that needs no kernel.
 *
 * A program may declare variables and functions it does not define:
 *
 *	extern unsigned int LINUX_KERNEL_VERSION __kconfig;
 *	extern bool CONFIG_BPF_JIT __kconfig __weak;
 *	extern const void bpf_prog_put __ksym;		(an address)
 *	extern const struct rq runqueues __ksym;	(a typed kernel variable)
 *	extern void bpf_rcu_read_lock(void) __ksym;	(a kernel function)
 *
 * clang leaves them undefined (SHN_UNDEF symbols) and lists them in the
 * BTF DATASECs ".kconfig" and ".ksyms", which have no ELF section.
 *
 *  - .kconfig values live in one read-only array map, ".kconfig", laid
 *    out here in DATASEC order (each value at its natural alignment);
 *    an ld_imm64 of an extern becomes a map value reference into it,
 *    and the loader fills the map from the kernel config before
 *    creating it.
 *  - a .ksyms variable's ld_imm64 gets, at load, the kernel address
 *    (untyped: from kallsyms) or the BTF id of the kernel's variable
 *    (typed: BPF_PSEUDO_BTF_ID).
 *  - a .ksyms function's call gets the BTF id of the kernel function
 *    (BPF_PSEUDO_KFUNC_CALL).
 *
 * The kernel refuses BTF with extern VARs and FUNCs, so what BPF_BTF_LOAD
 * gets is a patched copy (bl_btf_for_kernel).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "object/btf.h"
#include "object/core.h"
#include "object/object.h"

#define KSYMS_SEC		".ksyms"
#ifndef BTF_VAR_GLOBAL_EXTERN
#define BTF_VAR_GLOBAL_EXTERN	2
#endif
#define BTF_FUNC_EXTERN_LINKAGE	2

/* The .kconfig map has no ELF section; this one stands for it. */
static const struct bl_section kconfig_section = {
	.name = BL_KCONFIG_MAP, .type = SHT_NOBITS, .role = BL_SEC_KCONFIG,
};

static const struct btf_type *datasec(const struct bl_btf *btf, const char *name)
{
	return btf ? bl_btf_type(btf, bl_btf_find(btf, name, BTF_KIND_DATASEC)) : NULL;
}

/* The VAR or FUNC called name in DATASEC ds, 0 if none. */
static __u32 datasec_entry(const struct bl_btf *btf, const struct btf_type *ds, const char *name)
{
	const struct btf_var_secinfo *vs;

	if (!ds)
		return 0;
	vs = bl_btf_extra(ds);
	for (__u32 i = 0; i < bl_btf_vlen(ds); i++)
		if (!strcmp(bl_btf_name(btf, bl_btf_type(btf, vs[i].type)), name))
			return vs[i].type;
	return 0;
}

/* Is there an undefined weak symbol called name?  (No symbol at all:
 * the extern is unused, so its value does not matter either.) */
static bool extern_weak(const struct bl_object *obj, const char *name)
{
	for (size_t i = 0; i < obj->elf.nr_syms; i++) {
		const struct bl_symbol *s = &obj->elf.syms[i];

		if (s->shndx == SHN_UNDEF && !strcmp(s->name, name))
			return s->bind == STB_WEAK;
	}
	return true;
}

/* ---- .kconfig ------------------------------------------------------------------ */

static bool is_tristate(const struct bl_btf *btf, const struct btf_type *t)
{
	const char *n = bl_btf_name(btf, t);

	return bl_btf_kind(t) == BTF_KIND_ENUM &&
	       (!strcmp(n, "libbpf_tristate") || !strcmp(n, "bl_tristate"));
}

/* The kind, size and alignment of a .kconfig variable. */
static int kcfg_classify(const struct bl_btf *btf, __u32 var, struct bl_ext_info *x,
			 __u32 *align, struct bl_error *e)
{
	const struct btf_type *v = bl_btf_type(btf, var), *t;
	__u32 tid, data;

	if (!v || bl_btf_kind(v) != BTF_KIND_VAR)
		return bl_fail(e, -EINVAL, ".BTF: DATASEC .kconfig entry %u is not a variable", var);
	x->name = bl_btf_name(btf, v);
	t = bl_btf_resolve(btf, v->type, &tid);
	x->type_id = tid;
	if (t && bl_btf_kind(t) == BTF_KIND_INT) {
		memcpy(&data, bl_btf_extra(t), sizeof(data));
		x->size = t->size;
		x->is_signed = BTF_INT_ENCODING(data) & BTF_INT_SIGNED;
		*align = t->size;
		if ((BTF_INT_ENCODING(data) & BTF_INT_BOOL) && t->size == 1)
			x->kcfg = BL_KCFG_BOOL;
		else if (t->size == 1 && ((BTF_INT_ENCODING(data) & BTF_INT_CHAR) ||
					  !strcmp(bl_btf_name(btf, t), "char")))
			x->kcfg = BL_KCFG_CHAR;
		else if (t->size == 1 || t->size == 2 || t->size == 4 || t->size == 8)
			x->kcfg = BL_KCFG_INT;
		else
			goto bad;
		return 0;
	}
	if (t && is_tristate(btf, t)) {
		x->kcfg = BL_KCFG_TRISTATE;
		x->size = *align = 4;
		return 0;
	}
	if (t && bl_btf_kind(t) == BTF_KIND_ARRAY) {
		const struct btf_array *a = bl_btf_extra(t);
		const struct btf_type *et = bl_btf_resolve(btf, a->type, NULL);

		if (et && bl_btf_kind(et) == BTF_KIND_INT && et->size == 1 && a->nelems &&
		    a->nelems <= 4096) {
			x->kcfg = BL_KCFG_STR;
			x->size = a->nelems;
			*align = 1;
			return 0;
		}
	}
bad:
	return bl_fail(e, -EINVAL, ".kconfig extern '%s': unsupported type; use bool, char,"
		       " enum libbpf_tristate, a 1/2/4/8-byte integer or a char array",
		       x->name);
}

int bl_kconfig_extern(const struct bl_object *obj, __u32 i, struct bl_ext_info *x,
		      struct bl_error *e)
{
	const struct btf_type *ds = datasec(obj->btf, BL_KCONFIG_MAP);
	const struct btf_var_secinfo *vs;
	__u32 off = 0, align = 1;

	if (!ds || i >= bl_btf_vlen(ds))
		return 0;
	vs = bl_btf_extra(ds);
	for (__u32 j = 0; j <= i; j++) {
		int err;

		memset(x, 0, sizeof(*x));
		x->kind = BL_EXT_KCONFIG;
		x->btf_id = vs[j].type;
		err = kcfg_classify(obj->btf, vs[j].type, x, &align, e);
		if (err)
			return err;
		off = (off + align - 1) / align * align;
		x->off = off;
		off += x->size;
	}
	x->weak = extern_weak(obj, x->name);
	return 1;
}

struct bl_map *bl_kconfig_map(const struct bl_object *obj)
{
	for (size_t i = 0; i < obj->nr_maps; i++)
		if (obj->maps[i].sec == &kconfig_section)
			return &obj->maps[i];
	return NULL;
}

/* "prefix.kconfig" in 15 characters, the prefix shortened first. */
static void kconfig_kname(char *dst, const char *prefix)
{
	size_t room = BPF_OBJ_NAME_LEN - 1 - strlen(BL_KCONFIG_MAP);
	size_t plen = strnlen(prefix, room);

	memcpy(dst, prefix, plen);
	strcpy(dst + plen, BL_KCONFIG_MAP);
}

static int add_kconfig_map(struct bl_object *obj, __u32 size, struct bl_error *e)
{
	struct bl_map *maps = realloc(obj->maps, (obj->nr_maps + 1) * sizeof(*maps)), *m;

	if (!maps)
		return bl_fail(e, -ENOMEM, "out of memory");
	obj->maps = maps;
	m = &obj->maps[obj->nr_maps];
	memset(m, 0, sizeof(*m));
	m->obj = obj;
	m->fd = -1;
	m->name = strdup(BL_KCONFIG_MAP);
	m->image = calloc(1, size);
	if (!m->name || !m->image) {
		free(m->name);
		free(m->image);
		return bl_fail(e, -ENOMEM, "out of memory");
	}
	obj->nr_maps++;
	kconfig_kname(m->kname, obj->kname_prefix);
	m->origin = BL_MAP_RODATA;
	m->sec = &kconfig_section;
	m->def.type = BPF_MAP_TYPE_ARRAY;
	m->def.key_size = sizeof(__u32);
	m->def.value_size = size;
	m->def.max_entries = 1;
	m->def.map_flags = BPF_F_MMAPABLE | BPF_F_RDONLY_PROG;
	m->image_size = size;
	return 0;
}

int bl_externs_setup(struct bl_object *obj, struct bl_error *e)
{
	struct bl_ext_info x;
	__u32 size = 0;
	int r;

	if (!obj->btf || bl_kconfig_map(obj))
		return 0;
	for (__u32 i = 0; (r = bl_kconfig_extern(obj, i, &x, e)) > 0; i++)
		size = x.off + x.size;
	if (r < 0)
		return r;
	if (!size)
		return 0;
	return add_kconfig_map(obj, (size + 7) / 8 * 8, e);
}

/* ---- any extern ------------------------------------------------------------------ */

int bl_extern_lookup(const struct bl_object *obj, const struct bl_symbol *sym,
		     struct bl_ext_info *x, struct bl_error *e)
{
	const struct btf_type *t;
	__u32 id;

	memset(x, 0, sizeof(*x));
	x->name = sym->name;
	x->weak = sym->bind == STB_WEAK;
	if (!*sym->name || !obj->btf)
		return bl_fail(e, -EINVAL, "'%s' is an undefined symbol and the object has no BTF"
			       " to say what it is (compile with -g)", sym->name);
	if (datasec_entry(obj->btf, datasec(obj->btf, BL_KCONFIG_MAP), sym->name)) {
		__u32 i = 0;
		int r;

		while ((r = bl_kconfig_extern(obj, i++, x, e)) > 0)
			if (!strcmp(x->name, sym->name))
				return 0;
		return r < 0 ? r : bl_fail(e, -EINVAL, "'%s': not in .kconfig", sym->name);
	}
	id = datasec_entry(obj->btf, datasec(obj->btf, KSYMS_SEC), sym->name);
	t = bl_btf_type(obj->btf, id);
	if (!t)
		return bl_fail(e, -EINVAL, "'%s' is an extern, but not one of .kconfig or .ksyms;"
			       " declare it with __attribute__((section(\".kconfig\"))) or"
			       " (\".ksyms\")", sym->name);
	x->btf_id = id;
	if (bl_btf_kind(t) == BTF_KIND_FUNC) {
		x->kind = BL_EXT_KFUNC;
		x->type_id = t->type;
		return 0;
	}
	x->kind = BL_EXT_KSYM;
	x->typed = bl_btf_resolve(obj->btf, t->type, &x->type_id) != NULL;
	if (!x->typed)
		x->type_id = 0;
	return 0;
}

/* ---- the BTF the kernel accepts ---------------------------------------------------- */

static __u32 find_int4(const struct bl_btf *btf)
{
	for (__u32 id = 1; id < bl_btf_type_cnt(btf); id++) {
		const struct btf_type *t = bl_btf_type(btf, id);

		if (bl_btf_kind(t) == BTF_KIND_INT && t->size == 4)
			return id;
	}
	return 0;
}

/* The copy of type id in raw (same layout as btf->data). */
static struct btf_type *copy_of(const struct bl_btf *btf, unsigned char *raw, __u32 id)
{
	return (struct btf_type *)(raw + ((const unsigned char *)bl_btf_type(btf, id) - btf->data));
}

static void fix_kconfig_datasec(const struct bl_object *obj, struct btf_type *ct)
{
	struct btf_var_secinfo *vs = bl_btf_extra(ct);
	const struct bl_map *m = bl_kconfig_map(obj);
	struct bl_ext_info x;

	for (__u32 i = 0; i < bl_btf_vlen(ct) && bl_kconfig_extern(obj, i, &x, NULL) > 0; i++) {
		vs[i].offset = x.off;
		vs[i].size = x.size;
	}
	ct->size = m ? m->def.value_size : 0;
}

/* .ksyms: DATASEC of VARs and FUNCs -> an anonymous struct of ints (a
 * member is as long as a var_secinfo). */
static void fix_ksyms_datasec(const struct bl_btf *btf, struct btf_type *ct, __u32 int4)
{
	struct btf_var_secinfo *vs = bl_btf_extra(ct);
	struct btf_member *m = bl_btf_extra(ct);
	__u32 vlen = bl_btf_vlen(ct);

	for (__u32 i = 0; i < vlen; i++) {
		__u32 name = bl_btf_type(btf, vs[i].type)->name_off;

		m[i] = (struct btf_member){ .name_off = name, .type = int4, .offset = i * 32 };
	}
	ct->name_off = 0;
	ct->info = BTF_KIND_STRUCT << 24 | vlen;
	ct->size = vlen * 4;
}

int bl_btf_for_kernel(const struct bl_object *obj, void **raw, size_t *size)
{
	const struct bl_btf *btf = obj->btf;
	const struct btf_type *kc, *ks;
	unsigned char *copy;
	__u32 int4;

	*raw = NULL;
	*size = 0;
	kc = datasec(btf, BL_KCONFIG_MAP);
	ks = datasec(btf, KSYMS_SEC);
	if (!kc && !ks)
		return 0;
	int4 = find_int4(btf);
	if (!int4)
		return 0;	/* no int to stand in: the kernel refuses, we load without BTF */
	copy = malloc(btf->size);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, btf->data, btf->size);
	for (__u32 id = 1; id < bl_btf_type_cnt(btf); id++) {
		const struct btf_type *t = bl_btf_type(btf, id);
		struct btf_type *ct = copy_of(btf, copy, id);
		__u32 sz;

		if (bl_btf_kind(t) == BTF_KIND_VAR) {
			struct btf_var *v = bl_btf_extra(ct);

			if (v->linkage != BTF_VAR_GLOBAL_EXTERN)
				continue;
			v->linkage = BTF_VAR_GLOBAL_ALLOCATED;
			if (bl_btf_type_size(btf, t->type, &sz) || !sz)
				ct->type = int4;
		} else if (bl_btf_kind(t) == BTF_KIND_FUNC &&
			   bl_btf_vlen(t) == BTF_FUNC_EXTERN_LINKAGE) {
			ct->info = BTF_KIND_TYPEDEF << 24;
		} else if (t == kc) {
			fix_kconfig_datasec(obj, ct);
		} else if (t == ks) {
			fix_ksyms_datasec(btf, ct, int4);
		}
	}
	*raw = copy;
	*size = btf->size;
	return 0;
}
