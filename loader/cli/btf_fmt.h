/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * btf_fmt.h - values decoded by their BTF type, for the bpfload tool.
 *
 * A map key or value, a ring buffer record or a global variable is just
 * bytes; the object's BTF says what they mean.  These functions print
 * such bytes as C-like text or as JSON:
 *
 *   integers      decimal, signed or not as the type says; bool as
 *                 true/false; integers wider than 64 bits as 0x hex
 *   char arrays   "strings" (up to the first NUL, escaped); arrays of
 *                 other 1-byte integers (__u8 ...) stay numbers
 *   enums         the enumerator's name, else the number
 *   pointers      0x hex (a kernel address means nothing here)
 *   structs       {name=value, ...}; anonymous struct/union members are
 *                 flattened into their parent, as C reads them
 *   unions        every member, each a view of the same bytes
 *   bitfields     their own value, sign-extended when signed
 *   arrays        [a, b, ...]
 *   DATASEC       {var=value, ...}: the variables of .data/.bss/.rodata
 *
 * In JSON, the same shapes: numbers, true/false, strings, "0x..."
 * strings for pointers and wide integers, objects and arrays.  Bytes
 * that run out before the type does print as <truncated> (null in JSON).
 * Only little-endian bitfield layout is decoded (BPF on x86, arm64).
 */
#ifndef BPFLOAD_CLI_BTF_FMT_H
#define BPFLOAD_CLI_BTF_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <bpfload.h>

struct bl_btf;
struct json;

/* The object's own BTF (.BTF, with DATASEC sizes filled in), or NULL. */
const struct bl_btf *btf_fmt_object_btf(const struct bl_object *obj);

/* Print size bytes at data as type id.  0, or -EINVAL for an id that is
 * not a type (nothing printed then). */
int btf_fmt_text(FILE *f, const struct bl_btf *btf, __u32 id, const void *data, size_t size);
int btf_fmt_json(struct json *j, const struct bl_btf *btf, __u32 id, const void *data,
		 size_t size);

/* Bytes a value of type id takes; -errno when it has no size. */
int btf_fmt_size(const struct bl_btf *btf, __u32 id, __u32 *size);

/* A type by name, for --record-type: "event", "struct event", a typedef,
 * a union or an enum.  0 when there is none. */
__u32 btf_fmt_find_type(const struct bl_btf *btf, const char *name);

/* A global variable by name, through the DATASECs.  *type_id gets its
 * type, *size its size, *sec (may be NULL) its section (".rodata").
 * 0 or -ENOENT. */
int btf_fmt_find_var(const struct bl_btf *btf, const char *name, __u32 *type_id,
		     __u32 *size, const char **sec);

/*
 * Parse text as a value of type id into buf (exactly size bytes, which
 * must be the type's size): integers (decimal, 0x hex, negative for
 * signed types; range-checked for the size), bool (true/false/1/0),
 * enumerator names or numbers, floats, strings for char arrays (zero
 * padded), else hex bytes ("01 02 ..", "0x0102..").  0, or -EINVAL with
 * why filled in.
 */
int btf_fmt_parse(const struct bl_btf *btf, __u32 id, const char *text, void *buf,
		  size_t size, char *why, size_t why_len);

/* Is type id made of integers only (no bitfields, chars, pointers,
 * enums or unions), so that per-CPU copies can be added up? */
bool btf_fmt_summable(const struct bl_btf *btf, __u32 id);
/* acc += val, integer by integer, for a summable type. */
void btf_fmt_add(const struct bl_btf *btf, __u32 id, void *acc, const void *val);

#endif /* BPFLOAD_CLI_BTF_FMT_H */
