/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * btf.h - a reader for BTF, the BPF Type Format (internal).
 *
 * BTF is a compact type description: a header, an array of variable
 * length type records (struct btf_type plus kind-specific data) and a
 * string table.  Type ids are positions in the array, starting at 1 (id
 * 0 is "void").  Split BTF (kernel modules) continues the ids and string
 * offsets of a base BTF (vmlinux).
 *
 * The same reader serves an object's .BTF section and the kernel's
 * /sys/kernel/btf/vmlinux.  It is pure and checks every record, so a
 * hostile .BTF gives an error, never a read out of bounds.
 */
#ifndef BPFLOAD_BTF_H
#define BPFLOAD_BTF_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/btf.h>
#include <bpfload.h>

struct bl_btf {
	unsigned char *data;		/* owned copy of the raw bytes */
	size_t size;
	struct btf_header hdr;
	const char *strs;
	__u32 strs_len;
	struct btf_type **types;	/* types[i] is id start_id + i */
	__u32 nr_types;			/* own types */
	__u32 start_id;			/* first own id: 1, or after the base */
	__u32 str_start;		/* first own string offset */
	const struct bl_btf *base;
	__u32 *name_index;		/* own ids sorted by name (lazy) */
	__u32 nr_named;
};

/* Parse (and copy) raw BTF.  base is the vmlinux BTF for split BTF;
 * what names the source in errors (".BTF", "/sys/kernel/btf/vmlinux"). */
int bl_btf_parse(const void *data, size_t size, const struct bl_btf *base,
		 const char *what, struct bl_btf **out, struct bl_error *e);
void bl_btf_free(struct bl_btf *btf);

/* Highest valid id + 1 (including the base). */
__u32 bl_btf_type_cnt(const struct bl_btf *btf);
/* NULL for id 0 (void) and ids out of range. */
const struct btf_type *bl_btf_type(const struct bl_btf *btf, __u32 id);
struct btf_type *bl_btf_type_mut(struct bl_btf *btf, __u32 id);
/* A string by offset, NULL when out of range. */
const char *bl_btf_str(const struct bl_btf *btf, __u32 off);
/* The type's name, "" for anonymous ones. */
const char *bl_btf_name(const struct bl_btf *btf, const struct btf_type *t);

static inline __u32 bl_btf_kind(const struct btf_type *t)
{
	return BTF_INFO_KIND(t->info);
}

static inline __u32 bl_btf_vlen(const struct btf_type *t)
{
	return BTF_INFO_VLEN(t->info);
}

static inline bool bl_btf_kflag(const struct btf_type *t)
{
	return BTF_INFO_KFLAG(t->info);
}

/* Kind-specific data that follows struct btf_type. */
static inline void *bl_btf_extra(const struct btf_type *t)
{
	return (void *)(t + 1);
}

const char *bl_btf_kind_name(__u32 kind);

/* The id of the first type with this name and kind, 0 if none.  Looks
 * in own types first, then the base. */
__u32 bl_btf_find(const struct bl_btf *btf, const char *name, __u32 kind);

/* Follow typedefs and const/volatile/restrict/type_tag to the real type;
 * *res_id gets its id (may be NULL).  NULL for void or a loop. */
const struct btf_type *bl_btf_resolve(const struct bl_btf *btf, __u32 id, __u32 *res_id);

/* The size in bytes of a type (pointers are 8 bytes on BPF). */
int bl_btf_type_size(const struct bl_btf *btf, __u32 id, __u32 *size);

/* The raw bytes, as they would be given to BPF_BTF_LOAD. */
static inline const void *bl_btf_raw(const struct bl_btf *btf, size_t *size)
{
	*size = btf->size;
	return btf->data;
}

#endif /* BPFLOAD_BTF_H */
