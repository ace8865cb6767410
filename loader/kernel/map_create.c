// SPDX-License-Identifier: BSD-2-Clause
/*
 * map_create.c - BPF_MAP_CREATE for every map of an object.
 *
 * A map is a kernel object reached through a fd.  The create call takes
 * the map's shape (type, key and value size, max_entries, flags) and,
 * optionally, the BTF ids of its key and value types so that tools can
 * print entries.  Some details that shape the code below:
 *
 *  - Not every map type accepts BTF ids (perf_event_array, ringbuf,
 *    map-in-map ...), and older kernels accept fewer, so a failed create
 *    with BTF is retried without it: BTF is a nicety, not a requirement.
 *  - Map-in-map needs an example of the inner map at create time
 *    (inner_map_fd); we create a template, hand it over and close it.
 *  - Before 5.11 map memory is charged to RLIMIT_MEMLOCK and the create
 *    fails with EPERM when it runs out; we then raise the soft limit to
 *    the hard one and try once more.
 *  - Global data maps are created, filled with the section's initial
 *    bytes, frozen if read-only, and mmap'ed so that user space can see
 *    the variables as plain memory.
 *  - Maps declared with pinning = BY_NAME are looked for at
 *    <pin_root>/<name> and reused if compatible, else created and pinned.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpfload/maputil.h>

#include "kernel/kernel.h"

#define DEFAULT_PIN_ROOT "/sys/fs/bpf"

static bool btf_ids_allowed(__u32 type)
{
	switch (type) {
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
	case BPF_MAP_TYPE_CGROUP_ARRAY:
	case BPF_MAP_TYPE_STACK_TRACE:
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
	case BPF_MAP_TYPE_DEVMAP:
	case BPF_MAP_TYPE_DEVMAP_HASH:
	case BPF_MAP_TYPE_CPUMAP:
	case BPF_MAP_TYPE_XSKMAP:
	case BPF_MAP_TYPE_SOCKMAP:
	case BPF_MAP_TYPE_SOCKHASH:
	case BPF_MAP_TYPE_QUEUE:
	case BPF_MAP_TYPE_STACK:
	case BPF_MAP_TYPE_RINGBUF:
	case BPF_MAP_TYPE_USER_RINGBUF:
	case BPF_MAP_TYPE_PROG_ARRAY:
	case BPF_MAP_TYPE_REUSEPORT_SOCKARRAY:
		return false;
	default:
		return true;
	}
}


static int create_raw(const struct bl_map *m, int btf_fd, int inner_fd)
{
	struct bl_map_create_opts o = {
		.map_flags = m->def.map_flags,
		.inner_map_fd = inner_fd > 0 ? inner_fd : 0,
		.numa_node = m->def.numa_node,
		.map_extra = m->def.map_extra,
	};
	int fd;

	if (btf_fd >= 0 && btf_ids_allowed(m->def.type) &&
	    (m->btf_key_type_id || m->btf_value_type_id)) {
		o.btf_fd = btf_fd;
		o.btf_key_type_id = m->btf_key_type_id;
		o.btf_value_type_id = m->btf_value_type_id;
		fd = bl_sys_map_create(m->def.type, m->kname, m->def.key_size,
				       m->def.value_size, m->def.max_entries, &o);
		if (fd >= 0)
			return fd;
		o.btf_fd = o.btf_key_type_id = o.btf_value_type_id = 0;
	}
	fd = bl_sys_map_create(m->def.type, m->kname, m->def.key_size, m->def.value_size,
			       m->def.max_entries, &o);
	if (fd == -EPERM && bl_raise_memlock())
		fd = bl_sys_map_create(m->def.type, m->kname, m->def.key_size,
				       m->def.value_size, m->def.max_entries, &o);
	return fd;
}

static int create_fail(struct bl_object *obj, const struct bl_map *m, int err)
{
	char why[96];
	const char *hint = bl_errno_hint(err, BPF_PROG_TYPE_UNSPEC);

	return bl_obj_fail(obj, err, "map '%s' (%s, key %u, value %u, max_entries %u, flags"
			   " %#x): BPF_MAP_CREATE failed: %s%s%s", m->name,
			   bl_map_type_name(m->def.type) ? bl_map_type_name(m->def.type) : "?",
			   m->def.key_size, m->def.value_size, m->def.max_entries,
			   m->def.map_flags, bl_strerror(err, why, sizeof(why)),
			   hint ? ": " : "", hint ? hint : "");
}

/* The fd of the map's inner template, or of its legacy inner map. */
static int inner_fd(struct bl_object *obj, struct bl_map *m, size_t idx, bool *temp)
{
	int fd;

	*temp = false;
	if (m->inner) {
		fd = create_raw(m->inner, obj->btf_fd, -1);
		if (fd < 0)
			return create_fail(obj, m->inner, fd);
		*temp = true;
		return fd;
	}
	if (!m->def.has_inner_idx)
		return 0;
	if (m->def.inner_map_idx >= idx || obj->maps[m->def.inner_map_idx].fd < 0)
		return bl_obj_fail(obj, -EINVAL, "map '%s': inner_map_idx %u must name a map"
				   " defined before it", m->name, m->def.inner_map_idx);
	return obj->maps[m->def.inner_map_idx].fd;
}

/* ---- global data ---------------------------------------------------------------- */

static int init_data(struct bl_object *obj, struct bl_map *m)
{
	__u32 key = 0;
	char why[96];
	int err;

	err = bl_sys_map_update_elem(m->fd, &key, m->image, BPF_ANY);
	if (err)
		return bl_obj_fail(obj, err, "map '%s': writing the initial contents of section"
				   " '%s' failed: %s", m->name, m->sec->name,
				   bl_strerror(err, why, sizeof(why)));
	if (m->origin == BL_MAP_RODATA) {
		/* After freezing, user space cannot change the values any more,
		 * so the verifier may treat them as constants. */
		err = bl_sys_map_freeze(m->fd);
		if (err && err != -EINVAL)
			return bl_obj_fail(obj, err, "map '%s': BPF_MAP_FREEZE failed: %s",
					   m->name, bl_strerror(err, why, sizeof(why)));
	}
	if (!(m->def.map_flags & BPF_F_MMAPABLE))
		return 0;
	m->mmap_size = (m->image_size + getpagesize() - 1) & ~((size_t)getpagesize() - 1);
	m->mmaped = mmap(NULL, m->mmap_size,
			 PROT_READ | (m->origin == BL_MAP_RODATA ? 0 : PROT_WRITE),
			 MAP_SHARED, m->fd, 0);
	bl_trace_call(m->mmaped == MAP_FAILED ? -errno : 0,
		      "mmap(NULL, %zu, %s, MAP_SHARED, %d /* map '%s' */, 0)", m->mmap_size,
		      m->origin == BL_MAP_RODATA ? "PROT_READ" : "PROT_READ|PROT_WRITE",
		      m->fd, m->name);
	if (m->mmaped == MAP_FAILED)
		m->mmaped = NULL;
	return 0;
}

/* ---- pinning ------------------------------------------------------------------- */

static int pin_path(struct bl_object *obj, struct bl_map *m, const struct bl_load_opts *opts)
{
	const char *root = opts->pin_root ? opts->pin_root : DEFAULT_PIN_ROOT;
	struct bl_error e = { 0 };
	int err;

	/* the message names the map through e.msg, escaped: the name may
	 * hold control characters */
	err = bl_pin_check_name(m->name, &e);
	if (err)
		return bl_obj_fail(obj, err, "%s: a map cannot be pinned: %s", obj->name, e.msg);
	err = bl_pin_check_dir(root, &e);
	if (err)
		return bl_obj_fail(obj, err, "map '%s': cannot pin: %s", m->name, e.msg);
	if (asprintf(&m->pin_path, "%s/%s", root, m->name) < 0) {
		m->pin_path = NULL;
		return bl_obj_fail(obj, -ENOMEM, "out of memory");
	}
	return 0;
}

/*
 * What is at a pin path before BPF_OBJ_GET opens it: 0 when nothing is
 * there (-ENOENT) or a file is; an error for a symbolic link (the
 * kernel would follow it, out of the pin directory: the object's name
 * picks the path, not where it leads) or anything else.
 */
static int check_pin_path(const char *path, struct bl_error *e)
{
	struct stat st;
	char why[96];

	if (lstat(path, &st)) {
		int err = -errno;

		if (err == -ENOENT)
			return err;
		return bl_fail(e, err, "pin path %s: %s", path, bl_strerror(err, why, sizeof(why)));
	}
	if (S_ISLNK(st.st_mode))
		return bl_fail(e, -ELOOP, "pin path %s is a symbolic link; pins are not followed"
			       " out of the pin directory: remove the link", path);
	if (!S_ISREG(st.st_mode))
		return bl_fail(e, -EEXIST, "pin path %s exists and is not a pinned object (a %s);"
			       " remove it or use another pin directory", path,
			       S_ISDIR(st.st_mode) ? "directory" : "special file");
	return 0;
}

/* Reuse a pinned map if there is one; 1 when reused, 0 when absent. */
static int reuse_pinned(struct bl_object *obj, struct bl_map *m)
{
	struct bl_error e = { 0 };
	char why[96];
	int fd;

	fd = check_pin_path(m->pin_path, &e);
	if (fd == -ENOENT)
		return 0;
	if (fd)
		return bl_obj_fail(obj, fd, "map '%s': cannot reuse the pin: %s", m->name, e.msg);
	fd = bl_sys_obj_get(m->pin_path, 0);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return bl_obj_fail(obj, fd, "map '%s': opening pinned %s failed: %s", m->name,
				   m->pin_path, bl_strerror(fd, why, sizeof(why)));
	if (bl_map_check_compat(m, fd, m->pin_path, &e)) {
		close(fd);
		return bl_obj_fail(obj, e.err, "%s", e.msg);
	}
	m->fd = fd;
	m->reused = true;
	return 1;
}

static int pin_new(struct bl_object *obj, struct bl_map *m)
{
	char why[96];
	int err = bl_sys_obj_pin(m->fd, m->pin_path);

	if (err)
		return bl_obj_fail(obj, err, "map '%s': BPF_OBJ_PIN at %s failed: %s", m->name,
				   m->pin_path, bl_strerror(err, why, sizeof(why)));
	m->pinned_by_us = true;
	return 0;
}

/* ---- one map ------------------------------------------------------------------- */

static int create_one(struct bl_object *obj, size_t idx, const struct bl_load_opts *opts)
{
	struct bl_map *m = &obj->maps[idx];
	bool temp;
	int ifd, fd, err;

	if (m->def.pinning) {
		err = pin_path(obj, m, opts);
		if (!err)
			err = reuse_pinned(obj, m);
		if (err)
			return err < 0 ? err : 0;
	}
	if (m->fd >= 0)			/* bl_map_reuse_fd() or a pin */
		return 0;
	/* a perf event array needs one slot per CPU: 0 means "all of them" */
	if (m->def.type == BPF_MAP_TYPE_PERF_EVENT_ARRAY && !m->def.max_entries &&
	    bl_possible_cpus() > 0)
		m->def.max_entries = bl_possible_cpus();
	ifd = inner_fd(obj, m, idx, &temp);
	if (ifd < 0)
		return ifd;
	fd = create_raw(m, obj->btf_fd, ifd);
	/* kernels before 5.5 have no mmap-able arrays */
	if (fd == -EINVAL && m->image && (m->def.map_flags & BPF_F_MMAPABLE)) {
		m->def.map_flags &= ~BPF_F_MMAPABLE;
		fd = create_raw(m, obj->btf_fd, ifd);
	}
	if (temp)
		close(ifd);
	if (fd < 0)
		return create_fail(obj, m, fd);
	m->fd = fd;
	if (m->image && (err = init_data(obj, m)))
		return err;
	return m->def.pinning ? pin_new(obj, m) : 0;
}

static void record_id(struct bl_map *m)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);

	if (!bl_sys_obj_get_info_by_fd(m->fd, &info, &len))
		m->id = info.id;
}

void bl_maps_unpin_new(struct bl_object *obj)
{
	for (size_t i = 0; i < obj->nr_maps; i++) {
		struct bl_map *m = &obj->maps[i];

		if (m->pinned_by_us && m->pin_path) {
			unlink(m->pin_path);
			bl_trace_call(0, "unlink(\"%s\")", m->pin_path);
		}
		m->pinned_by_us = false;
	}
}

int bl_maps_create(struct bl_object *obj, const struct bl_load_opts *opts)
{
	int err = 0;

	for (size_t i = 0; i < obj->nr_maps && !err; i++) {
		err = create_one(obj, i, opts);
		if (!err)
			record_id(&obj->maps[i]);
	}
	return err;
}

/* ---- initial slots ------------------------------------------------------------------ */

int bl_maps_fill_slots(struct bl_object *obj)
{
	char why[96];

	for (size_t i = 0; i < obj->nr_maps; i++) {
		struct bl_map *m = &obj->maps[i];

		for (size_t j = 0; j < m->nr_slots; j++) {
			const struct bl_map_slot *s = &m->slots[j];
			int fd = s->is_prog ? obj->progs[s->target].fd : obj->maps[s->target].fd;
			int err;

			if (fd < 0)
				continue;	/* the program was not loaded */
			err = bl_sys_map_update_elem(m->fd, &s->index, &fd, BPF_ANY);
			if (err) {
				return bl_obj_fail(obj, err, "map '%s': setting slot %u to %s '%s'"
						   " failed: %s", m->name, s->index,
						   s->is_prog ? "program" : "map",
						   s->is_prog ? obj->progs[s->target].name :
						   obj->maps[s->target].name,
						   bl_strerror(err, why, sizeof(why)));
			}
		}
	}
	return 0;
}

void bl_map_release(struct bl_map *m)
{
	if (m->mmaped)
		munmap(m->mmaped, m->mmap_size);
	m->mmaped = NULL;
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
	m->id = 0;
	m->reused = false;
	m->pinned_by_us = false;
}
