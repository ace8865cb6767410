// SPDX-License-Identifier: BSD-2-Clause
/*
 * ksyms.c - kernel addresses to symbol+offset, for stack traces.
 *
 * bpf_get_stackid() / bpf_get_stack() give instruction addresses; to
 * print them we need the symbol each one falls in.  /proc/kallsyms lists
 * every kernel and module symbol, one per line, in no useful order:
 *
 *   ffffffff81000000 T _stext
 *   ffffffffc0a01000 t ext4_sync_file	[ext4]
 *
 * (address, nm type letter, name, and a tab plus [module] for modules).
 * Readers without CAP_SYSLOG, or with kernel.kptr_restrict = 2, see every
 * address as 0.  We read the file once into one buffer, cut it into
 * strings in place, sort the symbols by address for a binary search, and
 * hash the names for lookups the other way.
 *
 * The table is a snapshot: BPF programs loaded later (they appear as
 * bpf_prog_<tag>_<name> [bpf] when net.core.bpf_jit_kallsyms is on) and
 * modules loaded later are not in it; load it again to see them.
 *
 * Not to be confused with kallsyms.c, which answers "does the kernel have
 * this function" for attaching kprobes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpfload/maputil.h>
#include "kernel/kernel.h"

struct bl_ksyms {
	char *text;			/* the file, cut into strings */
	struct bl_ksym *syms;		/* sorted by address */
	size_t n;
	__u32 *hash;			/* index + 1 into syms, 0 = empty */
	size_t hash_size;		/* a power of 2 */
};

static int read_all(const char *path, char **out, size_t *len)
{
	size_t cap = 1 << 20, n = 0;
	char *buf = malloc(cap + 1), *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0 || !buf) {
		err = fd < 0 ? -errno : -ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t r;

		if (n == cap) {
			cap *= 2;
			p = realloc(buf, cap + 1);
			if (!p) {
				err = -ENOMEM;
				goto out;
			}
			buf = p;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return err;
}

static bool is_global(char type)
{
	return type >= 'A' && type <= 'Z';
}

static bool is_text(char type)
{
	return type == 'T' || type == 't' || type == 'W' || type == 'w';
}

/*
 * By address; at one address, prefer what a stack trace should say:
 * text before data, global before local, the kernel before modules,
 * then by name so the order does not depend on qsort.
 */
static int cmp_sym(const void *pa, const void *pb)
{
	const struct bl_ksym *a = pa, *b = pb;
	int r;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	if (is_text(a->type) != is_text(b->type))
		return is_text(a->type) ? -1 : 1;
	if (is_global(a->type) != is_global(b->type))
		return is_global(a->type) ? -1 : 1;
	if (!*a->module != !*b->module)
		return *a->module ? 1 : -1;
	r = strcmp(a->name, b->name);
	return r ? r : strcmp(a->module, b->module);
}

static __u32 name_hash(const char *s)
{
	__u32 h = 2166136261u;	/* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* Is a a better answer than b for a lookup by name? */
static bool better_by_name(const struct bl_ksym *a, const struct bl_ksym *b)
{
	if (!*a->module != !*b->module)
		return !*a->module;
	if (is_global(a->type) != is_global(b->type))
		return is_global(a->type);
	return false;
}

static int build_hash(struct bl_ksyms *ks)
{
	size_t size = 16;

	while (size < ks->n * 2)
		size *= 2;
	ks->hash = calloc(size, sizeof(*ks->hash));
	if (!ks->hash)
		return -ENOMEM;
	ks->hash_size = size;
	for (size_t i = 0; i < ks->n; i++) {
		size_t h = name_hash(ks->syms[i].name) & (size - 1);

		for (;; h = (h + 1) & (size - 1)) {
			__u32 j = ks->hash[h];

			if (!j) {
				ks->hash[h] = (__u32)i + 1;
				break;
			}
			if (!strcmp(ks->syms[j - 1].name, ks->syms[i].name)) {
				if (better_by_name(&ks->syms[i], &ks->syms[j - 1]))
					ks->hash[h] = (__u32)i + 1;
				break;
			}
		}
	}
	return 0;
}

/* Cut the text into symbols.  Returns the count or -errno. */
static int parse(struct bl_ksyms *ks, size_t len, bool *any_addr)
{
	size_t cap = len / 32 + 16;
	char *p = ks->text, *end = ks->text + len;

	ks->syms = malloc(cap * sizeof(*ks->syms));
	if (!ks->syms)
		return -ENOMEM;
	while (p < end) {
		char *eol = memchr(p, '\n', (size_t)(end - p)), *q, *name, *mod = NULL;
		struct bl_ksym *s;
		__u64 addr = 0;
		int digits = 0;

		if (!eol)
			eol = end;
		*eol = '\0';
		for (q = p; *q; q++, digits++) {
			char c = *q;
			unsigned int v;

			if (c >= '0' && c <= '9')
				v = (unsigned int)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v = (unsigned int)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				v = (unsigned int)(c - 'A' + 10);
			else
				break;
			addr = addr << 4 | v;
		}
		/* "addr type name[\t[module]]" */
		if (!digits || q[0] != ' ' || !q[1] || q[2] != ' ' || !q[3])
			goto next;
		name = q + 3;
		q = strchr(name, '\t');
		if (q) {
			*q = '\0';
			mod = q + 1;
			if (*mod == '[') {
				mod++;
				q = strchr(mod, ']');
				if (q)
					*q = '\0';
			}
		}
		if ((size_t)ks->n == cap) {
			struct bl_ksym *ns = realloc(ks->syms, cap * 2 * sizeof(*ns));

			if (!ns)
				return -ENOMEM;
			ks->syms = ns;
			cap *= 2;
		}
		if (ks->n >= UINT32_MAX - 1)
			return -E2BIG;
		s = &ks->syms[ks->n++];
		s->addr = addr;
		s->size = 0;
		s->type = name[-2];
		s->name = name;
		s->module = mod ? mod : "";
		if (addr)
			*any_addr = true;
next:
		p = eol + 1;
	}
	return (int)ks->n;
}

BL_API struct bl_ksyms *bl_ksyms_load(const char *path, struct bl_error *e)
{
	struct bl_ksyms *ks = calloc(1, sizeof(*ks));
	bool any_addr = false;
	char why[96];
	size_t len = 0;
	int err;

	if (!path)
		path = "/proc/kallsyms";
	if (!ks) {
		bl_fail(e, -ENOMEM, "kernel symbols: out of memory");
		return NULL;
	}
	err = read_all(path, &ks->text, &len);
	if (err) {
		bl_fail(e, err, "kernel symbols: cannot read %s: %s", path,
			bl_strerror(err, why, sizeof(why)));
		goto fail;
	}
	err = parse(ks, len, &any_addr);
	if (err < 0) {
		bl_fail(e, err, "kernel symbols: %s: out of memory", path);
		goto fail;
	}
	if (!ks->n) {
		err = -ENOENT;
		bl_fail(e, err, "kernel symbols: %s lists no symbols", path);
		goto fail;
	}
	if (!any_addr) {
		err = -EPERM;
		bl_fail(e, err, "kernel symbols: every address in %s reads as 0: the kernel hides"
			" them from this process (needs CAP_SYSLOG and kernel.kptr_restrict < 2;"
			" run as root)", path);
		goto fail;
	}
	qsort(ks->syms, ks->n, sizeof(*ks->syms), cmp_sym);
	/*
	 * A symbol extends to the next address of the same owner (the
	 * kernel, or one module).  The last symbol of an owner has no known
	 * end: past the kernel image or a module there are gaps (vmalloc,
	 * the BPF JIT area, other modules) that belong to no symbol we know.
	 */
	for (size_t i = 0, j; i < ks->n; i = j) {
		const struct bl_ksym *next;

		for (j = i + 1; j < ks->n && ks->syms[j].addr == ks->syms[i].addr; j++)
			;
		next = j < ks->n ? &ks->syms[j] : NULL;
		for (size_t k = i; k < j; k++)
			ks->syms[k].size = next && !strcmp(next->module, ks->syms[k].module) ?
					   next->addr - ks->syms[k].addr : 0;
	}
	err = build_hash(ks);
	if (err) {
		bl_fail(e, err, "kernel symbols: out of memory");
		goto fail;
	}
	return ks;
fail:
	bl_ksyms_free(ks);
	return NULL;
}

BL_API void bl_ksyms_free(struct bl_ksyms *ks)
{
	if (!ks)
		return;
	free(ks->text);
	free(ks->syms);
	free(ks->hash);
	free(ks);
}

BL_API size_t bl_ksyms_count(const struct bl_ksyms *ks)
{
	return ks ? ks->n : 0;
}

BL_API const struct bl_ksym *bl_ksyms_resolve(const struct bl_ksyms *ks, __u64 addr,
					      __u64 *offset)
{
	size_t lo = 0, hi;
	const struct bl_ksym *s;

	if (!ks || !ks->n || addr < ks->syms[0].addr)
		return NULL;
	/* the last symbol at or below addr */
	hi = ks->n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	/* the preferred one among those at that address sorts first */
	while (lo > 0 && ks->syms[lo - 1].addr == ks->syms[lo].addr)
		lo--;
	s = &ks->syms[lo];
	if (addr - s->addr > 0 && (!s->size || addr - s->addr >= s->size))
		return NULL;
	if (offset)
		*offset = addr - s->addr;
	return s;
}

BL_API const struct bl_ksym *bl_ksyms_find(const struct bl_ksyms *ks, const char *name)
{
	size_t h;

	if (!ks || !ks->hash_size)
		return NULL;
	for (h = name_hash(name) & (ks->hash_size - 1);; h = (h + 1) & (ks->hash_size - 1)) {
		__u32 j = ks->hash[h];

		if (!j)
			return NULL;
		if (!strcmp(ks->syms[j - 1].name, name))
			return &ks->syms[j - 1];
	}
}

BL_API char *bl_ksyms_format(const struct bl_ksyms *ks, __u64 addr, char *buf, size_t len)
{
	__u64 off = 0;
	const struct bl_ksym *s = bl_ksyms_resolve(ks, addr, &off);

	if (!len)
		return buf;
	if (!s)
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
	else
		snprintf(buf, len, "%s+0x%llx/0x%llx%s%s%s", s->name, (unsigned long long)off,
			 (unsigned long long)s->size, *s->module ? " [" : "", s->module,
			 *s->module ? "]" : "");
	return buf;
}
