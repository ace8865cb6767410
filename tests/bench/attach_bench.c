// SPDX-License-Identifier: BSD-2-Clause
/*
 * attach_bench.c - how long attaching and detaching tracepoint programs
 * takes, detaching one after the other versus concurrently.
 *
 * Loads tests/objs/attach_many.o (128 programs on 128 distinct syscall
 * tracepoints) and, for the first 32 and then all 128 programs:
 *
 *   attach            bl_program_attach() on each
 *   detach serial     bl_link_detach() on each, in turn
 *   detach parallel   bl_object_detach_all() (a pool of threads)
 *   close             bl_object_close() with everything attached
 *
 * Then the same programs all on one tracepoint (sys_enter_getpid), 32 and
 * 64 of them (BPF_TRACE_MAX_PROGS): detach serial and parallel.
 *
 * Prints plain text lines, no verdict.  Needs root.
 * Build: cc -Iinclude tests/bench/attach_bench.c build/lib/libbpfload.a
 *        -lelf -lz -lpthread
 * The object is looked for in $BPFLOAD_TEST_OBJS, else build/tests/objs.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/attach.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct bl_object *load(const char *path)
{
	struct bl_error err = { 0 };
	struct bl_object *obj = bl_object_open(path, NULL, &err);

	if (!obj) {
		fprintf(stderr, "attach_bench: %s\n", err.msg);
		return NULL;
	}
	if (bl_object_load(obj, NULL)) {
		fprintf(stderr, "attach_bench: %s\n", bl_object_error(obj));
		bl_object_close(obj);
		return NULL;
	}
	return obj;
}

/* Attach the first n programs; returns the seconds taken, -1 on failure. */
static double attach_n(struct bl_object *obj, struct bl_link **links, size_t n)
{
	struct bl_error err = { 0 };
	double t = now();

	for (size_t i = 0; i < n; i++) {
		links[i] = bl_program_attach(bl_object_program(obj, i), &err);
		if (!links[i]) {
			fprintf(stderr, "attach_bench: %s\n", err.msg);
			return -1;
		}
	}
	return now() - t;
}

static int bench(const char *path, size_t n)
{
	struct bl_link *links[128];
	struct bl_object *obj = load(path);
	double attach, serial, parallel, close_s, t;

	if (!obj)
		return 1;
	if (bl_object_program_count(obj) < n) {
		fprintf(stderr, "attach_bench: %s has fewer than %zu programs\n", path, n);
		bl_object_close(obj);
		return 1;
	}
	attach = attach_n(obj, links, n);
	if (attach < 0)
		goto fail;
	t = now();
	for (size_t i = 0; i < n; i++)
		bl_link_detach(links[i]);
	serial = now() - t;

	if (attach_n(obj, links, n) < 0)
		goto fail;
	t = now();
	bl_object_detach_all(obj);
	parallel = now() - t;

	if (attach_n(obj, links, n) < 0)
		goto fail;
	t = now();
	bl_object_close(obj);
	close_s = now() - t;

	printf("attach_bench: %3zu tracepoints: attach %.3f s (%.2f ms each)\n", n, attach,
	       attach * 1e3 / n);
	printf("attach_bench: %3zu tracepoints: detach serial %.3f s (%.1f ms each)\n", n, serial,
	       serial * 1e3 / n);
	printf("attach_bench: %3zu tracepoints: detach parallel %.3f s (%.1fx faster)\n", n,
	       parallel, parallel > 0 ? serial / parallel : 0);
	printf("attach_bench: %3zu tracepoints: bl_object_close with all attached %.3f s\n", n,
	       close_s);
	fflush(stdout);
	return 0;
fail:
	bl_object_close(obj);
	return 1;
}

/*
 * The other case: n programs on one tracepoint (syscalls/sys_enter_getpid,
 * through bl_attach_tracepoint).  Only the last perf event of the
 * tracepoint makes the kernel unregister it under event_mutex; the rest of
 * each detach (the link's grace period) overlaps fully across threads.
 */
static int bench_same(const char *path, size_t n)
{
	struct bl_link *links[128];
	struct bl_object *obj = load(path);
	struct bl_error err = { 0 };
	double serial, parallel, t;

	if (!obj)
		return 1;
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < n; i++) {
			links[i] = bl_attach_tracepoint(bl_program_fd(bl_object_program(obj, i)),
							"syscalls", "sys_enter_getpid", NULL, &err);
			if (!links[i]) {
				fprintf(stderr, "attach_bench: %s\n", err.msg);
				bl_links_detach(links, i);
				bl_object_close(obj);
				return 1;
			}
		}
		t = now();
		if (round == 0)
			for (size_t i = 0; i < n; i++)
				bl_link_detach(links[i]);
		else
			bl_links_detach(links, n);
		*(round == 0 ? &serial : &parallel) = now() - t;
	}
	printf("attach_bench: %3zu on one tracepoint: detach serial %.3f s, parallel %.3f s"
	       " (%.1fx faster)\n", n, serial, parallel, parallel > 0 ? serial / parallel : 0);
	fflush(stdout);
	bl_object_close(obj);
	return 0;
}

int main(void)
{
	const char *dir = getenv("BPFLOAD_TEST_OBJS");
	char path[PATH_MAX];
	int err;

	if (geteuid()) {
		printf("attach_bench: skipped (needs root)\n");
		return 0;
	}
	snprintf(path, sizeof(path), "%s/attach_many.o", dir && *dir ? dir : "build/tests/objs");
	err = bench(path, 32);
	if (!err)
		err = bench(path, 128);
	if (!err)
		err = bench_same(path, 32);
	if (!err)
		err = bench_same(path, 64);	/* the kernel's most per tracepoint */
	return err;
}
