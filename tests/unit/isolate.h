/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * isolate.h - run one check of a unit test in a child process.
 *
 * Some inputs once made the object model misbehave in ways a sanitizer
 * reports by ending the process (undefined behaviour with
 * -fno-sanitize-recover, a leak found by LeakSanitizer at exit).  Their
 * regression checks run in a child, so that a report costs that check,
 * not the whole test program.
 */
#ifndef BPFLOAD_TESTS_UNIT_ISOLATE_H
#define BPFLOAD_TESTS_UNIT_ISOLATE_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

/*
 * Run fn(arg) in a child with its stderr captured.  Returns 0 when the
 * child returned 0 from fn, exited 0 (LeakSanitizer runs at exit) and
 * printed no sanitizer report; else -1 and the first line of the report
 * (or the reason) in why.
 */
static inline int run_isolated(int (*fn)(void *), void *arg, char *why, size_t len)
{
	char buf[16384];
	char *line;
	size_t got = 0;
	int pfd[2], status = 0;
	pid_t pid;
	ssize_t n;

	fflush(stdout);
	fflush(stderr);
	if (pipe(pfd))
		tap_bail("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (pid == 0) {
		close(pfd[0]);
		dup2(pfd[1], 2);
		close(pfd[1]);
		if (!freopen("/dev/null", "w", stdout))
			_exit(99);
		exit(fn(arg) ? 1 : 0);
	}
	close(pfd[1]);
	for (;;) {
		n = read(pfd[0], buf + got, sizeof(buf) - 1 - got);
		if (n <= 0)
			break;
		got += n;
		if (got == sizeof(buf) - 1) {
			char sink[4096];

			while (read(pfd[0], sink, sizeof(sink)) > 0)
				;
			break;
		}
	}
	close(pfd[0]);
	buf[got] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && !strstr(buf, "runtime error") &&
	    !strstr(buf, "Sanitizer")) {
		snprintf(why, len, "clean");
		return 0;
	}
	line = strstr(buf, "runtime error");
	if (!line)
		line = strstr(buf, "ERROR: ");
	if (!line)
		line = buf;
	if (*line)
		snprintf(why, len, "%.*s", (int)strcspn(line, "\n"), line);
	else if (WIFSIGNALED(status))
		snprintf(why, len, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(why, len, "exit status %d", WEXITSTATUS(status));
	return -1;
}

/* One TAP line: the check passes when run_isolated() finds it clean (a
 * sanitizer report fails only this line, not the whole test). */
static inline void ok_isolated(int (*fn)(void *), void *arg, const char *name)
{
	char why[512];
	int bad = run_isolated(fn, arg, why, sizeof(why));

	ok(bad == 0, "%s", name);
	if (bad)
		tap_diag("  %s", why);
}

#endif /* BPFLOAD_TESTS_UNIT_ISOLATE_H */
