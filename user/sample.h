/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sample.h - what every sample's user side does the same way.
 *
 * Each sample is a pair: kern/NAME_kern.c (the BPF program, compiled to
 * NAME_kern.o next to the binary) and user/NAME_user.c (this side: load
 * the object, attach it, read its maps or event stream, print).  The
 * steps that are identical everywhere live here, as static functions,
 * so that each NAME_user.c shows only what is particular to it.
 */
#ifndef BPFLOAD_SAMPLE_H
#define BPFLOAD_SAMPLE_H

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/attach.h>

/* Set by SIGINT/SIGTERM: the main loop stops, the object is closed, and
 * closing it detaches every program. */
static volatile sig_atomic_t sample_stop;

static void sample_on_signal(int sig)
{
	(void)sig;
	sample_stop = 1;
}

static inline void sample_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sample_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static inline void __attribute__((noreturn, format(printf, 1, 2))) sample_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* The common options: -d/--duration SECONDS, -i/--interval SECONDS. */
struct sample_opts {
	double duration;	/* 0: until Ctrl-C */
	double interval;	/* for samples that print periodically */
};

/* Parse the common options.  usage is printed for -h and on errors.
 * extra_short/extra_long/extra_fn handle a sample's own options (may be
 * NULL); extra_fn returns 0 when it took the option. */
static inline int sample_parse(int argc, char **argv, const char *usage, struct sample_opts *o,
			       const char *extra_short, const struct option *extra_long,
			       int (*extra_fn)(int opt, const char *arg))
{
	static const struct option common[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "duration", required_argument, NULL, 'd' },
		{ "interval", required_argument, NULL, 'i' },
	};
	struct option longs[32];
	char shorts[64];
	size_t n = 0;
	int c;

	memcpy(longs, common, sizeof(common));
	n = sizeof(common) / sizeof(common[0]);
	for (size_t i = 0; extra_long && extra_long[i].name && n < 31; i++)
		longs[n++] = extra_long[i];
	memset(&longs[n], 0, sizeof(longs[n]));
	snprintf(shorts, sizeof(shorts), "hd:i:%s", extra_short ? extra_short : "");
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'h':
			printf("%s", usage);
			exit(0);
		case 'd':
		case 'i':
			errno = 0;
			*(c == 'd' ? &o->duration : &o->interval) = strtod(optarg, &end);
			if (errno || *end || (c == 'd' ? o->duration : o->interval) < 0)
				sample_die("%s: -%c wants a number of seconds, not '%s'",
					   argv[0], c, optarg);
			break;
		default:
			if (extra_fn && c != '?' && !extra_fn(c, optarg))
				break;
			fprintf(stderr, "%s", usage);
			exit(2);
		}
	}
	return optind;
}

/* NAME_kern.o beside the binary (the samples/bpf convention). */
static inline void sample_object_path(const char *argv0, char *buf, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		snprintf(buf, len, "%s_kern.o", self);
	} else {
		snprintf(buf, len, "%s_kern.o", argv0);
	}
}

/* Open and load NAME_kern.o; on failure print why and exit.  prepare, if
 * given, runs between open and load (to set .rodata values etc.). */
static inline struct bl_object *sample_load(const char *argv0,
					    void (*prepare)(struct bl_object *obj))
{
	char path[PATH_MAX + 16];
	struct bl_error err;
	struct bl_object *obj;

	sample_object_path(argv0, path, sizeof(path));
	obj = bl_object_open(path, NULL, &err);
	if (!obj)
		sample_die("%s", err.msg);
	if (prepare)
		prepare(obj);
	if (bl_object_load(obj, NULL))
		sample_die("%s", bl_object_error(obj));
	return obj;
}

/* Attach every program from its section name, or exit with the reason. */
static inline void sample_attach_all(struct bl_object *obj)
{
	struct bl_error err;

	if (bl_object_attach_all(obj, &err) < 0)
		sample_die("%s", err.msg);
}

static inline struct bl_map *sample_map(struct bl_object *obj, const char *name)
{
	struct bl_map *m = bl_object_find_map(obj, name);

	if (!m)
		sample_die("map '%s' is missing from %s", name, bl_object_name(obj));
	return m;
}

static inline double sample_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sleep up to seconds, waking early on a signal; false once it is time
 * to stop (signal, or the duration since start is over). */
static inline int sample_wait(double seconds, double start, double duration)
{
	double until = sample_now() + seconds;

	if (duration > 0 && start + duration < until)
		until = start + duration;
	while (!sample_stop) {
		double left = until - sample_now();
		struct timespec ts;

		if (left <= 0)
			break;
		if (left > 0.1)
			left = 0.1;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(left * 1e9);
		nanosleep(&ts, NULL);
	}
	return !sample_stop && !(duration > 0 && sample_now() >= start + duration);
}

#endif /* BPFLOAD_SAMPLE_H */
