// SPDX-License-Identifier: BSD-2-Clause
/*
 * event_loop.c - deadlines, polls and run loops for the event readers
 * (ringbuf.c, perfbuf.c, trace_pipe.c).  See bpfload/events.h for the
 * latency and stopping rules they implement.
 */
#include <errno.h>
#include <stdint.h>
#include <time.h>

#include <bpfload/events.h>
#include "kernel/event_loop.h"

__u64 bl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

__u64 bl_deadline_after(int ms)
{
	return ms < 0 ? UINT64_MAX : bl_now_ns() + (__u64)ms * 1000000ull;
}

int bl_ms_until(__u64 deadline)
{
	__u64 t;

	if (deadline == UINT64_MAX)
		return -1;
	t = bl_now_ns();
	if (t >= deadline)
		return 0;
	t = (deadline - t + 999999) / 1000000;
	return t > INT32_MAX ? INT32_MAX : (int)t;
}

/* A wait of ms (-1: forever) made at most max (-1: no bound). */
static int cap_wait(int ms, int max)
{
	if (max >= 0 && (ms < 0 || ms > max))
		return max;
	return ms;
}

int bl_stop_check_ms(__u64 deadline)
{
	return cap_wait(bl_ms_until(deadline), BL_EVENTS_STOP_CHECK_MS);
}

int bl_epoll_poll(int epfd, struct epoll_event *evs, unsigned int n, int max_latency_ms,
		  int timeout_ms, bl_drain_fn drain, void *reader)
{
	__u64 deadline = bl_deadline_after(timeout_ms);

	for (;;) {
		int wait = cap_wait(bl_ms_until(deadline), max_latency_ms), ready, got;
		bool intr = false;

		ready = n ? epoll_wait(epfd, evs, (int)n, wait) : 0;
		if (ready < 0) {
			if (errno != EINTR)
				return -errno;
			intr = true;
		}
		got = drain(reader, ready > 0, deadline);
		if (got)
			return got;
		if (intr)
			return -EINTR;
		if (bl_ms_until(deadline) == 0)
			return 0;
	}
}

int bl_events_run(bl_poll_fn poll, void *reader, int duration_ms,
		  volatile sig_atomic_t *stop)
{
	__u64 deadline = bl_deadline_after(duration_ms);

	while (!(stop && *stop)) {
		int left = bl_stop_check_ms(deadline), n;

		if (left == 0)
			break;
		n = poll(reader, left);
		if (n < 0 && n != -EINTR)
			return n;
	}
	return 0;
}
