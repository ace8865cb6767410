/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * btf_dump.h - write BTF out as a C header (vmlinux.h) or as text.
 */
#ifndef BPFLOAD_BTF_DUMP_H
#define BPFLOAD_BTF_DUMP_H

#include <stdio.h>
#include <bpfload.h>

struct bl_btf;

enum bl_btf_dump_format {
	BL_BTF_DUMP_C,		/* a compilable header: every type, in dependency order */
	BL_BTF_DUMP_RAW,	/* one line per type, members indented below */
};

/*
 * Write every type of btf to out.  C: forward declarations first, then
 * enums, then structs, unions and typedefs each after what it embeds,
 * anonymous types inline, bitfields, explicit padding and
 * __attribute__((packed)) where the layout needs them, duplicate names
 * made unique with a ___N suffix, the whole under
 * "#pragma clang attribute push(preserve_access_index)" so every struct
 * is CO-RE relocatable.  Returns 0 or -errno (e says why).
 */
int bl_btf_dump(const struct bl_btf *btf, enum bl_btf_dump_format format, FILE *out,
		struct bl_error *e);

#endif /* BPFLOAD_BTF_DUMP_H */
