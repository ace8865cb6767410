// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_btf.c - the BTF and .BTF.ext readers on hand-built blobs.
 *
 * A small builder writes raw BTF (header, type records, strings) the way
 * clang does.  A valid blob exercises the queries (find, resolve, type
 * size, split BTF over a base); then copies of it are broken one field at
 * a time, and each must fail with its own message.  The same for .BTF.ext
 * (header, func_info and line_info tables, blocks, records).
 *
 * Parsing a blob whose type area is misaligned is run in a child process
 * (isolate.h): a sanitizer report there kills only the child.
 */
#include <errno.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>

#include <bpfload.h>
#include "object/object.h"
#include "object/btf.h"
#include "object/btf_ext.h"

#include "tap.h"
#include "isolate.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define INFO(kind, vlen, kflag) (((kflag) ? 1U << 31 : 0) | ((__u32)(kind) << 24) | (vlen))

/* ---- a BTF builder ---------------------------------------------------------------- */

struct bb {
	unsigned char types[8192];
	size_t tlen;
	char strs[2048];
	size_t slen;
	__u32 nr;			/* types so far; ids start at 1 */
};

static void bb_init(struct bb *b)
{
	memset(b, 0, sizeof(*b));
	b->slen = 1;			/* offset 0 is "" */
}

static __u32 bb_str(struct bb *b, const char *s)
{
	size_t len = strlen(s) + 1;
	__u32 off;

	if (!*s)
		return 0;
	if (b->slen + len > sizeof(b->strs))
		tap_bail("BTF builder: string area full");
	off = b->slen;
	memcpy(b->strs + off, s, len);
	b->slen += len;
	return off;
}

static void bb_raw(struct bb *b, const void *p, size_t len)
{
	if (b->tlen + len > sizeof(b->types))
		tap_bail("BTF builder: type area full");
	memcpy(b->types + b->tlen, p, len);
	b->tlen += len;
}

static void bb_u32(struct bb *b, __u32 v)
{
	bb_raw(b, &v, sizeof(v));
}

/* A struct btf_type; returns its id. */
static __u32 bb_type(struct bb *b, const char *name, __u32 info, __u32 size_or_type)
{
	struct btf_type t = { .name_off = bb_str(b, name), .info = info };

	t.size = size_or_type;
	bb_raw(b, &t, sizeof(t));
	return ++b->nr;
}

static __u32 bb_int(struct bb *b, const char *name, __u32 size, bool is_signed)
{
	__u32 id = bb_type(b, name, INFO(BTF_KIND_INT, 0, 0), size);

	bb_u32(b, (is_signed ? BTF_INT_SIGNED << 24 : 0) | size * 8);
	return id;
}

static __u32 bb_ref(struct bb *b, __u32 kind, const char *name, __u32 type)
{
	return bb_type(b, name, INFO(kind, 0, 0), type);
}

static __u32 bb_array(struct bb *b, __u32 elem, __u32 index, __u32 nelems)
{
	struct btf_array a = { .type = elem, .index_type = index, .nelems = nelems };
	__u32 id = bb_type(b, "", INFO(BTF_KIND_ARRAY, 0, 0), 0);

	bb_raw(b, &a, sizeof(a));
	return id;
}

struct mem {
	const char *name;
	__u32 type;
	__u32 bit_off;
};

static __u32 bb_struct(struct bb *b, const char *name, __u32 size, const struct mem *m,
		       __u16 n)
{
	__u32 id = bb_type(b, name, INFO(BTF_KIND_STRUCT, n, 0), size);

	for (__u16 i = 0; i < n; i++) {
		struct btf_member bm = { bb_str(b, m[i].name), m[i].type, m[i].bit_off };

		bb_raw(b, &bm, sizeof(bm));
	}
	return id;
}

static __u32 bb_enum(struct bb *b, const char *name, const char *const *vals, __u16 n)
{
	__u32 id = bb_type(b, name, INFO(BTF_KIND_ENUM, n, 0), 4);

	for (__u16 i = 0; i < n; i++) {
		struct btf_enum e = { bb_str(b, vals[i]), i };

		bb_raw(b, &e, sizeof(e));
	}
	return id;
}

static __u32 bb_proto(struct bb *b, __u32 ret, const __u32 *params, __u16 n)
{
	__u32 id = bb_type(b, "", INFO(BTF_KIND_FUNC_PROTO, n, 0), ret);

	for (__u16 i = 0; i < n; i++) {
		struct btf_param p = { bb_str(b, "arg"), params[i] };

		bb_raw(b, &p, sizeof(p));
	}
	return id;
}

static __u32 bb_var(struct bb *b, const char *name, __u32 type)
{
	__u32 id = bb_type(b, name, INFO(BTF_KIND_VAR, 0, 0), type);

	bb_u32(b, BTF_VAR_GLOBAL_ALLOCATED);
	return id;
}

static __u32 bb_datasec(struct bb *b, const char *name, __u32 size,
			const struct btf_var_secinfo *vs, __u16 n)
{
	__u32 id = bb_type(b, name, INFO(BTF_KIND_DATASEC, n, 0), size);

	bb_raw(b, vs, n * sizeof(*vs));
	return id;
}

/* The raw blob: header of hdr_len bytes (zero tail), types, strings. */
static size_t bb_blob(const struct bb *b, unsigned char *out, size_t cap, __u32 hdr_len)
{
	struct btf_header h = {
		.magic = 0xeB9F, .version = BTF_VERSION, .hdr_len = hdr_len,
		.type_off = 0, .type_len = b->tlen, .str_off = b->tlen, .str_len = b->slen,
	};
	size_t size = hdr_len + b->tlen + b->slen;

	if (size > cap || hdr_len < sizeof(h))
		tap_bail("BTF builder: blob too large");
	memset(out, 0, hdr_len);
	memcpy(out, &h, sizeof(h));
	memcpy(out + hdr_len, b->types, b->tlen);
	memcpy(out + hdr_len + b->tlen, b->strs, b->slen);
	return size;
}

/* Header fields of a blob, patched in place. */
static struct btf_header *hdr(unsigned char *blob)
{
	return (struct btf_header *)blob;
}

/* ---- a valid blob ------------------------------------------------------------------- */

struct ids {
	__u32 u32, s64, pair, arr3, arr2x3, td_pair, c_td, ptr, en, proto, func, var, ds;
	__u32 loop1, loop2, self_arr, fwd, vol_ptr, big_arr, bigger;
	__u32 un, flt, tag, en64, decl, huge_arr;
};

static void build_valid(struct bb *b, struct ids *id)
{
	static const char *const vals[] = { "RED", "GREEN", "BLUE" };
	struct mem pm[2];
	struct btf_var_secinfo vs;
	__u32 params[2];

	bb_init(b);
	id->u32 = bb_int(b, "u32", 4, false);				/* 1 */
	id->s64 = bb_int(b, "s64", 8, true);				/* 2 */
	pm[0] = (struct mem){ "a", id->u32, 0 };
	pm[1] = (struct mem){ "b", id->s64, 64 };
	id->pair = bb_struct(b, "pair", 16, pm, 2);			/* 3 */
	id->arr3 = bb_array(b, id->pair, id->u32, 3);			/* 4 */
	id->arr2x3 = bb_array(b, id->arr3, id->u32, 2);		/* 5 */
	id->td_pair = bb_ref(b, BTF_KIND_TYPEDEF, "pair_t", id->pair); /* 6 */
	id->c_td = bb_ref(b, BTF_KIND_CONST, "", id->td_pair);	/* 7 */
	id->ptr = bb_ref(b, BTF_KIND_PTR, "", id->c_td);		/* 8 */
	id->en = bb_enum(b, "color", vals, 3);				/* 9 */
	params[0] = id->ptr;
	params[1] = id->u32;
	id->proto = bb_proto(b, id->s64, params, 2);			/* 10 */
	id->func = bb_ref(b, BTF_KIND_FUNC, "handler", id->proto);	/* 11 */
	id->var = bb_var(b, "counter", id->u32);			/* 12 */
	vs = (struct btf_var_secinfo){ id->var, 0, 4 };
	id->ds = bb_datasec(b, ".data", 4, &vs, 1);			/* 13 */
	/* typedef loop: loop1 -> loop2 -> loop1 */
	id->loop1 = bb_ref(b, BTF_KIND_TYPEDEF, "loop1", id->ds + 2);	/* 14 */
	id->loop2 = bb_ref(b, BTF_KIND_TYPEDEF, "loop2", id->loop1);	/* 15 */
	/* an array of one element: itself */
	id->self_arr = bb_array(b, id->ds + 3, id->u32, 1);		/* 16 */
	id->fwd = bb_ref(b, BTF_KIND_FWD, "opaque", 0);		/* 17 */
	id->vol_ptr = bb_ref(b, BTF_KIND_VOLATILE, "", id->ptr);	/* 18 */
	/* u32[65536][65536]: 16 GiB */
	id->big_arr = bb_array(b, id->u32, id->u32, 65536);		/* 19 */
	id->bigger = bb_array(b, id->big_arr, id->u32, 65536);	/* 20 */
	/* a second "color" of another kind, for find by kind */
	bb_ref(b, BTF_KIND_TYPEDEF, "color", id->en);			/* 21 */
	/* the other kinds */
	pm[0] = (struct mem){ "x", id->u32, 0 };
	pm[1] = (struct mem){ "y", id->s64, 0 };
	id->un = bb_struct(b, "either", 8, pm, 2);			/* 22 */
	memcpy(b->types + b->tlen - 2 * sizeof(struct btf_member) - sizeof(struct btf_type) + 4,
	       &(__u32){ INFO(BTF_KIND_UNION, 2, 0) }, 4);
	id->flt = bb_type(b, "double", INFO(BTF_KIND_FLOAT, 0, 0), 8);	/* 23 */
	id->tag = bb_ref(b, BTF_KIND_TYPE_TAG, "user", id->ptr);	/* 24 */
	id->en64 = bb_type(b, "big_enum", INFO(BTF_KIND_ENUM64, 1, 0), 8); /* 25 */
	{
		struct btf_enum64 e = { bb_str(b, "HUGE"), 0xffffffff, 0x1 };

		bb_raw(b, &e, sizeof(e));
	}
	id->decl = bb_ref(b, BTF_KIND_DECL_TAG, "tagged", id->pair);	/* 26 */
	bb_u32(b, (__u32)-1);
	/* u32[0x40000000]: 4 GiB, too large only once the element counts */
	id->huge_arr = bb_array(b, id->u32, id->u32, 0x40000000);	/* 27 */
}

static struct bl_btf *parse_ok(const unsigned char *blob, size_t size, const struct bl_btf *base,
			       const char *what)
{
	struct bl_btf *btf = NULL;
	struct bl_error e = { 0 };
	int err = bl_btf_parse(blob, size, base, what, &btf, &e);

	if (!ok(!err && btf, "%s: parses", what))
		tap_diag("  %d: %s", err, e.msg);
	return err ? NULL : btf;
}

static void test_queries(void)
{
	static unsigned char blob[16384];
	struct bb b;
	struct ids id;
	struct bl_btf *btf;
	const struct btf_type *t;
	__u32 size = 0, rid = 0;
	size_t n;

	build_valid(&b, &id);
	n = bb_blob(&b, blob, sizeof(blob), sizeof(struct btf_header));
	btf = parse_ok(blob, n, NULL, "valid blob");
	if (!btf)
		return;
	memset(blob, 0xee, n);		/* the parser keeps its own copy */
	is_int(bl_btf_type_cnt(btf), 28, "27 types, ids 1..27");
	ok(!bl_btf_type(btf, 0) && !bl_btf_type(btf, 28) && !bl_btf_type(btf, 0xffffffff),
	   "ids 0 (void), 28 and 0xffffffff have no type");
	ok(bl_btf_kind(bl_btf_type(btf, id.un)) == BTF_KIND_UNION &&
	   bl_btf_kind(bl_btf_type(btf, id.en64)) == BTF_KIND_ENUM64 &&
	   bl_btf_kind(bl_btf_type(btf, id.decl)) == BTF_KIND_DECL_TAG &&
	   bl_btf_kind(bl_btf_type(btf, id.tag)) == BTF_KIND_TYPE_TAG &&
	   bl_btf_kind(bl_btf_type(btf, id.flt)) == BTF_KIND_FLOAT,
	   "UNION, FLOAT, TYPE_TAG, ENUM64 and DECL_TAG records are read with their sizes");
	t = bl_btf_type(btf, id.pair);
	ok(t && bl_btf_kind(t) == BTF_KIND_STRUCT && bl_btf_vlen(t) == 2 && t->size == 16 &&
	   !strcmp(bl_btf_name(btf, t), "pair"), "type 3: struct pair, 2 members, 16 bytes");
	is_str(bl_btf_kind_name(BTF_KIND_DATASEC), "DATASEC", "kind name DATASEC");
	is_str(bl_btf_kind_name(31), "UNKNOWN", "kind name of 31: UNKNOWN");
	is_str(bl_btf_name(btf, NULL), "", "name of NULL: \"\"");
	is_str(bl_btf_name(btf, bl_btf_type(btf, id.arr3)), "", "anonymous array: \"\"");
	ok(bl_btf_str(btf, 0) && !*bl_btf_str(btf, 0), "string 0 is \"\"");
	ok(!bl_btf_str(btf, b.slen) && !bl_btf_str(btf, 0xffffffff),
	   "strings past the area are NULL");
	ok(bl_btf_type_mut(btf, id.ds) == bl_btf_type(btf, id.ds) && !bl_btf_type_mut(btf, 0),
	   "type_mut gives the same record");

	/* find */
	is_int(bl_btf_find(btf, "pair", BTF_KIND_STRUCT), id.pair, "find struct pair");
	is_int(bl_btf_find(btf, "pair", BTF_KIND_TYPEDEF), 0, "find typedef pair: none");
	is_int(bl_btf_find(btf, "pair_t", BTF_KIND_TYPEDEF), id.td_pair, "find typedef pair_t");
	is_int(bl_btf_find(btf, "color", BTF_KIND_ENUM), id.en, "find enum color");
	is_int(bl_btf_find(btf, "color", BTF_KIND_TYPEDEF), 21,
	       "find typedef color (same name, other kind)");
	is_int(bl_btf_find(btf, ".data", BTF_KIND_DATASEC), id.ds, "find DATASEC .data");
	is_int(bl_btf_find(btf, "handler", BTF_KIND_FUNC), id.func, "find FUNC handler");
	is_int(bl_btf_find(btf, "nope", BTF_KIND_STRUCT), 0, "find unknown name: 0");
	is_int(bl_btf_find(btf, "", BTF_KIND_ARRAY), 0, "anonymous types are not found");

	/* resolve */
	t = bl_btf_resolve(btf, id.c_td, &rid);
	ok(t && rid == id.pair && bl_btf_kind(t) == BTF_KIND_STRUCT,
	   "resolve const -> typedef -> struct pair (id 3)");
	t = bl_btf_resolve(btf, id.vol_ptr, &rid);
	ok(t && rid == id.ptr && bl_btf_kind(t) == BTF_KIND_PTR,
	   "resolve volatile -> ptr stops at the pointer");
	ok(bl_btf_resolve(btf, id.u32, NULL) == bl_btf_type(btf, id.u32),
	   "resolve of a plain int is itself (NULL res_id is fine)");
	ok(!bl_btf_resolve(btf, id.loop1, &rid), "resolve of a typedef loop: NULL");
	ok(!bl_btf_resolve(btf, 0, NULL), "resolve of void: NULL");

	/* sizes */
#define SIZE_IS(tid, want, what)						\
	do {								\
		size = 0xdead;						\
		ok(!bl_btf_type_size(btf, tid, &size) && size == (want), "size of %s: %u", \
		   what, (__u32)(want));				\
	} while (0)
	SIZE_IS(id.u32, 4, "u32");
	SIZE_IS(id.s64, 8, "s64");
	SIZE_IS(id.pair, 16, "struct pair");
	SIZE_IS(id.arr3, 48, "struct pair[3]");
	SIZE_IS(id.arr2x3, 96, "struct pair[2][3]");
	SIZE_IS(id.td_pair, 16, "typedef pair_t");
	SIZE_IS(id.c_td, 16, "const pair_t");
	SIZE_IS(id.ptr, 8, "a pointer");
	SIZE_IS(id.vol_ptr, 8, "a volatile pointer");
	SIZE_IS(id.en, 4, "enum color");
	SIZE_IS(id.var, 4, "VAR counter (its type)");
	SIZE_IS(id.ds, 4, "DATASEC .data");
	SIZE_IS(id.big_arr, 262144, "u32[65536]");
	SIZE_IS(id.un, 8, "union either");
	SIZE_IS(id.flt, 8, "double");
	SIZE_IS(id.en64, 8, "enum64");
	SIZE_IS(id.tag, 8, "a type-tagged pointer");
#undef SIZE_IS
	is_int(bl_btf_type_size(btf, id.huge_arr, &size), -E2BIG, "size of u32[0x40000000]: E2BIG");
	is_int(bl_btf_type_size(btf, id.decl, &size), -EINVAL, "size of a DECL_TAG: EINVAL");
	is_int(bl_btf_type_size(btf, id.bigger, &size), -E2BIG, "size of u32[65536][65536]: E2BIG");
	is_int(bl_btf_type_size(btf, id.self_arr, &size), -ELOOP,
	       "size of an array of itself: ELOOP");
	is_int(bl_btf_type_size(btf, id.loop1, &size), -EINVAL, "size of a typedef loop: EINVAL");
	is_int(bl_btf_type_size(btf, 0, &size), -EINVAL, "size of void: EINVAL");
	is_int(bl_btf_type_size(btf, id.func, &size), -EINVAL, "size of a FUNC: EINVAL");
	is_int(bl_btf_type_size(btf, id.proto, &size), -EINVAL, "size of a FUNC_PROTO: EINVAL");
	is_int(bl_btf_type_size(btf, id.fwd, &size), -EINVAL, "size of a FWD: EINVAL");
	is_int(bl_btf_type_size(btf, 999, &size), -EINVAL, "size of a missing id: EINVAL");
	{
		size_t rs;
		const unsigned char *raw = bl_btf_raw(btf, &rs);

		ok(raw && rs == n && raw[0] == 0x9f && raw[1] == 0xeb, "raw: the parsed copy");
	}

	/* split BTF: ids and string offsets continue the base */
	{
		static unsigned char sblob[4096];
		struct bb s;
		struct bl_btf *split;
		__u32 sid, arr;
		size_t sn;

		memset(&s, 0, sizeof(s));
		s.slen = 0;
		/* names in split BTF are offsets after the base's strings */
		sid = bb_type(&s, "", INFO(BTF_KIND_STRUCT, 1, 0), 8) + bl_btf_type_cnt(btf) - 1;
		{
			/* a member named by a base string offset: "s64" at 5 */
			struct btf_member bm = { 5, id.ptr, 0 };

			bb_raw(&s, &bm, sizeof(bm));
		}
		arr = bb_array(&s, sid, id.u32, 4) + bl_btf_type_cnt(btf) - 1;
		/* the struct's name: the first own string, after the base's */
		{
			__u32 first = b.slen;

			memcpy(s.types, &first, sizeof(first));
		}
		memcpy(s.strs, "split_s", 8);
		s.slen = 8;
		sn = bb_blob(&s, sblob, sizeof(sblob), sizeof(struct btf_header));
		split = parse_ok(sblob, sn, btf, "split BTF over the valid blob");
		if (split) {
			is_int(bl_btf_type_cnt(split), 30, "split: ids continue at 28, 29");
			ok(bl_btf_type(split, id.pair) == bl_btf_type(btf, id.pair),
			   "split: base ids resolve in the base");
			is_int(bl_btf_find(split, "split_s", BTF_KIND_STRUCT), sid,
			       "split: own name found at base strings + 0");
			is_int(bl_btf_find(split, "pair", BTF_KIND_STRUCT), id.pair,
			       "split: base names found through the base");
			ok(!bl_btf_type_size(split, arr, &size) && size == 32,
			   "split: size of split_s[4] is 32");
			ok(!bl_btf_type_mut(split, id.pair), "split: base types are not mutable");
			bl_btf_free(split);
		}
	}
	bl_btf_free(btf);
	bl_btf_free(NULL);
	ok(1, "bl_btf_free(NULL) is fine");
}

/* ---- broken blobs ----------------------------------------------------------------- */

struct btf_case {
	const char *name;
	int err;
	const char *words[3];
};

static void expect_btf_fail(const struct btf_case *c, const unsigned char *blob, size_t size)
{
	struct bl_btf *btf = (struct bl_btf *)&btf;	/* must become NULL */
	struct bl_error e = { 0 };
	int err = bl_btf_parse(blob, size, NULL, ".BTF", &btf, &e);
	bool good = err == c->err && e.err == c->err && !btf;

	for (size_t i = 0; i < ARRAY_SIZE(c->words) && c->words[i]; i++)
		good = good && strstr(e.msg, c->words[i]);
	ok(good, "%s: %.60s", c->name, e.msg);
	if (!good) {
		tap_diag("  got %d (%s), expected %d, words:", err, e.msg, c->err);
		for (size_t i = 0; i < ARRAY_SIZE(c->words) && c->words[i]; i++)
			tap_diag("    '%s'", c->words[i]);
	}
	if (!err)
		bl_btf_free(btf);
}

static unsigned char good_blob[16384];
static size_t good_size;
static struct bb good_bb;
static struct ids good_ids;

/* A fresh copy of the valid blob in buf. */
static size_t fresh(unsigned char *buf)
{
	memcpy(buf, good_blob, good_size);
	return good_size;
}

/* Where type id's record starts in the blob (24-byte header). */
static size_t type_at(__u32 id)
{
	struct bl_btf *btf;
	struct bl_error e;
	size_t off;

	if (bl_btf_parse(good_blob, good_size, NULL, "good", &btf, &e))
		tap_bail("valid blob: %s", e.msg);
	off = (const unsigned char *)bl_btf_type(btf, id) - btf->data;
	bl_btf_free(btf);
	return off;
}

static void patch32(unsigned char *buf, size_t off, __u32 v)
{
	memcpy(buf + off, &v, sizeof(v));
}

/* One blob with a single type record (built by fn) and strings. */
static size_t one_type(unsigned char *buf, void (*fn)(struct bb *b))
{
	struct bb b;

	bb_init(&b);
	fn(&b);
	return bb_blob(&b, buf, sizeof(good_blob), sizeof(struct btf_header));
}

static void t_unknown_kind(struct bb *b)
{
	bb_type(b, "x", INFO(20, 0, 0), 4);
	bb_type(b, "y", INFO(31, 0, 0), 4);
}

static void t_vlen_past(struct bb *b)
{
	bb_int(b, "int", 4, true);
	bb_type(b, "huge", INFO(BTF_KIND_STRUCT, 0xffff, 0), 8);
	bb_u32(b, 0);
	bb_u32(b, 1);
	bb_u32(b, 0);
}

static void t_enum_vlen_past(struct bb *b)
{
	bb_type(b, "e", INFO(BTF_KIND_ENUM, 2, 0), 4);
	bb_u32(b, 0);
	bb_u32(b, 0);
}

static void t_int_short(struct bb *b)
{
	bb_type(b, "int", INFO(BTF_KIND_INT, 0, 0), 4);	/* no encoding word */
}

static void t_member_past(struct bb *b)
{
	struct mem m[2] = { { "a", 1, 0 }, { "b", 7, 32 } };

	bb_int(b, "int", 4, true);
	bb_struct(b, "s", 8, m, 2);
}

static void t_member_name(struct bb *b)
{
	struct mem m = { "a", 1, 0 };
	__u32 id;

	bb_int(b, "int", 4, true);
	id = bb_struct(b, "s", 4, &m, 1);
	(void)id;
	/* the member's name_off, just after the 12-byte struct header */
	patch32(b->types, 16 + 12, 0x7777);
}

static void t_array_elem(struct bb *b)
{
	bb_int(b, "int", 4, true);
	bb_array(b, 9, 1, 4);
}

static void t_array_index(struct bb *b)
{
	bb_int(b, "int", 4, true);
	bb_array(b, 1, 9, 4);
}

static void t_proto_param(struct bb *b)
{
	__u32 p[2] = { 1, 5 };

	bb_int(b, "int", 4, true);
	bb_proto(b, 1, p, 2);
}

static void t_proto_ret(struct bb *b)
{
	bb_int(b, "int", 4, true);
	bb_proto(b, 3, NULL, 0);
}

static void t_datasec_var(struct bb *b)
{
	struct btf_var_secinfo vs[2] = { { 2, 0, 4 }, { 6, 4, 4 } };

	bb_int(b, "int", 4, true);
	bb_var(b, "v", 1);
	bb_datasec(b, ".data", 8, vs, 2);
}

static void t_ptr_target(struct bb *b)
{
	bb_ref(b, BTF_KIND_PTR, "", 2);
}

static void t_typedef_target(struct bb *b)
{
	bb_int(b, "int", 4, true);
	bb_ref(b, BTF_KIND_TYPEDEF, "t", 0x10000);
}

static void t_var_target(struct bb *b)
{
	bb_var(b, "v", 0xffffffff);
}

static void t_param_name(struct bb *b)
{
	__u32 p = 1;

	bb_int(b, "int", 4, true);
	bb_proto(b, 1, &p, 1);
	/* the param's name_off, after int (16) and the proto header (12) */
	patch32(b->types, 16 + 12, 0x5555);
}

static void t_enum_name(struct bb *b)
{
	static const char *const v[] = { "A" };

	bb_enum(b, "e", v, 1);
	patch32(b->types, 12, 0x4444);
}

static void test_broken_btf(void)
{
	static unsigned char buf[16384 + 64];
	size_t n;
	__u32 v;

	build_valid(&good_bb, &good_ids);
	good_size = bb_blob(&good_bb, good_blob, sizeof(good_blob), sizeof(struct btf_header));

	{
		const struct btf_case c = { "empty blob", -EINVAL,
					    { ".BTF: 0 bytes is too short for the BTF header" } };

		expect_btf_fail(&c, good_blob, 0);
	}
	{
		const struct btf_case c = { "23 bytes", -EINVAL,
					    { "23 bytes is too short", "(24)" } };

		expect_btf_fail(&c, good_blob, 23);
	}
	{
		const struct btf_case c = { "bad magic", -EINVAL,
					    { ".BTF offset 0", "bad BTF magic 0x9feb", "0xeb9f" } };

		n = fresh(buf);
		buf[0] = 0xeb;
		buf[1] = 0x9f;
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "bad version", -EINVAL,
					    { ".BTF offset 2", "BTF version 2, only 1" } };

		n = fresh(buf);
		buf[2] = 2;
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "hdr_len too small", -EINVAL,
					    { ".BTF offset 4", "header length 20 outside [24," } };

		n = fresh(buf);
		hdr(buf)->hdr_len = 20;
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "hdr_len past the end", -EINVAL,
					    { ".BTF offset 4", "header length 100000 outside" } };

		n = fresh(buf);
		hdr(buf)->hdr_len = 100000;
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "non-zero unknown header tail", -E2BIG,
					    { ".BTF offset 0x1d", "unknown non-zero BTF header" } };
		struct bl_btf *btf;
		struct bl_error e;

		n = bb_blob(&good_bb, buf, sizeof(buf), 32);
		ok(!bl_btf_parse(buf, n, NULL, ".BTF", &btf, &e) && bl_btf_type_cnt(btf) == 28,
		   "32-byte header with a zero tail: parses");
		bl_btf_free(btf);
		buf[29] = 1;
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "type area past the end", -EINVAL,
					    { ".BTF offset 8", "type area", "runs past the end" } };

		n = fresh(buf);
		hdr(buf)->type_len = n - 24 + 1;
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "type area offset near 4 GiB", -EINVAL,
					    { ".BTF offset 8", "runs past the end" } };

		n = fresh(buf);
		hdr(buf)->type_off = 0xfffffff0;
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "string area past the end", -EINVAL,
					    { ".BTF offset 8", "string area",
					      "runs past the end" } };

		n = fresh(buf);
		hdr(buf)->str_len = 0xffffffff;
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "misaligned type_off", -EINVAL,
					    { ".BTF offset 8", "type area offset 2 is not 4-byte"
					      " aligned" } };

		n = fresh(buf);
		hdr(buf)->type_off = 2;
		hdr(buf)->type_len -= 4;
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "empty string area", -EINVAL,
					    { ".BTF: empty string area" } };

		n = fresh(buf);
		hdr(buf)->str_len = 0;
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "string area not starting with \"\"", -EINVAL,
					    { "string area must start with \"\"" } };

		n = fresh(buf);
		buf[24 + good_bb.tlen] = 'x';
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "string area not NUL-terminated", -EINVAL,
					    { "string area is not NUL-terminated" } };

		n = fresh(buf);
		buf[n - 1] = 'x';
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "truncated type record", -EINVAL,
					    { ".BTF offset 0x18", "truncated type record" } };

		n = fresh(buf);
		hdr(buf)->type_len = 8;
		expect_btf_fail(&c, buf, n);
	}
	{
		char at[32];
		const struct btf_case c = { "truncated last record", -EINVAL,
					    { at, "type 27 (ARRAY) extends past the type area" } };

		snprintf(at, sizeof(at), ".BTF offset %#zx:", type_at(27));
		n = fresh(buf);
		hdr(buf)->type_len -= 4;
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "int without its encoding word", -EINVAL,
					    { ".BTF offset 0x18",
					      "type 1 (INT) extends past the type area" } };

		n = one_type(buf, t_int_short);
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "unknown kind 20", -EINVAL,
					    { ".BTF offset 0x18", "type 1 has unknown kind 20" } };

		n = one_type(buf, t_unknown_kind);
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "struct vlen 0xffff runs past the area", -EINVAL,
					    { ".BTF offset 0x28", "type 2 (STRUCT) extends past the"
					      " type area" } };

		n = one_type(buf, t_vlen_past);
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "enum vlen past the area", -EINVAL,
					    { "type 1 (ENUM) extends past the type area" } };

		n = one_type(buf, t_enum_vlen_past);
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "vlen 0xffff of a DATASEC", -EINVAL,
					    { "type 13 (DATASEC) extends past the type area" } };
		size_t at = type_at(good_ids.ds);

		n = fresh(buf);
		memcpy(&v, buf + at + 4, 4);
		v |= 0xffff;
		memcpy(buf + at + 4, &v, 4);
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "type name offset outside the strings", -EINVAL,
					    { ".BTF: type 3 has name offset 4096 outside the string"
					      " area" } };

		n = fresh(buf);
		patch32(buf, type_at(good_ids.pair), 4096);
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "member name offset outside the strings", -EINVAL,
					    { "type 2 has name offset 30583 outside" } };

		n = one_type(buf, t_member_name);
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "param name offset outside the strings", -EINVAL,
					    { "type 2 has name offset 21845 outside" } };

		n = one_type(buf, t_param_name);
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "enum value name outside the strings", -EINVAL,
					    { "type 1 has name offset 17476 outside" } };

		n = one_type(buf, t_enum_name);
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "member type past the last type", -EINVAL,
					    { ".BTF: type 2 refers to type 7 in a member, but"
					      " only 2 types exist" } };

		n = one_type(buf, t_member_past);
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "array element past the last type", -EINVAL,
					    { "type 2 refers to type 9 in the element type" } };

		n = one_type(buf, t_array_elem);
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "array index type past the last type", -EINVAL,
					    { "type 2 refers to type 9 in the index type" } };

		n = one_type(buf, t_array_index);
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "func_proto param past the last type", -EINVAL,
					    { "type 2 refers to type 5 in a parameter" } };

		n = one_type(buf, t_proto_param);
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "func_proto return type past the last type", -EINVAL,
					    { "type 2 refers to type 3 in the return type" } };

		n = one_type(buf, t_proto_ret);
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "datasec var past the last type", -EINVAL,
					    { "type 3 refers to type 6 in a section variable" } };

		n = one_type(buf, t_datasec_var);
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "pointer target past the last type", -EINVAL,
					    { "type 1 refers to type 2 in its type, but only 1"
					      " types exist" } };

		n = one_type(buf, t_ptr_target);
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "typedef target 0x10000", -EINVAL,
					    { "type 2 refers to type 65536 in its type" } };

		n = one_type(buf, t_typedef_target);
		expect_btf_fail(&c, buf, n);
	}
	{
		const struct btf_case c = { "var type 0xffffffff", -EINVAL,
					    { "type 1 refers to type 4294967295 in its type" } };

		n = one_type(buf, t_var_target);
		expect_btf_fail(&c, buf, n);
	}
	{
		/* 0 types: a blob of only a header and "" is valid */
		struct bb b;
		struct bl_btf *btf = NULL;
		struct bl_error e;

		bb_init(&b);
		n = bb_blob(&b, buf, sizeof(buf), sizeof(struct btf_header));
		ok(!bl_btf_parse(buf, n, NULL, ".BTF", &btf, &e) && bl_btf_type_cnt(btf) == 1 &&
		   !bl_btf_find(btf, "x", BTF_KIND_INT), "no types at all: parses, finds nothing");
		bl_btf_free(btf);
	}
}

/* hdr_len 26 puts every type record at a 2-byte boundary */
static unsigned char odd_blob[16384];
static size_t odd_size;

static int parse_odd(void *arg)
{
	struct bl_btf *btf = NULL;
	struct bl_error e;
	int err = bl_btf_parse(odd_blob, odd_size, NULL, ".BTF", &btf, &e);

	(void)arg;
	bl_btf_free(btf);
	return err == 0 || err == -EINVAL ? 0 : 1;
}

static void test_misaligned(void)
{
	odd_size = bb_blob(&good_bb, odd_blob, sizeof(odd_blob), 26);
	ok_isolated(parse_odd, NULL, "hdr_len 26 (types at a 2-byte boundary): parsed or refused,"
		    " no undefined behaviour");
}

/* ---- .BTF.ext ------------------------------------------------------------------------ */

struct ext_hdr {
	__u16 magic;
	__u8 version;
	__u8 flags;
	__u32 hdr_len;
	__u32 func_info_off, func_info_len;
	__u32 line_info_off, line_info_len;
	__u32 core_relo_off, core_relo_len;
};

/* A valid .BTF.ext for the valid BTF: func_info (2 records for ".data"
 * as the section name, any string of .BTF will do) and line_info. */
static size_t build_ext(unsigned char *buf, __u32 hdr_len, __u32 sec_name_off)
{
	struct ext_hdr h = { 0xeB9F, 1, 0, hdr_len, 0, 0, 0, 0, 0, 0 };
	__u32 fi[2 + 1 + 2 * 2] = { 8, sec_name_off, 2, 0, 11, 16, 11 };
	__u32 li[1 + 2 + 4] = { 16, sec_name_off, 1, 0, 1, 0, 7 << 10 };
	size_t n = hdr_len;

	h.func_info_off = 0;
	h.func_info_len = sizeof(fi);
	h.line_info_off = sizeof(fi);
	h.line_info_len = sizeof(li);
	memset(buf, 0, hdr_len);
	memcpy(buf, &h, hdr_len < sizeof(h) ? hdr_len : sizeof(h));
	memcpy(buf + n, fi, sizeof(fi));
	n += sizeof(fi);
	memcpy(buf + n, li, sizeof(li));
	n += sizeof(li);
	return n;
}

static struct ext_hdr *xhdr(unsigned char *buf)
{
	return (struct ext_hdr *)buf;
}

static void expect_ext_fail(const struct bl_btf *btf, const char *name, unsigned char *buf,
			    size_t n, const char *w1, const char *w2)
{
	struct bl_btf_ext *ext = (struct bl_btf_ext *)&ext;
	struct bl_error e = { 0 };
	int err = bl_btf_ext_parse(buf, n, btf, &ext, &e);
	bool good = err == -EINVAL && e.err == -EINVAL && !ext && strstr(e.msg, w1) &&
		    (!w2 || strstr(e.msg, w2));

	ok(good, "%s: %.60s", name, e.msg);
	if (!good)
		tap_diag("  got %d (%s), expected words '%s' '%s'", err, e.msg, w1, w2 ? w2 : "");
	if (!err)
		bl_btf_ext_free(ext);
}

static void test_btf_ext(void)
{
	static unsigned char buf[4096];
	struct bl_btf *btf;
	struct bl_btf_ext *ext;
	struct bl_error e;
	__u32 ds_name;
	size_t n;

	good_size = bb_blob(&good_bb, good_blob, sizeof(good_blob), sizeof(struct btf_header));
	if (bl_btf_parse(good_blob, good_size, NULL, ".BTF", &btf, &e))
		tap_bail("valid blob: %s", e.msg);
	ds_name = bl_btf_type(btf, good_ids.ds)->name_off;

	/* valid, with a 32-byte header and with the 24-byte one */
	n = build_ext(buf, 32, ds_name);
	if (ok(!bl_btf_ext_parse(buf, n, btf, &ext, &e), ".BTF.ext, 32-byte header: parses")) {
		const struct bl_ext_sec *s = bl_ext_find(&ext->func_info, ".data");

		ok(ext->func_info.nr_secs == 1 && ext->func_info.rec_size == 8 && s &&
		   s->nr == 2 && s->rec_size == 8 && !strcmp(s->sec_name, ".data"),
		   ".BTF.ext: func_info: one block for '.data', 2 records of 8 bytes");
		s = bl_ext_find(&ext->line_info, ".data");
		ok(ext->line_info.nr_secs == 1 && ext->line_info.rec_size == 16 && s && s->nr == 1,
		   ".BTF.ext: line_info: one block, 1 record of 16 bytes");
		ok(ext->core_relo.nr_secs == 0 && !bl_ext_find(&ext->func_info, ".text"),
		   ".BTF.ext: no core_relo; no block for '.text'");
		memset(buf, 0, n);
		if (s)
			memcpy(&ds_name, s->recs + 12, sizeof(ds_name));
		ok(s && ds_name == 7 << 10, ".BTF.ext: records point into the parser's own copy");
		ds_name = bl_btf_type(btf, good_ids.ds)->name_off;
		bl_btf_ext_free(ext);
	}
	n = build_ext(buf, 24, ds_name);
	ok(!bl_btf_ext_parse(buf, n, btf, &ext, &e) && ext->func_info.nr_secs == 1,
	   ".BTF.ext, 24-byte header (no core_relo): parses");
	bl_btf_ext_free(ext);
	bl_btf_ext_free(NULL);

	n = build_ext(buf, 32, ds_name);
	expect_ext_fail(btf, ".BTF.ext: 23 bytes", buf, 23, ".BTF.ext: 23 bytes is too short",
			NULL);
	xhdr(buf)->magic = 0x9feb;
	expect_ext_fail(btf, ".BTF.ext: bad magic", buf, n, ".BTF.ext offset 0",
			"bad magic 0x9feb or version 1");
	n = build_ext(buf, 32, ds_name);
	xhdr(buf)->version = 2;
	expect_ext_fail(btf, ".BTF.ext: bad version", buf, n, ".BTF.ext offset 0", "version 2");
	n = build_ext(buf, 32, ds_name);
	xhdr(buf)->hdr_len = 20;
	expect_ext_fail(btf, ".BTF.ext: hdr_len too small", buf, n, ".BTF.ext offset 4",
			"header length 20 outside [24,");
	n = build_ext(buf, 32, ds_name);
	xhdr(buf)->hdr_len = 5000;
	expect_ext_fail(btf, ".BTF.ext: hdr_len past the end", buf, n, ".BTF.ext offset 4",
			"header length 5000 outside");
	n = build_ext(buf, 32, ds_name);
	xhdr(buf)->func_info_len = 4000;
	expect_ext_fail(btf, ".BTF.ext: func_info table past the end", buf, n,
			".BTF.ext offset 0x20", "func_info table (4000 bytes) runs past the end");
	n = build_ext(buf, 32, ds_name);
	xhdr(buf)->line_info_off = 0xffffffff;
	expect_ext_fail(btf, ".BTF.ext: line_info offset near 4 GiB", buf, n, "line_info table",
			"runs past the end");
	n = build_ext(buf, 32, ds_name);
	xhdr(buf)->func_info_off = 2;
	xhdr(buf)->func_info_len = 4;
	expect_ext_fail(btf, ".BTF.ext: misaligned func_info", buf, n, ".BTF.ext offset 0x22",
			"func_info table is misaligned or has no record size");
	n = build_ext(buf, 32, ds_name);
	xhdr(buf)->func_info_len = 2;
	expect_ext_fail(btf, ".BTF.ext: func_info without a record size", buf, n,
			"func_info table is misaligned or has no record size", NULL);
	n = build_ext(buf, 32, ds_name);
	patch32(buf, 32, 4);
	expect_ext_fail(btf, ".BTF.ext: func_info rec_size 4", buf, n,
			"func_info record size 4 (expected at least 8", NULL);
	n = build_ext(buf, 32, ds_name);
	patch32(buf, 32, 10);
	expect_ext_fail(btf, ".BTF.ext: func_info rec_size 10", buf, n,
			"func_info record size 10", "multiple of 4");
	n = build_ext(buf, 32, ds_name);
	patch32(buf, 32 + 28, 8);
	expect_ext_fail(btf, ".BTF.ext: line_info rec_size 8", buf, n, ".BTF.ext offset 0x3c",
			"line_info record size 8 (expected at least 16");
	n = build_ext(buf, 32, ds_name);
	patch32(buf, 32, 2048);
	expect_ext_fail(btf, ".BTF.ext: func_info rec_size 2048", buf, n,
			"func_info record size 2048", NULL);
	n = build_ext(buf, 32, ds_name);
	xhdr(buf)->func_info_len = 8;
	expect_ext_fail(btf, ".BTF.ext: truncated block header", buf, n, ".BTF.ext offset 0x24",
			"truncated func_info block header");
	n = build_ext(buf, 32, ds_name);
	patch32(buf, 36, 9999);
	expect_ext_fail(btf, ".BTF.ext: block name outside the strings", buf, n,
			".BTF.ext offset 0x24", "string offset 9999, outside .BTF's strings");
	n = build_ext(buf, 32, ds_name);
	patch32(buf, 36, 0);
	expect_ext_fail(btf, ".BTF.ext: block name \"\"", buf, n,
			"block names section at string offset 0", NULL);
	n = build_ext(buf, 32, ds_name);
	patch32(buf, 40, 0xffffffff);
	expect_ext_fail(btf, ".BTF.ext: num_info 0xffffffff", buf, n, ".BTF.ext offset 0x24",
			"has 4294967295 records of 8 bytes, more than the table holds");
	n = build_ext(buf, 32, ds_name);
	patch32(buf, 40, 3);
	expect_ext_fail(btf, ".BTF.ext: num_info one too many", buf, n,
			"func_info block for '.data' has 3 records", NULL);
	n = build_ext(buf, 32, ds_name);
	patch32(buf, 40, 0);
	expect_ext_fail(btf, ".BTF.ext: num_info 0", buf, n,
			"func_info block for '.data' has no records", NULL);
	n = build_ext(buf, 32, ds_name);
	xhdr(buf)->core_relo_off = 0;
	xhdr(buf)->core_relo_len = 28;		/* the func_info table: records of 8 bytes */
	expect_ext_fail(btf, ".BTF.ext: core_relo rec_size 8", buf, n,
			"core_relo record size 8 (expected at least 16", NULL);
	/* 65537 blocks of one record each: more than the parser takes */
	{
		size_t nb = 65537, sz = 32 + 4 + nb * 16;
		unsigned char *big = calloc(1, sz);
		struct ext_hdr h = { 0xeB9F, 1, 0, 32, 0, 4 + nb * 16, 0, 0, 0, 0 };
		int err;

		if (!big)
			tap_bail("out of memory");
		memcpy(big, &h, sizeof(h));
		patch32(big, 32, 8);
		for (size_t i = 0; i < nb; i++) {
			patch32(big, 36 + i * 16, ds_name);
			patch32(big, 36 + i * 16 + 4, 1);
		}
		ext = (struct bl_btf_ext *)&ext;
		err = bl_btf_ext_parse(big, sz, btf, &ext, &e);
		ok(err && !ext && strstr(e.msg, "more than 65536 func_info blocks"),
		   ".BTF.ext: 65537 func_info blocks: %.60s", e.msg);
		is_int(err, -E2BIG, ".BTF.ext: too many blocks is E2BIG");
		free(big);
	}
	bl_btf_free(btf);
}

int main(void)
{
	test_queries();
	test_broken_btf();
	test_misaligned();
	test_btf_ext();
	return tap_done();
}
