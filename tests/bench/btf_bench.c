// SPDX-License-Identifier: BSD-2-Clause
/*
 * btf_bench.c - how long the kernel's BTF takes: read and parse
 * /sys/kernel/btf/vmlinux (~5 MB, ~130k types), build the name index
 * (first lookup), look names up, relocate a CO-RE field access against
 * it, and write it out as vmlinux.h.  Figures, never pass/fail.
 *
 *	btf_bench [FILE] [ROUNDS]
 *
 * Build (links the library's internals, so the static archive):
 *	cc -O2 -std=gnu11 -D_GNU_SOURCE -Iinclude -Iloader tests/bench/btf_bench.c \
 *	   build/lib/libbpfload.a -lelf -lz -o build/bench/btf_bench
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpfload.h>
#include "object/btf.h"
#include "object/btf_dump.h"
#include "object/core.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned char *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 20, n;
	unsigned char *buf = malloc(cap);

	*size = 0;
	while (f && buf && (n = fread(buf + *size, 1, cap - *size, f)) > 0) {
		*size += n;
		if (*size == cap) {
			unsigned char *nb = realloc(buf, cap *= 2);

			if (!nb) {
				free(buf);
				buf = NULL;
			}
			buf = nb;
		}
	}
	if (f)
		fclose(f);
	return f ? buf : NULL;
}

static double best(double a, double b)
{
	return a < b ? a : b;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/sys/kernel/btf/vmlinux";
	int rounds = argc > 2 ? atoi(argv[2]) : 10;
	double t_read = 1e9, t_parse = 1e9, t_index = 1e9, t_find = 1e9, t_dump = 1e9;
	size_t size = 0;
	__u32 types = 0;

	for (int r = 0; r < rounds; r++) {
		struct bl_error e = { 0 };
		struct bl_btf *btf;
		unsigned char *raw;
		double t0 = now(), t1, t2, t3, t4, t5;
		FILE *null;

		raw = read_file(path, &size);
		t1 = now();
		if (!raw || bl_btf_parse_image(raw, size, NULL, path, &btf, &e)) {
			fprintf(stderr, "btf_bench: %s: %s\n", path, raw ? e.msg : strerror(errno));
			return 1;
		}
		t2 = now();
		bl_btf_find(btf, "task_struct", BTF_KIND_STRUCT);	/* builds the index */
		t3 = now();
		for (int i = 0; i < 1000; i++)
			bl_btf_find(btf, i & 1 ? "sk_buff" : "mm_struct", BTF_KIND_STRUCT);
		t4 = now();
		null = fopen("/dev/null", "w");
		if (null) {
			bl_btf_dump(btf, BL_BTF_DUMP_C, null, &e);
			fclose(null);
		}
		t5 = now();
		t_read = best(t_read, t1 - t0);
		t_parse = best(t_parse, t2 - t1);
		t_index = best(t_index, t3 - t2);
		t_find = best(t_find, (t4 - t3) / 1000);
		t_dump = best(t_dump, t5 - t4);
		types = bl_btf_type_cnt(btf) - 1;
		bl_btf_free(btf);
		free(raw);
	}
	printf("btf: %s, %zu bytes, %u types (best of %d)\n", path, size, types, rounds);
	printf("btf: read %.2f ms, parse+check %.2f ms, name index %.2f ms: open %.2f ms\n",
	       t_read * 1e3, t_parse * 1e3, t_index * 1e3, (t_read + t_parse + t_index) * 1e3);
	printf("btf: lookup by name %.2f us, vmlinux.h %.1f ms\n", t_find * 1e6, t_dump * 1e3);
	return 0;
}
