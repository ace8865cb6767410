/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * events_env.h - what t_ringbuf.c and t_perfbuf.c share: the producer
 * object (tests/objs/events_ringbuf.o or events_perf.o, see
 * tests/objs/events_common.h), which on raw_tracepoint sys_enter turns
 * each getppid() call of this process into per_call numbered records;
 * its globals; the calls; a producer thread making them.
 *
 * Static functions, for the two test programs that include it (after
 * tap.h and testutil.h).
 */
#ifndef BPFLOAD_TESTS_EVENTS_ENV_H
#define BPFLOAD_TESTS_EVENTS_ENV_H

#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/sys.h>

struct env {
	struct bl_object *obj;
	int map[2];		/* the event maps env_open() was given */
	int link;
};

static inline void set_u32(struct env *v, const char *name, __u32 val)
{
	if (bl_object_set_global(v->obj, name, &val, sizeof(val)))
		tap_diag("set %s: %s", name, bl_object_error(v->obj));
}

static inline void set_u64(struct env *v, const char *name, __u64 val)
{
	if (bl_object_set_global(v->obj, name, &val, sizeof(val)))
		tap_diag("set %s: %s", name, bl_object_error(v->obj));
}

static inline __u64 get_u64(struct env *v, const char *name)
{
	__u64 val = 0;

	bl_object_get_global(v->obj, name, &val, sizeof(val));
	return val;
}

/*
 * Open and load test object name, take the fds of its maps map0 and map1
 * (map1 may be NULL), and attach its program produce to raw_tracepoint
 * sys_enter for the getppid() calls of this process.  -1 after a
 * diagnostic if that fails; env_close() in any case.
 */
static inline int env_open(struct env *v, const char *name, const char *map0,
			   const char *map1)
{
	struct bl_error e = { 0 };
	struct bl_program *prog;

	memset(v, 0, sizeof(*v));
	v->link = -1;
	v->obj = bl_object_open(tu_obj_path(name), NULL, &e);
	if (!v->obj) {
		tap_diag("%s", e.msg);
		return -1;
	}
	if (bl_object_load(v->obj, NULL)) {
		tu_diag_lines(bl_object_error(v->obj));
		return -1;
	}
	v->map[0] = bl_map_fd(bl_object_find_map(v->obj, map0));
	v->map[1] = map1 ? bl_map_fd(bl_object_find_map(v->obj, map1)) : -1;
	set_u32(v, "target_pid", (__u32)getpid());
	set_u32(v, "trigger_nr", SYS_getppid);
	prog = bl_object_find_program(v->obj, "produce");
	v->link = bl_sys_raw_tracepoint_open("sys_enter", bl_program_fd(prog));
	if (v->link < 0) {
		tap_diag("BPF_RAW_TRACEPOINT_OPEN(sys_enter): %d", v->link);
		return -1;
	}
	return 0;
}

static inline void env_close(struct env *v)
{
	if (v->link >= 0)
		close(v->link);
	bl_object_close(v->obj);
}

/* n getppid() calls: n * per_call records. */
static inline void calls(int n)
{
	for (int i = 0; i < n; i++)
		syscall(SYS_getppid);
}

/* A producer thread: n getppid() calls, paced to rate calls/s (0: flat
 * out), on cpu (-1: anywhere), moving to the next CPU every hop calls
 * (0: never), after start_delay_ns. */
struct producer {
	pthread_t th;
	int n, cpu, hop;
	double rate;
	__u64 start_delay_ns;
};

static inline void *producer_fn(void *arg)
{
	struct producer *p = arg;
	int ncpu = tu_possible_cpus(), cpu = p->cpu;
	__u64 t0;

	if (cpu >= 0)
		tu_pin_cpu(cpu);
	if (p->start_delay_ns) {
		struct timespec ts = { (time_t)(p->start_delay_ns / 1000000000ull),
				       (long)(p->start_delay_ns % 1000000000ull) };

		nanosleep(&ts, NULL);
	}
	t0 = tu_now_ns();
	for (int i = 0; i < p->n; i++) {
		if (p->hop && i && i % p->hop == 0) {
			cpu = (cpu + 1) % ncpu;
			tu_pin_cpu(cpu);
		}
		syscall(SYS_getppid);
		if (p->rate > 0 && (i & 63) == 63) {
			__u64 due = t0 + (__u64)((double)(i + 1) / p->rate * 1e9), t = tu_now_ns();

			if (due > t && due - t < 1000000000ull) {
				struct timespec ts = { 0, (long)(due - t) };

				nanosleep(&ts, NULL);
			}
		}
	}
	return NULL;
}

/* The stop flag of the run tests: set by SIGALRM after stop_in_1s(). */
static volatile sig_atomic_t stop_flag;

static inline void on_alarm(int sig)
{
	stop_flag = 1;
}

/* Clear stop_flag, and have SIGALRM set it in a second. */
static inline void stop_in_1s(void)
{
	struct sigaction sa;

	stop_flag = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: epoll_wait returns EINTR */
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
}

#endif /* BPFLOAD_TESTS_EVENTS_ENV_H */
