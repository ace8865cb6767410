// SPDX-License-Identifier: BSD-2-Clause
/*
 * btf_dump.c - BTF as a C header (vmlinux.h), or as text.
 *
 * A header must declare each type before it is used, and define it
 * completely before it is used by value (as a member, an array element,
 * the target of a typedef used by value).  Pointers only need a name.
 * So the header is written in this order:
 *
 *   1. "struct foo;" for every named struct and union: any pointer to
 *      them is fine from then on, which breaks every cycle C allows;
 *   2. every enum (they depend on nothing);
 *   3. every named struct, union and typedef, each after what it needs
 *      (a depth-first walk over "used by value" dependencies).
 *
 * Anonymous structs, unions and enums are written inline where they are
 * used.  The layout must come out as BTF says: members are placed where
 * a C compiler for the BPF target would put them, and where BTF has them
 * later, anonymous bitfields ("long: 64;") pad the gap; where BTF has
 * them earlier (or the size says so), the struct is packed.  Names BTF
 * has twice (two different "struct foo"s from two files) get a ___N
 * suffix, so the header compiles.
 *
 * Nothing here trusts the BTF: loops and absurd nesting end the walk
 * with an error instead of recursing without bound.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "object/btf.h"
#include "object/btf_dump.h"
#include "object/object.h"

#define MAX_DEPTH	256
#define BODY_BUDGET	16	/* struct/union bodies written per type, at most */
#define BIG_PAD_BITS	(64 * 64) /* holes this large become one byte array */
#define MAX_CHAIN	64

/* per-type state */
#define ST_DONE		0x01	/* struct/union defined, typedef declared */
#define ST_BUSY		0x02	/* being written: a cycle by value */
#define ST_INLINED	0x04	/* an anonymous enum already written inline */
#define ST_REFERENCED	0x08	/* used by another type (anonymous enums) */
#define ST_PACKED	0x10	/* layout needs __attribute__((packed)) */
#define ST_LAYOUT	0x20	/* ST_PACKED and align[] computed */
#define ST_ALIGN_BUSY	0x40

struct nameset {
	const char **slots;
	size_t cap, n;
};

struct sbuf {
	char *p;
	size_t len, cap;
	bool failed;
};

struct dumper {
	const struct bl_btf *btf;
	FILE *out;
	__u32 n;			/* type count (ids 0..n-1) */
	unsigned char *st;
	__u32 *align;
	char **names;			/* renamed types: the name to write */
	char **owned;			/* renamed enumerators */
	size_t nr_owned;
	struct nameset tags, idents;
	int depth;
	__u64 bodies;			/* struct/union bodies written so far */
	int err;
	struct bl_error *e;
};

/* ---- small helpers ------------------------------------------------------------- */

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->failed)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->failed = true;
			return;
		}
		if (b->p && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p) {
			b->failed = true;
			return;
		}
	}
}

static int fail(struct dumper *d, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(struct dumper *d, int err, const char *fmt, ...)
{
	va_list ap;

	if (d->err)
		return d->err;
	d->err = err;
	if (d->e) {
		d->e->err = err;
		va_start(ap, fmt);
		vsnprintf(d->e->msg, sizeof(d->e->msg), fmt, ap);
		va_end(ap);
		bl_scrub_controls(d->e->msg);
	}
	return err;
}

static const struct btf_type *type(const struct dumper *d, __u32 id)
{
	return bl_btf_type(d->btf, id);
}

static __u32 kind(const struct btf_type *t)
{
	return t ? bl_btf_kind(t) : BTF_KIND_UNKN;
}

static bool composite(const struct btf_type *t)
{
	return kind(t) == BTF_KIND_STRUCT || kind(t) == BTF_KIND_UNION;
}

static bool any_enum(const struct btf_type *t)
{
	return kind(t) == BTF_KIND_ENUM || kind(t) == BTF_KIND_ENUM64;
}

static bool modifier(__u32 k)
{
	return k == BTF_KIND_CONST || k == BTF_KIND_VOLATILE || k == BTF_KIND_RESTRICT ||
	       k == BTF_KIND_TYPE_TAG;
}

static const char *raw_name(const struct dumper *d, const struct btf_type *t)
{
	return bl_btf_name(d->btf, t);
}

/* Is s a C identifier? */
static bool ident_ok(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* ---- unique names ------------------------------------------------------------------ */

static unsigned long str_hash(const char *s)
{
	unsigned long h = 1469598103934665603UL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211UL;
	return h;
}

static bool ns_has(const struct nameset *ns, const char *s)
{
	if (!ns->cap)
		return false;
	for (size_t i = str_hash(s) & (ns->cap - 1);; i = (i + 1) & (ns->cap - 1)) {
		if (!ns->slots[i])
			return false;
		if (!strcmp(ns->slots[i], s))
			return true;
	}
}

static int ns_add(struct nameset *ns, const char *s)
{
	if (2 * (ns->n + 1) > ns->cap) {
		struct nameset big = { .cap = ns->cap ? ns->cap * 2 : 1024 };

		big.slots = calloc(big.cap, sizeof(*big.slots));
		if (!big.slots)
			return -ENOMEM;
		for (size_t i = 0; i < ns->cap; i++)
			if (ns->slots[i])
				ns_add(&big, ns->slots[i]);
		free(ns->slots);
		*ns = big;
	}
	for (size_t i = str_hash(s) & (ns->cap - 1);; i = (i + 1) & (ns->cap - 1)) {
		if (!ns->slots[i]) {
			ns->slots[i] = s;
			ns->n++;
			return 0;
		}
	}
}

/* Claim name in ns; if taken, "name___2", "name___3", ... (malloc'ed in
 * *owned).  Returns the name to write, NULL on OOM. */
static const char *claim(struct dumper *d, struct nameset *ns, const char *name, char **owned)
{
	size_t len = strlen(name) + 16;

	*owned = NULL;
	if (!ns_has(ns, name))
		return ns_add(ns, name) ? NULL : name;
	*owned = malloc(len);
	if (!*owned)
		return NULL;
	for (unsigned int i = 2;; i++) {
		snprintf(*owned, len, "%s___%u", name, i);
		if (!ns_has(ns, *owned))
			return ns_add(ns, *owned) ? NULL : *owned;
	}
}

/* The name a named struct/union/enum/typedef is written with. */
static const char *tname(const struct dumper *d, __u32 id)
{
	return d->names[id] ? d->names[id] : raw_name(d, type(d, id));
}

static int name_type(struct dumper *d, __u32 id, struct nameset *ns)
{
	char *owned;
	const char *n = raw_name(d, type(d, id));

	if (!ident_ok(n))
		n = "__bl_invalid_name";
	if (!claim(d, ns, n, &owned))
		return fail(d, -ENOMEM, "out of memory");
	if (owned || n != raw_name(d, type(d, id)))
		d->names[id] = owned ? owned : strdup(n);
	return 0;
}

/* ---- sizes and layout ------------------------------------------------------------- */

static __u32 size_of(const struct dumper *d, __u32 id)
{
	__u32 s = 0;

	bl_btf_type_size(d->btf, id, &s);
	return s;
}

/* The size a C compiler gives the enum as we write it. */
static __u32 enum_c_size(const struct dumper *d, const struct btf_type *t)
{
	bool neg = false, big = false;
	__u64 max = 0;

	for (__u32 i = 0; i < bl_btf_vlen(t); i++) {
		__s64 v;

		if (kind(t) == BTF_KIND_ENUM)
			v = bl_btf_kflag(t) ? ((const struct btf_enum *)bl_btf_extra(t))[i].val :
			    (__s64)(__u32)((const struct btf_enum *)bl_btf_extra(t))[i].val;
		else
			v = (__s64)((__u64)((const struct btf_enum64 *)bl_btf_extra(t))[i].val_hi32
				    << 32 | ((const struct btf_enum64 *)bl_btf_extra(t))[i].val_lo32);
		if (bl_btf_kflag(t) && v < 0) {
			neg = true;
			if (v < INT32_MIN)
				big = true;
		} else if ((__u64)v > max) {
			max = (__u64)v;
		}
	}
	if (max > UINT32_MAX || (neg && max > INT32_MAX) || big ||
	    (kind(t) == BTF_KIND_ENUM64 && !bl_btf_kflag(t) && max > INT64_MAX))
		return 8;
	if (t->size >= 4)
		return 4;
	/* written packed: the smallest size that holds the values */
	if (neg)
		return max <= 127 ? 1 : max <= 32767 ? 2 : 4;
	return max <= 255 ? 1 : max <= 65535 ? 2 : 4;
}

/* Is this enum written as "enum name", or as an integer of its size? */
static bool enum_as_enum(const struct dumper *d, const struct btf_type *t)
{
	return bl_btf_vlen(t) && enum_c_size(d, t) == t->size;
}

/* Go one level deeper into the types, from id: false, with the error
 * "BTF type <id>: <what>", past MAX_DEPTH.  The caller steps back up
 * (d->depth--) when it is done. */
static bool deeper(struct dumper *d, __u32 id, const char *what)
{
	if (d->depth > MAX_DEPTH) {
		fail(d, -ELOOP, "BTF type %u: %s", id, what);
		return false;
	}
	d->depth++;
	return true;
}

static __u32 struct_align(struct dumper *d, __u32 id);

static __u32 type_align(struct dumper *d, __u32 id)
{
	const struct btf_type *t = bl_btf_resolve(d->btf, id, &id);
	__u32 s;

	switch (kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		s = t->size;
		return s >= 16 ? 16 : (s == 1 || s == 2 || s == 4 || s == 8) ? s : 1;
	case BTF_KIND_PTR:
		return 8;
	case BTF_KIND_ARRAY:
		if (d->depth > MAX_DEPTH)
			return 1;
		d->depth++;
		s = type_align(d, ((const struct btf_array *)bl_btf_extra(t))->type);
		d->depth--;
		return s;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return struct_align(d, id);
	default:
		return 1;
	}
}

static __u32 member_off(const struct btf_type *t, const struct btf_member *m)
{
	return bl_btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset;
}

static __u32 member_bits(const struct btf_type *t, const struct btf_member *m)
{
	return bl_btf_kflag(t) ? BTF_MEMBER_BITFIELD_SIZE(m->offset) : 0;
}

static __u64 round_up(__u64 v, __u64 a)
{
	return a ? (v + a - 1) / a * a : v;
}

/* Where a compiler puts a member after bit pos (packed: right there). */
static __u64 place(struct dumper *d, __u64 pos, __u32 mtype, __u32 bits, bool packed)
{
	__u64 unit;

	if (packed)
		return bits ? pos : round_up(pos, 8);
	if (!bits)
		return round_up(pos, (__u64)type_align(d, mtype) * 8);
	unit = (__u64)size_of(d, mtype) * 8;
	if (unit && pos / unit != (pos + bits - 1) / unit)
		return round_up(pos, unit);
	return pos;
}

/* Could the members sit where BTF says without packing? */
static bool fits_unpacked(struct dumper *d, const struct btf_type *t, __u32 *align)
{
	const struct btf_member *m = bl_btf_extra(t);
	__u64 pos = 0, end = 0;
	__u32 a = 1;

	for (__u32 i = 0; i < bl_btf_vlen(t); i++) {
		__u32 off = member_off(t, &m[i]), bits = member_bits(t, &m[i]);
		__u32 ma = type_align(d, m[i].type);

		if (ma > a)
			a = ma;
		if (kind(t) == BTF_KIND_UNION) {
			if (off)
				return false;
			end = end > (__u64)size_of(d, m[i].type) * 8 ? end : (__u64)size_of(d, m[i].type) * 8;
			continue;
		}
		if (off < place(d, pos, m[i].type, bits, false))
			return false;
		pos = off + (bits ? bits : (__u64)size_of(d, m[i].type) * 8);
	}
	*align = a;
	end = kind(t) == BTF_KIND_UNION ? end : pos;
	return round_up(end, (__u64)a * 8) <= (__u64)t->size * 8 && t->size % a == 0;
}

static void layout(struct dumper *d, __u32 id)
{
	const struct btf_type *t = type(d, id);
	__u32 a = 1;

	if (d->st[id] & (ST_LAYOUT | ST_ALIGN_BUSY))
		return;
	if (!deeper(d, id, "structs nest too deep"))
		return;
	d->st[id] |= ST_ALIGN_BUSY;
	if (!fits_unpacked(d, t, &a)) {
		d->st[id] |= ST_PACKED;
		a = 1;
	}
	d->align[id] = a;
	d->st[id] &= ~ST_ALIGN_BUSY;
	d->st[id] |= ST_LAYOUT;
	d->depth--;
}

static __u32 struct_align(struct dumper *d, __u32 id)
{
	layout(d, id);
	return d->align[id] ? d->align[id] : 1;
}

/* ---- declarations ----------------------------------------------------------------- */

static void emit_body(struct dumper *d, __u32 id, int indent);

static const char *int_name(const struct dumper *d, const struct btf_type *t)
{
	static const char *const u[] = { "unsigned char", "unsigned short", "unsigned int",
					 "unsigned long", "unsigned __int128" };
	static const char *const s[] = { "signed char", "short", "int", "long", "__int128" };
	const char *n = raw_name(d, t);
	bool sgn = false;
	int i;

	if (kind(t) == BTF_KIND_INT && *n && strspn(n, "abcdefghijklmnopqrstuvwxyz_ 0123456789")
	    == strlen(n) && n[0] != ' ' && !(n[0] >= '0' && n[0] <= '9'))
		return n;
	if (kind(t) == BTF_KIND_INT) {
		__u32 data;

		memcpy(&data, bl_btf_extra(t), sizeof(data));
		sgn = BTF_INT_ENCODING(data) & BTF_INT_SIGNED;
	} else if (any_enum(t)) {
		sgn = bl_btf_kflag(t);
	}
	i = t->size <= 1 ? 0 : t->size <= 2 ? 1 : t->size <= 4 ? 2 : t->size <= 8 ? 3 : 4;
	return sgn ? s[i] : u[i];
}

static const char *float_name(const struct btf_type *t)
{
	switch (t->size) {
	case 4: return "float";
	case 8: return "double";
	default: return "__int128";	/* long double: no BPF equivalent, same size */
	}
}

static void indent_to(FILE *f, int indent)
{
	for (int i = 0; i < indent; i++)
		fputc('\t', f);
}

/* The parameters of a prototype, into b. */
static void decl_string(struct dumper *d, __u32 id, const char *name, struct sbuf *b);

static void params_string(struct dumper *d, const struct btf_type *t, struct sbuf *b)
{
	const struct btf_param *p = bl_btf_extra(t);
	__u32 n = bl_btf_vlen(t);

	if (!n) {
		sb_printf(b, "void");
		return;
	}
	for (__u32 i = 0; i < n; i++) {
		if (i)
			sb_printf(b, ", ");
		if (!p[i].type && i == n - 1) {
			sb_printf(b, "...");
			break;
		}
		decl_string(d, p[i].type, "", b);
	}
}

/* A qualifier once ("const const char" is what a const array of const
 * char would give). */
static void add_qual(struct sbuf *quals, __u32 k)
{
	const char *q = k == BTF_KIND_CONST ? "const " : k == BTF_KIND_VOLATILE ? "volatile " :
			"restrict ";

	if (!quals->p || !strstr(quals->p, q))
		sb_printf(quals, "%s", q);
}

/* The declarator around name for the chain of pointers, arrays,
 * prototypes and qualifiers from id down to its base type. */
static __u32 declarator(struct dumper *d, __u32 id, const char *name, struct sbuf *decl,
			struct sbuf *quals)
{
	bool ptr_last = false;

	sb_printf(decl, "%s", name);
	for (int i = 0; i < MAX_CHAIN; i++) {
		const struct btf_type *t = type(d, id);
		struct sbuf tmp = { 0 };

		switch (kind(t)) {
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
			add_qual(quals, kind(t));
			break;
		case BTF_KIND_TYPE_TAG:
			break;
		case BTF_KIND_PTR:
			sb_printf(&tmp, "*%s%s", quals->p ? quals->p : "", decl->p ? decl->p : "");
			free(decl->p);
			*decl = tmp;
			free(quals->p);
			*quals = (struct sbuf){ 0 };
			ptr_last = true;
			break;
		case BTF_KIND_ARRAY:
		case BTF_KIND_FUNC_PROTO:
			if (ptr_last) {
				sb_printf(&tmp, "(%s)", decl->p ? decl->p : "");
				free(decl->p);
				*decl = tmp;
			}
			if (kind(t) == BTF_KIND_ARRAY) {
				sb_printf(decl, "[%u]", ((const struct btf_array *)bl_btf_extra(t))->nelems);
				id = ((const struct btf_array *)bl_btf_extra(t))->type;
			} else {
				sb_printf(decl, "(");
				params_string(d, t, decl);
				sb_printf(decl, ")");
				id = t->type;
			}
			ptr_last = false;
			continue;
		default:
			return id;	/* the base type */
		}
		id = t->type;
	}
	return 0;
}

/* "struct foo", "enum bar", "u32", "int": the base type's name, when it
 * can be written as a name (not an anonymous struct to write inline). */
static bool base_name(struct dumper *d, __u32 id, struct sbuf *b)
{
	const struct btf_type *t = type(d, id);

	switch (kind(t)) {
	case BTF_KIND_UNKN:
		sb_printf(b, "void");
		return true;
	case BTF_KIND_INT:
		sb_printf(b, "%s", int_name(d, t));
		return true;
	case BTF_KIND_FLOAT:
		sb_printf(b, "%s", float_name(t));
		return true;
	case BTF_KIND_TYPEDEF:
		sb_printf(b, "%s", tname(d, id));
		return true;
	case BTF_KIND_FWD:
		sb_printf(b, "%s %s", bl_btf_kflag(t) ? "union" : "struct", tname(d, id));
		return true;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (!*raw_name(d, t))
			return false;
		sb_printf(b, "%s %s", kind(t) == BTF_KIND_UNION ? "union" : "struct", tname(d, id));
		return true;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (*raw_name(d, t) && enum_as_enum(d, t)) {
			sb_printf(b, "enum %s", tname(d, id));
			return true;
		}
		if (*raw_name(d, t) || (d->st[id] & ST_INLINED) || !bl_btf_vlen(t)) {
			sb_printf(b, "%s", int_name(d, t));
			return true;
		}
		return false;
	default:
		sb_printf(b, "void");	/* FUNC, VAR, DATASEC: not types of anything */
		return true;
	}
}

/* A whole declaration "T name" as a string (anonymous composites, which
 * cannot appear there in kernel BTF, become void). */
static void decl_string(struct dumper *d, __u32 id, const char *name, struct sbuf *b)
{
	struct sbuf decl = { 0 }, quals = { 0 }, base = { 0 };
	__u32 bid;

	if (!deeper(d, id, "prototypes nest too deep"))
		return;
	bid = declarator(d, id, name, &decl, &quals);
	if (!base_name(d, bid, &base))
		sb_printf(&base, "%s", any_enum(type(d, bid)) ? int_name(d, type(d, bid)) : "void");
	sb_printf(b, "%s%s%s%s", quals.p ? quals.p : "", base.p ? base.p : "",
		  decl.p && *decl.p ? " " : "", decl.p ? decl.p : "");
	d->depth--;
	free(decl.p);
	free(quals.p);
	free(base.p);
}

static void emit_enum_body(struct dumper *d, __u32 id, int indent);

/* Write "T name" (with anonymous types inline) at the given indent. */
static void emit_decl(struct dumper *d, __u32 id, const char *name, int indent)
{
	struct sbuf decl = { 0 }, quals = { 0 }, base = { 0 };
	const struct btf_type *bt;
	__u32 bid;

	bid = declarator(d, id, name, &decl, &quals);
	bt = type(d, bid);
	fprintf(d->out, "%s", quals.p ? quals.p : "");
	if (base_name(d, bid, &base)) {
		fprintf(d->out, "%s", base.p ? base.p : "");
	} else if (composite(bt)) {
		fprintf(d->out, "%s ", kind(bt) == BTF_KIND_UNION ? "union" : "struct");
		emit_body(d, bid, indent);
	} else {
		d->st[bid] |= ST_INLINED;
		fprintf(d->out, "enum ");
		emit_enum_body(d, bid, indent);
	}
	if (decl.p && *decl.p)
		fprintf(d->out, " %s", decl.p);
	free(decl.p);
	free(quals.p);
	free(base.p);
	if (decl.failed || quals.failed || base.failed)
		fail(d, -ENOMEM, "out of memory");
}

/* ---- enums ------------------------------------------------------------------------- */

static void emit_enum_body(struct dumper *d, __u32 id, int indent)
{
	const struct btf_type *t = type(d, id);

	fprintf(d->out, "{\n");
	for (__u32 i = 0; i < bl_btf_vlen(t) && !d->err; i++) {
		__u32 name_off;
		__u64 v;
		char *owned;
		const char *n;

		if (kind(t) == BTF_KIND_ENUM) {
			const struct btf_enum *en = (const struct btf_enum *)bl_btf_extra(t) + i;

			name_off = en->name_off;
			v = bl_btf_kflag(t) ? (__u64)(__s64)en->val : (__u32)en->val;
		} else {
			const struct btf_enum64 *en = (const struct btf_enum64 *)bl_btf_extra(t) + i;

			name_off = en->name_off;
			v = (__u64)en->val_hi32 << 32 | en->val_lo32;
		}
		n = bl_btf_str(d->btf, name_off);
		n = claim(d, &d->idents, n && ident_ok(n) ? n : "__bl_invalid_name", &owned);
		if (!n) {
			fail(d, -ENOMEM, "out of memory");
			return;
		}
		if (owned) {
			char **o = realloc(d->owned, (d->nr_owned + 1) * sizeof(*o));

			if (!o) {
				free(owned);
				fail(d, -ENOMEM, "out of memory");
				return;
			}
			d->owned = o;
			d->owned[d->nr_owned++] = owned;
		}
		indent_to(d->out, indent + 1);
		if (bl_btf_kflag(t))
			fprintf(d->out, "%s = %lld,\n", n, (long long)v);
		else
			fprintf(d->out, "%s = %llu%s,\n", n, (unsigned long long)v,
				v > INT64_MAX ? "ULL" : v > UINT32_MAX ? "ULL" : v > INT32_MAX ? "U" : "");
	}
	indent_to(d->out, indent);
	fprintf(d->out, "}%s", t->size < 4 && enum_c_size(d, t) < 4 ? " __attribute__((packed))" : "");
}

static void emit_enums(struct dumper *d)
{
	for (__u32 id = 1; id < d->n && !d->err; id++) {
		const struct btf_type *t = type(d, id);

		if (!any_enum(t) || !bl_btf_vlen(t))
			continue;
		if (*raw_name(d, t)) {
			if (name_type(d, id, &d->tags))
				return;
			fprintf(d->out, "enum %s ", tname(d, id));
		} else if (d->st[id] & ST_REFERENCED) {
			continue;	/* written inline where it is used */
		} else {
			fprintf(d->out, "enum ");
		}
		emit_enum_body(d, id, 0);
		fprintf(d->out, ";\n\n");
	}
}

/* ---- structs and unions ------------------------------------------------------------- */

/* Anonymous bitfields from bit pos to end, each inside its own unit. */
static void emit_padding(struct dumper *d, __u64 pos, __u64 end, int indent)
{
	while (pos < end) {
		__u64 gap = end - pos, k;
		const char *ty;

		/* a large hole is one byte array: a line per 8 bytes would let a
		 * struct claiming gigabytes write gigabytes of header */
		if (pos % 64 == 0 && gap >= BIG_PAD_BITS) {
			k = gap / 64 * 64;
			indent_to(d->out, indent);
			fprintf(d->out, "unsigned char __bl_pad_%llu[%llu];\n",
				(unsigned long long)(pos / 8), (unsigned long long)(k / 8));
			pos += k;
			continue;
		}
		if (pos % 8) {
			k = gap < 8 - pos % 8 ? gap : 8 - pos % 8;
			ty = "unsigned char";
		} else if (pos % 64 == 0 && gap >= 64) {
			k = 64, ty = "long";
		} else if (pos % 32 == 0 && gap >= 32) {
			k = 32, ty = "int";
		} else if (pos % 16 == 0 && gap >= 16) {
			k = 16, ty = "short";
		} else {
			k = gap >= 8 ? 8 : gap;
			ty = "unsigned char";
		}
		indent_to(d->out, indent);
		fprintf(d->out, "%s: %llu;\n", ty, (unsigned long long)k);
		pos += k;
	}
}

static void emit_member(struct dumper *d, const struct btf_member *m, __u32 bits, int indent)
{
	const char *n = bl_btf_str(d->btf, m->name_off);

	indent_to(d->out, indent);
	emit_decl(d, m->type, n && ident_ok(n) ? n : "", indent);
	if (bits)
		fprintf(d->out, ": %u", bits);
	fprintf(d->out, ";\n");
}

/* "{ members }" of struct/union id, then its attributes. */
static void emit_body(struct dumper *d, __u32 id, int indent)
{
	const struct btf_type *t = type(d, id);
	const struct btf_member *m = bl_btf_extra(t);
	bool packed, is_union = kind(t) == BTF_KIND_UNION;
	__u64 pos = 0, max = 0;
	__u32 align;

	if (!deeper(d, id, "anonymous types nest too deep"))
		return;
	/*
	 * An anonymous type is written inline at every use.  Deduplicated
	 * BTF may share one between several parents, which is fine, but a
	 * hostile BTF sharing nested ones at every level makes the header
	 * grow exponentially: refuse past a budget proportional to the types.
	 */
	if (++d->bodies > (__u64)d->n * BODY_BUDGET + 10000) {
		fail(d, -E2BIG, "BTF type %u: anonymous types are shared so widely that the"
		     " header would grow exponentially (more than %u bodies per type)", id,
		     BODY_BUDGET);
		d->depth--;
		return;
	}
	layout(d, id);
	packed = d->st[id] & ST_PACKED;
	align = struct_align(d, id);
	fprintf(d->out, "{\n");
	for (__u32 i = 0; i < bl_btf_vlen(t) && !d->err; i++) {
		__u32 off = member_off(t, &m[i]), bits = member_bits(t, &m[i]);
		__u64 sz = (__u64)size_of(d, m[i].type) * 8;

		if (!is_union) {
			if (off > place(d, pos, m[i].type, bits, packed))
				emit_padding(d, pos, off, indent + 1);
			pos = off + (bits ? bits : sz);
		} else if (sz > max) {
			max = sz;
		}
		emit_member(d, &m[i], bits, indent + 1);
	}
	if (!is_union && round_up(pos, (__u64)align * 8) < (__u64)t->size * 8)
		emit_padding(d, pos, (__u64)t->size * 8, indent + 1);
	if (is_union && round_up(max, (__u64)align * 8) < (__u64)t->size * 8) {
		indent_to(d->out, indent + 1);
		fprintf(d->out, "unsigned char __bl_pad[%u];\n", t->size);
	}
	indent_to(d->out, indent);
	fprintf(d->out, "}%s", packed ? " __attribute__((packed))" : "");
	d->depth--;
}

/* ---- dependencies ------------------------------------------------------------------ */

static void need_complete(struct dumper *d, __u32 id);
static void need_name(struct dumper *d, __u32 id);

static void need_members(struct dumper *d, __u32 id)
{
	const struct btf_type *t = type(d, id);
	const struct btf_member *m = bl_btf_extra(t);

	for (__u32 i = 0; i < bl_btf_vlen(t) && !d->err; i++)
		need_complete(d, m[i].type);
}

static void need_proto(struct dumper *d, const struct btf_type *t)
{
	const struct btf_param *p = bl_btf_extra(t);

	need_name(d, t->type);
	for (__u32 i = 0; i < bl_btf_vlen(t) && !d->err; i++)
		need_name(d, p[i].type);
}

static void define_struct(struct dumper *d, __u32 id)
{
	const struct btf_type *t = type(d, id);

	if (d->st[id] & (ST_DONE | ST_BUSY))
		return;		/* BUSY: contains itself by value; write it anyway */
	d->st[id] |= ST_BUSY;
	need_members(d, id);
	if (!d->err) {
		fprintf(d->out, "%s %s ", kind(t) == BTF_KIND_UNION ? "union" : "struct", tname(d, id));
		emit_body(d, id, 0);
		fprintf(d->out, ";\n\n");
	}
	d->st[id] = (d->st[id] & ~ST_BUSY) | ST_DONE;
}

static void declare_typedef(struct dumper *d, __u32 id)
{
	const struct btf_type *t = type(d, id);

	if (d->st[id] & (ST_DONE | ST_BUSY))
		return;
	d->st[id] |= ST_BUSY;
	need_name(d, t->type);
	if (!d->err && !name_type(d, id, &d->idents)) {
		fprintf(d->out, "typedef ");
		emit_decl(d, t->type, tname(d, id), 0);
		fprintf(d->out, ";\n\n");
	}
	d->st[id] = (d->st[id] & ~ST_BUSY) | ST_DONE;
}

/* What writing id as the type of a pointer target, typedef or
 * parameter needs. */
static void need_name(struct dumper *d, __u32 id)
{
	const struct btf_type *t = type(d, id);

	if (!t || d->err || !deeper(d, id, "types nest too deep (a loop?)"))
		return;
	switch (kind(t)) {
	case BTF_KIND_TYPEDEF:
		declare_typedef(d, id);
		break;
	case BTF_KIND_PTR:
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		need_name(d, t->type);
		break;
	case BTF_KIND_ARRAY:
		need_complete(d, ((const struct btf_array *)bl_btf_extra(t))->type);
		break;
	case BTF_KIND_FUNC_PROTO:
		need_proto(d, t);
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (!*raw_name(d, t))
			need_members(d, id);	/* written inline */
		break;
	default:
		break;
	}
	d->depth--;
}

/* What using id by value (a member, an array element) needs. */
static void need_complete(struct dumper *d, __u32 id)
{
	const struct btf_type *t = type(d, id);

	if (!t || d->err || !deeper(d, id, "types nest too deep (a loop?)"))
		return;
	switch (kind(t)) {
	case BTF_KIND_TYPEDEF:
		declare_typedef(d, id);
		need_complete(d, t->type);
		break;
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		need_complete(d, t->type);
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (*raw_name(d, t))
			define_struct(d, id);
		else
			need_members(d, id);
		break;
	default:
		need_name(d, id);
		break;
	}
	d->depth--;
}

/* ---- the header ---------------------------------------------------------------------- */

/* Anonymous enums used by another type are written where they are used;
 * the others (constants) on their own. */
static void mark_references(struct dumper *d)
{
	for (__u32 id = 1; id < d->n; id++) {
		const struct btf_type *t = type(d, id);
		__u32 k = kind(t);

		if (k == BTF_KIND_STRUCT || k == BTF_KIND_UNION) {
			const struct btf_member *m = bl_btf_extra(t);

			for (__u32 i = 0; i < bl_btf_vlen(t); i++)
				if (m[i].type < d->n)
					d->st[m[i].type] |= ST_REFERENCED;
		} else if (k == BTF_KIND_TYPEDEF || k == BTF_KIND_PTR || modifier(k)) {
			if (t->type < d->n)
				d->st[t->type] |= ST_REFERENCED;
		} else if (k == BTF_KIND_ARRAY) {
			__u32 e = ((const struct btf_array *)bl_btf_extra(t))->type;

			if (e < d->n)
				d->st[e] |= ST_REFERENCED;
		} else if (k == BTF_KIND_FUNC_PROTO) {
			const struct btf_param *p = bl_btf_extra(t);

			for (__u32 i = 0; i < bl_btf_vlen(t); i++)
				if (p[i].type < d->n)
					d->st[p[i].type] |= ST_REFERENCED;
			if (t->type < d->n)
				d->st[t->type] |= ST_REFERENCED;
		}
	}
}

/* "struct foo;" for every struct and union; forward declarations of
 * a tag a struct has already are the same struct. */
static void emit_forwards(struct dumper *d)
{
	for (int pass = 0; pass < 2; pass++) {
		for (__u32 id = 1; id < d->n && !d->err; id++) {
			const struct btf_type *t = type(d, id);
			bool fwd = kind(t) == BTF_KIND_FWD;
			bool is_union = kind(t) == BTF_KIND_UNION || (fwd && bl_btf_kflag(t));

			if ((pass == 0 ? !composite(t) : !fwd) || !*raw_name(d, t))
				continue;
			if (fwd && ns_has(&d->tags, raw_name(d, t)))
				continue;
			if (name_type(d, id, &d->tags))
				return;
			fprintf(d->out, "%s %s;\n", is_union ? "union" : "struct", tname(d, id));
		}
	}
	fprintf(d->out, "\n");
}

static int dump_c(struct dumper *d)
{
	fprintf(d->out,
		"/* Generated by bpfload btf dump: every type of the BTF it was given\n"
		" * (the kernel's: a vmlinux.h), for BPF programs (clang -target bpf).\n"
		" * Do not edit. */\n"
		"#ifndef __VMLINUX_H__\n"
		"#define __VMLINUX_H__\n\n"
		"#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"
		"#pragma clang attribute push (__attribute__((preserve_access_index)),"
		" apply_to = record)\n"
		"#endif\n\n");
	mark_references(d);
	emit_forwards(d);
	emit_enums(d);
	for (__u32 id = 1; id < d->n && !d->err; id++) {
		const struct btf_type *t = type(d, id);

		d->depth = 0;
		if (kind(t) == BTF_KIND_TYPEDEF)
			declare_typedef(d, id);
		else if (composite(t) && *raw_name(d, t))
			define_struct(d, id);
	}
	fprintf(d->out,
		"#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"
		"#pragma clang attribute pop\n"
		"#endif\n\n"
		"#endif /* __VMLINUX_H__ */\n");
	return d->err;
}

/* ---- raw text ------------------------------------------------------------------------- */

static void raw_members(struct dumper *d, const struct btf_type *t)
{
	const struct btf_member *m = bl_btf_extra(t);

	for (__u32 i = 0; i < bl_btf_vlen(t); i++) {
		fprintf(d->out, "\t'%s' type_id=%u bits_offset=%u", bl_btf_str(d->btf,
			m[i].name_off) ?: "", m[i].type, member_off(t, &m[i]));
		if (member_bits(t, &m[i]))
			fprintf(d->out, " bitfield_size=%u", member_bits(t, &m[i]));
		fprintf(d->out, "\n");
	}
}

static void raw_enum(struct dumper *d, const struct btf_type *t)
{
	for (__u32 i = 0; i < bl_btf_vlen(t); i++) {
		if (kind(t) == BTF_KIND_ENUM) {
			const struct btf_enum *en = (const struct btf_enum *)bl_btf_extra(t) + i;

			fprintf(d->out, bl_btf_kflag(t) ? "\t'%s' val=%d\n" : "\t'%s' val=%u\n",
				bl_btf_str(d->btf, en->name_off) ?: "", en->val);
		} else {
			const struct btf_enum64 *en = (const struct btf_enum64 *)bl_btf_extra(t) + i;
			__u64 v = (__u64)en->val_hi32 << 32 | en->val_lo32;

			fprintf(d->out, bl_btf_kflag(t) ? "\t'%s' val=%lld\n" : "\t'%s' val=%llu\n",
				bl_btf_str(d->btf, en->name_off) ?: "", (unsigned long long)v);
		}
	}
}

static void raw_type(struct dumper *d, __u32 id)
{
	const struct btf_type *t = type(d, id);
	const char *n = raw_name(d, t);
	__u32 data;

	fprintf(d->out, "[%u] %s '%s'", id, bl_btf_kind_name(kind(t)), *n ? n : "(anon)");
	switch (kind(t)) {
	case BTF_KIND_INT:
		memcpy(&data, bl_btf_extra(t), sizeof(data));
		fprintf(d->out, " size=%u bits_offset=%u nr_bits=%u encoding=%s\n", t->size,
			BTF_INT_OFFSET(data), BTF_INT_BITS(data),
			BTF_INT_ENCODING(data) & BTF_INT_SIGNED ? "SIGNED" :
			BTF_INT_ENCODING(data) & BTF_INT_CHAR ? "CHAR" :
			BTF_INT_ENCODING(data) & BTF_INT_BOOL ? "BOOL" : "(none)");
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		fprintf(d->out, " size=%u vlen=%u\n", t->size, bl_btf_vlen(t));
		raw_members(d, t);
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		fprintf(d->out, " encoding=%s size=%u vlen=%u\n", bl_btf_kflag(t) ? "SIGNED" :
			"UNSIGNED", t->size, bl_btf_vlen(t));
		raw_enum(d, t);
		break;
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = bl_btf_extra(t);

		fprintf(d->out, " type_id=%u index_type_id=%u nr_elems=%u\n", a->type,
			a->index_type, a->nelems);
		break;
	}
	case BTF_KIND_FUNC_PROTO: {
		const struct btf_param *p = bl_btf_extra(t);

		fprintf(d->out, " ret_type_id=%u vlen=%u\n", t->type, bl_btf_vlen(t));
		for (__u32 i = 0; i < bl_btf_vlen(t); i++)
			fprintf(d->out, "\t'%s' type_id=%u\n", bl_btf_str(d->btf, p[i].name_off) ?: "",
				p[i].type);
		break;
	}
	case BTF_KIND_VAR:
		fprintf(d->out, " type_id=%u linkage=%u\n", t->type,
			((const struct btf_var *)bl_btf_extra(t))->linkage);
		break;
	case BTF_KIND_DATASEC: {
		const struct btf_var_secinfo *vs = bl_btf_extra(t);

		fprintf(d->out, " size=%u vlen=%u\n", t->size, bl_btf_vlen(t));
		for (__u32 i = 0; i < bl_btf_vlen(t); i++)
			fprintf(d->out, "\ttype_id=%u offset=%u size=%u\n", vs[i].type, vs[i].offset,
				vs[i].size);
		break;
	}
	case BTF_KIND_FWD:
		fprintf(d->out, " fwd_kind=%s\n", bl_btf_kflag(t) ? "union" : "struct");
		break;
	case BTF_KIND_FLOAT:
		fprintf(d->out, " size=%u\n", t->size);
		break;
	case BTF_KIND_FUNC:
		fprintf(d->out, " type_id=%u linkage=%u\n", t->type, bl_btf_vlen(t));
		break;
	case BTF_KIND_DECL_TAG:
		fprintf(d->out, " type_id=%u component_idx=%d\n", t->type,
			((const struct btf_decl_tag *)bl_btf_extra(t))->component_idx);
		break;
	default:
		fprintf(d->out, " type_id=%u\n", t->type);
		break;
	}
}

/* ---- entry ------------------------------------------------------------------------------ */

static const char *const reserved[] = {
	"__builtin_va_list", "__int128_t", "__uint128_t", "__builtin_ms_va_list",
};

int bl_btf_dump(const struct bl_btf *btf, enum bl_btf_dump_format format, FILE *out,
		struct bl_error *e)
{
	struct dumper d = { .btf = btf, .out = out, .n = bl_btf_type_cnt(btf), .e = e };
	int err = 0;

	if (format == BL_BTF_DUMP_RAW) {
		for (__u32 id = 1; id < d.n; id++)
			raw_type(&d, id);
		return ferror(out) ? fail(&d, -EIO, "writing the dump failed") : 0;
	}
	d.st = calloc(d.n, 1);
	d.align = calloc(d.n, sizeof(*d.align));
	d.names = calloc(d.n, sizeof(*d.names));
	if (!d.st || !d.align || !d.names)
		err = fail(&d, -ENOMEM, "out of memory for %u types", d.n);
	/* names the compiler defines itself: BTF's get a ___N suffix */
	for (size_t i = 0; !err && i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (ns_add(&d.idents, reserved[i]))
			err = fail(&d, -ENOMEM, "out of memory");
	if (!err)
		err = dump_c(&d);
	if (!err && ferror(out))
		err = fail(&d, -EIO, "writing the header failed");
	for (__u32 i = 0; d.names && i < d.n; i++)
		free(d.names[i]);
	for (size_t i = 0; i < d.nr_owned; i++)
		free(d.owned[i]);
	free(d.owned);
	free(d.names);
	free(d.align);
	free(d.st);
	free(d.tags.slots);
	free(d.idents.slots);
	return err;
}
