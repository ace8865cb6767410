// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_ringbuf.c - the ring buffer reader against the real kernel.
 *
 * tests/objs/events_ringbuf.o runs on raw_tracepoint sys_enter and, for
 * getppid() calls of this process, emits 64-byte records with sequence
 * numbers into rb0/rb1 (see that file).  We check:
 *
 *   - exactly N records arrive, in order, with the right payloads, both
 *     read after the fact and read while a producer thread runs at a
 *     stated rate (200k records/s) with nothing dropped;
 *   - discarded records are skipped and counted;
 *   - two rings in one poll set, each to its own callback;
 *   - records submitted with BPF_RB_NO_WAKEUP reach a poll that sleeps,
 *     through the timed drain (max_latency_ms), long before its timeout;
 *   - two producers on two CPUs writing at once (reservations interleave,
 *     so the reader meets busy records): every record once, each
 *     producer's in order;
 *   - a callback error stops the drain and the rest comes next time;
 *   - bl_ringbuf_run() delivers while it runs and ends on its duration
 *     and on a flag set by a signal handler;
 *   - a map of the wrong type is refused with a message;
 *   - no fd is left behind.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/events.h>
#include <bpfload/sys.h>
#include "tap.h"
#include "testutil.h"
#include "events_env.h"
#include "objs/events_common.h"

#define MAX_SEQ		(1 << 20)

struct check {
	unsigned int ring;		/* the ring this callback serves */
	__u64 count;
	__u64 next_seq;			/* expected, for in-order checks */
	bool in_order;
	unsigned int stride;		/* seq step between records (0: 1) */
	int errors;			/* bad payloads, reported once */
	char first_error[160];
	unsigned char *seen;		/* seen[seq] counts, when not NULL */
	__u32 tid_last[2];		/* multi-producer: tid ... */
	__u64 seq_last[2];		/* ... and its last seq */
	int stop_after;			/* return -EINTR... after this many, 0: never */
};

static void bad(struct check *c, const char *fmt, unsigned long long a, unsigned long long b)
{
	if (!c->errors++)
		snprintf(c->first_error, sizeof(c->first_error), fmt, a, b);
}

static int on_record(void *ctx, const void *data, size_t size)
{
	struct check *c = ctx;
	struct bl_test_event ev;

	if (size != sizeof(ev)) {
		bad(c, "record of %llu bytes, expected %llu", size, sizeof(ev));
		return 0;
	}
	memcpy(&ev, data, sizeof(ev));
	if (c->in_order && ev.seq != c->next_seq)
		bad(c, "seq %llu, expected %llu", ev.seq, c->next_seq);
	c->next_seq = ev.seq + (c->stride ? c->stride : 1);
	if (ev.ring != c->ring)
		bad(c, "record for ring %llu in the callback of ring %llu", ev.ring, c->ring);
	for (size_t i = 0; i < sizeof(ev.pad); i++) {
		if (ev.pad[i] != (__u8)ev.seq) {
			bad(c, "payload byte of seq %llu is %llu", ev.seq, ev.pad[i]);
			break;
		}
	}
	if (c->seen && ev.seq < MAX_SEQ)
		c->seen[ev.seq]++;
	if (c->seen) {
		int k = c->tid_last[0] == ev.tid || !c->tid_last[0] ? 0 : 1;

		if (c->tid_last[k] && c->tid_last[k] != ev.tid)
			bad(c, "a third producer tid %llu (seq %llu)", ev.tid, ev.seq);
		else if (c->tid_last[k] && ev.seq <= c->seq_last[k])
			bad(c, "producer out of order: seq %llu after %llu", ev.seq, c->seq_last[k]);
		c->tid_last[k] = ev.tid;
		c->seq_last[k] = ev.seq;
	}
	c->count++;
	if (c->stop_after && c->count == (__u64)c->stop_after)
		return -ECANCELED;
	return 0;
}

/* ---- the object and its knobs -------------------------------------------- */

/* Reset the knobs for a new round. */
static void knobs(struct env *v, __u32 per_call, __u32 discard_every, __u32 ring_mode,
		  __u64 flags)
{
	set_u32(v, "per_call", per_call);
	set_u32(v, "discard_every", discard_every);
	set_u32(v, "ring_mode", ring_mode);
	set_u64(v, "wakeup_flags", flags);
	set_u64(v, "next_seq", 0);
	set_u64(v, "dropped", 0);
	set_u64(v, "discarded", 0);
}

/* Poll until want records or timeout_ms; returns the last poll result. */
static int poll_for(struct bl_ringbuf *rb, struct check *c, __u64 want, int timeout_ms)
{
	__u64 end = tu_now_ns() + (__u64)timeout_ms * 1000000ull;
	int r = 0;

	while (c->count < want && tu_now_ns() < end) {
		r = bl_ringbuf_poll(rb, 100);
		if (r < 0 && r != -EINTR)
			break;
	}
	return r;
}

static void report(struct check *c, const char *name)
{
	if (!ok(c->errors == 0, "%s: every payload as expected", name))
		tap_diag("  %d bad records, first: %s", c->errors, c->first_error);
}

/* ---- tests ----------------------------------------------------------------- */

static void test_exact(struct env *v)
{
	struct check c = { .ring = 0, .in_order = true };
	struct bl_ringbuf_stats st;
	struct bl_error e = { 0 };
	struct bl_ringbuf *rb = bl_ringbuf_new(NULL, &e);
	int idx, n;

	idx = rb ? bl_ringbuf_add(rb, v->map[0], on_record, &c, &e) : -1;
	if (!is_int(idx, 0, "exact: bl_ringbuf_add(rb0) is ring 0")) {
		tap_diag("%s", e.msg);
		bl_ringbuf_free(rb);
		return;
	}
	knobs(v, 1, 0, 0, 0);
	n = bl_ringbuf_consume(rb);
	is_int(n, 0, "exact: an empty ring consumes 0");
	calls(10000);
	ok(bl_ringbuf_avail(rb, 0) == 10000 * 72, "exact: 10000 records pending = %zu bytes"
	   " (8-byte header + 64)", bl_ringbuf_avail(rb, 0));
	n = bl_ringbuf_consume(rb);
	is_int(n, 10000, "exact: consume delivers all 10000 records");
	is_int(c.count, 10000, "exact: the callback saw 10000");
	report(&c, "exact");
	is_int(get_u64(v, "dropped"), 0, "exact: nothing dropped by the program");
	is_int(bl_ringbuf_avail(rb, 0), 0, "exact: nothing left in the ring");

	/* batches of 100 per syscall: 50000 records, more than fit while we
	 * are not reading? no: 50000 * 72 = 3.4 MiB < 4 MiB */
	set_u32(v, "per_call", 100);
	calls(500);
	n = bl_ringbuf_poll(rb, 1000);
	is_int(n, 50000, "exact: poll delivers 500 syscalls x 100 records");
	is_int(c.count, 60000, "exact: 60000 in all, in order");
	report(&c, "exact, batches");

	bl_ringbuf_get_stats(rb, &st);
	ok(st.records == 60000 && st.bytes == 60000ull * 64 && st.discarded == 0,
	   "exact: stats: %llu records, %llu bytes, %llu discarded",
	   (unsigned long long)st.records, (unsigned long long)st.bytes,
	   (unsigned long long)st.discarded);
	n = bl_ringbuf_poll(rb, 0);
	is_int(n, 0, "exact: poll(0) on an empty ring returns 0 at once");
	bl_ringbuf_free(rb);
}

static void test_rate(struct env *v)
{
	struct check c = { .ring = 0, .in_order = true };
	struct bl_error e = { 0 };
	struct bl_ringbuf *rb = bl_ringbuf_new(NULL, &e);
	struct producer p = { .n = 20000, .cpu = 1 % tu_possible_cpus(), .rate = 20000 };

	/* 20000 syscalls x 10 records at 20000 calls/s: 200k records/s for 1 s */
	if (!rb || bl_ringbuf_add(rb, v->map[0], on_record, &c, &e) != 0) {
		ok(0, "rate: reader set up: %s", e.msg);
		bl_ringbuf_free(rb);
		return;
	}
	knobs(v, 10, 0, 0, 0);
	pthread_create(&p.th, NULL, producer_fn, &p);
	poll_for(rb, &c, 200000, 20000);
	pthread_join(p.th, NULL);
	bl_ringbuf_consume(rb);
	is_int(c.count, 200000, "rate: 200000 records at 200k/s from another thread, all received");
	report(&c, "rate");
	is_int(get_u64(v, "dropped"), 0, "rate: none dropped (the ring never filled)");
	bl_ringbuf_free(rb);
}

static void test_discard(struct env *v)
{
	struct check c = { .ring = 0, .in_order = false };
	struct bl_ringbuf_stats st;
	struct bl_error e = { 0 };
	struct bl_ringbuf *rb = bl_ringbuf_new(NULL, &e);
	unsigned char *seen = calloc(3000, 1);
	int n, wrong = 0;

	if (!rb || bl_ringbuf_add(rb, v->map[0], on_record, &c, &e) != 0 || !seen) {
		ok(0, "discard: reader set up: %s", e.msg);
		bl_ringbuf_free(rb);
		free(seen);
		return;
	}
	c.seen = seen;
	knobs(v, 1, 3, 0, 0);
	calls(3000);
	n = bl_ringbuf_consume(rb);
	is_int(n, 2000, "discard: 3000 records, every third discarded: 2000 delivered");
	for (int i = 0; i < 3000; i++)
		wrong += seen[i] != (i % 3 ? 1 : 0);
	is_int(wrong, 0, "discard: exactly the seqs not divisible by 3, once each");
	bl_ringbuf_get_stats(rb, &st);
	is_int(st.discarded, 1000, "discard: stats count 1000 discarded records");
	is_int(get_u64(v, "discarded"), 1000, "discard: the program discarded 1000");
	is_int(bl_ringbuf_avail(rb, 0), 0, "discard: discarded records were consumed too");
	report(&c, "discard");
	free(seen);
	bl_ringbuf_free(rb);
}

static void test_two_rings(struct env *v)
{
	struct check c0 = { .ring = 0, .in_order = true, .stride = 2 };
	struct check c1 = { .ring = 1, .in_order = true, .stride = 2 };
	struct bl_error e = { 0 };
	struct bl_ringbuf *rb = bl_ringbuf_new(NULL, &e);
	int n;

	if (!rb || bl_ringbuf_add(rb, v->map[0], on_record, &c0, &e) != 0 ||
	    bl_ringbuf_add(rb, v->map[1], on_record, &c1, &e) != 1) {
		ok(0, "two rings: set up: %s", e.msg);
		bl_ringbuf_free(rb);
		return;
	}
	is_int(bl_ringbuf_count(rb), 2, "two rings: 2 rings in the set");
	knobs(v, 1, 0, 2, 0);
	c1.next_seq = 1;
	calls(1000);
	n = bl_ringbuf_poll(rb, 1000);
	is_int(n, 1000, "two rings: one poll delivers the records of both rings");
	ok(c0.count == 500 && c1.count == 500, "two rings: 500 to each callback (%llu, %llu)",
	   (unsigned long long)c0.count, (unsigned long long)c1.count);
	report(&c0, "two rings, ring 0 (even seqs in order)");
	report(&c1, "two rings, ring 1 (odd seqs in order)");
	knobs(v, 1, 0, 1, 0);
	c1.next_seq = 0;
	c1.stride = 1;
	calls(10);
	n = bl_ringbuf_consume_ring(rb, 0);
	is_int(n, 0, "two rings: consume_ring(0) leaves ring 1 alone");
	n = bl_ringbuf_consume_ring(rb, 1);
	is_int(n, 10, "two rings: consume_ring(1) takes its 10");
	report(&c1, "two rings, ring 1 alone");
	bl_ringbuf_free(rb);
}

static void test_no_wakeup(struct env *v)
{
	struct check c = { .ring = 0, .in_order = true };
	struct bl_ringbuf_opts o = { .max_latency_ms = 50 };
	struct bl_error e = { 0 };
	struct bl_ringbuf *rb = bl_ringbuf_new(&o, &e);
	struct producer p = { .n = 10, .cpu = -1, .start_delay_ns = 100000000 };
	__u64 t0;
	int n;

	if (!rb || bl_ringbuf_add(rb, v->map[0], on_record, &c, &e) != 0) {
		ok(0, "no wakeup: set up: %s", e.msg);
		bl_ringbuf_free(rb);
		return;
	}
	knobs(v, 1, 0, 0, BPF_RB_NO_WAKEUP);
	/* The reader sleeps in epoll; records come 100 ms later and never
	 * wake it: only the 50 ms timed drain can deliver them before the
	 * 10 s timeout. */
	pthread_create(&p.th, NULL, producer_fn, &p);
	t0 = tu_now_ns();
	n = bl_ringbuf_poll(rb, 10000);
	t0 = tu_now_ns() - t0;
	pthread_join(p.th, NULL);
	is_int(n, 10, "no wakeup: BPF_RB_NO_WAKEUP records delivered by the timed drain");
	ok(t0 < 5000000000ull, "no wakeup: poll returned after %llu ms, well before its 10 s"
	   " timeout", (unsigned long long)(t0 / 1000000));
	report(&c, "no wakeup");
	bl_ringbuf_free(rb);
}

static void test_two_producers(struct env *v)
{
	struct check c = { .ring = 0, .in_order = false };
	struct bl_error e = { 0 };
	struct bl_ringbuf *rb = bl_ringbuf_new(NULL, &e);
	struct producer p[2] = {
		{ .n = 50000, .cpu = 0 },
		{ .n = 50000, .cpu = 1 % tu_possible_cpus() },
	};
	unsigned char *seen = calloc(MAX_SEQ, 1);
	int missing = 0, twice = 0;

	if (!rb || !seen || bl_ringbuf_add(rb, v->map[0], on_record, &c, &e) != 0) {
		ok(0, "two producers: set up: %s", e.msg);
		bl_ringbuf_free(rb);
		free(seen);
		return;
	}
	c.seen = seen;
	knobs(v, 4, 0, 0, 0);
	for (int i = 0; i < 2; i++)
		pthread_create(&p[i].th, NULL, producer_fn, &p[i]);
	poll_for(rb, &c, 400000, 30000);
	for (int i = 0; i < 2; i++)
		pthread_join(p[i].th, NULL);
	bl_ringbuf_consume(rb);
	is_int(get_u64(v, "dropped"), 0, "two producers: none dropped");
	is_int(c.count, 400000, "two producers on two CPUs: 400000 records received");
	for (int i = 0; i < 400000; i++) {
		missing += !seen[i];
		twice += seen[i] > 1;
	}
	ok(!missing && !twice, "two producers: every seq once (%d missing, %d twice)", missing,
	   twice);
	report(&c, "two producers (each in its own order)");
	free(seen);
	bl_ringbuf_free(rb);
}

static void test_callback_error(struct env *v)
{
	struct check c = { .ring = 0, .in_order = true, .stop_after = 5 };
	struct bl_error e = { 0 };
	struct bl_ringbuf *rb = bl_ringbuf_new(NULL, &e);
	int n;

	if (!rb || bl_ringbuf_add(rb, v->map[0], on_record, &c, &e) != 0) {
		ok(0, "callback error: set up: %s", e.msg);
		bl_ringbuf_free(rb);
		return;
	}
	knobs(v, 1, 0, 0, 0);
	calls(20);
	n = bl_ringbuf_consume(rb);
	is_int(n, -ECANCELED, "callback error: consume returns the callback's error");
	is_int(c.count, 5, "callback error: stopped after the 5th record");
	n = bl_ringbuf_consume(rb);
	is_int(n, 15, "callback error: the next consume delivers the other 15");
	report(&c, "callback error");
	bl_ringbuf_free(rb);
}

static void test_run(struct env *v)
{
	struct check c = { .ring = 0, .in_order = true };
	struct bl_error e = { 0 };
	struct bl_ringbuf *rb = bl_ringbuf_new(NULL, &e);
	struct producer p = { .n = 100, .cpu = -1, .start_delay_ns = 50000000 };
	__u64 t0;
	int r;

	if (!rb || bl_ringbuf_add(rb, v->map[0], on_record, &c, &e) != 0) {
		ok(0, "run: set up: %s", e.msg);
		bl_ringbuf_free(rb);
		return;
	}
	knobs(v, 1, 0, 0, 0);
	pthread_create(&p.th, NULL, producer_fn, &p);
	t0 = tu_now_ns();
	r = bl_ringbuf_run(rb, 300, NULL);
	t0 = (tu_now_ns() - t0) / 1000000;
	pthread_join(p.th, NULL);
	ok(r == 0 && t0 >= 290 && t0 < 3000, "run: a 300 ms run returns 0 after %llu ms",
	   (unsigned long long)t0);
	is_int(c.count, 100, "run: it delivered the 100 records made meanwhile");

	stop_in_1s();
	t0 = tu_now_ns();
	r = bl_ringbuf_run(rb, 20000, &stop_flag);
	t0 = (tu_now_ns() - t0) / 1000000;
	signal(SIGALRM, SIG_DFL);
	ok(r == 0 && t0 < 3000, "run: a flag set by SIGALRM's handler ends a 20 s run after"
	   " %llu ms", (unsigned long long)t0);
	bl_ringbuf_free(rb);
}

static void test_wrong_map(void)
{
	struct bl_error e = { 0 };
	struct bl_ringbuf *rb = bl_ringbuf_new(NULL, &e);
	int fd = bl_sys_map_create(BPF_MAP_TYPE_ARRAY, "not_rb", 4, 8, 1, NULL);
	int r = rb && fd >= 0 ? bl_ringbuf_add(rb, fd, on_record, NULL, &e) : 0;

	is_int(r, -EINVAL, "wrong map: an array is refused");
	like(e.msg, "not a BPF_MAP_TYPE_RINGBUF", "wrong map: the message says why");
	if (fd >= 0)
		close(fd);
	bl_ringbuf_free(rb);
}

int main(void)
{
	const char *why = tu_bpf_unavailable();
	struct env v;
	int fds;

	if (why)
		tap_skip_all("%s", why);
	fds = tu_count_fds();
	if (env_open(&v, "events_ringbuf", "rb0", "rb1")) {
		ok(0, "load events_ringbuf.o and attach it to raw_tp sys_enter");
		env_close(&v);
		return tap_done();
	}
	ok(1, "load events_ringbuf.o and attach it to raw_tp sys_enter");
	test_exact(&v);
	test_rate(&v);
	test_discard(&v);
	test_two_rings(&v);
	test_no_wakeup(&v);
	test_two_producers(&v);
	test_callback_error(&v);
	test_run(&v);
	test_wrong_map();
	env_close(&v);
	is_int(tu_count_fds(), fds, "every fd closed at the end");
	return tap_done();
}
