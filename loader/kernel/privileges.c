// SPDX-License-Identifier: BSD-2-Clause
/*
 * privileges.c - what this process may do with bpf(), in words.
 *
 * bpf() checks capabilities, not user ids: CAP_BPF (5.8+, or
 * CAP_SYS_ADMIN before) to create maps and load programs, CAP_PERFMON for
 * tracing programs and reading kernel memory, CAP_NET_ADMIN for
 * networking hooks.  Without them, two sysctls decide what is left:
 * kernel.unprivileged_bpf_disabled (0: some socket filters are allowed;
 * 1 or 2: nothing) and kernel.perf_event_paranoid (who may open perf
 * events, which kprobes, tracepoints and uprobes need).  An EPERM is
 * explained by reading the effective capability set (capget(2)) and
 * both sysctls.
 */
#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel/kernel.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON	38
#endif
#ifndef CAP_BPF
#define CAP_BPF		39
#endif

static int read_sysctl(const char *path)
{
	FILE *f = fopen(path, "re");
	int v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* The effective set, as two 32-bit words (capability version 3). */
static bool effective_caps(__u64 *set)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data))
		return false;
	*set = data[0].effective | ((__u64)data[1].effective << 32);
	return true;
}

static void add(char *buf, size_t len, const char *name)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "%s%s", n ? ", " : "", name);
}

BL_API char *bl_privilege_hint(char *buf, size_t len)
{
	static const struct { int cap; const char *name; } caps[] = {
		{ CAP_BPF, "CAP_BPF" }, { CAP_SYS_ADMIN, "CAP_SYS_ADMIN" },
		{ CAP_PERFMON, "CAP_PERFMON" }, { CAP_NET_ADMIN, "CAP_NET_ADMIN" },
	};
	char missing[128] = "";
	__u64 set = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	if (!effective_caps(&set))
		return buf;
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (!(set & (1ULL << caps[i].cap)))
			add(missing, sizeof(missing), caps[i].name);
	if (!missing[0])
		return buf;	/* fully privileged: the EPERM has another cause */
	snprintf(buf, len, "this process lacks %s: bpf() needs CAP_BPF (or CAP_SYS_ADMIN),"
		 " tracing also CAP_PERFMON, networking hooks CAP_NET_ADMIN; run as root or"
		 " grant them.  Without them, kernel.unprivileged_bpf_disabled (%d here) and"
		 " kernel.perf_event_paranoid (%d here) decide what is allowed", missing,
		 read_sysctl("/proc/sys/kernel/unprivileged_bpf_disabled"),
		 read_sysctl("/proc/sys/kernel/perf_event_paranoid"));
	return buf;
}
