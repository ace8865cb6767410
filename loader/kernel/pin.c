// SPDX-License-Identifier: BSD-2-Clause
/*
 * pin.c - rules for pinning objects on the BPF filesystem.
 *
 * BPF_OBJ_PIN gives a map, program or link a path on a bpffs mount
 * (normally /sys/fs/bpf) that keeps it alive after the loader exits and
 * lets other processes open it with BPF_OBJ_GET.  Pin names come from the
 * object file, which may be hostile, so a name is a single path
 * component of safe characters, and a reused pin must describe the same
 * map the object defines.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>

#include "kernel/kernel.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

int bl_pin_check_name(const char *name, struct bl_error *e)
{
	size_t len = strlen(name);

	if (!len || len > 255)
		return bl_fail(e, -EINVAL, "pin name '%s' must have 1 to 255 characters", name);
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return bl_fail(e, -EINVAL, "pin name '%s' is not allowed", name);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = name[i];

		if (c == '/' || c < 0x20 || c == 0x7f)
			return bl_fail(e, -EINVAL, "pin name '%s' has a '/' or control character"
				       " at position %zu: names from an object must stay in the"
				       " pin directory", name, i);
	}
	return 0;
}

int bl_pin_check_dir(const char *dir, struct bl_error *e)
{
	struct statfs st;
	char why[96];

	if (statfs(dir, &st)) {
		int err = -errno;

		return bl_fail(e, err, "pin directory %s: %s (mount bpffs there with: mount -t bpf"
			       " bpf /sys/fs/bpf)", dir, bl_strerror(err, why, sizeof(why)));
	}
	if ((unsigned long)st.f_type != BPF_FS_MAGIC)
		return bl_fail(e, -EINVAL, "pin directory %s is not on a BPF filesystem (bpffs);"
			       " mount one with: mount -t bpf bpf /sys/fs/bpf", dir);
	return 0;
}

/* The kernel reports map_flags as given, so every field must match. */
int bl_map_check_compat(const struct bl_map *m, int fd, const char *what, struct bl_error *e)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	char why[96];
	int err = bl_sys_obj_get_info_by_fd(fd, &info, &len);

	if (err)
		return bl_fail(e, err, "map '%s': cannot inspect %s: %s", m->name, what,
			       bl_strerror(err, why, sizeof(why)));
#define CHECK(field, label)							\
	if (info.field != m->def.field)						\
		return bl_fail(e, -EEXIST, "map '%s': %s exists with %s %u, the object"	\
			       " wants %u; remove the pin or rename the map", m->name,	\
			       what, label, info.field, m->def.field)
	CHECK(type, "type");
	CHECK(key_size, "key size");
	CHECK(value_size, "value size");
	CHECK(max_entries, "max_entries");
	CHECK(map_flags, "flags");
#undef CHECK
	return 0;
}
