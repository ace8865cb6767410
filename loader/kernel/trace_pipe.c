// SPDX-License-Identifier: BSD-2-Clause
/*
 * trace_pipe.c - reading bpf_printk() output from tracefs.
 *
 * bpf_trace_printk() writes into the kernel's global trace ring buffer,
 * which tracefs shows as text in two ways: "trace" (a snapshot, left in
 * place) and "trace_pipe" (consuming: each line goes to one reader and
 * disappears).  We read trace_pipe without blocking and wait with
 * poll(2), always with a timeout: a blocking read of trace_pipe can only
 * be interrupted by a signal, and a lost wakeup would hang it.  Each wait
 * is at most BL_EVENTS_STOP_CHECK_MS long and we try a read after it
 * whatever poll said, so a missed wakeup costs at most that much delay.
 *
 * tracefs lives at /sys/kernel/tracing (4.1+) and, when debugfs is
 * mounted, also at /sys/kernel/debug/tracing.  Some systems mount
 * neither at boot; root may mount tracefs itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpfload/events.h>
#include "kernel/kernel.h"
#include "kernel/event_loop.h"

#define TP_BUF_SIZE	(64 * 1024)	/* longest line we keep whole */

struct bl_trace_pipe {
	int fd;
	char path[256];
	char *buf;			/* unfinished line at buf[0..len) */
	size_t len;
};

/* The trace_pipe of a mounted tracefs, mounting one if allowed. */
static int find_pipe(char *path, size_t len, bool no_mount, struct bl_error *e)
{
	static const char *const dirs[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char why[96];
	int err;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (bl_is_tracefs(dirs[i])) {
			snprintf(path, len, "%s/trace_pipe", dirs[i]);
			return 0;
		}
	}
	if (no_mount)
		return bl_fail(e, -ENOENT, "trace_pipe: tracefs is not mounted at /sys/kernel/tracing"
			       " or /sys/kernel/debug/tracing (mount -t tracefs nodev"
			       " /sys/kernel/tracing)");
	err = mount("nodev", dirs[0], "tracefs", 0, NULL) ? -errno : 0;
	bl_trace_call(err, "mount(\"nodev\", \"%s\", \"tracefs\", 0, NULL)", dirs[0]);
	if (err)
		return bl_fail(e, err, "trace_pipe: tracefs is not mounted and mounting it at %s"
			       " failed: %s (as root: mount -t tracefs nodev %s)", dirs[0],
			       bl_strerror(err, why, sizeof(why)), dirs[0]);
	snprintf(path, len, "%s/trace_pipe", dirs[0]);
	return 0;
}

BL_API struct bl_trace_pipe *bl_trace_pipe_open(const struct bl_trace_pipe_opts *opts,
						struct bl_error *e)
{
	struct bl_trace_pipe *tp = calloc(1, sizeof(*tp));
	char why[96];
	int err;

	if (!tp || !(tp->buf = malloc(TP_BUF_SIZE + 1))) {
		free(tp);
		bl_fail(e, -ENOMEM, "trace_pipe: out of memory");
		return NULL;
	}
	if (opts && opts->path) {
		snprintf(tp->path, sizeof(tp->path), "%s", opts->path);
	} else if ((err = find_pipe(tp->path, sizeof(tp->path), opts && opts->no_mount, e))) {
		free(tp->buf);
		free(tp);
		return NULL;
	}
	tp->fd = open(tp->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	err = tp->fd < 0 ? -errno : tp->fd;
	bl_trace_call(err, "open(\"%s\", O_RDONLY|O_NONBLOCK|O_CLOEXEC)", tp->path);
	if (err < 0) {
		bl_fail(e, err, "trace_pipe: cannot open %s: %s", tp->path,
			bl_strerror(err, why, sizeof(why)));
		free(tp->buf);
		free(tp);
		return NULL;
	}
	return tp;
}

BL_API void bl_trace_pipe_close(struct bl_trace_pipe *tp)
{
	if (!tp)
		return;
	if (tp->fd >= 0)
		close(tp->fd);
	free(tp->buf);
	free(tp);
}

BL_API int bl_trace_pipe_fd(const struct bl_trace_pipe *tp)
{
	return tp ? tp->fd : -EINVAL;
}

BL_API const char *bl_trace_pipe_path(const struct bl_trace_pipe *tp)
{
	return tp ? tp->path : NULL;
}

/* Hand out every complete line in buf; keep the unfinished tail.  A line
 * longer than the buffer is delivered in buffer-sized pieces. */
static int deliver(struct bl_trace_pipe *tp, bl_trace_line_fn fn, void *ctx, int *count)
{
	size_t start = 0;
	int ret = 0;

	for (size_t i = 0; i < tp->len && ret >= 0; i++) {
		if (tp->buf[i] != '\n')
			continue;
		tp->buf[i] = '\0';
		(*count)++;
		ret = fn(ctx, tp->buf + start, i - start);
		start = i + 1;
	}
	if (ret >= 0 && start == 0 && tp->len == TP_BUF_SIZE) {
		tp->buf[tp->len] = '\0';
		(*count)++;
		ret = fn(ctx, tp->buf, tp->len);
		start = tp->len;
	}
	memmove(tp->buf, tp->buf + start, tp->len - start);
	tp->len -= start;
	return ret < 0 ? ret : 0;
}

BL_API int bl_trace_pipe_poll(struct bl_trace_pipe *tp, int timeout_ms, bl_trace_line_fn fn,
			      void *ctx)
{
	__u64 deadline = bl_deadline_after(timeout_ms);
	int count = 0, reads = 0;

	if (!tp || !fn)
		return -EINVAL;
	for (;;) {
		struct pollfd pfd = { .fd = tp->fd, .events = POLLIN };
		ssize_t n = read(tp->fd, tp->buf + tp->len, TP_BUF_SIZE - tp->len);
		int wait, err;

		if (n > 0) {
			tp->len += (size_t)n;
			err = deliver(tp, fn, ctx, &count);
			if (err)
				return err;
			/* more may be there already; but under a flood of
			 * lines, return now and then (stop flags) */
			if (++reads < 64 || !count)
				continue;
			return count;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		if (count)
			return count;
		if (n < 0 && errno == EINTR)
			return -EINTR;
		wait = bl_stop_check_ms(deadline);
		if (wait == 0)
			return 0;
		if (poll(&pfd, 1, wait) < 0 && errno == EINTR)
			return -EINTR;
	}
}

struct line_reader {
	struct bl_trace_pipe *tp;
	bl_trace_line_fn fn;
	void *ctx;
};

static int poll_reader(void *reader, int timeout_ms)
{
	struct line_reader *r = reader;

	return bl_trace_pipe_poll(r->tp, timeout_ms, r->fn, r->ctx);
}

BL_API int bl_trace_pipe_run(struct bl_trace_pipe *tp, int duration_ms,
			     volatile sig_atomic_t *stop, bl_trace_line_fn fn, void *ctx)
{
	struct line_reader r = { .tp = tp, .fn = fn, .ctx = ctx };

	if (!tp || !fn)
		return -EINVAL;
	return bl_events_run(poll_reader, &r, duration_ms, stop);
}

/*
 * "<comm>-<pid> [<cpu>] <flags> <secs>.<usecs>: <event>: <msg>", with the
 * comm right-aligned in 16 columns and free to contain spaces and '-':
 * the anchor is the first " [digits] ", the pid is after the last '-'
 * before it.
 */
BL_API int bl_trace_line_parse(const char *line, struct bl_trace_line *out)
{
	const char *p = line, *cpu = NULL, *dash, *q, *ts, *colon;
	char *end;

	memset(out, 0, sizeof(*out));
	for (p = strstr(line, " ["); p; p = strstr(p + 1, " [")) {
		q = p + 2;
		while (*q >= '0' && *q <= '9')
			q++;
		if (q > p + 2 && *q == ']' && q[1] == ' ') {
			cpu = p;
			break;
		}
	}
	if (!cpu)
		return -EINVAL;
	/* comm-pid */
	while (*line == ' ')
		line++;
	q = cpu;
	while (q > line && q[-1] == ' ')
		q--;
	for (dash = q - 1; dash > line && *dash != '-'; dash--)
		;
	if (dash <= line)
		return -EINVAL;
	out->comm = line;
	out->comm_len = (size_t)(dash - line);
	out->pid = (int)strtol(dash + 1, &end, 10);
	if (end != q)
		return -EINVAL;
	out->cpu = (int)strtol(cpu + 2, &end, 10);
	p = end + 1;
	while (*p == ' ')
		p++;
	/* optional flags column: a token that is not "digits.digits:" */
	ts = p;
	while (*ts && *ts != ' ')
		ts++;
	if (ts > p && ts[-1] != ':') {
		size_t n = (size_t)(ts - p);

		if (n >= sizeof(out->flags))
			n = sizeof(out->flags) - 1;
		memcpy(out->flags, p, n);
		while (*ts == ' ')
			ts++;
		p = ts;
	}
	out->timestamp = strtod(p, &end);
	if (end == p || *end != ':')
		return -EINVAL;
	p = end + 1;
	while (*p == ' ')
		p++;
	colon = strstr(p, ": ");
	if (!colon) {
		colon = strchr(p, ':');
		if (!colon)
			return -EINVAL;
	}
	out->event = p;
	out->event_len = (size_t)(colon - p);
	out->msg = colon[1] == ' ' ? colon + 2 : colon + 1;
	return 0;
}
