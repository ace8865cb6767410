// SPDX-License-Identifier: BSD-2-Clause
/*
 * attach.c - struct bl_link, attaching from section names, and fast
 * teardown.
 *
 * A link is one attachment, whatever the kernel uses to hold it; each
 * mechanism (kprobe.c, tracepoint.c, xdp.c, ...) fills one in and sets
 * its detach function.  Here live what all links share: description,
 * fds, pinning, and detaching many at once.
 *
 * Why detach in parallel: removing a probe or the last perf event of a
 * tracepoint makes the kernel wait for RCU grace periods (ending with
 * tracepoint_synchronize_unregister()), so that no CPU can still be
 * running the program when its memory goes; that is tens of ms per
 * detach however little work there was.  Detaching from several threads
 * overlaps those waits.  How much they overlap is the kernel's business:
 * a tracepoint attachment is a bpf_link over a perf event, and closing
 * each half waits about 28 ms on 6.18.  The link halves overlap fully:
 * 32 programs on one tracepoint detach in 0.9 s one after the other and
 * in 0.04 s from 32 threads.  The perf event halves do not: the kernel
 * unregisters the last perf event of a tracepoint under its global
 * event_mutex and waits while holding it, so 32 distinct tracepoints
 * still take 0.8 s in parallel (1.7 s serially; make bench: attach_bench).
 * bl_links_detach() spreads the links over a small pool of threads.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/attach_priv.h"

/* Threads for a teardown: as many waits overlap as there are threads, and
 * 64 is the most programs one tracepoint or probe can hold. */
#define DETACH_THREADS	64
#define DETACH_STACK	(128 * 1024)

/* ---- the link object --------------------------------------------------------- */

struct bl_link *bl_link_new(int (*detach)(struct bl_link *))
{
	struct bl_link *link = calloc(1, sizeof(*link));

	if (!link)
		return NULL;
	link->detach = detach;
	link->fd = -1;
	link->prog_fd = -1;
	link->target_fd = -1;
	link->netns_fd = -1;
	return link;
}

void bl_link_set_desc(struct bl_link *link, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	free(link->desc);
	link->desc = s;
}

void bl_close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void *bl_attach_null(int err)
{
	errno = err < 0 ? -err : EINVAL;
	return NULL;
}

/* Undo and free; the owner (if any) must have let go already. */
static int link_destroy(struct bl_link *link)
{
	int err = 0;

	if (link->detach)
		err = link->detach(link);
	bl_close_fd(&link->fd);
	bl_close_fd(&link->prog_fd);
	bl_close_fd(&link->target_fd);
	bl_close_fd(&link->netns_fd);
	free(link->perf);
	free(link->desc);
	free(link->pin_path);
	free(link);
	return err;
}

void bl_link_abort(struct bl_link *link)
{
	int saved = errno;

	if (link)
		link_destroy(link);
	errno = saved;
}

BL_API int bl_link_fd(const struct bl_link *link)
{
	if (!link)
		return -1;
	if (link->fd >= 0)
		return link->fd;
	if (link->nr_perf)
		return link->perf[0].lfd >= 0 ? link->perf[0].lfd : link->perf[0].pfd;
	return -1;
}

BL_API size_t bl_link_fd_count(const struct bl_link *link)
{
	if (!link)
		return 0;
	if (link->nr_perf)
		return link->nr_perf;
	return link->fd >= 0 ? 1 : 0;
}

BL_API int bl_link_fd_at(const struct bl_link *link, size_t i)
{
	if (!link || i >= bl_link_fd_count(link))
		return -1;
	if (link->nr_perf)
		return link->perf[i].lfd >= 0 ? link->perf[i].lfd : link->perf[i].pfd;
	return link->fd;
}

BL_API const char *bl_link_describe(const struct bl_link *link)
{
	if (!link)
		return "(no link)";
	return link->desc ? link->desc : "link";
}

/* The one bpf link fd behind a link, or -1. */
static int pinnable_fd(const struct bl_link *link)
{
	if (link->fd >= 0)
		return link->fd;
	if (link->nr_perf == 1 && !link->event)
		return link->perf[0].lfd;
	return -1;
}

BL_API int bl_link_pin(struct bl_link *link, const char *path, struct bl_error *e)
{
	char why[96];
	int fd, err;

	if (!link || !path)
		return bl_fail(e, -EINVAL, "link pin: no link or no path given");
	fd = pinnable_fd(link);
	if (fd < 0)
		return bl_fail(e, -EOPNOTSUPP, "cannot pin %s: only a single bpf link can be"
			       " pinned (not an ioctl attachment, netlink state, a legacy"
			       " tracefs event or one event per CPU)", bl_link_describe(link));
	err = bl_sys_obj_pin(fd, path);
	if (err)
		return bl_fail(e, err, "cannot pin %s at %s: %s; %s", bl_link_describe(link), path,
			       bl_strerror(err, why, sizeof(why)),
			       err == -EEXIST ? "remove the old pin first" :
			       err == -EPERM || err == -EINVAL ? "the path must be on a bpf"
			       " filesystem (mount -t bpf bpf /sys/fs/bpf)" :
			       "check the directory exists");
	free(link->pin_path);
	link->pin_path = strdup(path);
	if (link->desc) {
		char *old = link->desc;

		link->desc = NULL;
		bl_link_set_desc(link, "%s, pinned at %s", old, path);
		if (!link->desc)
			link->desc = old;
		else
			free(old);
	}
	return 0;
}

/* ---- links owned by an object -------------------------------------------------- */

struct link_set {
	struct bl_link **v;
	size_t n, cap;
};

static void release_links(struct bl_object *obj);

static int own(struct bl_object *obj, struct bl_link *link)
{
	struct link_set *s = obj->links;

	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			return -ENOMEM;
		obj->links = s;
		obj->release_links = release_links;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		struct bl_link **v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = link;
	link->obj = obj;
	return 0;
}

static void disown(struct bl_link *link)
{
	struct link_set *s = link->obj ? link->obj->links : NULL;

	link->obj = NULL;
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i] == link) {
			s->v[i] = s->v[--s->n];
			return;
		}
	}
}

static bool is_attached(const struct bl_object *obj, const struct bl_program *p)
{
	const struct link_set *s = obj->links;

	for (size_t i = 0; s && i < s->n; i++)
		if (s->v[i]->prog == p)
			return true;
	return false;
}

/* ---- detaching, concurrently ----------------------------------------------------- */

struct detach_job {
	struct bl_link **links;
	size_t n;
	atomic_size_t next;
	atomic_int err;
};

static void *detach_worker(void *arg)
{
	struct detach_job *job = arg;

	for (;;) {
		size_t i = atomic_fetch_add(&job->next, 1);
		int expected = 0, err;

		if (i >= job->n)
			break;
		if (!job->links[i])
			continue;
		err = link_destroy(job->links[i]);
		job->links[i] = NULL;
		if (err)
			atomic_compare_exchange_strong(&job->err, &expected, err);
	}
	return NULL;
}

/* Destroy n unowned links with up to DETACH_THREADS threads (this one
 * included); a thread that cannot be started just means fewer. */
static int destroy_parallel(struct bl_link **links, size_t n)
{
	pthread_t tids[DETACH_THREADS - 1];
	struct detach_job job = { .links = links, .n = n };
	size_t want = n < DETACH_THREADS ? n : DETACH_THREADS, started = 0;
	pthread_attr_t attr;
	bool small = !pthread_attr_init(&attr);

	/* the workers only make system calls: a small stack each */
	if (small)
		pthread_attr_setstacksize(&attr, DETACH_STACK);
	atomic_init(&job.next, 0);
	atomic_init(&job.err, 0);
	for (size_t i = 1; i < want; i++) {
		if (pthread_create(&tids[started], small ? &attr : NULL, detach_worker, &job))
			break;
		started++;
	}
	if (small)
		pthread_attr_destroy(&attr);
	detach_worker(&job);
	for (size_t i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	return atomic_load(&job.err);
}

BL_API int bl_link_detach(struct bl_link *link)
{
	if (!link)
		return 0;
	disown(link);
	return link_destroy(link);
}

BL_API int bl_links_detach(struct bl_link **links, size_t n)
{
	if (!links)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (links[i])
			disown(links[i]);
	return destroy_parallel(links, n);
}

BL_API int bl_object_detach_all(struct bl_object *obj)
{
	struct link_set *s = obj ? obj->links : NULL;
	int err;

	if (!s || !s->n)
		return 0;
	for (size_t i = 0; i < s->n; i++)
		s->v[i]->obj = NULL;
	err = destroy_parallel(s->v, s->n);
	s->n = 0;
	return err;
}

/* Installed in obj->release_links: bl_object_close() calls it first. */
static void release_links(struct bl_object *obj)
{
	struct link_set *s = obj->links;

	bl_object_detach_all(obj);
	if (s)
		free(s->v);
	free(s);
	obj->links = NULL;
	obj->release_links = NULL;
}

/* ---- from the section name ------------------------------------------------------- */

/* "FUNC" or "FUNC+OFF" (OFF decimal or 0x hex). */
static int split_offset(const char *t, char *func, size_t len, __u64 *off)
{
	const char *plus = strchr(t, '+');
	size_t n = plus ? (size_t)(plus - t) : strlen(t);
	char *end;

	*off = 0;
	if (!n || n >= len)
		return -EINVAL;
	memcpy(func, t, n);
	func[n] = '\0';
	if (!plus)
		return 0;
	errno = 0;
	*off = strtoull(plus + 1, &end, 0);
	if (errno || end == plus + 1 || *end)
		return -EINVAL;
	return 0;
}

static struct bl_link *attach_kprobe_sec(struct bl_program *p, bool ret, struct bl_error *e)
{
	const char *t = p->attach_target;
	bool syscall = !strcmp(p->kind, "ksyscall") || !strcmp(p->kind, "kretsyscall");
	char func[256];
	__u64 off = 0;
	int err;

	if (syscall) {
		err = bl_ksyscall_symbol(t, func, sizeof(func), e);
		if (err)
			return bl_attach_null(err);
	} else if (split_offset(t, func, sizeof(func), &off)) {
		bl_fail(e, -EINVAL, "program '%s': section '%s' should be %sFUNCTION or"
			" %sFUNCTION+OFFSET", p->name, p->sec->name, p->def->prefix,
			p->def->prefix);
		return bl_attach_null(-EINVAL);
	}
	return bl_attach_kprobe(p->fd, func, off, ret, NULL, e);
}

static struct bl_link *attach_tracepoint_sec(struct bl_program *p, struct bl_error *e)
{
	const char *t = p->attach_target;
	const char *slash = strchr(t, '/');
	char cat[128];
	size_t n = slash ? (size_t)(slash - t) : 0;

	if (!slash || !n || n >= sizeof(cat) || !slash[1]) {
		bl_fail(e, -EINVAL, "program '%s': section '%s' should be %sCATEGORY/NAME"
			" (e.g. %ssyscalls/sys_enter_getpid)", p->name, p->sec->name,
			p->def->prefix, p->def->prefix);
		return bl_attach_null(-EINVAL);
	}
	memcpy(cat, t, n);
	cat[n] = '\0';
	return bl_attach_tracepoint(p->fd, cat, slash + 1, NULL, e);
}

/* Sections whose target cannot be written in the name. */
static struct bl_link *refuse(struct bl_program *p, struct bl_error *e)
{
	const char *how;

	switch (p->def ? p->def->attach : BL_ATTACH_NONE) {
	case BL_ATTACH_PERF_EVENT:
		how = "a perf_event program needs an event and a sampling rate: call"
		      " bl_attach_perf_event(bl_program_fd(prog), PERF_TYPE_SOFTWARE,"
		      " PERF_COUNT_SW_CPU_CLOCK, &opts, &err)";
		break;
	case BL_ATTACH_SOCKET:
		how = "a socket filter needs a socket: call bl_attach_socket(bl_program_fd(prog),"
		      " sock_fd, &err)";
		break;
	case BL_ATTACH_XDP:
		how = "an XDP program needs a network device: call"
		      " bl_attach_xdp(bl_program_fd(prog), ifindex, &opts, &err)";
		break;
	case BL_ATTACH_TC:
		how = "a tc program needs a network device and a direction: call"
		      " bl_attach_tc(bl_program_fd(prog), ifindex, egress, &opts, &err)";
		break;
	case BL_ATTACH_CGROUP:
		how = "a cgroup program needs a cgroup: call bl_attach_cgroup(bl_program_fd(prog),"
		      " \"/sys/fs/cgroup/...\", bl_program_expected_attach_type(prog),"
		      " &opts, &err)";
		break;
	case BL_ATTACH_UPROBE:
	case BL_ATTACH_URETPROBE:
		how = "the section names no binary (write uprobe/PATH:FUNCTION): call"
		      " bl_attach_uprobe(bl_program_fd(prog), path, function, 0, retprobe, pid,"
		      " &opts, &err)";
		break;
	case BL_ATTACH_KPROBE:
	case BL_ATTACH_KRETPROBE:
		how = "the section names no function (write kprobe/FUNCTION): call"
		      " bl_attach_kprobe(bl_program_fd(prog), function, 0, retprobe, &opts, &err)";
		break;
	default:
		how = "bpfload cannot attach this kind of program from its section name;"
		      " attach its fd (bl_program_fd) with the kernel's own interface";
		break;
	}
	bl_fail(e, -EOPNOTSUPP, "program '%s' (section '%s'): %s", p->name, p->sec->name, how);
	return bl_attach_null(-EOPNOTSUPP);
}

/* Can the section name alone say where to attach? */
bool bl_program_attachable(const struct bl_program *p)
{
	bool has_target = p->attach_target && *p->attach_target;

	switch (p->def ? p->def->attach : BL_ATTACH_NONE) {
	case BL_ATTACH_KPROBE:
	case BL_ATTACH_KRETPROBE:
	case BL_ATTACH_UPROBE:
	case BL_ATTACH_URETPROBE:
	case BL_ATTACH_TRACEPOINT:
	case BL_ATTACH_RAW_TRACEPOINT:
	case BL_ATTACH_TRACING:
		return has_target;
	default:
		return false;
	}
}

static struct bl_link *attach_section(struct bl_program *p, struct bl_error *e)
{
	if (!bl_program_attachable(p))
		return refuse(p, e);
	switch (p->def->attach) {
	case BL_ATTACH_KPROBE:
		return attach_kprobe_sec(p, false, e);
	case BL_ATTACH_KRETPROBE:
		return attach_kprobe_sec(p, true, e);
	case BL_ATTACH_UPROBE:
		return bl_attach_uprobe_spec(p->fd, p->attach_target, false, e);
	case BL_ATTACH_URETPROBE:
		return bl_attach_uprobe_spec(p->fd, p->attach_target, true, e);
	case BL_ATTACH_TRACEPOINT:
		return attach_tracepoint_sec(p, e);
	case BL_ATTACH_RAW_TRACEPOINT:
		return bl_attach_raw_tracepoint(p->fd, p->attach_target, e);
	case BL_ATTACH_TRACING:
		return bl_attach_tracing_kind(p->fd, p->kind, p->expected_attach_type,
					      p->attach_target, e);
	default:
		return refuse(p, e);
	}
}

BL_API struct bl_link *bl_program_attach(struct bl_program *p, struct bl_error *e)
{
	struct bl_link *link;
	int err;

	if (!p) {
		bl_fail(e, -EINVAL, "attach: no program given");
		return bl_attach_null(-EINVAL);
	}
	if (p->fd < 0) {
		bl_fail(e, -EBADF, "program '%s' is not loaded: call bl_object_load() first%s",
			p->name, p->autoload ? "" : " (its autoload is off)");
		return bl_attach_null(-EBADF);
	}
	link = attach_section(p, e);
	if (!link)
		return NULL;
	link->prog = p;
	err = own(p->obj, link);
	if (err) {
		bl_link_abort(link);
		bl_fail(e, err, "program '%s': out of memory", p->name);
		return bl_attach_null(err);
	}
	return link;
}

BL_API int bl_object_attach_all(struct bl_object *obj, struct bl_error *e)
{
	struct bl_link **made;
	size_t n = 0;

	if (!obj || !obj->loaded)
		return bl_fail(e, -EINVAL, "attach: the object is not loaded; call"
			       " bl_object_load() first");
	made = calloc(obj->nr_progs ? obj->nr_progs : 1, sizeof(*made));
	if (!made)
		return bl_fail(e, -ENOMEM, "attach: out of memory");
	for (size_t i = 0; i < obj->nr_progs; i++) {
		struct bl_program *p = &obj->progs[i];

		if (p->fd < 0 || !bl_program_attachable(p) || is_attached(obj, p))
			continue;
		made[n] = bl_program_attach(p, e);
		if (!made[n]) {
			int err = e ? e->err : -errno;

			bl_links_detach(made, n);
			free(made);
			return err ? err : -EINVAL;
		}
		n++;
	}
	free(made);
	return (int)n;
}
