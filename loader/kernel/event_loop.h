/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * event_loop.h - the waiting the event readers share: deadlines, the
 * epoll wait-then-drain poll of the ring buffer and perf buffer readers,
 * and the *_run() loop with its stop flag.  Not installed.
 */
#ifndef BPFLOAD_EVENT_LOOP_H
#define BPFLOAD_EVENT_LOOP_H

#include <signal.h>
#include <stdbool.h>
#include <sys/epoll.h>
#include <linux/types.h>

/* CLOCK_MONOTONIC in nanoseconds. */
__u64 bl_now_ns(void);
/* ms from now; UINT64_MAX (no deadline) for ms < 0. */
__u64 bl_deadline_after(int ms);
/* Milliseconds until deadline, rounded up (so we never spin on a 0 ms
 * wait just before it); -1 for no deadline. */
int bl_ms_until(__u64 deadline);
/* How long to wait before looking at a stop flag again: until deadline,
 * but at most BL_EVENTS_STOP_CHECK_MS; 0 once the deadline has passed. */
int bl_stop_check_ms(__u64 deadline);

/* After each wait: deliver what the reader holds; woken says whether
 * epoll saw a ready fd.  Returns records delivered, or -errno. */
typedef int (*bl_drain_fn)(void *reader, bool woken, __u64 deadline);

/*
 * Wait on epfd (n fds, events into evs) and drain, until something was
 * delivered or timeout_ms passed (-1: no limit).  Each wait lasts at
 * most max_latency_ms (-1: no bound), so the reader drains at least that
 * often.  Returns what drain delivered, 0 on timeout, -EINTR if a signal
 * interrupted a wait before anything was delivered, or -errno.  The set
 * must not change meanwhile: the poll returns once a callback has run.
 */
int bl_epoll_poll(int epfd, struct epoll_event *evs, unsigned int n, int max_latency_ms,
		  int timeout_ms, bl_drain_fn drain, void *reader);

/* A reader's poll: records delivered, 0 on timeout, or -errno. */
typedef int (*bl_poll_fn)(void *reader, int timeout_ms);

/* Poll until *stop is set (stop may be NULL) or duration_ms passed (-1:
 * no limit).  Returns 0, or the first error (not -EINTR). */
int bl_events_run(bl_poll_fn poll, void *reader, int duration_ms,
		  volatile sig_atomic_t *stop);

#endif /* BPFLOAD_EVENT_LOOP_H */
