// SPDX-License-Identifier: BSD-2-Clause
/*
 * map_iter.c - maps by fd: walking, batch dumps, per-CPU values, pins.
 *
 * Two ways to read a whole map:
 *
 *   per element    BPF_MAP_GET_NEXT_KEY then BPF_MAP_LOOKUP_ELEM, two
 *                  system calls per element; every map type with keys
 *                  and every kernel.
 *   batch (5.6+)   BPF_MAP_LOOKUP_BATCH fills arrays of keys and values,
 *                  thousands per call.  The kernel resumes from an opaque
 *                  cursor (in_batch/out_batch: a bucket number for
 *                  hashes, an index for arrays), answers -ENOENT with the
 *                  last elements when the walk is over, and -ENOSPC when
 *                  the next hash bucket alone holds more elements than we
 *                  offered room for.  Types without batch support answer
 *                  -EINVAL or -ENOTSUPP (524, the kernel-internal errno
 *                  that leaks out of bpf()), older kernels -EINVAL.
 *
 * Value layout: a lookup writes value_size bytes, except for per-CPU
 * maps, where it writes one slot per possible CPU, each value_size
 * rounded up to 8.  Batches pack those per-element buffers back to back.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <bpfload/maputil.h>
#include "kernel/kernel.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC	0xcafe4a11
#endif
#define ENOTSUPP_KERNEL	524		/* not in user headers */
#define DUMP_BATCH_MAX	65536
#define DUMP_BUF_MAX	(32u << 20)	/* bytes of keys + values per batch */

/* ---- CPUs ---------------------------------------------------------------- */

/* Parse a CPU list ("0-3,5,7-8\n"): set mask[i] for each listed i < n
 * (mask may be NULL).  Returns the highest listed id + 1, or -EINVAL. */
static int parse_cpu_list(const char *s, bool *mask, int n)
{
	int top = 0;

	while (*s && *s != '\n') {
		char *end;
		long a = strtol(s, &end, 10), b;

		if (end == s || a < 0 || a > INT_MAX - 1)
			return -EINVAL;
		b = a;
		s = end;
		if (*s == '-') {
			b = strtol(s + 1, &end, 10);
			if (end == s + 1 || b < a || b > INT_MAX - 1)
				return -EINVAL;
			s = end;
		}
		for (long i = a; mask && i <= b && i < n; i++)
			mask[i] = true;
		if (b + 1 > top)
			top = (int)b + 1;
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return -EINVAL;
	}
	return top ? top : -EINVAL;
}

/*
 * The one value this file remembers: the possible CPUs cannot change
 * while the system runs.  Two threads racing here compute the same
 * number; the relaxed atomics just keep the compiler honest.
 */
BL_API int bl_possible_cpus(void)
{
	static int cached;
	char buf[1024];
	int n = __atomic_load_n(&cached, __ATOMIC_RELAXED);

	if (n > 0)
		return n;
	n = bl_read_small("/sys/devices/system/cpu/possible", buf, sizeof(buf));
	if (n)
		return n;
	n = parse_cpu_list(buf, NULL, 0);
	if (n > 0)
		__atomic_store_n(&cached, n, __ATOMIC_RELAXED);
	return n;
}

BL_API int bl_online_cpus(bool *online, int n)
{
	char buf[1024];
	int err = bl_read_small("/sys/devices/system/cpu/online", buf, sizeof(buf)), count = 0;

	if (err)
		return err;
	memset(online, 0, (size_t)n * sizeof(*online));
	err = parse_cpu_list(buf, online, n);
	if (err < 0)
		return err;
	for (int i = 0; i < n; i++)
		count += online[i];
	return count;
}

BL_API bool bl_map_type_percpu(__u32 type)
{
	switch (type) {
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
		return true;
	default:
		return false;
	}
}

static size_t stride(__u32 value_size)
{
	return ((size_t)value_size + 7) & ~(size_t)7;
}

BL_API size_t bl_percpu_buf_size(__u32 value_size)
{
	int n = bl_possible_cpus();

	return n > 0 ? (size_t)n * stride(value_size) : 0;
}

BL_API void *bl_percpu_value(const void *values, __u32 value_size, unsigned int cpu)
{
	return (unsigned char *)values + cpu * stride(value_size);
}

static __u64 read_uint(const unsigned char *p, __u32 size)
{
	__u8 v1;
	__u16 v2;
	__u32 v4;
	__u64 v8;

	switch (size) {
	case 1: memcpy(&v1, p, 1); return v1;
	case 2: memcpy(&v2, p, 2); return v2;
	case 4: memcpy(&v4, p, 4); return v4;
	case 8: memcpy(&v8, p, 8); return v8;
	default: return 0;
	}
}

BL_API __u64 bl_percpu_sum_field(const void *values, __u32 value_size, __u32 offset,
				 __u32 size)
{
	int n = bl_possible_cpus();
	__u64 sum = 0;

	if (offset > value_size || size > value_size - offset)
		return 0;
	for (int i = 0; i < n; i++) {
		const unsigned char *v = bl_percpu_value(values, value_size, (unsigned int)i);

		sum += read_uint(v + offset, size);
	}
	return sum;
}

BL_API __u64 bl_percpu_sum(const void *values, __u32 value_size)
{
	return bl_percpu_sum_field(values, value_size, 0, value_size);
}

BL_API int bl_percpu_sum_u64s(const void *values, __u32 value_size, __u64 *out)
{
	int n = bl_possible_cpus();
	__u32 fields = value_size / 8;

	if (!value_size || value_size % 8 || n < 0)
		return -EINVAL;
	memset(out, 0, fields * sizeof(*out));
	for (int i = 0; i < n; i++) {
		const unsigned char *v = bl_percpu_value(values, value_size, (unsigned int)i);

		for (__u32 f = 0; f < fields; f++)
			out[f] += read_uint(v + f * 8, 8);
	}
	return 0;
}

/* ---- describing ---------------------------------------------------------- */

BL_API int bl_map_describe(int fd, struct bl_map_desc *d, struct bl_error *e)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	char why[96];
	int err, n;

	memset(d, 0, sizeof(*d));
	memset(&info, 0, sizeof(info));
	err = bl_sys_obj_get_info_by_fd(fd, &info, &len);
	if (err)
		return bl_fail(e, err, "map fd %d: BPF_OBJ_GET_INFO_BY_FD failed: %s", fd,
			       bl_strerror(err, why, sizeof(why)));
	d->id = info.id;
	d->type = info.type;
	d->key_size = info.key_size;
	d->value_size = info.value_size;
	d->max_entries = info.max_entries;
	d->map_flags = info.map_flags;
	memcpy(d->name, info.name, sizeof(d->name));
	d->name[sizeof(d->name) - 1] = '\0';
	d->percpu = bl_map_type_percpu(info.type);
	d->ncpus = 1;
	d->value_buf_size = info.value_size;
	if (d->percpu) {
		n = bl_possible_cpus();
		if (n < 0)
			return bl_fail(e, n, "cannot read /sys/devices/system/cpu/possible");
		d->ncpus = (unsigned int)n;
		d->value_buf_size = (size_t)n * stride(info.value_size);
	}
	return 0;
}

/* ---- walking ------------------------------------------------------------- */

static size_t at_least1(size_t n)
{
	return n ? n : 1;
}

BL_API int bl_map_for_each_key(int fd, bl_map_key_fn fn, void *ctx)
{
	struct bl_map_desc d;
	unsigned char *a, *b;
	void *prev = NULL;
	int err, count = 0;

	err = bl_map_describe(fd, &d, NULL);
	if (err)
		return err;
	a = malloc(at_least1(d.key_size));
	b = malloc(at_least1(d.key_size));
	if (!a || !b) {
		free(a);
		free(b);
		return -ENOMEM;
	}
	for (;;) {
		unsigned char *next = prev == a ? b : a;

		err = bl_sys_map_get_next_key(fd, prev, next);
		if (err == -ENOENT) {
			err = 0;
			break;
		}
		if (err)
			break;
		count++;
		err = fn(ctx, next);
		if (err)
			break;
		prev = next;
	}
	free(a);
	free(b);
	return err < 0 ? err : count;
}

static bool batch_unsupported(int err)
{
	return err == -EINVAL || err == -ENOTSUPP_KERNEL || err == -EOPNOTSUPP;
}

/* The per-element walk.  A key deleted between GET_NEXT_KEY and the
 * lookup is skipped. */
static int dump_elems(int fd, const struct bl_map_desc *d, bl_map_elem_fn fn, void *ctx,
		      struct bl_map_dump_stats *st)
{
	unsigned char *a = malloc(at_least1(d->key_size));
	unsigned char *b = malloc(at_least1(d->key_size));
	unsigned char *val = malloc(at_least1(d->value_buf_size));
	void *prev = NULL;
	int err;

	if (!a || !b || !val) {
		err = -ENOMEM;
		goto out;
	}
	for (;;) {
		unsigned char *next = prev == a ? b : a;

		err = bl_sys_map_get_next_key(fd, prev, next);
		st->calls++;
		if (err == -ENOENT) {
			err = 0;
			break;
		}
		if (err)
			break;
		prev = next;
		err = bl_sys_map_lookup_elem(fd, next, val, 0);
		st->calls++;
		if (err == -ENOENT)
			continue;
		if (err)
			break;
		st->elems++;
		err = fn(ctx, next, val);
		if (err)
			break;
	}
out:
	free(a);
	free(b);
	free(val);
	return err;
}

/*
 * The batch walk.  With snap set, batches land straight in the
 * snapshot's arrays (grown ahead of each call) and fn is not called:
 * no copy per element.
 */
static int dump_batch(int fd, const struct bl_map_desc *d, __u32 batch, bl_map_elem_fn fn,
		      void *ctx, struct bl_map_snapshot *snap, size_t *snap_cap,
		      struct bl_map_dump_stats *st)
{
	/* The cursor is a u32 bucket or index, or a key: room for both. */
	size_t tok = d->key_size > 8 ? d->key_size : 8;
	size_t ks = at_least1(d->key_size), vs = at_least1(d->value_buf_size);
	unsigned char *keys = NULL, *vals = NULL, *in = NULL, *out = NULL, *t;
	void *cursor = NULL;
	int err, idle = 0;

	in = calloc(1, tok);
	out = calloc(1, tok);
	if (!in || !out)
		goto nomem;
	for (;;) {
		__u32 count = batch;

		if (snap) {
			if (*snap_cap - snap->count < batch) {
				/* first guess: the whole map, if that is not huge */
				size_t cap = *snap_cap ? *snap_cap :
					     (size_t)d->max_entries * (ks + vs) <= DUMP_BUF_MAX * 2 &&
					     d->max_entries > batch ? d->max_entries : batch;
				void *p;

				while (cap - snap->count < batch)
					cap *= 2;
				p = realloc(snap->keys, cap * ks);
				if (!p)
					goto nomem;
				snap->keys = p;
				p = realloc(snap->values, cap * vs);
				if (!p)
					goto nomem;
				snap->values = p;
				*snap_cap = cap;
			}
			keys = (unsigned char *)snap->keys + snap->count * d->key_size;
			vals = (unsigned char *)snap->values + snap->count * d->value_buf_size;
		} else if (!keys) {
			keys = malloc((size_t)batch * ks);
			vals = malloc((size_t)batch * vs);
			if (!keys || !vals)
				goto nomem;
		}
		err = bl_sys_map_lookup_batch(fd, cursor, out, keys, vals, &count, 0);
		st->calls++;
		if (err == -ENOSPC && count == 0 && batch < UINT_MAX / 2) {
			/* a hash bucket holds more than batch elements */
			batch *= 2;
			if (!snap) {
				free(keys);
				free(vals);
				keys = vals = NULL;
			}
			continue;
		}
		if (err && err != -ENOENT)
			goto out;
		if (count > batch)
			count = batch;	/* never trust a count past our arrays */
		if (snap) {
			snap->count += count;
			st->elems += count;
		}
		for (__u32 i = 0; !snap && i < count; i++) {
			int r = fn(ctx, keys + (size_t)i * d->key_size,
				   vals + (size_t)i * d->value_buf_size);

			st->elems++;
			if (r) {
				err = r;
				goto out;
			}
		}
		if (err == -ENOENT) {
			err = 0;
			break;
		}
		/* A successful call that returns nothing should not happen;
		 * don't loop forever if a kernel does it. */
		if (!count && ++idle > 64) {
			err = -EIO;
			break;
		}
		if (count)
			idle = 0;
		t = in;
		in = out;
		out = t;
		cursor = in;
	}
	goto out;
nomem:
	err = -ENOMEM;
out:
	if (!snap) {
		free(keys);
		free(vals);
	}
	free(in);
	free(out);
	return err;
}

struct snap_ctx {
	struct bl_map_snapshot *s;
	size_t cap;
};

/* The one walk behind bl_map_dump() and bl_map_snapshot(). */
static int dump(int fd, bl_map_elem_fn fn, void *ctx, struct snap_ctx *sc,
		const struct bl_map_dump_opts *o)
{
	struct bl_map_dump_stats st = { 0 };
	struct bl_map_desc d;
	__u32 batch;
	int err;

	err = bl_map_describe(fd, &d, NULL);
	if (err)
		return err;
	batch = o && o->batch ? o->batch : d.max_entries < DUMP_BATCH_MAX ?
		d.max_entries : DUMP_BATCH_MAX;
	if (!o || !o->batch) {
		size_t per = at_least1(d.key_size) + at_least1(d.value_buf_size);

		if ((size_t)batch * per > DUMP_BUF_MAX)
			batch = (__u32)(DUMP_BUF_MAX / per);
	}
	if (!batch)
		batch = 1;
	if (o && o->no_batch) {
		st.fallback_err = -EOPNOTSUPP;
	} else {
		st.batched = true;
		err = dump_batch(fd, &d, batch, fn, ctx, sc ? sc->s : NULL,
				 sc ? &sc->cap : NULL, &st);
		/* Only a refusal of the first call means "no batches here":
		 * once elements were delivered, a failure is a failure. */
		if (!(batch_unsupported(err) && st.elems == 0))
			goto done;
		st.batched = false;
		st.fallback_err = err;
	}
	err = dump_elems(fd, &d, fn, ctx, &st);
done:
	if (o && o->stats)
		*o->stats = st;
	if (err)
		return err;
	return st.elems > INT_MAX ? INT_MAX : (int)st.elems;
}

BL_API int bl_map_dump(int fd, bl_map_elem_fn fn, void *ctx, const struct bl_map_dump_opts *o)
{
	return dump(fd, fn, ctx, NULL, o);
}

static int snap_add(void *ctx, const void *key, const void *value)
{
	struct snap_ctx *c = ctx;
	struct bl_map_snapshot *s = c->s;
	size_t ks = s->desc.key_size, vs = s->desc.value_buf_size;

	if (s->count == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		void *k = realloc(s->keys, cap * at_least1(ks));
		void *v;

		if (!k)
			return -ENOMEM;
		s->keys = k;
		v = realloc(s->values, cap * at_least1(vs));
		if (!v)
			return -ENOMEM;
		s->values = v;
		c->cap = cap;
	}
	memcpy((unsigned char *)s->keys + s->count * ks, key, ks);
	memcpy((unsigned char *)s->values + s->count * vs, value, vs);
	s->count++;
	return 0;
}

BL_API int bl_map_snapshot(int fd, struct bl_map_snapshot *s, const struct bl_map_dump_opts *o)
{
	struct snap_ctx c = { .s = s };
	int err;

	memset(s, 0, sizeof(*s));
	err = bl_map_describe(fd, &s->desc, NULL);
	if (err)
		return err;
	err = dump(fd, snap_add, &c, &c, o);
	if (err < 0) {
		bl_map_snapshot_free(s);
		return err;
	}
	return 0;
}

BL_API void bl_map_snapshot_free(struct bl_map_snapshot *s)
{
	if (!s)
		return;
	free(s->keys);
	free(s->values);
	s->keys = s->values = NULL;
	s->count = 0;
}

/* ---- pins ---------------------------------------------------------------- */

/* Is fd a BPF map?  The fd's file is an anon inode named "bpf-map". */
static bool fd_is_map(int fd)
{
	char link[64], target[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return true;	/* no /proc: let the info call decide */
	target[n] = '\0';
	return !strcmp(target, "anon_inode:bpf-map");
}

BL_API int bl_obj_pin_checked(int fd, const char *path, struct bl_error *e)
{
	char dir[PATH_MAX], why[96];
	struct statfs sfs;
	struct stat st;
	int err;

	if (strlen(path) >= sizeof(dir))
		return bl_fail(e, -ENAMETOOLONG, "pin path %s is too long", path);
	strcpy(dir, path);
	if (statfs(dirname(dir), &sfs)) {
		err = -errno;
		return bl_fail(e, err, "cannot pin at %s: directory %s: %s", path, dir,
			       bl_strerror(err, why, sizeof(why)));
	}
	if ((unsigned long)sfs.f_type != BPF_FS_MAGIC)
		return bl_fail(e, -EINVAL, "cannot pin at %s: %s is not on a BPF filesystem"
			       " (mount one with: mount -t bpf bpf /sys/fs/bpf)", path, dir);
	if (!lstat(path, &st))
		return bl_fail(e, -EEXIST, "cannot pin at %s: something is pinned there"
			       " already; reuse it or remove it (rm %s)", path, path);
	err = bl_sys_obj_pin(fd, path);
	if (err)
		return bl_fail(e, err, "BPF_OBJ_PIN of fd %d at %s failed: %s", fd, path,
			       bl_strerror(err, why, sizeof(why)));
	return 0;
}

BL_API int bl_map_check_fd(int fd, const struct bl_map_want *w, const char *what,
			   struct bl_error *e)
{
	struct bl_map_desc d;
	const char *tn, *wn;
	int err;

	if (!what)
		what = "the map";
	if (!fd_is_map(fd))
		return bl_fail(e, -EINVAL, "%s is not a map", what);
	err = bl_map_describe(fd, &d, e);
	if (err || !w)
		return err;
	if (w->type && d.type != w->type) {
		tn = bl_map_type_name(d.type);
		wn = bl_map_type_name(w->type);
		return bl_fail(e, -EEXIST, "%s ('%s') is a %s (%u), expected %s (%u)", what,
			       d.name, tn ? tn : "?", d.type, wn ? wn : "?", w->type);
	}
#define CHECK(field, label)							\
	if (w->field && d.field != w->field)					\
		return bl_fail(e, -EEXIST, "%s ('%s') has " label " %u, expected %u", \
			       what, d.name, d.field, w->field)
	CHECK(key_size, "key size");
	CHECK(value_size, "value size");
	CHECK(max_entries, "max_entries");
#undef CHECK
	if (w->check_flags && d.map_flags != w->map_flags)
		return bl_fail(e, -EEXIST, "%s ('%s') has map_flags %#x, expected %#x", what,
			       d.name, d.map_flags, w->map_flags);
	return 0;
}

BL_API int bl_map_open_pinned(const char *path, const struct bl_map_want *w, __u32 file_flags,
			      struct bl_error *e)
{
	char what[PATH_MAX + 32], why[96];
	int fd = bl_sys_obj_get(path, file_flags), err;

	if (fd == -ENOENT)
		return bl_fail(e, fd, "nothing is pinned at %s", path);
	if (fd < 0)
		return bl_fail(e, fd, "BPF_OBJ_GET %s failed: %s", path,
			       bl_strerror(fd, why, sizeof(why)));
	snprintf(what, sizeof(what), "the object pinned at %s", path);
	err = bl_map_check_fd(fd, w, what, e);
	if (err) {
		close(fd);
		if (err == -EEXIST)
			bl_fail_append(e, "; remove the pin (rm %s) or change the definition to"
				       " match", path);
		return err;
	}
	return fd;
}

BL_API int bl_map_reuse_pinned(struct bl_map *map, const char *path, struct bl_error *e)
{
	struct bl_map_want w = {
		.type = bl_map_type(map),
		.key_size = bl_map_key_size(map),
		.value_size = bl_map_value_size(map),
		.max_entries = bl_map_max_entries(map),
		.map_flags = bl_map_flags(map),
		.check_flags = true,
	};
	char what[PATH_MAX + 64];
	int fd, err;

	/* ringbuf and friends have no key or value: 0 must match 0 here */
	fd = bl_sys_obj_get(path, 0);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return bl_fail(e, fd, "map '%s': BPF_OBJ_GET %s failed", bl_map_name(map), path);
	snprintf(what, sizeof(what), "map '%s': the map pinned at %s", bl_map_name(map), path);
	err = bl_map_check_fd(fd, &w, what, e);
	if (!err) {
		struct bl_map_desc d;

		/* zero sizes in w mean "don't care" to the check: compare them */
		bl_map_describe(fd, &d, NULL);
		if (d.key_size != w.key_size || d.value_size != w.value_size)
			err = bl_fail(e, -EEXIST, "%s has key/value sizes %u/%u, the object"
				      " wants %u/%u", what, d.key_size, d.value_size,
				      w.key_size, w.value_size);
	}
	if (!err) {
		err = bl_map_reuse_fd(map, fd);
		if (err)
			bl_fail(e, err, "map '%s': cannot reuse the map pinned at %s (the object"
				" is loaded already?)", bl_map_name(map), path);
	}
	close(fd);
	if (err == -EEXIST)
		bl_fail_append(e, "; remove the pin (rm %s) or rename the map", path);
	return err ? err : 1;
}
