// SPDX-License-Identifier: BSD-2-Clause
/*
 * tracefs.c - the tracing file system: event ids and legacy probes.
 *
 * tracefs is where the kernel lists its trace events:
 *
 *   events/<category>/<name>/id   the number perf_event_open() wants as
 *                                 attr.config with PERF_TYPE_TRACEPOINT
 *   kprobe_events, uprobe_events  write a line to create or remove a
 *                                 dynamic probe event (the "legacy" way
 *                                 to get kprobes/uprobes before the
 *                                 kprobe and uprobe PMUs of 4.17):
 *       p[:GROUP/NAME] FUNC[+OFF]         kprobe
 *       r[MAXACTIVE][:GROUP/NAME] FUNC    kretprobe
 *       p[:GROUP/NAME] PATH:0xOFFSET      uprobe (r: uretprobe)
 *       -:GROUP/NAME                      remove (EBUSY while in use)
 *
 * It is mounted at /sys/kernel/tracing (4.1+), and appears under debugfs
 * as /sys/kernel/debug/tracing.  If neither is there and we are root, we
 * mount it.  The files must be opened with O_APPEND for writing: without
 * it, opening kprobe_events for write truncates it, which removes every
 * probe on the system.
 *
 * Legacy events are global, so each one we create carries our name and
 * pid, bpfload_<pid>_<n>[_<function>], and is recorded in a process-wide
 * registry until removed.  The registry is what lets us remove them when
 * the process ends without closing its links: at exit() and on SIGINT or
 * SIGTERM (only while the registry holds events and only if the signal
 * would otherwise kill us with its default action).  It is the library's
 * one deliberate piece of global state besides the perf-link answer in
 * perf_attach.c.  It is made of fixed slots in chunks that are never
 * freed, so the signal handler can walk it without locks; everything
 * else takes the mutex.
 *
 * Events whose name does not say bpfload_<pid>_ are never touched.
 * bl_tracefs_cleanup_stale() removes ours whose process is gone.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "kernel/attach_priv.h"

#ifndef TRACEFS_MAGIC
#define TRACEFS_MAGIC	0x74726163
#endif

#define EVENT_PREFIX	"bpfload_"
#define EVENT_NAME_MAX	64	/* the kernel's MAX_EVENT_NAME_LEN, with the NUL */

/* ---- finding tracefs ------------------------------------------------------- */

bool bl_is_tracefs(const char *dir)
{
	struct statfs st;

	return !statfs(dir, &st) && (unsigned long)st.f_type == TRACEFS_MAGIC;
}

static int try_mount(const char *dir)
{
	int ret = mount("nodev", dir, "tracefs", 0, NULL);

	ret = ret ? -errno : 0;
	bl_trace_call(ret, "mount(\"nodev\", \"%s\", \"tracefs\", 0, NULL)", dir);
	return ret;
}

int bl_tracefs_find(char *dir, size_t len, struct bl_error *e)
{
	static const char *const where[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char why[96];
	int err;

	for (size_t i = 0; i < 2; i++) {
		if (bl_is_tracefs(where[i])) {
			snprintf(dir, len, "%s", where[i]);
			return 0;
		}
	}
	if (access(where[0], F_OK))
		return bl_fail(e, -ENOENT, "tracefs: neither %s nor %s exists: this kernel has no"
			       " tracing file system (CONFIG_TRACING)", where[0], where[1]);
	if (geteuid())
		return bl_fail(e, -EACCES, "tracefs is not mounted at %s, and only root may mount"
			       " it: run as root or mount it (mount -t tracefs nodev %s)",
			       where[0], where[0]);
	err = try_mount(where[0]);
	if (err)
		return bl_fail(e, err, "tracefs is not mounted and mounting it at %s failed: %s",
			       where[0], bl_strerror(err, why, sizeof(why)));
	snprintf(dir, len, "%s", where[0]);
	return 0;
}

bool bl_tracefs_has(const char *dir, const char *file)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return !access(path, F_OK);
}

static bool bad_name(const char *s)
{
	return !*s || strchr(s, '/') || strstr(s, "..") || strlen(s) > 255;
}

int bl_tracefs_event_id(const char *dir, const char *cat, const char *name,
			struct bl_error *e)
{
	char path[PATH_MAX], buf[32], why[96], *end;
	long id;
	int err;

	if (bad_name(cat) || bad_name(name))
		return bl_fail(e, -EINVAL, "tracepoint '%s/%s': category and name must be single"
			       " path components", cat, name);
	snprintf(path, sizeof(path), "%s/events/%s/%s/id", dir, cat, name);
	err = bl_read_small(path, buf, sizeof(buf));
	if (err == -ENOENT)
		return bl_fail(e, err, "tracepoint %s/%s does not exist in this kernel (no %s);"
			       " %s/available_events lists the ones it has", cat, name, path, dir);
	if (err)
		return bl_fail(e, err, "cannot read %s: %s", path,
			       bl_strerror(err, why, sizeof(why)));
	id = strtol(buf, &end, 10);
	if (end == buf || id < 0 || id > INT_MAX)
		return bl_fail(e, -EINVAL, "%s holds '%s', not an event id", path, buf);
	return (int)id;
}

/* Write one command to a tracefs control file, traced. */
static int tracefs_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	size_t len = strlen(text);
	ssize_t n;
	int err = 0;

	if (fd < 0) {
		err = -errno;
	} else {
		n = write(fd, text, len);
		if (n < 0)
			err = -errno;
		else if ((size_t)n != len)
			err = -EIO;
		close(fd);
	}
	bl_trace_call(err, "write(\"%s\", \"%.*s\")", path,
		      (int)(len && text[len - 1] == '\n' ? len - 1 : len), text);
	return err;
}

void bl_tracefs_last_error(const char *dir, char *buf, size_t len)
{
	char path[PATH_MAX], *text = malloc(16384), *last = NULL;

	buf[0] = '\0';
	if (!text)
		return;
	snprintf(path, sizeof(path), "%s/error_log", dir);
	if (bl_read_small(path, text, 16384)) {
		free(text);
		return;
	}
	/* Entries are "[time] kprobe:...: error: MESSAGE\n  Command: ...". */
	for (char *p = strstr(text, "error: "); p; p = strstr(p + 1, "error: "))
		last = p;
	if (last) {
		size_t n = strcspn(last, "\n");

		snprintf(buf, len, "%.*s", (int)n, last);
	}
	free(text);
}

/* ---- the registry of our legacy events ---------------------------------------- */

enum { SLOT_FREE, SLOT_LIVE };

struct slot {
	atomic_int state;
	atomic_int owner;		/* pid that made it: a forked child skips it */
	atomic_int pfd, lfd;		/* fds holding the event, or -1 */
	char file[BL_TRACEFS_MAX + 16];	/* ".../kprobe_events" */
	char remove[EVENT_NAME_MAX + 16];	/* "-:kprobes/NAME\n" */
	char name[EVENT_NAME_MAX + 16];	/* "kprobes/NAME" */
};

#define CHUNK_SLOTS	32

struct chunk {
	struct slot s[CHUNK_SLOTS];
	struct chunk *_Atomic next;
};

struct bl_probe_event {
	struct slot *slot;
};

static struct chunk first_chunk;
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static size_t reg_live;
static atomic_uint reg_counter;		/* the <n> in the names */
static bool reg_atexit;
static bool sig_ours[2];
static const int sig_nums[2] = { SIGINT, SIGTERM };

/* Async-signal-safe: close the fds recorded as holding the event. */
static void close_held(struct slot *s)
{
	int fd = atomic_exchange(&s->lfd, -1);

	if (fd >= 0)
		close(fd);
	fd = atomic_exchange(&s->pfd, -1);
	if (fd >= 0)
		close(fd);
}

/*
 * Async-signal-safe removal of one event.  EBUSY means a perf event still
 * uses it: another thread may be between opening one and recording it
 * (its own thread keeps our signals out meanwhile), so close what the
 * slot holds by now and try again, for up to about 100 ms.
 */
static void remove_in_handler(struct slot *s)
{
	static const struct timespec pause_2ms = { 0, 2 * 1000 * 1000 };

	for (int tries = 0; tries < 50; tries++) {
		int fd = open(s->file, O_WRONLY | O_APPEND | O_CLOEXEC);
		ssize_t n;

		if (fd < 0)
			return;
		n = write(fd, s->remove, strlen(s->remove));
		close(fd);
		if (n >= 0 || errno != EBUSY)
			return;
		close_held(s);
		nanosleep(&pause_2ms, NULL);
	}
}

/* Async-signal-safe: close what holds each event, then remove it.  Only
 * this process's own: a child made by fork() inherits the registry but
 * not the events. */
static void drop_all(void)
{
	int self = (int)getpid();

	for (struct chunk *c = &first_chunk; c; c = atomic_load(&c->next)) {
		for (int i = 0; i < CHUNK_SLOTS; i++) {
			struct slot *s = &c->s[i];

			if (atomic_load(&s->state) != SLOT_LIVE || atomic_load(&s->owner) != self)
				continue;
			close_held(s);
			remove_in_handler(s);
			atomic_store(&s->state, SLOT_FREE);
		}
	}
}

/* SA_RESETHAND put the default action back: the raise() is delivered as
 * soon as we return, and the process ends as the signal wanted. */
static void on_signal(int sig)
{
	static const char msg_int[] = "bpfload: SIGINT: removed this process's tracefs"
				      " probe events\n";
	static const char msg_term[] = "bpfload: SIGTERM: removed this process's tracefs"
				       " probe events\n";
	int saved_errno = errno;
	ssize_t unused;

	drop_all();
	/* write(2) is async-signal-safe, stdio is not */
	if (sig == SIGTERM)
		unused = write(STDERR_FILENO, msg_term, sizeof(msg_term) - 1);
	else
		unused = write(STDERR_FILENO, msg_int, sizeof(msg_int) - 1);
	(void)unused;
	errno = saved_errno;
	raise(sig);
}

static void on_exit_cleanup(void)
{
	drop_all();
}

static void *handler_addr(const struct sigaction *sa)
{
	return (void *)sa->sa_handler;
}

/* With reg_lock held: catch SIGINT/SIGTERM where nobody else does. */
static void signals_take(void)
{
	for (int i = 0; i < 2; i++) {
		struct sigaction old, sa;

		if (sig_ours[i] || sigaction(sig_nums[i], NULL, &old))
			continue;
		if (old.sa_handler != SIG_DFL || (old.sa_flags & SA_SIGINFO))
			continue;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sa.sa_flags = SA_RESETHAND;
		sigemptyset(&sa.sa_mask);
		sigaddset(&sa.sa_mask, SIGINT);
		sigaddset(&sa.sa_mask, SIGTERM);
		sig_ours[i] = !sigaction(sig_nums[i], &sa, NULL);
	}
}

/* With reg_lock held: give the signals back if they are still ours. */
static void signals_give_back(void)
{
	for (int i = 0; i < 2; i++) {
		struct sigaction cur, sa;

		if (!sig_ours[i])
			continue;
		sig_ours[i] = false;
		if (sigaction(sig_nums[i], NULL, &cur) ||
		    handler_addr(&cur) != (void *)on_signal)
			continue;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		sigemptyset(&sa.sa_mask);
		sigaction(sig_nums[i], &sa, NULL);
	}
}

static struct slot *slot_get(void)
{
	struct chunk *c = &first_chunk;

	for (;;) {
		struct chunk *next;

		for (int i = 0; i < CHUNK_SLOTS; i++)
			if (atomic_load(&c->s[i].state) == SLOT_FREE)
				return &c->s[i];
		next = atomic_load(&c->next);
		if (!next) {
			next = calloc(1, sizeof(*next));
			if (!next)
				return NULL;
			atomic_store(&c->next, next);
		}
		c = next;
	}
}

/* Record an event before it is created, so a signal arriving in between
 * removes it too (removing one that does not exist is harmless). */
static struct slot *registry_add(const char *dir, const char *file, const char *group,
				 const char *name)
{
	struct slot *s;

	pthread_mutex_lock(&reg_lock);
	s = slot_get();
	if (s) {
		snprintf(s->file, sizeof(s->file), "%.*s/%s", BL_TRACEFS_MAX - 1, dir, file);
		snprintf(s->name, sizeof(s->name), "%s/%s", group, name);
		snprintf(s->remove, sizeof(s->remove), "-:%s/%s\n", group, name);
		atomic_store(&s->pfd, -1);
		atomic_store(&s->lfd, -1);
		atomic_store(&s->owner, (int)getpid());
		atomic_store(&s->state, SLOT_LIVE);
		if (reg_live++ == 0)
			signals_take();
		if (!reg_atexit)
			reg_atexit = !atexit(on_exit_cleanup);
	}
	pthread_mutex_unlock(&reg_lock);
	return s;
}

static void registry_del(struct slot *s)
{
	pthread_mutex_lock(&reg_lock);
	if (atomic_exchange(&s->state, SLOT_FREE) == SLOT_LIVE && --reg_live == 0)
		signals_give_back();
	pthread_mutex_unlock(&reg_lock);
}

/* ---- legacy probe events ------------------------------------------------------ */

/* bpfload_<pid>_<n>[_<tag>]: the tag made of [A-Za-z0-9_] and cut to fit. */
static void event_name(char *buf, size_t len, const char *tag)
{
	unsigned int n = atomic_fetch_add(&reg_counter, 1);
	int w = snprintf(buf, len, EVENT_PREFIX "%d_%u", (int)getpid(), n);

	if (!tag || !*tag || w < 0 || (size_t)w + 2 >= len)
		return;
	buf[w++] = '_';
	for (size_t i = 0; tag[i] && (size_t)w + 1 < len; i++)
		buf[w++] = isalnum((unsigned char)tag[i]) ? tag[i] : '_';
	buf[w] = '\0';
}

static int create_fail(const char *dir, const char *file, const char *cmd, int err,
		       struct bl_error *e)
{
	char why[96], klog[256];

	bl_tracefs_last_error(dir, klog, sizeof(klog));
	return bl_fail(e, err, "cannot create the probe: writing '%s' to %s/%s failed: %s%s%s%s",
		       cmd, dir, file, bl_strerror(err, why, sizeof(why)),
		       klog[0] ? " (tracefs error_log: " : "", klog, klog[0] ? ")" : "");
}

int bl_probe_event_create(const char *dir, char type, bool retprobe, unsigned int maxactive,
			  const char *tag, const char *target,
			  struct bl_probe_event **out, int *id, struct bl_error *e)
{
	const char *file = type == 'k' ? "kprobe_events" : "uprobe_events";
	const char *group = type == 'k' ? "kprobes" : "uprobes";
	char name[EVENT_NAME_MAX], cmd[PATH_MAX + 128], ret[16] = "r";
	struct bl_probe_event *ev;
	int err;

	if (strpbrk(target, " \t\n"))
		return bl_fail(e, -EINVAL, "probe target '%s' contains white space, which"
			       " tracefs cannot take", target);
	ev = calloc(1, sizeof(*ev));
	if (!ev)
		return bl_fail(e, -ENOMEM, "out of memory");
	event_name(name, sizeof(name), tag);
	ev->slot = registry_add(dir, file, group, name);
	if (!ev->slot) {
		free(ev);
		return bl_fail(e, -ENOMEM, "out of memory");
	}
	if (retprobe && maxactive)
		snprintf(ret, sizeof(ret), "r%u", maxactive);
	snprintf(cmd, sizeof(cmd), "%s:%s/%s %s\n", retprobe ? ret : "p", group, name, target);
	err = tracefs_write(ev->slot->file, cmd);
	if (!err) {
		err = bl_tracefs_event_id(dir, group, name, e);
		if (err >= 0) {
			*id = err;
			*out = ev;
			return 0;
		}
		bl_probe_event_remove(ev, NULL);
		return err;
	}
	cmd[strlen(cmd) - 1] = '\0';
	create_fail(dir, file, cmd, err, e);
	registry_del(ev->slot);
	free(ev);
	return err;
}

void bl_probe_event_hold(struct bl_probe_event *ev, int pfd, int lfd)
{
	atomic_store(&ev->slot->pfd, pfd);
	atomic_store(&ev->slot->lfd, lfd);
}

void bl_probe_event_release(struct bl_probe_event *ev)
{
	atomic_store(&ev->slot->pfd, -1);
	atomic_store(&ev->slot->lfd, -1);
}

void bl_probe_signals_block(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

void bl_probe_signals_restore(const sigset_t *old)
{
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

const char *bl_probe_event_name(const struct bl_probe_event *ev)
{
	return ev->slot->name;
}

int bl_probe_event_remove(struct bl_probe_event *ev, struct bl_error *e)
{
	struct slot *s = ev->slot;
	char why[96];
	int err;

	err = tracefs_write(s->file, s->remove);
	if (err == -ENOENT)
		err = 0;	/* already gone */
	if (err)
		bl_fail(e, err, "cannot remove probe event %s from %s: %s", s->name, s->file,
			bl_strerror(err, why, sizeof(why)));
	registry_del(s);
	free(ev);
	return err;
}

/* ---- stale events of dead processes -------------------------------------------- */

/* "p:kprobes/bpfload_12_3_f f+0" -> "kprobes/bpfload_12_3_f" and pid 12.
 * Returns false for lines that are not ours. */
static bool parse_ours(const char *line, char *gname, size_t len, long *pid)
{
	const char *colon = strchr(line, ':');
	const char *slash, *name;
	size_t n;
	char *end;

	if (!colon)
		return false;
	n = strcspn(colon + 1, " \t\n");
	if (!n || n >= len)
		return false;
	memcpy(gname, colon + 1, n);
	gname[n] = '\0';
	slash = strchr(gname, '/');
	name = slash ? slash + 1 : gname;
	if (strncmp(name, EVENT_PREFIX, strlen(EVENT_PREFIX)))
		return false;
	name += strlen(EVENT_PREFIX);
	if (!isdigit((unsigned char)*name))
		return false;
	*pid = strtol(name, &end, 10);
	if (*end != '_' || !isdigit((unsigned char)end[1]) || *pid <= 0)
		return false;
	return true;
}

static bool pid_alive(long pid)
{
	return pid == getpid() || !kill((pid_t)pid, 0) || errno != ESRCH;
}

struct report {
	char *buf;
	size_t len, used;
};

static void report_line(struct report *r, const char *fmt, const char *a, long pid, int err)
{
	char why[96];
	int n;

	if (!r->buf || r->used + 1 >= r->len)
		return;
	n = snprintf(r->buf + r->used, r->len - r->used, fmt, a, pid,
		     err ? bl_strerror(err, why, sizeof(why)) : "");
	if (n > 0)
		r->used += (size_t)n < r->len - r->used ? (size_t)n : r->len - r->used - 1;
}

struct stale {
	char gname[EVENT_NAME_MAX + 16];
	long pid;
};

/* Our events in <dir>/<file> whose process is gone, read in full before
 * any is removed: removing lines while reading the file would skip some. */
static int stale_events(const char *path, struct stale **out, size_t *nr)
{
	char line[PATH_MAX + 128];
	struct stale *v = NULL, *grown;
	size_t n = 0, cap = 0;
	FILE *f = fopen(path, "re");
	struct stale x;

	*out = NULL;
	*nr = 0;
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fgets(line, sizeof(line), f)) {
		if (!parse_ours(line, x.gname, sizeof(x.gname), &x.pid) || pid_alive(x.pid))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			grown = realloc(v, cap * sizeof(*v));
			if (!grown) {
				fclose(f);
				free(v);
				return -ENOMEM;
			}
			v = grown;
		}
		v[n++] = x;
	}
	fclose(f);
	*out = v;
	*nr = n;
	return 0;
}

static int cleanup_file(const char *dir, const char *file, struct report *r)
{
	char path[PATH_MAX], cmd[EVENT_NAME_MAX + 24];
	struct stale *v;
	int removed = 0, err;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	err = stale_events(path, &v, &n);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		snprintf(cmd, sizeof(cmd), "-:%s\n", v[i].gname);
		err = tracefs_write(path, cmd);
		if (err) {
			report_line(r, "kept %s (owner pid %ld is gone, but removal failed: %s)\n",
				    v[i].gname, v[i].pid, err);
			continue;
		}
		report_line(r, "removed %s (owner pid %ld is gone)%s\n", v[i].gname, v[i].pid, 0);
		removed++;
	}
	free(v);
	return removed;
}

BL_API int bl_tracefs_cleanup_stale(struct bl_error *e)
{
	char dir[BL_TRACEFS_MAX], why[96];
	struct report r = { 0 };
	int err, total = 0;

	err = bl_tracefs_find(dir, sizeof(dir), e);
	if (err)
		return err;
	if (e) {
		r.buf = e->msg;
		r.len = sizeof(e->msg);
		e->msg[0] = '\0';
		e->err = 0;
	}
	for (int i = 0; i < 2; i++) {
		const char *file = i ? "uprobe_events" : "kprobe_events";

		err = cleanup_file(dir, file, &r);
		if (err < 0)
			return bl_fail(e, err, "cannot read %s/%s: %s", dir, file,
				       bl_strerror(err, why, sizeof(why)));
		total += err;
	}
	if (r.used && r.buf[r.used - 1] == '\n')
		r.buf[r.used - 1] = '\0';
	return total;
}
