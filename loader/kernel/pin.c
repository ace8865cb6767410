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
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/vfs.h>

#include "kernel/kernel.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

/* A name from an object, fit to print: control characters, backslash and
 * bytes >= 0x7f as \xNN (a hostile name must not write escape sequences
 * to the user's terminal), cut at 64 bytes with "...". */
static const char *printable(const char *name, char *buf, size_t len)
{
	size_t j = 0;

	for (size_t i = 0; name[i] && j + 8 < len; i++) {
		unsigned char c = name[i];

		if (i == 64) {
			j += (size_t)snprintf(buf + j, len - j, "...");
			break;
		}
		if (c < 0x20 || c >= 0x7f || c == '\\')
			j += (size_t)snprintf(buf + j, len - j, "\\x%02x", c);
		else
			buf[j++] = (char)c;
	}
	buf[j] = '\0';
	return buf;
}

int bl_pin_check_name(const char *name, struct bl_error *e)
{
	size_t len = strlen(name);
	char shown[300];

	if (!len || len > 255)
		return bl_fail(e, -EINVAL, "pin name '%s' must have 1 to 255 characters",
			       printable(name, shown, sizeof(shown)));
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return bl_fail(e, -EINVAL, "pin name '%s' is not allowed: names from an object"
			       " must stay in the pin directory", name);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = name[i];

		if (c == '/' || c < 0x20 || c == 0x7f)
			return bl_fail(e, -EINVAL, "pin name '%s' has a '/' or control character"
				       " at position %zu: names from an object must stay in the"
				       " pin directory", printable(name, shown, sizeof(shown)), i);
	}
	return 0;
}

/* Is fd a BPF map?  BPF_OBJ_GET opens maps, programs and links alike,
 * and BPF_OBJ_GET_INFO_BY_FD fills whatever info the fd has, so ask
 * /proc what the fd is.  Without /proc, assume a map. */
static int pinned_kind(int fd, char *kind, size_t len)
{
	char path[64], target[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0) {
		snprintf(kind, len, "bpf-map");
		return 0;
	}
	target[n] = '\0';
	/* "anon_inode:bpf-map", "anon_inode:bpf-prog", "anon_inode:bpf_link" */
	snprintf(kind, len, "%s", strncmp(target, "anon_inode:", 11) ? target : target + 11);
	return 0;
}

int bl_pin_check_dir(const char *dir, struct bl_error *e)
{
	struct statfs st;
	char why[96];

	if (statfs(dir, &st)) {
		int err = -errno;

		/* not a missing mount: this user may not reach the directory */
		if (err == -EACCES || err == -EPERM)
			return bl_fail(e, err, "pin directory %s: %s: %s", dir,
				       bl_strerror(err, why, sizeof(why)),
				       bl_errno_hint(-EPERM, BPF_PROG_TYPE_UNSPEC));
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
	char why[96], kind[64];
	const char *have, *want;
	int err;

	pinned_kind(fd, kind, sizeof(kind));
	if (strcmp(kind, "bpf-map"))
		return bl_fail(e, -EEXIST, "map '%s': %s is not a map but a %s; remove the pin"
			       " or rename the map", m->name, what,
			       !strcmp(kind, "bpf-prog") ? "program" :
			       !strcmp(kind, "bpf_link") ? "link" : kind);
	err = bl_sys_obj_get_info_by_fd(fd, &info, &len);
	if (err)
		return bl_fail(e, err, "map '%s': cannot inspect %s: %s", m->name, what,
			       bl_strerror(err, why, sizeof(why)));
	if (info.type != m->def.type) {
		have = bl_map_type_name(info.type);
		want = bl_map_type_name(m->def.type);
		return bl_fail(e, -EEXIST, "map '%s': %s exists with type %s (%u), the object"
			       " wants %s (%u); remove the pin or rename the map", m->name, what,
			       have ? have : "?", info.type, want ? want : "?", m->def.type);
	}
#define CHECK(field, label, fmt)						\
	if (info.field != m->def.field)						\
		return bl_fail(e, -EEXIST, "map '%s': %s exists with %s " fmt ", the"	\
			       " object wants " fmt "; remove the pin or rename the map", \
			       m->name, what, label, info.field, m->def.field)
	CHECK(key_size, "key size", "%u");
	CHECK(value_size, "value size", "%u");
	CHECK(max_entries, "max_entries", "%u");
	CHECK(map_flags, "flags", "%#x");
#undef CHECK
	return 0;
}
