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
#include <bpfload/events.h>

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

/* The argument of -p PID: a process id (1 to INT_MAX), or exit saying
 * that it is not one; name starts the message. */
static inline __u32 sample_pid(const char *name, const char *arg)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || *end || !v || v > INT_MAX)
		sample_die("%s: -p wants a process id, not '%s'", name, arg);
	return (__u32)v;
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
	if (bl_object_btf_warning(obj))
		fprintf(stderr, "warning: %s\n", bl_object_btf_warning(obj));
	return obj;
}

/* Attach every program from its section name, or exit with the reason. */
static inline void sample_attach_all(struct bl_object *obj)
{
	struct bl_error err;

	if (bl_object_attach_all(obj, &err) < 0)
		sample_die("%s", err.msg);
}

/* Before load (from a prepare function): load only the program named
 * keep, for objects that hold alternatives (a kprobe and a tracepoint). */
static inline void sample_autoload_only(struct bl_object *obj, const char *keep)
{
	for (size_t i = 0; i < bl_object_program_count(obj); i++) {
		struct bl_program *p = bl_object_program(obj, i);

		bl_program_set_autoload(p, !strcmp(bl_program_name(p), keep));
	}
}

static inline struct bl_map *sample_map(struct bl_object *obj, const char *name)
{
	struct bl_map *m = bl_object_find_map(obj, name);

	if (!m)
		sample_die("map '%s' is missing from %s", name, bl_object_name(obj));
	return m;
}

/* A reader of the ring buffer map events of obj, calling fn for each
 * record; exits saying why (name first) if it cannot be made. */
static inline struct bl_ringbuf *sample_ringbuf(const char *name, struct bl_object *obj,
						bl_ringbuf_fn fn)
{
	struct bl_ringbuf *rb;
	struct bl_error err;

	rb = bl_ringbuf_new(NULL, &err);
	if (!rb || bl_ringbuf_add(rb, bl_map_fd(sample_map(obj, "events")), fn, NULL, &err) < 0)
		sample_die("%s: %s", name, err.msg);
	return rb;
}

/* Print rb's records until Ctrl-C or the end of duration (seconds, when
 * more than 0); then detach obj's programs, print the records still in
 * the ring and free rb. */
static inline void sample_ringbuf_run(struct bl_ringbuf *rb, struct bl_object *obj,
				      double duration)
{
	bl_ringbuf_run(rb, duration > 0 ? (int)(duration * 1000) : -1, &sample_stop);
	bl_object_detach_all(obj);
	bl_ringbuf_consume(rb);
	bl_ringbuf_free(rb);
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

/* The name of IP protocol p ("TCP"), or "proto P" written into buf. */
static inline const char *sample_proto_name(unsigned int p, char *buf, size_t len)
{
	switch (p) {
	case 0:   return "HOPOPT";	/* IPv6 hop-by-hop options (MLD) */
	case 1:   return "ICMP";
	case 2:   return "IGMP";
	case 6:   return "TCP";
	case 17:  return "UDP";
	case 41:  return "IPv6-in-IP";
	case 47:  return "GRE";
	case 50:  return "ESP";
	case 58:  return "ICMPv6";
	case 132: return "SCTP";
	}
	snprintf(buf, len, "proto %u", p);
	return buf;
}

#endif /* BPFLOAD_SAMPLE_H */
