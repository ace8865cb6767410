// SPDX-License-Identifier: BSD-2-Clause
/*
 * btf_fmt.c - print bytes as the BTF type they hold (see btf_fmt.h).
 *
 * One walker serves both outputs: it follows the type and calls the
 * writer for each scalar and for each container's edges; the writer
 * writes C-like text to a FILE or values to the JSON writer.  Every read
 * is checked against the bytes available, and nesting is bounded, so a
 * hostile object's BTF cannot make us read out of bounds or recurse
 * without end (the BTF reader has checked every record already).
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/btf_fmt.h"
#include "object/btf.h"
#include "object/object.h"

#define MAX_DEPTH 32

const struct bl_btf *btf_fmt_object_btf(const struct bl_object *obj)
{
	return obj ? obj->btf : NULL;
}

int btf_fmt_size(const struct bl_btf *btf, __u32 id, __u32 *size)
{
	if (!btf || !id)
		return -EINVAL;
	return bl_btf_type_size(btf, id, size);
}

/* ---- the writer ------------------------------------------------------------------- */

struct fmt {
	const struct bl_btf *btf;
	FILE *f;			/* text, or ... */
	struct json *j;			/* ... JSON */
	bool first;			/* text: no ", " before the next item */
};

/* Before an item of a container (text: the separator). */
static void item(struct fmt *o)
{
	if (o->f && !o->first)
		fputs(", ", o->f);
	o->first = false;
}

static void member_name(struct fmt *o, const char *name)
{
	item(o);
	if (o->j)
		json_key(o->j, name);
	else
		fprintf(o->f, "%s=", name);
}

static void open_box(struct fmt *o, bool array)
{
	if (o->j) {
		if (array)
			json_array_begin(o->j);
		else
			json_object_begin(o->j);
	} else {
		fputc(array ? '[' : '{', o->f);
	}
	o->first = true;
}

static void close_box(struct fmt *o, bool array)
{
	if (o->j) {
		if (array)
			json_array_end(o->j);
		else
			json_object_end(o->j);
	} else {
		fputc(array ? ']' : '}', o->f);
	}
	o->first = false;
}

static void put_u64(struct fmt *o, __u64 v)
{
	if (o->j)
		json_u64(o->j, v);
	else
		fprintf(o->f, "%" PRIu64, (uint64_t)v);
}

static void put_s64(struct fmt *o, __s64 v)
{
	if (o->j)
		json_s64(o->j, v);
	else
		fprintf(o->f, "%" PRId64, (int64_t)v);
}

static void put_bool(struct fmt *o, bool v)
{
	if (o->j)
		json_bool(o->j, v);
	else
		fputs(v ? "true" : "false", o->f);
}

/* A name that stands for itself (an enumerator): bare in text. */
static void put_word(struct fmt *o, const char *s)
{
	if (!s)
		s = "?";
	if (o->j)
		json_string(o->j, s);
	else
		fputs(s, o->f);
}

/* Bytes as one hex number, most significant first: "0x..." */
static void put_hex_number(struct fmt *o, const unsigned char *p, size_t n)
{
	char buf[2 + 2 * 64 + 1], *q = buf;
	size_t i = n;

	if (!n) {
		put_word(o, "0x0");
		return;
	}
	if (n > 64)
		n = i = 64;
	*q++ = '0';
	*q++ = 'x';
	while (i > 1 && !p[i - 1])
		i--;		/* no leading zeros */
	q += sprintf(q, "%x", p[--i]);
	while (i--)
		q += sprintf(q, "%02x", p[i]);
	*q = '\0';
	if (o->j)
		json_string(o->j, buf);
	else
		fputs(buf, o->f);
}

static void put_float(struct fmt *o, double v)
{
	char buf[64];

	if (!isfinite(v)) {
		if (o->j)
			json_null(o->j);
		else
			fprintf(o->f, "%g", v);
		return;
	}
	snprintf(buf, sizeof(buf), "%.9g", v);
	if (o->j)
		json_raw(o->j, buf, strlen(buf));
	else
		fputs(buf, o->f);
}

/* A C string literal in text; a JSON string. */
static void put_string(struct fmt *o, const unsigned char *s, size_t n)
{
	if (o->j) {
		json_string_len(o->j, (const char *)s, n);
		return;
	}
	fputc('"', o->f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			fprintf(o->f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", o->f);
		else if (c == '\t')
			fputs("\\t", o->f);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(o->f, "\\x%02x", c);
		else
			fputc(c, o->f);
	}
	fputc('"', o->f);
}

/* Something we cannot show: <what> in text, null in JSON. */
static void put_missing(struct fmt *o, const char *what)
{
	if (o->j)
		json_null(o->j);
	else
		fprintf(o->f, "<%s>", what);
}

/* ---- reading -------------------------------------------------------------------- */

static __u64 read_uint(const unsigned char *p, __u32 size)
{
	__u8 v8;
	__u16 v16;
	__u32 v32;
	__u64 v64 = 0;

	switch (size) {
	case 1: memcpy(&v8, p, 1); return v8;
	case 2: memcpy(&v16, p, 2); return v16;
	case 4: memcpy(&v32, p, 4); return v32;
	case 8: memcpy(&v64, p, 8); return v64;
	default:
		memcpy(&v64, p, size < 8 ? size : 8);
		return v64;
	}
}

/* nbits (<= 64) bits from bit bit_off on, little-endian bit order. */
static __u64 read_bits(const unsigned char *p, __u32 bit_off, __u32 nbits)
{
	__u64 v = 0;

	for (__u32 i = 0; i < nbits && i < 64; i++) {
		__u32 b = bit_off + i;

		if (p[b / 8] >> (b % 8) & 1)
			v |= 1ULL << i;
	}
	return v;
}

static __s64 sign_extend(__u64 v, __u32 bits)
{
	if (bits >= 64 || !bits)
		return (__s64)v;
	if (v & (1ULL << (bits - 1)))
		v |= ~0ULL << bits;
	return (__s64)v;
}

static __u64 mask_bits(__u32 bits)
{
	return bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
}

/* ---- the walker ------------------------------------------------------------------- */

static void fmt_type(struct fmt *o, __u32 id, const unsigned char *p, size_t avail, int depth);

static bool is_char_type(const struct bl_btf *btf, __u32 id)
{
	const struct btf_type *t = bl_btf_resolve(btf, id, NULL);
	__u32 enc;

	if (!t || bl_btf_kind(t) != BTF_KIND_INT || t->size != 1)
		return false;
	enc = *(const __u32 *)bl_btf_extra(t);
	return (BTF_INT_ENCODING(enc) & BTF_INT_CHAR) || !strcmp(bl_btf_name(btf, t), "char");
}

static void fmt_enum_value(struct fmt *o, const struct btf_type *t, __u64 raw)
{
	const struct bl_btf *btf = o->btf;
	__u32 size = t->size, vlen = bl_btf_vlen(t);
	__u64 mask = mask_bits(size * 8);
	bool is_signed = bl_btf_kflag(t);

	raw &= mask;
	if (bl_btf_kind(t) == BTF_KIND_ENUM) {
		const struct btf_enum *e = bl_btf_extra(t);

		for (__u32 i = 0; i < vlen; i++)
			if (((__u64)(__s64)e[i].val & mask) == raw) {
				put_word(o, bl_btf_str(btf, e[i].name_off));
				return;
			}
	} else {
		const struct btf_enum64 *e = bl_btf_extra(t);

		for (__u32 i = 0; i < vlen; i++)
			if ((((__u64)e[i].val_hi32 << 32 | e[i].val_lo32) & mask) == raw) {
				put_word(o, bl_btf_str(btf, e[i].name_off));
				return;
			}
	}
	if (is_signed)
		put_s64(o, sign_extend(raw, size * 8));
	else
		put_u64(o, raw);
}

/* An integer, enum or bool of nbits at bit bit_off of p (a bitfield, or
 * an INT with its own offset and width); t is its resolved type. */
static void fmt_bits(struct fmt *o, const struct btf_type *t, const unsigned char *p,
		     size_t avail, __u32 bit_off, __u32 nbits)
{
	bool is_signed = false;
	__u64 v;

	if (!nbits || nbits > 64 || (bit_off + nbits + 7) / 8 > avail) {
		put_missing(o, "truncated");
		return;
	}
	v = read_bits(p, bit_off, nbits);
	if (t && (bl_btf_kind(t) == BTF_KIND_ENUM || bl_btf_kind(t) == BTF_KIND_ENUM64)) {
		fmt_enum_value(o, t, bl_btf_kflag(t) ? (__u64)sign_extend(v, nbits) : v);
		return;
	}
	if (t && bl_btf_kind(t) == BTF_KIND_INT) {
		__u32 enc = BTF_INT_ENCODING(*(const __u32 *)bl_btf_extra(t));

		if (enc & BTF_INT_BOOL) {
			put_bool(o, v != 0);
			return;
		}
		is_signed = enc & BTF_INT_SIGNED;
	}
	if (is_signed)
		put_s64(o, sign_extend(v, nbits));
	else
		put_u64(o, v);
}

static void fmt_int(struct fmt *o, const struct btf_type *t, const unsigned char *p,
		    size_t avail)
{
	__u32 info = *(const __u32 *)bl_btf_extra(t);
	__u32 enc = BTF_INT_ENCODING(info), bits = BTF_INT_BITS(info);
	__u32 off = BTF_INT_OFFSET(info);

	if (t->size > avail) {
		put_missing(o, "truncated");
		return;
	}
	if (t->size > 8) {
		put_hex_number(o, p, t->size);
		return;
	}
	if (off || bits != t->size * 8) {	/* old-style bitfield INT */
		fmt_bits(o, t, p, avail, off, bits);
		return;
	}
	if (enc & BTF_INT_BOOL)
		put_bool(o, read_uint(p, t->size) != 0);
	else if (enc & BTF_INT_SIGNED)
		put_s64(o, sign_extend(read_uint(p, t->size), t->size * 8));
	else
		put_u64(o, read_uint(p, t->size));
}

static void fmt_array(struct fmt *o, const struct btf_type *t, const unsigned char *p,
		      size_t avail, int depth)
{
	const struct btf_array *a = bl_btf_extra(t);
	__u32 esize;

	if (bl_btf_type_size(o->btf, a->type, &esize)) {
		put_missing(o, "unknown type");
		return;
	}
	if (is_char_type(o->btf, a->type)) {
		size_t n = a->nelems < avail ? a->nelems : avail;
		const unsigned char *nul = memchr(p, 0, n);

		put_string(o, p, nul ? (size_t)(nul - p) : n);
		return;
	}
	open_box(o, true);
	for (__u32 i = 0; i < a->nelems; i++) {
		size_t off = (size_t)i * esize;

		item(o);
		if (!esize || off + esize > avail) {
			put_missing(o, "truncated");
			break;
		}
		fmt_type(o, a->type, p + off, avail - off, depth + 1);
		o->first = false;
	}
	close_box(o, true);
}

/* The members of a struct or union, anonymous ones flattened in. */
static void fmt_members(struct fmt *o, const struct btf_type *t, const unsigned char *p,
			size_t avail, int depth)
{
	const struct btf_member *m = bl_btf_extra(t);
	bool kflag = bl_btf_kflag(t);

	for (__u32 i = 0; i < bl_btf_vlen(t); i++) {
		const char *name = bl_btf_str(o->btf, m[i].name_off);
		const struct btf_type *mt;
		__u32 bit_off = kflag ? BTF_MEMBER_BIT_OFFSET(m[i].offset) : m[i].offset;
		__u32 bf = kflag ? BTF_MEMBER_BITFIELD_SIZE(m[i].offset) : 0;
		size_t byte_off = bit_off / 8;

		if (!name || !*name) {
			mt = bl_btf_resolve(o->btf, m[i].type, NULL);
			if (mt && !bf && !(bit_off % 8) && byte_off <= avail && depth < MAX_DEPTH &&
			    (bl_btf_kind(mt) == BTF_KIND_STRUCT || bl_btf_kind(mt) == BTF_KIND_UNION))
				fmt_members(o, mt, p + byte_off, avail - byte_off, depth + 1);
			continue;	/* unnamed padding bitfields say nothing */
		}
		member_name(o, name);
		mt = bl_btf_resolve(o->btf, m[i].type, NULL);
		if (!bf && mt && bl_btf_kind(mt) == BTF_KIND_INT) {
			__u32 info = *(const __u32 *)bl_btf_extra(mt);

			/* old-style bitfield: the INT has its own offset and width */
			if (BTF_INT_OFFSET(info) || BTF_INT_BITS(info) != mt->size * 8) {
				bf = BTF_INT_BITS(info);
				bit_off += BTF_INT_OFFSET(info);
			}
		}
		if (bf || bit_off % 8) {
			__u32 size = 0;

			if (!bf && bl_btf_type_size(o->btf, m[i].type, &size))
				size = 0;
			fmt_bits(o, mt, p, avail, bit_off, bf ? bf : size * 8);
		} else if (byte_off > avail) {
			put_missing(o, "truncated");
		} else {
			fmt_type(o, m[i].type, p + byte_off, avail - byte_off, depth + 1);
		}
		o->first = false;
	}
}

static void fmt_datasec(struct fmt *o, const struct btf_type *t, const unsigned char *p,
			size_t avail, int depth)
{
	const struct btf_var_secinfo *v = bl_btf_extra(t);

	open_box(o, false);
	for (__u32 i = 0; i < bl_btf_vlen(t); i++) {
		const struct btf_type *var = bl_btf_type(o->btf, v[i].type);

		if (!var || bl_btf_kind(var) != BTF_KIND_VAR)
			continue;
		member_name(o, bl_btf_name(o->btf, var));
		if (v[i].offset > avail || v[i].size > avail - v[i].offset)
			put_missing(o, "truncated");
		else
			fmt_type(o, var->type, p + v[i].offset, v[i].size, depth + 1);
		o->first = false;
	}
	close_box(o, false);
}

static void fmt_type(struct fmt *o, __u32 id, const unsigned char *p, size_t avail, int depth)
{
	const struct btf_type *t = bl_btf_resolve(o->btf, id, &id);

	if (depth > MAX_DEPTH) {
		put_missing(o, "too deep");
		return;
	}
	if (!t) {
		put_missing(o, "void");
		return;
	}
	switch (bl_btf_kind(t)) {
	case BTF_KIND_INT:
		fmt_int(o, t, p, avail);
		return;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (t->size > avail || t->size > 8 || !t->size)
			put_missing(o, "truncated");
		else
			fmt_enum_value(o, t, read_uint(p, t->size));
		return;
	case BTF_KIND_PTR:
		if (avail < 8)
			put_missing(o, "truncated");
		else
			put_hex_number(o, p, 8);
		return;
	case BTF_KIND_FLOAT:
		if (t->size > avail) {
			put_missing(o, "truncated");
		} else if (t->size == 4) {
			float v;

			memcpy(&v, p, 4);
			put_float(o, v);
		} else if (t->size == 8) {
			double v;

			memcpy(&v, p, 8);
			put_float(o, v);
		} else {
			put_hex_number(o, p, t->size);
		}
		return;
	case BTF_KIND_ARRAY:
		fmt_array(o, t, p, avail, depth);
		return;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		open_box(o, false);
		fmt_members(o, t, p, avail, depth);
		close_box(o, false);
		return;
	case BTF_KIND_DATASEC:
		fmt_datasec(o, t, p, avail, depth);
		return;
	case BTF_KIND_VAR:
		fmt_type(o, t->type, p, avail, depth + 1);
		return;
	default:
		put_missing(o, bl_btf_kind_name(bl_btf_kind(t)));
		return;
	}
}

int btf_fmt_text(FILE *f, const struct bl_btf *btf, __u32 id, const void *data, size_t size)
{
	struct fmt o = { .btf = btf, .f = f, .first = true };

	if (!btf || !bl_btf_type(btf, id))
		return -EINVAL;
	fmt_type(&o, id, data, size, 0);
	return 0;
}

int btf_fmt_json(struct json *j, const struct bl_btf *btf, __u32 id, const void *data,
		 size_t size)
{
	struct fmt o = { .btf = btf, .j = j, .first = true };

	if (!btf || !bl_btf_type(btf, id))
		return -EINVAL;
	fmt_type(&o, id, data, size, 0);
	return 0;
}

/* ---- finding types and variables ----------------------------------------------- */

__u32 btf_fmt_find_type(const struct bl_btf *btf, const char *name)
{
	static const struct {
		const char *prefix;
		__u32 kinds[4];
	} tries[] = {
		{ "struct ", { BTF_KIND_STRUCT } },
		{ "union ", { BTF_KIND_UNION } },
		{ "enum ", { BTF_KIND_ENUM, BTF_KIND_ENUM64 } },
		{ "", { BTF_KIND_STRUCT, BTF_KIND_TYPEDEF, BTF_KIND_UNION, BTF_KIND_ENUM } },
		{ "", { BTF_KIND_ENUM64, BTF_KIND_INT, BTF_KIND_FLOAT } },
	};

	if (!btf || !name)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(tries); i++) {
		size_t plen = strlen(tries[i].prefix);

		if (strncmp(name, tries[i].prefix, plen))
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(tries[i].kinds) && tries[i].kinds[k]; k++) {
			__u32 id = bl_btf_find(btf, name + plen, tries[i].kinds[k]);

			if (id)
				return id;
		}
		if (plen)
			return 0;	/* "struct x": only a struct will do */
	}
	return 0;
}

int btf_fmt_find_var(const struct bl_btf *btf, const char *name, __u32 *type_id,
		     __u32 *size, const char **sec)
{
	if (!btf)
		return -ENOENT;
	for (__u32 id = 1; id < bl_btf_type_cnt(btf); id++) {
		const struct btf_type *t = bl_btf_type(btf, id);
		const struct btf_var_secinfo *v;

		if (!t || bl_btf_kind(t) != BTF_KIND_DATASEC)
			continue;
		v = bl_btf_extra(t);
		for (__u32 i = 0; i < bl_btf_vlen(t); i++) {
			const struct btf_type *var = bl_btf_type(btf, v[i].type);

			if (!var || bl_btf_kind(var) != BTF_KIND_VAR ||
			    strcmp(bl_btf_name(btf, var), name))
				continue;
			*type_id = var->type;
			*size = v[i].size;
			if (sec)
				*sec = bl_btf_name(btf, t);
			return 0;
		}
	}
	return -ENOENT;
}

/* ---- parsing (--set) ------------------------------------------------------------- */

static int parse_fail(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int parse_fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool parse_bool(const char *s, bool *v)
{
	if (!strcmp(s, "true") || !strcmp(s, "1") || !strcmp(s, "yes")) {
		*v = true;
		return true;
	}
	if (!strcmp(s, "false") || !strcmp(s, "0") || !strcmp(s, "no")) {
		*v = false;
		return true;
	}
	return false;
}

/* An integer of size bytes; signed types take negative numbers too, and
 * any bit pattern up to the size. */
static int parse_int(const char *s, bool is_signed, __u32 size, __u64 *out, char *why,
		     size_t len)
{
	__u64 umax = mask_bits(size * 8);
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	errno = 0;
	if (*s == '-') {
		long long v = strtoll(s, &end, 0);
		long long min = size >= 8 ? LLONG_MIN : -(1LL << (size * 8 - 1));

		if (!is_signed)
			return parse_fail(why, len, "'%s' is negative, the variable is an unsigned"
					  " %u-byte integer", s, size);
		if (errno || end == s || *end || v < min)
			return parse_fail(why, len, "'%s' is not a %u-byte signed integer", s, size);
		*out = (__u64)v & umax;
		return 0;
	}
	if (!isdigit((unsigned char)*s))
		return parse_fail(why, len, "'%s' is not a number (for a %u-byte integer)", s,
				  size);
	*out = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		return parse_fail(why, len, "'%s' is not a number (for a %u-byte integer)", s,
				  size);
	if (*out > umax)
		return parse_fail(why, len, "%s does not fit in %u bytes", s, size);
	return 0;
}

static void store_uint(void *buf, __u32 size, __u64 v)
{
	__u8 v8 = (__u8)v;
	__u16 v16 = (__u16)v;
	__u32 v32 = (__u32)v;

	switch (size) {
	case 1: memcpy(buf, &v8, 1); break;
	case 2: memcpy(buf, &v16, 2); break;
	case 4: memcpy(buf, &v32, 4); break;
	default: memcpy(buf, &v, 8); break;
	}
}

static int parse_enum(const struct bl_btf *btf, const struct btf_type *t, const char *s,
		      __u64 *out, char *why, size_t len)
{
	if (bl_btf_kind(t) == BTF_KIND_ENUM) {
		const struct btf_enum *e = bl_btf_extra(t);

		for (__u32 i = 0; i < bl_btf_vlen(t); i++)
			if (!strcmp(bl_btf_str(btf, e[i].name_off), s)) {
				*out = (__u64)(__s64)e[i].val & mask_bits(t->size * 8);
				return 0;
			}
	} else {
		const struct btf_enum64 *e = bl_btf_extra(t);

		for (__u32 i = 0; i < bl_btf_vlen(t); i++)
			if (!strcmp(bl_btf_str(btf, e[i].name_off), s)) {
				*out = ((__u64)e[i].val_hi32 << 32 | e[i].val_lo32) &
				       mask_bits(t->size * 8);
				return 0;
			}
	}
	if (isdigit((unsigned char)*s) || *s == '-')
		return parse_int(s, true, t->size, out, why, len);
	return parse_fail(why, len, "'%s' is not one of the enum's names (or a number)", s);
}

int btf_fmt_parse(const struct bl_btf *btf, __u32 id, const char *text, void *buf,
		  size_t size, char *why, size_t why_len)
{
	const struct btf_type *t = btf ? bl_btf_resolve(btf, id, &id) : NULL;
	size_t got;
	__u64 v;

	if (!t)
		return parse_fail(why, why_len, "the variable has no type in the object's BTF");
	switch (bl_btf_kind(t)) {
	case BTF_KIND_INT: {
		__u32 info = *(const __u32 *)bl_btf_extra(t);
		__u32 enc = BTF_INT_ENCODING(info);
		bool b;

		if (t->size != size || t->size > 8)
			break;		/* wide integers: hex bytes */
		if (enc & BTF_INT_BOOL) {
			if (!parse_bool(text, &b))
				return parse_fail(why, why_len, "'%s' is not true/false/1/0", text);
			store_uint(buf, size, b);
			return 0;
		}
		if (parse_int(text, enc & BTF_INT_SIGNED, t->size, &v, why, why_len))
			return -EINVAL;
		store_uint(buf, size, v);
		return 0;
	}
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (t->size != size || t->size > 8)
			break;
		if (parse_enum(btf, t, text, &v, why, why_len))
			return -EINVAL;
		store_uint(buf, size, v);
		return 0;
	case BTF_KIND_PTR:
		if (size != 8)
			break;
		if (parse_int(text, false, 8, &v, why, why_len))
			return -EINVAL;
		store_uint(buf, 8, v);
		return 0;
	case BTF_KIND_FLOAT: {
		char *end;
		double d;

		errno = 0;
		d = strtod(text, &end);
		if (errno || end == text || *end)
			return parse_fail(why, why_len, "'%s' is not a number", text);
		if (t->size == 4 && size == 4) {
			float fv = (float)d;

			memcpy(buf, &fv, 4);
			return 0;
		}
		if (t->size == 8 && size == 8) {
			memcpy(buf, &d, 8);
			return 0;
		}
		break;
	}
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = bl_btf_extra(t);
		size_t n = strlen(text);

		if (!is_char_type(btf, a->type) || a->nelems != size)
			break;
		if (n > size)
			return parse_fail(why, why_len, "'%s' is longer than the %u bytes of the"
					  " char array", text, (__u32)size);
		memset(buf, 0, size);
		memcpy(buf, text, n);
		return 0;
	}
	default:
		break;
	}
	if (cli_parse_hex(text, buf, size, &got))
		return parse_fail(why, why_len, "'%s' is not %u hex bytes (the variable is not"
				  " a number or a string)", text, (__u32)size);
	return 0;
}

/* ---- per-CPU sums ----------------------------------------------------------------- */

static __u32 member_bit_off(const struct btf_type *t, const struct btf_member *m)
{
	return bl_btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset;
}

static bool summable(const struct bl_btf *btf, __u32 id, int depth)
{
	const struct btf_type *t = bl_btf_resolve(btf, id, &id);
	const struct btf_member *m;

	if (!t || depth > MAX_DEPTH)
		return false;
	switch (bl_btf_kind(t)) {
	case BTF_KIND_INT: {
		__u32 info = *(const __u32 *)bl_btf_extra(t);

		return t->size <= 8 && !BTF_INT_OFFSET(info) && BTF_INT_BITS(info) == t->size * 8 &&
		       !(BTF_INT_ENCODING(info) & (BTF_INT_BOOL | BTF_INT_CHAR)) &&
		       strcmp(bl_btf_name(btf, t), "char");
	}
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = bl_btf_extra(t);

		return !is_char_type(btf, a->type) && summable(btf, a->type, depth + 1);
	}
	case BTF_KIND_STRUCT:
		m = bl_btf_extra(t);
		for (__u32 i = 0; i < bl_btf_vlen(t); i++) {
			if (bl_btf_kflag(t) && BTF_MEMBER_BITFIELD_SIZE(m[i].offset))
				return false;
			if (member_bit_off(t, &m[i]) % 8 || !summable(btf, m[i].type, depth + 1))
				return false;
		}
		return bl_btf_vlen(t) > 0;
	default:
		return false;
	}
}

bool btf_fmt_summable(const struct bl_btf *btf, __u32 id)
{
	return btf && id && summable(btf, id, 0);
}

static void add(const struct bl_btf *btf, __u32 id, unsigned char *acc,
		const unsigned char *val, int depth)
{
	const struct btf_type *t = bl_btf_resolve(btf, id, &id);
	__u32 esize;

	if (!t || depth > MAX_DEPTH)
		return;
	switch (bl_btf_kind(t)) {
	case BTF_KIND_INT:
		store_uint(acc, t->size, read_uint(acc, t->size) + read_uint(val, t->size));
		return;
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = bl_btf_extra(t);

		if (bl_btf_type_size(btf, a->type, &esize))
			return;
		for (__u32 i = 0; i < a->nelems; i++)
			add(btf, a->type, acc + (size_t)i * esize, val + (size_t)i * esize,
			    depth + 1);
		return;
	}
	case BTF_KIND_STRUCT: {
		const struct btf_member *m = bl_btf_extra(t);

		for (__u32 i = 0; i < bl_btf_vlen(t); i++) {
			size_t off = member_bit_off(t, &m[i]) / 8;

			add(btf, m[i].type, acc + off, val + off, depth + 1);
		}
		return;
	}
	default:
		return;
	}
}

void btf_fmt_add(const struct bl_btf *btf, __u32 id, void *acc, const void *val)
{
	if (btf_fmt_summable(btf, id))
		add(btf, id, acc, val, 0);
}
