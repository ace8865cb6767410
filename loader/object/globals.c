// SPDX-License-Identifier: BSD-2-Clause
/*
 * globals.c - find a global variable of the BPF program by name.
 *
 * A global "int target_pid" in .rodata is an ELF symbol (STT_OBJECT) in
 * section .rodata with its offset (st_value) and size (st_size); its
 * bytes live in the .rodata map's single value.  Symbols work with or
 * without BTF, so they are what we look names up in.
 */
#include <errno.h>
#include <string.h>

#include "object/object.h"

static bool is_data(const struct bl_section *s)
{
	return s->role == BL_SEC_DATA || s->role == BL_SEC_RODATA || s->role == BL_SEC_BSS;
}

int bl_global_lookup(const struct bl_object *obj, const char *var, struct bl_map **map,
		     __u32 *off, __u32 *size)
{
	for (size_t i = 0; i < obj->elf.nr_syms; i++) {
		const struct bl_symbol *sym = &obj->elf.syms[i];
		struct bl_map *m;

		if (sym->type != STT_OBJECT || strcmp(sym->name, var) ||
		    sym->shndx >= obj->elf.nr_secs || !is_data(&obj->elf.secs[sym->shndx]))
			continue;
		m = bl_map_by_def((struct bl_object *)obj, sym->shndx, 0);
		if (!m || sym->value > m->image_size || sym->size > m->image_size - sym->value)
			return -EINVAL;
		*map = m;
		*off = sym->value;
		*size = sym->size;
		return 0;
	}
	return -ENOENT;
}
