// SPDX-License-Identifier: BSD-2-Clause
/*
 * elf.c - read a BPF ELF relocatable object with libelf.
 *
 * clang -target bpf writes an ET_REL file for machine EM_BPF (247).  We
 * only need its section headers, section contents, the symbol table and
 * the SHT_REL relocation sections.  libelf parses the headers; every
 * offset, size and index is then checked against the file before it is
 * used, because the file may be hostile.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "object/object.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

static const char *const role_names[] = {
	[BL_SEC_OTHER] = "ignored",	[BL_SEC_NULL] = "",
	[BL_SEC_PROGRAM] = "program",	[BL_SEC_TEXT] = "subprograms",
	[BL_SEC_LICENSE] = "license",	[BL_SEC_VERSION] = "version",
	[BL_SEC_LEGACY_MAPS] = "maps (legacy)", [BL_SEC_BTF_MAPS] = "maps (BTF)",
	[BL_SEC_DATA] = "data",		[BL_SEC_RODATA] = "rodata",
	[BL_SEC_BSS] = "bss",		[BL_SEC_BTF] = "BTF",
	[BL_SEC_BTF_EXT] = "BTF.ext",	[BL_SEC_SYMTAB] = "symbols",
	[BL_SEC_STRTAB] = "strings",	[BL_SEC_RELOC] = "relocations",
	[BL_SEC_KCONFIG] = "kconfig externs", [BL_SEC_KSYMS] = "ksym externs",
	[BL_SEC_STRUCT_OPS] = "struct_ops",
};

const char *bl_sec_role_name(enum bl_sec_role role)
{
	if ((size_t)role >= sizeof(role_names) / sizeof(role_names[0]))
		return "?";
	return role_names[role];
}

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* What a section is for, from its type, flags and name. */
static enum bl_sec_role classify(const struct bl_section *s)
{
	if (s->index == 0)
		return BL_SEC_NULL;
	if (s->type == SHT_SYMTAB)
		return BL_SEC_SYMTAB;
	if (s->type == SHT_STRTAB)
		return BL_SEC_STRTAB;
	if (s->type == SHT_REL)
		return BL_SEC_RELOC;
	if (s->type == SHT_PROGBITS && (s->flags & SHF_EXECINSTR))
		return strcmp(s->name, ".text") ? BL_SEC_PROGRAM : BL_SEC_TEXT;
	if (!strcmp(s->name, "license"))
		return BL_SEC_LICENSE;
	if (!strcmp(s->name, "version"))
		return BL_SEC_VERSION;
	if (!strcmp(s->name, "maps"))
		return BL_SEC_LEGACY_MAPS;
	if (!strcmp(s->name, ".maps"))
		return BL_SEC_BTF_MAPS;
	if (!strcmp(s->name, ".BTF"))
		return BL_SEC_BTF;
	if (!strcmp(s->name, ".BTF.ext"))
		return BL_SEC_BTF_EXT;
	if (!strcmp(s->name, ".kconfig"))
		return BL_SEC_KCONFIG;
	if (!strcmp(s->name, ".ksyms"))
		return BL_SEC_KSYMS;
	if (has_prefix(s->name, ".struct_ops"))
		return BL_SEC_STRUCT_OPS;
	if (s->type == SHT_NOBITS && has_prefix(s->name, ".bss"))
		return BL_SEC_BSS;
	if (s->type == SHT_PROGBITS && (s->flags & SHF_ALLOC)) {
		if (has_prefix(s->name, ".rodata"))
			return BL_SEC_RODATA;
		if (has_prefix(s->name, ".data"))
			return BL_SEC_DATA;
	}
	return BL_SEC_OTHER;
}

static int check_ehdr(const unsigned char *image, size_t size, struct bl_error *e)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)image;

	if (size < sizeof(*eh) || memcmp(image, ELFMAG, SELFMAG))
		return bl_fail(e, -ENOEXEC, "not an ELF file (%zu bytes, no \\177ELF magic)", size);
	if (image[EI_CLASS] != ELFCLASS64)
		return bl_fail(e, -ENOEXEC, "ELF header offset %#x: class %u, BPF objects are"
			       " ELFCLASS64", EI_CLASS, image[EI_CLASS]);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (image[EI_DATA] != ELFDATA2LSB)
		return bl_fail(e, -ENOEXEC, "ELF header offset %#x: big-endian object (bpfeb);"
			       " rebuild with -target bpfel or bpf", EI_DATA);
#else
	if (image[EI_DATA] != ELFDATA2MSB)
		return bl_fail(e, -ENOEXEC, "ELF header offset %#x: little-endian object;"
			       " rebuild with -target bpfeb", EI_DATA);
#endif
	if (eh->e_machine != EM_BPF)
		return bl_fail(e, -ENOEXEC, "ELF header offset %#zx: machine %u is not BPF (%u);"
			       " compile with clang -target bpf",
			       offsetof(Elf64_Ehdr, e_machine), eh->e_machine, EM_BPF);
	if (eh->e_type != ET_REL)
		return bl_fail(e, -ENOEXEC, "ELF header offset %#zx: type %u, expected a"
			       " relocatable object (ET_REL, from clang -c)",
			       offsetof(Elf64_Ehdr, e_type), eh->e_type);
	if (eh->e_shentsize != sizeof(Elf64_Shdr))
		return bl_fail(e, -ENOEXEC, "ELF header offset %#zx: section header size %u,"
			       " expected %zu", offsetof(Elf64_Ehdr, e_shentsize),
			       eh->e_shentsize, sizeof(Elf64_Shdr));
	if (eh->e_shoff < sizeof(*eh) || eh->e_shoff > size)
		return bl_fail(e, -ENOEXEC, "ELF header offset %#zx: section header table at"
			       " %#llx is outside the file (%zu bytes)",
			       offsetof(Elf64_Ehdr, e_shoff), (unsigned long long)eh->e_shoff, size);
	return 0;
}

static int read_section(struct bl_elf *elf, Elf_Scn *scn, size_t shstrndx,
			struct bl_section *s, struct bl_error *e)
{
	GElf_Shdr sh;

	if (!gelf_getshdr(scn, &sh))
		return bl_fail(e, -ENOEXEC, "section %u: unreadable header: %s", s->index,
			       elf_errmsg(-1));
	s->name = elf_strptr(elf->elf, shstrndx, sh.sh_name);
	if (!s->name)
		return bl_fail(e, -ENOEXEC, "section %u: name offset %u is outside the section"
			       " name table", s->index, sh.sh_name);
	s->type = sh.sh_type;
	s->flags = sh.sh_flags;
	s->offset = sh.sh_offset;
	s->size = sh.sh_size;
	s->link = sh.sh_link;
	s->info = sh.sh_info;
	s->entsize = sh.sh_entsize;
	s->addralign = sh.sh_addralign;
	if (s->type == SHT_NOBITS || s->type == SHT_NULL)
		return 0;
	if (s->offset > elf->image_size || s->size > elf->image_size - s->offset)
		return bl_fail(e, -ENOEXEC, "section %u '%s': contents at %#llx+%#llx run past"
			       " the end of the file (%zu bytes); truncated object?", s->index,
			       s->name, (unsigned long long)s->offset,
			       (unsigned long long)s->size, elf->image_size);
	s->data = elf->image + s->offset;
	return 0;
}

static int read_sections(struct bl_elf *elf, struct bl_error *e)
{
	size_t shnum, shstrndx;
	Elf_Scn *scn;
	int err;

	if (elf_getshdrnum(elf->elf, &shnum) || elf_getshdrstrndx(elf->elf, &shstrndx))
		return bl_fail(e, -ENOEXEC, "ELF section headers unreadable: %s", elf_errmsg(-1));
	if (shnum < 2 || shnum > 65535 ||
	    shnum > (elf->image_size - ((const Elf64_Ehdr *)elf->image)->e_shoff) / sizeof(Elf64_Shdr))
		return bl_fail(e, -ENOEXEC, "ELF header offset %#zx: %u section headers at %#llx"
			       " do not fit the file (%zu bytes)", offsetof(Elf64_Ehdr, e_shnum),
			       ((const Elf64_Ehdr *)elf->image)->e_shnum,
			       (unsigned long long)((const Elf64_Ehdr *)elf->image)->e_shoff,
			       elf->image_size);
	if (shstrndx >= shnum)
		return bl_fail(e, -ENOEXEC, "ELF header: section name table index %zu is past the"
			       " last section (%zu)", shstrndx, shnum - 1);
	elf->secs = calloc(shnum, sizeof(*elf->secs));
	if (!elf->secs)
		return bl_fail(e, -ENOMEM, "out of memory for %zu sections", shnum);
	elf->nr_secs = shnum;
	for (size_t i = 0; i < shnum; i++) {
		elf->secs[i].index = i;
		scn = elf_getscn(elf->elf, i);
		if (!scn)
			return bl_fail(e, -ENOEXEC, "section %zu: %s", i, elf_errmsg(-1));
		err = read_section(elf, scn, shstrndx, &elf->secs[i], e);
		if (err)
			return err;
		elf->secs[i].role = classify(&elf->secs[i]);
	}
	return 0;
}

static int read_symbols(struct bl_elf *elf, struct bl_error *e)
{
	struct bl_section *st = NULL, *strs;
	const Elf64_Sym *raw;

	for (size_t i = 0; i < elf->nr_secs; i++) {
		if (elf->secs[i].type != SHT_SYMTAB)
			continue;
		if (st)
			return bl_fail(e, -ENOEXEC, "section %zu '%s': a second symbol table", i,
				       elf->secs[i].name);
		st = &elf->secs[i];
	}
	if (!st)
		return bl_fail(e, -ENOEXEC, "no symbol table (.symtab); was the object stripped?"
			       " BPF objects need their symbols");
	if (st->size % sizeof(Elf64_Sym) || (st->entsize && st->entsize != sizeof(Elf64_Sym)))
		return bl_fail(e, -ENOEXEC, "section %u '%s': size %llu is not a multiple of the"
			       " symbol size %zu", st->index, st->name,
			       (unsigned long long)st->size, sizeof(Elf64_Sym));
	if (st->link == 0 || st->link >= elf->nr_secs || elf->secs[st->link].type != SHT_STRTAB)
		return bl_fail(e, -ENOEXEC, "section %u '%s': linked string table %u is not a"
			       " string table", st->index, st->name, st->link);
	strs = &elf->secs[st->link];
	elf->symtab_index = st->index;
	elf->nr_syms = st->size / sizeof(Elf64_Sym);
	elf->syms = calloc(elf->nr_syms ? elf->nr_syms : 1, sizeof(*elf->syms));
	if (!elf->syms)
		return bl_fail(e, -ENOMEM, "out of memory for %zu symbols", elf->nr_syms);
	raw = (const Elf64_Sym *)st->data;
	for (size_t i = 0; i < elf->nr_syms; i++) {
		Elf64_Sym sym;
		struct bl_symbol *s = &elf->syms[i];

		memcpy(&sym, &raw[i], sizeof(sym));	/* the data may be unaligned */
		s->name = elf_strptr(elf->elf, strs->index, sym.st_name);
		if (!s->name)
			return bl_fail(e, -ENOEXEC, "section '%s' offset %#zx: symbol %zu has name"
				       " offset %u outside '%s'", st->name, i * sizeof(sym), i,
				       sym.st_name, strs->name);
		s->shndx = sym.st_shndx;
		s->type = ELF64_ST_TYPE(sym.st_info);
		s->bind = ELF64_ST_BIND(sym.st_info);
		s->value = sym.st_value;
		s->size = sym.st_size;
		if (s->shndx >= elf->nr_secs && s->shndx < SHN_LORESERVE)
			return bl_fail(e, -ENOEXEC, "section '%s' offset %#zx: symbol '%s' is in"
				       " section %u, past the last section (%zu)", st->name,
				       i * sizeof(sym), s->name, s->shndx, elf->nr_secs - 1);
	}
	return 0;
}

static int cmp_rel(const void *a, const void *b)
{
	const struct bl_rel *ra = a, *rb = b;

	return ra->offset < rb->offset ? -1 : ra->offset > rb->offset;
}

/* Attach each SHT_REL section's entries to the section they patch. */
static int read_one_relsec(struct bl_elf *elf, struct bl_section *rs, struct bl_error *e)
{
	struct bl_section *target;
	const Elf64_Rel *raw = (const Elf64_Rel *)rs->data;
	size_t n;

	if (rs->info == 0 || rs->info >= elf->nr_secs)
		return bl_fail(e, -ENOEXEC, "section %u '%s': applies to section %u, which does"
			       " not exist", rs->index, rs->name, rs->info);
	if (rs->link != elf->symtab_index)
		return bl_fail(e, -ENOEXEC, "section %u '%s': linked symbol table %u is not"
			       " .symtab (%u)", rs->index, rs->name, rs->link, elf->symtab_index);
	if (rs->size % sizeof(Elf64_Rel) || (rs->entsize && rs->entsize != sizeof(Elf64_Rel)))
		return bl_fail(e, -ENOEXEC, "section %u '%s': size %llu is not a multiple of"
			       " %zu", rs->index, rs->name, (unsigned long long)rs->size,
			       sizeof(Elf64_Rel));
	target = &elf->secs[rs->info];
	if (target->rels)
		return bl_fail(e, -ENOEXEC, "section %u '%s': section '%s' already has"
			       " relocations from section %u", rs->index, rs->name,
			       target->name, target->rel_sec);
	n = rs->size / sizeof(Elf64_Rel);
	target->rels = calloc(n ? n : 1, sizeof(*target->rels));
	if (!target->rels)
		return bl_fail(e, -ENOMEM, "out of memory for %zu relocations", n);
	target->nr_rels = n;
	target->rel_sec = rs->index;
	for (size_t i = 0; i < n; i++) {
		Elf64_Rel rel;

		memcpy(&rel, &raw[i], sizeof(rel));
		target->rels[i].offset = rel.r_offset;
		target->rels[i].sym = ELF64_R_SYM(rel.r_info);
		target->rels[i].type = ELF64_R_TYPE(rel.r_info);
		if (target->rels[i].sym >= elf->nr_syms)
			return bl_fail(e, -ENOEXEC, "section '%s' offset %#zx: relocation names"
				       " symbol %u, but the symbol table has %zu symbols", rs->name,
				       i * sizeof(rel), target->rels[i].sym, elf->nr_syms);
	}
	qsort(target->rels, n, sizeof(*target->rels), cmp_rel);
	return 0;
}

static int read_relocations(struct bl_elf *elf, struct bl_error *e)
{
	int err;

	for (size_t i = 0; i < elf->nr_secs; i++) {
		struct bl_section *s = &elf->secs[i];

		if (s->type == SHT_RELA)
			return bl_fail(e, -ENOEXEC, "section %zu '%s': RELA relocations are not used"
				       " by the BPF target; was this built by clang -target bpf?",
				       i, s->name);
		if (s->type != SHT_REL)
			continue;
		err = read_one_relsec(elf, s, e);
		if (err)
			return err;
	}
	return 0;
}

int bl_elf_open(struct bl_elf *elf, const unsigned char *image, size_t size,
		struct bl_error *e)
{
	int err;

	memset(elf, 0, sizeof(*elf));
	elf->image = image;
	elf->image_size = size;
	err = check_ehdr(image, size, e);
	if (err)
		return err;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return bl_fail(e, -ENOEXEC, "libelf: %s", elf_errmsg(-1));
	/* libelf only reads: the image is our private copy either way. */
	elf->elf = elf_memory((char *)image, size);
	if (!elf->elf)
		return bl_fail(e, -ENOEXEC, "libelf cannot read the object: %s", elf_errmsg(-1));
	err = read_sections(elf, e);
	if (!err)
		err = read_symbols(elf, e);
	if (!err)
		err = read_relocations(elf, e);
	return err;
}

void bl_elf_close(struct bl_elf *elf)
{
	if (elf->secs)
		for (size_t i = 0; i < elf->nr_secs; i++)
			free(elf->secs[i].rels);
	free(elf->secs);
	free(elf->syms);
	if (elf->elf)
		elf_end(elf->elf);
	memset(elf, 0, sizeof(*elf));
}

struct bl_section *bl_elf_section_by_name(struct bl_elf *elf, const char *name)
{
	for (size_t i = 0; i < elf->nr_secs; i++)
		if (!strcmp(elf->secs[i].name, name))
			return &elf->secs[i];
	return NULL;
}

const struct bl_rel *bl_section_rel_at(const struct bl_section *sec, __u64 off)
{
	size_t lo = 0, hi = sec->nr_rels;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sec->rels[mid].offset < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < sec->nr_rels && sec->rels[lo].offset == off)
		return &sec->rels[lo];
	return NULL;
}
