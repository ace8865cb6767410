// SPDX-License-Identifier: BSD-2-Clause
/*
 * btf_ext.c - parse .BTF.ext.
 *
 * Header: magic (0xeB9F), version, flags, hdr_len, then (offset, length)
 * of func_info and line_info, and since LLVM 10 of core_relo; offsets
 * are relative to the end of the header.  Each table starts with a u32
 * record size, then blocks of { u32 sec_name_off; u32 num_info;
 * records[num_info] } until its length is used up.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "object/btf.h"
#include "object/btf_ext.h"
#include "object/object.h"

struct ext_header {
	__u16 magic;
	__u8 version;
	__u8 flags;
	__u32 hdr_len;
	__u32 func_info_off;
	__u32 func_info_len;
	__u32 line_info_off;
	__u32 line_info_len;
	__u32 core_relo_off;		/* present when hdr_len >= 32 */
	__u32 core_relo_len;
};

#define EXT_HDR_MIN	offsetof(struct ext_header, core_relo_off)
#define MAX_EXT_SECS	65536

struct table_spec {
	const char *name;
	__u32 min_rec;
};

static const struct table_spec func_spec = { "func_info", sizeof(struct bpf_func_info) };
static const struct table_spec line_spec = { "line_info", sizeof(struct bpf_line_info) };
static const struct table_spec core_spec = { "core_relo", sizeof(struct bpf_core_relo) };

static int add_sec(struct bl_ext_table *t, const struct bl_ext_sec *s)
{
	if (t->nr_secs >= MAX_EXT_SECS)
		return -E2BIG;
	if (bl_array_reserve((void **)&t->secs, &t->cap_secs, t->nr_secs + 1, sizeof(*t->secs)))
		return -ENOMEM;
	t->secs[t->nr_secs++] = *s;
	return 0;
}

static int parse_table(struct bl_btf_ext *ext, __u32 hdr_len, __u32 off, __u32 len,
		       const struct table_spec *spec, const struct bl_btf *btf,
		       struct bl_ext_table *t, struct bl_error *e)
{
	const unsigned char *p, *end;
	__u64 pos = (__u64)hdr_len + off;
	int err;

	if (!len)
		return 0;
	if ((__u64)hdr_len + off + len > ext->size)
		return bl_fail(e, -EINVAL, ".BTF.ext offset %#llx: %s table (%u bytes) runs past"
			       " the end (%zu)", (unsigned long long)pos, spec->name, len, ext->size);
	if (len < sizeof(__u32) || off % 4)
		return bl_fail(e, -EINVAL, ".BTF.ext offset %#llx: %s table is misaligned or has"
			       " no record size", (unsigned long long)pos, spec->name);
	p = ext->data + pos;
	end = p + len;
	memcpy(&t->rec_size, p, sizeof(__u32));
	if (t->rec_size < spec->min_rec || t->rec_size % 4 || t->rec_size > 1024)
		return bl_fail(e, -EINVAL, ".BTF.ext offset %#llx: %s record size %u (expected at"
			       " least %u, a multiple of 4)", (unsigned long long)pos, spec->name,
			       t->rec_size, spec->min_rec);
	p += sizeof(__u32);
	while (p < end) {
		struct bl_ext_sec s = { .rec_size = t->rec_size };
		__u32 name_off;
		size_t at = p - ext->data;

		if ((size_t)(end - p) < 2 * sizeof(__u32))
			return bl_fail(e, -EINVAL, ".BTF.ext offset %#zx: truncated %s block header",
				       at, spec->name);
		memcpy(&name_off, p, sizeof(__u32));
		memcpy(&s.nr, p + 4, sizeof(__u32));
		p += 8;
		s.sec_name = bl_btf_str(btf, name_off);
		if (!s.sec_name || !*s.sec_name)
			return bl_fail(e, -EINVAL, ".BTF.ext offset %#zx: %s block names section"
				       " at string offset %u, outside .BTF's strings", at,
				       spec->name, name_off);
		if (s.nr == 0)
			return bl_fail(e, -EINVAL, ".BTF.ext offset %#zx: %s block for '%s' has no"
				       " records", at, spec->name, s.sec_name);
		if ((__u64)s.nr * t->rec_size > (__u64)(end - p))
			return bl_fail(e, -EINVAL, ".BTF.ext offset %#zx: %s block for '%s' has %u"
				       " records of %u bytes, more than the table holds", at,
				       spec->name, s.sec_name, s.nr, t->rec_size);
		s.recs = p;
		p += (size_t)s.nr * t->rec_size;
		err = add_sec(t, &s);
		if (err == -E2BIG)
			return bl_fail(e, err, ".BTF.ext offset %#zx: more than %d %s blocks", at,
				       MAX_EXT_SECS, spec->name);
		if (err)
			return bl_fail(e, err, ".BTF.ext: out of memory for %s blocks", spec->name);
	}
	return 0;
}

int bl_btf_ext_parse(const void *data, size_t size, const struct bl_btf *btf,
		     struct bl_btf_ext **out, struct bl_error *e)
{
	struct ext_header h = { 0 };
	struct bl_btf_ext *ext;
	int err;

	*out = NULL;
	if (size < EXT_HDR_MIN)
		return bl_fail(e, -EINVAL, ".BTF.ext: %zu bytes is too short for its header", size);
	memcpy(&h, data, EXT_HDR_MIN);
	if (h.magic != 0xeB9F || h.version != 1)
		return bl_fail(e, -EINVAL, ".BTF.ext offset 0: bad magic %#x or version %u",
			       h.magic, h.version);
	if (h.hdr_len < EXT_HDR_MIN || h.hdr_len > size)
		return bl_fail(e, -EINVAL, ".BTF.ext offset 4: header length %u outside [%zu, %zu]",
			       h.hdr_len, EXT_HDR_MIN, size);
	if (h.hdr_len >= sizeof(h))
		memcpy(&h, data, sizeof(h));
	ext = calloc(1, sizeof(*ext));
	if (!ext || !(ext->data = malloc(size))) {
		free(ext);
		return bl_fail(e, -ENOMEM, ".BTF.ext: out of memory");
	}
	memcpy(ext->data, data, size);
	ext->size = size;
	err = parse_table(ext, h.hdr_len, h.func_info_off, h.func_info_len, &func_spec, btf,
			  &ext->func_info, e);
	if (!err)
		err = parse_table(ext, h.hdr_len, h.line_info_off, h.line_info_len, &line_spec,
				  btf, &ext->line_info, e);
	if (!err && h.hdr_len >= sizeof(h))
		err = parse_table(ext, h.hdr_len, h.core_relo_off, h.core_relo_len, &core_spec,
				  btf, &ext->core_relo, e);
	if (err) {
		bl_btf_ext_free(ext);
		return err;
	}
	*out = ext;
	return 0;
}

void bl_btf_ext_free(struct bl_btf_ext *ext)
{
	if (!ext)
		return;
	free(ext->func_info.secs);
	free(ext->line_info.secs);
	free(ext->core_relo.secs);
	free(ext->data);
	free(ext);
}

const struct bl_ext_sec *bl_ext_find(const struct bl_ext_table *t, const char *sec_name)
{
	for (__u32 i = 0; i < t->nr_secs; i++)
		if (!strcmp(t->secs[i].sec_name, sec_name))
			return &t->secs[i];
	return NULL;
}
