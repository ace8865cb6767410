// SPDX-License-Identifier: BSD-2-Clause
/*
 * map_access.c - reading and writing maps and global variables.
 *
 * Map elements are read and written by copy through bpf(): the kernel
 * never hands out pointers into a map, except for mmap-able arrays,
 * which is how global variables appear as plain memory after load.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kernel.h"

BL_API int bl_map_lookup(const struct bl_map *map, const void *key, void *value)
{
	if (map->fd < 0)
		return -EBADF;
	return bl_sys_map_lookup_elem(map->fd, key, value, 0);
}

BL_API int bl_map_update(const struct bl_map *map, const void *key, const void *value,
			 __u64 flags)
{
	if (map->fd < 0)
		return -EBADF;
	return bl_sys_map_update_elem(map->fd, key, value, flags);
}

BL_API int bl_map_delete(const struct bl_map *map, const void *key)
{
	if (map->fd < 0)
		return -EBADF;
	return bl_sys_map_delete_elem(map->fd, key);
}

BL_API int bl_map_next_key(const struct bl_map *map, const void *key, void *next)
{
	if (map->fd < 0)
		return -EBADF;
	return bl_sys_map_get_next_key(map->fd, key, next);
}

static int find_global(struct bl_object *obj, const char *var, size_t size,
		       struct bl_map **m, __u32 *off)
{
	__u32 vsize;
	int err = bl_global_lookup(obj, var, m, off, &vsize);

	if (err == -ENOENT)
		return bl_obj_fail(obj, err, "global variable '%s' is not in .data, .rodata or"
				   " .bss of %s", var, obj->name);
	if (err)
		return bl_obj_fail(obj, err, "global variable '%s': its symbol is outside its"
				   " section", var);
	if (vsize != size)
		return bl_obj_fail(obj, -EINVAL, "global variable '%s' is %u bytes, not %zu",
				   var, vsize, size);
	return 0;
}

/*
 * Before load the variable lives in the initial image we will write into
 * the map.  After load it lives in the kernel: through the mmap'ed value
 * when there is one, else by a read-modify-write of element 0.
 */
BL_API int bl_object_set_global(struct bl_object *obj, const char *var, const void *value,
				size_t size)
{
	struct bl_map *m;
	unsigned char *buf;
	__u32 off, key = 0;
	int err = find_global(obj, var, size, &m, &off);

	if (err)
		return err;
	if (!obj->loaded) {
		memcpy(m->image + off, value, size);
		return 0;
	}
	if (m->origin == BL_MAP_RODATA)
		return bl_obj_fail(obj, -EPERM, "global variable '%s' is in .rodata, which is"
				   " frozen after load; set it before bl_object_load()", var);
	if (m->mmaped) {
		memcpy((unsigned char *)m->mmaped + off, value, size);
		return 0;
	}
	buf = malloc(m->def.value_size);
	if (!buf)
		return -ENOMEM;
	err = bl_sys_map_lookup_elem(m->fd, &key, buf, 0);
	if (!err) {
		memcpy(buf + off, value, size);
		err = bl_sys_map_update_elem(m->fd, &key, buf, BPF_ANY);
	}
	free(buf);
	return err;
}

BL_API int bl_object_get_global(const struct bl_object *cobj, const char *var, void *value,
				size_t size)
{
	struct bl_object *obj = (struct bl_object *)cobj;	/* for the error message */
	struct bl_map *m;
	unsigned char *buf;
	__u32 off, key = 0;
	int err = find_global(obj, var, size, &m, &off);

	if (err)
		return err;
	if (!obj->loaded || m->mmaped) {
		memcpy(value, (obj->loaded ? (unsigned char *)m->mmaped : m->image) + off, size);
		return 0;
	}
	buf = malloc(m->def.value_size);
	if (!buf)
		return -ENOMEM;
	err = bl_sys_map_lookup_elem(m->fd, &key, buf, 0);
	if (!err)
		memcpy(value, buf + off, size);
	free(buf);
	return err;
}
