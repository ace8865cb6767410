// SPDX-License-Identifier: BSD-2-Clause
/*
 * perf_event.c - run a program on every sample of a perf event, on every
 * CPU.
 *
 * Sampling events (cpu-clock, cycles, ...) count per CPU, so "the whole
 * system" is one event per online CPU, opened with pid -1 and that cpu.
 * attr.sample_period = N runs the program every N events; with attr.freq
 * set, attr.sample_freq = F asks the kernel to adjust the period so that
 * about F samples per second happen.  The program
 * (BPF_PROG_TYPE_PERF_EVENT) gets struct bpf_perf_event_data: the
 * registers of the interrupted code and the sample period.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/attach_priv.h"

#define MAX_CPUS 4096

/* "0-3,8,10-11" from /sys/devices/system/cpu/online into a list. */
static int online_cpus(int **out, size_t *n)
{
	char buf[4096], *p = buf;
	FILE *f = fopen("/sys/devices/system/cpu/online", "re");
	int *cpus = NULL;
	size_t cnt = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	while (*p && *p != '\n') {
		char *end;
		long a = strtol(p, &end, 10), b = a;

		if (end == p || a < 0 || a >= MAX_CPUS)
			goto bad;
		if (*end == '-') {
			p = end + 1;
			b = strtol(p, &end, 10);
			if (end == p || b < a || b >= MAX_CPUS)
				goto bad;
		}
		for (long c = a; c <= b; c++) {
			int *v = realloc(cpus, (cnt + 1) * sizeof(*v));

			if (!v) {
				free(cpus);
				return -ENOMEM;
			}
			cpus = v;
			cpus[cnt++] = (int)c;
		}
		p = end + (*end == ',');
	}
	*out = cpus;
	*n = cnt;
	return cnt ? 0 : -ENOENT;
bad:
	free(cpus);
	return -EINVAL;
}

static const char *event_hint(__u32 type, int err)
{
	if (err == -ENOENT || err == -EOPNOTSUPP || err == -ENODEV)
		return type == PERF_TYPE_HARDWARE ?
		       "; this machine has no hardware counter for it (common in virtual"
		       " machines): use a software event such as PERF_COUNT_SW_CPU_CLOCK" :
		       "; the kernel does not know this event";
	if (err == -EACCES || err == -EPERM)
		return "; run as root (CAP_PERFMON) or lower kernel.perf_event_paranoid";
	if (err == -EINVAL)
		return "; check type, config and the sampling period or frequency";
	return "";
}

static int open_on(const struct perf_event_attr *tmpl, int cpu, const char *what,
		   struct bl_error *e)
{
	struct perf_event_attr attr = *tmpl;
	char why[96];
	int fd = bl_sys_perf_event_open(&attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);

	if (fd < 0)
		bl_fail(e, fd, "%s: perf_event_open on CPU %d failed: %s%s", what, cpu,
			bl_strerror(fd, why, sizeof(why)), event_hint(tmpl->type, fd));
	return fd;
}

BL_API struct bl_link *bl_attach_perf_event(int prog_fd, __u32 type, __u64 config,
					    const struct bl_perf_event_opts *opts,
					    struct bl_error *e)
{
	struct perf_event_attr attr;
	struct bl_link *link;
	char what[160], why[96];
	int *cpus = NULL, err;
	size_t n = 0;

	snprintf(what, sizeof(what), "perf_event type %u config %llu", type,
		 (unsigned long long)config);
	if (!opts || (!opts->sample_freq == !opts->sample_period)) {
		bl_fail(e, -EINVAL, "%s: give either sample_freq or sample_period in the options",
			what);
		return bl_attach_null(-EINVAL);
	}
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = type;
	attr.config = config;
	attr.disabled = 1;
	if (opts->sample_freq) {
		attr.freq = 1;
		attr.sample_freq = opts->sample_freq;
	} else {
		attr.sample_period = opts->sample_period;
	}
	err = online_cpus(&cpus, &n);
	if (err) {
		bl_fail(e, err, "%s: cannot read the online CPUs from"
			" /sys/devices/system/cpu/online: %s", what,
			bl_strerror(err, why, sizeof(why)));
		return bl_attach_null(err);
	}
	link = bl_link_new(bl_perf_detach);
	if (!link) {
		free(cpus);
		bl_fail(e, -ENOMEM, "%s: out of memory", what);
		return bl_attach_null(-ENOMEM);
	}
	for (size_t i = 0; i < n && !err; i++) {
		int pfd = open_on(&attr, cpus[i], what, e);

		err = pfd < 0 ? pfd : bl_perf_attach(link, pfd, prog_fd, opts->force_ioctl,
						      opts->bpf_cookie, what, e);
	}
	free(cpus);
	if (err) {
		bl_link_abort(link);
		return bl_attach_null(err);
	}
	bl_link_set_desc(link, "%s, %s %llu, on %zu CPUs, %s", what,
			 attr.freq ? "frequency" : "period",
			 (unsigned long long)(attr.freq ? attr.sample_freq : attr.sample_period),
			 n, bl_perf_how(link));
	return link;
}
