// SPDX-License-Identifier: BSD-2-Clause
/*
 * uprobe.c - run a program when a user-space function is entered or
 * returns.
 *
 * A uprobe is placed in a file, not in a process: the kernel patches a
 * breakpoint into the page cache of (inode, file offset), so every
 * process that maps that file executes it.  What we need is therefore
 * the file offset of the function's first instruction.  ELF symbols give
 * a virtual address (st_value); the PT_LOAD program header that contains
 * it says which file bytes are mapped there:
 *
 *	offset = st_value - p_vaddr + p_offset
 *
 * That holds for executables, PIE and shared libraries alike (the load
 * bias cancels out because it is added to p_vaddr and st_value both).
 *
 * Then, as for kprobes, a perf event: the uprobe PMU (4.17+; config1 =
 * path, config2 = offset) or tracefs uprobe_events ("p:uprobes/NAME
 * /path:0xOFFSET").  A pid restricts the probe to one process (the
 * kernel compares the mm of the task that hits it).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/attach_priv.h"

/* ---- finding the file -------------------------------------------------------- */

static const char *const lib_dirs[] = {
#if defined(__x86_64__)
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
#elif defined(__aarch64__)
	"/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
#endif
	"/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib",
};

static bool try_dir(const char *dir, size_t dlen, const char *name, char *out, size_t len,
		    int mode)
{
	int n = snprintf(out, len, "%.*s/%s", (int)dlen, dir, name);

	return n > 0 && (size_t)n < len && !access(out, mode);
}

/* A bare name ("bash", "libc.so.6") is looked up in $PATH, then in the
 * usual library folders; the result is made absolute and canonical. */
static int find_binary(const char *name, char *out, size_t len, struct bl_error *e)
{
	char tmp[PATH_MAX], why[96];
	bool found = false;

	if (strchr(name, '/')) {
		snprintf(tmp, sizeof(tmp), "%s", name);
		found = true;
	}
	for (const char *p = getenv("PATH"); !found && p && *p; ) {
		size_t n = strcspn(p, ":");

		found = n && try_dir(p, n, name, tmp, sizeof(tmp), X_OK);
		p += n + (p[n] == ':');
	}
	for (size_t i = 0; !found && i < sizeof(lib_dirs) / sizeof(lib_dirs[0]); i++)
		found = try_dir(lib_dirs[i], strlen(lib_dirs[i]), name, tmp, sizeof(tmp), R_OK);
	if (!found)
		return bl_fail(e, -ENOENT, "uprobe: cannot find '%s' in $PATH or the library"
			       " folders; give a path", name);
	if (!realpath(tmp, out)) {
		int err = -errno;

		return bl_fail(e, err, "uprobe: %s: %s", tmp, bl_strerror(err, why, sizeof(why)));
	}
	(void)len;
	return 0;
}

/* ---- symbol to file offset ------------------------------------------------------- */

struct sym_hit {
	bool found;
	bool global;
	bool ifunc;
	bool ambiguous;
	__u64 value;
	unsigned int shndx;
};

static void consider(struct sym_hit *h, const GElf_Sym *s)
{
	int type = GELF_ST_TYPE(s->st_info), bind = GELF_ST_BIND(s->st_info);
	bool global = bind == STB_GLOBAL || bind == STB_WEAK;

	if (s->st_shndx == SHN_UNDEF || !s->st_value)
		return;
	if (type != STT_FUNC && type != STT_GNU_IFUNC)
		return;
	if (h->found && h->value == s->st_value)
		return;
	if (h->found && h->global && !global)
		return;
	if (h->found && h->global == global) {
		h->ambiguous = true;
		return;
	}
	h->found = true;
	h->global = global;
	h->ifunc = type == STT_GNU_IFUNC;
	h->ambiguous = false;
	h->value = s->st_value;
	h->shndx = s->st_shndx;
}

/* Look in .symtab and .dynsym (a stripped binary has only the latter). */
static void find_symbol(Elf *elf, const char *symbol, struct sym_hit *h)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB &&
						sh.sh_type != SHT_DYNSYM) || !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym s;
			const char *name;

			if (!gelf_getsym(data, (int)i, &s))
				break;
			name = elf_strptr(elf, sh.sh_link, s.st_name);
			if (name && !strcmp(name, symbol))
				consider(h, &s);
		}
	}
}

static int vaddr_to_offset(Elf *elf, const struct sym_hit *h, __u64 *off)
{
	size_t n = 0;
	Elf_Scn *scn;
	GElf_Shdr sh;

	if (!elf_getphdrnum(elf, &n)) {
		for (size_t i = 0; i < n; i++) {
			GElf_Phdr ph;

			if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
				continue;
			if (h->value >= ph.p_vaddr && h->value < ph.p_vaddr + ph.p_memsz) {
				*off = h->value - ph.p_vaddr + ph.p_offset;
				return 0;
			}
		}
	}
	/* No program headers (a relocatable file): use the section. */
	scn = elf_getscn(elf, h->shndx);
	if (scn && gelf_getshdr(scn, &sh) && h->value >= sh.sh_addr &&
	    h->value < sh.sh_addr + sh.sh_size) {
		*off = h->value - sh.sh_addr + sh.sh_offset;
		return 0;
	}
	return -ENOENT;
}

BL_API int bl_elf_symbol_offset(const char *path, const char *symbol, __u64 *offset,
				struct bl_error *e)
{
	struct sym_hit h = { 0 };
	char why[96];
	Elf *elf;
	int fd, err = 0;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return bl_fail(e, -EINVAL, "libelf: %s", elf_errmsg(-1));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		return bl_fail(e, err, "uprobe: cannot open %s: %s", path,
			       bl_strerror(err, why, sizeof(why)));
	}
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		err = bl_fail(e, -ENOEXEC, "uprobe: %s is not an ELF file", path);
		goto out;
	}
	find_symbol(elf, symbol, &h);
	if (!h.found)
		err = bl_fail(e, -ENOENT, "uprobe: %s has no function '%s' in its symbol tables"
			      " (.symtab, .dynsym); check the name, or give a file offset",
			      path, symbol);
	else if (h.ambiguous)
		err = bl_fail(e, -ENOTUNIQ, "uprobe: %s has several functions named '%s' at"
			      " different addresses; give a file offset instead", path, symbol);
	else if (h.ifunc)
		err = bl_fail(e, -EOPNOTSUPP, "uprobe: '%s' in %s is an IFUNC (the real function"
			      " is picked at load time); probe the implementation instead",
			      symbol, path);
	else if (vaddr_to_offset(elf, &h, offset))
		err = bl_fail(e, -ENOENT, "uprobe: '%s' in %s (address 0x%llx) is in no loadable"
			      " segment", symbol, path, (unsigned long long)h.value);
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return err;
}

/* ---- attaching ------------------------------------------------------------------ */

struct uprobe_req {
	int prog_fd;
	char path[PATH_MAX];
	__u64 offset;			/* in the file */
	bool retprobe;
	pid_t pid;			/* -1: every process */
	const char *symbol;
	struct bl_uprobe_opts opts;
	char what[PATH_MAX + 192];
};

static void set_desc(struct bl_link *link, const struct uprobe_req *r, const char *via)
{
	char pid[32] = "";

	if (r->pid >= 0)
		snprintf(pid, sizeof(pid), ", pid %d", (int)r->pid);
	bl_link_set_desc(link, "%s via %s, %s%s", r->what, via, bl_perf_how(link), pid);
}

static struct bl_link *attach_pmu(struct uprobe_req *r, const struct bl_probe_pmu *pmu,
				  struct bl_error *e)
{
	struct bl_link *link;
	int pfd;

	pfd = bl_probe_pmu_open(pmu, r->retprobe, r->path, r->offset, r->pid, r->what, e);
	if (pfd < 0)
		return bl_attach_null(pfd);
	link = bl_perf_link_new(pfd, r->prog_fd, r->opts.force_ioctl, r->opts.bpf_cookie,
				r->what, e);
	if (!link)
		return NULL;
	set_desc(link, r, "uprobe PMU");
	return link;
}

static struct bl_link *attach_legacy(struct uprobe_req *r, bool have_pmu, struct bl_error *e)
{
	char dir[BL_TRACEFS_MAX], target[PATH_MAX + 32], via[128];
	struct bl_probe_event *ev = NULL;
	struct bl_link *link;
	int err, id = 0;

	err = bl_tracefs_find(dir, sizeof(dir), e);
	if (err)
		return bl_attach_null(err);
	if (!bl_tracefs_has(dir, "uprobe_events")) {
		bl_fail(e, -EOPNOTSUPP, "%s: this kernel has %s (built without"
			" CONFIG_UPROBE_EVENTS)", r->what, have_pmu ?
			"no uprobe_events in tracefs; use the uprobe PMU (no force_legacy)" :
			"neither the uprobe PMU nor uprobe_events");
		return bl_attach_null(-EOPNOTSUPP);
	}
	snprintf(target, sizeof(target), "%s:0x%llx", r->path, (unsigned long long)r->offset);
	err = bl_probe_event_create(dir, 'u', r->retprobe, 0, r->symbol, target, &ev, &id, e);
	if (err) {
		bl_fail_append(e, " [%s]", r->what);
		return bl_attach_null(err);
	}
	link = bl_perf_link_event(ev, id, r->pid, r->prog_fd, r->opts.force_ioctl,
				  r->opts.bpf_cookie, r->what, e);
	if (!link)
		return NULL;
	snprintf(via, sizeof(via), "legacy uprobe_events (%s)", bl_probe_event_name(ev));
	set_desc(link, r, via);
	return link;
}

BL_API struct bl_link *bl_attach_uprobe(int prog_fd, const char *binary, const char *symbol,
					__u64 offset, bool retprobe, pid_t pid,
					const struct bl_uprobe_opts *opts, struct bl_error *e)
{
	struct uprobe_req *r;
	struct bl_link *link = NULL;
	struct bl_probe_pmu pmu = { 0 };
	int err;
	__u64 sym_off = 0;

	if (!binary || !*binary) {
		bl_fail(e, -EINVAL, "uprobe: no binary given");
		return bl_attach_null(-EINVAL);
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		bl_fail(e, -ENOMEM, "uprobe: out of memory");
		return bl_attach_null(-ENOMEM);
	}
	r->prog_fd = prog_fd;
	r->retprobe = retprobe;
	r->pid = pid == 0 ? getpid() : pid < 0 ? -1 : pid;
	r->symbol = symbol;
	if (opts)
		r->opts = *opts;
	err = find_binary(binary, r->path, sizeof(r->path), e);
	if (!err && symbol)
		err = bl_elf_symbol_offset(r->path, symbol, &sym_off, e);
	if (err)
		goto out;
	r->offset = sym_off + offset;
	if (symbol)
		snprintf(r->what, sizeof(r->what), "%s %s:%s+0x%llx (file offset 0x%llx)",
			 retprobe ? "uretprobe" : "uprobe", r->path, symbol,
			 (unsigned long long)offset, (unsigned long long)r->offset);
	else
		snprintf(r->what, sizeof(r->what), "%s %s:0x%llx",
			 retprobe ? "uretprobe" : "uprobe",
			 r->path, (unsigned long long)r->offset);

	err = bl_probe_pmu("uprobe", &pmu);
	if (!err && !r->opts.force_legacy)
		link = attach_pmu(r, &pmu, e);
	else
		link = attach_legacy(r, !err, e);
	err = link ? 0 : -errno;
out:
	free(r);
	return link ? link : bl_attach_null(err);
}

/* "PATH:SYMBOL", "PATH:SYMBOL+OFF" or "PATH:0xOFF" (the last ':' splits). */
struct bl_link *bl_attach_uprobe_spec(int prog_fd, const char *spec, bool retprobe,
				      struct bl_error *e)
{
	const char *colon = strrchr(spec, ':');
	char path[PATH_MAX], sym[256], *end;
	__u64 off = 0;
	size_t n;

	if (!colon || colon == spec || !colon[1] || (size_t)(colon - spec) >= sizeof(path))
		goto bad;
	n = (size_t)(colon - spec);
	memcpy(path, spec, n);
	path[n] = '\0';
	errno = 0;
	off = strtoull(colon + 1, &end, 0);
	if (!errno && end != colon + 1 && !*end && colon[1] >= '0' && colon[1] <= '9')
		return bl_attach_uprobe(prog_fd, path, NULL, off, retprobe, -1, NULL, e);
	n = strcspn(colon + 1, "+");
	if (!n || n >= sizeof(sym))
		goto bad;
	memcpy(sym, colon + 1, n);
	sym[n] = '\0';
	off = 0;
	if (colon[1 + n] == '+') {
		errno = 0;
		off = strtoull(colon + 2 + n, &end, 0);
		if (errno || end == colon + 2 + n || *end)
			goto bad;
	}
	return bl_attach_uprobe(prog_fd, path, sym, off, retprobe, -1, NULL, e);
bad:
	bl_fail(e, -EINVAL, "uprobe section target '%s' should be PATH:FUNCTION,"
		" PATH:FUNCTION+OFFSET or PATH:0xFILEOFFSET", spec);
	return bl_attach_null(-EINVAL);
}
