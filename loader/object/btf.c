// SPDX-License-Identifier: BSD-2-Clause
/*
 * btf.c - parse and query BTF.
 *
 * Layout of raw BTF (all little-endian on x86, native order in general):
 *
 *   struct btf_header   magic 0xeB9F, version 1, hdr_len, and the offset
 *                       and length of the type and string areas, both
 *                       relative to the end of the header
 *   types               struct btf_type records, each followed by data
 *                       whose size depends on the kind (see extra_size)
 *   strings             NUL-terminated names; offset 0 is ""
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "object/btf.h"
#include "object/object.h"

#define BTF_MAGIC_NATIVE	0xeB9F
#define BTF_MAX_DEPTH		32

static const char *const kind_names[] = {
	[BTF_KIND_UNKN] = "UNKNOWN",	[BTF_KIND_INT] = "INT",
	[BTF_KIND_PTR] = "PTR",		[BTF_KIND_ARRAY] = "ARRAY",
	[BTF_KIND_STRUCT] = "STRUCT",	[BTF_KIND_UNION] = "UNION",
	[BTF_KIND_ENUM] = "ENUM",	[BTF_KIND_FWD] = "FWD",
	[BTF_KIND_TYPEDEF] = "TYPEDEF",	[BTF_KIND_VOLATILE] = "VOLATILE",
	[BTF_KIND_CONST] = "CONST",	[BTF_KIND_RESTRICT] = "RESTRICT",
	[BTF_KIND_FUNC] = "FUNC",	[BTF_KIND_FUNC_PROTO] = "FUNC_PROTO",
	[BTF_KIND_VAR] = "VAR",		[BTF_KIND_DATASEC] = "DATASEC",
	[BTF_KIND_FLOAT] = "FLOAT",	[BTF_KIND_DECL_TAG] = "DECL_TAG",
	[BTF_KIND_TYPE_TAG] = "TYPE_TAG", [BTF_KIND_ENUM64] = "ENUM64",
};

const char *bl_btf_kind_name(__u32 kind)
{
	if (kind >= sizeof(kind_names) / sizeof(kind_names[0]) || !kind_names[kind])
		return "UNKNOWN";
	return kind_names[kind];
}

/* Bytes of kind-specific data after struct btf_type; -1 for a bad kind. */
static long extra_size(const struct btf_type *t)
{
	__u32 vlen = bl_btf_vlen(t);

	switch (bl_btf_kind(t)) {
	case BTF_KIND_INT:
		return sizeof(__u32);
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (long)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (long)vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return (long)vlen * sizeof(struct btf_param);
	case BTF_KIND_VAR:
		return sizeof(struct btf_var);
	case BTF_KIND_DATASEC:
		return (long)vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_DECL_TAG:
		return sizeof(struct btf_decl_tag);
	case BTF_KIND_ENUM64:
		return (long)vlen * sizeof(struct btf_enum64);
	default:
		return -1;
	}
}

__u32 bl_btf_type_cnt(const struct bl_btf *btf)
{
	return btf->start_id + btf->nr_types;
}

const struct btf_type *bl_btf_type(const struct bl_btf *btf, __u32 id)
{
	if (id < btf->start_id)
		return btf->base ? bl_btf_type(btf->base, id) : NULL;
	if (id - btf->start_id >= btf->nr_types)
		return NULL;
	return btf->types[id - btf->start_id];
}

struct btf_type *bl_btf_type_mut(struct bl_btf *btf, __u32 id)
{
	if (id < btf->start_id || id - btf->start_id >= btf->nr_types)
		return NULL;
	return btf->types[id - btf->start_id];
}

const char *bl_btf_str(const struct bl_btf *btf, __u32 off)
{
	if (off < btf->str_start)
		return btf->base ? bl_btf_str(btf->base, off) : NULL;
	off -= btf->str_start;
	if (off >= btf->strs_len)
		return NULL;
	return btf->strs + off;
}

const char *bl_btf_name(const struct bl_btf *btf, const struct btf_type *t)
{
	const char *name = t ? bl_btf_str(btf, t->name_off) : NULL;

	return name ? name : "";
}

static int check_header(const unsigned char *data, size_t size, const char *what,
			struct btf_header *hdr, struct bl_error *e)
{
	if (size < sizeof(*hdr))
		return bl_fail(e, -EINVAL, "%s: %zu bytes is too short for the BTF header (%zu)",
			       what, size, sizeof(*hdr));
	memcpy(hdr, data, sizeof(*hdr));
	if (hdr->magic != BTF_MAGIC_NATIVE)
		return bl_fail(e, -EINVAL, "%s offset 0: bad BTF magic %#x (expected %#x;"
			       " an object for the other byte order?)", what, hdr->magic,
			       BTF_MAGIC_NATIVE);
	if (hdr->version != BTF_VERSION)
		return bl_fail(e, -EINVAL, "%s offset 2: BTF version %u, only %u is known",
			       what, hdr->version, BTF_VERSION);
	if (hdr->hdr_len < sizeof(*hdr) || hdr->hdr_len > size || hdr->hdr_len % 4)
		return bl_fail(e, -EINVAL, "%s offset 4: header length %u outside [%zu, %zu] or"
			       " not a multiple of 4", what, hdr->hdr_len, sizeof(*hdr), size);
	/* A longer header (a newer format) is fine if its tail is zero. */
	for (size_t i = sizeof(*hdr); i < hdr->hdr_len; i++)
		if (data[i])
			return bl_fail(e, -E2BIG, "%s offset %#zx: unknown non-zero BTF header field",
				       what, i);
	if ((__u64)hdr->type_off + hdr->type_len > size - hdr->hdr_len ||
	    (__u64)hdr->str_off + hdr->str_len > size - hdr->hdr_len)
		return bl_fail(e, -EINVAL, "%s offset 8: type area [%u+%u] or string area [%u+%u]"
			       " runs past the end (%zu bytes after the header)", what,
			       hdr->type_off, hdr->type_len, hdr->str_off, hdr->str_len,
			       size - hdr->hdr_len);
	if (hdr->type_off % 4)
		return bl_fail(e, -EINVAL, "%s offset 8: type area offset %u is not 4-byte aligned",
			       what, hdr->type_off);
	return 0;
}

static int check_strings(struct bl_btf *btf, const char *what, struct bl_error *e)
{
	__u32 off = btf->hdr.hdr_len + btf->hdr.str_off;

	btf->strs = (const char *)btf->data + off;
	btf->strs_len = btf->hdr.str_len;
	if (!btf->strs_len)
		return btf->base ? 0 : bl_fail(e, -EINVAL, "%s: empty string area", what);
	if (!btf->base && btf->strs[0])
		return bl_fail(e, -EINVAL, "%s offset %#x: string area must start with \"\"",
			       what, off);
	if (btf->strs[btf->strs_len - 1])
		return bl_fail(e, -EINVAL, "%s offset %#x: string area is not NUL-terminated",
			       what, off + btf->strs_len - 1);
	return 0;
}

/* First pass: find where each record starts, check it fits. */
static int index_types(struct bl_btf *btf, const char *what, struct bl_error *e)
{
	unsigned char *start = btf->data + btf->hdr.hdr_len + btf->hdr.type_off;
	__u32 len = btf->hdr.type_len, off = 0, cap = 0;

	while (off < len) {
		struct btf_type *t = (struct btf_type *)(start + off);
		__u32 abs = btf->hdr.hdr_len + btf->hdr.type_off + off;
		long extra;

		if (len - off < sizeof(*t))
			return bl_fail(e, -EINVAL, "%s offset %#x: truncated type record", what, abs);
		extra = extra_size(t);
		if (extra < 0)
			return bl_fail(e, -EINVAL, "%s offset %#x: type %u has unknown kind %u",
				       what, abs, btf->start_id + btf->nr_types, bl_btf_kind(t));
		if ((__u64)len - off - sizeof(*t) < (__u64)extra)
			return bl_fail(e, -EINVAL, "%s offset %#x: type %u (%s) extends past the"
				       " type area", what, abs, btf->start_id + btf->nr_types,
				       bl_btf_kind_name(bl_btf_kind(t)));
		if (btf->nr_types == cap) {
			struct btf_type **n;

			cap = cap ? cap * 2 : 64;
			n = realloc(btf->types, cap * sizeof(*n));
			if (!n)
				return bl_fail(e, -ENOMEM, "%s: out of memory for %u types", what, cap);
			btf->types = n;
		}
		btf->types[btf->nr_types++] = t;
		off += sizeof(*t) + extra;
		if (btf->start_id + btf->nr_types > (1U << 31))
			return bl_fail(e, -E2BIG, "%s: too many types", what);
	}
	return 0;
}

static int check_id(const struct bl_btf *btf, __u32 id, __u32 self, const char *what,
		    const char *field, struct bl_error *e)
{
	if (id < bl_btf_type_cnt(btf))
		return 0;
	return bl_fail(e, -EINVAL, "%s: type %u refers to type %u in %s, but only %u types exist",
		       what, self, id, field, bl_btf_type_cnt(btf) - 1);
}

static int check_name(const struct bl_btf *btf, __u32 off, __u32 self, const char *what,
		      struct bl_error *e)
{
	if (bl_btf_str(btf, off))
		return 0;
	return bl_fail(e, -EINVAL, "%s: type %u has name offset %u outside the string area",
		       what, self, off);
}

static int check_members(const struct bl_btf *btf, const struct btf_type *t, __u32 id,
			 const char *what, struct bl_error *e)
{
	const struct btf_member *m = bl_btf_extra(t);
	int err = 0;

	for (__u32 i = 0; i < bl_btf_vlen(t) && !err; i++) {
		err = check_name(btf, m[i].name_off, id, what, e);
		if (!err)
			err = check_id(btf, m[i].type, id, what, "a member", e);
	}
	return err;
}

static int check_refs(const struct bl_btf *btf, const struct btf_type *t, __u32 id,
		      const char *what, struct bl_error *e)
{
	const struct btf_param *p;
	const struct btf_var_secinfo *vs;
	const struct btf_array *a;
	const struct btf_enum *en;
	int err = check_name(btf, t->name_off, id, what, e);

	if (err)
		return err;
	switch (bl_btf_kind(t)) {
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC:
	case BTF_KIND_VAR: case BTF_KIND_DECL_TAG: case BTF_KIND_TYPE_TAG:
		return check_id(btf, t->type, id, what, "its type", e);
	case BTF_KIND_ARRAY:
		a = bl_btf_extra(t);
		err = check_id(btf, a->type, id, what, "the element type", e);
		return err ? err : check_id(btf, a->index_type, id, what, "the index type", e);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return check_members(btf, t, id, what, e);
	case BTF_KIND_ENUM:
		en = bl_btf_extra(t);
		for (__u32 i = 0; i < bl_btf_vlen(t) && !err; i++)
			err = check_name(btf, en[i].name_off, id, what, e);
		return err;
	case BTF_KIND_FUNC_PROTO:
		p = bl_btf_extra(t);
		err = check_id(btf, t->type, id, what, "the return type", e);
		for (__u32 i = 0; i < bl_btf_vlen(t) && !err; i++) {
			err = check_name(btf, p[i].name_off, id, what, e);
			if (!err)
				err = check_id(btf, p[i].type, id, what, "a parameter", e);
		}
		return err;
	case BTF_KIND_DATASEC:
		vs = bl_btf_extra(t);
		for (__u32 i = 0; i < bl_btf_vlen(t) && !err; i++)
			err = check_id(btf, vs[i].type, id, what, "a section variable", e);
		return err;
	default:
		return 0;
	}
}

int bl_btf_parse(const void *data, size_t size, const struct bl_btf *base,
		 const char *what, struct bl_btf **out, struct bl_error *e)
{
	struct bl_btf *btf;
	int err;

	*out = NULL;
	btf = calloc(1, sizeof(*btf));
	if (!btf)
		return bl_fail(e, -ENOMEM, "%s: out of memory", what);
	btf->base = base;
	btf->start_id = base ? bl_btf_type_cnt(base) : 1;
	btf->str_start = base ? base->str_start + base->strs_len : 0;
	err = check_header(data, size, what, &btf->hdr, e);
	if (err)
		goto fail;
	btf->size = size;
	btf->data = malloc(size ? size : 1);
	if (!btf->data) {
		err = bl_fail(e, -ENOMEM, "%s: out of memory for %zu bytes", what, size);
		goto fail;
	}
	memcpy(btf->data, data, size);
	err = check_strings(btf, what, e);
	if (!err)
		err = index_types(btf, what, e);
	for (__u32 i = 0; !err && i < btf->nr_types; i++)
		err = check_refs(btf, btf->types[i], btf->start_id + i, what, e);
	if (err)
		goto fail;
	*out = btf;
	return 0;
fail:
	bl_btf_free(btf);
	return err;
}

void bl_btf_free(struct bl_btf *btf)
{
	if (!btf)
		return;
	free(btf->name_index);
	free(btf->types);
	free(btf->data);
	free(btf);
}

/* ---- lookups ---------------------------------------------------------------- */

static int cmp_by_name(const void *a, const void *b, void *arg)
{
	const struct bl_btf *btf = arg;
	const struct btf_type *ta = bl_btf_type(btf, *(const __u32 *)a);
	const struct btf_type *tb = bl_btf_type(btf, *(const __u32 *)b);
	int c = strcmp(bl_btf_name(btf, ta), bl_btf_name(btf, tb));

	if (c)
		return c;
	return *(const __u32 *)a < *(const __u32 *)b ? -1 : 1;
}

/* Sorting the named types once makes each lookup in vmlinux's ~130k
 * types a binary search.  The index is a cache: building it does not
 * change what the BTF says, so lookups stay logically const. */
static int build_name_index(struct bl_btf *btf)
{
	__u32 n = 0;

	btf->name_index = malloc((btf->nr_types ? btf->nr_types : 1) * sizeof(__u32));
	if (!btf->name_index)
		return -ENOMEM;
	for (__u32 i = 0; i < btf->nr_types; i++)
		if (btf->types[i]->name_off)
			btf->name_index[n++] = btf->start_id + i;
	qsort_r(btf->name_index, n, sizeof(__u32), cmp_by_name, btf);
	btf->nr_named = n;
	return 0;
}

static __u32 find_own(const struct bl_btf *btf, const char *name, __u32 kind)
{
	struct bl_btf *mut = (struct bl_btf *)btf;
	size_t lo = 0, hi;

	if (!btf->name_index && build_name_index(mut))
		return 0;
	hi = btf->nr_named;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct btf_type *t = bl_btf_type(btf, btf->name_index[mid]);

		if (strcmp(bl_btf_name(btf, t), name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < btf->nr_named; lo++) {
		const struct btf_type *t = bl_btf_type(btf, btf->name_index[lo]);

		if (strcmp(bl_btf_name(btf, t), name))
			break;
		if (bl_btf_kind(t) == kind)
			return btf->name_index[lo];
	}
	return 0;
}

__u32 bl_btf_find(const struct bl_btf *btf, const char *name, __u32 kind)
{
	__u32 id = find_own(btf, name, kind);

	if (!id && btf->base)
		id = bl_btf_find(btf->base, name, kind);
	return id;
}

static bool is_modifier(__u32 kind)
{
	return kind == BTF_KIND_TYPEDEF || kind == BTF_KIND_VOLATILE ||
	       kind == BTF_KIND_CONST || kind == BTF_KIND_RESTRICT ||
	       kind == BTF_KIND_TYPE_TAG;
}

const struct btf_type *bl_btf_resolve(const struct bl_btf *btf, __u32 id, __u32 *res_id)
{
	const struct btf_type *t = bl_btf_type(btf, id);

	for (int depth = 0; t && is_modifier(bl_btf_kind(t)); depth++) {
		if (depth >= BTF_MAX_DEPTH)
			return NULL;
		id = t->type;
		t = bl_btf_type(btf, id);
	}
	if (res_id)
		*res_id = id;
	return t;
}

int bl_btf_type_size(const struct bl_btf *btf, __u32 id, __u32 *size)
{
	const struct btf_type *t;
	__u64 total = 1;

	for (int depth = 0; depth < BTF_MAX_DEPTH; depth++) {
		t = bl_btf_resolve(btf, id, &id);
		if (!t)
			return -EINVAL;
		switch (bl_btf_kind(t)) {
		case BTF_KIND_INT: case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
		case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_DATASEC:
		case BTF_KIND_FLOAT:
			total *= t->size;
			break;
		case BTF_KIND_PTR:
			total *= 8;
			break;
		case BTF_KIND_VAR:
			id = t->type;
			continue;
		case BTF_KIND_ARRAY:
			total *= ((const struct btf_array *)bl_btf_extra(t))->nelems;
			if (total > UINT32_MAX)
				return -E2BIG;
			id = ((const struct btf_array *)bl_btf_extra(t))->type;
			continue;
		default:
			return -EINVAL;
		}
		if (total > UINT32_MAX)
			return -E2BIG;
		*size = (__u32)total;
		return 0;
	}
	return -ELOOP;
}
