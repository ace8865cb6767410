/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tap.h - Test Anything Protocol output for bpfload's C tests.
 *
 * Each test program prints "ok N - name" / "not ok N - name" lines and
 * the plan "1..N" at the end (tap_done()), so prove(1) can run it.
 * A test whose kernel feature is missing calls tap_skip() with the
 * reason, or tap_skip_all() before any test, kselftest style.
 */
#ifndef BPFLOAD_TESTS_TAP_H
#define BPFLOAD_TESTS_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_count;
static int tap_failed;
static int tap_last_pass = 1;	/* diagnostics after a failure go to stderr too */

static inline void tap_vline(int pass, const char *directive, const char *fmt, va_list ap)
{
	va_list copy;

	tap_count++;
	tap_last_pass = pass || directive;
	if (!pass && !directive)
		tap_failed++;
	va_copy(copy, ap);
	printf("%sok %d - ", pass ? "" : "not ", tap_count);
	vprintf(fmt, ap);
	if (directive)
		printf(" # %s", directive);
	printf("\n");
	fflush(stdout);
	/* prove shows stderr without -v: a CI log then says what failed */
	if (!tap_last_pass) {
		fprintf(stderr, "#   Failed test %d - ", tap_count);
		vfprintf(stderr, fmt, copy);
		fputc('\n', stderr);
	}
	va_end(copy);
}

/* ok(cond, "name %d", ...): the basic assertion.  Returns cond. */
static inline int __attribute__((format(printf, 2, 3))) ok(int cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vline(!!cond, NULL, fmt, ap);
	va_end(ap);
	return !!cond;
}

/* A diagnostic line: prove shows it with -v and for failures. */
static inline void __attribute__((format(printf, 1, 2))) tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!tap_last_pass) {
		fprintf(stderr, "# ");
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
}

#define is_int(got, want, ...)						\
	({								\
		long long __g = (long long)(got), __w = (long long)(want); \
		int __r = ok(__g == __w, __VA_ARGS__);			\
		if (!__r)						\
			tap_diag("  got %lld, expected %lld (%s)", __g, __w, #got); \
		__r;							\
	})

#define is_str(got, want, ...)						\
	({								\
		const char *__g = (got), *__w = (want);			\
		int __r = ok(__g && __w && !strcmp(__g, __w), __VA_ARGS__); \
		if (!__r)						\
			tap_diag("  got \"%s\", expected \"%s\"",	\
				 __g ? __g : "(null)", __w ? __w : "(null)"); \
		__r;							\
	})

/* Passes when haystack contains needle; shows both otherwise. */
#define like(haystack, needle, ...)					\
	({								\
		const char *__h = (haystack), *__n = (needle);		\
		int __r = ok(__h && __n && strstr(__h, __n), __VA_ARGS__); \
		if (!__r)						\
			tap_diag("  \"%s\" does not contain \"%s\"",	\
				 __h ? __h : "(null)", __n ? __n : "(null)"); \
		__r;							\
	})

/* One skipped test, with the reason (e.g. the missing kernel option). */
static inline void __attribute__((format(printf, 2, 3))) tap_skip(const char *name, const char *why, ...)
{
	va_list ap;
	char reason[512];

	va_start(ap, why);
	vsnprintf(reason, sizeof(reason), why, ap);
	va_end(ap);
	tap_count++;
	printf("ok %d - %s # SKIP %s\n", tap_count, name, reason);
	fflush(stdout);
}

/* The whole program is skipped: call before any test. */
static inline void __attribute__((noreturn, format(printf, 1, 2))) tap_skip_all(const char *why, ...)
{
	va_list ap;

	printf("1..0 # SKIP ");
	va_start(ap, why);
	vprintf(why, ap);
	va_end(ap);
	printf("\n");
	exit(0);
}

/* Stop the program on a failure the rest cannot survive. */
static inline void __attribute__((noreturn, format(printf, 1, 2))) tap_bail(const char *fmt, ...)
{
	va_list ap;

	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(1);
}

/* Print the plan; the program's exit status is the failure count. */
static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

#endif /* BPFLOAD_TESTS_TAP_H */
