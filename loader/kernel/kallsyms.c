// SPDX-License-Identifier: BSD-2-Clause
/*
 * kallsyms.c - kernel symbols from /proc/kallsyms.
 *
 * Each line is "ADDRESS TYPE NAME [MODULE]", e.g.
 *
 *   ffffffff81382730 T __x64_sys_getpid
 *
 * (addresses read as 0 without CAP_SYSLOG; the names are what we need).
 *
 * Syscall entry points changed names over time.  Before 4.17 (x86) the
 * function behind getpid() was sys_getpid.  Since then the architecture
 * wraps each syscall in __<arch>_sys_NAME taking a struct pt_regs *, so
 * a kprobe on "sys_getpid" finds nothing.  We look up which spelling this
 * kernel has.  The file is read on each call (no cache: ~100k lines,
 * read only when a probe names a syscall or a function is missing).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/attach_priv.h"

#define KALLSYMS "/proc/kallsyms"

#if defined(__x86_64__)
#define ARCH_SYS_PREFIX "__x64_sys_"
#elif defined(__aarch64__)
#define ARCH_SYS_PREFIX "__arm64_sys_"
#elif defined(__s390x__)
#define ARCH_SYS_PREFIX "__s390x_sys_"
#elif defined(__riscv)
#define ARCH_SYS_PREFIX "__riscv_sys_"
#elif defined(__i386__)
#define ARCH_SYS_PREFIX "__ia32_sys_"
#else
#define ARCH_SYS_PREFIX NULL
#endif

/* Mark which of names[] the kernel has.  Returns 0 or -errno. */
static int lookup(const char *const *names, size_t n, bool *found)
{
	char line[512];
	FILE *f = fopen(KALLSYMS, "re");

	for (size_t i = 0; i < n; i++)
		found[i] = false;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *name = strchr(line, ' ');
		size_t len;

		if (!name || !(name = strchr(name + 1, ' ')))
			continue;
		name++;
		len = strcspn(name, " \t\n");
		name[len] = '\0';
		for (size_t i = 0; i < n; i++)
			if (names[i] && !found[i] && !strcmp(name, names[i]))
				found[i] = true;
	}
	fclose(f);
	return 0;
}

int bl_kallsyms_has(const char *name)
{
	bool found;
	int err = lookup(&name, 1, &found);

	return err ? err : found;
}

BL_API int bl_ksyscall_symbol(const char *name, char *buf, size_t len, struct bl_error *e)
{
	char arch[256], plain[256], why[96];
	const char *names[3];
	bool found[3];
	int err;

	if (!name || !*name || strlen(name) > 200)
		return bl_fail(e, -EINVAL, "ksyscall: no valid syscall name given");
	if (!strncmp(name, "sys_", 4))
		name += 4;
	snprintf(arch, sizeof(arch), "%s%s", ARCH_SYS_PREFIX ? ARCH_SYS_PREFIX : "sys_", name);
	snprintf(plain, sizeof(plain), "sys_%s", name);
	names[0] = ARCH_SYS_PREFIX ? arch : NULL;
	names[1] = plain;
	names[2] = NULL;
	err = lookup(names, 2, found);
	if (err)
		return bl_fail(e, err, "ksyscall %s: cannot read %s: %s", name, KALLSYMS,
			       bl_strerror(err, why, sizeof(why)));
	for (int i = 0; i < 2; i++) {
		if (!found[i])
			continue;
		if (strlen(names[i]) >= len)
			return bl_fail(e, -ENAMETOOLONG, "ksyscall %s: name too long", name);
		strcpy(buf, names[i]);
		return 0;
	}
	return bl_fail(e, -ENOENT, "ksyscall %s: the kernel has no syscall entry %s%s%s in %s;"
		       " check the syscall name (man 2 syscalls)", name,
		       ARCH_SYS_PREFIX ? arch : "", ARCH_SYS_PREFIX ? " or " : "", plain,
		       KALLSYMS);
}
