// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_samples_kprobe.c - the kprobe samples, run as a user runs them, inside
 * the VM guests (the development host has no kprobes).
 *
 * The guest has the static sample programs and their NAME_kern.o objects
 * in /t beside this test (tests/vm/vm.t ships them as data).  Each check
 * starts a sample with fork/exec, reads its output through a pipe, waits
 * for the line that says it is attached, triggers what it traces from
 * this process, stops it with SIGINT (the way Ctrl-C does) and counts the
 * lines that name this process:
 *
 *   hello --kprobe      N fork()s (the clone syscall) -> N "Hello, World!"
 *                       lines with our pid (kprobe on __x64_sys_clone)
 *   sync --kprobe       N sync() calls -> N lines with our pid
 *   memcpy_kprobe       K socket reads of 300 bytes -> K "size 300" lines,
 *                       when the kernel refuses memcpy and the sample falls
 *                       back to skb_copy_datagram_iter (it says which)
 *   memcpy_stat         the same reads counted in the " 257 -  320" row
 *                       (and in "256 -> 511" with --log2); the table has
 *                       the learn-bpf layout
 *   opensnoop           N opens of a path made for the test -> exactly N
 *                       lines with that path, our comm and pid
 *   execsnoop           an exec with known arguments -> its line (the
 *                       bounded argv loop passes every kernel's verifier)
 *
 * Every sample must exit 0 after SIGINT.  On a kernel without kprobes
 * (the host) the whole test is skipped.
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "testutil.h"

#define N_CALLS		5	/* forks, syncs, opens */
#define K_READS		10	/* socket reads of READ_SIZE bytes */
#define READ_SIZE	300
#define ATTACH_MS	60000	/* TCG is slow: loading may take seconds */
#define DRAIN_MS	500	/* let records reach the sample before SIGINT */

static char dir[PATH_MAX];	/* where the samples are: beside this test */
static pid_t self;

/* ---- their output ------------------------------------------------------- */

/* Lines of the output containing every one of the (up to 3) needles. */
static int count_lines(const struct tu_proc *p, const char *a, const char *b, const char *c)
{
	const char *s = p->out ? p->out : "";
	int n = 0;

	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		char *line = strndup(s, len);

		if (line && (!a || strstr(line, a)) && (!b || strstr(line, b)) &&
		    (!c || strstr(line, c)))
			n++;
		free(line);
		s += len + (nl ? 1 : 0);
	}
	return n;
}

/* Sum of the numbers that end the lines starting with prefix. */
static unsigned long long sum_rows(const struct tu_proc *p, const char *prefix, int field)
{
	const char *s = p->out ? p->out : "";
	unsigned long long sum = 0;
	size_t plen = strlen(prefix);

	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);

		if (len > plen && !strncmp(s, prefix, plen)) {
			char *line = strndup(s, len), *tok, *save = NULL;
			int f = 0;

			for (tok = line ? strtok_r(line + plen, " :|", &save) : NULL; tok;
			     tok = strtok_r(NULL, " :|", &save))
				if (++f == field)
					sum += strtoull(tok, NULL, 10);
			free(line);
		}
		s += len + (nl ? 1 : 0);
	}
	return sum;
}

/* Sum of the numbers after the ':' of the lines containing needle (the
 * rows of the --log2 histogram). */
static unsigned long long sum_colon(const struct tu_proc *p, const char *needle)
{
	const char *s = p->out ? p->out : "";
	unsigned long long sum = 0;

	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		char *line = strndup(s, len), *colon;

		if (line && strstr(line, needle) && (colon = strchr(line, ':')))
			sum += strtoull(colon + 1, NULL, 10);
		free(line);
		s += len + (nl ? 1 : 0);
	}
	return sum;
}

/* ---- triggers ------------------------------------------------------------------ */

/* k reads of READ_SIZE bytes from a unix stream socket: each is one call
 * of skb_copy_datagram_iter() with that size. */
static void socket_reads(int k)
{
	char buf[READ_SIZE];
	int sv[2];

	memset(buf, 'x', sizeof(buf));
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return;
	for (int i = 0; i < k; i++) {
		if (write(sv[0], buf, sizeof(buf)) != (ssize_t)sizeof(buf) ||
		    read(sv[1], buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			break;
	}
	close(sv[0]);
	close(sv[1]);
}

/* ---- the samples --------------------------------------------------------------- */

static void test_hello(void)
{
	const char *args[] = { "--kprobe", NULL };
	char me[32];
	struct tu_proc p;
	int rc;

	snprintf(me, sizeof(me), "-%d ", (int)self);
	if (!ok(tu_proc_start(&p, dir, "hello", args), "hello: started"))
		return;
	if (!ok(tu_proc_wait_for(&p, "Tracing clone() with kprobe", ATTACH_MS),
		"hello --kprobe: attached a kprobe")) {
		tu_proc_finish(&p);
		tu_proc_show(&p);
		return;
	}
	for (int i = 0; i < N_CALLS; i++) {
		pid_t c = fork();

		if (c == 0)
			_exit(0);
		if (c > 0)
			waitpid(c, NULL, 0);
	}
	tu_sleep_ms(DRAIN_MS);
	rc = tu_proc_finish(&p);
	is_int(rc, 0, "hello: exits 0 on SIGINT");
	if (!is_int(count_lines(&p, me, "Hello, World!", NULL), N_CALLS,
		    "hello: %d fork()s -> %d Hello, World! lines of pid %d", N_CALLS, N_CALLS,
		    (int)self))
		tu_proc_show(&p);
	free(p.out);
}

static void test_sync(void)
{
	const char *args[] = { "--kprobe", NULL };
	char me[32];
	struct tu_proc p;
	int rc;

	snprintf(me, sizeof(me), "-%d ", (int)self);
	if (!ok(tu_proc_start(&p, dir, "sync", args), "sync: started"))
		return;
	if (!ok(tu_proc_wait_for(&p, "Tracing sys_sync() with kprobe", ATTACH_MS),
		"sync --kprobe: attached a kprobe")) {
		tu_proc_finish(&p);
		tu_proc_show(&p);
		return;
	}
	for (int i = 0; i < N_CALLS; i++)
		sync();
	tu_sleep_ms(DRAIN_MS);
	rc = tu_proc_finish(&p);
	is_int(rc, 0, "sync: exits 0 on SIGINT");
	if (!is_int(count_lines(&p, me, "sys_sync() called", NULL), N_CALLS,
		    "sync: %d sync() calls -> %d lines of pid %d", N_CALLS, N_CALLS, (int)self))
		tu_proc_show(&p);
	free(p.out);
}

static void test_memcpy_kprobe(void)
{
	char me[32], want[64];
	struct tu_proc p;
	bool fallback;
	int rc, n;

	snprintf(me, sizeof(me), "-%d ", (int)self);
	if (!ok(tu_proc_start(&p, dir, "memcpy_kprobe", NULL), "memcpy_kprobe: started"))
		return;
	if (!ok(tu_proc_wait_for(&p, "Tracing kprobe", ATTACH_MS), "memcpy_kprobe: attached a kprobe")) {
		tu_proc_finish(&p);
		tu_proc_show(&p);
		return;
	}
	fallback = strstr(p.out, "Probing skb_copy_datagram_iter") != NULL;
	socket_reads(K_READS);
	tu_sleep_ms(DRAIN_MS);
	rc = tu_proc_finish(&p);
	is_int(rc, 0, "memcpy_kprobe: exits 0 on SIGINT");
	if (fallback) {
		tap_diag("memcpy cannot be probed here: the sample uses skb_copy_datagram_iter");
		snprintf(want, sizeof(want), "skb_copy_datagram_iter size %d", READ_SIZE);
		n = count_lines(&p, me, want, NULL);
		if (!is_int(n, K_READS, "memcpy_kprobe: %d socket reads -> %d '%s' lines",
			    K_READS, K_READS, want))
			tu_proc_show(&p);
	} else {
		n = count_lines(&p, "memcpy size", NULL, NULL);
		if (!ok(n > 0, "memcpy_kprobe: memcpy size lines (%d)", n))
			tu_proc_show(&p);
	}
	free(p.out);
}

static void test_memcpy_stat(bool log2)
{
	const char *args[] = { "-i", "1", log2 ? "--log2" : NULL, NULL };
	const char *mode = log2 ? "memcpy_stat --log2" : "memcpy_stat";
	unsigned long long n, total;
	struct tu_proc p;
	bool fallback;
	int rc;

	if (!ok(tu_proc_start(&p, dir, "memcpy_stat", args), "%s: started", mode))
		return;
	if (!ok(tu_proc_wait_for(&p, "Counting sizes with kprobe", ATTACH_MS),
		"%s: attached a kprobe", mode)) {
		tu_proc_finish(&p);
		tu_proc_show(&p);
		return;
	}
	fallback = strstr(p.out, "Counting skb_copy_datagram_iter") != NULL;
	socket_reads(K_READS);
	tu_sleep_ms(1500);		/* at least one full interval */
	rc = tu_proc_finish(&p);
	is_int(rc, 0, "%s: exits 0 on SIGINT", mode);
	if (log2) {
		total = sum_colon(&p, "|");	/* "lo -> hi : count |***|" */
		n = sum_colon(&p, "       256 -> 511 ");
		ok(count_lines(&p, "size", "count", "distribution") >= 1,
		   "%s: prints the histogram header", mode);
	} else {
		total = sum_rows(&p, "   0 ", 1);
		for (int k = 1; k <= 16; k++) {
			char row[16];

			snprintf(row, sizeof(row), "%4d - %4d%s", 64 * k - 63, 64 * k,
				 k == 16 ? "*" : "");
			total += sum_rows(&p, row, 1);
		}
		n = sum_rows(&p, " 257 -  320 ", 1);
		ok(count_lines(&p, "        Size            Count", NULL, NULL) >= 1 &&
		   count_lines(&p, "* Size > 1024 have been counted in this interval", NULL,
			       NULL) >= 1 &&
		   count_lines(&p, " 961 - 1024*", NULL, NULL) >= 1,
		   "%s: the learn-bpf table (header, 961 - 1024* row, footnote)", mode);
	}
	if (!ok(total > 0, "%s: non-zero counts after copies (%llu)", mode, total))
		tu_proc_show(&p);
	if (fallback && !ok(n >= K_READS, "%s: %d reads of %d bytes counted in their row (%llu)",
			    mode, K_READS, READ_SIZE, n))
		tu_proc_show(&p);
	free(p.out);
}

static void test_opensnoop(void)
{
	char path[96], comm[32];
	struct tu_proc p;
	int rc, fd;

	snprintf(path, sizeof(path), "/tmp/bpfload-opensnoop-%d-%ld", (int)self, (long)time(NULL));
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	if (fd >= 0)
		close(fd);
	if (!ok(tu_proc_start(&p, dir, "opensnoop", NULL), "opensnoop: started"))
		return;
	if (!ok(tu_proc_wait_for(&p, "TIME(s)", ATTACH_MS), "opensnoop: attached (header printed)")) {
		tu_proc_finish(&p);
		tu_proc_show(&p);
		unlink(path);
		return;
	}
	for (int i = 0; i < N_CALLS; i++) {
		fd = open(path, O_RDONLY);
		if (fd >= 0)
			close(fd);
	}
	tu_sleep_ms(DRAIN_MS);
	rc = tu_proc_finish(&p);
	unlink(path);
	is_int(rc, 0, "opensnoop: exits 0 on SIGINT");
	if (!is_int(count_lines(&p, path, NULL, NULL), N_CALLS,
		    "opensnoop: %d opens of %s -> %d lines", N_CALLS, path, N_CALLS))
		tu_proc_show(&p);
	snprintf(comm, sizeof(comm), " %d ", (int)self);
	is_int(count_lines(&p, path, "t_samples_kprob", comm), N_CALLS,
	       "opensnoop: ... with our COMM and PID");
}

static void test_execsnoop(void)
{
	char tag[64];
	struct tu_proc p;
	pid_t c;
	int rc;

	snprintf(tag, sizeof(tag), "bl-exec-%d", (int)self);
	if (!ok(tu_proc_start(&p, dir, "execsnoop", NULL), "execsnoop: started"))
		return;
	if (!ok(tu_proc_wait_for(&p, "TIME(s)", ATTACH_MS), "execsnoop: attached (header printed)")) {
		tu_proc_finish(&p);
		tu_proc_show(&p);
		return;
	}
	c = fork();
	if (c == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execl("/bin/echo", "echo", tag, "two words", "x", (char *)NULL);
		_exit(127);
	}
	if (c > 0)
		waitpid(c, NULL, 0);
	tu_sleep_ms(DRAIN_MS);
	rc = tu_proc_finish(&p);
	is_int(rc, 0, "execsnoop: exits 0 on SIGINT");
	if (!is_int(count_lines(&p, "/bin/echo", tag, "'two words' x"), 1,
		    "execsnoop: the exec of /bin/echo with its arguments"))
		tu_proc_show(&p);
	free(p.out);
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
	ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	char *slash;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getuid() != 0)
		tap_skip_all("needs root");
	if (!have_kprobes())
		tap_skip_all("this kernel has no kprobes (the VM guests have them: make vmtest)");
	if (n <= 0)
		tap_bail("cannot read /proc/self/exe");
	dir[n] = '\0';
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	if (access("hello", X_OK) && chdir(dir))
		tap_bail("cannot enter %s", dir);
	{
		char obj[PATH_MAX + 32];

		snprintf(obj, sizeof(obj), "%s/hello_kern.o", dir);
		if (access(obj, R_OK))
			tap_skip_all("the samples are not beside this test in %s (vm.t ships them)",
				     dir);
	}
	self = getpid();
	signal(SIGPIPE, SIG_IGN);

	test_hello();
	test_sync();
	test_memcpy_kprobe();
	test_memcpy_stat(false);
	test_memcpy_stat(true);
	test_opensnoop();
	test_execsnoop();
	return tap_done();
}
