/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * btf_ext.h - the .BTF.ext section: per-instruction debug records.
 *
 * .BTF.ext holds three tables, each grouped by code section:
 *   func_info   which BTF FUNC describes the function starting at an insn
 *   line_info   which source line (file, line, column) an insn came from
 *   core_relo   CO-RE relocations: instructions whose immediate depends
 *               on a kernel type layout (offsets, sizes, existence)
 * Offsets in the file are in bytes from the start of the section; the
 * kernel wants instruction indexes from the start of the program.
 */
#ifndef BPFLOAD_BTF_EXT_H
#define BPFLOAD_BTF_EXT_H

#include <linux/bpf.h>
#include <bpfload.h>

struct bl_btf;

/* The records of one table for one code section. */
struct bl_ext_sec {
	const char *sec_name;
	const unsigned char *recs;	/* nr records of rec_size bytes */
	__u32 nr;
	__u32 rec_size;
};

struct bl_ext_table {
	struct bl_ext_sec *secs;
	__u32 nr_secs;
	__u32 rec_size;
	size_t cap_secs;
};

struct bl_btf_ext {
	unsigned char *data;		/* owned copy */
	size_t size;
	struct bl_ext_table func_info;
	struct bl_ext_table line_info;
	struct bl_ext_table core_relo;
};

/* Parse .BTF.ext; section names are checked against btf's strings. */
int bl_btf_ext_parse(const void *data, size_t size, const struct bl_btf *btf,
		     struct bl_btf_ext **out, struct bl_error *e);
void bl_btf_ext_free(struct bl_btf_ext *ext);
const struct bl_ext_sec *bl_ext_find(const struct bl_ext_table *t, const char *sec_name);

#endif /* BPFLOAD_BTF_EXT_H */
