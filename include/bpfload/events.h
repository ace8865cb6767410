/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bpfload/events.h - reading what BPF programs send to user space.
 *
 * Three channels, three readers:
 *
 *   ring buffer   BPF_MAP_TYPE_RINGBUF (5.8+): one buffer shared by all
 *                 CPUs, records in commit order, mmap'ed by the reader.
 *                 bpf_ringbuf_reserve/submit/discard/output.
 *   perf buffer   BPF_MAP_TYPE_PERF_EVENT_ARRAY: one perf ring per CPU,
 *                 bpf_perf_event_output(ctx, &map, BPF_F_CURRENT_CPU, ..).
 *                 Works on every kernel; records are ordered per CPU
 *                 only; a full ring drops records and says how many.
 *   trace_pipe    bpf_printk() text lines from tracefs; global to the
 *                 machine and destructive (a line read is gone for every
 *                 other reader).  For debugging and samples.
 *
 * Wakeups and latency.  Waking a reader costs several microseconds; if
 * every record wakes it (what a reader that is always caught up gets),
 * the wakeups, not the copying, set the throughput.  So both binary
 * readers batch by default and state the price, a bounded delay:
 *
 *   perf buffer   the kernel wakes us when wakeup_watermark bytes (a
 *                 quarter of the ring by default) are pending; records
 *                 below the watermark are picked up by a timed poll
 *                 every max_latency_ms (default 50 ms).
 *   ring buffer   the kernel wakes us when a record is committed while we
 *                 have consumed everything before it (or never, if the
 *                 program submits with BPF_RB_NO_WAKEUP, or always with
 *                 BPF_RB_FORCE_WAKEUP).  We drain every ring on each
 *                 wakeup and at least every max_latency_ms (default
 *                 50 ms), which bounds the delay of NO_WAKEUP records, and
 *                 after a drain we let at least coalesce_us (default
 *                 500 us) pass before the next one: while we hold records
 *                 back the kernel sees us behind and does not wake us, so
 *                 one wakeup serves a whole batch.  An isolated record is
 *                 still delivered at once.
 *
 * Worst-case delivery delay, from commit to callback, with the defaults:
 * 50 ms for perf records and for ring buffer records submitted with
 * BPF_RB_NO_WAKEUP, 0.5 ms for other ring buffer records (plus
 * scheduling delays).  Set max_latency_ms = -1 for a purely event-driven
 * reader, coalesce_us = -1 (ring buffer) or wakeup_per_record (perf
 * buffer) for the unbatched behaviour.
 *
 * Callbacks return 0 to go on, or a negative errno to stop: the record
 * counts as consumed and the poll returns that value.
 *
 * Stopping.  A poll waits at most its timeout (and, with the default
 * max_latency_ms, wakes every 50 ms to drain), and a signal that
 * interrupts the wait makes it return (-EINTR if nothing was delivered),
 * so a loop that checks a flag set by a SIGINT handler ends promptly.
 * The *_run() functions do that loop for you, waiting at most
 * BL_EVENTS_STOP_CHECK_MS at a time, so a flag set from another thread
 * (no signal) is seen within that delay.
 *
 * Readers are not thread-safe: use one from one thread at a time.  They
 * hold their own duplicate of the map fd; nothing is global.
 *
 * Results: >= 0 (a count) or -errno.
 */
#ifndef BPFLOAD_EVENTS_H
#define BPFLOAD_EVENTS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <bpfload.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Longest a *_run() loop waits before looking at its stop flag again. */
#define BL_EVENTS_STOP_CHECK_MS		100
/* Defaults documented above. */
#define BL_EVENTS_MAX_LATENCY_MS	50
#define BL_RINGBUF_COALESCE_US		500
/* 128 data pages + the header page = 516 KiB per CPU, the kernel's
 * default perf_event_mlock_kb: a user without CAP_IPC_LOCK may map that
 * much per online CPU, so one reader with this default fits.  Room for
 * ~6500 64-byte records: 12 ms at 500k/s on one CPU.  Busy machines
 * that keep the reader off the CPU longer need more pages. */
#define BL_PERFBUF_PAGES		128

/* ---- ring buffer (BPF_MAP_TYPE_RINGBUF) --------------------------------- */

struct bl_ringbuf;

/* One record: data points into the ring (valid during the call only). */
typedef int (*bl_ringbuf_fn)(void *ctx, const void *data, size_t size);

struct bl_ringbuf_opts {
	/* Drain every ring at least this often, whether or not the kernel
	 * woke us (0: BL_EVENTS_MAX_LATENCY_MS; -1: only on wakeups and
	 * when a poll's timeout ends). */
	int max_latency_ms;
	/* Least time between two drains while records keep coming
	 * (0: BL_RINGBUF_COALESCE_US; -1: none, drain on every wakeup).
	 * The ring must hold what arrives meanwhile: at 1M records/s of
	 * 64 bytes, 0.5 ms is 36 KiB; with BPF_RB_NO_WAKEUP producers it
	 * must hold max_latency_ms worth (50 ms: 3.6 MiB at that rate). */
	int coalesce_us;
};

/* An empty set of rings; add rings with bl_ringbuf_add().  opts may be
 * NULL.  NULL on failure, with *err filled (err may be NULL). */
struct bl_ringbuf *bl_ringbuf_new(const struct bl_ringbuf_opts *opts,
				  struct bl_error *err);
/* Map the ring of map_fd (which must be a BPF_MAP_TYPE_RINGBUF; the
 * reader keeps a dup of it) and add it to the poll set.  Returns the
 * ring's index (0, 1, ...) or -errno. */
int bl_ringbuf_add(struct bl_ringbuf *rb, int map_fd, bl_ringbuf_fn fn, void *ctx,
		   struct bl_error *err);
/*
 * Wait until records were delivered or timeout_ms passed (-1: no limit;
 * 0: just drain), draining every ring after each wakeup and at least
 * every max_latency_ms.  Returns the number of records delivered (0 on
 * timeout), -EINTR if a signal interrupted the wait before any, or the
 * negative value a callback returned.
 */
int bl_ringbuf_poll(struct bl_ringbuf *rb, int timeout_ms);
/* Deliver what every ring holds now, without waiting. */
int bl_ringbuf_consume(struct bl_ringbuf *rb);
/* Same, for ring idx only. */
int bl_ringbuf_consume_ring(struct bl_ringbuf *rb, unsigned int idx);
/* Poll until *stop is non-zero (stop may be NULL) or duration_ms passed
 * (-1: no limit).  Returns 0, or the first error (not -EINTR). */
int bl_ringbuf_run(struct bl_ringbuf *rb, int duration_ms, volatile sig_atomic_t *stop);
/* The epoll fd (readable when a ring has records), to nest in another
 * event loop; call bl_ringbuf_consume() when it is readable and at least
 * every max_latency_ms. */
int bl_ringbuf_epoll_fd(const struct bl_ringbuf *rb);
unsigned int bl_ringbuf_count(const struct bl_ringbuf *rb);
/* Bytes committed and not consumed yet in ring idx (0 if idx is bad). */
size_t bl_ringbuf_avail(const struct bl_ringbuf *rb, unsigned int idx);

struct bl_ringbuf_stats {
	__u64 records;		/* delivered to callbacks */
	__u64 bytes;		/* their sizes, without headers */
	__u64 discarded;	/* skipped: bpf_ringbuf_discard() */
	__u64 wakeups;		/* epoll waits that returned ready */
	__u64 drains;		/* passes over the rings that found records */
};
/* Totals since bl_ringbuf_new(), all rings together. */
void bl_ringbuf_get_stats(const struct bl_ringbuf *rb, struct bl_ringbuf_stats *out);
/* Unmap every ring, close every fd, free.  NULL is fine. */
void bl_ringbuf_free(struct bl_ringbuf *rb);

/* ---- perf buffer (BPF_MAP_TYPE_PERF_EVENT_ARRAY) ------------------------ */

struct bl_perfbuf;

/* One sample: the raw data as the program passed it, padded by the
 * kernel so that 4 + size is a multiple of 8 (64 bytes arrive as 68).
 * data may point into the ring or into a copy (for records that wrap
 * around the end of the ring); valid during the call only. */
typedef int (*bl_perfbuf_fn)(void *ctx, int cpu, const void *data, size_t size);
/* The kernel dropped lost samples on cpu because its ring was full. */
typedef void (*bl_perfbuf_lost_fn)(void *ctx, int cpu, __u64 lost);

struct bl_perfbuf_opts {
	/* Data pages per CPU ring, a power of 2 (0: BL_PERFBUF_PAGES). */
	unsigned int pages;
	/* Wake the reader when this many bytes are pending in a ring
	 * (0: a quarter of the ring).  Clamped below the ring size. */
	unsigned int wakeup_bytes;
	/* Wake the reader for every record (wakeup_events = 1), as most
	 * readers do; wakeup_bytes is then ignored. */
	bool wakeup_per_record;
	/* Drain every ring at least this often (0: BL_EVENTS_MAX_LATENCY_MS;
	 * -1: only on wakeups and when a poll's timeout ends, leaving
	 * records below the watermark until then). */
	int max_latency_ms;
	/* Called for PERF_RECORD_LOST; NULL to only count. */
	bl_perfbuf_lost_fn lost_fn;
};

/*
 * Open one BPF output perf event per online CPU, map its ring, store its
 * fd in map_fd at the CPU's index and add it to an epoll set.  The map
 * must have an entry for every possible CPU (max_entries >= the number of
 * possible CPUs).  opts may be NULL.  NULL on failure, with *err filled.
 */
struct bl_perfbuf *bl_perfbuf_new(int map_fd, bl_perfbuf_fn fn, void *ctx,
				  const struct bl_perfbuf_opts *opts, struct bl_error *err);
/* As bl_ringbuf_poll(). */
int bl_perfbuf_poll(struct bl_perfbuf *pb, int timeout_ms);
/* Deliver what every ring holds now, without waiting. */
int bl_perfbuf_consume(struct bl_perfbuf *pb);
/* As bl_ringbuf_run(). */
int bl_perfbuf_run(struct bl_perfbuf *pb, int duration_ms, volatile sig_atomic_t *stop);
int bl_perfbuf_epoll_fd(const struct bl_perfbuf *pb);
/* Number of rings (online CPUs when created). */
unsigned int bl_perfbuf_ring_count(const struct bl_perfbuf *pb);

struct bl_perfbuf_stats {
	__u64 records;		/* samples delivered */
	__u64 bytes;		/* their raw sizes */
	__u64 lost;		/* samples the kernel dropped (sum of LOST records) */
	__u64 lost_records;	/* PERF_RECORD_LOST records seen */
	__u64 other;		/* records of other types, skipped */
	__u64 wakeups;
	__u64 drains;
};
void bl_perfbuf_get_stats(const struct bl_perfbuf *pb, struct bl_perfbuf_stats *out);
/* Samples lost so far (the stats' lost field). */
__u64 bl_perfbuf_lost(const struct bl_perfbuf *pb);
/* Remove our fds from the map, unmap, close, free.  NULL is fine. */
void bl_perfbuf_free(struct bl_perfbuf *pb);

/* ---- trace_pipe (bpf_printk) -------------------------------------------- */

struct bl_trace_pipe;

/* One line, without its '\n', NUL-terminated (line[len] == 0). */
typedef int (*bl_trace_line_fn)(void *ctx, const char *line, size_t len);

struct bl_trace_pipe_opts {
	/* The file to read (default: trace_pipe of the tracefs found at
	 * /sys/kernel/tracing or /sys/kernel/debug/tracing, mounting tracefs
	 * at the former when neither exists and we may). */
	const char *path;
	/* Never mount tracefs. */
	bool no_mount;
};

struct bl_trace_pipe *bl_trace_pipe_open(const struct bl_trace_pipe_opts *opts,
					 struct bl_error *err);
/*
 * Wait up to timeout_ms (-1: no limit; 0: only what is there) for lines,
 * calling fn for each complete line.  Returns the number of lines
 * delivered as soon as it is > 0, 0 on timeout, -EINTR when a signal
 * interrupted the wait before any line, or a callback's negative value.
 */
int bl_trace_pipe_poll(struct bl_trace_pipe *tp, int timeout_ms, bl_trace_line_fn fn,
		       void *ctx);
/* Deliver lines until *stop (may be NULL) or duration_ms (-1: no limit). */
int bl_trace_pipe_run(struct bl_trace_pipe *tp, int duration_ms, volatile sig_atomic_t *stop,
		      bl_trace_line_fn fn, void *ctx);
int bl_trace_pipe_fd(const struct bl_trace_pipe *tp);
const char *bl_trace_pipe_path(const struct bl_trace_pipe *tp);
void bl_trace_pipe_close(struct bl_trace_pipe *tp);

/*
 * The fields of a trace_pipe line:
 *
 *   "           <...>-1234    [001] d..31  4391.123456: bpf_trace_printk: hello"
 *    comm ----------- pid     cpu   flags  timestamp    event             msg
 *
 * The flags column ("d..31", irqs-off / need-resched / hardirq-softirq /
 * preempt depth ...) is absent when the tracer's irq-info option is off.
 * Pointers point into the caller's line; comm and event are not
 * NUL-terminated (use the lengths).
 */
struct bl_trace_line {
	const char *comm;
	size_t comm_len;
	int pid;
	int cpu;
	char flags[8];		/* "" when absent */
	double timestamp;	/* seconds */
	const char *event;	/* "bpf_trace_printk" */
	size_t event_len;
	const char *msg;	/* the rest, NUL-terminated as the line is */
};
/* 0, or -EINVAL when the line does not have that shape. */
int bl_trace_line_parse(const char *line, struct bl_trace_line *out);

#ifdef __cplusplus
}
#endif
#endif /* BPFLOAD_EVENTS_H */
