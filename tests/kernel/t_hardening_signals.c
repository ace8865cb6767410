// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_hardening_signals.c - SIGINT, SIGTERM and SIGKILL while a process
 * attaches programs or streams events.
 *
 * The test runs itself as a driver (argv[1] = "driver"), a small program
 * that loads hard_cycle.o and then either attaches up to 200 legacy
 * uprobes (tracefs uprobe_events) one after the other, or attaches a mix
 * (3 legacy uprobes, a uprobe through the PMU, a tracepoint, a raw
 * tracepoint) and streams a ring buffer.  It tells the test how far it
 * got through a pipe.  The test then signals it:
 *
 *   attach, own handler, SIGTERM    the driver's handler sets a flag; the
 *   stream, own handler, SIGINT     loop stops, bl_links_detach() and
 *                                   bl_object_close() detach everything,
 *                                   it says so on stderr and exits 130
 *   attach, no handler, SIGINT      bpfload's own handler (installed while
 *   stream, no handler, SIGTERM     legacy events exist and the signal is
 *                                   at its default) removes the events,
 *                                   and the driver dies of the signal
 *   stream, SIGKILL                 nothing can run: the kernel releases
 *                                   the PMU uprobe, the tracepoints and
 *                                   every link and program; only the 3
 *                                   legacy events stay, named
 *                                   bpfload_<pid>_..., and
 *                                   bl_tracefs_cleanup_stale() removes
 *                                   exactly those (not a live process's
 *                                   bpfload event, not a foreign event,
 *                                   not a malformed bpfload_ name)
 *
 * After each run: no uprobe_events line of the driver is left (SIGKILL:
 * after the cleanup), and none of the program and link ids it held
 * (read from /proc/PID/fdinfo while it ran) exists any more.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/attach.h>
#include <bpfload/events.h>
#include <bpfload/sys.h>
#include "tap.h"
#include "testutil.h"

#define PROGRESS_FD	3
#define MAX_ATTACH	200
#define SIGNAL_AFTER	20	/* attaches before the signal */

long hard_signal_target(long x);

__attribute__((noinline, noipa)) long hard_signal_target(long x)
{
	return x * 2;
}

/* ---- the driver ------------------------------------------------------------------------- */

static volatile sig_atomic_t stop_sig;

static void on_stop(int sig)
{
	stop_sig = sig;
}

static void progress(char c)
{
	char line[2] = { c, '\n' };

	if (write(PROGRESS_FD, line, 2) != 2)
		_exit(3);
}

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "driver: %s: %s\n", what, msg);
	_exit(2);
}

static int on_record(void *ctx, const void *data, size_t size)
{
	return 0;
}

static struct bl_link *legacy_uprobe(int fd, struct bl_error *e)
{
	struct bl_uprobe_opts o = { .force_legacy = true };

	return bl_attach_uprobe(fd, "/proc/self/exe", "hard_signal_target", 0, false, 0, &o, e);
}

static int driver(const char *mode)
{
	bool handler = strstr(mode, "handler") != NULL, stream = !strncmp(mode, "stream", 6);
	struct bl_link *links[MAX_ATTACH + 8];
	struct bl_error e = { 0 };
	struct bl_object *obj;
	size_t n = 0;
	int pid = getpid(), fd;

	if (handler) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_stop;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	} else {
		/* the default action, as from a terminal: a background job of a
		 * non-interactive shell inherits SIGINT ignored, and bpfload then
		 * (rightly) leaves it alone */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
	}
	obj = bl_object_open(tu_obj_path("hard_cycle"), NULL, &e);
	if (!obj)
		die("open", e.msg);
	bl_object_set_global(obj, "target_tgid", &pid, sizeof(pid));
	if (bl_object_load(obj, NULL))
		die("load", bl_object_error(obj));
	fd = bl_program_fd(bl_object_find_program(obj, "cy_uprobe"));
	progress('L');

	if (!stream) {
		for (; n < MAX_ATTACH && !stop_sig; n++) {
			links[n] = legacy_uprobe(fd, &e);
			if (!links[n])
				die("attach", e.msg);
			progress('A');
		}
	} else {
		struct bl_ringbuf *rb;
		int map;

		for (int i = 0; i < 3; i++) {
			links[n] = legacy_uprobe(fd, &e);
			if (!links[n++])
				die("attach legacy", e.msg);
		}
		links[n] = bl_attach_uprobe(fd, "/proc/self/exe", "hard_signal_target", 0, true, 0,
					    NULL, &e);
		if (!links[n++])
			die("attach PMU uprobe", e.msg);
		if (!bl_program_attach(bl_object_find_program(obj, "cy_tp"), &e) ||
		    !bl_program_attach(bl_object_find_program(obj, "cy_raw"), &e))
			die("attach tracepoints", e.msg);
		map = bl_sys_map_create(BPF_MAP_TYPE_RINGBUF, "hs_ring", 0, 0, 4 * 4096, NULL);
		rb = bl_ringbuf_new(NULL, &e);
		if (map < 0 || !rb || bl_ringbuf_add(rb, map, on_record, NULL, &e) < 0)
			die("ring buffer", e.msg);
		close(map);
		progress('R');
		bl_ringbuf_run(rb, -1, handler ? &stop_sig : NULL);
		bl_ringbuf_free(rb);
	}
	if (stop_sig) {
		int sig = stop_sig;

		bl_links_detach(links, n);
		bl_object_close(obj);
		fprintf(stderr, "driver: interrupted by %s %s: detached everything\n",
			sig == SIGINT ? "SIGINT" : "SIGTERM",
			stream ? "while streaming" : "while attaching");
		return 130;
	}
	/* not interrupted: wait to be */
	progress('R');
	for (;;)
		pause();
}

/* ---- the test side ---------------------------------------------------------------------- */

struct run {
	pid_t pid;
	int progress;		/* read end */
	int err_fd;		/* the driver's stderr, a tmpfile */
	__u32 progs[64], links[512];
	int nr_progs, nr_links;
	int status;
	char err[4096];
};

static void start(struct run *r, const char *mode)
{
	int p[2];
	FILE *err = tmpfile();

	memset(r, 0, sizeof(*r));
	if (pipe(p) || !err)
		tap_bail("pipe/tmpfile: %s", strerror(errno));
	r->err_fd = dup(fileno(err));
	fclose(err);
	fflush(stdout);
	r->pid = fork();
	if (r->pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (r->pid == 0) {
		close(p[0]);
		dup2(p[1], PROGRESS_FD);
		dup2(r->err_fd, 2);
		/* a new program: signal dispositions and atexit state afresh */
		execl("/proc/self/exe", "t_hardening_signals", "driver", mode, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	r->progress = p[0];
}

/* Wait for n progress lines of kind c (10 s at most). */
static bool wait_progress(struct run *r, char c, int n)
{
	char buf[2];
	int seen = 0;

	while (seen < n) {
		struct pollfd pfd = { .fd = r->progress, .events = POLLIN };

		if (poll(&pfd, 1, 10000) <= 0 || read(r->progress, buf, 2) != 2)
			return false;
		seen += buf[0] == c;
	}
	return true;
}

static void add_unique(__u32 *ids, int *n, int max, __u32 id)
{
	for (int i = 0; i < *n; i++)
		if (ids[i] == id)
			return;
	if (*n < max)
		ids[(*n)++] = id;
}

/* The prog and link ids the driver holds, from /proc/PID/fdinfo (a
 * link's fdinfo names its program too). */
static void collect_ids(struct run *r)
{
	char dir[64], path[PATH_MAX], line[256];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fdinfo", (int)r->pid);
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f)) {
			unsigned int id;

			if (sscanf(line, "prog_id: %u", &id) == 1)
				add_unique(r->progs, &r->nr_progs, 64, id);
			else if (sscanf(line, "link_id: %u", &id) == 1)
				add_unique(r->links, &r->nr_links, 512, id);
		}
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
}

static void finish(struct run *r)
{
	ssize_t n;

	for (int i = 0; i < 200; i++) {
		if (waitpid(r->pid, &r->status, WNOHANG) == r->pid)
			goto done;
		usleep(50 * 1000);
	}
	tap_diag("the driver did not end within 10 s: SIGKILL");
	kill(r->pid, SIGKILL);
	waitpid(r->pid, &r->status, 0);
done:
	close(r->progress);
	n = pread(r->err_fd, r->err, sizeof(r->err) - 1, 0);
	r->err[n > 0 ? n : 0] = '\0';
	close(r->err_fd);
}

/* Programs and links the driver held that still exist (after up to 5 s). */
static int ids_left(const struct run *r)
{
	int left = 0;

	for (int tries = 0; tries < 100; tries++) {
		left = 0;
		for (int i = 0; i < r->nr_progs; i++)
			left += tu_object_exists(TU_PROG, r->progs[i]) == 1;
		for (int i = 0; i < r->nr_links; i++)
			left += tu_object_exists(TU_LINK, r->links[i]) == 1;
		if (!left)
			break;
		usleep(50 * 1000);
	}
	return left;
}

static const char *status_text(int st, char *buf, size_t len)
{
	if (WIFEXITED(st))
		snprintf(buf, len, "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "killed by signal %d", WTERMSIG(st));
	else
		snprintf(buf, len, "status 0x%x", st);
	return buf;
}

static void test_interrupt(const char *mode, int sig, const char *label)
{
	bool handler = strstr(mode, "handler") != NULL, stream = !strncmp(mode, "stream", 6);
	char how[64];
	struct run r;
	int events;

	start(&r, mode);
	if (!ok(stream ? wait_progress(&r, 'R', 1) : wait_progress(&r, 'A', SIGNAL_AFTER),
		"%s: the driver %s", label, stream ? "attached 6 programs and streams" :
		"attached " "legacy uprobes")) {
		kill(r.pid, SIGKILL);
		finish(&r);
		tu_diag_lines(r.err);
		return;
	}
	collect_ids(&r);
	events = tu_events_of(r.pid);
	ok(events >= (stream ? 3 : SIGNAL_AFTER), "%s: %d of its uprobe_events exist, %d programs"
	   " and %d links", label, events, r.nr_progs, r.nr_links);
	kill(r.pid, sig);
	finish(&r);
	status_text(r.status, how, sizeof(how));
	if (handler) {
		ok(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 130,
		   "%s: exits with status 130 (%s)", label, how);
		like(r.err, "interrupted by", "%s: says it was interrupted", label);
		like(r.err, "detached everything", "%s: and that it detached everything", label);
	} else {
		ok(WIFSIGNALED(r.status) && WTERMSIG(r.status) == sig,
		   "%s: dies of the signal, as without bpfload (%s)", label, how);
		like(r.err, "removed this process's tracefs probe events",
		     "%s: a message on stderr", label);
	}
	if (r.err[0])
		tu_diag_lines(r.err);
	is_int(tu_events_of(r.pid), 0, "%s: none of its uprobe_events is left", label);
	is_int(ids_left(&r), 0, "%s: none of its programs and links is left", label);
}

/* ---- SIGKILL and the stale event cleanup --------------------------------------------------- */

/* This executable's path (into exe) and the file offset of
 * hard_signal_target in it, for uprobe events made by hand. */
static __u64 target_offset(char *exe, size_t len)
{
	struct bl_error e = { 0 };
	ssize_t n = readlink("/proc/self/exe", exe, len - 1);
	__u64 off = 0;

	exe[n > 0 ? n : 0] = '\0';
	if (bl_elf_symbol_offset(exe, "hard_signal_target", &off, &e))
		tap_bail("%s", e.msg);
	return off;
}

static void test_sigkill(void)
{
	char exe[PATH_MAX], cmd[PATH_MAX + 128], needle[64], decoy1[64], decoy2[64];
	struct bl_object *obj = NULL;
	struct bl_link *live = NULL;
	struct bl_error e = { 0 };
	__u64 off;
	struct run r;
	int removed;

	start(&r, "stream-default");
	if (!ok(wait_progress(&r, 'R', 1), "SIGKILL: the driver attached 6 programs and streams")) {
		kill(r.pid, SIGKILL);
		finish(&r);
		tu_diag_lines(r.err);
		return;
	}
	collect_ids(&r);
	kill(r.pid, SIGKILL);
	finish(&r);
	ok(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGKILL, "SIGKILL: the driver is dead");
	is_int(ids_left(&r), 0, "SIGKILL: the kernel released its %d programs and %d links"
	       " (PMU uprobe, tracepoints, bpf links)", r.nr_progs, r.nr_links);
	is_int(tu_events_of(r.pid), 3, "SIGKILL: its 3 legacy uprobe_events stay, named"
	       " bpfload_%d_...", (int)r.pid);

	/* decoys: a foreign event, a malformed bpfload_ name, a live process's event */
	off = target_offset(exe, sizeof(exe));
	snprintf(decoy1, sizeof(decoy1), "hsdecoy_%d", (int)getpid());
	snprintf(decoy2, sizeof(decoy2), "bpfload_x%d_1", (int)getpid());
	snprintf(cmd, sizeof(cmd), "p:uprobes/%s %s:0x%llx\n", decoy1, exe,
		 (unsigned long long)off);
	ok(!tu_tracefs_write("uprobe_events", cmd), "decoy: a foreign uprobe event %s", decoy1);
	snprintf(cmd, sizeof(cmd), "p:uprobes/%s %s:0x%llx\n", decoy2, exe,
		 (unsigned long long)off);
	ok(!tu_tracefs_write("uprobe_events", cmd), "decoy: a malformed bpfload name %s", decoy2);
	obj = bl_object_open(tu_obj_path("hard_cycle"), NULL, NULL);
	if (obj && !bl_object_load(obj, NULL))
		live = legacy_uprobe(bl_program_fd(bl_object_find_program(obj, "cy_uprobe")), &e);
	ok(live && tu_events_of(getpid()) == 1, "decoy: a bpfload event of this live process");

	memset(&e, 0, sizeof(e));
	removed = bl_tracefs_cleanup_stale(&e);
	ok(removed >= 3, "bl_tracefs_cleanup_stale() removed %d events (3 of the driver, and"
	   " any other dead process's)", removed);
	snprintf(needle, sizeof(needle), "bpfload_%d_", (int)r.pid);
	like(e.msg, needle, "its report names the driver's events");
	tu_diag_lines(e.msg);
	is_int(tu_events_of(r.pid), 0, "the driver's events are gone");
	is_int(tu_events_with("uprobe_events", decoy1), 1, "the foreign event is left alone");
	is_int(tu_events_with("uprobe_events", decoy2), 1, "the malformed bpfload name is left"
	       " alone");
	is_int(tu_events_of(getpid()), 1, "the live process's event is left alone");
	is_int(bl_tracefs_cleanup_stale(NULL), 0, "a second cleanup finds nothing");

	snprintf(cmd, sizeof(cmd), "-:uprobes/%s\n", decoy1);
	tu_tracefs_write("uprobe_events", cmd);
	snprintf(cmd, sizeof(cmd), "-:uprobes/%s\n", decoy2);
	tu_tracefs_write("uprobe_events", cmd);
	bl_link_detach(live);
	bl_object_close(obj);
	ok(!tu_events_with("uprobe_events", decoy1) && !tu_events_with("uprobe_events", decoy2) &&
	   !tu_events_of(getpid()), "the decoys are removed");
}

/*
 * Many stale events at once: 40 of a dead process, made by hand.  One
 * cleanup must remove them all (reading the events file while removing
 * lines from it would skip some).
 */
static void test_many_stale(void)
{
	char exe[PATH_MAX], cmd[PATH_MAX + 128];
	int made = 0, removed, st;
	pid_t dead = fork();
	__u64 off;

	if (dead == 0)
		_exit(0);
	waitpid(dead, &st, 0);
	off = target_offset(exe, sizeof(exe));
	for (int i = 0; i < 40; i++) {
		snprintf(cmd, sizeof(cmd), "p:uprobes/bpfload_%d_%d_many %s:0x%llx\n", (int)dead, i,
			 exe, (unsigned long long)off);
		made += !tu_tracefs_write("uprobe_events", cmd);
	}
	is_int(made, 40, "many stale: 40 events of a dead process (pid %d)", (int)dead);
	removed = bl_tracefs_cleanup_stale(NULL);
	ok(removed >= 40, "many stale: one cleanup removed %d", removed);
	is_int(tu_events_of(dead), 0, "many stale: none of them is left");
}

int main(int argc, char **argv)
{
	const char *why;

	if (argc == 3 && !strcmp(argv[1], "driver"))
		return driver(argv[2]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	why = tu_bpf_unavailable();
	if (why)
		tap_skip_all("%s", why);
	if (access(tu_obj_path("hard_cycle"), R_OK))
		tap_skip_all("%s not built: run make", tu_obj_path("hard_cycle"));
	if (tu_ensure_tracefs())
		tap_skip_all("tracefs cannot be mounted at " TU_TRACEFS);
	if (access("/sys/bus/event_source/devices/uprobe/type", F_OK) ||
	    access(TU_TRACEFS "/uprobe_events", F_OK))
		tap_skip_all("no uprobe PMU or uprobe_events in this kernel");

	test_interrupt("attach-handler", SIGTERM, "SIGTERM while attaching, own handler");
	test_interrupt("stream-handler", SIGINT, "SIGINT while streaming, own handler");
	test_interrupt("attach-default", SIGINT, "SIGINT while attaching, no handler");
	test_interrupt("stream-default", SIGTERM, "SIGTERM while streaming, no handler");
	test_sigkill();
	test_many_stale();
	return tap_done();
}
