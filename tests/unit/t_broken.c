// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_broken.c - broken objects: every check the object model makes.
 *
 * Each case takes a good test object, breaks one thing in a private copy
 * (a header field, a section header, a symbol, a relocation, a BTF record,
 * a map definition...), opens it with bl_object_open_mem() and expects
 * NULL, the right errno in err.err and errno, and a message that names
 * the object, the section and/or offset, and the problem.  One TAP line
 * per case: "<case>: <first 60 characters of the message>".
 *
 * Offsets and indexes are found with gelf (objutil.h) in the copy before
 * it is broken, so nothing here depends on where clang put things.  Run
 * under ASan and UBSan, every failing open must also free everything it
 * allocated (LeakSanitizer checks at exit).
 *
 * Inputs that once hit a bug of the object model (undefined behaviour or
 * a leak, which a sanitizer reports by ending the process) run in a
 * child process (isolate.h), so a regression fails only their line.
 */
#include <stdarg.h>

#include <bpfload.h>
#include "object/object.h"
#include "object/btf.h"
#include "object/btf_ext.h"

#include "objutil.h"
#include "isolate.h"

#define INSN_LD_IMM64	(BPF_LD | BPF_IMM | BPF_DW)
#define INSN_CALL	(BPF_JMP | BPF_CALL)

#define BROKEN		"broken"	/* the object name in every message */

static const struct bl_open_opts def_opts = { .name = BROKEN };
static const struct bl_open_opts nobtf_opts = { .name = BROKEN, .no_btf = true };

/* ---- test objects, read once ---------------------------------------------------- */

static struct {
	const char *name;
	struct img im;
} cache[16];

/* A private copy of test object name. */
static struct img get(const char *name)
{
	size_t i;

	for (i = 0; i < OU_ARRAY_SIZE(cache) && cache[i].name; i++)
		if (!strcmp(cache[i].name, name))
			return ou_copy(&cache[i].im);
	if (i == OU_ARRAY_SIZE(cache))
		tap_bail("too many test objects");
	cache[i].name = name;
	cache[i].im = ou_read(name);
	return ou_copy(&cache[i].im);
}

/* printf into one of a few rotating buffers (for expected words). */
static const char *__attribute__((format(printf, 1, 2))) S(const char *fmt, ...)
{
	static char bufs[8][256];
	static unsigned int next;
	char *b = bufs[next++ % OU_ARRAY_SIZE(bufs)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(bufs[0]), fmt, ap);
	va_end(ap);
	return b;
}

/*
 * Open im (then free it): NULL expected, with err and the words (NULL
 * ends the list).  The message must start with the object name.
 */
static void expect_opts(struct img *im, const struct bl_open_opts *opts, const char *what,
			int err, const char *w1, const char *w2, const char *w3)
{
	const char *words[] = { w1, w2, w3 };
	struct bl_error e;
	struct bl_object *o;
	const char *msg;
	size_t plen = strlen(BROKEN ": ");
	bool good;

	memset(&e, 0x5a, sizeof(e));	/* open must set all of it */
	errno = 0;
	o = bl_object_open_mem(im->buf, im->size, opts, &e);
	msg = strnlen(e.msg, sizeof(e.msg)) < sizeof(e.msg) ? e.msg : "(unterminated)";
	good = !o && e.err == err && errno == -err && !strncmp(msg, BROKEN ": ", plen);
	for (size_t i = 0; i < OU_ARRAY_SIZE(words) && words[i]; i++)
		good = good && strstr(msg, words[i]);
	ok(good, "%s: %.60s", what, strncmp(msg, BROKEN ": ", plen) ? msg : msg + plen);
	if (!good) {
		tap_diag("  got %s, err %d, errno %d: %s", o ? "an object" : "NULL", e.err, errno,
			 msg);
		tap_diag("  expected err %d and:", err);
		for (size_t i = 0; i < OU_ARRAY_SIZE(words) && words[i]; i++)
			tap_diag("    '%s'", words[i]);
	}
	bl_object_close(o);
	ou_free(im);
}

static void expect(struct img *im, const char *what, int err, const char *w1, const char *w2,
		   const char *w3)
{
	expect_opts(im, &def_opts, what, err, w1, w2, w3);
}

/* ---- inputs that once hit bugs: open in a child ---------------------------------------- */

static struct img isolated_img;
static bool isolated_must_fail;

static int open_close_isolated(void *arg)
{
	struct bl_error e;
	struct bl_object *o = bl_object_open_mem(isolated_img.buf, isolated_img.size, &def_opts, &e);
	int bad = isolated_must_fail && o;

	(void)arg;
	bl_object_close(o);
	ou_free(&isolated_img);
	return bad;
}

/* An object with an extern opens, and its first program records the
 * reference (kind, symbol) for the loader to resolve. */
static void expect_extern(struct img *im, const char *what, enum bl_reloc_kind kind,
			  const char *sym)
{
	struct bl_error e;
	struct bl_object *o = bl_object_open_mem(im->buf, im->size, &def_opts, &e);
	const struct bl_program *p = o ? bl_object_program(o, 0) : NULL;
	bool found = false;

	for (size_t i = 0; p && i < bl_program_reloc_count(p); i++) {
		const struct bl_reloc_info *r = bl_program_reloc(p, i);

		found |= r->kind == kind && r->symbol && !strcmp(r->symbol, sym);
	}
	ok(o && found, "%s: opens, with a reference to '%s' to resolve at load", what, sym);
	if (!o)
		tap_diag("  %s", e.msg);
	bl_object_close(o);
	ou_free(im);
}

/* Passes when opening im is clean under the sanitizers (and, with
 * must_fail, refused). */
static void expect_clean(struct img *im, bool must_fail, const char *what)
{
	isolated_img = *im;
	isolated_must_fail = must_fail;
	ok_isolated(open_close_isolated, NULL, what);
	ou_free(im);
}

/* ---- small mutators ------------------------------------------------------------------- */

static void set_shdr_field(struct img *im, int idx, size_t field_off, size_t field_size,
			   __u64 v)
{
	Elf64_Shdr sh = ou_shdr(im, idx);

	memcpy((unsigned char *)&sh + field_off, &v, field_size);
	ou_set_shdr(im, idx, &sh);
}

#define SET_SH(im, idx, field, v)						\
	set_shdr_field(im, idx, offsetof(Elf64_Shdr, field),			\
		       sizeof(((Elf64_Shdr *)0)->field), v)

static void set_sym(struct img *im, int idx, int shndx, __u64 value, __u64 size)
{
	Elf64_Sym s = ou_symbol(im, idx);

	if (shndx >= 0)
		s.st_shndx = shndx;
	if (value != (__u64)-1)
		s.st_value = value;
	if (size != (__u64)-1)
		s.st_size = size;
	ou_set_symbol(im, idx, &s);
}

#define KEEP ((__u64)-1)

/* Relocation i of the SHT_REL section for section target. */
static void set_rel(struct img *im, int target, int i, __s64 off, long sym, long type)
{
	int rs = ou_relsec_for(im, target);
	Elf64_Rel r = ou_rel(im, rs, i);

	if (off >= 0)
		r.r_offset = off;
	r.r_info = ELF64_R_INFO(sym >= 0 ? (__u64)sym : ELF64_R_SYM(r.r_info),
				type >= 0 ? (__u64)type : ELF64_R_TYPE(r.r_info));
	ou_set_rel(im, rs, i, &r);
}

/* The instruction at byte off of section sec. */
static struct bpf_insn get_insn(const struct img *im, int sec, size_t off)
{
	struct bpf_insn in;

	memcpy(&in, ou_data(im, sec) + off, sizeof(in));
	return in;
}

static void put_insn(struct img *im, int sec, size_t off, const struct bpf_insn *in)
{
	memcpy(ou_data(im, sec) + off, in, sizeof(*in));
}

/* Rewrite the FILE symbol (unused by the loader) as a NOTYPE symbol. */
static int hijack_file_symbol(struct img *im, int shndx, __u64 value)
{
	for (size_t i = 0; i < ou_nsyms(im); i++) {
		Elf64_Sym s = ou_symbol(im, i);

		if (ELF64_ST_TYPE(s.st_info) == STT_FILE) {
			s.st_info = ELF64_ST_INFO(STB_LOCAL, STT_NOTYPE);
			s.st_shndx = shndx;
			s.st_value = value;
			ou_set_symbol(im, i, &s);
			return i;
		}
	}
	tap_bail("no FILE symbol");
}

/* ---- BTF of an object ------------------------------------------------------------------ */

struct obtf {
	struct bl_btf *btf;
	size_t base;			/* file offset of .BTF's contents */
};

static struct obtf obtf_open(const struct img *im)
{
	int sec = ou_sec(im, ".BTF");
	struct obtf b = { NULL, ou_shdr(im, sec).sh_offset };
	struct bl_error e;

	if (bl_btf_parse(ou_data(im, sec), ou_shdr(im, sec).sh_size, NULL, ".BTF", &b.btf, &e))
		tap_bail("test object .BTF: %s", e.msg);
	return b;
}

/* File offset of something inside the parsed copy. */
static size_t obtf_off(const struct obtf *b, const void *p)
{
	return b->base + ((const unsigned char *)p - b->btf->data);
}

/* The member of the definition struct of BTF map var. */
static const struct btf_member *map_member(const struct obtf *b, const char *var,
					   const char *member)
{
	__u32 id = bl_btf_find(b->btf, var, BTF_KIND_VAR);
	const struct btf_type *st = id ? bl_btf_resolve(b->btf, bl_btf_type(b->btf, id)->type,
							NULL) : NULL;
	const struct btf_member *m;

	if (!st || bl_btf_kind(st) != BTF_KIND_STRUCT)
		tap_bail("no BTF map %s", var);
	m = bl_btf_extra(st);
	for (__u32 i = 0; i < bl_btf_vlen(st); i++)
		if (!strcmp(bl_btf_str(b->btf, m[i].name_off), member))
			return &m[i];
	tap_bail("BTF map %s has no member %s", var, member);
}

/* The offset of string s in the BTF's strings. */
static __u32 obtf_str(const struct obtf *b, const char *s)
{
	for (__u32 off = 1; off < b->btf->strs_len; off += strlen(b->btf->strs + off) + 1)
		if (!strcmp(b->btf->strs + off, s))
			return off;
	tap_bail("no BTF string '%s'", s);
}

/* The ARRAY behind "int (*name)[N]" of a BTF map member. */
static const struct btf_array *uint_array(const struct obtf *b, const struct btf_member *m)
{
	const struct btf_type *ptr = bl_btf_type(b->btf, m->type);
	const struct btf_type *arr = bl_btf_type(b->btf, ptr->type);

	return bl_btf_extra(arr);
}

static void patch32(struct img *im, size_t off, __u32 v)
{
	memcpy(im->buf + off, &v, sizeof(v));
}

/* ---- the cases ----------------------------------------------------------------------- */

static void elf_header_cases(void)
{
	struct img im;
	Elf64_Ehdr eh;
	size_t shoff;

	im = get("sock_xdp");
	shoff = ou_ehdr(&im).e_shoff;
	ou_free(&im);

	im = get("sock_xdp");
	im.size = 0;
	expect(&im, "empty file", -ENOEXEC, "not an ELF file (0 bytes", NULL, NULL);
	im = get("sock_xdp");
	im.size = 4;
	expect(&im, "truncated to 4 bytes", -ENOEXEC, "not an ELF file (4 bytes", NULL, NULL);
	im = get("sock_xdp");
	im.size = sizeof(Elf64_Ehdr) - 1;
	expect(&im, "truncated to 63 bytes", -ENOEXEC, "not an ELF file (63 bytes", NULL, NULL);
	im = get("sock_xdp");
	im.size = 1000;
	expect(&im, "truncated to 1000 bytes (headers cut off)", -ENOEXEC,
	       "ELF header offset 0x28", S("section header table at %#zx is outside the file"
					   " (1000 bytes)", shoff), NULL);
	im = get("sock_xdp");
	im.size = shoff + 3 * sizeof(Elf64_Shdr);
	expect(&im, "truncated in the section headers", -ENOEXEC,
	       "ELF header offset 0x3c: ", "section headers at", "do not fit the file");
	im = get("sock_xdp");
	im.size = shoff + 29 * sizeof(Elf64_Shdr) - 1;
	expect(&im, "truncated by one byte", -ENOEXEC,
	       "ELF header offset 0x3c: ", "section headers at", "do not fit the file");

	im = get("sock_xdp");
	im.buf[1] = 'e';
	expect(&im, "bad ELF magic", -ENOEXEC, "not an ELF file", "no \\177ELF magic", NULL);
	im = get("sock_xdp");
	im.buf[EI_CLASS] = ELFCLASS32;
	expect(&im, "ELFCLASS32", -ENOEXEC, "ELF header offset 0x4: class 1",
	       "BPF objects are ELFCLASS64", NULL);
	im = get("sock_xdp");
	im.buf[EI_DATA] = ELFDATA2MSB;
	expect(&im, "big-endian EI_DATA", -ENOEXEC, "ELF header offset 0x5: big-endian object",
	       NULL, NULL);
	im = get("sock_xdp");
	eh = ou_ehdr(&im);
	eh.e_machine = EM_X86_64;
	ou_set_ehdr(&im, &eh);
	expect(&im, "e_machine x86-64", -ENOEXEC, "ELF header offset 0x12: machine 62 is not BPF"
	       " (247)", NULL, NULL);
	im = get("sock_xdp");
	eh = ou_ehdr(&im);
	eh.e_type = ET_EXEC;
	ou_set_ehdr(&im, &eh);
	expect(&im, "ET_EXEC", -ENOEXEC, "ELF header offset 0x10: type 2",
	       "expected a relocatable object", NULL);
	im = get("sock_xdp");
	eh = ou_ehdr(&im);
	eh.e_shentsize = 40;
	ou_set_ehdr(&im, &eh);
	expect(&im, "e_shentsize 40", -ENOEXEC, "ELF header offset 0x3a: section header size 40,"
	       " expected 64", NULL, NULL);
	im = get("sock_xdp");
	eh = ou_ehdr(&im);
	eh.e_shoff = im.size + 64;
	ou_set_ehdr(&im, &eh);
	expect(&im, "e_shoff past the end", -ENOEXEC, "ELF header offset 0x28",
	       S("section header table at %#zx is outside the file (%zu bytes)", im.size + 64,
		 im.size), NULL);
	im = get("sock_xdp");
	eh = ou_ehdr(&im);
	eh.e_shoff = 8;
	ou_set_ehdr(&im, &eh);
	expect(&im, "e_shoff inside the ELF header", -ENOEXEC, "ELF header offset 0x28",
	       "section header table at 0x8 is outside the file", NULL);
	im = get("sock_xdp");
	eh = ou_ehdr(&im);
	eh.e_shnum = 0xffff;
	ou_set_ehdr(&im, &eh);
	expect(&im, "e_shnum 0xffff (huge count)", -ENOEXEC,
	       "ELF header offset 0x3c: ", "section headers at", "do not fit the file");
	im = get("sock_xdp");
	eh = ou_ehdr(&im);
	eh.e_shnum = 1;
	eh.e_shstrndx = 0;
	ou_set_ehdr(&im, &eh);
	expect(&im, "a single section header", -ENOEXEC,
	       "ELF header offset 0x3c: 1 section headers at", "do not fit the file", NULL);
	im = get("sock_xdp");
	eh = ou_ehdr(&im);
	eh.e_shstrndx = 29;
	ou_set_ehdr(&im, &eh);
	expect(&im, "e_shstrndx 29 of 29 sections", -ENOEXEC,
	       "ELF header: section name table index 29 is past the last section (28)", NULL,
	       NULL);
	im = get("sock_xdp");
	eh = ou_ehdr(&im);
	eh.e_shstrndx = ou_shndx_type(&im, SHT_SYMTAB);
	ou_set_ehdr(&im, &eh);
	expect(&im, "e_shstrndx names the symbol table", -ENOEXEC,
	       "section 0: name offset 0 is outside the section name table", NULL, NULL);
}

static void section_cases(void)
{
	struct img im;
	int idx;

	im = get("sock_xdp");
	idx = ou_sec(&im, ".maps");
	SET_SH(&im, idx, sh_size, 0x100000);
	expect(&im, "section contents past the end of the file", -ENOEXEC,
	       S("section %d '.maps': contents at %#llx+0x100000 run past the end of the file"
		 " (%zu bytes)", idx, (unsigned long long)ou_shdr(&im, idx).sh_offset, im.size),
	       "truncated object?", NULL);
	im = get("sock_xdp");
	idx = ou_sec(&im, "xdp");
	/* an escape sequence in the name: ESC and BEL become '?' in messages */
	im.buf[ou_shdr(&im, ou_ehdr(&im).e_shstrndx).sh_offset + ou_shdr(&im, idx).sh_name] = 0x1b;
	im.buf[ou_shdr(&im, ou_ehdr(&im).e_shstrndx).sh_offset + ou_shdr(&im, idx).sh_name + 2] = 7;
	SET_SH(&im, idx, sh_size, 0x100000);
	expect(&im, "section name with control bytes: shown as '?'", -ENOEXEC,
	       S("section %d '?d?': contents at", idx), NULL, NULL);
	im = get("sock_xdp");
	idx = ou_sec(&im, "xdp");
	SET_SH(&im, idx, sh_offset, 0xffffffffffffff00ULL);
	expect(&im, "section offset near 2^64", -ENOEXEC,
	       S("section %d 'xdp': contents at 0xffffffffffffff00+0xb8 run past the end", idx),
	       NULL, NULL);
	im = get("sock_xdp");
	idx = ou_sec(&im, "license");
	SET_SH(&im, idx, sh_name, 0x7fffffff);
	expect(&im, "section name offset outside .strtab", -ENOEXEC,
	       S("section %d: name offset 2147483647 is outside the section name table", idx),
	       NULL, NULL);
	im = get("sock_xdp");
	idx = ou_sec(&im, ".BTF");
	SET_SH(&im, idx, sh_type, SHT_NOBITS);
	expect(&im, ".BTF without contents (SHT_NOBITS)", -EINVAL,
	       "section '.BTF' has no contents", NULL, NULL);
	im = get("sock_xdp");
	idx = ou_sec(&im, ".BTF.ext");
	SET_SH(&im, idx, sh_type, SHT_NOBITS);
	expect(&im, ".BTF.ext without contents (SHT_NOBITS)", -EINVAL,
	       "section '.BTF.ext' has no contents", NULL, NULL);
}

static void symbol_cases(void)
{
	struct img im;
	int st, idx;

	im = get("sock_xdp");
	st = ou_shndx_type(&im, SHT_SYMTAB);
	SET_SH(&im, st, sh_type, SHT_PROGBITS);
	expect(&im, "no .symtab (stripped)", -ENOEXEC, "no symbol table (.symtab)",
	       "was the object stripped?", NULL);
	im = get("sock_xdp");
	st = ou_shndx_type(&im, SHT_SYMTAB);
	idx = ou_sec(&im, ".debug_abbrev");
	SET_SH(&im, idx, sh_type, SHT_SYMTAB);
	expect(&im, "two symbol tables", -ENOEXEC,
	       S("section %d '%s': a second symbol table", idx > st ? idx : st,
		 idx > st ? ".debug_abbrev" : ".symtab"), NULL, NULL);
	im = get("sock_xdp");
	st = ou_shndx_type(&im, SHT_SYMTAB);
	SET_SH(&im, st, sh_size, ou_shdr(&im, st).sh_size - 1);
	expect(&im, "symtab size not a multiple of 24", -ENOEXEC,
	       S("section %d '.symtab': size %llu is not a multiple of the symbol size 24", st,
		 (unsigned long long)ou_shdr(&im, st).sh_size), NULL, NULL);
	im = get("sock_xdp");
	st = ou_shndx_type(&im, SHT_SYMTAB);
	SET_SH(&im, st, sh_entsize, 16);
	expect(&im, "symtab entsize 16", -ENOEXEC,
	       S("section %d '.symtab': size", st), "is not a multiple of the symbol size 24",
	       NULL);
	im = get("sock_xdp");
	st = ou_shndx_type(&im, SHT_SYMTAB);
	SET_SH(&im, st, sh_size, 0x10000000);
	expect(&im, "symtab of 0x10000000 bytes (huge count)", -ENOEXEC,
	       S("section %d '.symtab': contents at", st), "run past the end of the file", NULL);
	im = get("sock_xdp");
	st = ou_shndx_type(&im, SHT_SYMTAB);
	SET_SH(&im, st, sh_link, 0);
	expect(&im, "symtab sh_link 0", -ENOEXEC,
	       S("section %d '.symtab': linked string table 0 is not a string table", st), NULL,
	       NULL);
	im = get("sock_xdp");
	st = ou_shndx_type(&im, SHT_SYMTAB);
	SET_SH(&im, st, sh_link, ou_sec(&im, "xdp"));
	expect(&im, "symtab sh_link to a code section", -ENOEXEC,
	       S("linked string table %d is not a string table", ou_sec(&im, "xdp")), NULL, NULL);
	im = get("sock_xdp");
	idx = ou_sym(&im, "xdp_count");
	{
		Elf64_Sym s = ou_symbol(&im, idx);

		s.st_name = 0x7ffffff0;
		ou_set_symbol(&im, idx, &s);
	}
	expect(&im, "symbol name offset outside .strtab", -ENOEXEC,
	       S("section '.symtab' offset %#zx: symbol %d has name offset 2147483632 outside"
		 " '.strtab'", idx * sizeof(Elf64_Sym), idx), NULL, NULL);
	im = get("sock_xdp");
	idx = ou_sym(&im, "xdp_count");
	set_sym(&im, idx, 200, KEEP, KEEP);
	expect(&im, "symbol st_shndx past the last section", -ENOEXEC,
	       S("section '.symtab' offset %#zx: symbol 'xdp_count' is in section 200, past the"
		 " last section (28)", idx * sizeof(Elf64_Sym)), NULL, NULL);
}

static void relsec_cases(void)
{
	struct img im;
	int xdp, rs, bt;

	im = get("sock_xdp");
	xdp = ou_sec(&im, "xdp");
	rs = ou_relsec_for(&im, xdp);
	SET_SH(&im, rs, sh_info, 200);
	expect(&im, "relocation section for section 200", -ENOEXEC,
	       S("section %d '.relxdp': applies to section 200, which does not exist", rs), NULL,
	       NULL);
	im = get("sock_xdp");
	rs = ou_relsec_for(&im, ou_sec(&im, "xdp"));
	SET_SH(&im, rs, sh_info, 0);
	expect(&im, "relocation section for section 0", -ENOEXEC,
	       S("section %d '.relxdp': applies to section 0, which does not exist", rs), NULL,
	       NULL);
	im = get("sock_xdp");
	rs = ou_relsec_for(&im, ou_sec(&im, "xdp"));
	SET_SH(&im, rs, sh_link, 1);
	expect(&im, "relocation sh_link not the symtab", -ENOEXEC,
	       S("section %d '.relxdp': linked symbol table 1 is not .symtab (%d)", rs,
		 ou_shndx_type(&im, SHT_SYMTAB)), NULL, NULL);
	im = get("sock_xdp");
	rs = ou_relsec_for(&im, ou_sec(&im, "xdp"));
	SET_SH(&im, rs, sh_size, 15);
	expect(&im, "relocation section of 15 bytes", -ENOEXEC,
	       S("section %d '.relxdp': size 15 is not a multiple of 16", rs), NULL, NULL);
	im = get("sock_xdp");
	rs = ou_relsec_for(&im, ou_sec(&im, "xdp"));
	SET_SH(&im, rs, sh_entsize, 24);
	expect(&im, "relocation entsize 24 (Elf64_Rela)", -ENOEXEC,
	       S("section %d '.relxdp': size 16 is not a multiple of 16", rs), NULL, NULL);
	im = get("sock_xdp");
	rs = ou_relsec_for(&im, ou_sec(&im, "xdp"));
	SET_SH(&im, rs, sh_size, 16ULL << 40);
	expect(&im, "2^40 relocations (huge count)", -ENOEXEC,
	       S("section %d '.relxdp': contents at", rs), "run past the end of the file", NULL);
	im = get("sock_xdp");
	rs = ou_relsec_for(&im, ou_sec(&im, "xdp"));
	SET_SH(&im, rs, sh_type, SHT_RELA);
	expect(&im, "SHT_RELA section", -ENOEXEC,
	       S("section %d '.relxdp': RELA relocations are not used by the BPF target", rs),
	       NULL, NULL);
	im = get("sock_xdp");
	xdp = ou_sec(&im, "xdp");
	set_rel(&im, xdp, 0, -1, 1000, -1);
	expect(&im, "relocation symbol index 1000", -ENOEXEC,
	       "section '.relxdp' offset 0: relocation names symbol 1000, but the symbol table"
	       " has 19 symbols", NULL, NULL);
	im = get("sock_xdp");
	xdp = ou_sec(&im, "xdp");
	set_rel(&im, xdp, 0, -1, 0xffffffffL, -1);
	expect(&im, "relocation symbol index 0xffffffff", -ENOEXEC,
	       "relocation names symbol 4294967295, but the symbol table has", NULL, NULL);
	im = get("sock_xdp");
	xdp = ou_sec(&im, "xdp");
	bt = ou_relsec_for(&im, ou_sec(&im, ".BTF"));
	SET_SH(&im, bt, sh_info, xdp);
	expect(&im, "two relocation sections for 'xdp'", -ENOEXEC,
	       S("section %d '.rel.BTF': section 'xdp' already has relocations from section %d",
		 bt, ou_relsec_for(&im, xdp)), NULL, NULL);
}

static void code_reloc_cases(void)
{
	struct img im;
	int xdp, insn = -1;

	im = get("sock_xdp");
	xdp = ou_sec(&im, "xdp");
	set_rel(&im, xdp, 0, 0x1000, -1, -1);
	expect(&im, "relocation offset outside the code section", -EINVAL,
	       "section 'xdp' offset 0x1000: relocation 0 (type 1) is misaligned or outside the"
	       " section", NULL, NULL);
	im = get("sock_xdp");
	xdp = ou_sec(&im, "xdp");
	set_rel(&im, xdp, 0, 0xb8, -1, -1);
	expect(&im, "relocation offset at the section end", -EINVAL,
	       "section 'xdp' offset 0xb8: relocation 0", "misaligned or outside", NULL);
	im = get("sock_xdp");
	xdp = ou_sec(&im, "xdp");
	set_rel(&im, xdp, 0, 0x71, -1, -1);
	expect(&im, "misaligned relocation offset", -EINVAL,
	       "section 'xdp' offset 0x71: relocation 0 (type 1) is misaligned", NULL, NULL);
	im = get("sock_xdp");
	xdp = ou_sec(&im, "xdp");
	set_rel(&im, xdp, 0, -1, -1, 3);
	expect(&im, "R_BPF_64_ABS32 in code", -EINVAL,
	       "section 'xdp' offset 0x70: relocation 0 (type 3) has a type that is not valid in"
	       " code", NULL, NULL);
	im = get("sock_xdp");
	xdp = ou_sec(&im, "xdp");
	set_rel(&im, xdp, 0, -1, -1, 0xffffffffL);
	expect(&im, "relocation type 0xffffffff in code", -EINVAL,
	       "relocation 0 (type 4294967295) has a type that is not valid in code", NULL, NULL);

	/* R_BPF_64_64 on an instruction that is neither ld_imm64 nor call */
	im = get("sock_xdp");
	xdp = ou_sec(&im, "xdp");
	for (int i = 0; i < 23 && insn < 0; i++) {
		struct bpf_insn in = get_insn(&im, xdp, i * 8);

		if (in.code != INSN_LD_IMM64 && in.code != INSN_CALL && i != 15)
			insn = i;
	}
	set_rel(&im, xdp, 0, insn * 8, -1, -1);
	expect(&im, "R_BPF_64_64 on a load instruction", -EINVAL,
	       S("program 'xdp_count': section 'xdp' offset %#x (insn %d): a relocation targets"
		 " an instruction (opcode %#04x) that is neither ld_imm64 nor call", insn * 8,
		 insn, get_insn(&cache[0].im, ou_sec(&cache[0].im, "xdp"), insn * 8).code), NULL,
	       NULL);
	im = get("sock_xdp");
	xdp = ou_sec(&im, "xdp");
	set_rel(&im, xdp, 0, 0x80, -1, -1);		/* insn 16: call 1 */
	expect(&im, "relocation on a helper call (against a map)", -EINVAL,
	       "section 'xdp' offset 0x80 (insn 16): a call with a relocation against"
	       " 'proto_count', which is neither a subprogram nor an extern kernel function",
	       NULL, NULL);
	im = get("sock_xdp");
	xdp = ou_sec(&im, "xdp");
	set_rel(&im, xdp, 0, 0x78, -1, -1);
	expect(&im, "relocation on the second half of an ld_imm64", -EINVAL,
	       "program 'xdp_count': section 'xdp' offset 0x78 (insn 15): a relocation targets"
	       " the second half of an ld_imm64", NULL, NULL);
	im = get("sock_xdp");
	xdp = ou_sec(&im, "xdp");
	set_rel(&im, xdp, 0, -1, -1, BL_R_BPF_64_32);
	expect(&im, "R_BPF_64_32 on an ld_imm64", -EINVAL,
	       "section 'xdp' offset 0x70 (insn 14): ld_imm64 carries a relocation that is not"
	       " R_BPF_64_64", NULL, NULL);
	im = get("sock_xdp");
	xdp = ou_sec(&im, "xdp");
	set_rel(&im, xdp, 0, -1, ou_sym(&im, "_license"), -1);
	expect(&im, "ld_imm64 of a symbol in 'license'", -EINVAL,
	       "offset 0x70 (insn 14): '_license' is in section 'license', which is neither a map"
	       " nor global data", NULL, NULL);
	im = get("sock_xdp");
	xdp = ou_sec(&im, "xdp");
	set_rel(&im, xdp, 0, -1, ou_secsym(&im, ou_sec(&im, ".debug_abbrev")), -1);
	expect(&im, "ld_imm64 of a debug section", -EINVAL,
	       "'.debug_abbrev' is in section '.debug_abbrev', which is neither a map nor global"
	       " data", NULL, NULL);
	im = get("sock_xdp");
	xdp = ou_sec(&im, "xdp");
	set_rel(&im, xdp, 0, -1, 1, -1);		/* the FILE symbol, SHN_ABS */
	expect(&im, "ld_imm64 of an SHN_ABS symbol", -EINVAL,
	       "offset 0x70 (insn 14): 'sock_xdp.c' is in a special section index, not a map or"
	       " data", NULL, NULL);
	im = get("sock_xdp");
	xdp = ou_sec(&im, "xdp");
	{
		struct bpf_insn in = get_insn(&im, xdp, 0x70);

		in.imm = 4;
		put_insn(&im, xdp, 0x70, &in);
	}
	expect(&im, "map reference 4 bytes into the definition", -EINVAL,
	       "offset 0x70 (insn 14): 'proto_count' does not name the start of a map definition"
	       " in '.maps'", NULL, NULL);
	im = get("sock_xdp");
	set_sym(&im, ou_sym(&im, "xdp_count"), -1, KEEP, 15 * 8);
	expect(&im, "ld_imm64 as the last instruction of a function", -EINVAL,
	       "section 'xdp' offset 0x70 (insn 14): ld_imm64 is the last instruction of"
	       " 'xdp_count'", NULL, NULL);
}

/*
 * sock_xdp.o with section "xdp" moved to the end of a larger image and
 * grown to n instructions: xdp_count's own 23, then "w0 = 2" up to the
 * last, an exit.
 */
static struct img big_program(size_t n)
{
	struct img im = get("sock_xdp"), big;
	int xdp = ou_sec(&im, "xdp");
	Elf64_Shdr sh = ou_shdr(&im, xdp);
	struct bpf_insn mov = { .code = BPF_ALU | BPF_MOV | BPF_K, .imm = 2 };
	struct bpf_insn ex = { .code = BPF_JMP | BPF_EXIT };
	size_t at = (im.size + 7) & ~(size_t)7;

	big.size = at + n * 8;
	big.buf = calloc(1, big.size);
	if (!big.buf)
		tap_bail("out of memory");
	memcpy(big.buf, im.buf, im.size);
	memcpy(big.buf + at, im.buf + sh.sh_offset, sh.sh_size);
	for (size_t i = sh.sh_size / 8; i < n - 1; i++)
		memcpy(big.buf + at + i * 8, &mov, 8);
	memcpy(big.buf + at + (n - 1) * 8, &ex, 8);
	sh.sh_offset = at;
	sh.sh_size = n * 8;
	ou_set_shdr(&big, xdp, &sh);
	set_sym(&big, ou_sym(&big, "xdp_count"), -1, KEEP, n * 8);
	ou_free(&im);
	return big;
}

static void limit_cases(void)
{
	struct img im;
	struct bl_object *o;
	struct bl_error e;

	im = big_program((1U << 20) + 1);
	expect(&im, "program of 2^20 + 1 instructions", -E2BIG,
	       "program 'xdp_count': more than 1048576 instructions with its subprograms, the"
	       " kernel's limit", NULL, NULL);
	im = big_program(1U << 20);
	o = bl_object_open_mem(im.buf, im.size, &def_opts, &e);
	ok(o && bl_program_insn_count(bl_object_find_program(o, "xdp_count")) == 1U << 20 &&
	   bl_program_reloc_count(bl_object_find_program(o, "xdp_count")) == 1,
	   "program of 2^20 instructions: opens, 1048576 insns, 1 relocation");
	bl_object_close(o);
	ou_free(&im);
}

static void function_cases(void)
{
	struct img im;
	int sock, text;

	im = get("subprogs");
	set_sym(&im, ou_sym(&im, "sub_leaf"), -1, 0x9c, KEEP);
	expect(&im, "function symbol misaligned", -ENOEXEC,
	       "section '.text' offset 0x9c: function 'sub_leaf' (size 32) is not aligned to"
	       " 8-byte instructions", NULL, NULL);
	im = get("subprogs");
	set_sym(&im, ou_sym(&im, "sub_leaf"), -1, KEEP, 30);
	expect(&im, "function size not a multiple of 8", -ENOEXEC,
	       "section '.text' offset 0x98: function 'sub_leaf' (size 30) is not aligned", NULL,
	       NULL);
	im = get("subprogs");
	set_sym(&im, ou_sym(&im, "sub_leaf"), -1, KEEP, 0x1000);
	expect(&im, "function running past its section", -ENOEXEC,
	       "section '.text' offset 0x98: function 'sub_leaf' (size 4096) runs past the end of"
	       " the section (184 bytes)", NULL, NULL);
	im = get("subprogs");
	set_sym(&im, ou_sym(&im, "sub_leaf"), -1, 0xfffffffffffffff8ULL, KEEP);
	expect(&im, "function at offset 2^64 - 8", -ENOEXEC,
	       "offset 0xfffffffffffffff8: function 'sub_leaf' (size 32) runs past the end", NULL,
	       NULL);
	im = get("subprogs");
	set_sym(&im, ou_sym(&im, "sub_leaf"), -1, KEEP, 0);
	expect(&im, "function of size 0", -ENOEXEC,
	       "section '.text' offset 0x98: function 'sub_leaf' has size 0", NULL, NULL);
	im = get("subprogs");
	set_sym(&im, ou_sym(&im, "sub_top"), -1, 0x10, KEEP);
	expect(&im, "overlapping functions", -ENOEXEC,
	       "section '.text' offset 0x10: function 'sub_top' overlaps 'sub_global'", NULL, NULL);
	im = get("subprogs");
	set_sym(&im, ou_sym(&im, "sub_leaf"), ou_sec(&im, "license"), KEEP, KEEP);
	expect(&im, "function in a non-executable section", -ENOEXEC,
	       "symbol 'sub_leaf': a function in section 'license', which is not executable",
	       NULL, NULL);

	/* calls */
	im = get("subprogs");
	sock = ou_sec(&im, "socket");
	{
		struct bpf_insn in = get_insn(&im, sock, 8);	/* call .text + (2 + 1) */

		in.imm = 3;				/* insn 4: inside sub_top */
		put_insn(&im, sock, 8, &in);
	}
	expect(&im, "call into the middle of a function", -EINVAL,
	       "program 'sock_calls': section 'socket' offset 0x8 (insn 1): call target in '.text'"
	       " is not the start of a function", NULL, NULL);
	im = get("subprogs");
	sock = ou_sec(&im, "socket");
	{
		struct bpf_insn in = get_insn(&im, sock, 8);

		in.imm = 1000;
		put_insn(&im, sock, 8, &in);
	}
	expect(&im, "call past the end of .text", -EINVAL,
	       "section 'socket' offset 0x8 (insn 1): call target is outside section '.text'",
	       NULL, NULL);
	im = get("subprogs");
	sock = ou_sec(&im, "socket");
	{
		struct bpf_insn in = get_insn(&im, sock, 8);

		in.imm = -100;
		put_insn(&im, sock, 8, &in);
	}
	expect(&im, "call before the start of .text", -EINVAL,
	       "offset 0x8 (insn 1): call target is outside section '.text'", NULL, NULL);
	im = get("subprogs");
	sock = ou_sec(&im, "socket");
	set_rel(&im, sock, 0, -1, -1, BL_R_BPF_64_64);
	expect(&im, "call with R_BPF_64_64", -EINVAL,
	       "section 'socket' offset 0x8 (insn 1): a call carries a relocation that is not"
	       " R_BPF_64_32", NULL, NULL);
	im = get("subprogs");
	sock = ou_sec(&im, "socket");
	set_rel(&im, sock, 0, -1, ou_sym(&im, "_license"), -1);
	expect(&im, "call of a symbol in 'license'", -EINVAL,
	       "offset 0x8 (insn 1): call target is in section 'license', which is not code",
	       NULL, NULL);
	/* externs are not broken: they open with a reference to resolve at load */
	im = get("unit_kfunc");
	expect_extern(&im, "call of an undefined function (kfunc extern)", BL_RELOC_KFUNC,
		      "bpf_unit_test_kfunc");
	im = get("unit_kfunc");
	{
		int tc = ou_sec(&im, "tc");
		struct bpf_insn in = get_insn(&im, tc, 8);

		in.src_reg = 0;
		put_insn(&im, tc, 8, &in);
	}
	expect_extern(&im, "kfunc call with src_reg 0", BL_RELOC_KFUNC, "bpf_unit_test_kfunc");
	im = get("unit_kconfig");
	expect_extern(&im, "ld_imm64 of a .kconfig extern", BL_RELOC_KCONFIG,
		      "LINUX_KERNEL_VERSION");

	/* a call inside .text, without a relocation, to the middle of a function */
	im = get("subprogs");
	text = ou_sec(&im, ".text");
	{
		struct bpf_insn in = get_insn(&im, text, 0x18);	/* sub_top: call sub_mid */

		if (in.code != INSN_CALL)
			tap_bail("subprogs.o: sub_top does not start with a call");
		in.imm += 1;
		put_insn(&im, text, 0x18, &in);
	}
	expect(&im, "pc-relative call into the middle of a function", -EINVAL,
	       "program 'sock_calls': section '.text' offset 0x18 (insn 3): call target in '.text'"
	       " is not the start of a function", NULL, NULL);
	/* a function pointer into the middle of loop_add */
	im = get("subprogs");
	{
		int xdp = ou_sec(&im, "xdp");
		struct bpf_insn in = get_insn(&im, xdp, 0x28);

		in.imm = 56;
		put_insn(&im, xdp, 0x28, &in);
	}
	expect(&im, "function pointer into the middle of a function", -EINVAL,
	       "program 'xdp_calls': section 'xdp' offset 0x28 (insn 5): call target in '.text' is"
	       " not the start of a function", NULL, NULL);
	im = get("subprogs");
	{
		int xdp = ou_sec(&im, "xdp");
		struct bpf_insn in = get_insn(&im, xdp, 0x28);

		in.imm = -8;
		put_insn(&im, xdp, 0x28, &in);
	}
	expect(&im, "function pointer before .text", -EINVAL,
	       "offset 0x28 (insn 5): call target is outside section '.text'", NULL, NULL);
}

static void map_cases(void)
{
	struct img im;
	int maps;

	im = get("unit_legacy_big");
	expect(&im, "legacy map definition with a non-zero tail", -EINVAL,
	       "map 'big_tail' (section 'maps' offset 0x3c): the definition is 32 bytes and byte"
	       " 28 is not zero", "only the first 28 bytes", NULL);
	im = get("legacy_maps");
	maps = ou_sec(&im, "maps");
	for (size_t i = 0; i < ou_nsyms(&im); i++)
		if (ou_symbol(&im, i).st_shndx == maps &&
		    ELF64_ST_TYPE(ou_symbol(&im, i).st_info) == STT_OBJECT)
			set_sym(&im, i, ou_sec(&im, "license"), KEEP, KEEP);
	expect(&im, "legacy maps section without symbols", -EINVAL,
	       "section 'maps': 60 bytes of map definitions but no symbol names them", NULL, NULL);
	im = get("legacy_maps");
	set_sym(&im, ou_sym(&im, "jmp_table"), -1, KEEP, 100);
	expect(&im, "legacy map definition past the section", -EINVAL,
	       "map 'jmp_table' (section 'maps' offset 0x28): a 100-byte definition does not fit"
	       " the 60-byte section", NULL, NULL);
	im = get("legacy_maps");
	set_sym(&im, ou_sym(&im, "jmp_table"), -1, 0xfffffffffffffff0ULL, KEEP);
	expect_opts(&im, &nobtf_opts, "legacy map symbol at offset 2^64 - 16", -EINVAL,
		    "map 'jmp_table' (section 'maps' offset 0xfffffffffffffff0): a 20-byte"
		    " definition does not fit", NULL, NULL);
	im = get("legacy_maps");
	set_sym(&im, ou_sym(&im, "counters"), -1, 10, KEEP);
	expect(&im, "overlapping legacy maps", -EINVAL,
	       "map 'counters' (section 'maps' offset 0xa) overlaps map 'pid_hash'", NULL, NULL);
	im = get("legacy_maps");
	maps = ou_sec(&im, "maps");
	SET_SH(&im, maps, sh_size, 61);
	for (size_t i = 0; i < ou_nsyms(&im); i++)
		if (ou_symbol(&im, i).st_shndx == maps)
			set_sym(&im, i, -1, KEEP, 0);
	expect(&im, "legacy maps without sizes, 61 bytes for 3", -EINVAL,
	       "map 'pid_hash' (section 'maps' offset 0): no symbol size, and 61 bytes do not"
	       " divide into 3 definitions", NULL, NULL);
	im = get("legacy_maps");
	maps = ou_sec(&im, "maps");
	SET_SH(&im, maps, sh_type, SHT_NOBITS);
	expect(&im, "legacy maps section SHT_NOBITS", -EINVAL,
	       "section 'maps': map definitions must have contents (it is SHT_NOBITS)", NULL, NULL);
	im = get("legacy_maps");
	{
		int tp = ou_sec(&im, "tracepoint/syscalls/sys_enter_getpid");
		struct bpf_insn in = get_insn(&im, tp, 5 * 8);	/* ld_imm64 counters */

		in.imm = 8;
		put_insn(&im, tp, 5 * 8, &in);
	}
	expect(&im, "legacy map reference 8 bytes into a definition", -EINVAL,
	       "program 'tp_getpid': section 'tracepoint/syscalls/sys_enter_getpid' offset 0x28"
	       " (insn 5): 'counters' does not name the start of a map definition in 'maps'",
	       NULL, NULL);
}

static void btf_map_cases(void)
{
	struct img im;
	struct obtf b;
	const struct btf_member *m;
	int idx;

	im = get("btf_maps");
	b = obtf_open(&im);
	m = map_member(&b, "flows", "max_entries");
	patch32(&im, obtf_off(&b, &m->name_off), obtf_str(&b, "pid"));
	bl_btf_free(b.btf);
	expect(&im, "BTF map with an unknown member", -EINVAL,
	       "map 'flows' (section '.maps' offset 0x70): member 'pid' is not a map attribute"
	       " this loader knows", NULL, NULL);
	im = get("btf_maps");
	b = obtf_open(&im);
	m = map_member(&b, "flows", "type");
	patch32(&im, obtf_off(&b, &m->name_off), obtf_str(&b, "map_flags"));
	bl_btf_free(b.btf);
	expect(&im, "BTF map without a type", -EINVAL,
	       "map 'flows' (section '.maps' offset 0x70): member 'type' is missing: the map type"
	       " must be given", NULL, NULL);
	im = get("btf_maps");
	b = obtf_open(&im);
	m = map_member(&b, "flows", "key");
	patch32(&im, obtf_off(&b, &m->type), bl_btf_find(b.btf, "int", BTF_KIND_INT));
	bl_btf_free(b.btf);
	expect(&im, "BTF map key declared without __type", -EINVAL,
	       "map 'flows' (section '.maps' offset 0x70): member 'key' must be declared with"
	       " __type() and have a known size", NULL, NULL);
	im = get("btf_maps");
	b = obtf_open(&im);
	m = map_member(&b, "flows", "max_entries");
	patch32(&im, obtf_off(&b, &m->type), bl_btf_find(b.btf, "int", BTF_KIND_INT));
	bl_btf_free(b.btf);
	expect(&im, "BTF map max_entries declared without __uint", -EINVAL,
	       "member 'max_entries' must be declared with __uint()", NULL, NULL);
	im = get("btf_maps");
	b = obtf_open(&im);
	m = map_member(&b, "flows", "max_entries");
	/* "int (*max_entries)[1024]" becomes "int *max_entries" */
	patch32(&im, obtf_off(&b, &bl_btf_type(b.btf, m->type)->type),
		bl_btf_find(b.btf, "int", BTF_KIND_INT));
	bl_btf_free(b.btf);
	expect(&im, "BTF map max_entries a pointer to int", -EINVAL,
	       "map 'flows' (section '.maps' offset 0x70): member 'max_entries' must be declared"
	       " with __uint()", NULL, NULL);
	im = get("btf_maps");
	b = obtf_open(&im);
	m = map_member(&b, "flows", "value");
	patch32(&im, obtf_off(&b, &m->name_off), 0);
	bl_btf_free(b.btf);
	expect(&im, "BTF map with an anonymous member", -EINVAL,
	       "map 'flows' (section '.maps' offset 0x70): member '(anonymous)' is not a map"
	       " attribute", NULL, NULL);
	im = get("btf_maps");
	b = obtf_open(&im);
	m = map_member(&b, "outer_arr", "type");
	patch32(&im, obtf_off(&b, &uint_array(&b, m)->nelems), BPF_MAP_TYPE_ARRAY);
	bl_btf_free(b.btf);
	expect(&im, "'values' on a map that is not a map-in-map", -EINVAL,
	       "map 'outer_arr' (section '.maps' offset 0x40): member 'values' describes an inner"
	       " map but the map type is not array_of_maps or hash_of_maps", NULL, NULL);
	im = get("btf_maps");
	b = obtf_open(&im);
	m = map_member(&b, "outer_arr", "values");
	patch32(&im, obtf_off(&b, &m->type), bl_btf_find(b.btf, "int", BTF_KIND_INT));
	bl_btf_free(b.btf);
	expect(&im, "'values' that is not an array", -EINVAL,
	       "map 'outer_arr' (section '.maps' offset 0x40): member 'values' must be an array",
	       NULL, NULL);
	im = get("btf_maps");
	b = obtf_open(&im);
	m = map_member(&b, "outer_arr", "values");
	{
		/* "values" an array of int[12] (the ARRAY of the "type" member) */
		const struct btf_member *t = map_member(&b, "outer_arr", "type");

		patch32(&im, obtf_off(&b, &m->type), bl_btf_type(b.btf, t->type)->type);
	}
	bl_btf_free(b.btf);
	expect(&im, "'values' whose elements are not pointers", -EINVAL,
	       "map 'outer_arr' (section '.maps' offset 0x40): member 'values' must be an array of"
	       " pointers", NULL, NULL);
	im = get("btf_maps");
	b = obtf_open(&im);
	m = map_member(&b, "outer_arr", "values");
	{
		const struct btf_array *a = bl_btf_extra(bl_btf_type(b.btf, m->type));
		const struct btf_type *ptr = bl_btf_type(b.btf, a->type);

		patch32(&im, obtf_off(&b, &ptr->type), bl_btf_find(b.btf, "int", BTF_KIND_INT));
	}
	bl_btf_free(b.btf);
	expect(&im, "'values' pointing to an int", -EINVAL,
	       "map 'outer_arr' (section '.maps' offset 0x40): member 'values' must point to a map"
	       " definition struct", NULL, NULL);
	im = get("btf_maps");
	b = obtf_open(&im);
	m = map_member(&b, "outer_hash", "values");
	{
		/* the anonymous inner definition of outer_hash: its "key" */
		const struct btf_array *a = bl_btf_extra(bl_btf_type(b.btf, m->type));
		const struct btf_type *ptr = bl_btf_type(b.btf, a->type);
		const struct btf_type *st = bl_btf_type(b.btf, ptr->type);
		const struct btf_member *im_m = bl_btf_extra(st);

		for (__u32 i = 0; i < bl_btf_vlen(st); i++)
			if (!strcmp(bl_btf_str(b.btf, im_m[i].name_off), "key"))
				patch32(&im, obtf_off(&b, &im_m[i].name_off), m->name_off);
	}
	bl_btf_free(b.btf);
	expect(&im, "'values' in an inner map", -EINVAL,
	       "map 'outer_hash' (section '.maps' offset 0x150): member 'values' is not allowed in"
	       " an inner map", NULL, NULL);
	im = get("btf_maps");
	b = obtf_open(&im);
	{
		/* struct inner_arr (inner_a, inner_b and outer_arr's inner):
		 * max_entries 1 becomes pinning 1 */
		__u32 id = bl_btf_find(b.btf, "inner_arr", BTF_KIND_STRUCT);
		const struct btf_member *im_m = bl_btf_extra(bl_btf_type(b.btf, id));

		for (__u32 i = 0; i < bl_btf_vlen(bl_btf_type(b.btf, id)); i++)
			if (!strcmp(bl_btf_str(b.btf, im_m[i].name_off), "max_entries"))
				patch32(&im, obtf_off(&b, &im_m[i].name_off),
					obtf_str(&b, "pinning"));
	}
	bl_btf_free(b.btf);
	expect(&im, "pinning in an inner map", -EINVAL,
	       "map 'outer_arr' (section '.maps' offset 0x40): member 'pinning' cannot pin an"
	       " inner map", NULL, NULL);
	im = get("unit_prog_array");
	b = obtf_open(&im);
	m = map_member(&b, "jmp", "type");
	patch32(&im, obtf_off(&b, &uint_array(&b, m)->nelems), BPF_MAP_TYPE_ARRAY);
	bl_btf_free(b.btf);
	expect(&im, "'values' of programs in an array map", -EINVAL,
	       "map 'jmp' (section '.maps' offset 0): member 'values' holds programs but the map is"
	       " not a prog_array", NULL, NULL);
	im = get("unit_prog_array");
	set_rel(&im, ou_sec(&im, ".maps"), 0, -1, ou_sym(&im, "bloom"), -1);
	expect(&im, "prog_array slot naming a map", -EINVAL,
	       "section '.maps' offset 0x18: map 'jmp' slot 0 names 'bloom', which is not a"
	       " program", NULL, NULL);
	im = get("unit_prog_array");
	b = obtf_open(&im);
	m = map_member(&b, "jmp", "max_entries");
	patch32(&im, obtf_off(&b, &uint_array(&b, m)->nelems), 3);
	bl_btf_free(b.btf);
	expect(&im, "prog_array slot 3 of 3", -EINVAL,
	       "map 'jmp': initial slot 3 is past max_entries 3", NULL, NULL);
	im = get("btf_maps");
	set_rel(&im, ou_sec(&im, ".maps"), 0, -1, ou_sym(&im, "use_maps"), -1);
	expect(&im, "map-in-map slot naming a program", -EINVAL,
	       "section '.maps' offset 0x58: map 'outer_arr' slot 0 names 'use_maps', which is not"
	       " another map in .maps", NULL, NULL);
	im = get("btf_maps");
	b = obtf_open(&im);
	m = map_member(&b, "pinned_cnt", "pinning");
	patch32(&im, obtf_off(&b, &uint_array(&b, m)->nelems), 2);
	bl_btf_free(b.btf);
	expect(&im, "pinning 2", -EINVAL,
	       "map 'pinned_cnt' (section '.maps' offset 0x128): member 'pinning' must be 0"
	       " (none) or 1 (by name)", NULL, NULL);
	im = get("btf_maps");
	b = obtf_open(&im);
	m = map_member(&b, "sized_arr", "value_size");
	patch32(&im, obtf_off(&b, &m->name_off), obtf_str(&b, "key_size"));
	bl_btf_free(b.btf);
	expect(&im, "key_size given twice, 4 and 16", -EINVAL,
	       "map 'sized_arr' (section '.maps' offset 0x90): member 'key_size' conflicts with the"
	       " size given by the other key/value member", NULL, NULL);
	im = get("btf_maps");
	b = obtf_open(&im);
	{
		__u32 var = bl_btf_find(b.btf, "flows", BTF_KIND_VAR);

		patch32(&im, obtf_off(&b, &bl_btf_type(b.btf, var)->type),
			bl_btf_find(b.btf, "int", BTF_KIND_INT));
	}
	bl_btf_free(b.btf);
	expect(&im, "BTF map whose definition is an int", -EINVAL,
	       "map 'flows' (section '.maps' offset 0x70): the definition must be a struct", NULL,
	       NULL);
	im = get("btf_maps");
	b = obtf_open(&im);
	{
		__u32 ds = bl_btf_find(b.btf, ".maps", BTF_KIND_DATASEC);
		const struct btf_var_secinfo *vs = bl_btf_extra(bl_btf_type(b.btf, ds));

		/* entry 3 (flows) names the int type, not a VAR */
		patch32(&im, obtf_off(&b, &vs[3].type), bl_btf_find(b.btf, "int", BTF_KIND_INT));
	}
	bl_btf_free(b.btf);
	expect(&im, "DATASEC .maps entry that is not a VAR", -EINVAL,
	       ".BTF: DATASEC '.maps' entry 3 is type", "not a VAR", NULL);
	im = get("btf_maps");
	idx = ou_sec(&im, ".maps");
	SET_SH(&im, idx, sh_size, 400);
	expect(&im, ".maps 8 bytes too short for numa_hash", -EINVAL,
	       ".BTF: variable 'numa_hash' at offset 360 (48 bytes) runs past section '.maps' (400"
	       " bytes)", NULL, NULL);
	im = get("btf_maps");
	expect_opts(&im, &nobtf_opts, "BTF-defined maps opened with no_btf", -EINVAL,
		    "section '.maps': BTF-defined maps need the object's BTF", NULL, NULL);
	/* slots of outer_arr from .rel.maps */
	im = get("btf_maps");
	idx = ou_sec(&im, ".maps");
	set_rel(&im, idx, 0, -1, -1, BL_R_BPF_64_64);
	expect(&im, "slot relocation of type R_BPF_64_64", -EINVAL,
	       "section '.maps' offset 0x58: map 'outer_arr' slot relocation of type 1 is not an"
	       " aligned 64-bit pointer", NULL, NULL);
	im = get("btf_maps");
	idx = ou_sec(&im, ".maps");
	set_rel(&im, idx, 0, 0x5c, -1, -1);
	expect(&im, "slot relocation not 8-byte aligned", -EINVAL,
	       "section '.maps' offset 0x5c: map 'outer_arr' slot relocation of type 2 is not an"
	       " aligned 64-bit pointer", NULL, NULL);
	im = get("btf_maps");
	idx = ou_sec(&im, ".maps");
	set_rel(&im, idx, 0, 0x78, -1, -1);
	expect(&im, "slot relocation in a map without 'values'", -EINVAL,
	       "section '.maps' offset 0x78: relocation outside any map's 'values' member", NULL,
	       NULL);
	im = get("btf_maps");
	idx = ou_sec(&im, ".maps");
	set_rel(&im, idx, 0, 0x4000, -1, -1);
	expect(&im, "slot relocation past .maps", -EINVAL,
	       "section '.maps' offset 0x4000: relocation outside any map's 'values' member", NULL,
	       NULL);
	im = get("btf_maps");
	idx = ou_sec(&im, ".maps");
	set_rel(&im, idx, 0, -1, ou_sym(&im, "_license"), -1);
	expect(&im, "slot naming '_license'", -EINVAL,
	       "section '.maps' offset 0x58: map 'outer_arr' slot 0 names '_license', which is not"
	       " another map in .maps", NULL, NULL);
	im = get("btf_maps");
	idx = ou_sec(&im, ".maps");
	set_rel(&im, idx, 0, -1, ou_sym(&im, "outer_arr"), -1);
	expect(&im, "slot naming the outer map itself", -EINVAL,
	       "map 'outer_arr' slot 0 names 'outer_arr', which is not another map in .maps", NULL,
	       NULL);
	im = get("btf_maps");
	b = obtf_open(&im);
	m = map_member(&b, "outer_arr", "max_entries");
	patch32(&im, obtf_off(&b, &uint_array(&b, m)->nelems), 2);
	bl_btf_free(b.btf);
	expect(&im, "slot 2 of a 2-entry map-in-map", -EINVAL,
	       "map 'outer_arr': initial slot 2 is past max_entries 2", NULL, NULL);
}

static void btf_cases(void)
{
	struct img im;
	struct obtf b;
	int idx;

	im = get("sock_xdp");
	idx = ou_sec(&im, ".BTF");
	ou_data(&im, idx)[0] = 0x12;
	expect(&im, ".BTF with a bad magic", -EINVAL, ".BTF offset 0: bad BTF magic 0xeb12", NULL,
	       NULL);
	im = get("sock_xdp");
	idx = ou_sec(&im, ".BTF");
	SET_SH(&im, idx, sh_size, 10);
	expect(&im, ".BTF of 10 bytes", -EINVAL,
	       ".BTF: 10 bytes is too short for the BTF header (24)", NULL, NULL);
	im = get("sock_xdp");
	b = obtf_open(&im);
	{
		__u32 id = bl_btf_find(b.btf, "xdp_md", BTF_KIND_STRUCT);
		const struct btf_type *t = bl_btf_type(b.btf, id);

		patch32(&im, obtf_off(&b, &t->info), t->info | 0xffff);
		expect(&im, ".BTF struct with vlen 0xffff (huge count)", -EINVAL,
		       S(".BTF offset %#zx: type %u (STRUCT) extends past the type area",
			 obtf_off(&b, t) - b.base, id), NULL, NULL);
	}
	bl_btf_free(b.btf);
	im = get("sock_xdp");
	b = obtf_open(&im);
	{
		__u32 id = bl_btf_find(b.btf, "xdp_md", BTF_KIND_STRUCT);
		const struct btf_member *m = bl_btf_extra(bl_btf_type(b.btf, id));

		patch32(&im, obtf_off(&b, &m[2].type), 100000);
		expect(&im, ".BTF member type 100000", -EINVAL,
		       S(".BTF: type %u refers to type 100000 in a member", id), NULL, NULL);
	}
	bl_btf_free(b.btf);
	im = get("sock_xdp");
	b = obtf_open(&im);
	{
		__u32 ds = bl_btf_find(b.btf, "license", BTF_KIND_DATASEC);

		patch32(&im, obtf_off(&b, &bl_btf_type(b.btf, ds)->name_off),
			obtf_str(&b, "xdp_md"));
	}
	bl_btf_free(b.btf);
	expect(&im, "DATASEC for a section the object lacks", -EINVAL,
	       ".BTF: DATASEC 'xdp_md' describes a section the object does not have", NULL, NULL);
	im = get("sock_xdp");
	b = obtf_open(&im);
	{
		__u32 ds = bl_btf_find(b.btf, "license", BTF_KIND_DATASEC);
		const struct btf_var_secinfo *vs = bl_btf_extra(bl_btf_type(b.btf, ds));

		patch32(&im, obtf_off(&b, &vs[0].size), 8);
	}
	bl_btf_free(b.btf);
	expect(&im, "DATASEC variable larger than its section", -EINVAL,
	       ".BTF: variable '_license' at offset 0 (8 bytes) runs past section 'license' (4"
	       " bytes)", NULL, NULL);
	im = get("sock_xdp");
	b = obtf_open(&im);
	{
		__u32 ds = bl_btf_find(b.btf, "license", BTF_KIND_DATASEC);
		const struct btf_var_secinfo *vs = bl_btf_extra(bl_btf_type(b.btf, ds));

		patch32(&im, obtf_off(&b, &vs[0].type), 0);
	}
	bl_btf_free(b.btf);
	expect(&im, "DATASEC entry of type 0 (void)", -EINVAL,
	       ".BTF: DATASEC 'license' entry 0 is type 0, not a VAR", NULL, NULL);
	im = get("sock_xdp");
	b = obtf_open(&im);
	{
		__u32 ds = bl_btf_find(b.btf, ".maps", BTF_KIND_DATASEC);

		/* the DATASEC of .maps now describes section "xdp" (184 bytes,
		 * large enough for its variable): nothing describes .maps */
		patch32(&im, obtf_off(&b, &bl_btf_type(b.btf, ds)->name_off), obtf_str(&b, "xdp"));
	}
	bl_btf_free(b.btf);
	expect(&im, "no DATASEC for .maps", -EINVAL,
	       "section '.maps': no BTF DATASEC describes it; compile with clang -g", NULL, NULL);
	im = get("sock_xdp");
	b = obtf_open(&im);
	{
		__u32 ds = bl_btf_find(b.btf, ".maps", BTF_KIND_DATASEC);

		/* now it describes "license" (4 bytes): proto_count does not fit */
		patch32(&im, obtf_off(&b, &bl_btf_type(b.btf, ds)->name_off),
			obtf_str(&b, "license"));
	}
	bl_btf_free(b.btf);
	expect(&im, "DATASEC variable past its section", -EINVAL,
	       ".BTF: variable 'proto_count' at offset 0 (32 bytes) runs past section 'license'",
	       NULL, NULL);

	/* .BTF.ext */
	im = get("sock_xdp");
	idx = ou_sec(&im, ".BTF.ext");
	ou_data(&im, idx)[1] = 0x12;
	expect(&im, ".BTF.ext with a bad magic", -EINVAL, ".BTF.ext offset 0: bad magic 0x129f",
	       NULL, NULL);
	im = get("sock_xdp");
	idx = ou_sec(&im, ".BTF.ext");
	patch32(&im, ou_shdr(&im, idx).sh_offset + 4, 0x1000);
	expect(&im, ".BTF.ext hdr_len past the section", -EINVAL,
	       ".BTF.ext offset 4: header length 4096 outside [24, 376]", NULL, NULL);
	im = get("sock_xdp");
	idx = ou_sec(&im, ".BTF.ext");
	/* func_info: rec_size at 32, then the block for "socket": name, num_info */
	patch32(&im, ou_shdr(&im, idx).sh_offset + 32 + 8, 0xffffffff);
	expect(&im, ".BTF.ext num_info 0xffffffff (huge count)", -EINVAL,
	       ".BTF.ext offset 0x24: func_info block for 'socket' has 4294967295 records of 8"
	       " bytes, more than the table holds", NULL, NULL);
	im = get("sock_xdp");
	idx = ou_sec(&im, ".BTF.ext");
	patch32(&im, ou_shdr(&im, idx).sh_offset + 32 + 4, 0xfffffff);
	expect(&im, ".BTF.ext block name outside .BTF's strings", -EINVAL,
	       ".BTF.ext offset 0x24: func_info block names section at string offset 268435455,"
	       " outside .BTF's strings", NULL, NULL);
	im = get("sock_xdp");
	idx = ou_sec(&im, ".BTF.ext");
	patch32(&im, ou_shdr(&im, idx).sh_offset + 8 + 4, 0x10000);
	expect(&im, ".BTF.ext func_info table past the end", -EINVAL,
	       ".BTF.ext offset 0x20: func_info table (65536 bytes) runs past the end (376)", NULL,
	       NULL);
	im = get("sock_xdp");
	idx = ou_sec(&im, ".BTF.ext");
	patch32(&im, ou_shdr(&im, idx).sh_offset + 32, 6);
	expect(&im, ".BTF.ext func_info record size 6", -EINVAL,
	       ".BTF.ext offset 0x20: func_info record size 6 (expected at least 8", NULL, NULL);
	/* .BTF and .BTF.ext are ignored with no_btf */
	im = get("legacy_maps");
	idx = ou_sec(&im, ".BTF.ext");
	ou_data(&im, idx)[1] = 0x12;
	idx = ou_sec(&im, ".BTF");
	ou_data(&im, idx)[1] = 0x12;
	{
		struct bl_error e;
		struct bl_object *o = bl_object_open_mem(im.buf, im.size, &nobtf_opts, &e);

		ok(o && !bl_object_has_btf(o), "corrupt .BTF and .BTF.ext are ignored with no_btf");
		bl_object_close(o);
	}
	ou_free(&im);
}

static void license_data_cases(void)
{
	struct img im;
	int idx;

	im = get("unit_nolicense");
	expect(&im, "no license section", -EINVAL,
	       "no 'license' section: the kernel needs to know the programs' license", NULL, NULL);
	im = get("sock_xdp");
	idx = ou_sec(&im, "license");
	memcpy(ou_data(&im, idx), "GPLx", 4);
	expect(&im, "license not NUL-terminated", -EINVAL,
	       "section 'license' offset 0: the license must be a NUL-terminated string", NULL,
	       NULL);
	im = get("sock_xdp");
	idx = ou_sec(&im, "license");
	SET_SH(&im, idx, sh_size, 0);
	expect_opts(&im, &nobtf_opts, "empty license section", -EINVAL,
		    "section 'license' offset 0: the license must be a NUL-terminated string", NULL,
		    NULL);
	im = get("sock_xdp");
	idx = ou_sec(&im, "license");
	SET_SH(&im, idx, sh_type, SHT_NOBITS);
	expect_opts(&im, &nobtf_opts, "license section SHT_NOBITS", -EINVAL,
		    "section 'license' offset 0: the license must be a NUL-terminated string", NULL,
		    NULL);
	im = get("legacy_maps");
	idx = ou_sec(&im, "version");
	SET_SH(&im, idx, sh_size, 2);
	expect_opts(&im, &nobtf_opts, "version section of 2 bytes", -EINVAL,
		    "section 'version' offset 0: 2 bytes, expected a 4-byte kernel version", NULL,
		    NULL);
	im = get("legacy_maps");
	idx = ou_sec(&im, "version");
	SET_SH(&im, idx, sh_size, 8);
	expect_opts(&im, &nobtf_opts, "version section of 8 bytes", -EINVAL,
		    "section 'version' offset 0: 8 bytes, expected a 4-byte kernel version", NULL,
		    NULL);

	/* global data */
	im = get("globals");
	SET_SH(&im, ou_relsec_for(&im, ou_sec(&im, "tp/syscalls/sys_enter_getpid")), sh_info,
	       ou_sec(&im, ".data"));
	expect(&im, "relocations in .data", -EINVAL,
	       "section '.data' offset 0x8: global data initialized with an address", NULL, NULL);
	im = get("globals");
	{
		int tp = ou_sec(&im, "tp/syscalls/sys_enter_getpid");
		struct bpf_insn in = get_insn(&im, tp, 21 * 8);	/* .bss + 16 */

		in.imm = 40;
		put_insn(&im, tp, 21 * 8, &in);
	}
	expect(&im, "reference just past the end of .bss", -EINVAL,
	       "program 'count_getpid': section 'tp/syscalls/sys_enter_getpid' offset 0xa8 (insn"
	       " 21): the reference to '.bss' points outside section '.bss'", NULL, NULL);
	im = get("globals");
	{
		int tp = ou_sec(&im, "tp/syscalls/sys_enter_getpid");
		struct bpf_insn in = get_insn(&im, tp, 21 * 8);

		in.imm = -24;
		put_insn(&im, tp, 21 * 8, &in);
	}
	expect(&im, "reference before the start of .bss", -EINVAL,
	       "offset 0xa8 (insn 21): the reference to '.bss' points outside section '.bss'",
	       NULL, NULL);
	im = get("globals");
	SET_SH(&im, ou_sec(&im, ".data"), sh_size, 0);
	expect_opts(&im, &nobtf_opts, "reference into an empty .data", -EINVAL,
		    "offset 0x88 (insn 17): 'data_calls' is in an empty data section '.data'", NULL,
		    NULL);
	im = get("globals");
	SET_SH(&im, ou_sec(&im, ".bss"), sh_size, 0x7fffffff);
	expect_opts(&im, &nobtf_opts, ".bss of 2 GiB", -E2BIG,
		    "section '.bss': 2147483647 bytes of global data", NULL, NULL);
	im = get("globals");
	SET_SH(&im, ou_sec(&im, ".bss"), sh_size, 0xffffffffffffffffULL);
	expect_opts(&im, &nobtf_opts, ".bss of 2^64 - 1 bytes", -E2BIG,
		    "section '.bss': 18446744073709551615 bytes of global data", NULL, NULL);
	im = get("globals");
	SET_SH(&im, ou_sec(&im, ".bss"), sh_size, 0x100000000ULL);
	expect(&im, ".bss of 4 GiB, with BTF", -E2BIG, "section '.bss': too large for BTF", NULL,
	       NULL);
}

/* ---- bugs these tests found (regressions) ---------------------------------------------------------------------- */

static void regression_cases(void)
{
	struct img im;
	int sym;

	/* link.c link_call(): (__s64)sym->value + (imm + 1) * 8 overflows */
	im = get("subprogs");
	sym = ou_secsym(&im, ou_sec(&im, ".text"));
	set_sym(&im, sym, -1, 0x7ffffffffffffff0ULL, KEEP);
	expect_clean(&im, true, "call relocation against a symbol at 2^63 - 16: refused, no signed"
		     " overflow");

	/* link.c link_func_ptr(): (__s64)sym->value + imm overflows */
	im = get("subprogs");
	sym = hijack_file_symbol(&im, ou_sec(&im, ".text"), 0x7fffffffffffffffULL);
	set_rel(&im, ou_sec(&im, "xdp"), ou_rel_at(&im, ou_relsec_for(&im, ou_sec(&im, "xdp")),
						   0x28), -1, sym, -1);
	expect_clean(&im, true, "function pointer against a symbol at 2^63 - 1: refused, no signed"
		     " overflow");

	/* link.c link_global(): (__s64)sym->value + insn->imm overflows */
	im = get("globals");
	sym = ou_secsym(&im, ou_sec(&im, ".bss"));
	set_sym(&im, sym, -1, 0x7ffffffffffffff8ULL, KEEP);
	expect_clean(&im, true, "global data reference against a symbol at 2^63 - 8: refused, no"
		     " signed overflow");

	/* elf.c read_sections(): the count in the message is libelf's 0 */
	im = get("sock_xdp");
	{
		Elf64_Ehdr eh = ou_ehdr(&im);
		struct bl_error e;
		struct bl_object *o;

		eh.e_shnum = 0xffff;
		ou_set_ehdr(&im, &eh);
		o = bl_object_open_mem(im.buf, im.size, &def_opts, &e);
		ok(!o && strstr(e.msg, "65535 section headers"), "%s",
			"e_shnum 0xffff: the message gives the header's count, 65535");
		bl_object_close(o);
	}
	ou_free(&im);

	/* elf.c read_one_relsec(): "past the last symbol (nr_syms - 1)" with 0 symbols */
	im = get("sock_xdp");
	{
		int st = ou_shndx_type(&im, SHT_SYMTAB);
		struct bl_error e;
		struct bl_object *o;

		SET_SH(&im, st, sh_size, 0);
		o = bl_object_open_mem(im.buf, im.size, &def_opts, &e);
		ok(!o && e.err == -ENOEXEC && strstr(e.msg, "relocation names symbol"),
		   "empty symbol table: %.60s", strncmp(e.msg, BROKEN ": ", 8) ? e.msg : e.msg + 8);
		ok(!o && !strstr(e.msg, "18446744073709551615"), "%s",
			"empty symbol table: the message does not call symbol -1 the last one");
		bl_object_close(o);
	}
	ou_free(&im);

	/* programs.c add_whole_section(): a code section of 183 bytes */
	im = get("sock_xdp");
	{
		int xdp = ou_sec(&im, "xdp");
		struct bl_error e;
		struct bl_object *o;

		for (size_t i = 0; i < ou_nsyms(&im); i++) {
			Elf64_Sym s = ou_symbol(&im, i);

			if (ELF64_ST_TYPE(s.st_info) == STT_FUNC) {
				s.st_info = ELF64_ST_INFO(ELF64_ST_BIND(s.st_info), STT_NOTYPE);
				ou_set_symbol(&im, i, &s);
			}
		}
		SET_SH(&im, xdp, sh_size, 183);
		o = bl_object_open_mem(im.buf, im.size, &def_opts, &e);
		ok(!o && strstr(e.msg, "section 'xdp'"), "%s",
			"code section of 183 bytes without FUNC symbols: refused");
		bl_object_close(o);
	}
	ou_free(&im);

	/* maps.c parse_values(): a second "values" member leaks the first inner map */
	im = get("btf_maps");
	{
		struct obtf b = obtf_open(&im);
		const struct btf_member *k = map_member(&b, "outer_hash", "key");
		const struct btf_member *v = map_member(&b, "outer_hash", "values");

		patch32(&im, obtf_off(&b, &k->name_off), v->name_off);
		patch32(&im, obtf_off(&b, &k->type), v->type);
		bl_btf_free(b.btf);
	}
	expect_clean(&im, false, "BTF map with two 'values' members: no leak");
}

/* ---- opening files ------------------------------------------------------------------- */

static void file_cases(void)
{
	struct bl_error e;
	struct bl_object *o;

	errno = 0;
	o = bl_object_open("/nonexistent/x.o", NULL, &e);
	ok(!o && e.err == -ENOENT && errno == ENOENT &&
	   strstr(e.msg, "cannot open '/nonexistent/x.o'") && strstr(e.msg, "ENOENT"),
	   "missing file: %.60s", e.msg);
	errno = 0;
	o = bl_object_open("/", NULL, &e);
	ok(!o && e.err == -EINVAL && errno == EINVAL && strstr(e.msg, "'/' is not a regular file"),
	   "a directory: %.60s", e.msg);
	o = bl_object_open("/dev/null", NULL, &e);
	ok(!o && e.err == -EINVAL && strstr(e.msg, "'/dev/null' is not a regular file"),
	   "/dev/null: %.60s", e.msg);
	o = bl_object_open(ou_path("unit_nolicense"), NULL, &e);
	ok(!o && e.err == -EINVAL && !strncmp(e.msg, ou_path("unit_nolicense"),
					      strlen(ou_path("unit_nolicense"))),
	   "errors of a file name the path first: %.60s", e.msg);
	o = bl_object_open_mem(NULL, 0, NULL, &e);
	ok(!o && e.err == -ENOEXEC && strstr(e.msg, "object: not an ELF file (0 bytes"),
	   "NULL buffer of 0 bytes: %.60s", e.msg);
	o = bl_object_open_mem("\177ELF", 4, NULL, NULL);
	ok(!o && errno == ENOEXEC, "a NULL error pointer is fine");
}

int main(void)
{
	/* sock_xdp first: cache[0] */
	struct img im = get("sock_xdp");

	ou_free(&im);
	elf_header_cases();
	section_cases();
	symbol_cases();
	relsec_cases();
	code_reloc_cases();
	function_cases();
	map_cases();
	btf_map_cases();
	btf_cases();
	license_data_cases();
	file_cases();
	limit_cases();
	regression_cases();
	for (size_t i = 0; i < OU_ARRAY_SIZE(cache) && cache[i].name; i++)
		ou_free(&cache[i].im);
	return tap_done();
}
