// SPDX-License-Identifier: BSD-2-Clause
/*
 * bpf_load.c - the old samples/bpf loader interface (include/bpf_load.h)
 * over bpfload's object API.
 *
 * load_bpf_file() is bl_object_open() + bl_object_load() + one attach per
 * program, with the results copied into the global arrays the old
 * samples read.  The objects are never closed: as with the old loader,
 * what a sample loaded stays until it exits.  A call that fails releases
 * what it made and leaves the globals as they were.
 *
 * This file is part of the library, so it may look inside a link (the
 * perf event fd behind a perf link, which the public API does not give)
 * and at a map's definition (the offset and the fields the fixup
 * callback may change).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_link.h>

#include <bpf_load.h>
#include <bpfload.h>
#include <bpfload/attach.h>
#include <bpfload/events.h>

#include "kernel/attach_priv.h"

BL_API int map_fd[MAX_MAPS];
BL_API struct bpf_map_data map_data[MAX_MAPS];
BL_API int map_data_count;
BL_API int prog_fd[MAX_PROGS];
BL_API int event_fd[MAX_PROGS];
BL_API int prog_cnt;
BL_API char bpf_log_buf[BPF_LOG_BUF_SIZE];

/* The objects loaded so far: kept open until the process exits. */
static struct bl_object **kept;
static size_t nr_kept;

/* What a call may change, saved so that a failure can put it back. */
struct globals {
	int map_fd[MAX_MAPS];
	struct bpf_map_data map_data[MAX_MAPS];
	int map_data_count;
	int prog_fd[MAX_PROGS];
	int event_fd[MAX_PROGS];
	int prog_cnt;
};

static void save_globals(struct globals *g)
{
	memcpy(g->map_fd, map_fd, sizeof(map_fd));
	memcpy(g->map_data, map_data, sizeof(map_data));
	g->map_data_count = map_data_count;
	memcpy(g->prog_fd, prog_fd, sizeof(prog_fd));
	memcpy(g->event_fd, event_fd, sizeof(event_fd));
	g->prog_cnt = prog_cnt;
}

static void restore_globals(const struct globals *g)
{
	memcpy(map_fd, g->map_fd, sizeof(map_fd));
	memcpy(map_data, g->map_data, sizeof(map_data));
	map_data_count = g->map_data_count;
	memcpy(prog_fd, g->prog_fd, sizeof(prog_fd));
	memcpy(event_fd, g->event_fd, sizeof(event_fd));
	prog_cnt = g->prog_cnt;
}

/* ---- maps ----------------------------------------------------------------------- */

/* map_fd[] order: the legacy "maps" section by offset (the object keeps
 * those sorted), then every other map in object order. */
static int order_maps(struct bl_object *obj, struct bl_map **order, const char *path)
{
	size_t n = bl_object_map_count(obj), k = 0;

	if (n > MAX_MAPS) {
		fprintf(stderr, "load_bpf_file: %s: %zu maps, but bpf_load.h holds at most"
			" MAX_MAPS (%d)\n", path, n, MAX_MAPS);
		return -E2BIG;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			struct bl_map *m = bl_object_map(obj, i);

			if ((bl_map_origin(m) == BL_MAP_LEGACY) == (pass == 0))
				order[k++] = m;
		}
	}
	return (int)k;
}

static void fill_map_data(struct bpf_map_data *d, const struct bl_map *m)
{
	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->name = (char *)bl_map_name(m);
	d->elf_offset = m->origin == BL_MAP_LEGACY ? m->sec_off : 0;
	d->def.type = m->def.type;
	d->def.key_size = m->def.key_size;
	d->def.value_size = m->def.value_size;
	d->def.max_entries = m->def.max_entries;
	d->def.map_flags = m->def.map_flags;
	d->def.inner_map_idx = m->def.inner_map_idx;
	d->def.numa_node = m->def.numa_node;
}

/* Apply what a fixup callback changed in d to the map. */
static int apply_fixup(struct bl_map *m, const struct bpf_map_data *d, const char *path)
{
	char why[96];
	int err;

	m->def.type = d->def.type;
	m->def.key_size = d->def.key_size;
	m->def.value_size = d->def.value_size;
	m->def.numa_node = d->def.numa_node;
	if (m->def.has_inner_idx)
		m->def.inner_map_idx = d->def.inner_map_idx;
	err = 0;
	if (d->def.max_entries != bl_map_max_entries(m))
		err = bl_map_set_max_entries(m, d->def.max_entries);
	if (!err && d->def.map_flags != bl_map_flags(m))
		err = bl_map_set_flags(m, d->def.map_flags);
	if (!err && d->fd != -1)
		err = bl_map_reuse_fd(m, d->fd);
	if (err)
		fprintf(stderr, "load_bpf_file: %s: map '%s': the fixup callback's changes cannot"
			" be applied: %s\n", path, bl_map_name(m),
			bl_strerror(err, why, sizeof(why)));
	return err;
}

/* ---- programs ------------------------------------------------------------------- */

/* Sections of a type the old loader (and bpfload) does not know are
 * skipped, as the old loader skipped them. */
static void select_programs(struct bl_object *obj)
{
	for (size_t i = 0; i < bl_object_program_count(obj); i++) {
		struct bl_program *p = bl_object_program(obj, i);

		if (bl_program_type(p) == BPF_PROG_TYPE_UNSPEC)
			bl_program_set_autoload(p, false);
	}
}

/* "kprobe/3", "tracepoint/3", "socket/3": slot 3 of the prog array.
 * Returns the slot, or -1 for other sections. */
static long tail_call_slot(const char *sec)
{
	static const char *const prefixes[] = { "kprobe/", "kretprobe/", "tracepoint/",
						"socket/" };

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);
		char *end;
		long slot;

		if (strncmp(sec, prefixes[i], n) || !isdigit((unsigned char)sec[n]))
			continue;
		slot = strtol(sec + n, &end, 10);
		return *end ? -1 : slot;
	}
	return -1;
}

/* The old loader used the last PROG_ARRAY of the maps section. */
static int prog_array(const struct bl_object *obj)
{
	int fd = -1;

	for (size_t i = 0; i < bl_object_map_count(obj); i++) {
		const struct bl_map *m = bl_object_map(obj, i);

		if (bl_map_type(m) == BPF_MAP_TYPE_PROG_ARRAY)
			fd = bl_map_fd(m);
	}
	return fd;
}

/* event_fd[]: the perf event fd (what the old loader stored), else the
 * raw tracepoint fd, else -1. */
static int link_event_fd(const struct bl_link *link)
{
	if (link->nr_perf)
		return link->perf[0].pfd;
	return link->fd;
}

static int attach_one(struct bl_object *obj, struct bl_program *p, const char *path,
		      int *efd)
{
	struct bl_error err = { 0 };
	struct bl_link *link;
	long slot = tail_call_slot(bl_program_section(p));
	char why[96];
	int fd = bl_program_fd(p), pa, ret;

	*efd = -1;
	if (slot >= 0) {
		__u32 key = (__u32)slot;

		pa = prog_array(obj);
		if (pa < 0) {
			fprintf(stderr, "load_bpf_file: %s: program '%s' (section '%s') goes into"
				" slot %ld of a BPF_MAP_TYPE_PROG_ARRAY, but the object defines"
				" none\n", path, bl_program_name(p), bl_program_section(p), slot);
			return -ENOENT;
		}
		ret = bl_sys_map_update_elem(pa, &key, &fd, BPF_ANY);
		if (ret)
			fprintf(stderr, "load_bpf_file: %s: program '%s' (section '%s'): setting"
				" slot %ld of the prog array failed: %s\n", path,
				bl_program_name(p), bl_program_section(p), slot,
				bl_strerror(ret, why, sizeof(why)));
		return ret;
	}
	/* The old loader attached kprobes, tracepoints and raw tracepoints;
	 * newer names that say where, like tp/, raw_tp/ or uprobe/PATH:FUNC,
	 * are attached as well. */
	if (!bl_program_attachable(p))
		return 0;
	link = bl_program_attach(p, &err);
	if (!link) {
		fprintf(stderr, "load_bpf_file: %s: program '%s' (section '%s') loaded, but"
			" attaching it failed, so the whole load fails (as with the old"
			" loader):\n  %s\n", path, bl_program_name(p), bl_program_section(p),
			err.msg);
		return err.err ? err.err : -EINVAL;
	}
	*efd = link_event_fd(link);
	return 0;
}

/* ---- failure reports -------------------------------------------------------------- */

/* The verifier's log of the program that failed, into bpf_log_buf, and
 * printed as the old loader printed it. */
static void report_load_failure(struct bl_object *obj, int err, const char *path)
{
	for (size_t i = 0; i < bl_object_program_count(obj); i++) {
		const char *log = bl_program_log(bl_object_program(obj, i));

		if (!log)
			continue;
		snprintf(bpf_log_buf, sizeof(bpf_log_buf), "%s", log);
		printf("bpf_load_program() err=%d\n%s", -err, bpf_log_buf);
		fflush(stdout);
		break;
	}
	fprintf(stderr, "load_bpf_file: %s: %s\n", path, bl_object_error(obj));
}

/* ---- load_bpf_file ----------------------------------------------------------------- */

static int keep(struct bl_object *obj)
{
	struct bl_object **v = realloc(kept, (nr_kept + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	kept = v;
	kept[nr_kept++] = obj;
	return 0;
}

static int do_load(const char *path, fixup_map_cb fixup)
{
	struct bl_load_opts opts = { .log_max = BPF_LOG_BUF_SIZE };
	struct bl_map *order[MAX_MAPS];
	struct bpf_map_data data[MAX_MAPS];
	struct bl_error oerr = { 0 };
	struct bl_object *obj;
	struct globals saved;
	int nr_maps, err;

	bpf_log_buf[0] = '\0';
	obj = bl_object_open(path, NULL, &oerr);
	if (!obj) {
		fprintf(stderr, "load_bpf_file: %s\n", oerr.msg);
		return 1;
	}
	save_globals(&saved);
	nr_maps = order_maps(obj, order, path);
	if (nr_maps < 0)
		goto fail;
	select_programs(obj);
	for (int i = 0; i < nr_maps; i++) {
		fill_map_data(&data[i], order[i]);
		if (fixup) {
			fixup(&data[i], i);
			if (apply_fixup(order[i], &data[i], path))
				goto fail;
		}
	}
	err = bl_object_load(obj, &opts);
	if (err) {
		report_load_failure(obj, err, path);
		goto fail;
	}
	for (size_t i = 0; i < bl_object_program_count(obj); i++) {
		struct bl_program *p = bl_object_program(obj, i);
		int efd;

		if (bl_program_fd(p) < 0)
			continue;
		if (prog_cnt >= MAX_PROGS) {
			fprintf(stderr, "load_bpf_file: %s: more than MAX_PROGS (%d) programs loaded"
				" through bpf_load.h\n", path, MAX_PROGS);
			goto fail;
		}
		if (attach_one(obj, p, path, &efd))
			goto fail;
		prog_fd[prog_cnt] = bl_program_fd(p);
		event_fd[prog_cnt] = efd;
		prog_cnt++;
	}
	if (keep(obj)) {
		fprintf(stderr, "load_bpf_file: %s: out of memory\n", path);
		goto fail;
	}
	for (int i = 0; i < nr_maps; i++) {
		map_data[i] = data[i];
		map_data[i].fd = map_fd[i] = bl_map_fd(order[i]);
	}
	for (int i = nr_maps; i < MAX_MAPS; i++) {
		memset(&map_data[i], 0, sizeof(map_data[i]));
		map_fd[i] = 0;
	}
	map_data_count = nr_maps;
	return 0;
fail:
	restore_globals(&saved);
	bl_object_close(obj);
	return 1;
}

BL_API int load_bpf_file(char *path)
{
	return do_load(path, NULL);
}

BL_API int load_bpf_file_fixup_map(const char *path, fixup_map_cb fixup_map)
{
	return do_load(path, fixup_map);
}

/* ---- read_trace_pipe ----------------------------------------------------------------- */

static int print_line(void *ctx, const char *line, size_t len)
{
	(void)ctx;
	fwrite(line, 1, len, stdout);
	putchar('\n');
	fflush(stdout);
	return 0;
}

BL_API void read_trace_pipe(void)
{
	struct bl_error err = { 0 };
	struct bl_trace_pipe *tp = bl_trace_pipe_open(NULL, &err);
	char why[96];
	int ret;

	if (!tp) {
		fprintf(stderr, "read_trace_pipe: %s\n", err.msg);
		return;
	}
	/* forever: only a reader error ends it (a signal's handler may run
	 * and return, as with the old loop) */
	do {
		ret = bl_trace_pipe_run(tp, -1, NULL, print_line, NULL);
	} while (ret >= 0);
	fprintf(stderr, "read_trace_pipe: reading %s failed: %s\n", bl_trace_pipe_path(tp),
		bl_strerror(ret, why, sizeof(why)));
	bl_trace_pipe_close(tp);
}

/* ---- XDP, the old way ------------------------------------------------------------------ */

BL_API int bpf_set_link_xdp_fd(int ifindex, int fd, __u32 flags)
{
	char ext[256] = "";
	int err = bl_nl_xdp_set(ifindex, fd, -1, flags & ~XDP_FLAGS_REPLACE, ext, sizeof(ext));

	if (err) {
		if (ext[0])
			fprintf(stderr, "bpf_set_link_xdp_fd: ifindex %d: %s\n", ifindex, ext);
		errno = -err;
		return err;
	}
	return 0;
}
