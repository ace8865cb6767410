// SPDX-License-Identifier: BSD-2-Clause
/*
 * accessors.c - the public view of programs and maps, and the options
 * that may be changed between open and load.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "object/core.h"
#include "object/object.h"

/* ---- programs ------------------------------------------------------------------ */

BL_API size_t bl_object_program_count(const struct bl_object *obj)
{
	return obj->nr_progs;
}

BL_API struct bl_program *bl_object_program(const struct bl_object *obj, size_t i)
{
	return i < obj->nr_progs ? &obj->progs[i] : NULL;
}

BL_API struct bl_program *bl_object_find_program(const struct bl_object *obj, const char *name)
{
	for (size_t i = 0; i < obj->nr_progs; i++)
		if (!strcmp(obj->progs[i].name, name))
			return &obj->progs[i];
	for (size_t i = 0; i < obj->nr_progs; i++)
		if (!strcmp(obj->progs[i].sec->name, name))
			return &obj->progs[i];
	return NULL;
}

BL_API const char *bl_program_name(const struct bl_program *prog)
{
	return prog->name;
}

BL_API const char *bl_program_section(const struct bl_program *prog)
{
	return prog->sec->name;
}

BL_API enum bpf_prog_type bl_program_type(const struct bl_program *prog)
{
	return prog->type;
}

BL_API __u32 bl_program_expected_attach_type(const struct bl_program *prog)
{
	return prog->expected_attach_type;
}

BL_API const char *bl_program_attach_target(const struct bl_program *prog)
{
	return prog->attach_target ? prog->attach_target : "";
}

BL_API const char *bl_program_kind(const struct bl_program *prog)
{
	return prog->kind;
}

BL_API size_t bl_program_insn_count(const struct bl_program *prog)
{
	return prog->nr_insns;
}

BL_API const struct bpf_insn *bl_program_insns(const struct bl_program *prog)
{
	return prog->insns;
}

BL_API size_t bl_program_reloc_count(const struct bl_program *prog)
{
	return prog->nr_relocs;
}

BL_API const struct bl_reloc_info *bl_program_reloc(const struct bl_program *prog, size_t i)
{
	return i < prog->nr_relocs ? &prog->relocs[i] : NULL;
}

BL_API size_t bl_program_core_relo_count(const struct bl_program *prog)
{
	return prog->nr_core_relos;
}

BL_API int bl_program_core_relo(const struct bl_program *prog, size_t i,
				struct bl_core_relo_info *out)
{
	const struct bpf_core_relo *r;

	if (i >= prog->nr_core_relos)
		return -ENOENT;
	r = &prog->core_relos[i];
	out->insn = r->insn_off / BL_INSN_SZ;	/* kept in bytes, as in the record */
	out->kind = r->kind;
	if (prog->obj->btf)
		bl_core_describe(prog->obj->btf, r, out->what, sizeof(out->what));
	else	/* records without types to read them by: cannot be, but say so */
		snprintf(out->what, sizeof(out->what), "%s (no BTF)", bl_core_kind_name(r->kind));
	return 0;
}

BL_API size_t bl_program_subprog_count(const struct bl_program *prog)
{
	return prog->nr_subprogs;
}

BL_API const char *bl_program_subprog(const struct bl_program *prog, size_t i)
{
	return i < prog->nr_subprogs ? prog->subprogs[i] : NULL;
}

BL_API int bl_program_set_autoload(struct bl_program *prog, bool autoload)
{
	if (prog->obj->loaded)
		return -EBUSY;
	prog->autoload = autoload;
	return 0;
}

BL_API bool bl_program_autoload(const struct bl_program *prog)
{
	return prog->autoload;
}

BL_API int bl_program_set_type(struct bl_program *prog, enum bpf_prog_type type,
			       __u32 expected_attach_type)
{
	if (prog->obj->loaded)
		return -EBUSY;
	prog->type = type;
	prog->expected_attach_type = expected_attach_type;
	return 0;
}

BL_API int bl_program_fd(const struct bl_program *prog)
{
	return prog->fd;
}

BL_API const char *bl_program_log(const struct bl_program *prog)
{
	return prog->log;
}

BL_API __u32 bl_program_id(const struct bl_program *prog)
{
	return prog->id;
}

/* ---- maps ---------------------------------------------------------------------- */

static const char *const origin_names[] = {
	[BL_MAP_LEGACY] = "legacy", [BL_MAP_BTF] = "btf", [BL_MAP_DATA] = "data",
	[BL_MAP_RODATA] = "rodata", [BL_MAP_BSS] = "bss",
};

BL_API const char *bl_map_origin_name(enum bl_map_origin origin)
{
	if ((size_t)origin >= sizeof(origin_names) / sizeof(origin_names[0]))
		return "?";
	return origin_names[origin];
}

BL_API size_t bl_object_map_count(const struct bl_object *obj)
{
	return obj->nr_maps;
}

BL_API struct bl_map *bl_object_map(const struct bl_object *obj, size_t i)
{
	return i < obj->nr_maps ? &obj->maps[i] : NULL;
}

BL_API struct bl_map *bl_object_find_map(const struct bl_object *obj, const char *name)
{
	for (size_t i = 0; i < obj->nr_maps; i++)
		if (!strcmp(obj->maps[i].name, name))
			return &obj->maps[i];
	for (size_t i = 0; i < obj->nr_maps; i++)
		if (!strcmp(obj->maps[i].kname, name))
			return &obj->maps[i];
	return NULL;
}

BL_API const char *bl_map_name(const struct bl_map *map)
{
	return map->name;
}

BL_API const char *bl_map_kernel_name(const struct bl_map *map)
{
	return map->kname;
}

BL_API enum bpf_map_type bl_map_type(const struct bl_map *map)
{
	return map->def.type;
}

BL_API __u32 bl_map_key_size(const struct bl_map *map)
{
	return map->def.key_size;
}

BL_API __u32 bl_map_value_size(const struct bl_map *map)
{
	return map->def.value_size;
}

BL_API __u32 bl_map_max_entries(const struct bl_map *map)
{
	return map->def.max_entries;
}

BL_API __u32 bl_map_flags(const struct bl_map *map)
{
	return map->def.map_flags;
}

BL_API enum bl_map_origin bl_map_origin(const struct bl_map *map)
{
	return map->origin;
}

BL_API __u32 bl_map_pinning(const struct bl_map *map)
{
	return map->def.pinning;
}

BL_API const struct bl_map *bl_map_inner(const struct bl_map *map)
{
	return map->inner;
}

BL_API __u32 bl_map_btf_key_type_id(const struct bl_map *map)
{
	return map->btf_key_type_id;
}

BL_API __u32 bl_map_btf_value_type_id(const struct bl_map *map)
{
	return map->btf_value_type_id;
}

BL_API int bl_map_set_max_entries(struct bl_map *map, __u32 max_entries)
{
	if (map->obj->loaded)
		return -EBUSY;
	if (map->image)
		return -EINVAL;	/* global data has exactly one entry */
	map->def.max_entries = max_entries;
	return 0;
}

BL_API int bl_map_set_flags(struct bl_map *map, __u32 flags)
{
	if (map->obj->loaded)
		return -EBUSY;
	map->def.map_flags = flags;
	return 0;
}

BL_API int bl_map_reuse_fd(struct bl_map *map, int fd)
{
	int dup_fd;

	if (map->obj->loaded)
		return -EBUSY;
	dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (dup_fd < 0)
		return -errno;
	if (map->fd >= 0)
		close(map->fd);
	map->fd = dup_fd;
	map->reused = true;
	return 0;
}

BL_API int bl_map_fd(const struct bl_map *map)
{
	return map->fd;
}

BL_API __u32 bl_map_id(const struct bl_map *map)
{
	return map->id;
}

BL_API void *bl_map_data(const struct bl_map *map, size_t *size)
{
	if (!map->image)
		return NULL;
	if (size)
		*size = map->image_size;
	if (!map->obj->loaded)
		return map->image;
	return map->mmaped;
}

BL_API bool bl_object_loaded(const struct bl_object *obj)
{
	return obj->loaded;
}

BL_API const char *bl_object_btf_warning(const struct bl_object *obj)
{
	return obj->btf_warning;
}

BL_API __u32 bl_object_btf_id(const struct bl_object *obj)
{
	return obj->btf_id;
}

BL_API int bl_object_btf_fd(const struct bl_object *obj)
{
	return obj->btf_fd;
}
