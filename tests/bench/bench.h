/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench.h - what the event reader benchmarks (ringbuf_bench.c,
 * perfbuf_bench.c) share: the producer object's globals, the producer
 * thread, the reader's CPU time, and the line a mode's runs end in.
 *
 * The Makefile builds each tests/bench/NAME.c as a program of its own,
 * without tests/kernel/testutil.c: static functions here, and only the
 * inline ones of testutil.h (tu_now_ns(), tu_pin_cpu()).
 */
#ifndef BPFLOAD_BENCH_H
#define BPFLOAD_BENCH_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/sys.h>
#include "testutil.h"

/* Test object NAME in $BPFLOAD_TEST_OBJS, else in build/tests/objs. */
static inline const char *obj_path(const char *name)
{
	static char buf[512];
	const char *dir = getenv("BPFLOAD_TEST_OBJS");

	snprintf(buf, sizeof(buf), "%s/%s.o", dir && *dir ? dir : "build/tests/objs", name);
	return buf;
}

static inline __u64 get_u64(struct bl_object *obj, const char *name)
{
	__u64 v = 0;

	bl_object_get_global(obj, name, &v, sizeof(v));
	return v;
}

static inline void set_u64(struct bl_object *obj, const char *name, __u64 v)
{
	bl_object_set_global(obj, name, &v, sizeof(v));
}

static inline void set_u32(struct bl_object *obj, const char *name, __u32 v)
{
	bl_object_set_global(obj, name, &v, sizeof(v));
}

/* CPU time of the calling thread, in ns. */
static inline __u64 thread_cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return ((__u64)ru.ru_utime.tv_sec + (__u64)ru.ru_stime.tv_sec) * 1000000000ull +
	       ((__u64)ru.ru_utime.tv_usec + (__u64)ru.ru_stime.tv_usec) * 1000ull;
}

/* The producer thread: calls getppid() calls flat out on cpu. */
struct producer {
	pthread_t th;
	long calls;
	int cpu;
	volatile int done;
	__u64 t_start, t_end;
};

static inline void *producer_fn(void *arg)
{
	struct producer *p = arg;

	tu_pin_cpu(p->cpu);
	p->t_start = tu_now_ns();
	for (long i = 0; i < p->calls; i++)
		syscall(SYS_getppid);
	p->t_end = tu_now_ns();
	__atomic_store_n(&p->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* One run of a mode. */
struct result {
	double rate;			/* records received per second */
	double prod_rate;		/* producer syscalls per second */
	double cpu_ns;			/* reader CPU time per record */
	__u64 received, attempted, lost, bad, wakeups, drains;
};

static inline int cmp_rate(const void *a, const void *b)
{
	const struct result *x = a, *y = b;

	return x->rate < y->rate ? -1 : x->rate > y->rate;
}

/* The line of mode name: its n runs' median and best rates, and the
 * median run's figures.  Sorts res. */
static inline void report(const char *name, struct result *res, int n)
{
	struct result *med;

	if (!n)
		return;
	qsort(res, (size_t)n, sizeof(res[0]), cmp_rate);
	med = &res[n / 2];
	printf("  %-18s median %9.0f/s  best %9.0f/s  lost %llu of %llu  bad %llu  "
	       "wakeups %llu  drains %llu  reader %.0f ns/record  producer %.0f calls/s\n",
	       name, med->rate, res[n - 1].rate, (unsigned long long)med->lost,
	       (unsigned long long)med->attempted, (unsigned long long)med->bad,
	       (unsigned long long)med->wakeups, (unsigned long long)med->drains,
	       med->cpu_ns, med->prod_rate);
	fflush(stdout);
}

/*
 * Point the loaded producer object at this process's getppid() calls and
 * attach its program produce to raw_tracepoint sys_enter: the link's fd,
 * or -1 after saying why (name first).
 */
static inline int attach_producer(const char *name, struct bl_object *obj)
{
	int link;

	set_u32(obj, "target_pid", (__u32)getpid());
	set_u32(obj, "trigger_nr", SYS_getppid);
	link = bl_sys_raw_tracepoint_open("sys_enter",
					  bl_program_fd(bl_object_find_program(obj, "produce")));
	if (link < 0) {
		fprintf(stderr, "%s: raw_tracepoint_open: %s\n", name, strerror(-link));
		return -1;
	}
	return link;
}

#endif /* BPFLOAD_BENCH_H */
