// SPDX-License-Identifier: BSD-2-Clause
/*
 * task_info - print every exec with task_struct fields read by CO-RE.
 *
 *	task_info [-n COUNT] [-t SECONDS] [-p PPID] [-o OBJECT] [-b BTF]
 *
 * Loads task_info_kern.o (from the directory of this program unless -o
 * says otherwise), attaches it to the sched/sched_process_exec
 * tracepoint and prints one line per exec:
 *
 *	PID     TGID    PPID    UID   COMM             PARENT           STATE
 *	4242    4242    4100    0     ls               bash             0 (__state)
 *
 * The same object, compiled once, runs on 5.10 and 6.x kernels although
 * task_struct differs between them: bpfload relocates its field offsets
 * at load time from the kernel's BTF (/sys/kernel/btf/vmlinux, or the
 * file given with -b), and picks "state" or "__state" by flavour.
 *
 * -n COUNT	stop after COUNT execs		-t SECONDS  stop after that long
 * -p PPID	only children of PPID		-o OBJECT   the BPF object
 * -b BTF	relocate against this BTF file (raw or ELF vmlinux)
 *
 * A line "attached" on stdout says when execs start being seen.  Needs
 * root (or CAP_BPF + CAP_PERFMON) and tracefs.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/attach.h>
#include <bpfload/events.h>

#include "../kern/task_info.h"

struct options {
	long count;
	long seconds;
	__u32 ppid;
	const char *object;
	const char *btf;
};

static volatile sig_atomic_t stop;
static long printed;

static void on_signal(int sig)
{
	stop = sig;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: task_info [-n COUNT] [-t SECONDS] [-p PPID] [-o OBJECT] [-b BTF]\n");
}

static int parse_args(int argc, char **argv, struct options *o)
{
	int c;

	while ((c = getopt(argc, argv, "n:t:p:o:b:h")) != -1) {
		switch (c) {
		case 'n': o->count = strtol(optarg, NULL, 10); break;
		case 't': o->seconds = strtol(optarg, NULL, 10); break;
		case 'p': o->ppid = strtoul(optarg, NULL, 10); break;
		case 'o': o->object = optarg; break;
		case 'b': o->btf = optarg; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

/* task_info_kern.o next to this program (build/bin/). */
static const char *default_object(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return "task_info_kern.o";
	exe[n] = '\0';
	snprintf(buf, len, "%s/task_info_kern.o", dirname(exe));
	return buf;
}

static const char *layout_name(__u32 layout)
{
	switch (layout) {
	case TASK_INFO_LAYOUT_NEW: return "__state";
	case TASK_INFO_LAYOUT_OLD: return "state";
	default: return "no state member";
	}
}

static int on_event(void *ctx, const void *data, size_t size)
{
	const struct options *o = ctx;
	struct task_info_event ev;

	if (size < sizeof(ev))
		return 0;
	memcpy(&ev, data, sizeof(ev));
	printf("%-7u %-7u %-7u %-5u %-16.16s %-16.16s %llu (%s)\n", ev.pid, ev.tgid, ev.ppid,
	       ev.uid, ev.comm, ev.parent_comm, (unsigned long long)ev.state,
	       layout_name(ev.layout));
	fflush(stdout);
	if (o->count && ++printed >= o->count)
		return -ECANCELED;	/* enough: stop the loop */
	return 0;
}

/* Before 5.11 BPF maps count against RLIMIT_MEMLOCK (64 KiB by default,
 * less than the ring buffer); later kernels ignore it. */
static void raise_memlock(void)
{
	struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };

	setrlimit(RLIMIT_MEMLOCK, &r);
}

/* Tracepoints need tracefs; it is not always mounted. */
static void ensure_tracefs(void)
{
	struct stat st;

	if (!stat("/sys/kernel/tracing/events", &st) || !stat("/sys/kernel/debug/tracing/events", &st))
		return;
	mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL);
}

static int run(const struct options *o, struct bl_object *obj)
{
	struct bl_ringbuf *rb = NULL;
	struct bl_error err = { 0 };
	struct timespec start, now;
	struct bl_link *link;
	int ret;

	link = bl_program_attach(bl_object_find_program(obj, "task_info"), &err);
	if (!link) {
		fprintf(stderr, "task_info: attach: %s\n", err.msg);
		return 1;
	}
	rb = bl_ringbuf_new(NULL, &err);
	if (!rb || bl_ringbuf_add(rb, bl_map_fd(bl_object_find_map(obj, "events")), on_event,
				  (void *)o, &err) < 0) {
		fprintf(stderr, "task_info: ring buffer: %s\n", err.msg);
		bl_ringbuf_free(rb);
		return 1;
	}
	printf("attached: sched/sched_process_exec\n");
	printf("%-7s %-7s %-7s %-5s %-16s %-16s %s\n", "PID", "TGID", "PPID", "UID", "COMM",
	       "PARENT", "STATE");
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		ret = bl_ringbuf_poll(rb, 100);
		if (ret < 0 && ret != -EINTR)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (stop || (o->seconds && now.tv_sec - start.tv_sec >= o->seconds))
			break;
	}
	bl_ringbuf_free(rb);
	if (ret < 0 && ret != -ECANCELED && ret != -EINTR) {
		fprintf(stderr, "task_info: reading events: %s\n", strerror(-ret));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct bl_load_opts lo = { 0 };
	struct bl_error err = { 0 };
	struct bl_object *obj;
	char path[PATH_MAX];
	int status;

	if (parse_args(argc, argv, &o)) {
		usage(stderr);
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	ensure_tracefs();
	raise_memlock();
	obj = bl_object_open(o.object ? o.object : default_object(path, sizeof(path)), NULL, &err);
	if (!obj) {
		fprintf(stderr, "task_info: %s\n", err.msg);
		return 1;
	}
	if (o.ppid && bl_object_set_global(obj, "filter_ppid", &o.ppid, sizeof(o.ppid))) {
		fprintf(stderr, "task_info: cannot set filter_ppid\n");
		bl_object_close(obj);
		return 1;
	}
	lo.btf_custom_path = o.btf;
	if (bl_object_load(obj, &lo)) {
		fprintf(stderr, "task_info: %s\n", bl_object_error(obj));
		bl_object_close(obj);
		return 1;
	}
	status = run(&o, obj);
	bl_object_close(obj);
	return status;
}
