// SPDX-License-Identifier: BSD-2-Clause
/*
 * ringbuf.c - reading BPF_MAP_TYPE_RINGBUF maps.
 *
 * The ring, as mmap(2) of the map fd shows it (P = page size, S =
 * max_entries, the data size: a power of 2 and a multiple of P):
 *
 *   offset 0        consumer page, read-write: consumer_pos (unsigned
 *                   long) at its start.  Only we write it.
 *   offset P        producer page, read-only: producer_pos at its start.
 *   offset 2P       the data, S bytes, mapped twice in a row, so that a
 *                   record that runs past the end of the ring continues
 *                   in the second copy: we never reassemble records.
 *
 * Positions only grow; a position's place in the ring is pos & (S - 1).
 * Each record starts with an 8-byte header:
 *
 *   __u32 len       payload length, with two flag bits on top:
 *                     BPF_RINGBUF_BUSY_BIT (1 << 31): reserved, not yet
 *                       submitted or discarded.  Records are consumed in
 *                       order, so we stop there and come back later.
 *                     BPF_RINGBUF_DISCARD_BIT (1 << 30): discarded by the
 *                       program: skip it.
 *   __u32 pg_off    the kernel's own bookkeeping (pages back to the ring
 *                   header); not for us.
 *
 * then len bytes of payload; the next record starts at the next multiple
 * of 8 (BPF_RINGBUF_HDR_SZ + len rounded up to 8).
 *
 * Ordering: the kernel moves producer_pos forward when it reserves a
 * record (its header then says BUSY) and clears BUSY when the program
 * commits, with a full barrier after writing the payload.  So we load
 * producer_pos with acquire (to see at least the BUSY header of every
 * record below it) and each header with acquire (to see the payload the
 * commit published); we publish consumer_pos with release, so that our
 * reads of a record are finished before the kernel can see its space as
 * free and hand it to a new reservation.
 *
 * Wakeups: the map fd polls readable while consumer_pos != producer_pos.
 * A commit wakes waiters only if the record sits exactly at consumer_pos
 * (the reader had caught up), unless the program passes
 * BPF_RB_NO_WAKEUP or BPF_RB_FORCE_WAKEUP.  See events.h for how we
 * batch and bound the latency.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include <bpfload/events.h>
#include "kernel/kernel.h"
#include "kernel/event_loop.h"

struct ring {
	int map_fd;			/* our dup */
	bl_ringbuf_fn fn;
	void *ctx;
	unsigned long *consumer_pos;	/* the consumer page (RW) */
	const unsigned long *producer_pos;	/* the producer page (RO) */
	const unsigned char *data;	/* S bytes, then the same S again */
	unsigned long mask;		/* S - 1 */
	size_t size;			/* S */
	size_t prod_len;		/* bytes mapped at producer_pos */
};

struct bl_ringbuf {
	struct ring *rings;
	unsigned int n, cap;
	int epfd;
	struct epoll_event *evs;
	int max_latency_ms;		/* -1: none */
	long coalesce_ns;		/* 0: none */
	__u64 last_drain_ns;		/* last drain that delivered records */
	struct bl_ringbuf_stats stats;
	size_t page;
};

BL_API struct bl_ringbuf *bl_ringbuf_new(const struct bl_ringbuf_opts *opts,
					 struct bl_error *e)
{
	struct bl_ringbuf *rb = calloc(1, sizeof(*rb));
	int lat = opts ? opts->max_latency_ms : 0;
	int co = opts ? opts->coalesce_us : 0;

	if (!rb) {
		bl_fail(e, -ENOMEM, "ring buffer reader: out of memory");
		return NULL;
	}
	rb->epfd = epoll_create1(EPOLL_CLOEXEC);
	bl_trace_call(rb->epfd < 0 ? -errno : rb->epfd, "epoll_create1(EPOLL_CLOEXEC)");
	if (rb->epfd < 0) {
		int err = -errno;

		free(rb);
		bl_fail(e, err, "ring buffer reader: epoll_create1 failed");
		return NULL;
	}
	rb->max_latency_ms = lat == 0 ? BL_EVENTS_MAX_LATENCY_MS : lat < 0 ? -1 : lat;
	rb->coalesce_ns = co == 0 ? BL_RINGBUF_COALESCE_US * 1000L : co < 0 ? 0 : co * 1000L;
	rb->page = (size_t)sysconf(_SC_PAGESIZE);
	return rb;
}

static void ring_unmap(struct bl_ringbuf *rb, struct ring *r)
{
	if (r->consumer_pos)
		munmap(r->consumer_pos, rb->page);
	if (r->producer_pos)
		munmap((void *)r->producer_pos, r->prod_len);
	if (r->map_fd >= 0)
		close(r->map_fd);
	memset(r, 0, sizeof(*r));
	r->map_fd = -1;
}

BL_API int bl_ringbuf_add(struct bl_ringbuf *rb, int map_fd, bl_ringbuf_fn fn, void *ctx,
			  struct bl_error *e)
{
	struct bpf_map_info info;
	struct epoll_event ev;
	struct ring *r;
	__u32 len = sizeof(info);
	char why[96];
	void *p;
	int err;

	if (!rb || !fn)
		return bl_fail(e, -EINVAL, "ring buffer reader: no reader or no callback");
	memset(&info, 0, sizeof(info));
	err = bl_sys_obj_get_info_by_fd(map_fd, &info, &len);
	if (err)
		return bl_fail(e, err, "ring buffer: fd %d is not a map we can inspect: %s",
			       map_fd, bl_strerror(err, why, sizeof(why)));
	if (info.type != BPF_MAP_TYPE_RINGBUF)
		return bl_fail(e, -EINVAL, "ring buffer: map '%s' (fd %d) is a %s, not a"
			       " BPF_MAP_TYPE_RINGBUF", info.name, map_fd,
			       bl_map_type_name(info.type) ? bl_map_type_name(info.type) : "?");
	if (!info.max_entries || (info.max_entries & (info.max_entries - 1)) ||
	    (size_t)info.max_entries > (SIZE_MAX - rb->page) / 2)
		return bl_fail(e, -EINVAL, "ring buffer '%s': size %u is not a power of 2 we"
			       " can map", info.name, info.max_entries);

	if (rb->n == rb->cap) {
		unsigned int cap = rb->cap ? rb->cap * 2 : 4;
		struct ring *nr = realloc(rb->rings, cap * sizeof(*nr));
		struct epoll_event *ne;

		if (!nr)
			return bl_fail(e, -ENOMEM, "ring buffer reader: out of memory");
		rb->rings = nr;
		ne = realloc(rb->evs, cap * sizeof(*ne));
		if (!ne)
			return bl_fail(e, -ENOMEM, "ring buffer reader: out of memory");
		rb->evs = ne;
		rb->cap = cap;
	}
	r = &rb->rings[rb->n];
	memset(r, 0, sizeof(*r));
	r->fn = fn;
	r->ctx = ctx;
	r->size = info.max_entries;
	r->mask = info.max_entries - 1;
	r->map_fd = fcntl(map_fd, F_DUPFD_CLOEXEC, 3);
	if (r->map_fd < 0) {
		err = -errno;
		r->map_fd = -1;
		return bl_fail(e, err, "ring buffer '%s': dup of fd %d failed", info.name, map_fd);
	}

	/* The consumer page: the only part we write. */
	p = mmap(NULL, rb->page, PROT_READ | PROT_WRITE, MAP_SHARED, r->map_fd, 0);
	err = p == MAP_FAILED ? -errno : 0;
	bl_trace_call(err ? err : 0, "mmap(NULL, %zu, PROT_READ|PROT_WRITE, MAP_SHARED, %d, 0)"
		      " /* ring buffer '%s' consumer page */", rb->page, r->map_fd, info.name);
	if (err)
		goto fail_map;
	r->consumer_pos = p;

	/* The producer page and the data twice over: read-only (the kernel
	 * refuses a writable mapping past the consumer page). */
	r->prod_len = rb->page + 2 * r->size;
	p = mmap(NULL, r->prod_len, PROT_READ, MAP_SHARED, r->map_fd, (off_t)rb->page);
	err = p == MAP_FAILED ? -errno : 0;
	bl_trace_call(err ? err : 0, "mmap(NULL, %zu, PROT_READ, MAP_SHARED, %d, %zu)"
		      " /* ring buffer '%s' producer page + data x2 */", r->prod_len,
		      r->map_fd, rb->page, info.name);
	if (err)
		goto fail_map;
	r->producer_pos = p;
	r->data = (const unsigned char *)p + rb->page;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u32 = rb->n;
	if (epoll_ctl(rb->epfd, EPOLL_CTL_ADD, r->map_fd, &ev)) {
		err = -errno;
		bl_trace_call(err, "epoll_ctl(%d, EPOLL_CTL_ADD, %d, EPOLLIN)", rb->epfd, r->map_fd);
		ring_unmap(rb, r);
		return bl_fail(e, err, "ring buffer '%s': epoll_ctl failed: %s", info.name,
			       bl_strerror(err, why, sizeof(why)));
	}
	return (int)rb->n++;

fail_map:
	ring_unmap(rb, r);
	return bl_fail(e, err, "ring buffer '%s': mmap failed: %s", info.name,
		       bl_strerror(err, why, sizeof(why)));
}

/*
 * Deliver the committed records of one ring.  We publish consumer_pos
 * after every quarter of the ring and at the end rather than after each
 * record: the kernel reads it on every reserve and commit, and a store
 * per record keeps that cache line moving between the CPUs for nothing.
 * A pass stops after one ring's worth of bytes, so that a producer
 * faster than us cannot keep us here (stop flags, the other rings).
 */
static int ring_consume(struct bl_ringbuf *rb, struct ring *r)
{
	/* Relaxed: we are the only writer of consumer_pos. */
	unsigned long cons = __atomic_load_n(r->consumer_pos, __ATOMIC_RELAXED);
	unsigned long start = cons, published = cons, prod;
	int n = 0, ret = 0;

	prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);
	while ((long)(prod - cons) > 0) {
		const __u32 *hdr = (const __u32 *)(r->data + (cons & r->mask));
		__u32 len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		__u32 size = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);

		if (len & BPF_RINGBUF_BUSY_BIT)
			break;		/* reserved, not committed: later */
		if (len & BPF_RINGBUF_DISCARD_BIT) {
			rb->stats.discarded++;
		} else {
			n++;
			rb->stats.records++;
			rb->stats.bytes += size;
			ret = r->fn(r->ctx, hdr + 2, size);
		}
		cons += (BPF_RINGBUF_HDR_SZ + size + 7) & ~7UL;
		if (ret < 0)
			break;
		if (cons - published >= r->size / 4) {
			__atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
			published = cons;
		}
		/* Caught up with the position we read: look again, unless we
		 * already went once around the ring in this pass. */
		if (cons == prod && cons - start < r->size)
			prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);
	}
	if (cons != published)
		__atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
	return ret < 0 ? ret : n;
}

BL_API int bl_ringbuf_consume_ring(struct bl_ringbuf *rb, unsigned int idx)
{
	int n;

	if (!rb || idx >= rb->n)
		return -EINVAL;
	n = ring_consume(rb, &rb->rings[idx]);
	if (n > 0) {
		rb->stats.drains++;
		rb->last_drain_ns = bl_now_ns();
	}
	return n;
}

BL_API int bl_ringbuf_consume(struct bl_ringbuf *rb)
{
	int total = 0;

	if (!rb)
		return -EINVAL;
	for (unsigned int i = 0; i < rb->n; i++) {
		int n = ring_consume(rb, &rb->rings[i]);

		if (n < 0)
			return n;
		total = total > INT32_MAX - n ? INT32_MAX : total + n;
	}
	if (total) {
		rb->stats.drains++;
		rb->last_drain_ns = bl_now_ns();
	}
	return total;
}

/*
 * After a wakeup: if the previous drain that found records is less than
 * coalesce_ns ago, records are arriving steadily; sleep out the rest of
 * the interval so that this drain takes a batch.  The kernel does not
 * wake us meanwhile (we are behind), and the deadline still holds.
 */
static void coalesce(struct bl_ringbuf *rb, __u64 deadline)
{
	__u64 t, until;
	struct timespec ts;

	if (!rb->coalesce_ns || !rb->last_drain_ns)
		return;
	t = bl_now_ns();
	until = rb->last_drain_ns + (__u64)rb->coalesce_ns;
	if (until > deadline)
		until = deadline;
	if (t >= until)
		return;
	ts.tv_sec = (time_t)((until - t) / 1000000000ull);
	ts.tv_nsec = (long)((until - t) % 1000000000ull);
	nanosleep(&ts, NULL);	/* EINTR: drain now, the caller sees the signal later */
}

/* After each wait, every ring, whoever woke us: this is also the timed
 * drain that bounds the delay of BPF_RB_NO_WAKEUP records. */
static int drain(void *reader, bool woken, __u64 deadline)
{
	struct bl_ringbuf *rb = reader;

	if (woken) {
		rb->stats.wakeups++;
		coalesce(rb, deadline);
	}
	return bl_ringbuf_consume(rb);
}

BL_API int bl_ringbuf_poll(struct bl_ringbuf *rb, int timeout_ms)
{
	if (!rb)
		return -EINVAL;
	return bl_epoll_poll(rb->epfd, rb->evs, rb->n, rb->max_latency_ms, timeout_ms,
			     drain, rb);
}

static int poll_reader(void *reader, int timeout_ms)
{
	return bl_ringbuf_poll(reader, timeout_ms);
}

BL_API int bl_ringbuf_run(struct bl_ringbuf *rb, int duration_ms, volatile sig_atomic_t *stop)
{
	if (!rb)
		return -EINVAL;
	return bl_events_run(poll_reader, rb, duration_ms, stop);
}

BL_API int bl_ringbuf_epoll_fd(const struct bl_ringbuf *rb)
{
	return rb ? rb->epfd : -EINVAL;
}

BL_API unsigned int bl_ringbuf_count(const struct bl_ringbuf *rb)
{
	return rb ? rb->n : 0;
}

BL_API size_t bl_ringbuf_avail(const struct bl_ringbuf *rb, unsigned int idx)
{
	const struct ring *r;

	if (!rb || idx >= rb->n)
		return 0;
	r = &rb->rings[idx];
	return __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE) -
	       __atomic_load_n(r->consumer_pos, __ATOMIC_RELAXED);
}

BL_API void bl_ringbuf_get_stats(const struct bl_ringbuf *rb, struct bl_ringbuf_stats *out)
{
	if (rb)
		*out = rb->stats;
	else
		memset(out, 0, sizeof(*out));
}

BL_API void bl_ringbuf_free(struct bl_ringbuf *rb)
{
	if (!rb)
		return;
	for (unsigned int i = 0; i < rb->n; i++)
		ring_unmap(rb, &rb->rings[i]);
	if (rb->epfd >= 0)
		close(rb->epfd);
	free(rb->rings);
	free(rb->evs);
	free(rb);
}
