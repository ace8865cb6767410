// SPDX-License-Identifier: BSD-2-Clause
/*
 * core.c - the CO-RE relocation engine.
 *
 * For each struct bpf_core_relo record of a program:
 *
 *  1. The local spec.  The access string "0:1:2" is walked through the
 *     object's BTF from the record's type: the first index is an element
 *     of the root (p[0]), each further one a member of a struct/union or
 *     an element of an array.  Named members are what we match by;
 *     anonymous struct/union members on the way only add their offset.
 *  2. Candidates.  The kernel's types whose name, without a "___flavour"
 *     suffix, is the local type's name (also without one), of a
 *     compatible kind: struct-struct, union-union, enum-enum64, and a
 *     local forward declaration for either.
 *  3. Matching.  Each candidate walks the local path by member name
 *     (looking into anonymous members), array index and compatible field
 *     types; type-based records check the types' compatibility, enum
 *     value records look the enumerator up by name.
 *  4. The value: byte offset, size, existence, signedness, bitfield
 *     shifts, type id or size, enumerator value, computed for the local
 *     spec (it must be what the instruction holds) and for the match.
 *     Candidates that match but disagree are an error (ambiguity).
 *  5. The instruction: ALU immediate, load/store offset (and width,
 *     when an unsigned integer or pointer field changed size), or the 64
 *     bits of an ld_imm64.  With no match a field offset, size or shift
 *     or an enum value cannot be known: the instruction becomes a call of
 *     the non-existent helper 0xbad2310, which the verifier only refuses
 *     if that path can run ("poisoning"); existence queries get 0, and so
 *     do type-based ones (type id, size) as the CO-RE convention has it.
 *
 * The BTF on either side may be hostile: every id, index and offset is
 * checked, and recursion through types is bounded.
 */
#include <errno.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "object/btf.h"
#include "object/btf_ext.h"
#include "object/core.h"
#include "object/object.h"

#define MAX_TYPE_DEPTH		32	/* typedef chains, nested types */
#define MAX_BIT_OFF		(1ULL << 40)

#define INSN_LD_IMM64		(BPF_LD | BPF_IMM | BPF_DW)
#define INSN_CALL		(BPF_JMP | BPF_CALL)
#ifndef BPF_MEMSX
#define BPF_MEMSX		0x80
#endif

#define WHY_LEN			256

/* One step of a path: a named member, or an array element. */
struct core_acc {
	__u32 type_id;		/* member: its struct/union; element: the element type */
	__u32 idx;		/* member index, or element index */
	const char *name;	/* member or enumerator name; NULL for an element */
};

struct core_spec {
	const struct bl_btf *btf;
	__u32 root_id;			/* the record's type, or the candidate */
	struct core_acc acc[BL_CORE_MAX_ACCESS];
	int len;			/* named steps (and elements) */
	__u32 raw[BL_CORE_MAX_ACCESS];	/* every index, anonymous members too */
	int raw_len;
	__u64 bit_off;			/* of the end of the path from the root */
};

/* A computed relocation value and what a memory access needs to know. */
struct core_val {
	__u64 val;
	__u32 field_size;	/* non-bitfield FIELD_BYTE_OFFSET: the field's size */
	__u32 field_type;	/* and its type (modifiers stripped) */
	bool validate;		/* the instruction must hold the local value */
};

struct cand {
	const struct bl_btf *btf;
	__u32 id;
};

struct cands {
	struct cand *v;
	size_t n, cap;
};

struct relo_ctx {
	const struct bl_btf *local;
	struct bl_core_target *target;
	const char *prog;
	struct bpf_insn *insns;
	size_t nr_insns;
	const struct bpf_core_relo *r;
	__u32 ri;			/* record index */
	__u32 idx;			/* instruction index */
	struct bl_core_result *res;
	struct bl_core_outcome *out;
	struct bl_error *e;
	char desc[320];
};

/* ---- names ------------------------------------------------------------------ */

static const char *const kind_names[] = {
	[BPF_CORE_FIELD_BYTE_OFFSET] = "field offset",
	[BPF_CORE_FIELD_BYTE_SIZE] = "field size",
	[BPF_CORE_FIELD_EXISTS] = "field exists",
	[BPF_CORE_FIELD_SIGNED] = "field signed",
	[BPF_CORE_FIELD_LSHIFT_U64] = "field lshift",
	[BPF_CORE_FIELD_RSHIFT_U64] = "field rshift",
	[BPF_CORE_TYPE_ID_LOCAL] = "local type id",
	[BPF_CORE_TYPE_ID_TARGET] = "target type id",
	[BPF_CORE_TYPE_EXISTS] = "type exists",
	[BPF_CORE_TYPE_SIZE] = "type size",
	[BPF_CORE_ENUMVAL_EXISTS] = "enum value exists",
	[BPF_CORE_ENUMVAL_VALUE] = "enum value",
	[12] = "type matches",
};

const char *bl_core_kind_name(__u32 kind)
{
	return kind <= BL_CORE_KIND_MAX ? kind_names[kind] : "unknown kind";
}

static bool kind_is_field(__u32 kind)
{
	return kind <= BPF_CORE_FIELD_RSHIFT_U64;
}

static bool kind_is_enumval(__u32 kind)
{
	return kind == BPF_CORE_ENUMVAL_EXISTS || kind == BPF_CORE_ENUMVAL_VALUE;
}

static bool kind_is_type(__u32 kind)
{
	return kind <= BL_CORE_KIND_MAX && !kind_is_field(kind) && !kind_is_enumval(kind);
}

static bool kind_is_existence(__u32 kind)
{
	return kind == BPF_CORE_FIELD_EXISTS || kind == BPF_CORE_ENUMVAL_EXISTS;
}

/*
 * "foo___v2" is a flavour of "foo": the essential name ends before the
 * last "___" that has a character other than '_' on both sides.
 */
size_t bl_core_essential_len(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = n >= 5 ? n - 5 + 1 : 0; i-- > 0;) {
		if (name[i] != '_' && name[i + 1] == '_' && name[i + 2] == '_' &&
		    name[i + 3] == '_' && name[i + 4] != '_')
			return i + 1;
	}
	return n;
}

/* ---- BTF helpers -------------------------------------------------------------- */

static bool is_composite(const struct btf_type *t)
{
	__u32 k = bl_btf_kind(t);

	return k == BTF_KIND_STRUCT || k == BTF_KIND_UNION;
}

static bool is_enum(const struct btf_type *t)
{
	__u32 k = bl_btf_kind(t);

	return k == BTF_KIND_ENUM || k == BTF_KIND_ENUM64;
}

static bool is_mod(__u32 kind)
{
	return kind == BTF_KIND_TYPEDEF || kind == BTF_KIND_VOLATILE ||
	       kind == BTF_KIND_CONST || kind == BTF_KIND_RESTRICT ||
	       kind == BTF_KIND_TYPE_TAG;
}

/* Strip typedefs and modifiers.  NULL for void, a bad id or a loop
 * (*res is then 0 for void). */
static const struct btf_type *skip_mods(const struct bl_btf *btf, __u32 id, __u32 *res)
{
	const struct btf_type *t = bl_btf_type(btf, id);

	for (int depth = 0; t && is_mod(bl_btf_kind(t)); depth++) {
		if (depth >= MAX_TYPE_DEPTH) {
			t = NULL;
			break;
		}
		id = t->type;
		t = bl_btf_type(btf, id);
	}
	*res = t ? id : (id == 0 ? 0 : UINT32_MAX);
	return t;
}

static __u32 member_bit_off(const struct btf_type *t, const struct btf_member *m)
{
	return bl_btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset;
}

static __u32 member_bitfield(const struct btf_type *t, const struct btf_member *m)
{
	return bl_btf_kflag(t) ? BTF_MEMBER_BITFIELD_SIZE(m->offset) : 0;
}

static __u32 int_data(const struct btf_type *t)
{
	__u32 v;

	memcpy(&v, bl_btf_extra(t), sizeof(v));
	return v;
}

static const char *str_or_empty(const struct bl_btf *btf, __u32 off)
{
	const char *s = bl_btf_str(btf, off);

	return s ? s : "";
}

/* Do two names match once flavour suffixes are dropped? */
static bool ess_names_equal(const char *a, const char *b)
{
	size_t la = bl_core_essential_len(a), lb = bl_core_essential_len(b);

	return la == lb && !strncmp(a, b, la);
}

/* "struct task_struct", "enum pid_type", "u32" */
static void type_text(const struct bl_btf *btf, __u32 id, char *buf, size_t len)
{
	const struct btf_type *t = bl_btf_type(btf, id);
	const char *name = bl_btf_name(btf, t), *pfx = "";

	if (!t) {
		snprintf(buf, len, id ? "type %u" : "void", id);
		return;
	}
	switch (bl_btf_kind(t)) {
	case BTF_KIND_STRUCT: pfx = "struct "; break;
	case BTF_KIND_UNION: pfx = "union "; break;
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64: pfx = "enum "; break;
	case BTF_KIND_FWD: pfx = bl_btf_kflag(t) ? "union " : "struct "; break;
	default: break;
	}
	if (*name)
		snprintf(buf, len, "%s%s", pfx, name);
	else
		snprintf(buf, len, "%s<anonymous %s %u>", pfx,
			 bl_btf_kind_name(bl_btf_kind(t)), id);
}

/* ---- access strings and local specs ---------------------------------------- */

/* "0:1:2" -> raw[], *n.  -EINVAL when it is not such a list. */
static int parse_access(const char *s, __u32 *raw, int *n)
{
	*n = 0;
	if (!*s)
		return -EINVAL;
	for (;;) {
		__u64 v = 0;
		const char *start = s;

		while (*s >= '0' && *s <= '9') {
			v = v * 10 + (__u64)(*s - '0');
			if (v > UINT32_MAX)
				return -ERANGE;
			s++;
		}
		if (s == start)
			return -EINVAL;
		if (*n >= BL_CORE_MAX_ACCESS)
			return -E2BIG;
		raw[(*n)++] = (__u32)v;
		if (!*s)
			return 0;
		if (*s++ != ':')
			return -EINVAL;
	}
}

static int add_bits(__u64 *bit_off, __u64 idx, __u64 size_bytes)
{
	__u64 bits;

	if (__builtin_mul_overflow(idx, size_bytes * 8, &bits) ||
	    __builtin_add_overflow(*bit_off, bits, bit_off) || *bit_off > MAX_BIT_OFF)
		return -E2BIG;
	return 0;
}

static int push_acc(struct core_spec *s, __u32 type_id, __u32 idx, const char *name)
{
	if (s->len >= BL_CORE_MAX_ACCESS)
		return -E2BIG;
	s->acc[s->len++] = (struct core_acc){ .type_id = type_id, .idx = idx, .name = name };
	return 0;
}

static int push_raw(struct core_spec *s, __u32 idx)
{
	if (s->raw_len >= BL_CORE_MAX_ACCESS)
		return -E2BIG;
	s->raw[s->raw_len++] = idx;
	return 0;
}

/* The first step: element raw[0] of the root type. */
static int spec_root(struct core_spec *s, __u32 idx, char *why, size_t wlen)
{
	__u32 id, size;
	const struct btf_type *t = skip_mods(s->btf, s->root_id, &id);

	if (!t) {
		snprintf(why, wlen, "type %u resolves to void or loops", s->root_id);
		return -EINVAL;
	}
	if (bl_btf_type_size(s->btf, id, &size)) {
		snprintf(why, wlen, "type %u has no size", id);
		return -EINVAL;
	}
	if (push_acc(s, id, idx, NULL) || push_raw(s, idx) || add_bits(&s->bit_off, idx, size)) {
		snprintf(why, wlen, "offset of element %u is too large", idx);
		return -EINVAL;
	}
	return 0;
}

static int spec_member(struct core_spec *s, const struct btf_type *t, __u32 *id, __u32 idx,
		       char *why, size_t wlen)
{
	const struct btf_member *m = bl_btf_extra(t);
	const char *name;

	if (idx >= bl_btf_vlen(t)) {
		char tn[96];

		type_text(s->btf, *id, tn, sizeof(tn));
		snprintf(why, wlen, "member %u of %s does not exist (it has %u)", idx, tn,
			 bl_btf_vlen(t));
		return -EINVAL;
	}
	name = str_or_empty(s->btf, m[idx].name_off);
	s->bit_off += member_bit_off(t, &m[idx]);
	if (push_raw(s, idx) || (*name && push_acc(s, *id, idx, name))) {
		snprintf(why, wlen, "path too long");
		return -EINVAL;
	}
	*id = m[idx].type;
	return 0;
}

static int spec_element(struct core_spec *s, const struct btf_type *t, __u32 *id, __u32 idx,
			char *why, size_t wlen)
{
	const struct btf_array *a = bl_btf_extra(t);
	__u32 eid, size;

	if (!skip_mods(s->btf, a->type, &eid) || bl_btf_type_size(s->btf, eid, &size)) {
		snprintf(why, wlen, "the element type of array %u has no size", *id);
		return -EINVAL;
	}
	/* a zero-length array is a flexible array member: any index */
	if (a->nelems && idx >= a->nelems) {
		snprintf(why, wlen, "index %u is past the end of array type %u (%u elements)",
			 idx, *id, a->nelems);
		return -EINVAL;
	}
	if (push_raw(s, idx) || push_acc(s, eid, idx, NULL) || add_bits(&s->bit_off, idx, size)) {
		snprintf(why, wlen, "offset of element %u is too large", idx);
		return -EINVAL;
	}
	*id = eid;
	return 0;
}

static int spec_enumval(struct core_spec *s, const __u32 *raw, int n, char *why, size_t wlen)
{
	__u32 id;
	const struct btf_type *t = skip_mods(s->btf, s->root_id, &id);
	const char *name;

	if (!t || !is_enum(t)) {
		snprintf(why, wlen, "type %u is not an enum", s->root_id);
		return -EINVAL;
	}
	if (n != 1 || raw[0] >= bl_btf_vlen(t)) {
		snprintf(why, wlen, "the access string must be the index of one of the"
			 " enum's %u values", bl_btf_vlen(t));
		return -EINVAL;
	}
	if (bl_btf_kind(t) == BTF_KIND_ENUM)
		name = str_or_empty(s->btf, ((const struct btf_enum *)bl_btf_extra(t))[raw[0]].name_off);
	else
		name = str_or_empty(s->btf, ((const struct btf_enum64 *)bl_btf_extra(t))[raw[0]].name_off);
	if (!*name) {
		snprintf(why, wlen, "enum value %u has no name", raw[0]);
		return -EINVAL;
	}
	s->raw[0] = raw[0];
	s->raw_len = 1;
	return push_acc(s, id, raw[0], name);
}

/*
 * Walk the access string through the local BTF.  Returns 0, or -EINVAL
 * with the reason in why.
 */
static int spec_parse(const struct bl_btf *btf, __u32 root, const char *access, __u32 kind,
		      struct core_spec *s, char *why, size_t wlen)
{
	__u32 raw[BL_CORE_MAX_ACCESS], id;
	int n, err;

	memset(s, 0, offsetof(struct core_spec, acc));
	s->len = s->raw_len = 0;
	s->bit_off = 0;
	s->btf = btf;
	s->root_id = root;
	if (!bl_btf_type(btf, root)) {
		snprintf(why, wlen, "type id %u is not in the object's BTF (%u types)", root,
			 bl_btf_type_cnt(btf) - 1);
		return -EINVAL;
	}
	err = parse_access(access, raw, &n);
	if (err) {
		snprintf(why, wlen, "access string \"%.40s\" is not a list of indexes like"
			 " \"0:1:2\"%s", access, err == -E2BIG ? " (too long)" : "");
		return -EINVAL;
	}
	if (kind_is_enumval(kind))
		return spec_enumval(s, raw, n, why, wlen);
	if (kind_is_type(kind)) {
		if (n != 1 || raw[0] != 0) {
			snprintf(why, wlen, "a type-based relocation's access string must be \"0\"");
			return -EINVAL;
		}
		s->raw[0] = 0;
		s->raw_len = 1;
		return push_acc(s, root, 0, NULL);
	}
	err = spec_root(s, raw[0], why, wlen);
	id = s->acc[0].type_id;
	for (int i = 1; !err && i < n; i++) {
		const struct btf_type *t = skip_mods(btf, id, &id);

		if (t && is_composite(t))
			err = spec_member(s, t, &id, raw[i], why, wlen);
		else if (t && bl_btf_kind(t) == BTF_KIND_ARRAY)
			err = spec_element(s, t, &id, raw[i], why, wlen);
		else {
			snprintf(why, wlen, "index %d (%u) goes into type %u, which is neither a"
				 " struct, a union nor an array", i, raw[i], id);
			err = -EINVAL;
		}
	}
	return err;
}

/* ".real_parent", "[3].comm", "::VALUE" */
static void spec_path(const struct core_spec *s, __u32 kind, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	if (kind_is_enumval(kind) && s->len) {
		snprintf(buf, len, "::%s", s->acc[0].name);
		return;
	}
	if (kind_is_type(kind))
		return;
	for (int i = 0; i < s->len && used < len; i++) {
		const struct core_acc *a = &s->acc[i];
		int n;

		if (i == 0 && !a->idx)
			continue;
		n = a->name ? snprintf(buf + used, len - used, ".%s", a->name) :
			      snprintf(buf + used, len - used, "[%u]", a->idx);
		if (n < 0)
			return;
		used += (size_t)n;
	}
}

int bl_core_describe(const struct bl_btf *local, const struct bpf_core_relo *r,
		     char *buf, size_t len)
{
	const char *access = bl_btf_str(local, r->access_str_off);
	struct core_spec s;
	char tn[128], path[160] = "", why[WHY_LEN];

	type_text(local, r->type_id, tn, sizeof(tn));
	if (access && r->kind <= BL_CORE_KIND_MAX &&
	    !spec_parse(local, r->type_id, access, r->kind, &s, why, sizeof(why)))
		spec_path(&s, r->kind, path, sizeof(path));
	return snprintf(buf, len, "%s of %s%s (%.40s)", bl_core_kind_name(r->kind), tn, path,
			access ? access : "?");
}

/* ---- compatibility ---------------------------------------------------------- */

static bool kinds_equal(__u32 a, __u32 b)
{
	if (a == b)
		return true;
	return (a == BTF_KIND_ENUM || a == BTF_KIND_ENUM64) &&
	       (b == BTF_KIND_ENUM || b == BTF_KIND_ENUM64);
}

/*
 * Can a local field of type lid be accessed as a target field of type
 * tid?  Any struct/union with any; pointers with pointers; floats;
 * integers unless they are the old BTF bitfield encoding; enums and
 * forward declarations of the same name; arrays of compatible elements.
 */
int bl_core_fields_compat(const struct bl_btf *lb, __u32 lid, const struct bl_btf *tb, __u32 tid)
{
	for (int depth = 0; depth < MAX_TYPE_DEPTH; depth++) {
		const struct btf_type *lt = skip_mods(lb, lid, &lid);
		const struct btf_type *tt = skip_mods(tb, tid, &tid);

		if (!lt || !tt)
			return !lt && !tt && lid == 0 && tid == 0;
		if (is_composite(lt) && is_composite(tt))
			return 1;
		if (!kinds_equal(bl_btf_kind(lt), bl_btf_kind(tt)))
			return 0;
		switch (bl_btf_kind(lt)) {
		case BTF_KIND_PTR:
		case BTF_KIND_FLOAT:
			return 1;
		case BTF_KIND_FWD:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			return !*bl_btf_name(lb, lt) || !*bl_btf_name(tb, tt) ||
			       ess_names_equal(bl_btf_name(lb, lt), bl_btf_name(tb, tt));
		case BTF_KIND_INT:
			return !BTF_INT_OFFSET(int_data(lt)) && !BTF_INT_OFFSET(int_data(tt));
		case BTF_KIND_ARRAY:
			lid = ((const struct btf_array *)bl_btf_extra(lt))->type;
			tid = ((const struct btf_array *)bl_btf_extra(tt))->type;
			continue;
		default:
			return 0;
		}
	}
	return -ELOOP;
}

static int types_compat(const struct bl_btf *lb, __u32 lid, const struct bl_btf *tb, __u32 tid,
			int depth);

/* A forward declaration stands for a struct (kflag 0) or union (1). */
static bool fwd_stands_for(const struct btf_type *fwd, const struct btf_type *t)
{
	__u32 k = bl_btf_kind(t);

	return bl_btf_kind(fwd) == BTF_KIND_FWD &&
	       ((k == BTF_KIND_STRUCT && !bl_btf_kflag(fwd)) ||
		(k == BTF_KIND_UNION && bl_btf_kflag(fwd)));
}

static int protos_compat(const struct bl_btf *lb, const struct btf_type *lt,
			 const struct bl_btf *tb, const struct btf_type *tt, int depth)
{
	const struct btf_param *lp = bl_btf_extra(lt), *tp = bl_btf_extra(tt);

	if (bl_btf_vlen(lt) != bl_btf_vlen(tt))
		return 0;
	for (__u32 i = 0; i < bl_btf_vlen(lt); i++) {
		int r = types_compat(lb, lp[i].type, tb, tp[i].type, depth + 1);

		if (r <= 0)
			return r;
	}
	return types_compat(lb, lt->type, tb, tt->type, depth + 1);
}

/*
 * The check of type-based relocations (root names already matched):
 * kinds must agree (a forward declaration stands for the struct or
 * union its kflag names); any two structs (unions, enums, forward
 * declarations) are compatible; integers of any size or sign (but not
 * the old bitfield encoding); pointers, arrays and typedefs by what they
 * refer to; function prototypes by arity and argument types.
 */
static int types_compat(const struct bl_btf *lb, __u32 lid, const struct bl_btf *tb, __u32 tid,
			int depth)
{
	for (; depth < MAX_TYPE_DEPTH; depth++) {
		const struct btf_type *lt = skip_mods(lb, lid, &lid);
		const struct btf_type *tt = skip_mods(tb, tid, &tid);

		if (!lt || !tt)
			return !lt && !tt && lid == 0 && tid == 0;
		if (!kinds_equal(bl_btf_kind(lt), bl_btf_kind(tt)))
			return fwd_stands_for(lt, tt) || fwd_stands_for(tt, lt);
		switch (bl_btf_kind(lt)) {
		case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64: case BTF_KIND_FWD:
			return 1;
		case BTF_KIND_INT:
			return !BTF_INT_OFFSET(int_data(lt)) && !BTF_INT_OFFSET(int_data(tt));
		case BTF_KIND_FLOAT:
			return lt->size == tt->size;
		case BTF_KIND_PTR:
			lid = lt->type;
			tid = tt->type;
			continue;
		case BTF_KIND_ARRAY:
			lid = ((const struct btf_array *)bl_btf_extra(lt))->type;
			tid = ((const struct btf_array *)bl_btf_extra(tt))->type;
			continue;
		case BTF_KIND_FUNC_PROTO:
			return protos_compat(lb, lt, tb, tt, depth);
		default:
			return 0;
		}
	}
	return -ELOOP;
}

int bl_core_types_compat(const struct bl_btf *lb, __u32 lid, const struct bl_btf *tb, __u32 tid)
{
	return types_compat(lb, lid, tb, tid, 0);
}

/* ---- type matches (BPF_CORE_TYPE_MATCHES) ------------------------------------- */

static int match_types(const struct bl_btf *lb, __u32 lid, const struct bl_btf *tb, __u32 tid,
		       bool behind_ptr, int depth);

/* An anonymous target matches only an anonymous local type. */
static bool match_names(const struct bl_btf *lb, const struct btf_type *lt,
			const struct bl_btf *tb, const struct btf_type *tt)
{
	const char *ln = bl_btf_name(lb, lt), *tn = bl_btf_name(tb, tt);

	if (!*tn)
		return !*ln;
	return ess_names_equal(ln, tn);
}

static void enum_entry(const struct bl_btf *btf, const struct btf_type *t, __u32 i,
		       const char **name, __u64 *val)
{
	if (bl_btf_kind(t) == BTF_KIND_ENUM) {
		const struct btf_enum *en = (const struct btf_enum *)bl_btf_extra(t) + i;

		*name = str_or_empty(btf, en->name_off);
		*val = bl_btf_kflag(t) ? (__u64)(__s64)en->val : (__u64)(__u32)en->val;
	} else {
		const struct btf_enum64 *en = (const struct btf_enum64 *)bl_btf_extra(t) + i;

		*name = str_or_empty(btf, en->name_off);
		*val = (__u64)en->val_hi32 << 32 | en->val_lo32;
	}
}

/* The index of enumerator name in t, or -1. */
static long find_enumerator(const struct bl_btf *btf, const struct btf_type *t, const char *name)
{
	for (__u32 i = 0; i < bl_btf_vlen(t); i++) {
		const char *n;
		__u64 v;

		enum_entry(btf, t, i, &n, &v);
		if (!strcmp(n, name))
			return i;
	}
	return -1;
}

static int match_enums(const struct bl_btf *lb, const struct btf_type *lt,
		       const struct bl_btf *tb, const struct btf_type *tt)
{
	if (lt->size != tt->size)
		return 0;
	for (__u32 i = 0; i < bl_btf_vlen(lt); i++) {
		const char *n;
		__u64 v;

		enum_entry(lb, lt, i, &n, &v);
		if (find_enumerator(tb, tt, n) < 0)
			return 0;
	}
	return 1;
}

/* Every local member must exist by name in the target and match. */
static int match_composites(const struct bl_btf *lb, const struct btf_type *lt,
			    const struct bl_btf *tb, const struct btf_type *tt,
			    bool behind_ptr, int depth)
{
	const struct btf_member *lm = bl_btf_extra(lt), *tm = bl_btf_extra(tt);

	if (bl_btf_vlen(lt) > bl_btf_vlen(tt))
		return 0;
	for (__u32 i = 0; i < bl_btf_vlen(lt); i++) {
		const char *ln = str_or_empty(lb, lm[i].name_off);
		bool found = false;

		for (__u32 j = 0; j < bl_btf_vlen(tt) && !found; j++) {
			int r;

			if (strcmp(ln, str_or_empty(tb, tm[j].name_off)))
				continue;
			r = match_types(lb, lm[i].type, tb, tm[j].type, behind_ptr, depth + 1);
			if (r < 0)
				return r;
			found = r > 0;
		}
		if (!found)
			return 0;
	}
	return 1;
}

static int match_protos(const struct bl_btf *lb, const struct btf_type *lt,
			const struct bl_btf *tb, const struct btf_type *tt, int depth)
{
	const struct btf_param *lp = bl_btf_extra(lt), *tp = bl_btf_extra(tt);

	if (bl_btf_vlen(lt) != bl_btf_vlen(tt))
		return 0;
	for (__u32 i = 0; i < bl_btf_vlen(lt); i++) {
		int r = match_types(lb, lp[i].type, tb, tp[i].type, true, depth + 1);

		if (r <= 0)
			return r;
	}
	return match_types(lb, lt->type, tb, tt->type, true, depth + 1);
}

/* A forward declaration, or a struct/union behind a pointer, against
 * the other: kflag of a FWD says union (1) or struct (0). */
static int match_fwd(const struct btf_type *lt, const struct btf_type *tt, bool behind_ptr)
{
	__u32 lk = bl_btf_kind(lt), tk = bl_btf_kind(tt);
	bool l_union = lk == BTF_KIND_UNION || (lk == BTF_KIND_FWD && bl_btf_kflag(lt));
	bool t_union = tk == BTF_KIND_UNION || (tk == BTF_KIND_FWD && bl_btf_kflag(tt));

	if (lk == tk)
		return lk != BTF_KIND_FWD || bl_btf_kflag(lt) == bl_btf_kflag(tt);
	if (!behind_ptr)
		return 0;
	if (tk != BTF_KIND_FWD && lk != BTF_KIND_FWD)
		return 0;
	if (tk != BTF_KIND_FWD && tk != BTF_KIND_STRUCT && tk != BTF_KIND_UNION)
		return 0;
	return l_union == t_union;
}

/*
 * "Type matches": stricter than compatibility.  Names match (modulo
 * flavours) at every level, integers by size and sign, enums by size
 * and by every local enumerator's name, arrays by length, structs and
 * unions by every local member's name and matching type (behind a
 * pointer only by name and kind, where a forward declaration stands in
 * for either), function prototypes by their arguments and return type.
 */
static int match_types(const struct bl_btf *lb, __u32 lid, const struct bl_btf *tb, __u32 tid,
		       bool behind_ptr, int depth)
{
	for (; depth < MAX_TYPE_DEPTH; depth++) {
		const struct btf_type *lt = skip_mods(lb, lid, &lid);
		const struct btf_type *tt = skip_mods(tb, tid, &tid);
		__u32 lk, tk;

		if (!lt || !tt)
			return !lt && !tt && lid == 0 && tid == 0;
		if (!match_names(lb, lt, tb, tt))
			return 0;
		lk = bl_btf_kind(lt);
		tk = bl_btf_kind(tt);
		switch (lk) {
		case BTF_KIND_FWD:
			return match_fwd(lt, tt, behind_ptr);
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			if (lk != tk)
				return match_fwd(lt, tt, behind_ptr);
			if (behind_ptr)
				return 1;
			return match_composites(lb, lt, tb, tt, behind_ptr, depth);
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			return is_enum(tt) && match_enums(lb, lt, tb, tt);
		case BTF_KIND_INT:
			return tk == lk && lt->size == tt->size &&
			       (BTF_INT_ENCODING(int_data(lt)) & BTF_INT_SIGNED) ==
			       (BTF_INT_ENCODING(int_data(tt)) & BTF_INT_SIGNED);
		case BTF_KIND_FLOAT:
			return tk == lk && lt->size == tt->size;
		case BTF_KIND_PTR:
			if (tk != lk)
				return 0;
			behind_ptr = true;
			lid = lt->type;
			tid = tt->type;
			continue;
		case BTF_KIND_ARRAY:
			if (tk != lk || ((const struct btf_array *)bl_btf_extra(lt))->nelems !=
				       ((const struct btf_array *)bl_btf_extra(tt))->nelems)
				return 0;
			lid = ((const struct btf_array *)bl_btf_extra(lt))->type;
			tid = ((const struct btf_array *)bl_btf_extra(tt))->type;
			continue;
		case BTF_KIND_FUNC_PROTO:
			return tk == lk && match_protos(lb, lt, tb, tt, depth);
		default:
			return 0;
		}
	}
	return -ELOOP;
}

int bl_core_types_match(const struct bl_btf *lb, __u32 lid, const struct bl_btf *tb, __u32 tid)
{
	return match_types(lb, lid, tb, tid, false, 0);
}

/* ---- candidates -------------------------------------------------------------- */

static int cands_add(struct cands *c, const struct bl_btf *btf, __u32 id)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;
		struct cand *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = (struct cand){ .btf = btf, .id = id };
	return 0;
}

/* Can a target type of this kind stand for the local root type? */
static bool cand_kind_ok(const struct btf_type *lt, const struct btf_type *tt)
{
	__u32 lk = bl_btf_kind(lt), tk = bl_btf_kind(tt);

	if (kinds_equal(lk, tk))
		return true;
	if (lk == BTF_KIND_FWD && (tk == BTF_KIND_STRUCT || tk == BTF_KIND_UNION))
		return bl_btf_kflag(lt) == (tk == BTF_KIND_UNION);
	return false;
}

static int cand_check(struct cands *c, const struct bl_btf *btf, __u32 id,
		      const struct btf_type *lt, const char *ess, size_t ess_len)
{
	const struct btf_type *t = bl_btf_type(btf, id);
	const char *name = bl_btf_name(btf, t);

	if (!t || !cand_kind_ok(lt, t) || bl_core_essential_len(name) != ess_len ||
	    strncmp(name, ess, ess_len))
		return 0;
	return cands_add(c, btf, id);
}

/* Candidates among btf's own types (not its base). */
static int find_cands_in(const struct bl_btf *btf, const struct btf_type *lt, const char *ess,
			 size_t ess_len, struct cands *c)
{
	char prefix[256];
	size_t lo = 0, hi;
	int err = 0;

	if (ess_len >= sizeof(prefix))
		return 0;
	memcpy(prefix, ess, ess_len);
	prefix[ess_len] = '\0';
	bl_btf_find(btf, prefix, BTF_KIND_UNKN);	/* builds the sorted name index */
	if (!btf->name_index) {
		for (__u32 i = 0; !err && i < btf->nr_types; i++)
			err = cand_check(c, btf, btf->start_id + i, lt, ess, ess_len);
		return err;
	}
	hi = btf->nr_named;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(bl_btf_name(btf, bl_btf_type(btf, btf->name_index[mid])), prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* every name starting with the prefix follows, contiguously */
	for (; !err && lo < btf->nr_named; lo++) {
		__u32 id = btf->name_index[lo];

		if (strncmp(bl_btf_name(btf, bl_btf_type(btf, id)), prefix, ess_len))
			break;
		err = cand_check(c, btf, id, lt, ess, ess_len);
	}
	return err;
}

static int find_cands(struct relo_ctx *x, struct cands *c)
{
	const struct btf_type *lt = bl_btf_type(x->local, x->r->type_id);
	const char *name = bl_btf_name(x->local, lt);
	size_t ess_len = bl_core_essential_len(name);
	struct bl_core_target *tg = x->target;
	int err;

	for (const struct bl_btf *b = tg->btf; b; b = b->base) {
		err = find_cands_in(b, lt, name, ess_len, c);
		if (err)
			return err;
	}
	if (c->n)
		return 0;
	if (!tg->extra_loaded && tg->load_extra) {
		tg->extra_loaded = true;
		err = tg->load_extra(tg, x->e);
		if (err)
			return err;
	}
	for (size_t i = 0; i < tg->nr_extra; i++) {
		err = find_cands_in(tg->extra[i], lt, name, ess_len, c);
		if (err)
			return err;
	}
	return 0;
}

/* ---- matching a candidate ---------------------------------------------------- */

/*
 * Find local member lm in target composite tid by name, also inside
 * anonymous struct/union members.  1 found (ts extended, *next = the
 * member's type), 0 not found or incompatible, <0 error.
 */
static int match_member(const struct bl_btf *lb, const struct btf_member *lm,
			const struct bl_btf *tb, __u32 tid, struct core_spec *ts, int depth,
			__u32 *next, char *why, size_t wlen)
{
	const struct btf_type *t = bl_btf_type(tb, tid);
	const struct btf_member *m = bl_btf_extra(t);
	const char *lname = str_or_empty(lb, lm->name_off);

	if (depth >= MAX_TYPE_DEPTH)
		return 0;
	for (__u32 i = 0; i < bl_btf_vlen(t); i++) {
		const char *name = str_or_empty(tb, m[i].name_off);
		__u32 bit = member_bit_off(t, &m[i]), mid;
		int r;

		if (!*name) {
			const struct btf_type *mt = skip_mods(tb, m[i].type, &mid);

			if (!mt || !is_composite(mt) || push_raw(ts, i))
				continue;
			ts->bit_off += bit;
			r = match_member(lb, lm, tb, mid, ts, depth + 1, next, why, wlen);
			if (r)
				return r;
			ts->bit_off -= bit;
			ts->raw_len--;
			continue;
		}
		if (strcmp(name, lname))
			continue;
		r = bl_core_fields_compat(lb, lm->type, tb, m[i].type);
		if (r <= 0) {
			snprintf(why, wlen, "member '%s' has another type in the target kernel",
				 lname);
			return r < 0 ? 0 : r;
		}
		if (push_acc(ts, tid, i, name) || push_raw(ts, i))
			return 0;
		ts->bit_off += bit;
		*next = m[i].type;
		return 1;
	}
	return 0;
}

static int match_element(const struct core_acc *la, const struct bl_btf *tb, __u32 *id,
			 struct core_spec *ts, char *why, size_t wlen)
{
	const struct btf_type *t = skip_mods(tb, *id, id);
	const struct btf_array *a;
	__u32 eid, size;

	if (!t || bl_btf_kind(t) != BTF_KIND_ARRAY) {
		snprintf(why, wlen, "not an array in the target kernel");
		return 0;
	}
	a = bl_btf_extra(t);
	if (a->nelems && la->idx >= a->nelems) {
		snprintf(why, wlen, "index %u is past the end of the target's array (%u elements)",
			 la->idx, a->nelems);
		return 0;
	}
	if (!skip_mods(tb, a->type, &eid) || bl_btf_type_size(tb, eid, &size))
		return 0;
	if (push_acc(ts, eid, la->idx, NULL) || push_raw(ts, la->idx) ||
	    add_bits(&ts->bit_off, la->idx, size))
		return 0;
	*id = eid;
	return 1;
}

/* Walk local spec ls through candidate cid of tb.  1 match, 0 none. */
static int match_field_spec(const struct core_spec *ls, const struct bl_btf *tb, __u32 cid,
			    struct core_spec *ts, char *why, size_t wlen)
{
	__u32 id;

	memset(ts, 0, offsetof(struct core_spec, acc));
	ts->len = ts->raw_len = 0;
	ts->bit_off = 0;
	ts->btf = tb;
	ts->root_id = cid;
	if (spec_root(ts, ls->acc[0].idx, why, wlen))
		return 0;
	id = ts->acc[0].type_id;
	for (int i = 1; i < ls->len; i++) {
		const struct core_acc *la = &ls->acc[i];
		const struct btf_type *t;
		int r;

		if (!la->name) {
			if (!match_element(la, tb, &id, ts, why, wlen))
				return 0;
			continue;
		}
		t = skip_mods(tb, id, &id);
		if (!t || !is_composite(t)) {
			snprintf(why, wlen, "'%s' is not in a struct or union in the target kernel",
				 la->name);
			return 0;
		}
		snprintf(why, wlen, "no member '%s'", la->name);
		r = match_member(ls->btf, (const struct btf_member *)bl_btf_extra(
					 bl_btf_type(ls->btf, la->type_id)) + la->idx,
				 tb, id, ts, 0, &id, why, wlen);
		if (r <= 0)
			return r;
	}
	return 1;
}

static int match_enumval_spec(const struct core_spec *ls, const struct bl_btf *tb, __u32 cid,
			      struct core_spec *ts)
{
	__u32 id;
	const struct btf_type *t = skip_mods(tb, cid, &id);
	long i;

	if (!t || !is_enum(t))
		return 0;
	i = find_enumerator(tb, t, ls->acc[0].name);
	if (i < 0)
		return 0;
	memset(ts, 0, offsetof(struct core_spec, acc));
	ts->btf = tb;
	ts->root_id = cid;
	ts->len = 1;
	ts->acc[0] = (struct core_acc){ .type_id = id, .idx = (__u32)i, .name = ls->acc[0].name };
	ts->raw[0] = (__u32)i;
	ts->raw_len = 1;
	ts->bit_off = 0;
	return 1;
}

/* ---- values ------------------------------------------------------------------ */

/* A field's byte offset and size, and the bitfield shifts.  -errno with
 * why filled for what cannot be computed. */
static int field_value(const struct core_spec *s, __u32 kind, struct core_val *v,
		       char *why, size_t wlen)
{
	const struct core_acc *a = &s->acc[s->len - 1];
	const struct btf_type *st, *ft;
	const struct btf_member *m;
	__u32 fid, size, bit_sz;
	__u64 bit_off = s->bit_off, byte_off, byte_sz;
	bool bitfield;

	memset(v, 0, sizeof(*v));
	v->validate = true;
	if (kind == BPF_CORE_FIELD_EXISTS) {
		v->val = 1;
		return 0;
	}
	if (!a->name) {
		/* an array element, or the root itself */
		if (bl_btf_type_size(s->btf, a->type_id, &size)) {
			snprintf(why, wlen, "the element has no size");
			return -EINVAL;
		}
		if (kind == BPF_CORE_FIELD_BYTE_OFFSET) {
			v->val = bit_off / 8;
			v->field_size = size;
			v->field_type = a->type_id;
		} else if (kind == BPF_CORE_FIELD_BYTE_SIZE) {
			v->val = size;
		} else {
			snprintf(why, wlen, "%s applies to struct and union members, not to array"
				 " elements", bl_core_kind_name(kind));
			return -EINVAL;
		}
		return 0;
	}
	st = bl_btf_type(s->btf, a->type_id);
	m = (const struct btf_member *)bl_btf_extra(st) + a->idx;
	ft = skip_mods(s->btf, m->type, &fid);
	bit_sz = member_bitfield(st, m);
	bitfield = bit_sz > 0;
	if (!ft || bl_btf_type_size(s->btf, fid, &size)) {
		snprintf(why, wlen, "member '%s' has no size", a->name);
		return -EINVAL;
	}
	if (!bitfield) {
		byte_sz = size;
		byte_off = bit_off / 8;
		bit_sz = size * 8;
	} else {
		if (bl_btf_kind(ft) != BTF_KIND_INT && !is_enum(ft)) {
			snprintf(why, wlen, "bitfield '%s' is not an integer", a->name);
			return -EINVAL;
		}
		/* the smallest naturally aligned load that holds the bits */
		byte_sz = ft->size ? ft->size : 1;
		byte_off = bit_off / 8 / byte_sz * byte_sz;
		while (bit_off + bit_sz - byte_off * 8 > byte_sz * 8) {
			if (byte_sz >= 8) {
				snprintf(why, wlen, "bitfield '%s' cannot be read with one 64-bit"
					 " load", a->name);
				return -E2BIG;
			}
			byte_sz *= 2;
			byte_off = bit_off / 8 / byte_sz * byte_sz;
		}
	}
	/* clang may pick other loads for bitfields: nothing to check then */
	v->validate = !bitfield;
	switch (kind) {
	case BPF_CORE_FIELD_BYTE_OFFSET:
		v->val = byte_off;
		if (!bitfield) {
			v->field_size = (__u32)byte_sz;
			v->field_type = fid;
		}
		break;
	case BPF_CORE_FIELD_BYTE_SIZE:
		v->val = byte_sz;
		break;
	case BPF_CORE_FIELD_SIGNED:
		v->val = (is_enum(ft) && bl_btf_kflag(ft)) ||
			 (bl_btf_kind(ft) == BTF_KIND_INT &&
			  (BTF_INT_ENCODING(int_data(ft)) & BTF_INT_SIGNED));
		v->validate = true;
		break;
	case BPF_CORE_FIELD_LSHIFT_U64:
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		v->val = 64 - (bit_off + bit_sz - byte_off * 8);
#else
		v->val = (8 - byte_sz) * 8 + (bit_off - byte_off * 8);
#endif
		break;
	case BPF_CORE_FIELD_RSHIFT_U64:
		v->val = 64 - bit_sz;
		v->validate = true;
		break;
	}
	return 0;
}

static int type_value(const struct core_spec *s, __u32 kind, struct core_val *v,
		      char *why, size_t wlen)
{
	__u32 size;

	memset(v, 0, sizeof(*v));
	v->validate = true;
	switch (kind) {
	case BPF_CORE_TYPE_ID_LOCAL:
	case BPF_CORE_TYPE_ID_TARGET:
		v->val = s->root_id;
		return 0;
	case BPF_CORE_TYPE_SIZE:
		if (bl_btf_type_size(s->btf, s->root_id, &size)) {
			snprintf(why, wlen, "the type has no size");
			return -EINVAL;
		}
		v->val = size;
		return 0;
	default:	/* exists, matches */
		v->val = 1;
		return 0;
	}
}

static void enumval_value(const struct core_spec *s, __u32 kind, struct core_val *v)
{
	const char *n;

	memset(v, 0, sizeof(*v));
	v->validate = true;
	if (kind == BPF_CORE_ENUMVAL_EXISTS) {
		v->val = 1;
		return;
	}
	enum_entry(s->btf, bl_btf_type(s->btf, s->acc[0].type_id), s->acc[0].idx, &n, &v->val);
}

static int spec_value(const struct core_spec *s, __u32 kind, struct core_val *v,
		      char *why, size_t wlen)
{
	if (kind_is_field(kind))
		return field_value(s, kind, v, why, wlen);
	if (kind_is_enumval(kind)) {
		enumval_value(s, kind, v);
		return 0;
	}
	return type_value(s, kind, v, why, wlen);
}

/* ---- errors and poison ------------------------------------------------------- */

static int relo_fail(struct relo_ctx *x, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int relo_fail(struct relo_ctx *x, int err, const char *fmt, ...)
{
	char why[WHY_LEN * 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return bl_fail(x->e, err, "program '%s' insn %u: CO-RE %s: %s", x->prog, x->idx,
		       x->desc, why);
}

static int add_poison(struct relo_ctx *x, const char *why)
{
	struct bl_core_result *res = x->res;
	struct bl_core_poison *p;
	size_t len = strlen(x->prog) + strlen(x->desc) + strlen(why) + 64;
	char *msg = malloc(len);

	if (!msg)
		return -ENOMEM;
	snprintf(msg, len, "program '%s' insn %u: CO-RE %s: %s", x->prog, x->idx, x->desc, why);
	p = realloc(res->poisoned, (res->nr_poisoned + 1) * sizeof(*p));
	if (!p) {
		free(msg);
		return -ENOMEM;
	}
	res->poisoned = p;
	res->poisoned[res->nr_poisoned++] = (struct bl_core_poison){ .insn = x->idx, .msg = msg };
	return 0;
}

static void poison_one(struct bpf_insn *insn)
{
	*insn = (struct bpf_insn){ .code = INSN_CALL, .imm = BL_CORE_POISON_IMM };
}

static bool is_poisoned(const struct bpf_insn *insn)
{
	return insn->code == INSN_CALL && insn->src_reg == 0 && insn->imm == BL_CORE_POISON_IMM;
}

/*
 * The instruction becomes "call 0xbad2310".  Both halves of an ld_imm64:
 * the verifier checks every opcode up front, and a lone second half
 * (opcode 0) would fail the whole program.
 */
static int poison(struct relo_ctx *x, const char *why)
{
	struct bpf_insn *insn = &x->insns[x->idx];

	if (insn->code == INSN_LD_IMM64 && x->idx + 1 < x->nr_insns)
		poison_one(insn + 1);
	poison_one(insn);
	x->out->poisoned = true;
	return add_poison(x, why) ? bl_fail(x->e, -ENOMEM, "out of memory") : 0;
}

/* ---- patching ---------------------------------------------------------------- */

static int size_bytes(__u8 code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B: return 1;
	case BPF_H: return 2;
	case BPF_W: return 4;
	default: return 8;
	}
}

static int size_code(__u32 bytes)
{
	switch (bytes) {
	case 1: return BPF_B;
	case 2: return BPF_H;
	case 4: return BPF_W;
	case 8: return BPF_DW;
	default: return -1;
	}
}

/* Pointers and unsigned integers read the same at any width (zero
 * extension); everything else does not. */
static bool width_adjustable(const struct bl_btf *btf, __u32 id)
{
	__u32 rid;
	const struct btf_type *t = skip_mods(btf, id, &rid);

	if (!t)
		return false;
	if (bl_btf_kind(t) == BTF_KIND_PTR)
		return true;
	return bl_btf_kind(t) == BTF_KIND_INT && !(BTF_INT_ENCODING(int_data(t)) & BTF_INT_SIGNED);
}

/* A field offset on a load/store: the access width must follow the
 * field when its size changed. */
static int adjust_width(struct relo_ctx *x, const struct core_val *lv, const struct core_val *tv,
			const struct core_spec *ts, bool *poisoned)
{
	struct bpf_insn *insn = &x->insns[x->idx];
	int have = size_bytes(insn->code), code;
	char why[WHY_LEN * 2];

	*poisoned = false;
	if (x->r->kind != BPF_CORE_FIELD_BYTE_OFFSET || !lv->field_size || !tv->field_size ||
	    lv->field_size == tv->field_size)
		return 0;
	if (have != (int)lv->field_size)
		return relo_fail(x, -EINVAL, "the instruction accesses %d bytes of a %u-byte"
				 " field; it must access the whole field to be relocated", have,
				 lv->field_size);
	code = size_code(tv->field_size);
	if (code < 0 || !width_adjustable(x->local, lv->field_type) ||
	    !width_adjustable(ts->btf, tv->field_type)) {
		snprintf(why, sizeof(why), "the field is %u bytes in the target kernel and %u"
			 " in the program, and it is not an unsigned integer or pointer, so"
			 " the %d-byte access cannot be adjusted; read it with BL_CORE_READ()"
			 " or check bl_core_field_size()", tv->field_size, lv->field_size, have);
		*poisoned = true;
		return poison(x, why);
	}
	insn->code = BPF_CLASS(insn->code) | BPF_MODE(insn->code) | code;
	x->out->size_adjusted = true;
	return 0;
}

static int patch_alu(struct relo_ctx *x, struct bpf_insn *insn, __u64 lval, __u64 tval,
		     bool validate)
{
	bool is64 = BPF_CLASS(insn->code) == BPF_ALU64;

	if (BPF_SRC(insn->code) != BPF_K)
		return relo_fail(x, -EINVAL, "the ALU instruction (opcode %#04x) has no immediate",
				 insn->code);
	if (validate && (__u32)insn->imm != (__u32)lval)
		return relo_fail(x, -EINVAL, "the instruction holds %d, not the local value %llu"
				 " (the record does not belong to this instruction)", insn->imm,
				 (unsigned long long)lval);
	if ((__s64)tval != (__s32)tval && (is64 || tval > UINT32_MAX))
		return relo_fail(x, -ERANGE, "the target value %llu does not fit the"
				 " instruction's 32-bit immediate", (unsigned long long)tval);
	insn->imm = (__s32)tval;
	return 0;
}

static int patch_mem(struct relo_ctx *x, struct bpf_insn *insn, __u64 lval, __u64 tval,
		     bool validate)
{
	__u8 mode = BPF_MODE(insn->code);
	bool ok_mode = mode == BPF_MEM || (BPF_CLASS(insn->code) == BPF_LDX && mode == BPF_MEMSX) ||
		       (BPF_CLASS(insn->code) == BPF_STX && mode == BPF_ATOMIC);

	if (!ok_mode)
		return relo_fail(x, -EINVAL, "the memory instruction (opcode %#04x) has no"
				 " offset to relocate", insn->code);
	if (validate && insn->off != (__s64)lval)
		return relo_fail(x, -EINVAL, "the instruction's offset is %d, not the local value"
				 " %llu (the record does not belong to this instruction)",
				 insn->off, (unsigned long long)lval);
	if (tval > INT16_MAX)
		return relo_fail(x, -ERANGE, "the target offset %llu is beyond the 32767 bytes a"
				 " load or store can reach; read the field with BL_CORE_READ()",
				 (unsigned long long)tval);
	insn->off = (__s16)tval;
	return 0;
}

static int patch_ld_imm64(struct relo_ctx *x, struct bpf_insn *insn, __u64 lval, __u64 tval,
			  bool validate)
{
	__u64 have;

	if (x->idx + 1 >= x->nr_insns || insn[1].code)
		return relo_fail(x, -EINVAL, "the ld_imm64 has no second half");
	have = (__u64)(__u32)insn[1].imm << 32 | (__u32)insn[0].imm;
	if (validate && have != lval)
		return relo_fail(x, -EINVAL, "the instruction holds %llu, not the local value %llu"
				 " (the record does not belong to this instruction)",
				 (unsigned long long)have, (unsigned long long)lval);
	insn[0].imm = (__s32)(__u32)tval;
	insn[1].imm = (__s32)(__u32)(tval >> 32);
	return 0;
}

static int patch(struct relo_ctx *x, const struct core_val *lv, const struct core_val *tv,
		 const struct core_spec *ts)
{
	struct bpf_insn *insn = &x->insns[x->idx];
	bool poisoned = false;
	int err;

	x->out->local_val = lv->val;
	x->out->target_val = tv->val;
	switch (BPF_CLASS(insn->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		return patch_alu(x, insn, lv->val, tv->val, lv->validate);
	case BPF_LDX:
	case BPF_ST:
	case BPF_STX:
		err = patch_mem(x, insn, lv->val, tv->val, lv->validate);
		if (!err && ts)
			err = adjust_width(x, lv, tv, ts, &poisoned);
		return err;
	case BPF_LD:
		if (insn->code == INSN_LD_IMM64)
			return patch_ld_imm64(x, insn, lv->val, tv->val, lv->validate);
		break;
	}
	return relo_fail(x, -EINVAL, "instruction opcode %#04x cannot carry a CO-RE relocation"
			 " (only ALU immediates, load/store offsets and ld_imm64 can)",
			 insn->code);
}

/* Can this instruction be patched at all?  Checked before poisoning, so a
 * record on a wrong instruction is an error whatever the kernel. */
static int check_insn(struct relo_ctx *x)
{
	const struct bpf_insn *insn = &x->insns[x->idx];

	switch (BPF_CLASS(insn->code)) {
	case BPF_ALU: case BPF_ALU64: case BPF_LDX: case BPF_ST: case BPF_STX:
		return 0;
	case BPF_LD:
		if (insn->code == INSN_LD_IMM64 && x->idx + 1 < x->nr_insns)
			return 0;
		break;
	}
	return relo_fail(x, -EINVAL, "instruction opcode %#04x cannot carry a CO-RE relocation"
			 " (only ALU immediates, load/store offsets and ld_imm64 can)",
			 insn->code);
}

/* ---- one record ---------------------------------------------------------------- */

static int match_cand(struct relo_ctx *x, const struct core_spec *ls, const struct cand *c,
		      struct core_spec *ts, char *why, size_t wlen)
{
	__u32 kind = x->r->kind;
	int r;

	if (kind_is_field(kind))
		return match_field_spec(ls, c->btf, c->id, ts, why, wlen);
	if (kind_is_enumval(kind)) {
		snprintf(why, wlen, "no value %s", ls->acc[0].name);
		return match_enumval_spec(ls, c->btf, c->id, ts);
	}
	if (kind == BPF_CORE_TYPE_MATCHES)
		r = bl_core_types_match(x->local, ls->root_id, c->btf, c->id);
	else
		r = bl_core_types_compat(x->local, ls->root_id, c->btf, c->id);
	if (r <= 0) {
		snprintf(why, wlen, kind == BPF_CORE_TYPE_MATCHES ? "does not match" :
			 "is not compatible");
		return 0;
	}
	memset(ts, 0, offsetof(struct core_spec, acc));
	ts->btf = c->btf;
	ts->root_id = c->id;
	ts->len = ts->raw_len = 1;
	ts->acc[0] = (struct core_acc){ .type_id = c->id };
	ts->raw[0] = 0;
	ts->bit_off = 0;
	return 1;
}

static void cand_text(const struct cand *c, char *buf, size_t len)
{
	char tn[96];

	type_text(c->btf, c->id, tn, sizeof(tn));
	snprintf(buf, len, "%s (id %u)", tn, c->id);
}

/* Try every candidate; *found is the first that matched (its spec in
 * *ts and value in *tv); later matches must agree. */
static int resolve_cands(struct relo_ctx *x, const struct core_spec *ls, const struct cands *cs,
			 struct core_spec *ts, struct core_val *tv, bool *found, char *why,
			 size_t wlen)
{
	struct core_spec *cur = malloc(sizeof(*cur));
	struct cand first = { 0 };
	int err = 0;

	if (!cur)
		return bl_fail(x->e, -ENOMEM, "out of memory");
	*found = false;
	for (size_t i = 0; i < cs->n && !err; i++) {
		struct core_val v;
		char w[WHY_LEN] = "", a[128], b[128];

		if (match_cand(x, ls, &cs->v[i], cur, w, sizeof(w)) <= 0 ||
		    spec_value(cur, x->r->kind, &v, w, sizeof(w))) {
			if (!*found) {
				type_text(cs->v[i].btf, cs->v[i].id, a, sizeof(a));
				snprintf(why, wlen, "%.80s%s%.120s", a, *w ? ": " : "", w);
			}
			continue;
		}
		if (!*found) {
			*found = true;
			*ts = *cur;
			*tv = v;
			first = cs->v[i];
			continue;
		}
		if (v.val == tv->val && v.field_size == tv->field_size &&
		    (!kind_is_field(x->r->kind) || cur->bit_off == ts->bit_off))
			continue;
		cand_text(&first, a, sizeof(a));
		cand_text(&cs->v[i], b, sizeof(b));
		err = relo_fail(x, -EINVAL, "ambiguous: candidates %s and %s in the target"
				" kernel give %llu and %llu", a, b, (unsigned long long)tv->val,
				(unsigned long long)v.val);
	}
	free(cur);
	return err;
}

/* Why nothing matched, in words, for the poison message. */
static void no_match_text(struct relo_ctx *x, size_t nr_cands, const char *detail,
			  char *buf, size_t len)
{
	const struct btf_type *lt = bl_btf_type(x->local, x->r->type_id);
	const char *name = bl_btf_name(x->local, lt);
	const char *what = kind_is_field(x->r->kind) ? "no such field" :
			   kind_is_enumval(x->r->kind) ? "no such enum value" :
			   "no such type";
	char tn[128];

	type_text(x->local, x->r->type_id, tn, sizeof(tn));
	if (!nr_cands) {
		/* "struct task_struct___v2" -> "struct task_struct" */
		size_t cut = strlen(name) - bl_core_essential_len(name);

		if (cut < strlen(tn))
			tn[strlen(tn) - cut] = '\0';
		snprintf(buf, len, "%s in the target kernel (it has no %s)", what, tn);
	} else {
		snprintf(buf, len, "%s in the target kernel (%s)", what, detail);
	}
}

static int relocate_one(struct relo_ctx *x)
{
	const struct bpf_core_relo *r = x->r;
	const char *access = bl_btf_str(x->local, r->access_str_off);
	struct core_spec *ls = NULL, *ts = NULL;
	struct core_val lv, tv = { 0 };
	struct cands cs = { 0 };
	char why[WHY_LEN] = "";
	bool found = false;
	int err;

	x->out->insn = x->idx;
	x->out->kind = r->kind;
	ls = malloc(sizeof(*ls));
	ts = malloc(sizeof(*ts));
	if (!ls || !ts) {
		err = bl_fail(x->e, -ENOMEM, "out of memory");
		goto out;
	}
	err = spec_parse(x->local, r->type_id, access, r->kind, ls, why, sizeof(why));
	if (!err)
		err = spec_value(ls, r->kind, &lv, why, sizeof(why));
	if (err) {
		err = relo_fail(x, -EINVAL, "%s", why);
		goto out;
	}
	if (is_poisoned(&x->insns[x->idx]))
		goto out;		/* an earlier record gave up on it */
	err = check_insn(x);
	if (err)
		goto out;
	if (r->kind == BPF_CORE_TYPE_ID_LOCAL) {
		err = patch(x, &lv, &lv, NULL);
		goto out;
	}
	if (!*bl_btf_name(x->local, bl_btf_type(x->local, r->type_id))) {
		err = relo_fail(x, -EINVAL, "the local type is anonymous; CO-RE finds types in"
				" the kernel by name");
		goto out;
	}
	err = find_cands(x, &cs);
	if (!err)
		err = resolve_cands(x, ls, &cs, ts, &tv, &found, why, sizeof(why));
	if (err)
		goto out;
	if (found) {
		x->out->target_id = ts->root_id;
		x->out->target_btf = ts->btf;
		err = patch(x, &lv, &tv, ts);
	} else if (kind_is_existence(r->kind) || kind_is_type(r->kind)) {
		/* "does it exist": no; type ids and sizes of missing types: 0 */
		tv = (struct core_val){ .val = 0 };
		err = patch(x, &lv, &tv, NULL);
	} else {
		char text[WHY_LEN * 2];

		no_match_text(x, cs.n, why, text, sizeof(text));
		x->out->local_val = lv.val;
		err = poison(x, text);
	}
out:
	free(cs.v);
	free(ls);
	free(ts);
	return err;
}

int bl_core_relocate(const struct bl_btf *local, struct bl_core_target *target,
		     const char *prog_name, struct bpf_insn *insns, size_t nr_insns,
		     const struct bpf_core_relo *relos, size_t nr_relos,
		     struct bl_core_result *res, struct bl_error *e)
{
	struct relo_ctx x = {
		.local = local, .target = target, .prog = prog_name, .insns = insns,
		.nr_insns = nr_insns, .res = res, .e = e,
	};
	int err = 0;

	memset(res, 0, sizeof(*res));
	if (!nr_relos)
		return 0;
	if (!local || !target || !target->btf)
		return bl_fail(e, -EINVAL, "program '%s': CO-RE relocations need the object's BTF"
			       " and the kernel's", prog_name);
	res->outcomes = calloc(nr_relos, sizeof(*res->outcomes));
	if (!res->outcomes)
		return bl_fail(e, -ENOMEM, "out of memory");
	res->nr_outcomes = nr_relos;
	for (size_t i = 0; i < nr_relos && !err; i++) {
		x.r = &relos[i];
		x.ri = i;
		x.out = &res->outcomes[i];
		x.idx = x.r->insn_off / BL_INSN_SZ;
		bl_core_describe(local, x.r, x.desc, sizeof(x.desc));
		if (x.r->insn_off % BL_INSN_SZ || x.idx >= nr_insns)
			err = relo_fail(&x, -EINVAL, "record %zu points at byte %u, which is not an"
					" instruction of the program (%zu instructions)", i,
					x.r->insn_off, nr_insns);
		else if (x.r->kind > BL_CORE_KIND_MAX)
			err = relo_fail(&x, -EINVAL, "unknown relocation kind %u", x.r->kind);
		else if (!bl_btf_str(local, x.r->access_str_off))
			err = relo_fail(&x, -EINVAL, "access string offset %u is outside .BTF's"
					" strings", x.r->access_str_off);
		else
			err = relocate_one(&x);
	}
	if (err)
		bl_core_result_free(res);
	return err;
}

void bl_core_result_free(struct bl_core_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->nr_poisoned; i++)
		free(res->poisoned[i].msg);
	free(res->poisoned);
	free(res->outcomes);
	memset(res, 0, sizeof(*res));
}

/* ---- checks at open ------------------------------------------------------------ */

static const struct bl_section *code_section(const struct bl_object *obj, const char *name)
{
	for (size_t i = 0; i < obj->elf.nr_secs; i++) {
		const struct bl_section *s = &obj->elf.secs[i];

		if (!strcmp(s->name, name))
			return (s->role == BL_SEC_PROGRAM || s->role == BL_SEC_TEXT) ? s : NULL;
	}
	return NULL;
}

static int check_record(const struct bl_object *obj, const struct bl_section *s,
			const struct bpf_core_relo *r, __u32 i, struct bl_error *e)
{
	const char *access = bl_btf_str(obj->btf, r->access_str_off);
	struct core_spec *spec;
	char why[WHY_LEN], msg[WHY_LEN * 3];
	int err;

#define REC_FAIL(...) \
	bl_fail(e, -EINVAL, ".BTF.ext core_relo record %u of section '%s' (insn_off %u): %s", \
		i, s->name, r->insn_off, (snprintf(msg, sizeof(msg), __VA_ARGS__), msg))
	if (r->insn_off % BL_INSN_SZ)
		return REC_FAIL("insn_off is not a multiple of %zu", BL_INSN_SZ);
	if (r->insn_off >= s->size)
		return REC_FAIL("insn_off is past the end of the section (%llu bytes)",
				(unsigned long long)s->size);
	if (r->kind > BL_CORE_KIND_MAX)
		return REC_FAIL("unknown relocation kind %u (known: 0..%u)", r->kind,
				BL_CORE_KIND_MAX);
	if (!r->type_id || r->type_id >= bl_btf_type_cnt(obj->btf))
		return REC_FAIL("type id %u is not in .BTF (ids 1..%u)", r->type_id,
				bl_btf_type_cnt(obj->btf) - 1);
	if (!access)
		return REC_FAIL("access string offset %u is outside .BTF's strings",
				r->access_str_off);
	spec = malloc(sizeof(*spec));
	if (!spec)
		return bl_fail(e, -ENOMEM, "out of memory");
	err = spec_parse(obj->btf, r->type_id, access, r->kind, spec, why, sizeof(why));
	free(spec);
	if (err)
		return REC_FAIL("%s relocation of type %u, access \"%.40s\": %s",
				bl_core_kind_name(r->kind), r->type_id, access, why);
#undef REC_FAIL
	return 0;
}

int bl_core_check_object(const struct bl_object *obj, struct bl_error *e)
{
	const struct bl_ext_table *t;

	if (!obj->btf_ext || !obj->btf)
		return 0;
	t = &obj->btf_ext->core_relo;
	for (__u32 si = 0; si < t->nr_secs; si++) {
		const struct bl_ext_sec *es = &t->secs[si];
		const struct bl_section *s = code_section(obj, es->sec_name);

		if (!s)
			return bl_fail(e, -EINVAL, ".BTF.ext: core_relo records for section '%s',"
				       " which is not a code section of the object", es->sec_name);
		for (__u32 i = 0; i < es->nr; i++) {
			struct bpf_core_relo r;
			int err;

			memcpy(&r, es->recs + (size_t)i * es->rec_size, sizeof(r));
			err = check_record(obj, s, &r, i, e);
			if (err)
				return err;
		}
	}
	return 0;
}

/* ---- BTF from a file image --------------------------------------------------- */

static int btf_from_elf(const void *data, size_t size, const struct bl_btf *base,
			const char *what, struct bl_btf **out, struct bl_error *e)
{
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	int err = -ENOENT;

	elf_version(EV_CURRENT);
	elf = elf_memory((char *)data, size);
	if (!elf || elf_getshdrstrndx(elf, &shstrndx)) {
		err = bl_fail(e, -EINVAL, "%s: not a valid ELF file: %s", what, elf_errmsg(-1));
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".BTF"))
			continue;
		if (sh.sh_type == SHT_NOBITS || sh.sh_offset > size ||
		    sh.sh_size > size - sh.sh_offset) {
			err = bl_fail(e, -EINVAL, "%s: section .BTF lies outside the file", what);
			goto out;
		}
		err = bl_btf_parse((const unsigned char *)data + sh.sh_offset, sh.sh_size, base,
				   what, out, e);
		goto out;
	}
	err = bl_fail(e, -ENOENT, "%s: ELF file without a .BTF section (built without"
		      " CONFIG_DEBUG_INFO_BTF, or not compiled with -g?)", what);
out:
	if (elf)
		elf_end(elf);
	return err;
}

int bl_btf_parse_image(const void *data, size_t size, const struct bl_btf *base,
		       const char *what, struct bl_btf **out, struct bl_error *e)
{
	*out = NULL;
	if (size >= 4 && !memcmp(data, "\177ELF", 4))
		return btf_from_elf(data, size, base, what, out, e);
	return bl_btf_parse(data, size, base, what, out, e);
}
