// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_maputil.c - map helpers by fd: describe, walk, batch dump with its
 * per-element fallback, per-CPU values, pinning and reusing pins.
 *
 *   - batch and per-element dumps give identical contents on HASH, ARRAY,
 *     PERCPU_HASH, PERCPU_ARRAY and LRU_HASH maps, including with tiny
 *     batches (cursor continuation) and batch 1 on a hash (-ENOSPC: the
 *     batch grows by itself);
 *   - an LPM trie, which has no batch operations, is dumped through the
 *     automatic fallback (and no_batch forces the fallback anywhere);
 *   - per-CPU: values written per CPU from user space sum correctly, and
 *     tests/objs/events_maps.o counting our getppid() calls on CPU 0 and
 *     CPU 1 shows n0 and n1 in the per-CPU view and n0 + n1 in the sums;
 *   - pins, in a private bpffs directory: pin, refuse to pin over a pin,
 *     open with a compatible description, refuse incompatible ones with a
 *     message naming the difference, refuse a program pin, refuse a
 *     directory outside bpffs, reuse a pin for an object's map before
 *     load (same kernel map), refuse when the definition differs;
 *   - nothing is left open or pinned.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/maputil.h>
#include <bpfload/sys.h>
#include "tap.h"
#include "testutil.h"

static __u32 rnd_state = 12345;

static __u32 rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 1;
}

/* ---- comparing snapshots --------------------------------------------------- */

static size_t cmp_ks;

static int cmp_key(const void *a, const void *b)
{
	return memcmp(a, b, cmp_ks);
}

/* Sort the (key, value) pairs of a snapshot by key bytes. */
static void sort_snap(struct bl_map_snapshot *s)
{
	size_t ks = s->desc.key_size, vs = s->desc.value_buf_size, rec = ks + vs;
	unsigned char *tmp = malloc(s->count * rec + 1);

	for (size_t i = 0; i < s->count; i++) {
		memcpy(tmp + i * rec, (unsigned char *)s->keys + i * ks, ks);
		memcpy(tmp + i * rec + ks, (unsigned char *)s->values + i * vs, vs);
	}
	cmp_ks = ks;
	qsort(tmp, s->count, rec, cmp_key);
	for (size_t i = 0; i < s->count; i++) {
		memcpy((unsigned char *)s->keys + i * ks, tmp + i * rec, ks);
		memcpy((unsigned char *)s->values + i * vs, tmp + i * rec + ks, vs);
	}
	free(tmp);
}

static bool same_snap(struct bl_map_snapshot *a, struct bl_map_snapshot *b)
{
	sort_snap(a);
	sort_snap(b);
	return a->count == b->count && a->desc.value_buf_size == b->desc.value_buf_size &&
	       !memcmp(a->keys, b->keys, a->count * a->desc.key_size) &&
	       !memcmp(a->values, b->values, a->count * a->desc.value_buf_size);
}

/* Fill a map with n elements; per-CPU values differ per CPU. */
static int fill(int fd, __u32 type, __u32 n, __u32 value_size)
{
	size_t vb = bl_map_type_percpu(type) ? bl_percpu_buf_size(value_size) : value_size;
	unsigned char *val = calloc(1, vb);
	bool array = type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY;
	int err = 0;

	for (__u32 i = 0; i < n && !err; i++) {
		__u32 key = array ? i : rnd();

		for (size_t b = 0; b < vb; b++)
			val[b] = (unsigned char)rnd();
		err = bl_sys_map_update_elem(fd, &key, val, BPF_ANY);
	}
	free(val);
	return err;
}

static void compare_dumps(const char *name, __u32 type, __u32 max, __u32 n, __u32 vsize)
{
	struct bl_map_snapshot b = { 0 }, p = { 0 }, t = { 0 }, one = { 0 };
	struct bl_map_dump_stats sb = { 0 }, sp = { 0 }, st = { 0 }, s1 = { 0 };
	struct bl_map_dump_opts ob = { .stats = &sb }, op = { .no_batch = true, .stats = &sp };
	struct bl_map_dump_opts ot = { .batch = 7, .stats = &st };
	struct bl_map_dump_opts o1 = { .batch = 1, .stats = &s1 };
	int fd = bl_sys_map_create(type, "t_maputil", 4, vsize, max, NULL), err;

	if (!ok(fd >= 0, "%s: create (%u entries)", name, max))
		return;
	err = fill(fd, type, n, vsize);
	is_int(err, 0, "%s: fill %u elements", name, n);
	is_int(bl_map_snapshot(fd, &b, &ob), 0, "%s: batch snapshot", name);
	is_int(bl_map_snapshot(fd, &p, &op), 0, "%s: per-element snapshot", name);
	is_int(bl_map_snapshot(fd, &t, &ot), 0, "%s: snapshot in batches of 7", name);
	ok(sb.batched && !sp.batched && st.batched, "%s: the batch path was taken (and not with"
	   " no_batch)", name);
	ok(sb.elems == b.count && b.count == (type == BPF_MAP_TYPE_ARRAY ||
	   type == BPF_MAP_TYPE_PERCPU_ARRAY ? max : n) , "%s: %zu elements", name, b.count);
	ok(sb.calls < sp.calls / 10 + 3, "%s: batches took %llu calls, per element %llu", name,
	   (unsigned long long)sb.calls, (unsigned long long)sp.calls);
	ok(same_snap(&b, &p), "%s: batch and per-element dumps are identical", name);
	ok(same_snap(&b, &t), "%s: batches of 7 give the same", name);
	if (type == BPF_MAP_TYPE_HASH || type == BPF_MAP_TYPE_PERCPU_HASH) {
		is_int(bl_map_snapshot(fd, &one, &o1), 0, "%s: snapshot asking for batches of 1",
		       name);
		ok(same_snap(&b, &one), "%s: batches of 1 (grown on -ENOSPC) give the same", name);
		bl_map_snapshot_free(&one);
	}
	bl_map_snapshot_free(&b);
	bl_map_snapshot_free(&p);
	bl_map_snapshot_free(&t);
	close(fd);
}

static int count_key(void *ctx, const void *key)
{
	(*(int *)ctx)++;
	return 0;
}

/* LPM trie: 8-byte keys; batch support depends on the kernel. */
static void test_lpm(void)
{
	struct bl_map_create_opts co = { .map_flags = BPF_F_NO_PREALLOC };
	struct bl_map_snapshot b = { 0 }, p = { 0 };
	struct bl_map_dump_stats sb = { 0 };
	struct bl_map_dump_opts ob = { .stats = &sb }, op = { .no_batch = true };
	struct { __u32 prefixlen; __u8 addr[4]; } key;
	int fd = bl_sys_map_create(BPF_MAP_TYPE_LPM_TRIE, "t_lpm", 8, 8, 64, &co), n = 0;
	__u64 v;

	if (!ok(fd >= 0, "lpm trie: create"))
		return;
	for (int i = 0; i < 20; i++) {
		key.prefixlen = 16 + (__u32)i % 9;
		key.addr[0] = 10;
		key.addr[1] = (__u8)i;
		key.addr[2] = (__u8)(i * 7);
		key.addr[3] = 0;
		v = 1000 + (__u64)i;
		bl_sys_map_update_elem(fd, &key, &v, BPF_ANY);
	}
	is_int(bl_map_snapshot(fd, &b, &ob), 0, "lpm trie: snapshot (%s)",
	       sb.batched ? "batches" : "per element: no batch support here");
	is_int(bl_map_snapshot(fd, &p, &op), 0, "lpm trie: per-element snapshot");
	ok(b.count == 20 && same_snap(&b, &p), "lpm trie: both give the same 20 elements");
	is_int(bl_map_for_each_key(fd, count_key, &n), 20, "lpm trie: for_each_key sees 20 keys");
	bl_map_snapshot_free(&b);
	bl_map_snapshot_free(&p);
	close(fd);
}

/* DEVMAP_HASH has no batch operations (-ENOTSUPP): the fallback. */
static void test_fallback(void)
{
	struct bl_map_dump_stats st = { 0 };
	struct bl_map_dump_opts o = { .stats = &st };
	struct bl_map_snapshot s = { 0 };
	int fd = bl_sys_map_create(BPF_MAP_TYPE_DEVMAP_HASH, "t_devmap", 4, 4, 64, NULL), err = 0;
	__u32 lo = 1;		/* ifindex of lo in every network namespace */
	bool keys_ok = true;

	if (!ok(fd >= 0, "fallback: create a DEVMAP_HASH"))
		return;
	for (__u32 k = 100; k < 130 && !err; k++)
		err = bl_sys_map_update_elem(fd, &k, &lo, BPF_ANY);
	is_int(err, 0, "fallback: 30 entries pointing at lo");
	is_int(bl_map_snapshot(fd, &s, &o), 0, "fallback: bl_map_snapshot");
	ok(!st.batched && (st.fallback_err == -524 || st.fallback_err == -EINVAL ||
	   st.fallback_err == -EOPNOTSUPP), "fallback: the batch call was refused (%d) and the"
	   " per-element walk used", st.fallback_err);
	sort_snap(&s);
	for (size_t i = 0; i < s.count && keys_ok; i++) {
		__u32 k, val;

		memcpy(&k, (unsigned char *)s.keys + i * 4, 4);
		memcpy(&val, (unsigned char *)s.values + i * 4, 4);
		keys_ok = k == 100 + i && val == 1;
	}
	ok(s.count == 30 && keys_ok, "fallback: the 30 entries, keys 100..129, value 1 (%zu)",
	   s.count);
	bl_map_snapshot_free(&s);
	close(fd);
}

static int stop_at_3(void *ctx, const void *key, const void *value)
{
	return ++*(int *)ctx == 3 ? -ECANCELED : 0;
}

static void test_walks(void)
{
	int fd = bl_sys_map_create(BPF_MAP_TYPE_HASH, "t_walk", 4, 8, 256, NULL), n = 0, r;
	struct bl_map_desc d;
	struct bl_error e = { 0 };

	if (!ok(fd >= 0, "walk: create a hash"))
		return;
	fill(fd, BPF_MAP_TYPE_HASH, 100, 8);
	is_int(bl_map_describe(fd, &d, &e), 0, "describe: BPF_OBJ_GET_INFO_BY_FD");
	ok(d.type == BPF_MAP_TYPE_HASH && d.key_size == 4 && d.value_size == 8 &&
	   d.max_entries == 256 && !strcmp(d.name, "t_walk") && !d.percpu && d.ncpus == 1 &&
	   d.value_buf_size == 8 && d.id > 0, "describe: hash, 4/8, 256, t_walk, id %u", d.id);
	is_int(bl_map_for_each_key(fd, count_key, &n), 100, "walk: for_each_key returns 100");
	is_int(n, 100, "walk: the callback saw 100 keys");
	n = 0;
	is_int(bl_map_dump(fd, stop_at_3, &n, NULL), -ECANCELED,
	       "walk: a callback error stops the dump and is returned");
	is_int(n, 3, "walk: after the 3rd element");
	close(fd);
	r = bl_map_describe(fd, &d, NULL);
	ok(r == -EBADF || r == -EBADFD, "describe: a closed fd gives -EBADF(D) (%d)", r);
}

/* ---- per-CPU ------------------------------------------------------------------- */

static void test_percpu_values(void)
{
	int ncpus = bl_possible_cpus();
	int fd = bl_sys_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "t_pcpu", 4, 12, 2, NULL);
	size_t size = bl_percpu_buf_size(12);
	unsigned char *buf = calloc(1, size), *back = calloc(1, size);
	__u64 sums[2] = { 0 }, want = 0;
	__u32 key = 1, v4;
	bool view = true;

	is_int(ncpus, tu_possible_cpus(), "per-CPU: %d possible CPUs", ncpus);
	is_int(size, (size_t)ncpus * 16, "per-CPU: a 12-byte value takes 16 bytes per CPU");
	if (!ok(fd >= 0 && buf && back, "per-CPU: create a PERCPU_ARRAY of 12-byte values"))
		goto out;
	for (int c = 0; c < ncpus; c++) {
		v4 = (__u32)(c + 1) * 100;
		memcpy(bl_percpu_value(buf, 12, (unsigned int)c), &v4, 4);
		want += v4;
	}
	is_int(bl_sys_map_update_elem(fd, &key, buf, BPF_ANY), 0,
	       "per-CPU: write a different value on each CPU");
	is_int(bl_sys_map_lookup_elem(fd, &key, back, 0), 0, "per-CPU: read them back");
	for (int c = 0; c < ncpus; c++) {
		memcpy(&v4, bl_percpu_value(back, 12, (unsigned int)c), 4);
		view &= v4 == (__u32)(c + 1) * 100;
	}
	ok(view, "per-CPU: the view shows CPU c's value at c (100, 200, ...)");
	is_int(bl_percpu_sum_field(back, 12, 0, 4), want, "per-CPU: bl_percpu_sum_field of the"
	       " first u32 = %llu", (unsigned long long)want);
	is_int(bl_percpu_sum_field(back, 12, 10, 4), 0, "per-CPU: a field past the value sums 0");
	is_int(bl_percpu_sum_u64s(back, 12, sums), -EINVAL,
	       "per-CPU: sum_u64s refuses a size that is not a multiple of 8");
	close(fd);
out:
	free(buf);
	free(back);
}

static void test_percpu_program(void)
{
	int ncpus = bl_possible_cpus(), link, n[2] = { 30, 50 }, fd;
	struct bl_error e = { 0 };
	struct bl_object *obj = bl_object_open(tu_obj_path("events_maps"), NULL, &e);
	__u32 pid = (__u32)getpid(), nr = SYS_getppid, tid = (__u32)syscall(SYS_gettid), zero = 0;
	unsigned char *buf = calloc(1, bl_percpu_buf_size(16));
	struct bl_map_snapshot s = { 0 };
	__u64 sums[2] = { 0 }, v;
	cpu_set_t old;
	int cpu1 = ncpus > 1 ? 1 : 0;

	if (!obj || bl_object_load(obj, NULL)) {
		ok(0, "program: load events_maps.o");
		tu_diag_lines(obj ? bl_object_error(obj) : e.msg);
		bl_object_close(obj);
		free(buf);
		return;
	}
	bl_object_set_global(obj, "target_pid", &pid, 4);
	bl_object_set_global(obj, "trigger_nr", &nr, 4);
	link = bl_sys_raw_tracepoint_open("sys_enter",
		bl_program_fd(bl_object_find_program(obj, "count")));
	ok(link >= 0, "program: events_maps.o attached to raw_tp sys_enter");
	sched_getaffinity(0, sizeof(old), &old);
	tu_pin_cpu(0);
	for (int i = 0; i < n[0]; i++)
		syscall(SYS_getppid);
	tu_pin_cpu(cpu1);
	for (int i = 0; i < n[1]; i++)
		syscall(SYS_getppid);
	sched_setaffinity(0, sizeof(old), &old);
	close(link);

	fd = bl_map_fd(bl_object_find_map(obj, "percpu_count"));
	bl_sys_map_lookup_elem(fd, &zero, buf, 0);
	if (ncpus > 1) {
		__u64 c0, c1;

		memcpy(&c0, bl_percpu_value(buf, 8, 0), 8);
		memcpy(&c1, bl_percpu_value(buf, 8, 1), 8);
		ok(c0 == 30 && c1 == 50, "program: per-CPU view of percpu_count[0]: CPU 0 = %llu,"
		   " CPU 1 = %llu (30, 50)", (unsigned long long)c0, (unsigned long long)c1);
	}
	is_int(bl_percpu_sum(buf, 8), 80, "program: bl_percpu_sum(percpu_count[0]) = 80");

	fd = bl_map_fd(bl_object_find_map(obj, "percpu_stats"));
	is_int(bl_sys_map_lookup_elem(fd, &tid, buf, 0), 0, "program: percpu_stats[our tid]");
	is_int(bl_percpu_sum_u64s(buf, 16, sums), 0, "program: bl_percpu_sum_u64s");
	ok(sums[0] == 80 && sums[1] == 800, "program: summed { calls, weight } = { %llu, %llu }"
	   " ({ 80, 800 })", (unsigned long long)sums[0], (unsigned long long)sums[1]);
	is_int(bl_map_snapshot(fd, &s, NULL), 0, "program: snapshot of the PERCPU_HASH");
	ok(s.count == 1 && s.desc.percpu && s.desc.value_buf_size == (size_t)ncpus * 16 &&
	   !memcmp(s.keys, &tid, 4) && !memcmp(s.values, buf, s.desc.value_buf_size),
	   "program: one element, our tid, all CPUs' values, as the lookup");
	bl_map_snapshot_free(&s);

	fd = bl_map_fd(bl_object_find_map(obj, "plain"));
	v = 0;
	bl_sys_map_lookup_elem(fd, &tid, &v, 0);
	is_int(v, 80, "program: plain[our tid] = 80");
	bl_object_close(obj);
	free(buf);
}

/* ---- pins ------------------------------------------------------------------------ */

static void test_pins(void)
{
	char dir[256], path[300], ppath[300];
	struct bl_map_want want = { .type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = 8,
				    .max_entries = 64 };
	struct bl_error e = { 0 };
	struct bl_object *obj;
	struct bl_map *m;
	__u32 id;
	int fd, fd2, err, prog;

	if (tu_ensure_bpffs() || tu_pin_root_create(dir, sizeof(dir), "maputil")) {
		tap_skip("pins", "no bpffs");
		return;
	}
	snprintf(path, sizeof(path), "%s/plain", dir);
	fd = bl_sys_map_create(BPF_MAP_TYPE_HASH, "plain", 4, 8, 64, NULL);
	id = tu_map_id(fd);
	is_int(bl_obj_pin_checked(fd, path, &e), 0, "pin: pin a hash at %s", path);
	memset(&e, 0, sizeof(e));
	is_int(bl_obj_pin_checked(fd, path, &e), -EEXIST, "pin: pinning there again: -EEXIST");
	like(e.msg, "pinned there already", "pin: the message says so");
	memset(&e, 0, sizeof(e));
	is_int(bl_obj_pin_checked(fd, "/tmp/bpfload-not-bpffs", &e), -EINVAL,
	       "pin: outside bpffs: -EINVAL");
	like(e.msg, "not on a BPF filesystem", "pin: the message says so");

	fd2 = bl_map_open_pinned(path, &want, 0, &e);
	ok(fd2 >= 0 && tu_map_id(fd2) == id, "reuse: open the pin with a matching description:"
	   " the same map (id %u)", id);
	if (fd2 >= 0)
		close(fd2);
	want.key_size = 8;
	memset(&e, 0, sizeof(e));
	err = bl_map_open_pinned(path, &want, 0, &e);
	is_int(err, -EEXIST, "reuse: key size 8 wanted: refused");
	like(e.msg, "key size 4, expected 8", "reuse: the message names the difference");
	like(e.msg, "rm ", "reuse: and says how to clear it");
	want.key_size = 4;
	want.type = BPF_MAP_TYPE_ARRAY;
	memset(&e, 0, sizeof(e));
	is_int(bl_map_open_pinned(path, &want, 0, &e), -EEXIST, "reuse: an ARRAY wanted: refused");
	like(e.msg, "BPF_MAP_TYPE_HASH", "reuse: the message names both types");
	want.type = BPF_MAP_TYPE_HASH;
	want.check_flags = true;
	want.map_flags = BPF_F_NO_PREALLOC;
	memset(&e, 0, sizeof(e));
	is_int(bl_map_open_pinned(path, &want, 0, &e), -EEXIST, "reuse: other flags: refused");
	like(e.msg, "map_flags", "reuse: the message says flags");
	snprintf(ppath, sizeof(ppath), "%s/none", dir);
	is_int(bl_map_open_pinned(ppath, NULL, 0, NULL), -ENOENT, "reuse: nothing pinned: -ENOENT");

	/* a program pin is not a map */
	{
		struct bpf_insn insns[2] = {
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
			{ .code = BPF_JMP | BPF_EXIT },
		};

		prog = bl_sys_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "t_pin", "GPL", insns, 2,
					NULL);
		snprintf(ppath, sizeof(ppath), "%s/prog", dir);
		bl_obj_pin_checked(prog, ppath, NULL);
		memset(&e, 0, sizeof(e));
		is_int(bl_map_open_pinned(ppath, NULL, 0, &e), -EINVAL,
		       "reuse: a program pin is refused");
		like(e.msg, "is not a map", "reuse: the message says it is not a map");
		if (prog >= 0)
			close(prog);
	}

	/* an object's map, before load */
	obj = bl_object_open(tu_obj_path("events_maps"), NULL, &e);
	m = obj ? bl_object_find_map(obj, "plain") : NULL;
	is_int(m ? bl_map_reuse_pinned(m, path, &e) : -1, 1,
	       "object: bl_map_reuse_pinned finds the compatible pin");
	ok(m && !bl_object_load(obj, NULL) && bl_map_id(m) == id,
	   "object: after load the object's 'plain' is the pinned map (id %u)", id);
	bl_object_close(obj);
	obj = bl_object_open(tu_obj_path("events_maps"), NULL, &e);
	m = obj ? bl_object_find_map(obj, "plain") : NULL;
	snprintf(ppath, sizeof(ppath), "%s/absent", dir);
	is_int(m ? bl_map_reuse_pinned(m, ppath, &e) : -1, 0, "object: no pin there: 0");
	if (m)
		bl_map_set_max_entries(m, 128);
	memset(&e, 0, sizeof(e));
	is_int(m ? bl_map_reuse_pinned(m, path, &e) : -1, -EEXIST,
	       "object: max_entries 128 in the object, 64 in the pin: refused");
	like(e.msg, "max_entries 64, expected 128", "object: the message names the difference");
	bl_object_close(obj);

	close(fd);
	is_int(tu_pin_root_remove(dir), 0, "pins removed with their directory");
}

int main(void)
{
	const char *why = tu_bpf_unavailable();
	int fds;

	if (why)
		tap_skip_all("%s", why);
	fds = tu_count_fds();
	test_walks();
	compare_dumps("hash", BPF_MAP_TYPE_HASH, 20000, 10000, 8);
	compare_dumps("array", BPF_MAP_TYPE_ARRAY, 1000, 1000, 12);
	compare_dumps("percpu hash", BPF_MAP_TYPE_PERCPU_HASH, 1024, 500, 12);
	compare_dumps("percpu array", BPF_MAP_TYPE_PERCPU_ARRAY, 64, 64, 8);
	compare_dumps("lru hash", BPF_MAP_TYPE_LRU_HASH, 4096, 1000, 16);
	test_lpm();
	test_fallback();
	test_percpu_values();
	test_percpu_program();
	test_pins();
	is_int(tu_count_fds(), fds, "every fd closed at the end");
	return tap_done();
}
