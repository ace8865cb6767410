// SPDX-License-Identifier: BSD-2-Clause
/*
 * perfbuf.c - reading BPF_MAP_TYPE_PERF_EVENT_ARRAY maps (perf buffers).
 *
 * bpf_perf_event_output(ctx, &map, BPF_F_CURRENT_CPU, data, size) writes
 * a sample into the perf event whose fd user space stored in the map at
 * the index of the current CPU.  So the reader makes one event per CPU:
 *
 *   perf_event_open(type PERF_TYPE_SOFTWARE, config PERF_COUNT_SW_BPF_OUTPUT,
 *                   sample_type PERF_SAMPLE_RAW, pid -1, cpu N)
 *   mmap(1 + 2^k pages)          the ring buffer of that event
 *   map[N] = fd                  BPF_MAP_UPDATE_ELEM
 *
 * The mapping: page 0 is struct perf_event_mmap_page (data_head written
 * by the kernel, data_tail written by us, data_offset/data_size saying
 * where the data pages are), then 2^k data pages used as a ring with
 * free-running positions: a position's place is pos & (size - 1).  It is
 * mapped once, so a record may run past the end of the ring and continue
 * at its start: we copy such records into a buffer before handing them
 * out.  Records are 8-byte aligned and start with struct
 * perf_event_header { u32 type; u16 misc; u16 size; }:
 *
 *   PERF_RECORD_SAMPLE   header, u32 size, size bytes of raw data (the
 *                        kernel pads size so that 4 + size is a multiple
 *                        of 8)
 *   PERF_RECORD_LOST     header, u64 id, u64 lost: the kernel dropped
 *                        lost samples because the ring was full; written
 *                        when room is available again
 *
 * Ordering: the kernel writes a record, then (smp_wmb) data_head.  We
 * load data_head with acquire so that the record bytes we then read are
 * the finished ones.  The kernel reads data_tail, then (smp_mb) writes
 * into the space below it; we store data_tail with release so that our
 * reads of the records below the new tail are done before the kernel can
 * see that space as free.
 *
 * Wakeups: by default the event has watermark = 1 and wakeup_watermark =
 * a quarter of the ring: the kernel wakes epoll once per that many bytes,
 * not once per record, and our poll drains every ring at least every
 * max_latency_ms to pick up what sits below the watermark.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpfload/events.h>
#include <bpfload/maputil.h>
#include "kernel/kernel.h"
#include "kernel/event_loop.h"

struct cpu_ring {
	int cpu;
	int fd;				/* the perf event */
	void *base;			/* mmap: meta page + data */
	size_t map_len;
	struct perf_event_mmap_page *meta;
	const unsigned char *data;
	__u64 size;			/* data bytes, a power of 2 */
};

struct bl_perfbuf {
	int map_fd;			/* our dup */
	bl_perfbuf_fn fn;
	bl_perfbuf_lost_fn lost_fn;
	void *ctx;
	struct cpu_ring *rings;
	unsigned int n;
	int epfd;
	struct epoll_event *evs;
	int max_latency_ms;		/* -1: none */
	unsigned char *copy;		/* for records that wrap */
	size_t copy_cap;
	struct bl_perfbuf_stats stats;
};

static void ring_close(struct bl_perfbuf *pb, struct cpu_ring *r)
{
	__u32 key = (__u32)r->cpu;

	if (r->fd >= 0) {
		/* The map holds the event too: drop that reference. */
		bl_sys_map_delete_elem(pb->map_fd, &key);
		close(r->fd);
	}
	if (r->base)
		munmap(r->base, r->map_len);
	r->fd = -1;
	r->base = NULL;
}

BL_API void bl_perfbuf_free(struct bl_perfbuf *pb)
{
	if (!pb)
		return;
	for (unsigned int i = 0; i < pb->n; i++)
		ring_close(pb, &pb->rings[i]);
	if (pb->epfd >= 0)
		close(pb->epfd);
	if (pb->map_fd >= 0)
		close(pb->map_fd);
	free(pb->rings);
	free(pb->evs);
	free(pb->copy);
	free(pb);
}

static int open_ring(struct bl_perfbuf *pb, struct cpu_ring *r, int cpu, unsigned int pages,
		     const struct bl_perfbuf_opts *o, size_t page, struct bl_error *e)
{
	struct perf_event_attr attr;
	struct epoll_event ev;
	__u32 key = (__u32)cpu, val;
	size_t ring = (size_t)pages * page;
	char why[96];
	void *p;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_SOFTWARE;
	attr.size = sizeof(attr);
	attr.config = PERF_COUNT_SW_BPF_OUTPUT;
	attr.sample_type = PERF_SAMPLE_RAW;
	attr.sample_period = 1;
	if (o && o->wakeup_per_record) {
		attr.wakeup_events = 1;
	} else {
		size_t wm = o && o->wakeup_bytes ? o->wakeup_bytes : ring / 4;

		if (wm >= ring)
			wm = ring - 8;
		attr.watermark = 1;
		attr.wakeup_watermark = (__u32)(wm ? wm : 1);
	}
	r->cpu = cpu;
	r->fd = bl_sys_perf_event_open(&attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	if (r->fd < 0) {
		err = r->fd;
		r->fd = -1;
		return bl_fail(e, err, "perf buffer: perf_event_open(PERF_COUNT_SW_BPF_OUTPUT) on"
			       " CPU %d failed: %s", cpu, bl_strerror(err, why, sizeof(why)));
	}
	r->map_len = ring + page;
	p = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	err = p == MAP_FAILED ? -errno : 0;
	bl_trace_call(err, "mmap(NULL, %zu, PROT_READ|PROT_WRITE, MAP_SHARED, %d, 0)"
		      " /* perf buffer CPU %d */", r->map_len, r->fd, cpu);
	if (err)
		return bl_fail(e, err, "perf buffer: mmap of %zu bytes for CPU %d failed: %s%s",
			       r->map_len, cpu, bl_strerror(err, why, sizeof(why)),
			       err == -EPERM || err == -ENOMEM ?
			       " (per-user limit: /proc/sys/kernel/perf_event_mlock_kb)" : "");
	r->base = p;
	r->meta = p;
	/* data_offset/data_size exist since 4.1; before, data follows page 0. */
	r->data = (const unsigned char *)p + (r->meta->data_offset ? r->meta->data_offset : page);
	r->size = r->meta->data_size ? r->meta->data_size : ring;

	val = (__u32)r->fd;
	err = bl_sys_map_update_elem(pb->map_fd, &key, &val, BPF_ANY);
	if (err)
		return bl_fail(e, err, "perf buffer: storing the CPU %d event in the map failed: %s",
			       cpu, bl_strerror(err, why, sizeof(why)));

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u32 = (__u32)(r - pb->rings);
	if (epoll_ctl(pb->epfd, EPOLL_CTL_ADD, r->fd, &ev)) {
		err = -errno;
		return bl_fail(e, err, "perf buffer: epoll_ctl for CPU %d failed: %s", cpu,
			       bl_strerror(err, why, sizeof(why)));
	}
	return 0;
}

BL_API struct bl_perfbuf *bl_perfbuf_new(int map_fd, bl_perfbuf_fn fn, void *ctx,
					 const struct bl_perfbuf_opts *o, struct bl_error *e)
{
	struct bl_perfbuf *pb;
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	unsigned int pages = o && o->pages ? o->pages : BL_PERFBUF_PAGES;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	bool *online = NULL;
	char why[96];
	int ncpus, err, lat;

	if (!fn) {
		bl_fail(e, -EINVAL, "perf buffer: no callback");
		return NULL;
	}
	if (pages & (pages - 1)) {
		bl_fail(e, -EINVAL, "perf buffer: %u pages per CPU is not a power of 2", pages);
		return NULL;
	}
	memset(&info, 0, sizeof(info));
	err = bl_sys_obj_get_info_by_fd(map_fd, &info, &len);
	if (err) {
		bl_fail(e, err, "perf buffer: fd %d is not a map we can inspect: %s", map_fd,
			bl_strerror(err, why, sizeof(why)));
		return NULL;
	}
	if (info.type != BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
		bl_fail(e, -EINVAL, "perf buffer: map '%s' (fd %d) is a %s, not a"
			" BPF_MAP_TYPE_PERF_EVENT_ARRAY", info.name, map_fd,
			bl_map_type_name(info.type) ? bl_map_type_name(info.type) : "?");
		return NULL;
	}
	ncpus = bl_possible_cpus();
	if (ncpus < 0) {
		bl_fail(e, ncpus, "perf buffer: cannot read /sys/devices/system/cpu/possible");
		return NULL;
	}
	if (info.max_entries < (__u32)ncpus) {
		bl_fail(e, -E2BIG, "perf buffer: map '%s' has %u entries but this machine has %d"
			" possible CPUs: records from the others would be lost; give the map"
			" max_entries >= %d (bl_map_set_max_entries before load)", info.name,
			info.max_entries, ncpus, ncpus);
		return NULL;
	}
	online = calloc((size_t)ncpus, sizeof(*online));
	pb = calloc(1, sizeof(*pb));
	if (!online || !pb)
		goto nomem;
	pb->map_fd = pb->epfd = -1;
	err = bl_online_cpus(online, ncpus);
	if (err < 0) {
		bl_fail(e, err, "perf buffer: cannot read /sys/devices/system/cpu/online");
		goto fail;
	}
	pb->fn = fn;
	pb->ctx = ctx;
	pb->lost_fn = o ? o->lost_fn : NULL;
	lat = o ? o->max_latency_ms : 0;
	pb->max_latency_ms = lat == 0 ? BL_EVENTS_MAX_LATENCY_MS : lat < 0 ? -1 : lat;
	pb->rings = calloc((size_t)ncpus, sizeof(*pb->rings));
	pb->evs = calloc((size_t)ncpus, sizeof(*pb->evs));
	if (!pb->rings || !pb->evs)
		goto nomem;
	pb->map_fd = fcntl(map_fd, F_DUPFD_CLOEXEC, 3);
	if (pb->map_fd < 0) {
		bl_fail(e, -errno, "perf buffer: dup of fd %d failed", map_fd);
		goto fail;
	}
	pb->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (pb->epfd < 0) {
		bl_fail(e, -errno, "perf buffer: epoll_create1 failed");
		goto fail;
	}
	for (int cpu = 0; cpu < ncpus; cpu++) {
		struct cpu_ring *r = &pb->rings[pb->n];

		if (!online[cpu])
			continue;
		pb->n++;
		if (open_ring(pb, r, cpu, pages, o, page, e))
			goto fail;
	}
	free(online);
	return pb;

nomem:
	bl_fail(e, -ENOMEM, "perf buffer: out of memory");
fail:
	free(online);
	bl_perfbuf_free(pb);
	return NULL;
}

/* Copy len bytes starting at ring offset off, wrapping at the end. */
static const void *ring_read(struct bl_perfbuf *pb, const struct cpu_ring *r, __u64 off,
			     size_t len)
{
	size_t first;

	if (off + len <= r->size)
		return r->data + off;
	if (len > pb->copy_cap) {
		size_t cap = pb->copy_cap ? pb->copy_cap : 256;
		unsigned char *p;

		while (cap < len)
			cap *= 2;
		p = realloc(pb->copy, cap);
		if (!p)
			return NULL;
		pb->copy = p;
		pb->copy_cap = cap;
	}
	first = (size_t)(r->size - off);
	memcpy(pb->copy, r->data + off, first);
	memcpy(pb->copy + first, r->data, len - first);
	return pb->copy;
}

struct lost_record {
	struct perf_event_header header;
	__u64 id;
	__u64 lost;
};

static int ring_consume(struct bl_perfbuf *pb, struct cpu_ring *r)
{
	__u64 head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);
	/* Relaxed: only we write data_tail. */
	__u64 tail = __atomic_load_n(&r->meta->data_tail, __ATOMIC_RELAXED);
	__u64 published = tail, mask = r->size - 1;
	int n = 0, ret = 0;

	while (tail < head) {
		const struct perf_event_header *h;
		const unsigned char *rec;
		__u64 off = tail & mask;
		__u32 raw;
		size_t size;

		/* Headers are 8-byte aligned in an 8-byte aligned ring: never split. */
		h = (const void *)(r->data + off);
		size = h->size;
		if (size < sizeof(*h) || size > head - tail) {
			ret = -EIO;	/* not a record: the ring is corrupt */
			tail = head;
			break;
		}
		rec = ring_read(pb, r, off, size);
		if (!rec) {
			ret = -ENOMEM;
			break;		/* keep it: the next pass may have memory */
		}
		switch (h->type) {
		case PERF_RECORD_SAMPLE:
			if (size < sizeof(*h) + 4) {
				pb->stats.other++;
				break;
			}
			memcpy(&raw, rec + sizeof(*h), 4);
			if (raw > size - sizeof(*h) - 4)
				raw = (__u32)(size - sizeof(*h) - 4);
			n++;
			pb->stats.records++;
			pb->stats.bytes += raw;
			ret = pb->fn(pb->ctx, r->cpu, rec + sizeof(*h) + 4, raw);
			break;
		case PERF_RECORD_LOST: {
			struct lost_record l;

			memset(&l, 0, sizeof(l));
			memcpy(&l, rec, size < sizeof(l) ? size : sizeof(l));
			pb->stats.lost += l.lost;
			pb->stats.lost_records++;
			if (pb->lost_fn)
				pb->lost_fn(pb->ctx, r->cpu, l.lost);
			break;
		}
		default:
			pb->stats.other++;
			break;
		}
		tail += size;
		if (ret < 0)
			break;
		/* Give space back every quarter ring, not per record: data_tail
		 * shares a cache line with data_head, which the kernel writes. */
		if (tail - published >= r->size / 4) {
			__atomic_store_n(&r->meta->data_tail, tail, __ATOMIC_RELEASE);
			published = tail;
		}
	}
	if (tail != published)
		__atomic_store_n(&r->meta->data_tail, tail, __ATOMIC_RELEASE);
	return ret < 0 ? ret : n;
}

BL_API int bl_perfbuf_consume(struct bl_perfbuf *pb)
{
	int total = 0;

	if (!pb)
		return -EINVAL;
	for (unsigned int i = 0; i < pb->n; i++) {
		int n = ring_consume(pb, &pb->rings[i]);

		if (n < 0)
			return n;
		total = total > INT32_MAX - n ? INT32_MAX : total + n;
	}
	if (total)
		pb->stats.drains++;
	return total;
}

/* After each wait, all rings, woken or not: records below the watermark
 * of an idle CPU are delivered within max_latency_ms. */
static int drain(void *reader, bool woken, __u64 deadline)
{
	struct bl_perfbuf *pb = reader;

	if (woken)
		pb->stats.wakeups++;
	return bl_perfbuf_consume(pb);
}

BL_API int bl_perfbuf_poll(struct bl_perfbuf *pb, int timeout_ms)
{
	if (!pb)
		return -EINVAL;
	return bl_epoll_poll(pb->epfd, pb->evs, pb->n, pb->max_latency_ms, timeout_ms,
			     drain, pb);
}

static int poll_reader(void *reader, int timeout_ms)
{
	return bl_perfbuf_poll(reader, timeout_ms);
}

BL_API int bl_perfbuf_run(struct bl_perfbuf *pb, int duration_ms, volatile sig_atomic_t *stop)
{
	if (!pb)
		return -EINVAL;
	return bl_events_run(poll_reader, pb, duration_ms, stop);
}

BL_API int bl_perfbuf_epoll_fd(const struct bl_perfbuf *pb)
{
	return pb ? pb->epfd : -EINVAL;
}

BL_API unsigned int bl_perfbuf_ring_count(const struct bl_perfbuf *pb)
{
	return pb ? pb->n : 0;
}

BL_API void bl_perfbuf_get_stats(const struct bl_perfbuf *pb, struct bl_perfbuf_stats *out)
{
	if (pb)
		*out = pb->stats;
	else
		memset(out, 0, sizeof(*out));
}

BL_API __u64 bl_perfbuf_lost(const struct bl_perfbuf *pb)
{
	return pb ? pb->stats.lost : 0;
}
