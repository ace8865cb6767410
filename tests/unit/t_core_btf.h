/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * t_core_btf.h - build small BTF blobs by hand, for the CO-RE unit tests.
 *
 *	struct bb b;
 *	bb_init(&b);
 *	__u32 i32 = bb_int(&b, "int", 4, true);
 *	__u32 foo = bb_struct(&b, "foo", 8, 2);	(then exactly 2 members)
 *	bb_member(&b, "a", i32, 0, 0);
 *	bb_member(&b, "b", i32, 32, 0);
 *	struct bl_btf *btf = bb_parse(&b);		(checked by bl_btf_parse)
 *
 * Ids are handed out in order from 1.  Member bit offsets with a
 * bitfield size use the kflag encoding (size << 24 | offset).
 */
#ifndef BPFLOAD_TESTS_UNIT_T_CORE_BTF_H
#define BPFLOAD_TESTS_UNIT_T_CORE_BTF_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <linux/btf.h>

#include "object/btf.h"
#include "tap.h"

/* The encodings of struct btf_type's info and of an INT's data word. */
#define BB_INFO(kind, kflag, vlen)	((__u32)!!(kflag) << 31 | (__u32)(kind) << 24 | (vlen))
#define BB_INT(enc, off, bits)		((__u32)(enc) << 24 | (__u32)(off) << 16 | (bits))

struct bb {
	unsigned char *types;
	size_t tlen;
	char *strs;
	size_t slen;
	__u32 nr;
	__u32 id_base;			/* split BTF: the base's type count - 1 */
	__u32 str_base;			/* split BTF: the base's string bytes */
};

static inline void bb_init(struct bb *b)
{
	memset(b, 0, sizeof(*b));
	b->strs = calloc(1, 1);
	b->slen = 1;
	if (!b->strs)
		tap_bail("out of memory");
}

/* Split BTF over base (a module over vmlinux): ids and string offsets
 * continue the base's. */
static inline void bb_init_split(struct bb *b, const struct bl_btf *base)
{
	bb_init(b);
	b->id_base = bl_btf_type_cnt(base) - 1;
	b->str_base = base->str_start + base->strs_len;
}

static inline void bb_free(struct bb *b)
{
	free(b->types);
	free(b->strs);
	memset(b, 0, sizeof(*b));
}

/* The offset of s in the string area (added each time; "" is 0). */
static inline __u32 bb_str(struct bb *b, const char *s)
{
	size_t n = strlen(s) + 1;
	__u32 off = b->slen;

	if (!*s)
		return 0;
	b->strs = realloc(b->strs, b->slen + n);
	if (!b->strs)
		tap_bail("out of memory");
	memcpy(b->strs + b->slen, s, n);
	b->slen += n;
	return b->str_base + off;
}

static inline void bb_raw(struct bb *b, const void *p, size_t n)
{
	b->types = realloc(b->types, b->tlen + n);
	if (!b->types)
		tap_bail("out of memory");
	memcpy(b->types + b->tlen, p, n);
	b->tlen += n;
}

static inline __u32 bb_type(struct bb *b, const char *name, __u32 kind, __u32 vlen, bool kflag,
			    __u32 size_or_type)
{
	struct btf_type t = {
		.name_off = bb_str(b, name),
		.info = BB_INFO(kind, kflag, vlen),
		.size = size_or_type,
	};

	bb_raw(b, &t, sizeof(t));
	return b->id_base + ++b->nr;
}

static inline __u32 bb_int(struct bb *b, const char *name, __u32 size, bool is_signed)
{
	__u32 id = bb_type(b, name, BTF_KIND_INT, 0, false, size);
	__u32 data = BB_INT(is_signed ? BTF_INT_SIGNED : 0, 0, size * 8);

	bb_raw(b, &data, sizeof(data));
	return id;
}

/* An old-style bitfield integer: bits at offset inside the int. */
static inline __u32 bb_int_bits(struct bb *b, const char *name, __u32 size, __u32 offset,
				__u32 bits)
{
	__u32 id = bb_type(b, name, BTF_KIND_INT, 0, false, size);
	__u32 data = BB_INT(0, offset, bits);

	bb_raw(b, &data, sizeof(data));
	return id;
}

static inline __u32 bb_float(struct bb *b, const char *name, __u32 size)
{
	return bb_type(b, name, BTF_KIND_FLOAT, 0, false, size);
}

static inline __u32 bb_ptr(struct bb *b, __u32 type)
{
	return bb_type(b, "", BTF_KIND_PTR, 0, false, type);
}

static inline __u32 bb_typedef(struct bb *b, const char *name, __u32 type)
{
	return bb_type(b, name, BTF_KIND_TYPEDEF, 0, false, type);
}

static inline __u32 bb_const(struct bb *b, __u32 type)
{
	return bb_type(b, "", BTF_KIND_CONST, 0, false, type);
}

static inline __u32 bb_volatile(struct bb *b, __u32 type)
{
	return bb_type(b, "", BTF_KIND_VOLATILE, 0, false, type);
}

static inline __u32 bb_fwd(struct bb *b, const char *name, bool is_union)
{
	return bb_type(b, name, BTF_KIND_FWD, 0, is_union, 0);
}

static inline __u32 bb_array(struct bb *b, __u32 elem, __u32 index_type, __u32 nelems)
{
	__u32 id = bb_type(b, "", BTF_KIND_ARRAY, 0, false, 0);
	struct btf_array a = { .type = elem, .index_type = index_type, .nelems = nelems };

	bb_raw(b, &a, sizeof(a));
	return id;
}

/* A struct (or union) of vlen members: call bb_member() vlen times. */
static inline __u32 bb_struct(struct bb *b, const char *name, __u32 size, __u32 vlen)
{
	return bb_type(b, name, BTF_KIND_STRUCT, vlen, true, size);
}

static inline __u32 bb_union(struct bb *b, const char *name, __u32 size, __u32 vlen)
{
	return bb_type(b, name, BTF_KIND_UNION, vlen, true, size);
}

static inline void bb_member(struct bb *b, const char *name, __u32 type, __u32 bit_off,
			     __u32 bitfield)
{
	struct btf_member m = {
		.name_off = bb_str(b, name), .type = type, .offset = bitfield << 24 | bit_off,
	};

	bb_raw(b, &m, sizeof(m));
}

static inline __u32 bb_enum(struct bb *b, const char *name, __u32 size, __u32 vlen,
			    bool is_signed)
{
	return bb_type(b, name, BTF_KIND_ENUM, vlen, is_signed, size);
}

static inline void bb_enumval(struct bb *b, const char *name, __s32 val)
{
	struct btf_enum e = { .name_off = bb_str(b, name), .val = val };

	bb_raw(b, &e, sizeof(e));
}

static inline __u32 bb_enum64(struct bb *b, const char *name, __u32 size, __u32 vlen,
			      bool is_signed)
{
	return bb_type(b, name, BTF_KIND_ENUM64, vlen, is_signed, size);
}

static inline void bb_enum64val(struct bb *b, const char *name, __u64 val)
{
	struct btf_enum64 e = {
		.name_off = bb_str(b, name), .val_lo32 = (__u32)val, .val_hi32 = val >> 32,
	};

	bb_raw(b, &e, sizeof(e));
}

static inline __u32 bb_proto(struct bb *b, __u32 ret, __u32 vlen)
{
	return bb_type(b, "", BTF_KIND_FUNC_PROTO, vlen, false, ret);
}

static inline void bb_param(struct bb *b, const char *name, __u32 type)
{
	struct btf_param p = { .name_off = bb_str(b, name), .type = type };

	bb_raw(b, &p, sizeof(p));
}

/* The raw blob (malloc'ed): header, types, strings. */
static inline void *bb_blob(struct bb *b, size_t *size)
{
	struct btf_header h = {
		.magic = 0xeB9F, .version = 1, .hdr_len = sizeof(h),
		.type_off = 0, .type_len = b->tlen, .str_off = b->tlen, .str_len = b->slen,
	};
	unsigned char *p;

	*size = sizeof(h) + b->tlen + b->slen;
	p = malloc(*size);
	if (!p)
		tap_bail("out of memory");
	memcpy(p, &h, sizeof(h));
	if (b->tlen)
		memcpy(p + sizeof(h), b->types, b->tlen);
	memcpy(p + sizeof(h) + b->tlen, b->strs, b->slen);
	return p;
}

/* Parse with bpfload's reader; bails out when it refuses. */
static inline struct bl_btf *bb_parse_split(struct bb *b, const struct bl_btf *base)
{
	struct bl_error e = { 0 };
	struct bl_btf *btf;
	size_t size;
	void *blob = bb_blob(b, &size);

	if (bl_btf_parse(blob, size, base, "test BTF", &btf, &e))
		tap_bail("hand-made BTF refused: %s", e.msg);
	free(blob);
	return btf;
}

static inline struct bl_btf *bb_parse(struct bb *b)
{
	return bb_parse_split(b, NULL);
}

#endif /* BPFLOAD_TESTS_UNIT_T_CORE_BTF_H */
