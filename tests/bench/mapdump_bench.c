// SPDX-License-Identifier: BSD-2-Clause
/*
 * mapdump_bench.c - how fast bl_map_dump() reads a big map, in entries
 * per second.
 *
 * A BPF_MAP_TYPE_HASH of --entries (default 1M) u32 -> u64 elements,
 * filled with BPF_MAP_UPDATE_BATCH, is dumped:
 *
 *   batch N        bl_map_dump() with batches of N (the default picks
 *                  min(max_entries, 64k))
 *   per-element    bl_map_dump(no_batch): GET_NEXT_KEY + LOOKUP_ELEM per
 *                  element, what `bpftool map dump` does (limited to the
 *                  first 200k elements: it is slow)
 *   snapshot       bl_map_snapshot(): the default dump plus copying into
 *                  arrays
 *
 * and the same for a PERCPU_HASH (one u64 per possible CPU).  Each line
 * shows the median of --repeat runs (default 3) and the best.  The
 * callback adds up the values, so every element is really read.
 *
 *   mapdump_bench [--entries N] [--repeat R]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/maputil.h>
#include <bpfload/sys.h>
#include "testutil.h"	/* tu_now_ns() */

struct sum {
	__u64 n, total;
	size_t vsize;
	long limit;
};

static int add(void *ctx, const void *key, const void *value)
{
	struct sum *s = ctx;
	__u64 v;

	for (size_t off = 0; off < s->vsize; off += 8) {
		memcpy(&v, (const unsigned char *)value + off, 8);
		s->total += v;
	}
	s->n++;
	if (s->limit && s->n >= (__u64)s->limit)
		return -ECANCELED;
	return 0;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* batch 0: default; -1: per element (first limit elements) */
static void measure(int fd, const char *map, long batch, long limit, bool snapshot,
		    size_t vsize, int repeat, __u64 want)
{
	double rates[16];
	char name[48];
	int n = 0;
	__u64 got = 0;

	for (int i = 0; i < repeat && i < 16; i++) {
		struct bl_map_dump_stats st = { 0 };
		struct bl_map_dump_opts o = { .stats = &st };
		struct sum s = { .vsize = vsize, .limit = batch < 0 ? limit : 0 };
		struct bl_map_snapshot snap;
		__u64 t0;
		int r;

		if (batch > 0)
			o.batch = (__u32)batch;
		o.no_batch = batch < 0;
		t0 = tu_now_ns();
		if (snapshot) {
			r = bl_map_snapshot(fd, &snap, &o);
			if (!r) {
				s.n = snap.count;
				bl_map_snapshot_free(&snap);
			}
		} else {
			r = bl_map_dump(fd, add, &s, &o);
		}
		if (r < 0 && r != -ECANCELED) {
			fprintf(stderr, "mapdump_bench: dump failed: %s\n", strerror(-r));
			return;
		}
		rates[n++] = (double)s.n / ((double)(tu_now_ns() - t0) / 1e9);
		got = s.n;
	}
	qsort(rates, (size_t)n, sizeof(rates[0]), cmp_d);
	if (batch < 0)
		snprintf(name, sizeof(name), "per-element");
	else if (snapshot)
		snprintf(name, sizeof(name), "snapshot");
	else if (batch == 0)
		snprintf(name, sizeof(name), "batch (default)");
	else
		snprintf(name, sizeof(name), "batch %ld", batch);
	printf("  %-12s %-16s median %10.0f entries/s  best %10.0f  (%llu entries%s)\n", map,
	       name, rates[n / 2], rates[n - 1], (unsigned long long)got,
	       batch >= 0 && got != want ? " MISMATCH" : "");
	fflush(stdout);
}

static int fill(int fd, long entries, size_t vsize)
{
	const long chunk = 65536;
	__u32 *keys = malloc((size_t)chunk * 4);
	unsigned char *vals = calloc((size_t)chunk, vsize);
	int err = 0;

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -ENOMEM;
	}
	for (long base = 0; base < entries && !err; base += chunk) {
		__u32 count = (__u32)(entries - base < chunk ? entries - base : chunk);

		for (__u32 i = 0; i < count; i++) {
			__u64 v = (__u64)(base + i);

			keys[i] = (__u32)(base + i) * 2654435761u;	/* spread */
			for (size_t off = 0; off < vsize; off += 8)
				memcpy(vals + (size_t)i * vsize + off, &v, 8);
		}
		err = bl_sys_map_update_batch(fd, keys, vals, &count, 0);
	}
	free(keys);
	free(vals);
	return err;
}

static void bench_map(__u32 type, const char *name, long entries, int repeat)
{
	bool percpu = bl_map_type_percpu(type);
	size_t vsize = percpu ? bl_percpu_buf_size(8) : 8;
	__u64 t0 = tu_now_ns();
	int fd = bl_sys_map_create(type, "bench_dump", 4, 8, (__u32)entries, NULL), err;

	if (fd < 0) {
		fprintf(stderr, "mapdump_bench: %s create failed: %s\n", name, strerror(-fd));
		return;
	}
	err = fill(fd, entries, vsize);
	if (err) {
		fprintf(stderr, "mapdump_bench: %s fill failed: %s\n", name, strerror(-err));
		close(fd);
		return;
	}
	printf("  %-12s filled %ld entries in %.2f s (BPF_MAP_UPDATE_BATCH)\n", name, entries,
	       (double)(tu_now_ns() - t0) / 1e9);
	measure(fd, name, 0, 0, false, vsize, repeat, (__u64)entries);
	measure(fd, name, 1024, 0, false, vsize, repeat, (__u64)entries);
	measure(fd, name, 8192, 0, false, vsize, repeat, (__u64)entries);
	measure(fd, name, 0, 0, true, vsize, repeat, (__u64)entries);
	measure(fd, name, -1, entries < 200000 ? entries : 200000, false, vsize, 1,
		(__u64)entries);
	close(fd);
}

int main(int argc, char **argv)
{
	long entries = 1000000;
	int repeat = 3;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--entries") && i + 1 < argc)
			entries = atol(argv[++i]);
		else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
			repeat = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: %s [--entries N] [--repeat R]\n", argv[0]);
			return 2;
		}
	}
	printf("mapdump_bench: %ld entries, u32 keys, u64 values, %d possible CPUs\n", entries,
	       bl_possible_cpus());
	bench_map(BPF_MAP_TYPE_HASH, "hash", entries, repeat);
	bench_map(BPF_MAP_TYPE_PERCPU_HASH, "percpu_hash", entries, repeat);
	return 0;
}
