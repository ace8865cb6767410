// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_perfbuf.c - the perf buffer reader against the real kernel.
 *
 * tests/objs/events_perf.o runs on raw_tracepoint sys_enter and, for
 * getppid() calls of this process, emits 64-byte records with sequence
 * numbers through bpf_perf_event_output(BPF_F_CURRENT_CPU).  We check:
 *
 *   - one ring per online CPU; records made on each CPU arrive from that
 *     CPU's ring, exactly N, with the kernel's padded size (68) and the
 *     right payloads;
 *   - no loss at a stated rate: 200k records/s for 1 s from a thread
 *     that hops between CPUs, with the default batched wakeups;
 *   - records that wrap around the end of a one-page ring arrive whole;
 *   - records below the wakeup watermark are still delivered by the
 *     timed drain, long before the poll's timeout;
 *   - overrun: a burst of 1000 into a one-page ring loses records, the
 *     kernel reports them with PERF_RECORD_LOST, and received + lost ==
 *     sent exactly, with the lost callback, the counter and the
 *     program's own failure count agreeing;
 *   - bl_perfbuf_run() delivers while it runs and ends on its duration
 *     and on a flag set by a signal handler;
 *   - a callback error stops the drain; wrong map types and maps smaller
 *     than the CPU count are refused with a message;
 *   - after bl_perfbuf_free() the map no longer holds our events (the
 *     program's output fails) and no fd is left.
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
#include <bpfload/maputil.h>
#include <bpfload/sys.h>
#include "tap.h"
#include "testutil.h"
#include "events_env.h"
#include "objs/events_common.h"

#define MAX_SEQ		(1 << 20)
#define RAW_SIZE	68	/* 64 rounded so that 4 + size is a multiple of 8 */

struct check {
	__u64 count;
	__u64 per_cpu[64];
	__u64 last_seq[64];		/* per CPU order */
	bool have_last[64];
	unsigned char *seen;
	int errors;
	char first_error[160];
	int stop_after;
	__u64 lost_calls, lost_sum;
};

static void bad(struct check *c, const char *fmt, unsigned long long a, unsigned long long b)
{
	if (!c->errors++)
		snprintf(c->first_error, sizeof(c->first_error), fmt, a, b);
}

static int on_sample(void *ctx, int cpu, const void *data, size_t size)
{
	struct check *c = ctx;
	struct bl_test_event ev;

	if (size != RAW_SIZE) {
		bad(c, "sample of %llu bytes, expected %llu", size, RAW_SIZE);
		return 0;
	}
	memcpy(&ev, data, sizeof(ev));
	if ((int)ev.cpu != cpu)
		bad(c, "record made on CPU %llu came from ring %llu", ev.cpu, (unsigned)cpu);
	for (size_t i = 0; i < sizeof(ev.pad); i++) {
		if (ev.pad[i] != (__u8)ev.seq) {
			bad(c, "payload byte of seq %llu is %llu", ev.seq, ev.pad[i]);
			break;
		}
	}
	if (cpu >= 0 && cpu < 64) {
		if (c->have_last[cpu] && ev.seq <= c->last_seq[cpu])
			bad(c, "seq %llu after %llu on one CPU", ev.seq, c->last_seq[cpu]);
		c->have_last[cpu] = true;
		c->last_seq[cpu] = ev.seq;
		c->per_cpu[cpu]++;
	}
	if (c->seen && ev.seq < MAX_SEQ)
		c->seen[ev.seq]++;
	c->count++;
	if (c->stop_after && c->count == (__u64)c->stop_after)
		return -ECANCELED;
	return 0;
}

static void on_lost(void *ctx, int cpu, __u64 lost)
{
	struct check *c = ctx;

	c->lost_calls++;
	c->lost_sum += lost;
}

static void report(struct check *c, const char *name)
{
	if (!ok(c->errors == 0, "%s: every sample as expected", name))
		tap_diag("  %d bad samples, first: %s", c->errors, c->first_error);
}

/* ---- the object -------------------------------------------------------------- */

static void knobs(struct env *v, __u32 per_call)
{
	set_u32(v, "per_call", per_call);
	set_u64(v, "next_seq", 0);
	set_u64(v, "failed", 0);
}

static void unpin(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	for (int i = 0; i < CPU_SETSIZE && i < tu_possible_cpus(); i++)
		CPU_SET(i, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static struct bl_perfbuf *reader(struct env *v, struct check *c, const struct bl_perfbuf_opts *o,
				 const char *name)
{
	struct bl_error e = { 0 };
	struct bl_perfbuf *pb = bl_perfbuf_new(v->map[0], on_sample, c, o, &e);

	if (!pb)
		ok(0, "%s: bl_perfbuf_new: %s", name, e.msg);
	return pb;
}

/* ---- tests --------------------------------------------------------------------- */

static void test_per_cpu(struct env *v, int online)
{
	struct check c = { 0 };
	struct bl_perfbuf_stats st;
	struct bl_perfbuf *pb = reader(v, &c, NULL, "per CPU");
	bool on[64] = { false };
	int n, want = 0, right = 0;

	if (!pb)
		return;
	is_int(bl_perfbuf_ring_count(pb), online, "per CPU: one ring per online CPU (%d)", online);
	knobs(v, 1);
	bl_online_cpus(on, 64);
	for (int cpu = 0; cpu < 64; cpu++) {
		if (!on[cpu])
			continue;
		tu_pin_cpu(cpu);
		calls(1000 + cpu);
		want += 1000 + cpu;
	}
	unpin();
	n = bl_perfbuf_consume(pb);
	is_int(n, want, "per CPU: consume delivers all %d samples", want);
	for (int cpu = 0; cpu < 64; cpu++)
		right += !on[cpu] || c.per_cpu[cpu] == (__u64)(1000 + cpu);
	is_int(right, 64, "per CPU: CPU k's ring held exactly the 1000 + k samples made there");
	report(&c, "per CPU");
	bl_perfbuf_get_stats(pb, &st);
	ok(st.records == (__u64)want && st.lost == 0 && st.bytes == (__u64)want * RAW_SIZE,
	   "per CPU: stats %llu records, %llu bytes, %llu lost", (unsigned long long)st.records,
	   (unsigned long long)st.bytes, (unsigned long long)st.lost);
	is_int(get_u64(v, "failed"), 0, "per CPU: the program's output never failed");
	bl_perfbuf_free(pb);
}

static void test_rate(struct env *v)
{
	struct check c = { 0 };
	struct bl_perfbuf_opts o = { .pages = 1024 };
	struct bl_perfbuf *pb = reader(v, &c, &o, "rate");
	struct producer p = { .n = 20000, .cpu = 0, .hop = 1000, .rate = 20000 };
	unsigned char *seen = calloc(MAX_SEQ, 1);
	__u64 end = tu_now_ns() + 30000000000ull;
	int missing = 0;

	if (!pb || !seen) {
		free(seen);
		bl_perfbuf_free(pb);
		return;
	}
	c.seen = seen;
	knobs(v, 10);
	/* 20000 calls x 10 records at 20000 calls/s: 200k records/s for 1 s,
	 * hopping CPU every 1000 calls; 4 MiB rings (250 ms of records, so a
	 * busy machine may keep the reader off its CPU that long), wakeups
	 * at 1 MiB */
	pthread_create(&p.th, NULL, producer_fn, &p);
	while (c.count < 200000 && tu_now_ns() < end && bl_perfbuf_lost(pb) == 0)
		bl_perfbuf_poll(pb, 100);
	pthread_join(p.th, NULL);
	bl_perfbuf_consume(pb);
	is_int(c.count, 200000, "rate: 200000 samples at 200k/s, all received");
	is_int(bl_perfbuf_lost(pb), 0, "rate: none lost");
	if (c.count != 200000)
		tap_diag("  the producer ran %llu calls; failed outputs %llu",
			 (unsigned long long)get_u64(v, "next_seq") / 10,
			 (unsigned long long)get_u64(v, "failed"));
	is_int(get_u64(v, "failed"), 0, "rate: the program's output never failed");
	for (int i = 0; i < 200000; i++)
		missing += seen[i] != 1;
	is_int(missing, 0, "rate: every seq exactly once");
	report(&c, "rate");
	free(seen);
	bl_perfbuf_free(pb);
}

static void test_wrap(struct env *v)
{
	struct check c = { 0 };
	struct bl_perfbuf_opts o = { .pages = 1, .wakeup_per_record = true };
	struct bl_perfbuf *pb = reader(v, &c, &o, "wrap");
	int total = 0, n;

	if (!pb)
		return;
	/* 80-byte records (8 header + 4 size + 68) in a 4096-byte ring:
	 * every 51st or 52nd record straddles the end of the ring */
	knobs(v, 37);
	tu_pin_cpu(0);
	for (int round = 0; round < 40; round++) {
		calls(1);
		n = bl_perfbuf_consume(pb);
		if (n != 37)
			break;
		total += n;
	}
	unpin();
	is_int(total, 40 * 37, "wrap: 40 rounds of 37 samples through a one-page ring");
	report(&c, "wrap (records split at the ring's end are copied whole)");
	is_int(bl_perfbuf_lost(pb), 0, "wrap: none lost");
	bl_perfbuf_free(pb);
}

static void test_watermark(struct env *v)
{
	struct check c = { 0 };
	struct bl_perfbuf_opts o = { .max_latency_ms = 50 };
	struct bl_perfbuf *pb = reader(v, &c, &o, "watermark");
	struct producer p = { .n = 10, .cpu = 0, .start_delay_ns = 100000000 };
	__u64 t0;
	int n;

	if (!pb)
		return;
	knobs(v, 1);
	/* 10 samples = 800 bytes, far below the 64 KiB watermark: no wakeup */
	pthread_create(&p.th, NULL, producer_fn, &p);
	t0 = tu_now_ns();
	n = bl_perfbuf_poll(pb, 10000);
	t0 = tu_now_ns() - t0;
	pthread_join(p.th, NULL);
	is_int(n, 10, "watermark: 10 samples below the watermark delivered by the timed drain");
	ok(t0 < 5000000000ull, "watermark: after %llu ms, well before the 10 s timeout",
	   (unsigned long long)(t0 / 1000000));
	bl_perfbuf_free(pb);
}

static void test_overrun(struct env *v)
{
	struct check c = { 0 };
	struct bl_perfbuf_opts o = { .pages = 1, .lost_fn = on_lost };
	struct bl_perfbuf *pb = reader(v, &c, &o, "overrun");
	struct bl_perfbuf_stats st;
	__u64 got1, lost, failed;

	if (!pb)
		return;
	knobs(v, 1000);
	tu_pin_cpu(0);
	calls(1);		/* a burst of 1000 into a 4 KiB ring */
	bl_perfbuf_consume(pb);
	got1 = c.count;
	/* The kernel writes PERF_RECORD_LOST when the next sample finds room. */
	set_u32(v, "per_call", 1);
	calls(1);
	unpin();
	bl_perfbuf_consume(pb);
	lost = bl_perfbuf_lost(pb);
	failed = get_u64(v, "failed");
	bl_perfbuf_get_stats(pb, &st);
	ok(got1 > 0 && got1 < 1000, "overrun: %llu of the 1000 fit before the ring was full",
	   (unsigned long long)got1);
	ok(lost > 0, "overrun: %llu samples reported lost", (unsigned long long)lost);
	is_int(c.count + lost, 1001, "overrun: received (%llu) + lost (%llu) == sent (1001)",
	       (unsigned long long)c.count, (unsigned long long)lost);
	is_int(failed, lost, "overrun: lost equals the program's failed outputs");
	ok(c.lost_calls >= 1 && c.lost_sum == lost && st.lost_records == c.lost_calls,
	   "overrun: the lost callback ran %llu times for %llu samples",
	   (unsigned long long)c.lost_calls, (unsigned long long)c.lost_sum);
	report(&c, "overrun");
	bl_perfbuf_free(pb);
}

static void test_callback_error(struct env *v)
{
	struct check c = { .stop_after = 3 };
	struct bl_perfbuf *pb = reader(v, &c, NULL, "callback error");
	int n;

	if (!pb)
		return;
	knobs(v, 1);
	tu_pin_cpu(0);
	calls(10);
	unpin();
	n = bl_perfbuf_consume(pb);
	is_int(n, -ECANCELED, "callback error: consume returns the callback's error");
	is_int(c.count, 3, "callback error: stopped after the 3rd sample");
	n = bl_perfbuf_consume(pb);
	is_int(n, 7, "callback error: the next consume delivers the other 7");
	bl_perfbuf_free(pb);
}

static void test_run(struct env *v)
{
	struct check c = { 0 };
	struct bl_perfbuf *pb = reader(v, &c, NULL, "run");
	struct producer p = { .n = 100, .cpu = 0, .hop = 10, .start_delay_ns = 50000000 };
	__u64 t0;
	int r;

	if (!pb)
		return;
	knobs(v, 1);
	pthread_create(&p.th, NULL, producer_fn, &p);
	t0 = tu_now_ns();
	r = bl_perfbuf_run(pb, 300, NULL);
	t0 = (tu_now_ns() - t0) / 1000000;
	pthread_join(p.th, NULL);
	ok(r == 0 && t0 >= 290 && t0 < 3000, "run: a 300 ms run returns 0 after %llu ms",
	   (unsigned long long)t0);
	is_int(c.count, 100, "run: it delivered the 100 samples made meanwhile (below the"
	       " watermark: by the timed drain)");

	stop_in_1s();
	t0 = tu_now_ns();
	r = bl_perfbuf_run(pb, 20000, &stop_flag);
	t0 = (tu_now_ns() - t0) / 1000000;
	signal(SIGALRM, SIG_DFL);
	ok(r == 0 && t0 < 3000, "run: a flag set by SIGALRM's handler ends a 20 s run after"
	   " %llu ms", (unsigned long long)t0);
	bl_perfbuf_free(pb);
}

static void test_refused(void)
{
	struct bl_error e = { 0 };
	struct bl_perfbuf *pb;
	int arr = bl_sys_map_create(BPF_MAP_TYPE_ARRAY, "not_pe", 4, 4, 4, NULL);
	int small = bl_sys_map_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, "small_pe", 4, 4, 1, NULL);

	pb = bl_perfbuf_new(arr, on_sample, NULL, NULL, &e);
	ok(!pb && e.err == -EINVAL, "refused: an array map");
	like(e.msg, "not a BPF_MAP_TYPE_PERF_EVENT_ARRAY", "refused: the message says why");
	bl_perfbuf_free(pb);
	if (tu_possible_cpus() > 1) {
		memset(&e, 0, sizeof(e));
		pb = bl_perfbuf_new(small, on_sample, NULL, NULL, &e);
		ok(!pb && e.err == -E2BIG, "refused: a perf event array with 1 entry on %d CPUs",
		   tu_possible_cpus());
		like(e.msg, "possible CPUs", "refused: the message says why");
		bl_perfbuf_free(pb);
	} else {
		tap_skip("refused: a map smaller than the CPU count", "one CPU");
		tap_skip("refused: the message says why", "one CPU");
	}
	if (arr >= 0)
		close(arr);
	if (small >= 0)
		close(small);
}

static void test_free_clears_map(struct env *v)
{
	struct check c = { 0 };
	struct bl_perfbuf *pb = reader(v, &c, NULL, "free");

	if (!pb)
		return;
	bl_perfbuf_free(pb);
	knobs(v, 1);
	calls(3);
	is_int(get_u64(v, "failed"), 3, "free: the map holds no event any more (output fails)");
}

int main(void)
{
	const char *why = tu_bpf_unavailable();
	bool on[64];
	struct env v;
	int fds, online;

	if (why)
		tap_skip_all("%s", why);
	online = bl_online_cpus(on, 64);
	fds = tu_count_fds();
	if (env_open(&v, "events_perf", "events", NULL)) {
		ok(0, "load events_perf.o and attach it to raw_tp sys_enter");
		env_close(&v);
		return tap_done();
	}
	ok(1, "load events_perf.o and attach it to raw_tp sys_enter");
	test_per_cpu(&v, online);
	test_rate(&v);
	test_wrap(&v);
	test_watermark(&v);
	test_overrun(&v);
	test_callback_error(&v);
	test_run(&v);
	test_refused();
	test_free_clears_map(&v);
	env_close(&v);
	is_int(tu_count_fds(), fds, "every fd closed at the end");
	return tap_done();
}
