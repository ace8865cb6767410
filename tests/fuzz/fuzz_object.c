// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz_object.c - libFuzzer target over the whole pure object model.
 *
 * Any byte string is an "object file": open it from memory (ELF,
 * sections, symbols, relocations, BTF with its DATASEC fix-ups,
 * .BTF.ext, programs, maps, subprogram linking, extern and CO-RE record
 * checks), then walk everything the public API exposes, apply each
 * program's CO-RE relocations with the object's own BTF as the target
 * kernel, write its BTF as C and as a listing, then close.  Nothing
 * here talks to the kernel.
 * The sanitizers (ASan, UBSan) turn any out-of-bounds read, leak or
 * undefined behaviour into a crash that libFuzzer keeps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpfload.h>

#include "object/btf_dump.h"
#include "object/core.h"
#include "object/object.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile unsigned long sink;

static void walk_program(const struct bl_program *p)
{
	const struct bpf_insn *insns = bl_program_insns(p);
	size_t n = bl_program_insn_count(p);

	sink += strlen(bl_program_name(p)) + strlen(bl_program_section(p));
	sink += strlen(bl_program_attach_target(p)) + strlen(bl_program_kind(p));
	sink += bl_program_type(p) + bl_program_expected_attach_type(p);
	for (size_t i = 0; i < n; i++)
		sink += insns[i].code + (unsigned int)insns[i].imm;
	for (size_t i = 0; i < bl_program_reloc_count(p); i++) {
		const struct bl_reloc_info *r = bl_program_reloc(p, i);

		sink += r->insn + r->offset + strlen(r->symbol) + strlen(r->target);
		if (r->insn >= n)
			__builtin_trap();	/* a relocation outside its program */
	}
	for (size_t i = 0; i < bl_program_subprog_count(p); i++)
		sink += strlen(bl_program_subprog(p, i));
	for (size_t i = 0; i < bl_program_core_relo_count(p); i++) {
		struct bl_core_relo_info c;

		if (bl_program_core_relo(p, i, &c) || c.insn >= n)
			__builtin_trap();	/* a CO-RE record outside its program */
		sink += strlen(c.what);
	}
}

static void walk_map(const struct bl_map *m)
{
	size_t size = 0;
	const unsigned char *data = bl_map_data(m, &size);

	sink += strlen(bl_map_name(m)) + strlen(bl_map_kernel_name(m));
	sink += bl_map_type(m) + bl_map_key_size(m) + bl_map_value_size(m);
	sink += bl_map_max_entries(m) + bl_map_flags(m) + bl_map_pinning(m);
	if (bl_map_inner(m))
		sink += bl_map_key_size(bl_map_inner(m));
	for (size_t i = 0; data && i < size; i++)
		sink += data[i];
}

/* CO-RE against the object's own types: every record has a candidate
 * (itself), so the matching code runs to the end. */
static void relocate_program(const struct bl_object *obj, const struct bl_program *p)
{
	struct bl_core_target target = { .btf = obj->btf };
	struct bl_core_result res = { 0 };
	struct bl_error err;
	struct bpf_insn *copy;

	if (!obj->btf || !p->nr_core_relos)
		return;
	copy = malloc(p->nr_insns * sizeof(*copy));
	if (!copy)
		return;
	memcpy(copy, p->insns, p->nr_insns * sizeof(*copy));
	bl_core_relocate(obj->btf, &target, p->name, copy, p->nr_insns, p->core_relos,
			 p->nr_core_relos, &res, &err);
	bl_core_result_free(&res);
	free(copy);
}

static void dump_btf(const struct bl_object *obj)
{
	struct bl_error err;
	FILE *null;

	if (!obj->btf)
		return;
	null = fopen("/dev/null", "w");
	if (!null)
		return;
	bl_btf_dump(obj->btf, BL_BTF_DUMP_C, null, &err);
	bl_btf_dump(obj->btf, BL_BTF_DUMP_RAW, null, &err);
	fclose(null);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bl_section_info si;
	struct bl_error err;
	struct bl_object *obj = bl_object_open_mem(data, size, NULL, &err);

	if (!obj) {
		/* every failure must explain itself */
		if (!err.msg[0] || err.err >= 0)
			__builtin_trap();
		return 0;
	}
	for (size_t i = 0; i < bl_object_section_count(obj); i++)
		if (!bl_object_section(obj, i, &si))
			sink += si.size + strlen(si.name) + strlen(si.role);
	for (size_t i = 0; i < bl_object_program_count(obj); i++)
		walk_program(bl_object_program(obj, i));
	for (size_t i = 0; i < bl_object_map_count(obj); i++)
		walk_map(bl_object_map(obj, i));
	for (size_t i = 0; i < obj->nr_progs; i++)
		relocate_program(obj, &obj->progs[i]);
	dump_btf(obj);
	bl_object_close(obj);
	return 0;
}
