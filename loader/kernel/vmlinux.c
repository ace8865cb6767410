// SPDX-License-Identifier: BSD-2-Clause
/*
 * vmlinux.c - the running kernel's own BTF, and attach targets in it.
 *
 * BTF-typed programs (tp_btf, fentry, fexit, fmod_ret, lsm, iter) are
 * verified against the exact kernel function or tracepoint they attach
 * to, so BPF_PROG_LOAD needs its BTF type id (attach_btf_id).  The kernel
 * publishes its types at /sys/kernel/btf/vmlinux (CONFIG_DEBUG_INFO_BTF);
 * we read them with the same BTF reader as objects and look up:
 *
 *   tp_btf/NAME                typedef btf_trace_NAME
 *   fentry|fexit|fmod_ret/NAME  FUNC NAME
 *   lsm/NAME                   FUNC bpf_lsm_NAME
 *   iter/NAME                  FUNC bpf_iter_NAME
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/kernel.h"
#include "object/btf.h"

#define VMLINUX_BTF		"/sys/kernel/btf/vmlinux"
#define MAX_VMLINUX_BTF		(256U << 20)

static int read_all(int fd, unsigned char **out, size_t *size)
{
	size_t cap = 1 << 20, len = 0;
	unsigned char *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			unsigned char *nb;

			if (cap >= MAX_VMLINUX_BTF) {
				free(buf);
				return -E2BIG;
			}
			cap *= 2;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			free(buf);
			return -errno;
		}
		if (n == 0)
			break;
		len += n;
	}
	*out = buf;
	*size = len;
	return 0;
}

int bl_vmlinux_btf_open(struct bl_btf **out, struct bl_error *e)
{
	unsigned char *raw = NULL;
	size_t size = 0;
	char why[96];
	int fd, err;

	fd = open(VMLINUX_BTF, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		return bl_fail(e, err, "cannot open %s: %s; BTF-typed programs (tp_btf, fentry,"
			       " fexit, lsm, iter) need a kernel built with"
			       " CONFIG_DEBUG_INFO_BTF=y", VMLINUX_BTF,
			       bl_strerror(err, why, sizeof(why)));
	}
	err = read_all(fd, &raw, &size);
	close(fd);
	if (err)
		return bl_fail(e, err, "cannot read %s: %s", VMLINUX_BTF,
			       bl_strerror(err, why, sizeof(why)));
	err = bl_btf_parse(raw, size, NULL, VMLINUX_BTF, out, e);
	free(raw);
	return err;
}

int bl_attach_btf_id(const struct bl_btf *vmlinux, const struct bl_program *p, __u32 *id,
		     struct bl_error *e)
{
	const char *target = p->attach_target;
	char name[256];
	__u32 kind = BTF_KIND_FUNC;

	if (!target || !*target)
		return bl_fail(e, -EINVAL, "program '%s': section '%s' names no attach target"
			       " (expected e.g. %sFUNCTION)", p->name, p->sec->name, p->def->prefix);
	switch (p->expected_attach_type) {
	case BPF_TRACE_RAW_TP:
		snprintf(name, sizeof(name), "btf_trace_%s", target);
		kind = BTF_KIND_TYPEDEF;
		break;
	case BPF_LSM_MAC:
	case BPF_LSM_CGROUP:
		snprintf(name, sizeof(name), "bpf_lsm_%s", target);
		break;
	case BPF_TRACE_ITER:
		snprintf(name, sizeof(name), "bpf_iter_%s", target);
		break;
	default:
		snprintf(name, sizeof(name), "%s", target);
		break;
	}
	*id = bl_btf_find(vmlinux, name, kind);
	if (!*id)
		return bl_fail(e, -ESRCH, "program '%s': %s '%s' is not in the kernel's BTF"
			       " (%s); check the name against this kernel", p->name,
			       bl_btf_kind_name(kind), name, VMLINUX_BTF);
	return 0;
}
