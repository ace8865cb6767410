/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * objutil.h - helpers for the unit tests of the object model.
 *
 * Read a test object (tests/objs/NAME.c, built into build/tests/objs or
 * $BPFLOAD_TEST_OBJS) into memory, find its sections, symbols and
 * relocations with gelf, and read or patch the raw Elf64 structures of a
 * private copy.  The patching helpers work on file offsets computed from
 * the headers and copy through memcpy, so a test may corrupt anything
 * without relying on the buffer's alignment.
 *
 * Everything is static inline so that each t_*.c, which the Makefile
 * builds on its own, takes only what it uses.
 */
#ifndef BPFLOAD_TESTS_UNIT_OBJUTIL_H
#define BPFLOAD_TESTS_UNIT_OBJUTIL_H

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"

#define OU_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A whole object file in memory (owned). */
struct img {
	unsigned char *buf;
	size_t size;
};

/* The path of test object NAME ("globals" or "globals.o"). */
static inline const char *ou_path(const char *name)
{
	static char bufs[4][PATH_MAX];
	static unsigned int next;
	const char *dir = getenv("BPFLOAD_TEST_OBJS");
	size_t len = strlen(name);
	char *buf = bufs[next++ % OU_ARRAY_SIZE(bufs)];

	if (!dir || !*dir)
		dir = "build/tests/objs";
	snprintf(buf, PATH_MAX, "%s/%s%s", dir, name,
		 len > 2 && !strcmp(name + len - 2, ".o") ? "" : ".o");
	return buf;
}

/* Read test object NAME; bails out of the test when it is missing. */
static inline struct img ou_read(const char *name)
{
	const char *path = ou_path(name);
	struct img im = { 0 };
	struct stat st;
	size_t done = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || st.st_size <= 0)
		tap_bail("cannot read %s (%s): build the test objects first (make tests)",
			 path, strerror(errno));
	im.size = st.st_size;
	im.buf = malloc(im.size);
	if (!im.buf)
		tap_bail("out of memory");
	while (done < im.size) {
		ssize_t n = read(fd, im.buf + done, im.size - done);

		if (n <= 0)
			tap_bail("cannot read %s", path);
		done += n;
	}
	close(fd);
	return im;
}

static inline struct img ou_copy(const struct img *im)
{
	struct img c = { malloc(im->size ? im->size : 1), im->size };

	if (!c.buf)
		tap_bail("out of memory");
	memcpy(c.buf, im->buf, im->size);
	return c;
}

static inline void ou_free(struct img *im)
{
	free(im->buf);
	im->buf = NULL;
	im->size = 0;
}

/* ---- raw structures at file offsets ---------------------------------------- */

static inline Elf64_Ehdr ou_ehdr(const struct img *im)
{
	Elf64_Ehdr eh;

	memcpy(&eh, im->buf, sizeof(eh));
	return eh;
}

static inline void ou_set_ehdr(struct img *im, const Elf64_Ehdr *eh)
{
	memcpy(im->buf, eh, sizeof(*eh));
}

static inline size_t ou_shdr_off(const struct img *im, int idx)
{
	return ou_ehdr(im).e_shoff + (size_t)idx * sizeof(Elf64_Shdr);
}

static inline Elf64_Shdr ou_shdr(const struct img *im, int idx)
{
	Elf64_Shdr sh;

	memcpy(&sh, im->buf + ou_shdr_off(im, idx), sizeof(sh));
	return sh;
}

static inline void ou_set_shdr(struct img *im, int idx, const Elf64_Shdr *sh)
{
	memcpy(im->buf + ou_shdr_off(im, idx), sh, sizeof(*sh));
}

/* The contents of section idx, in the image. */
static inline unsigned char *ou_data(const struct img *im, int idx)
{
	return im->buf + ou_shdr(im, idx).sh_offset;
}

/* ---- lookups through gelf ------------------------------------------------------ */

static inline Elf *ou_elf(const struct img *im)
{
	Elf *e;

	if (elf_version(EV_CURRENT) == EV_NONE)
		tap_bail("libelf: %s", elf_errmsg(-1));
	e = elf_memory((char *)im->buf, im->size);
	if (!e)
		tap_bail("libelf cannot read a test object: %s", elf_errmsg(-1));
	return e;
}

/* Index of the section called name, -1 if none. */
static inline int ou_shndx(const struct img *im, const char *name)
{
	Elf *e = ou_elf(im);
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	int found = -1;

	if (elf_getshdrstrndx(e, &shstrndx))
		tap_bail("libelf: %s", elf_errmsg(-1));
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *n;

		if (!gelf_getshdr(scn, &sh))
			continue;
		n = elf_strptr(e, shstrndx, sh.sh_name);
		if (n && !strcmp(n, name)) {
			found = elf_ndxscn(scn);
			break;
		}
	}
	elf_end(e);
	return found;
}

/* Same, bails out when the section is missing. */
static inline int ou_sec(const struct img *im, const char *name)
{
	int idx = ou_shndx(im, name);

	if (idx < 0)
		tap_bail("test object has no section '%s'", name);
	return idx;
}

/* The first section of type, -1 if none. */
static inline int ou_shndx_type(const struct img *im, Elf64_Word type)
{
	Elf64_Ehdr eh = ou_ehdr(im);

	for (int i = 0; i < eh.e_shnum; i++)
		if (ou_shdr(im, i).sh_type == type)
			return i;
	return -1;
}

/* The SHT_REL section that applies to section target, -1 if none. */
static inline int ou_relsec_for(const struct img *im, int target)
{
	Elf64_Ehdr eh = ou_ehdr(im);

	for (int i = 0; i < eh.e_shnum; i++) {
		Elf64_Shdr sh = ou_shdr(im, i);

		if (sh.sh_type == SHT_REL && (int)sh.sh_info == target)
			return i;
	}
	return -1;
}

static inline size_t ou_sym_off(const struct img *im, int idx)
{
	int st = ou_shndx_type(im, SHT_SYMTAB);

	return ou_shdr(im, st).sh_offset + (size_t)idx * sizeof(Elf64_Sym);
}

static inline Elf64_Sym ou_symbol(const struct img *im, int idx)
{
	Elf64_Sym s;

	memcpy(&s, im->buf + ou_sym_off(im, idx), sizeof(s));
	return s;
}

static inline void ou_set_symbol(struct img *im, int idx, const Elf64_Sym *s)
{
	memcpy(im->buf + ou_sym_off(im, idx), s, sizeof(*s));
}

static inline size_t ou_nsyms(const struct img *im)
{
	return ou_shdr(im, ou_shndx_type(im, SHT_SYMTAB)).sh_size / sizeof(Elf64_Sym);
}

/* The name of symbol idx (a pointer into the image's string table). */
static inline const char *ou_sym_name(const struct img *im, int idx)
{
	Elf64_Shdr st = ou_shdr(im, ou_shndx_type(im, SHT_SYMTAB));
	Elf64_Shdr strs = ou_shdr(im, st.sh_link);
	Elf64_Sym s = ou_symbol(im, idx);

	if (s.st_name >= strs.sh_size)
		return NULL;
	return (const char *)im->buf + strs.sh_offset + s.st_name;
}

/* Index of the symbol called name (with gelf), -1 if none. */
static inline int ou_symidx(const struct img *im, const char *name)
{
	Elf *e = ou_elf(im);
	Elf_Scn *scn = NULL;
	int found = -1;

	while (found < 0 && (scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		d = elf_getdata(scn, NULL);
		for (size_t i = 0; d && i < sh.sh_size / sizeof(Elf64_Sym); i++) {
			GElf_Sym sym;
			const char *n;

			if (!gelf_getsym(d, i, &sym))
				break;
			n = elf_strptr(e, sh.sh_link, sym.st_name);
			if (n && !strcmp(n, name)) {
				found = i;
				break;
			}
		}
	}
	elf_end(e);
	return found;
}

static inline int ou_sym(const struct img *im, const char *name)
{
	int idx = ou_symidx(im, name);

	if (idx < 0)
		tap_bail("test object has no symbol '%s'", name);
	return idx;
}

/* The section symbol (STT_SECTION) of section shndx, -1 if none. */
static inline int ou_secsym(const struct img *im, int shndx)
{
	for (size_t i = 0; i < ou_nsyms(im); i++) {
		Elf64_Sym s = ou_symbol(im, i);

		if (ELF64_ST_TYPE(s.st_info) == STT_SECTION && s.st_shndx == shndx)
			return i;
	}
	return -1;
}

/* The FUNC symbol that starts at off in section shndx, or NULL. */
static inline const char *ou_func_at(const struct img *im, int shndx, Elf64_Addr off)
{
	for (size_t i = 0; i < ou_nsyms(im); i++) {
		Elf64_Sym s = ou_symbol(im, i);

		if (ELF64_ST_TYPE(s.st_info) == STT_FUNC && s.st_shndx == shndx &&
		    s.st_value == off)
			return ou_sym_name(im, i);
	}
	return NULL;
}

static inline size_t ou_rel_off(const struct img *im, int relsec, int i)
{
	return ou_shdr(im, relsec).sh_offset + (size_t)i * sizeof(Elf64_Rel);
}

static inline Elf64_Rel ou_rel(const struct img *im, int relsec, int i)
{
	Elf64_Rel r;

	memcpy(&r, im->buf + ou_rel_off(im, relsec, i), sizeof(r));
	return r;
}

static inline void ou_set_rel(struct img *im, int relsec, int i, const Elf64_Rel *r)
{
	memcpy(im->buf + ou_rel_off(im, relsec, i), r, sizeof(*r));
}

static inline int ou_nrels(const struct img *im, int relsec)
{
	return ou_shdr(im, relsec).sh_size / sizeof(Elf64_Rel);
}

/* Index in relsec of the relocation at r_offset off, -1 if none. */
static inline int ou_rel_at(const struct img *im, int relsec, Elf64_Addr off)
{
	for (int i = 0; i < ou_nrels(im, relsec); i++)
		if (ou_rel(im, relsec, i).r_offset == off)
			return i;
	return -1;
}

#endif /* BPFLOAD_TESTS_UNIT_OBJUTIL_H */
