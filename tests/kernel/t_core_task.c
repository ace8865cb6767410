// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_core_task.c - the task_info sample (kern/task_info_kern.c), one
 * object compiled once, on the running kernel.
 *
 * The test loads task_info_kern.o with a filter on its own pid, attaches
 * it to sched/sched_process_exec, and execs a child (itself, with
 * --exec-child, which waits for a byte on a pipe).  The event the
 * program sends for that exec must describe the child exactly as
 * /proc/CHILD/stat and the test's own view do: pid, tgid, parent's tgid
 * and name, the child's name, uid, and the task state read through the
 * ___flavour this kernel has ("__state" from 5.14, "state" before).
 * When the sample binary exists (build/bin/task_info) it is run too and
 * its output line is checked the same way.
 *
 * The same binary, linked statically, runs in the 5.10/6.1/6.12 guests
 * of tests/vm (the object is looked for in $BPFLOAD_TASK_INFO_OBJ, then
 * ./task_info_kern.o, then $BPFLOAD_BUILD/bin and build/bin).
 *
 * Needs root, tracefs and /sys/kernel/btf/vmlinux.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/attach.h>
#include <bpfload/events.h>
#include "tap.h"
#include "testutil.h"
#include "../../kern/task_info.h"

static char obj_path[PATH_MAX];

static bool exists(const char *p)
{
	struct stat st;

	return !stat(p, &st);
}

static const char *find_object(void)
{
	const char *env = getenv("BPFLOAD_TASK_INFO_OBJ");
	const char *build = getenv("BPFLOAD_BUILD");

	if (env && exists(env))
		return env;
	if (exists("task_info_kern.o"))
		return "task_info_kern.o";
	snprintf(obj_path, sizeof(obj_path), "%s/bin/task_info_kern.o", build ? build : "build");
	return exists(obj_path) ? obj_path : NULL;
}

/* 1 when this kernel is 5.14 or newer (task_struct.__state). */
static int kernel_has_new_state(void)
{
	struct utsname u;
	unsigned int a = 0, b = 0;

	if (uname(&u) || sscanf(u.release, "%u.%u", &a, &b) != 2)
		return -1;
	return a > 5 || (a == 5 && b >= 14);
}

/* ---- the exec'ed child ----------------------------------------------------------- */

struct child {
	pid_t pid;
	int wfd;		/* write a byte: the child exits */
};

static int child_start(struct child *c)
{
	int p[2];
	char fd[16];

	if (pipe(p))
		return -errno;
	c->pid = fork();
	if (c->pid < 0)
		return -errno;
	if (!c->pid) {
		close(p[1]);
		snprintf(fd, sizeof(fd), "%d", p[0]);
		execl("/proc/self/exe", "t_core_task", "--exec-child", fd, (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	c->wfd = p[1];
	return 0;
}

static void child_stop(struct child *c)
{
	if (c->pid <= 0)
		return;
	if (write(c->wfd, "x", 1) < 0)
		kill(c->pid, SIGKILL);
	close(c->wfd);
	waitpid(c->pid, NULL, 0);
	c->pid = 0;
}

/* --exec-child FD: wait for the parent, then exit. */
static int exec_child(const char *fd)
{
	char b;

	return read(atoi(fd), &b, 1) < 0;
}

/* comm and ppid from /proc/PID/stat */
static int proc_stat(pid_t pid, char *comm, size_t len, int *ppid)
{
	char path[64], buf[1024], *l, *r;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	l = strchr(buf, '(');
	r = strrchr(buf, ')');
	if (!l || !r || r < l)
		return -EINVAL;
	snprintf(comm, len, "%.*s", (int)(r - l - 1), l + 1);
	return sscanf(r + 2, "%*c %d", ppid) == 1 ? 0 : -EINVAL;
}

/* ---- in-process: load, attach, read the event ---------------------------------- */

struct seen {
	struct task_info_event ev;
	int n;
};

static int on_event(void *ctx, const void *data, size_t size)
{
	struct seen *s = ctx;

	if (size >= sizeof(s->ev) && !s->n++)
		memcpy(&s->ev, data, sizeof(s->ev));
	return 0;
}

static void check_event(const struct task_info_event *ev, const struct child *c)
{
	char comm[32] = "", self[17] = "";
	int ppid = -1, new_state = kernel_has_new_state();

	proc_stat(c->pid, comm, sizeof(comm), &ppid);
	prctl(PR_GET_NAME, self);
	is_int(ev->pid, c->pid, "pid is the exec'ed child's");
	is_int(ev->tgid, c->pid, "tgid too (one thread)");
	is_int(ev->ppid, getpid(), "real_parent->tgid is this process");
	is_int(ev->ppid, ppid, "and the ppid in /proc/CHILD/stat");
	is_str(ev->comm, comm, "comm is the child's name in /proc/CHILD/stat");
	is_str(ev->parent_comm, self, "real_parent->comm is this process's name");
	is_int(ev->uid, getuid(), "real_cred->uid.val is getuid()");
	is_int(ev->layout, new_state ? TASK_INFO_LAYOUT_NEW : TASK_INFO_LAYOUT_OLD,
	       "the state member is %s on this kernel", new_state ? "__state" : "state");
	is_int(ev->state, 0, "the exec'ing task is running (state 0)");
}

static void check_in_process(const char *path)
{
	struct bl_object *obj = bl_object_open(path, NULL, NULL);
	struct bl_error err = { 0 };
	struct child c = { 0 };
	struct seen s = { 0 };
	struct bl_ringbuf *rb = NULL;
	__u32 me = getpid();

	if (!ok(obj != NULL, "open %s", path))
		return;
	ok(!bl_object_set_global(obj, "filter_ppid", &me, sizeof(me)), "filter on this pid");
	if (!ok(!bl_object_load(obj, NULL), "load task_info_kern.o (CO-RE against this kernel)")) {
		tu_diag_lines(bl_object_error(obj));
		goto out;
	}
	if (!ok(bl_program_attach(bl_object_find_program(obj, "task_info"), &err) != NULL,
		"attach to sched/sched_process_exec")) {
		tu_diag_lines(err.msg);
		goto out;
	}
	rb = bl_ringbuf_new(NULL, &err);
	if (!ok(rb && bl_ringbuf_add(rb, bl_map_fd(bl_object_find_map(obj, "events")), on_event,
				     &s, &err) >= 0, "ring buffer reader"))
		goto out;
	if (!ok(!child_start(&c), "fork and exec a child"))
		goto out;
	for (int i = 0; i < 50 && !s.n; i++)
		bl_ringbuf_poll(rb, 100);
	if (ok(s.n == 1, "one event for the child's exec (got %d)", s.n))
		check_event(&s.ev, &c);
	child_stop(&c);
out:
	bl_ringbuf_free(rb);
	bl_object_close(obj);
}

/* ---- the sample binary ------------------------------------------------------------ */

static void check_sample_binary(void)
{
	const char *build = getenv("BPFLOAD_BUILD");
	char bin[PATH_MAX], line[512], ppid_arg[16];
	struct child c = { 0 };
	unsigned int pid, tgid, ppid, uid;
	char comm[17], parent[17];
	int out[2], n;
	FILE *f;
	pid_t sample;

	snprintf(bin, sizeof(bin), "%s/bin/task_info", build ? build : "build");
	if (!exists(bin)) {
		tap_skip("the task_info sample binary", "%s not built (or in a VM guest)", bin);
		return;
	}
	snprintf(ppid_arg, sizeof(ppid_arg), "%d", getpid());
	if (pipe(out))
		return;
	sample = fork();
	if (!sample) {
		dup2(out[1], 1);
		close(out[0]);
		execl(bin, "task_info", "-n", "1", "-t", "10", "-p", ppid_arg, (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	f = fdopen(out[0], "r");
	while (f && fgets(line, sizeof(line), f) && strncmp(line, "PID", 3))
		;
	ok(f && !strncmp(line, "PID", 3), "task_info attached and printed its header");
	child_start(&c);
	n = f && fgets(line, sizeof(line), f) ?
	    sscanf(line, "%u %u %u %u %16s %16s", &pid, &tgid, &ppid, &uid, comm, parent) : 0;
	if (ok(n == 6, "task_info printed a line for the child's exec")) {
		char want[32] = "";
		int sppid;

		proc_stat(c.pid, want, sizeof(want), &sppid);
		is_int(pid, c.pid, "task_info: PID");
		is_int(ppid, getpid(), "task_info: PPID");
		is_str(comm, want, "task_info: COMM is the one in /proc/CHILD/stat");
		like(line, kernel_has_new_state() ? "(__state)" : "(state)",
		     "task_info: the state member of this kernel");
	}
	child_stop(&c);
	if (f)
		fclose(f);
	waitpid(sample, NULL, 0);
}

int main(int argc, char **argv)
{
	const char *why, *path;

	if (argc == 3 && !strcmp(argv[1], "--exec-child"))
		return exec_child(argv[2]);
	why = tu_bpf_unavailable();
	if (why)
		tap_skip_all("%s", why);
	if (!exists("/sys/kernel/btf/vmlinux"))
		tap_skip_all("no /sys/kernel/btf/vmlinux: CO-RE needs the kernel's BTF");
	if (tu_ensure_tracefs())
		tap_skip_all("tracefs cannot be mounted");
	/* kernels before 5.11 charge maps to RLIMIT_MEMLOCK */
	setrlimit(RLIMIT_MEMLOCK, &(struct rlimit){ RLIM_INFINITY, RLIM_INFINITY });
	path = find_object();
	if (!path)
		tap_skip_all("task_info_kern.o not found (make kern)");
	check_in_process(path);
	check_sample_binary();
	return tap_done();
}
