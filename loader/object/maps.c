// SPDX-License-Identifier: BSD-2-Clause
/*
 * maps.c - the maps an object defines, in its three ways of saying so.
 *
 * 1. The legacy "maps" section (samples/bpf era): an array of
 *    struct bpf_map_def { type, key_size, value_size, max_entries,
 *    map_flags, ... } with one symbol per map.  The struct grew over the
 *    years, so its size comes from the symbol (or section size / count).
 *
 * 2. BTF-defined maps in ".maps": each map is a variable whose *type*
 *    carries the definition.  __uint(max_entries, 64) declares a member
 *    "int (*max_entries)[64]", so the number is the array length in BTF;
 *    __type(key, u32) declares "u32 *key", so the key is a real type
 *    whose id the kernel can check and print.
 *
 * 3. Global variables: .data, .rodata* and .bss each become a
 *    one-element array map whose value is the whole section.  Programs
 *    address a variable as "map value + offset" (BPF_PSEUDO_MAP_VALUE).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "object/btf.h"
#include "object/btf_ext.h"
#include "object/object.h"

/* The largest legacy definition we know: type, key_size, value_size,
 * max_entries, map_flags, inner_map_idx, numa_node. */
#define LEGACY_DEF_KNOWN	(7 * sizeof(__u32))
#define MAX_MAPS		65536
#define MAX_DATA_SECTION	(16U << 20)

static struct bl_map *new_map(struct bl_object *obj, size_t *cap, struct bl_error *e)
{
	struct bl_map *m;

	if (obj->nr_maps >= MAX_MAPS) {
		bl_fail(e, -E2BIG, "more than %d maps", MAX_MAPS);
		return NULL;
	}
	if (obj->nr_maps == *cap) {
		struct bl_map *n;

		*cap = *cap ? *cap * 2 : 8;
		n = realloc(obj->maps, *cap * sizeof(*n));
		if (!n) {
			bl_fail(e, -ENOMEM, "out of memory for maps");
			return NULL;
		}
		obj->maps = n;
	}
	m = &obj->maps[obj->nr_maps++];
	memset(m, 0, sizeof(*m));
	m->obj = obj;
	m->fd = -1;
	return m;
}

/* Kernel object names allow [A-Za-z0-9_.] and 15 characters. */
static char name_char(char c)
{
	return (c == '_' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		(c >= 'A' && c <= 'Z')) ? c : '_';
}

/* prefix + name, the prefix cut first when both do not fit. */
static void kernel_name(char *dst, const char *prefix, const char *name)
{
	size_t plen = prefix ? strlen(prefix) : 0, nlen = strlen(name);
	size_t room = BPF_OBJ_NAME_LEN - 1, i, j = 0;

	if (plen + nlen > room)
		plen = nlen < room ? room - nlen : 0;
	for (i = 0; i < plen; i++)
		dst[j++] = name_char(prefix[i]);
	for (i = 0; i < nlen && j < room; i++)
		dst[j++] = name_char(name[i]);
	dst[j] = '\0';
}

static int set_name(struct bl_map *m, const char *name, const char *prefix, struct bl_error *e)
{
	m->name = strdup(name);
	if (!m->name)
		return bl_fail(e, -ENOMEM, "out of memory");
	kernel_name(m->kname, prefix, name);
	return 0;
}

/* ---- 1. legacy "maps" section ------------------------------------------- */

static int cmp_sym_value(const void *a, const void *b)
{
	const struct bl_symbol *sa = *(const struct bl_symbol *const *)a;
	const struct bl_symbol *sb = *(const struct bl_symbol *const *)b;

	return sa->value < sb->value ? -1 : sa->value > sb->value;
}

static int parse_legacy_def(struct bl_map *m, const struct bl_section *s, struct bl_error *e)
{
	__u32 f[7] = { 0 };
	size_t known = m->def_size < LEGACY_DEF_KNOWN ? m->def_size : LEGACY_DEF_KNOWN;

	for (__u64 i = LEGACY_DEF_KNOWN; i < m->def_size; i++)
		if (s->data[m->sec_off + i])
			return bl_fail(e, -EINVAL, "map '%s' (section '%s' offset %#llx): the"
				       " definition is %llu bytes and byte %llu is not zero; this"
				       " loader knows only the first %zu bytes (type, key_size,"
				       " value_size, max_entries, map_flags, inner_map_idx,"
				       " numa_node)", m->name, s->name,
				       (unsigned long long)(m->sec_off + i),
				       (unsigned long long)m->def_size, (unsigned long long)i,
				       LEGACY_DEF_KNOWN);
	memcpy(f, s->data + m->sec_off, known);
	m->def.type = f[0];
	m->def.key_size = f[1];
	m->def.value_size = f[2];
	m->def.max_entries = f[3];
	m->def.map_flags = f[4];
	m->def.inner_map_idx = f[5];
	m->def.numa_node = f[6];
	m->def.has_inner_idx = known > 5 * sizeof(__u32) &&
			       (f[0] == BPF_MAP_TYPE_ARRAY_OF_MAPS ||
				f[0] == BPF_MAP_TYPE_HASH_OF_MAPS);
	return 0;
}

static int legacy_symbols(struct bl_object *obj, const struct bl_section *s,
			  const struct bl_symbol ***out, size_t *nr)
{
	const struct bl_symbol **syms;
	size_t n = 0;

	syms = calloc(obj->elf.nr_syms ? obj->elf.nr_syms : 1, sizeof(*syms));
	if (!syms)
		return -ENOMEM;
	for (size_t i = 0; i < obj->elf.nr_syms; i++) {
		const struct bl_symbol *sym = &obj->elf.syms[i];

		if (sym->shndx != s->index || sym->type == STT_SECTION || sym->type == STT_FILE ||
		    !sym->name[0])
			continue;
		syms[n++] = sym;
	}
	qsort(syms, n, sizeof(*syms), cmp_sym_value);
	*out = syms;
	*nr = n;
	return 0;
}

static int add_legacy_map(struct bl_object *obj, size_t *cap, const struct bl_section *s,
			  const struct bl_symbol *sym, __u64 def_size, struct bl_error *e)
{
	struct bl_map *m;
	__u64 size = sym->size ? sym->size : def_size;

	if (sym->value > s->size || size > s->size - sym->value || size == 0)
		return bl_fail(e, -EINVAL, "map '%s' (section '%s' offset %#llx): a %llu-byte"
			       " definition does not fit the %llu-byte section", sym->name,
			       s->name, (unsigned long long)sym->value, (unsigned long long)size,
			       (unsigned long long)s->size);
	m = new_map(obj, cap, e);
	if (!m)
		return e ? e->err : -ENOMEM;
	m->origin = BL_MAP_LEGACY;
	m->sec = s;
	m->sec_off = sym->value;
	m->def_size = size;
	if (set_name(m, sym->name, NULL, e))
		return -ENOMEM;
	return parse_legacy_def(m, s, e);
}

static int collect_legacy(struct bl_object *obj, size_t *cap, const struct bl_section *s,
			  struct bl_error *e)
{
	const struct bl_symbol **syms;
	__u64 def_size = 0;
	size_t n;
	int err;

	if (s->type == SHT_NOBITS || !s->data)
		return bl_fail(e, -EINVAL, "section '%s': map definitions must have contents"
			       " (it is SHT_NOBITS)", s->name);
	if (legacy_symbols(obj, s, &syms, &n))
		return bl_fail(e, -ENOMEM, "out of memory");
	if (n == 0 && s->size) {
		err = bl_fail(e, -EINVAL, "section '%s': %llu bytes of map definitions but no"
			      " symbol names them", s->name, (unsigned long long)s->size);
		goto out;
	}
	/* Objects without symbol sizes: every definition has the same size. */
	if (n && s->size % n == 0)
		def_size = s->size / n;
	err = 0;
	for (size_t i = 0; i < n && !err; i++) {
		if (!syms[i]->size && !def_size) {
			err = bl_fail(e, -EINVAL, "map '%s' (section '%s' offset %#llx): no symbol"
				      " size, and %llu bytes do not divide into %zu definitions",
				      syms[i]->name, s->name, (unsigned long long)syms[i]->value,
				      (unsigned long long)s->size, n);
			break;
		}
		if (i && syms[i - 1]->value + (syms[i - 1]->size ? syms[i - 1]->size : def_size) >
			 syms[i]->value) {
			err = bl_fail(e, -EINVAL, "map '%s' (section '%s' offset %#llx) overlaps"
				      " map '%s'", syms[i]->name, s->name,
				      (unsigned long long)syms[i]->value, syms[i - 1]->name);
			break;
		}
		err = add_legacy_map(obj, cap, s, syms[i], def_size, e);
	}
out:
	free(syms);
	return err;
}

/* ---- 2. BTF-defined maps in ".maps" -------------------------------------- */

/* __uint(name, N) is "int (*name)[N]": a pointer to an array of N. */
static int member_uint(const struct bl_btf *btf, const struct btf_member *mb, __u32 *val)
{
	const struct btf_type *t = bl_btf_type(btf, mb->type), *arr;

	if (!t || bl_btf_kind(t) != BTF_KIND_PTR)
		return -EINVAL;
	arr = bl_btf_resolve(btf, t->type, NULL);
	if (!arr || bl_btf_kind(arr) != BTF_KIND_ARRAY)
		return -EINVAL;
	*val = ((const struct btf_array *)bl_btf_extra(arr))->nelems;
	return 0;
}

/* __type(name, T) is "T *name": the key or value type. */
static int member_type(const struct bl_btf *btf, const struct btf_member *mb, __u32 *id,
		       __u32 *size)
{
	const struct btf_type *t = bl_btf_type(btf, mb->type);

	if (!t || bl_btf_kind(t) != BTF_KIND_PTR)
		return -EINVAL;
	*id = t->type;
	return bl_btf_type_size(btf, t->type, size);
}

struct btf_map_ctx {
	struct bl_object *obj;
	const struct bl_section *sec;	/* .maps */
	__u64 var_off;			/* of the outer map variable */
	const struct btf_type *def;	/* the outer definition struct */
	struct bl_error *e;
};

static int parse_btf_def(struct btf_map_ctx *c, struct bl_map *m, const struct btf_type *st,
			 bool inner);

static int btf_def_fail(struct btf_map_ctx *c, const struct bl_map *m, const char *member,
			const char *what)
{
	return bl_fail(c->e, -EINVAL, "map '%s' (section '%s' offset %#llx): member '%s' %s",
		       m->name, c->sec->name, (unsigned long long)c->var_off, member, what);
}

static int set_size(struct btf_map_ctx *c, struct bl_map *m, const char *member,
		    __u32 *field, __u32 size)
{
	if (*field && *field != size)
		return btf_def_fail(c, m, member, "conflicts with the size given by the other"
				    " key/value member");
	*field = size;
	return 0;
}

/* "values": the initial contents of a map-in-map or prog_array, declared
 * as a flexible array of pointers to the inner definition or to programs. */
static int parse_values(struct btf_map_ctx *c, struct bl_map *m, const struct btf_member *mb,
			bool inner)
{
	const struct bl_btf *btf = c->obj->btf;
	const struct btf_type *arr = bl_btf_resolve(btf, mb->type, NULL), *ptr, *tgt;
	const struct btf_array *a;

	if (inner)
		return btf_def_fail(c, m, "values", "is not allowed in an inner map");
	if (m->has_values)
		return btf_def_fail(c, m, "values", "is declared twice");
	if (!arr || bl_btf_kind(arr) != BTF_KIND_ARRAY)
		return btf_def_fail(c, m, "values", "must be an array (__array())");
	a = bl_btf_extra(arr);
	ptr = bl_btf_resolve(btf, a->type, NULL);
	if (!ptr || bl_btf_kind(ptr) != BTF_KIND_PTR)
		return btf_def_fail(c, m, "values", "must be an array of pointers");
	tgt = bl_btf_resolve(btf, ptr->type, NULL);
	if (tgt && bl_btf_kind(tgt) == BTF_KIND_FUNC_PROTO) {
		if (m->def.type != BPF_MAP_TYPE_PROG_ARRAY)
			return btf_def_fail(c, m, "values", "holds programs but the map is not a"
					    " prog_array");
		m->has_values = true;
		m->values_off = (bl_btf_kflag(c->def) ? BTF_MEMBER_BIT_OFFSET(mb->offset) :
				 mb->offset) / 8;
		/* the value of a prog_array is a program fd */
		if (!m->def.value_size)
			m->def.value_size = sizeof(__u32);
		return 0;
	}
	m->has_values = true;
	m->values_off = (bl_btf_kflag(c->def) ? BTF_MEMBER_BIT_OFFSET(mb->offset) : mb->offset) / 8;
	if (!tgt || bl_btf_kind(tgt) != BTF_KIND_STRUCT)
		return btf_def_fail(c, m, "values", "must point to a map definition struct");
	if (m->def.type != BPF_MAP_TYPE_ARRAY_OF_MAPS && m->def.type != BPF_MAP_TYPE_HASH_OF_MAPS)
		return btf_def_fail(c, m, "values", "describes an inner map but the map type is"
				    " not array_of_maps or hash_of_maps (declare 'type' first)");
	/* the value of a map-in-map is an inner map's fd */
	if (!m->def.value_size)
		m->def.value_size = sizeof(__u32);
	m->inner = calloc(1, sizeof(*m->inner));
	if (!m->inner)
		return bl_fail(c->e, -ENOMEM, "out of memory");
	m->inner->obj = c->obj;
	m->inner->fd = -1;
	m->inner->origin = BL_MAP_BTF;
	m->inner->sec = c->sec;
	m->inner->sec_off = c->var_off;
	if (set_name(m->inner, m->name, NULL, c->e))
		return -ENOMEM;
	/* the inner template's kernel name: "<outer>.inner", cut to fit */
	kernel_name(m->inner->kname, m->name, ".inner");
	return parse_btf_def(c, m->inner, tgt, true);
}

static int parse_member(struct btf_map_ctx *c, struct bl_map *m, const struct btf_member *mb,
			bool inner)
{
	const struct bl_btf *btf = c->obj->btf;
	const char *name = bl_btf_str(btf, mb->name_off);
	__u32 val = 0, id = 0, size = 0;

	if (!name || !*name)
		return btf_def_fail(c, m, "(anonymous)", "is not a map attribute");
	if (!strcmp(name, "key") || !strcmp(name, "value")) {
		bool key = name[0] == 'k';

		if (member_type(btf, mb, &id, &size))
			return btf_def_fail(c, m, name, "must be declared with __type() and have a"
					    " known size");
		if (key)
			m->btf_key_type_id = id;
		else
			m->btf_value_type_id = id;
		return set_size(c, m, name, key ? &m->def.key_size : &m->def.value_size, size);
	}
	if (!strcmp(name, "values"))
		return parse_values(c, m, mb, inner);
	if (member_uint(btf, mb, &val))
		return btf_def_fail(c, m, name, "must be declared with __uint()");
	if (!strcmp(name, "type"))
		m->def.type = val;
	else if (!strcmp(name, "max_entries"))
		m->def.max_entries = val;
	else if (!strcmp(name, "map_flags"))
		m->def.map_flags = val;
	else if (!strcmp(name, "numa_node"))
		m->def.numa_node = val;
	else if (!strcmp(name, "map_extra"))
		m->def.map_extra = val;
	else if (!strcmp(name, "key_size"))
		return set_size(c, m, name, &m->def.key_size, val);
	else if (!strcmp(name, "value_size"))
		return set_size(c, m, name, &m->def.value_size, val);
	else if (!strcmp(name, "pinning")) {
		if (val > 1)
			return btf_def_fail(c, m, name, "must be 0 (none) or 1 (by name)");
		if (inner && val)
			return btf_def_fail(c, m, name, "cannot pin an inner map");
		m->def.pinning = val;
	} else {
		return btf_def_fail(c, m, name, "is not a map attribute this loader knows");
	}
	return 0;
}

static int parse_btf_def(struct btf_map_ctx *c, struct bl_map *m, const struct btf_type *st,
			 bool inner)
{
	const struct btf_member *mb = bl_btf_extra(st);
	int err = 0;

	for (__u32 i = 0; i < bl_btf_vlen(st) && !err; i++)
		err = parse_member(c, m, &mb[i], inner);
	if (!err && !m->def.type)
		err = btf_def_fail(c, m, "type", "is missing: the map type must be given");
	return err;
}

static int add_btf_map(struct bl_object *obj, size_t *cap, const struct bl_section *s,
		       const struct btf_var_secinfo *vs, struct bl_error *e)
{
	const struct bl_btf *btf = obj->btf;
	const struct btf_type *var = bl_btf_type(btf, vs->type), *def;
	struct btf_map_ctx c = { .obj = obj, .sec = s, .var_off = vs->offset, .e = e };

	struct bl_map *m;

	if (!var || bl_btf_kind(var) != BTF_KIND_VAR)
		return bl_fail(e, -EINVAL, "section '%s' offset %#x: BTF entry %u is not a"
			       " variable", s->name, vs->offset, vs->type);
	def = bl_btf_resolve(btf, var->type, NULL);
	if (!def || bl_btf_kind(def) != BTF_KIND_STRUCT)
		return bl_fail(e, -EINVAL, "map '%s' (section '%s' offset %#x): the definition"
			       " must be a struct", bl_btf_name(btf, var), s->name, vs->offset);
	if ((__u64)vs->offset + vs->size > s->size)
		return bl_fail(e, -EINVAL, "map '%s' (section '%s' offset %#x): %u bytes run past"
			       " the section end (%llu)", bl_btf_name(btf, var), s->name,
			       vs->offset, vs->size, (unsigned long long)s->size);
	m = new_map(obj, cap, e);
	if (!m)
		return e ? e->err : -ENOMEM;
	m->origin = BL_MAP_BTF;
	m->sec = s;
	m->sec_off = vs->offset;
	m->def_size = vs->size;
	m->btf_var_id = vs->type;
	if (set_name(m, bl_btf_name(btf, var), NULL, e))
		return -ENOMEM;
	c.def = def;
	return parse_btf_def(&c, m, def, false);
}

static int collect_btf_maps(struct bl_object *obj, size_t *cap, const struct bl_section *s,
			    struct bl_error *e)
{
	const struct btf_type *ds;
	const struct btf_var_secinfo *vs;
	__u32 id;
	int err = 0;

	if (!obj->btf)
		return bl_fail(e, -EINVAL, "section '%s': BTF-defined maps need the object's BTF;"
			       " compile with clang -g (and do not open with no_btf)", s->name);
	id = bl_btf_find(obj->btf, s->name, BTF_KIND_DATASEC);
	if (!id)
		return s->size ? bl_fail(e, -EINVAL, "section '%s': no BTF DATASEC describes it;"
					 " compile with clang -g", s->name) : 0;
	ds = bl_btf_type(obj->btf, id);
	vs = bl_btf_extra(ds);
	for (__u32 i = 0; i < bl_btf_vlen(ds) && !err; i++)
		err = add_btf_map(obj, cap, s, &vs[i], e);
	return err;
}

/* ---- 3. global data --------------------------------------------------------- */

static int add_data_map(struct bl_object *obj, size_t *cap, const struct bl_section *s,
			struct bl_error *e)
{
	struct bl_map *m;

	if (s->size == 0)
		return 0;
	/* .bss has no bytes in the file, so its size is only a claim: cap it
	 * above what any kernel accepts as one array value (a few MiB). */
	if (s->size > MAX_DATA_SECTION)
		return bl_fail(e, -E2BIG, "section '%s': %llu bytes of global data; the kernel"
			       " accepts at most a few MiB in one map value (limit here %u)",
			       s->name, (unsigned long long)s->size, MAX_DATA_SECTION);
	m = new_map(obj, cap, e);
	if (!m)
		return e ? e->err : -ENOMEM;
	m->origin = s->role == BL_SEC_DATA ? BL_MAP_DATA :
		    s->role == BL_SEC_RODATA ? BL_MAP_RODATA : BL_MAP_BSS;
	m->sec = s;
	m->def.type = BPF_MAP_TYPE_ARRAY;
	m->def.key_size = sizeof(__u32);
	m->def.value_size = s->size;
	m->def.max_entries = 1;
	/* mmap-able so user space can read and write variables directly;
	 * .rodata is read-only for the program, and frozen after load. */
	m->def.map_flags = BPF_F_MMAPABLE;
	if (m->origin == BL_MAP_RODATA)
		m->def.map_flags |= BPF_F_RDONLY_PROG;
	if (obj->btf)
		m->btf_value_type_id = bl_btf_find(obj->btf, s->name, BTF_KIND_DATASEC);
	m->btf_var_id = m->btf_value_type_id;
	m->image_size = s->size;
	m->image = calloc(1, s->size);
	if (!m->image)
		return bl_fail(e, -ENOMEM, "out of memory for section '%s'", s->name);
	if (s->data)
		memcpy(m->image, s->data, s->size);
	if (set_name(m, s->name, NULL, e))
		return -ENOMEM;
	kernel_name(m->kname, obj->kname_prefix, s->name);
	return 0;
}

int bl_maps_collect(struct bl_object *obj, struct bl_error *e)
{
	size_t cap = 0;
	int err = 0;

	for (size_t i = 0; i < obj->elf.nr_secs && !err; i++) {
		const struct bl_section *s = &obj->elf.secs[i];

		switch (s->role) {
		case BL_SEC_LEGACY_MAPS:
			err = collect_legacy(obj, &cap, s, e);
			break;
		case BL_SEC_BTF_MAPS:
			err = collect_btf_maps(obj, &cap, s, e);
			break;
		case BL_SEC_DATA:
		case BL_SEC_RODATA:
		case BL_SEC_BSS:
			err = add_data_map(obj, &cap, s, e);
			break;
		default:
			break;
		}
	}
	if (!err)
		err = bl_map_slots_collect(obj, e);
	return err;
}

/* ---- initial slots of map-in-map and prog_array -------------------------- */

/*
 * ".values = { [2] = &inner_map }" in a .maps definition becomes a
 * 64-bit data relocation (R_BPF_64_ABS64) in .rel.maps at the slot's
 * offset, naming the inner map's (or program's) symbol.  After the maps
 * exist, the loader stores the target's fd in that slot of the map.
 */
static const struct bl_program *prog_by_func(const struct bl_object *obj, unsigned int sec,
					     __u64 off)
{
	for (size_t i = 0; i < obj->nr_progs; i++)
		if (obj->progs[i].func.sec == sec && obj->progs[i].func.off == off)
			return &obj->progs[i];
	return NULL;
}

static int add_slot(struct bl_object *obj, const struct bl_section *s, const struct bl_rel *r,
		    struct bl_error *e)
{
	const struct bl_symbol *sym = &obj->elf.syms[r->sym];
	struct bl_map *m = bl_map_by_def(obj, s->index, r->offset), *t;
	const struct bl_program *p;
	struct bl_map_slot slot = { 0 };
	__u64 rel_off;

	if (!m || !m->has_values || r->offset < m->sec_off + m->values_off)
		return bl_fail(e, -EINVAL, "section '%s' offset %#llx: relocation outside any map's"
			       " 'values' member", s->name, (unsigned long long)r->offset);
	rel_off = r->offset - m->sec_off - m->values_off;
	if (r->type != BL_R_BPF_64_ABS64 || rel_off % 8)
		return bl_fail(e, -EINVAL, "section '%s' offset %#llx: map '%s' slot relocation of"
			       " type %u is not an aligned 64-bit pointer", s->name,
			       (unsigned long long)r->offset, m->name, r->type);
	slot.index = rel_off / 8;
	if (sym->shndx < obj->elf.nr_secs && obj->elf.secs[sym->shndx].role == BL_SEC_BTF_MAPS &&
	    (t = bl_map_by_def(obj, sym->shndx, sym->value)) && t != m && m->inner) {
		slot.target = t - obj->maps;
	} else if (sym->shndx < obj->elf.nr_secs &&
		   (p = prog_by_func(obj, sym->shndx, sym->value)) &&
		   m->def.type == BPF_MAP_TYPE_PROG_ARRAY) {
		slot.is_prog = true;
		slot.target = p - obj->progs;
	} else {
		return bl_fail(e, -EINVAL, "section '%s' offset %#llx: map '%s' slot %u names"
			       " '%s', which is not %s", s->name, (unsigned long long)r->offset,
			       m->name, slot.index, sym->name,
			       m->inner ? "another map in .maps" : "a program");
	}
	if (slot.index >= m->def.max_entries)
		return bl_fail(e, -EINVAL, "map '%s': initial slot %u is past max_entries %u",
			       m->name, slot.index, m->def.max_entries);
	if (bl_array_reserve((void **)&m->slots, &m->cap_slots, m->nr_slots + 1,
			     sizeof(*m->slots)))
		return bl_fail(e, -ENOMEM, "out of memory");
	m->slots[m->nr_slots++] = slot;
	return 0;
}

int bl_map_slots_collect(struct bl_object *obj, struct bl_error *e)
{
	int err = 0;

	for (size_t i = 0; i < obj->elf.nr_secs; i++) {
		const struct bl_section *s = &obj->elf.secs[i];

		if (s->role != BL_SEC_BTF_MAPS)
			continue;
		for (size_t j = 0; j < s->nr_rels && !err; j++)
			err = add_slot(obj, s, &s->rels[j], e);
	}
	return err;
}

struct bl_map *bl_map_by_def(struct bl_object *obj, unsigned int sec, __u64 off)
{
	for (size_t i = 0; i < obj->nr_maps; i++) {
		struct bl_map *m = &obj->maps[i];

		if (m->sec->index != sec)
			continue;
		if (m->origin == BL_MAP_LEGACY || m->origin == BL_MAP_BTF) {
			if (off >= m->sec_off && off < m->sec_off + (m->def_size ? m->def_size : 1))
				return m;
		} else {
			return m;
		}
	}
	return NULL;
}

void bl_map_free(struct bl_map *m)
{
	if (m->inner) {
		bl_map_free(m->inner);
		free(m->inner);
	}
	free(m->name);
	free(m->slots);
	free(m->image);
	free(m->pin_path);
}
