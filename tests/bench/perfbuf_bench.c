// SPDX-License-Identifier: BSD-2-Clause
/*
 * perfbuf_bench.c - perf buffer reader throughput, in records per second.
 *
 * Producer: tests/objs/events_perf.o on raw_tracepoint sys_enter; a
 * thread pinned to the last CPU calls getppid() flat out, each call
 * emitting --per-call 64-byte records with bpf_perf_event_output()
 * (default 1: one event per syscall, the usual tracing shape).  Reader:
 * this thread, pinned to CPU 0, with bl_perfbuf_poll().  A run ends when
 * every record the program tried to emit was either received or reported
 * lost (PERF_RECORD_LOST: the ring was full).
 *
 * Modes:
 *   wakeup-per-record  wakeup_events = 1, max_latency_ms = -1: the kernel
 *                      wakes the reader for every record (what most
 *                      perf buffer readers ask for); at most 300k records,
 *                      as it is slow
 *   default            bl_perfbuf_new() defaults: wakeup watermark at a
 *                      quarter of the ring, timed drain every 50 ms
 *
 *   perfbuf_bench [--records N] [--per-call K] [--pages P] [--repeat R]
 *
 * --pages defaults to 2048 (8 MiB per CPU), the same order of room as the
 * 16 MiB ring of ringbuf_bench, so that both measure the reader rather
 * than how long the machine may keep it off a CPU; the library's own
 * default is BL_PERFBUF_PAGES (128: 512 KiB, ~12 ms at 500k/s).
 *
 * Each mode runs R times (default 3); the line shows the median and the
 * best rate, what the median run lost, and the reader's CPU time per
 * record.  The producer's own rate is shown too: when it equals the
 * received rate, the reader kept up and the producer set the pace.
 * Figures, not pass/fail: the machine may be shared.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/events.h>
#include <bpfload/sys.h>
#include "objs/events_common.h"
#include "bench.h"

struct reader {
	__u64 count;
	__u64 bad;
};

static int on_sample(void *ctx, int cpu, const void *data, size_t size)
{
	struct reader *r = ctx;
	const struct bl_test_event *ev = data;

	/* touch the payload as a real consumer would */
	if (size != 68 || ev->pad[39] != (__u8)ev->seq)
		r->bad++;
	r->count++;
	return 0;
}

static int run(struct bl_object *obj, int map_fd, const struct bl_perfbuf_opts *opts,
	       long records, __u32 per_call, int prod_cpu, struct result *res)
{
	struct producer p = { .calls = records / per_call, .cpu = prod_cpu };
	struct reader r = { 0 };
	struct bl_perfbuf_stats st;
	struct bl_error e = { 0 };
	struct bl_perfbuf *pb = bl_perfbuf_new(map_fd, on_sample, &r, opts, &e);
	__u64 attempted = 0, t_end, cpu0;
	int idle = 0;

	if (!pb) {
		fprintf(stderr, "perfbuf_bench: %s\n", e.msg);
		return -1;
	}
	set_u32(obj, "per_call", per_call);
	set_u64(obj, "next_seq", 0);
	set_u64(obj, "failed", 0);
	cpu0 = thread_cpu_ns();
	pthread_create(&p.th, NULL, producer_fn, &p);
	for (;;) {
		int n = bl_perfbuf_poll(pb, 100);

		if (!__atomic_load_n(&p.done, __ATOMIC_ACQUIRE))
			continue;
		attempted = get_u64(obj, "next_seq");
		if (r.count + bl_perfbuf_lost(pb) >= attempted)
			break;
		/* Lost samples are reported only when a later sample finds
		 * room: after the producer ends, the last ones may never be.
		 * Count them from the program's side after a quiet second. */
		if (n == 0 && ++idle >= 10)
			break;
	}
	t_end = tu_now_ns();
	res->cpu_ns = (double)(thread_cpu_ns() - cpu0) / (double)(r.count ? r.count : 1);
	pthread_join(p.th, NULL);
	bl_perfbuf_get_stats(pb, &st);
	res->rate = (double)r.count / ((double)(t_end - p.t_start) / 1e9);
	res->prod_rate = (double)p.calls / ((double)(p.t_end - p.t_start) / 1e9);
	res->received = r.count;
	res->attempted = attempted;
	res->lost = attempted - r.count;
	res->bad = r.bad;
	res->wakeups = st.wakeups;
	res->drains = st.drains;
	bl_perfbuf_free(pb);
	return 0;
}

static void mode(struct bl_object *obj, int map_fd, const char *name,
		 const struct bl_perfbuf_opts *opts, long records, __u32 per_call, int prod_cpu,
		 int repeat)
{
	struct result res[16];
	int n = 0;

	for (int i = 0; i < repeat && i < 16; i++)
		if (!run(obj, map_fd, opts, records, per_call, prod_cpu, &res[n]))
			n++;
	report(name, res, n);
}

int main(int argc, char **argv)
{
	long records = 1000000;
	__u32 per_call = 1;
	unsigned int pages = 2048;
	int repeat = 3, ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN), link, prod_cpu, map_fd;
	struct bl_error e = { 0 };
	struct bl_object *obj;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--records") && i + 1 < argc)
			records = atol(argv[++i]);
		else if (!strcmp(argv[i], "--per-call") && i + 1 < argc)
			per_call = (__u32)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--pages") && i + 1 < argc)
			pages = (unsigned int)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
			repeat = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: %s [--records N] [--per-call K] [--pages P]"
				" [--repeat R]\n", argv[0]);
			return 2;
		}
	}
	if (!per_call)
		per_call = 1;
	obj = bl_object_open(obj_path("events_perf"), NULL, &e);
	if (!obj) {
		fprintf(stderr, "perfbuf_bench: %s\n", e.msg);
		return 1;
	}
	if (bl_object_load(obj, NULL)) {
		fprintf(stderr, "perfbuf_bench: %s\n", bl_object_error(obj));
		return 1;
	}
	map_fd = bl_map_fd(bl_object_find_map(obj, "events"));
	link = attach_producer("perfbuf_bench", obj);
	if (link < 0)
		return 1;
	prod_cpu = ncpu > 1 ? ncpu - 1 : 0;
	tu_pin_cpu(0);
	printf("perfbuf_bench: %ld records of 64 bytes, %u per syscall, %u pages per CPU, "
	       "reader CPU 0, producer CPU %d\n", records, per_call, pages, prod_cpu);
	{
		struct bl_perfbuf_opts every = { .pages = pages, .wakeup_per_record = true,
						 .max_latency_ms = -1 };
		struct bl_perfbuf_opts def = { .pages = pages };

		/* the slow reference: fewer records, or it runs for minutes */
		mode(obj, map_fd, "wakeup-per-record", &every, records < 300000 ? records : 300000,
		     per_call, prod_cpu, repeat);
		mode(obj, map_fd, "default", &def, records, per_call, prod_cpu, repeat);
	}
	close(link);
	bl_object_close(obj);
	return 0;
}
