// SPDX-License-Identifier: BSD-2-Clause
/*
 * ringbuf_bench.c - ring buffer reader throughput, in records per second.
 *
 * Producer: tests/objs/events_ringbuf.o on raw_tracepoint sys_enter; a
 * thread pinned to the last CPU calls getppid() flat out, each call
 * emitting --per-call 64-byte records (default 1: one event per syscall,
 * the usual tracing shape).  Reader: this thread, pinned to CPU 0, with
 * bl_ringbuf_poll().  A run ends when every record the program tried to
 * emit was either received or dropped (reserve failed: ring full).
 *
 * Modes:
 *   wakeup-per-record  coalesce_us = -1, max_latency_ms = -1, program
 *                      flags 0: every record that finds the reader
 *                      caught up wakes it (what simple readers do)
 *   default            bl_ringbuf_new(NULL): wakeups coalesced (500 us)
 *   no-wakeup          the program submits with BPF_RB_NO_WAKEUP; the
 *                      reader drains every 50 ms (its max latency)
 *
 *   ringbuf_bench [--records N] [--per-call K] [--ring-mb M] [--coalesce US]
 *                 [--repeat R]
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
	__u64 next;
	__u64 t_last;
};

static int on_record(void *ctx, const void *data, size_t size)
{
	struct reader *r = ctx;
	const struct bl_test_event *ev = data;

	/* touch the payload as a real consumer would */
	if (size != sizeof(*ev) || ev->seq < r->next || ev->pad[39] != (__u8)ev->seq)
		r->bad++;
	r->next = ev->seq + 1;
	r->count++;
	return 0;
}

static int run(struct bl_object *obj, int map_fd, const struct bl_ringbuf_opts *opts,
	       __u64 flags, long records, __u32 per_call, int prod_cpu, struct result *res)
{
	struct producer p = { .calls = records / per_call, .cpu = prod_cpu };
	struct reader r = { 0 };
	struct bl_ringbuf_stats st;
	struct bl_error e = { 0 };
	struct bl_ringbuf *rb = bl_ringbuf_new(opts, &e);
	__u64 attempted, dropped, t_end, cpu0;

	if (!rb || bl_ringbuf_add(rb, map_fd, on_record, &r, &e) < 0) {
		fprintf(stderr, "ringbuf_bench: %s\n", e.msg);
		bl_ringbuf_free(rb);
		return -1;
	}
	set_u64(obj, "wakeup_flags", flags);
	set_u32(obj, "per_call", per_call);
	set_u64(obj, "next_seq", 0);
	set_u64(obj, "dropped", 0);
	cpu0 = thread_cpu_ns();
	pthread_create(&p.th, NULL, producer_fn, &p);
	for (;;) {
		bl_ringbuf_poll(rb, 100);
		if (__atomic_load_n(&p.done, __ATOMIC_ACQUIRE)) {
			attempted = get_u64(obj, "next_seq");
			dropped = get_u64(obj, "dropped");
			if (r.count + dropped >= attempted)
				break;
		}
	}
	t_end = tu_now_ns();
	res->cpu_ns = (double)(thread_cpu_ns() - cpu0) / (double)(r.count ? r.count : 1);
	pthread_join(p.th, NULL);
	bl_ringbuf_get_stats(rb, &st);
	res->rate = (double)r.count / ((double)(t_end - p.t_start) / 1e9);
	res->prod_rate = (double)p.calls / ((double)(p.t_end - p.t_start) / 1e9);
	res->received = r.count;
	res->attempted = attempted;
	res->lost = dropped;
	res->bad = r.bad;
	res->wakeups = st.wakeups;
	res->drains = st.drains;
	bl_ringbuf_free(rb);
	return 0;
}

static void mode(struct bl_object *obj, int map_fd, const char *name,
		 const struct bl_ringbuf_opts *opts, __u64 flags, long records, __u32 per_call,
		 int prod_cpu, int repeat)
{
	struct result res[16];
	int n = 0;

	for (int i = 0; i < repeat && i < 16; i++)
		if (!run(obj, map_fd, opts, flags, records, per_call, prod_cpu, &res[n]))
			n++;
	report(name, res, n);
}

int main(int argc, char **argv)
{
	long records = 1000000;
	__u32 per_call = 1, ring_mb = 16;
	int coalesce = 0, repeat = 3, ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN), link, prod_cpu;
	struct bl_error e = { 0 };
	struct bl_object *obj;
	struct bl_map *m;
	int map_fd;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--records") && i + 1 < argc)
			records = atol(argv[++i]);
		else if (!strcmp(argv[i], "--per-call") && i + 1 < argc)
			per_call = (__u32)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--ring-mb") && i + 1 < argc)
			ring_mb = (__u32)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--coalesce") && i + 1 < argc)
			coalesce = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
			repeat = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: %s [--records N] [--per-call K] [--ring-mb M]"
				" [--coalesce US] [--repeat R]\n", argv[0]);
			return 2;
		}
	}
	if (!per_call)
		per_call = 1;
	obj = bl_object_open(obj_path("events_ringbuf"), NULL, &e);
	if (!obj) {
		fprintf(stderr, "ringbuf_bench: %s\n", e.msg);
		return 1;
	}
	m = bl_object_find_map(obj, "rb0");
	bl_map_set_max_entries(m, ring_mb << 20);
	if (bl_object_load(obj, NULL)) {
		fprintf(stderr, "ringbuf_bench: %s\n", bl_object_error(obj));
		return 1;
	}
	map_fd = bl_map_fd(m);
	link = attach_producer("ringbuf_bench", obj);
	if (link < 0)
		return 1;
	prod_cpu = ncpu > 1 ? ncpu - 1 : 0;
	tu_pin_cpu(0);
	printf("ringbuf_bench: %ld records of 64 bytes, %u per syscall, ring %u MiB, "
	       "reader CPU 0, producer CPU %d\n", records, per_call, ring_mb, prod_cpu);
	{
		struct bl_ringbuf_opts every = { .max_latency_ms = -1, .coalesce_us = -1 };
		struct bl_ringbuf_opts def = { .coalesce_us = coalesce };

		mode(obj, map_fd, "wakeup-per-record", &every, 0, records, per_call, prod_cpu,
		     repeat);
		mode(obj, map_fd, "default", &def, 0, records, per_call, prod_cpu, repeat);
		mode(obj, map_fd, "no-wakeup", &def, BPF_RB_NO_WAKEUP, records, per_call,
		     prod_cpu, repeat);
	}
	close(link);
	bl_object_close(obj);
	return 0;
}
