// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_core_opensnoop.c - the opensnoop_core sample inside the VM guests:
 * a kprobe that reads the kernel's struct open_how with CO-RE, from an
 * object compiled once on the development host against the host's
 * vmlinux.h and relocated by bpfload for each guest's kernel (5.10, 6.1,
 * 6.12).
 *
 * The guest has the static sample and opensnoop_core_kern.o in /t beside
 * this test (tests/vm/vm.t ships them as data).  The test starts the
 * sample with fork/exec, waits for its header, makes system calls with
 * known values from this process, stops it with SIGINT and counts the
 * lines of this pid whose FLAGS, MODE and FILE are exactly the expected
 * ones:
 *
 *   kprobe (default; the sample must not fall back): the values the
 *   kernel keeps in its open_how, which only a read of kernel memory can
 *   show: O_LARGEFILE added to every open on 64-bit, the mode cleared
 *   for a call that does not create.
 *     N openat2(path2, {O_WRONLY|O_CREAT|O_CLOEXEC, 0640})
 *         -> O_WRONLY|O_CREAT|O_LARGEFILE|O_CLOEXEC 0640
 *     M openat(path1, O_RDWR|O_CREAT|O_APPEND, 0600)
 *         -> O_RDWR|O_CREAT|O_APPEND|O_LARGEFILE 0600
 *     K openat(path3, O_RDONLY, 0777) -> O_RDONLY|O_LARGEFILE 0000
 *   -t (syscall tracepoints; open_how read from user memory with the same
 *   relocated offsets): the values as passed.
 *     N openat2 -> O_WRONLY|O_CREAT|O_CLOEXEC 0640, M openat ->
 *     O_RDWR|O_CREAT|O_APPEND 0600, K openat -> O_RDONLY 0777
 *
 * Every run must exit 0 after SIGINT.  On a kernel without kprobes (the
 * host, where tests/samples/opensnoop_core.t covers the tracepoints) the
 * whole test is skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "tap.h"

#define N_OPENAT2	5
#define M_OPENAT	4
#define K_NOCREAT	3
#define ATTACH_MS	60000	/* TCG is slow: loading may take seconds */
#define DRAIN_MS	500	/* let records reach the sample before SIGINT */

static char dir[PATH_MAX];	/* where the sample is: beside this test */
static pid_t self;

/* ---- running the sample ------------------------------------------------------- */

struct proc {
	pid_t pid;
	int fd;			/* its stdout and stderr */
	char *out;
	size_t len, cap;
	bool eof;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Start dir/opensnoop_core with arg (may be NULL). */
static bool start(struct proc *p, const char *arg)
{
	char path[PATH_MAX + 32];
	int pfd[2];

	memset(p, 0, sizeof(*p));
	p->fd = -1;
	snprintf(path, sizeof(path), "%s/opensnoop_core", dir);
	if (pipe(pfd))
		return false;
	p->pid = fork();
	if (p->pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return false;
	}
	if (!p->pid) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
		execl(path, path, arg, (char *)NULL);
		fprintf(stderr, "exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	p->fd = pfd[0];
	fcntl(p->fd, F_SETFL, O_NONBLOCK);
	return true;
}

/* Read what the sample printed, waiting up to ms for more. */
static void pump(struct proc *p, int ms)
{
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	char buf[4096];
	ssize_t n;

	if (p->eof || poll(&pfd, 1, ms) <= 0)
		return;
	while ((n = read(p->fd, buf, sizeof(buf))) > 0) {
		if (p->len + (size_t)n + 1 > p->cap) {
			size_t cap = (p->cap ? p->cap * 2 : 8192) + (size_t)n;
			char *o = realloc(p->out, cap);

			if (!o)
				tap_bail("out of memory");
			p->out = o;
			p->cap = cap;
		}
		memcpy(p->out + p->len, buf, (size_t)n);
		p->len += (size_t)n;
		p->out[p->len] = '\0';
	}
	if (n == 0)
		p->eof = true;
}

/* Until the output contains needle (true), the sample ends or ms pass. */
static bool wait_for(struct proc *p, const char *needle, int ms)
{
	double end = now_ms() + ms;

	while (!(p->out && strstr(p->out, needle))) {
		if (p->eof || now_ms() > end)
			return false;
		pump(p, 100);
	}
	return true;
}

/* SIGINT, read to the end, reap: the exit status, or -1 if it had to be
 * killed or died of a signal. */
static int finish(struct proc *p)
{
	double end = now_ms() + 30000;
	int status = 0;

	kill(p->pid, SIGINT);
	while (!p->eof && now_ms() < end)
		pump(p, 100);
	if (!p->eof)
		kill(p->pid, SIGKILL);
	close(p->fd);
	if (waitpid(p->pid, &status, 0) < 0)
		return -1;
	if (!p->eof || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void show_output(const struct proc *p)
{
	const char *s = p->out ? p->out : "";
	size_t lines = 0;

	tap_diag("opensnoop_core printed:");
	while (*s && lines++ < 40) {
		const char *nl = strchr(s, '\n');
		int len = nl ? (int)(nl - s) : (int)strlen(s);

		tap_diag("  | %.*s", len, s);
		s += len + (nl ? 1 : 0);
	}
}

/*
 * Lines "TIME COMM PID FLAGS MODE FILE" with PID this process and FILE
 * path; *exact counts those whose FLAGS and MODE are flags and mode too.
 */
static int count_opens(const struct proc *p, const char *path, const char *flags,
		       const char *mode, int *exact)
{
	const char *s = p->out ? p->out : "";
	int n = 0;

	*exact = 0;
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		char *line = strndup(s, len), *tok[6], *save = NULL;
		int nt = 0;

		for (char *t = line ? strtok_r(line, " ", &save) : NULL; t && nt < 6;
		     t = strtok_r(NULL, " ", &save))
			tok[nt++] = t;
		if (nt == 6 && atoi(tok[2]) == (int)self && !strcmp(tok[5], path)) {
			n++;
			if (!strcmp(tok[3], flags) && !strcmp(tok[4], mode))
				(*exact)++;
		}
		free(line);
		s += len + (nl ? 1 : 0);
	}
	return n;
}

/* ---- the system calls ---------------------------------------------------------- */

static void do_openat2(const char *path, __u64 flags, __u64 mode, int times)
{
	for (int i = 0; i < times; i++) {
		struct open_how how = { .flags = flags, .mode = mode };
		long fd = syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));

		if (fd < 0)
			tap_diag("openat2 %s: %s", path, strerror(errno));
		else
			close((int)fd);
	}
}

static void do_openat(const char *path, int flags, mode_t mode, int times)
{
	for (int i = 0; i < times; i++) {
		long fd = syscall(SYS_openat, AT_FDCWD, path, flags, mode);

		if (fd < 0)
			tap_diag("openat %s: %s", path, strerror(errno));
		else
			close((int)fd);
	}
}

/* ---- one run ------------------------------------------------------------------- */

struct want {
	const char *label;
	const char *arg;		/* opensnoop_core option, or NULL */
	const char *banner;		/* the line that says how it traces */
	const char *flags2, *mode2;	/* openat2 with O_CREAT */
	const char *flags1, *mode1;	/* openat with O_CREAT */
	const char *flags3, *mode3;	/* openat without O_CREAT, mode 0777 */
};

static void run(const struct want *w)
{
	char path1[96], path2[96], path3[96];
	int rc, n, exact, fd;
	struct proc p;

	snprintf(path1, sizeof(path1), "/tmp/bl-core-openat-%d", (int)self);
	snprintf(path2, sizeof(path2), "/tmp/bl-core-openat2-%d", (int)self);
	snprintf(path3, sizeof(path3), "/tmp/bl-core-nocreat-%d", (int)self);
	fd = open(path3, O_CREAT | O_WRONLY, 0600);
	if (fd >= 0)
		close(fd);
	if (!ok(start(&p, w->arg), "%s: started", w->label))
		return;
	if (!ok(wait_for(&p, "TIME(s)", ATTACH_MS), "%s: attached (header printed)", w->label)) {
		finish(&p);
		show_output(&p);
		goto out;
	}
	if (!ok(strstr(p.out, w->banner) != NULL, "%s: %s", w->label, w->banner))
		show_output(&p);
	do_openat2(path2, O_WRONLY | O_CREAT | O_CLOEXEC, 0640, N_OPENAT2);
	do_openat(path1, O_RDWR | O_CREAT | O_APPEND, 0600, M_OPENAT);
	do_openat(path3, O_RDONLY, 0777, K_NOCREAT);
	sleep_ms(DRAIN_MS);
	rc = finish(&p);
	is_int(rc, 0, "%s: exits 0 on SIGINT", w->label);

	n = count_opens(&p, path2, w->flags2, w->mode2, &exact);
	is_int(n, N_OPENAT2, "%s: %d openat2 calls -> %d lines of pid %d", w->label, N_OPENAT2,
	       N_OPENAT2, (int)self);
	if (!is_int(exact, N_OPENAT2, "%s: ... each with open_how flags %s, mode %s", w->label,
		    w->flags2, w->mode2))
		show_output(&p);
	n = count_opens(&p, path1, w->flags1, w->mode1, &exact);
	is_int(n, M_OPENAT, "%s: %d openat calls -> %d lines", w->label, M_OPENAT, M_OPENAT);
	if (!is_int(exact, M_OPENAT, "%s: ... each with flags %s, mode %s", w->label, w->flags1,
		    w->mode1))
		show_output(&p);
	n = count_opens(&p, path3, w->flags3, w->mode3, &exact);
	is_int(n, K_NOCREAT, "%s: %d openat calls without O_CREAT -> %d lines", w->label,
	       K_NOCREAT, K_NOCREAT);
	if (!is_int(exact, K_NOCREAT, "%s: ... each with flags %s, mode %s", w->label, w->flags3,
		    w->mode3))
		show_output(&p);
out:
	free(p.out);
	unlink(path1);
	unlink(path2);
	unlink(path3);
}

/* ---- main ------------------------------------------------------------------------ */

static bool have_kprobes(void)
{
	return !access("/sys/bus/event_source/devices/kprobe/type", R_OK) ||
	       !access("/sys/kernel/tracing/kprobe_events", F_OK) ||
	       !access("/sys/kernel/debug/tracing/kprobe_events", F_OK);
}

int main(void)
{
	static const struct want kprobe = {
		.label = "kprobe",
		.banner = "Tracing do_sys_openat2() with a kprobe",
		.flags2 = "O_WRONLY|O_CREAT|O_LARGEFILE|O_CLOEXEC", .mode2 = "0640",
		.flags1 = "O_RDWR|O_CREAT|O_APPEND|O_LARGEFILE", .mode1 = "0600",
		.flags3 = "O_RDONLY|O_LARGEFILE", .mode3 = "0000",
	};
	static const struct want tracepoints = {
		.label = "-t (tracepoints)", .arg = "-t",
		.banner = "Tracing the open syscall tracepoints",
		.flags2 = "O_WRONLY|O_CREAT|O_CLOEXEC", .mode2 = "0640",
		.flags1 = "O_RDWR|O_CREAT|O_APPEND", .mode1 = "0600",
		.flags3 = "O_RDONLY", .mode3 = "0777",
	};
	ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	char obj[PATH_MAX + 32], *slash;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getuid() != 0)
		tap_skip_all("needs root");
	if (!have_kprobes())
		tap_skip_all("this kernel has no kprobes (the VM guests have them: make vmtest;"
			     " tests/samples/opensnoop_core.t covers the tracepoints here)");
	if (n <= 0)
		tap_bail("cannot read /proc/self/exe");
	dir[n] = '\0';
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	snprintf(obj, sizeof(obj), "%s/opensnoop_core_kern.o", dir);
	if (access(obj, R_OK))
		tap_skip_all("opensnoop_core and its object are not beside this test in %s"
			     " (vm.t ships them)", dir);
	self = getpid();
	signal(SIGPIPE, SIG_IGN);

	run(&kprobe);
	run(&tracepoints);
	return tap_done();
}
