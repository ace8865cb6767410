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
#include "testutil.h"

#define N_OPENAT2	5
#define M_OPENAT	4
#define K_NOCREAT	3
#define ATTACH_MS	60000	/* TCG is slow: loading may take seconds */
#define DRAIN_MS	500	/* let records reach the sample before SIGINT */

static char dir[PATH_MAX];	/* where the sample is: beside this test */
static pid_t self;

/* ---- its output ---------------------------------------------------------------- */

/*
 * Lines "TIME COMM PID FLAGS MODE FILE" with PID this process and FILE
 * path; *exact counts those whose FLAGS and MODE are flags and mode too.
 */
static int count_opens(const struct tu_proc *p, const char *path, const char *flags,
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
	const char *args[] = { w->arg, NULL };
	int rc, n, exact, fd;
	struct tu_proc p;

	snprintf(path1, sizeof(path1), "/tmp/bl-core-openat-%d", (int)self);
	snprintf(path2, sizeof(path2), "/tmp/bl-core-openat2-%d", (int)self);
	snprintf(path3, sizeof(path3), "/tmp/bl-core-nocreat-%d", (int)self);
	fd = open(path3, O_CREAT | O_WRONLY, 0600);
	if (fd >= 0)
		close(fd);
	if (!ok(tu_proc_start(&p, dir, "opensnoop_core", args), "%s: started", w->label))
		return;
	if (!ok(tu_proc_wait_for(&p, "TIME(s)", ATTACH_MS), "%s: attached (header printed)",
		w->label)) {
		tu_proc_finish(&p);
		tu_proc_show(&p);
		goto out;
	}
	if (!ok(strstr(p.out, w->banner) != NULL, "%s: %s", w->label, w->banner))
		tu_proc_show(&p);
	do_openat2(path2, O_WRONLY | O_CREAT | O_CLOEXEC, 0640, N_OPENAT2);
	do_openat(path1, O_RDWR | O_CREAT | O_APPEND, 0600, M_OPENAT);
	do_openat(path3, O_RDONLY, 0777, K_NOCREAT);
	tu_sleep_ms(DRAIN_MS);
	rc = tu_proc_finish(&p);
	is_int(rc, 0, "%s: exits 0 on SIGINT", w->label);

	n = count_opens(&p, path2, w->flags2, w->mode2, &exact);
	is_int(n, N_OPENAT2, "%s: %d openat2 calls -> %d lines of pid %d", w->label, N_OPENAT2,
	       N_OPENAT2, (int)self);
	if (!is_int(exact, N_OPENAT2, "%s: ... each with open_how flags %s, mode %s", w->label,
		    w->flags2, w->mode2))
		tu_proc_show(&p);
	n = count_opens(&p, path1, w->flags1, w->mode1, &exact);
	is_int(n, M_OPENAT, "%s: %d openat calls -> %d lines", w->label, M_OPENAT, M_OPENAT);
	if (!is_int(exact, M_OPENAT, "%s: ... each with flags %s, mode %s", w->label, w->flags1,
		    w->mode1))
		tu_proc_show(&p);
	n = count_opens(&p, path3, w->flags3, w->mode3, &exact);
	is_int(n, K_NOCREAT, "%s: %d openat calls without O_CREAT -> %d lines", w->label,
	       K_NOCREAT, K_NOCREAT);
	if (!is_int(exact, K_NOCREAT, "%s: ... each with flags %s, mode %s", w->label, w->flags3,
		    w->mode3))
		tu_proc_show(&p);
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
