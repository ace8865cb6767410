// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_objects.c - the object model of every test object, without a kernel.
 *
 * Each object of tests/objs is opened twice, with bl_object_open() from
 * its path and with bl_object_open_mem() from a buffer the test frees
 * (and scribbles over) right after the call, and checked against the
 * facts its source documents: programs, sections, types, attach targets,
 * instruction counts, relocations, appended subprograms, maps, global
 * data, license, version, BTF and .BTF.ext.
 *
 * Besides the per-object facts, every object goes through checks that
 * re-derive the linking independently with gelf: each instruction of
 * each program equals the original section bytes, except the ones a
 * relocation patched; each BPF-to-BPF call and function pointer lands on
 * the first instruction of the copy of the function the original code
 * called; func_info has one record at the start of every copied
 * function; every BTF DATASEC has the size of its ELF section and its
 * variables sorted by offset, at their symbols' offsets.
 */
#include <linux/version.h>

#include <bpfload.h>
#include <bpfload/sys.h>
#include "object/object.h"
#include "object/btf.h"
#include "object/btf_ext.h"

#include "objutil.h"

#define INSN_LD_IMM64	(BPF_LD | BPF_IMM | BPF_DW)
#define INSN_CALL	(BPF_JMP | BPF_CALL)

/* "file" or "mem": how the object under test was opened */
static const char *how = "";

/* ---- generic expectations ------------------------------------------------------ */

struct prog_exp {
	const char *name;
	const char *sec;
	enum bpf_prog_type type;
	__u32 eat;			/* expected attach type */
	const char *target;
	const char *kind;
	size_t insns;
};

struct rel_exp {
	enum bl_reloc_kind kind;
	__u32 insn;
	const char *symbol;
	const char *target;
	__u32 offset;
};

struct map_exp {
	const char *name;
	const char *kname;
	enum bpf_map_type type;
	__u32 key, value, max, flags;
	enum bl_map_origin origin;
	__u32 pinning;
	bool btf_key, btf_value;	/* BTF ids expected non-zero */
	__u64 sec_off, def_size;	/* legacy and BTF maps */
};

static const char *pt(__u32 type)
{
	const char *n = bl_prog_type_name(type);

	return n ? n : "?";
}

static const char *mt(__u32 type)
{
	const char *n = bl_map_type_name(type);

	return n ? n : "?";
}

static struct bl_program *check_prog(struct bl_object *o, const struct prog_exp *e)
{
	struct bl_program *p = bl_object_find_program(o, e->name);

	if (!ok(p != NULL, "%s: program %s exists", how, e->name))
		return NULL;
	is_str(bl_program_name(p), e->name, "%s: %s: name", how, e->name);
	is_str(bl_program_section(p), e->sec, "%s: %s: section '%s'", how, e->name, e->sec);
	is_str(pt(bl_program_type(p)), pt(e->type), "%s: %s: type %s", how, e->name,
	       pt(e->type));
	is_int(bl_program_expected_attach_type(p), e->eat, "%s: %s: expected attach type %u",
	       how, e->name, e->eat);
	is_str(bl_program_attach_target(p), e->target, "%s: %s: attach target '%s'", how,
	       e->name, e->target);
	is_str(bl_program_kind(p), e->kind, "%s: %s: kind %s", how, e->name, e->kind);
	if (e->insns)
		is_int(bl_program_insn_count(p), e->insns, "%s: %s: %zu instructions", how,
		       e->name, e->insns);
	ok(bl_program_autoload(p) && bl_program_fd(p) == -1 && bl_program_id(p) == 0 &&
	   !bl_program_log(p), "%s: %s: autoload, no fd, no id, no log before load", how,
	   e->name);
	return p;
}

static void check_relocs(const struct bl_program *p, const struct rel_exp *r, size_t n)
{
	const struct bpf_insn *insns = bl_program_insns(p);
	size_t got = bl_program_reloc_count(p);

	is_int(got, n, "%s: %s: %zu relocations", how, bl_program_name(p), n);
	for (size_t i = 0; i < n && i < got; i++) {
		const struct bl_reloc_info *ri = bl_program_reloc(p, i);
		const struct bpf_insn *in = &insns[r[i].insn];
		bool insn_ok;

		switch (r[i].kind) {
		case BL_RELOC_MAP_FD:
			insn_ok = in->code == INSN_LD_IMM64 && in->src_reg == BPF_PSEUDO_MAP_FD &&
				  in->imm == 0;
			break;
		case BL_RELOC_MAP_VALUE:
			insn_ok = in->code == INSN_LD_IMM64 &&
				  in->src_reg == BPF_PSEUDO_MAP_VALUE && in->imm == 0 &&
				  in[1].imm == (__s32)r[i].offset;
			break;
		case BL_RELOC_CALL:
			insn_ok = in->code == INSN_CALL && in->src_reg == BPF_PSEUDO_CALL;
			break;
		default:
			insn_ok = in->code == INSN_LD_IMM64 && in->src_reg == BPF_PSEUDO_FUNC &&
				  in[1].imm == 0;
			break;
		}
		ok(ri && ri->kind == r[i].kind && ri->insn == r[i].insn &&
		   !strcmp(ri->symbol, r[i].symbol) && !strcmp(ri->target, r[i].target) &&
		   ri->offset == r[i].offset && insn_ok,
		   "%s: %s: reloc %zu: kind %d insn %u '%s' -> '%s' +%u", how, bl_program_name(p),
		   i, r[i].kind, r[i].insn, r[i].symbol, r[i].target, r[i].offset);
		if (ri && !(ri->kind == r[i].kind && ri->insn == r[i].insn))
			tap_diag("  got kind %d insn %u '%s' -> '%s' +%u (insn code %#x src %u)",
				 ri->kind, ri->insn, ri->symbol, ri->target, ri->offset, in->code,
				 in->src_reg);
	}
	ok(!bl_program_reloc(p, got), "%s: %s: reloc %zu is NULL", how, bl_program_name(p), got);
}

static void check_subprogs(const struct bl_program *p, const char *const *names, size_t n)
{
	size_t got = bl_program_subprog_count(p);
	bool same = got == n;

	for (size_t i = 0; same && i < n; i++)
		same = !strcmp(bl_program_subprog(p, i), names[i]);
	ok(same && !bl_program_subprog(p, got), "%s: %s: %zu subprograms appended in order", how,
	   bl_program_name(p), n);
	if (!same)
		for (size_t i = 0; i < got; i++)
			tap_diag("  subprog %zu: %s", i, bl_program_subprog(p, i));
}

static struct bl_map *check_map(struct bl_object *o, const struct map_exp *e)
{
	struct bl_map *m = bl_object_find_map(o, e->name);

	if (!ok(m != NULL, "%s: map %s exists", how, e->name))
		return NULL;
	ok(!strcmp(bl_map_name(m), e->name) && !strcmp(bl_map_kernel_name(m), e->kname),
	   "%s: %s: kernel name %s", how, e->name, e->kname);
	if (strcmp(bl_map_kernel_name(m), e->kname))
		tap_diag("  kernel name is '%s'", bl_map_kernel_name(m));
	is_str(mt(bl_map_type(m)), mt(e->type), "%s: %s: type %s", how, e->name, mt(e->type));
	ok(bl_map_key_size(m) == e->key && bl_map_value_size(m) == e->value &&
	   bl_map_max_entries(m) == e->max && bl_map_flags(m) == e->flags,
	   "%s: %s: key %u value %u max %u flags %#x", how, e->name, e->key, e->value, e->max,
	   e->flags);
	if (bl_map_key_size(m) != e->key || bl_map_value_size(m) != e->value ||
	    bl_map_max_entries(m) != e->max || bl_map_flags(m) != e->flags)
		tap_diag("  got key %u value %u max %u flags %#x", bl_map_key_size(m),
			 bl_map_value_size(m), bl_map_max_entries(m), bl_map_flags(m));
	is_str(bl_map_origin_name(bl_map_origin(m)), bl_map_origin_name(e->origin),
	       "%s: %s: origin %s", how, e->name, bl_map_origin_name(e->origin));
	is_int(bl_map_pinning(m), e->pinning, "%s: %s: pinning %u", how, e->name, e->pinning);
	ok(!!bl_map_btf_key_type_id(m) == e->btf_key &&
	   !!bl_map_btf_value_type_id(m) == e->btf_value,
	   "%s: %s: BTF key id %s, value id %s", how, e->name, e->btf_key ? "set" : "0",
	   e->btf_value ? "set" : "0");
	if (e->origin == BL_MAP_LEGACY || e->origin == BL_MAP_BTF)
		ok(m->sec_off == e->sec_off && m->def_size == e->def_size,
		   "%s: %s: definition at %llu, %llu bytes", how, e->name,
		   (unsigned long long)e->sec_off, (unsigned long long)e->def_size);
	ok(bl_map_fd(m) == -1 && bl_map_id(m) == 0, "%s: %s: no fd, no id before load", how,
	   e->name);
	ok(bl_object_find_map(o, e->kname) == m, "%s: %s: found by kernel name", how, e->name);
	return m;
}

/* The BTF type behind a map's key or value id has the map's size. */
static void check_btf_size(struct bl_object *o, const char *map, __u32 id, __u32 want,
			   const char *what)
{
	__u32 size = 0;
	int err = bl_btf_type_size(o->btf, id, &size);

	ok(!err && size == want, "%s: %s: BTF %s type %u is %u bytes", how, map, what, id, want);
	if (err || size != want)
		tap_diag("  err %d size %u", err, size);
}

/* ---- linking, re-derived from the ELF with gelf ------------------------------- */

struct chunk_exp {
	const char *name;
	int shndx;
	Elf64_Addr off;
	Elf64_Xword size;
	__u32 start;
};

/* Where the FUNC symbol name lives; whole-section programs have none. */
static bool find_func(const struct img *im, const char *name, struct chunk_exp *c)
{
	int idx = ou_symidx(im, name);
	Elf64_Sym s;

	if (idx < 0)
		return false;
	s = ou_symbol(im, idx);
	if (ELF64_ST_TYPE(s.st_info) != STT_FUNC)
		return false;
	c->name = name;
	c->shndx = s.st_shndx;
	c->off = s.st_value;
	c->size = s.st_size;
	return true;
}

static int chunk_index_at(const struct chunk_exp *c, size_t n, __s64 insn)
{
	for (size_t i = 0; i < n; i++)
		if ((__s64)c[i].start == insn)
			return i;
	return -1;
}

static bool has_reloc(const struct bl_program *p, __u32 insn, enum bl_reloc_kind kind)
{
	for (size_t i = 0; i < bl_program_reloc_count(p); i++)
		if (bl_program_reloc(p, i)->insn == insn && bl_program_reloc(p, i)->kind == kind)
			return true;
	return false;
}

/* What check_linking() knows about one program. */
struct lcheck {
	const struct bl_program *p;
	const struct img *im;
	const struct bpf_insn *insns;
	struct chunk_exp c[64];
	size_t nc;
	size_t calls, nld, bad;
};

/*
 * ld_imm64 at insn at, from oi, with a relocation against sym: a map, a
 * global or (in a code section) a function pointer to its copy.
 */
static void check_ld_imm64(struct lcheck *lc, __u32 at, const struct bpf_insn *oi,
			   const struct bpf_insn *oi2, const Elf64_Sym *sym)
{
	const struct bpf_insn *ni = &lc->insns[at];
	const char *pname = bl_program_name(lc->p);
	bool good;

	lc->nld++;
	if (ou_shdr(lc->im, sym->st_shndx).sh_flags & SHF_EXECINSTR) {
		const char *callee = ou_func_at(lc->im, sym->st_shndx, sym->st_value + oi->imm);
		__s64 target = (__s64)at + ni->imm + 1;
		int k = chunk_index_at(lc->c, lc->nc, target);

		good = ni->src_reg == BPF_PSEUDO_FUNC && callee && k >= 0 &&
		       !strcmp(lc->c[k].name, callee) && has_reloc(lc->p, at, BL_RELOC_FUNC_PTR);
		ok(good, "%s: %s insn %u: function pointer to %s lands on its copy (insn %lld)",
		   how, pname, at, callee ? callee : "?", (long long)target);
	} else {
		good = (ni->src_reg == BPF_PSEUDO_MAP_FD &&
			has_reloc(lc->p, at, BL_RELOC_MAP_FD)) ||
		       (ni->src_reg == BPF_PSEUDO_MAP_VALUE &&
			has_reloc(lc->p, at, BL_RELOC_MAP_VALUE));
		if (!good)
			lc->bad++;
	}
	/* the rest of both halves is unchanged */
	if (oi->dst_reg != ni->dst_reg || oi->off != ni->off || ni[1].code != oi2->code)
		lc->bad++;
}

/*
 * BPF-to-BPF call at insn at (byte off of chunk ci's section), from oi:
 * where the original code went (with its relocation against sym, if
 * any), and where the copy goes now.
 */
static void check_call(struct lcheck *lc, size_t ci, __u32 j, const struct bpf_insn *oi,
		       const Elf64_Sym *sym)
{
	const struct chunk_exp *ch = &lc->c[ci];
	__u32 at = ch->start + j;
	const struct bpf_insn *ni = &lc->insns[at];
	__s64 next = ((__s64)oi->imm + 1) * 8, target = (__s64)at + ni->imm + 1;
	int tsec = sym ? sym->st_shndx : ch->shndx;
	__s64 toff = sym ? (__s64)sym->st_value + next : (__s64)(ch->off + j * 8) + next;
	const char *callee = ou_func_at(lc->im, tsec, toff);
	int k = chunk_index_at(lc->c, lc->nc, target);

	lc->calls++;
	ok(callee && k >= 0 && !strcmp(lc->c[k].name, callee) && ni->code == oi->code &&
	   ni->dst_reg == oi->dst_reg && ni->off == oi->off && has_reloc(lc->p, at, BL_RELOC_CALL),
	   "%s: %s insn %u (%s+%u): call to %s lands on its copy at insn %lld", how,
	   bl_program_name(lc->p), at, ch->name, j, callee ? callee : "?", (long long)target);
}

/* Every instruction of chunk ci against the section bytes it came from. */
static void check_chunk(struct lcheck *lc, size_t ci)
{
	const struct chunk_exp *ch = &lc->c[ci];
	int relsec = ou_relsec_for(lc->im, ch->shndx);
	const unsigned char *orig = ou_data(lc->im, ch->shndx) + ch->off;

	for (__u32 j = 0; j < ch->size / 8; j++) {
		__u32 at = ch->start + j;
		int ri = relsec < 0 ? -1 : ou_rel_at(lc->im, relsec, ch->off + j * 8);
		struct bpf_insn oi, oi2;
		Elf64_Sym sym = { 0 };

		memcpy(&oi, orig + j * 8, sizeof(oi));
		if (ri >= 0)
			sym = ou_symbol(lc->im, ELF64_R_SYM(ou_rel(lc->im, relsec, ri).r_info));
		if (oi.code == INSN_LD_IMM64 && ri >= 0 && j + 1 < ch->size / 8) {
			memcpy(&oi2, orig + (j + 1) * 8, sizeof(oi2));
			check_ld_imm64(lc, at, &oi, &oi2, &sym);
			j++;
		} else if (oi.code == INSN_CALL && oi.src_reg == BPF_PSEUDO_CALL) {
			check_call(lc, ci, j, &oi, ri >= 0 ? &sym : NULL);
		} else if (memcmp(&oi, &lc->insns[at], sizeof(oi))) {
			if (!lc->bad)
				tap_diag("  insn %u (%s+%u) differs from the section bytes", at,
					 ch->name, j);
			lc->bad++;
		}
	}
}

static void check_linking(struct bl_object *o, const struct bl_program *p, const struct img *im)
{
	struct lcheck lc = { .p = p, .im = im, .insns = bl_program_insns(p) };
	struct chunk_exp *c = lc.c;
	bool whole_section = false;
	size_t nc, total = 0;
	const char *pname = bl_program_name(p);

	/* chunk 0 is the program, then the subprograms in order */
	if (!find_func(im, pname, &c[0])) {
		int sec = ou_shndx(im, bl_program_section(p));

		whole_section = true;
		c[0] = (struct chunk_exp){ pname, sec, 0, ou_shdr(im, sec).sh_size, 0 };
	}
	nc = 1;
	for (size_t i = 0; i < bl_program_subprog_count(p) && nc < OU_ARRAY_SIZE(lc.c); i++)
		if (find_func(im, bl_program_subprog(p, i), &c[nc]))
			nc++;
	lc.nc = nc;
	for (size_t i = 0; i < nc; i++) {
		c[i].start = total;
		total += c[i].size / 8;
	}
	if (!is_int(bl_program_insn_count(p), total,
		    "%s: %s: insn count = program + its %zu subprograms", how, pname, nc - 1))
		return;
	for (size_t ci = 0; ci < nc; ci++)
		check_chunk(&lc, ci);
	ok(lc.bad == 0, "%s: %s: every other instruction equals the section bytes (%zu"
	   " relocated ld_imm64, %zu calls)", how, pname, lc.nld, lc.calls);
	is_int(bl_program_reloc_count(p), lc.nld + lc.calls,
	       "%s: %s: one reloc info per relocated ld_imm64 and per call", how, pname);

	/* func_info: one record at the start of each copied function, naming it */
	if (o->btf_ext && o->btf) {
		const struct bpf_func_info *fi = p->func_info;
		bool good = p->nr_func_info == nc;

		for (size_t i = 0; good && i < nc; i++) {
			const struct btf_type *t = bl_btf_type(o->btf, fi[i].type_id);

			/* a whole-section program is named after the section */
			good = fi[i].insn_off == c[i].start && t &&
			       bl_btf_kind(t) == BTF_KIND_FUNC &&
			       ((i == 0 && whole_section) ||
				!strcmp(bl_btf_name(o->btf, t), c[i].name));
		}
		ok(good, "%s: %s: %zu func_info records, one per function, at its first insn",
		   how, pname, nc);
		if (!good)
			for (size_t i = 0; i < p->nr_func_info; i++)
				tap_diag("  func_info %zu: insn %u type %u", i, fi[i].insn_off,
					 fi[i].type_id);
	}
	/* line_info: increasing, and a line at the start of every function */
	if (o->btf_ext && o->btf) {
		const struct bpf_line_info *li = p->line_info;
		bool good = p->nr_line_info > 0;
		size_t starts = 0;

		for (size_t i = 0; good && i < p->nr_line_info; i++) {
			if (i && li[i].insn_off <= li[i - 1].insn_off)
				good = false;
			if (li[i].insn_off >= total)
				good = false;
			if (chunk_index_at(c, nc, li[i].insn_off) >= 0)
				starts++;
		}
		ok(good && starts == nc, "%s: %s: %zu line_info records, increasing, one at each"
		   " function start", how, pname, p->nr_line_info);
	}
}

/* ---- checks every object goes through ------------------------------------------ */

static void check_sections(struct bl_object *o, const struct img *im)
{
	Elf64_Ehdr eh = ou_ehdr(im);
	Elf *e = ou_elf(im);
	size_t shstrndx = 0;
	bool good = bl_object_section_count(o) == eh.e_shnum;
	struct bl_section_info si;

	elf_getshdrstrndx(e, &shstrndx);
	for (size_t i = 0; good && i < eh.e_shnum; i++) {
		GElf_Shdr sh;

		gelf_getshdr(elf_getscn(e, i), &sh);
		good = !bl_object_section(o, i, &si) && si.index == i &&
		       !strcmp(si.name, elf_strptr(e, shstrndx, sh.sh_name)) &&
		       si.type == sh.sh_type && si.flags == sh.sh_flags && si.size == sh.sh_size &&
		       si.role;
		if (!good)
			tap_diag("  section %zu differs", i);
	}
	elf_end(e);
	ok(good, "%s: %zu sections, as gelf sees them", how, (size_t)eh.e_shnum);
	is_int(bl_object_section(o, eh.e_shnum, &si), -ENOENT,
	       "%s: section %u does not exist", how, eh.e_shnum);
	is_int(bl_object_has_btf(o), ou_shndx(im, ".BTF") >= 0, "%s: has_btf", how);
	is_int(bl_object_has_btf_ext(o), ou_shndx(im, ".BTF.ext") >= 0, "%s: has_btf_ext", how);
}

/* Each DATASEC: size of its ELF section, vars sorted, at their symbols. */
static void check_datasecs(struct bl_object *o, const struct img *im)
{
	size_t n = 0;

	if (!o->btf)
		return;
	for (__u32 id = 1; id < bl_btf_type_cnt(o->btf); id++) {
		const struct btf_type *t = bl_btf_type(o->btf, id);
		const struct btf_var_secinfo *vs;
		const char *name;
		int shndx;
		bool good;

		if (bl_btf_kind(t) != BTF_KIND_DATASEC)
			continue;
		name = bl_btf_name(o->btf, t);
		shndx = ou_shndx(im, name);
		if (shndx < 0)
			continue;	/* .kconfig, .ksyms */
		n++;
		vs = bl_btf_extra(t);
		good = t->size == ou_shdr(im, shndx).sh_size;
		for (__u32 i = 0; good && i < bl_btf_vlen(t); i++) {
			const struct btf_type *var = bl_btf_type(o->btf, vs[i].type);
			int sym = ou_symidx(im, bl_btf_name(o->btf, var));

			if (i && vs[i].offset < vs[i - 1].offset)
				good = false;
			if (sym >= 0 && ou_symbol(im, sym).st_shndx == shndx &&
			    ou_symbol(im, sym).st_value != vs[i].offset)
				good = false;
			if ((__u64)vs[i].offset + vs[i].size > t->size)
				good = false;
		}
		ok(good, "%s: DATASEC %s: size %u = ELF section size, %u vars sorted at their"
		   " symbols' offsets", how, name, t->size, bl_btf_vlen(t));
	}
	ok(n > 0, "%s: %zu DATASECs checked", how, n);
}

static void check_maps_generic(struct bl_object *o)
{
	bool good = true;

	for (size_t i = 0; i < bl_object_map_count(o); i++) {
		const struct bl_map *m = bl_object_map(o, i);
		const char *k = bl_map_kernel_name(m);

		if (strlen(k) > BPF_OBJ_NAME_LEN - 1 || strspn(k, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") != strlen(k))
			good = false;
	}
	ok(good && !bl_object_map(o, bl_object_map_count(o)),
	   "%s: %zu maps, kernel names valid ([A-Za-z0-9_.], at most 15)", how,
	   bl_object_map_count(o));
}

/* Every map reference of a program names the map its reloc info names. */
static void check_map_refs(struct bl_object *o, const struct bl_program *p)
{
	size_t n = 0;
	bool good = true;

	for (size_t i = 0; i < bl_program_reloc_count(p); i++) {
		const struct bl_reloc_info *r = bl_program_reloc(p, i);
		bool found = false;

		if (r->kind != BL_RELOC_MAP_FD && r->kind != BL_RELOC_MAP_VALUE)
			continue;
		n++;
		for (size_t j = 0; j < p->nr_map_refs; j++) {
			const struct bl_map_ref *mr = &p->map_refs[j];

			if (mr->insn == r->insn && mr->value == (r->kind == BL_RELOC_MAP_VALUE) &&
			    mr->map < o->nr_maps && !strcmp(o->maps[mr->map].name, r->target) &&
			    mr->offset == r->offset)
				found = true;
		}
		good &= found;
	}
	ok(good && n == p->nr_map_refs, "%s: %s: %zu map references match the relocations", how,
	   bl_program_name(p), n);
}

static void check_generic(struct bl_object *o, const struct img *im)
{
	check_sections(o, im);
	check_datasecs(o, im);
	check_maps_generic(o);
	for (size_t i = 0; i < bl_object_program_count(o); i++) {
		const struct bl_program *p = bl_object_program(o, i);

		check_linking(o, p, im);
		check_map_refs(o, p);
	}
	ok(!bl_object_program(o, bl_object_program_count(o)), "%s: program %zu is NULL", how,
	   bl_object_program_count(o));
	ok(!bl_object_loaded(o) && bl_object_btf_fd(o) == -1 && bl_object_btf_id(o) == 0,
	   "%s: not loaded, no BTF fd", how);
}

/* ---- the objects ------------------------------------------------------------------ */

static void t_legacy_maps(struct bl_object *o, const struct img *im)
{
	static const struct prog_exp progs[] = {
		{ "kprobe_openat2", "kprobe/do_sys_openat2", BPF_PROG_TYPE_KPROBE, 0,
		  "do_sys_openat2", "kprobe", 23 },
		{ "tp_getpid", "tracepoint/syscalls/sys_enter_getpid", BPF_PROG_TYPE_TRACEPOINT,
		  0, "syscalls/sys_enter_getpid", "tracepoint", 18 },
		{ "sock_len", "socket1", BPF_PROG_TYPE_SOCKET_FILTER, 0, "", "socket", 13 },
	};
	static const struct rel_exp r_kp[] = {
		{ BL_RELOC_MAP_FD, 7, "pid_hash", "pid_hash", 0 },
		{ BL_RELOC_MAP_FD, 17, "pid_hash", "pid_hash", 0 },
	};
	static const struct rel_exp r_tp[] = {
		{ BL_RELOC_MAP_FD, 5, "counters", "counters", 0 },
		{ BL_RELOC_MAP_FD, 12, "jmp_table", "jmp_table", 0 },
	};
	static const struct rel_exp r_sock[] = {
		{ BL_RELOC_MAP_FD, 5, "counters", "counters", 0 },
	};
	static const struct map_exp maps[] = {
		{ "pid_hash", "pid_hash", BPF_MAP_TYPE_HASH, 4, 8, 1024, 0, BL_MAP_LEGACY, 0,
		  false, false, 0, 20 },
		{ "counters", "counters", BPF_MAP_TYPE_ARRAY, 4, 8, 16, 0, BL_MAP_LEGACY, 0,
		  false, false, 20, 20 },
		{ "jmp_table", "jmp_table", BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 8, 0, BL_MAP_LEGACY, 0,
		  false, false, 40, 20 },
	};
	struct bl_section_info si;
	struct bl_program *p;

	is_str(bl_object_license(o), "GPL", "%s: license GPL", how);
	is_int(bl_object_kern_version(o), LINUX_VERSION_CODE,
	       "%s: version = LINUX_VERSION_CODE of the uapi headers (%#x)", how,
	       LINUX_VERSION_CODE);
	is_int(bl_object_program_count(o), 3, "%s: 3 programs", how);
	for (size_t i = 0; i < OU_ARRAY_SIZE(progs); i++) {
		p = check_prog(o, &progs[i]);
		ok(p == bl_object_program(o, i), "%s: %s is program %zu (section order)", how,
		   progs[i].name, i);
	}
	if ((p = bl_object_find_program(o, "kprobe_openat2")))
		check_relocs(p, r_kp, OU_ARRAY_SIZE(r_kp));
	if ((p = bl_object_find_program(o, "tp_getpid")))
		check_relocs(p, r_tp, OU_ARRAY_SIZE(r_tp));
	if ((p = bl_object_find_program(o, "sock_len")))
		check_relocs(p, r_sock, OU_ARRAY_SIZE(r_sock));
	ok(bl_object_find_program(o, "socket1") == bl_object_find_program(o, "sock_len"),
	   "%s: find_program by section name 'socket1'", how);
	ok(!bl_object_find_program(o, "socket") && !bl_object_find_program(o, "nope"),
	   "%s: find_program of unknown names is NULL", how);
	is_int(bl_object_map_count(o), 3, "%s: 3 maps", how);
	for (size_t i = 0; i < OU_ARRAY_SIZE(maps); i++) {
		struct bl_map *m = check_map(o, &maps[i]);

		ok(m == bl_object_map(o, i), "%s: %s is map %zu", how, maps[i].name, i);
		if (m)
			ok(!bl_map_inner(m) && !m->def.has_inner_idx && !bl_map_data(m, NULL),
			   "%s: %s: no inner map, no data image", how, maps[i].name);
	}
	ok(!bl_object_section(o, ou_sec(im, "maps"), &si) && !strcmp(si.role, "maps (legacy)") &&
	   si.size == 60 && si.type == SHT_PROGBITS, "%s: section 'maps': legacy maps, 60 bytes",
	   how);
	ok(!bl_object_section(o, ou_sec(im, "version"), &si) && !strcmp(si.role, "version") &&
	   si.size == 4, "%s: section 'version': 4 bytes", how);
	ok(!bl_object_section(o, ou_sec(im, "license"), &si) && !strcmp(si.role, "license"),
	   "%s: section 'license'", how);
	ok(!bl_object_section(o, ou_sec(im, "socket1"), &si) && !strcmp(si.role, "program") &&
	   si.size == 13 * 8 && si.flags == (SHF_ALLOC | SHF_EXECINSTR),
	   "%s: section 'socket1': program, 104 bytes, AX", how);
	ok(!bl_object_section(o, ou_sec(im, ".text"), &si) && !strcmp(si.role, "subprograms") &&
	   si.size == 0, "%s: section '.text': subprograms, empty", how);
	ok(!bl_object_section(o, ou_sec(im, ".symtab"), &si) && !strcmp(si.role, "symbols"),
	   "%s: section '.symtab': symbols", how);
	ok(!bl_object_section(o, 0, &si) && si.index == 0 && !strcmp(si.name, "") &&
	   !strcmp(si.role, ""), "%s: section 0 is the null section", how);
}

static void t_legacy_maps_ext(struct bl_object *o, const struct img *im)
{
	static const struct prog_exp prog = {
		"read_inner", "socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, "", "socket", 35
	};
	static const struct rel_exp rels[] = {
		{ BL_RELOC_MAP_FD, 6, "numa_hash", "numa_hash", 0 },
		{ BL_RELOC_MAP_FD, 16, "numa_hash", "numa_hash", 0 },
		{ BL_RELOC_MAP_FD, 22, "outer_arr", "outer_arr", 0 },
	};
	static const struct map_exp maps[] = {
		{ "inner_tmpl", "inner_tmpl", BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, BL_MAP_LEGACY, 0,
		  false, false, 0, 28 },
		{ "outer_arr", "outer_arr", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, 0, BL_MAP_LEGACY,
		  0, false, false, 28, 28 },
		{ "numa_hash", "numa_hash", BPF_MAP_TYPE_HASH, 4, 4, 64, BPF_F_NUMA_NODE,
		  BL_MAP_LEGACY, 0, false, false, 56, 28 },
	};
	struct bl_program *p = check_prog(o, &prog);
	struct bl_map *m;

	if (p)
		check_relocs(p, rels, OU_ARRAY_SIZE(rels));
	is_int(bl_object_kern_version(o), 0, "%s: no version section: 0", how);
	is_int(bl_object_map_count(o), 3, "%s: 3 maps", how);
	for (size_t i = 0; i < OU_ARRAY_SIZE(maps); i++)
		ok(check_map(o, &maps[i]) == bl_object_map(o, i),
		   "%s: %s is map %zu (by offset, not symbol order)", how, maps[i].name, i);
	m = bl_object_find_map(o, "outer_arr");
	ok(m && m->def.has_inner_idx && m->def.inner_map_idx == 0 && !bl_map_inner(m),
	   "%s: outer_arr: legacy inner_map_idx 0", how);
	m = bl_object_find_map(o, "numa_hash");
	ok(m && !m->def.has_inner_idx && m->def.numa_node == 0, "%s: numa_hash: numa_node 0",
	   how);
	m = bl_object_find_map(o, "inner_tmpl");
	ok(m && !m->def.has_inner_idx, "%s: inner_tmpl: not a map-in-map", how);
	(void)im;
}

static void t_btf_maps(struct bl_object *o, const struct img *im)
{
	static const struct prog_exp prog = {
		"use_maps", "tracepoint/syscalls/sys_enter_getpid", BPF_PROG_TYPE_TRACEPOINT, 0,
		"syscalls/sys_enter_getpid", "tracepoint", 120
	};
	static const struct rel_exp rels[] = {
		{ BL_RELOC_MAP_FD, 21, "flows", "flows", 0 },
		{ BL_RELOC_MAP_FD, 27, "sized_arr", "sized_arr", 0 },
		{ BL_RELOC_MAP_FD, 34, "pcpu_cnt", "pcpu_cnt", 0 },
		{ BL_RELOC_MAP_FD, 43, "events", "events", 0 },
		{ BL_RELOC_MAP_FD, 50, "perf_out", "perf_out", 0 },
		{ BL_RELOC_MAP_FD, 59, "lru", "lru", 0 },
		{ BL_RELOC_MAP_FD, 66, "pinned_cnt", "pinned_cnt", 0 },
		{ BL_RELOC_MAP_FD, 77, "pinned_cnt", "pinned_cnt", 0 },
		{ BL_RELOC_MAP_FD, 83, "outer_arr", "outer_arr", 0 },
		{ BL_RELOC_MAP_FD, 99, "outer_hash", "outer_hash", 0 },
		{ BL_RELOC_MAP_FD, 113, "numa_hash", "numa_hash", 0 },
	};
	static const struct map_exp maps[] = {
		{ "inner_a", "inner_a", BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, BL_MAP_BTF, 0,
		  true, true, 0, 32 },
		{ "inner_b", "inner_b", BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, BL_MAP_BTF, 0,
		  true, true, 32, 32 },
		{ "outer_arr", "outer_arr", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 4, 0, BL_MAP_BTF, 0,
		  true, false, 64, 48 },
		{ "flows", "flows", BPF_MAP_TYPE_HASH, 8, 16, 1024, 0, BL_MAP_BTF, 0,
		  true, true, 112, 32 },
		{ "sized_arr", "sized_arr", BPF_MAP_TYPE_ARRAY, 4, 16, 8, 0, BL_MAP_BTF, 0,
		  false, false, 144, 32 },
		{ "pcpu_cnt", "pcpu_cnt", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, 0, BL_MAP_BTF, 0,
		  true, true, 176, 32 },
		{ "events", "events", BPF_MAP_TYPE_RINGBUF, 0, 0, 262144, 0, BL_MAP_BTF, 0,
		  false, false, 208, 16 },
		{ "perf_out", "perf_out", BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 128, 0, BL_MAP_BTF,
		  0, false, false, 224, 32 },
		{ "lru", "lru", BPF_MAP_TYPE_LRU_HASH, 8, 4, 512, BPF_F_NO_COMMON_LRU, BL_MAP_BTF,
		  0, true, true, 256, 40 },
		{ "pinned_cnt", "pinned_cnt", BPF_MAP_TYPE_HASH, 4, 8, 16, 0, BL_MAP_BTF, 1,
		  true, true, 296, 40 },
		{ "outer_hash", "outer_hash", BPF_MAP_TYPE_HASH_OF_MAPS, 4, 4, 8, 0, BL_MAP_BTF, 0,
		  true, false, 336, 24 },
		{ "numa_hash", "numa_hash", BPF_MAP_TYPE_HASH, 4, 4, 64, BPF_F_NUMA_NODE,
		  BL_MAP_BTF, 0, true, true, 360, 48 },
	};
	struct bl_program *p = check_prog(o, &prog);
	const struct bl_map *in;
	struct bl_map *m;

	if (p) {
		check_relocs(p, rels, OU_ARRAY_SIZE(rels));
		check_subprogs(p, NULL, 0);
	}
	is_int(bl_object_map_count(o), 12, "%s: 12 maps", how);
	for (size_t i = 0; i < OU_ARRAY_SIZE(maps); i++)
		ok(check_map(o, &maps[i]) == bl_object_map(o, i), "%s: %s is map %zu", how,
		   maps[i].name, i);

	m = bl_object_find_map(o, "flows");
	if (m) {
		check_btf_size(o, "flows", bl_map_btf_key_type_id(m), 8, "key");
		check_btf_size(o, "flows", bl_map_btf_value_type_id(m), 16, "value");
		is_str(bl_btf_name(o->btf, bl_btf_type(o->btf, bl_map_btf_key_type_id(m))),
		       "flow_key", "%s: flows: key type is struct flow_key", how);
		is_str(bl_btf_name(o->btf, bl_btf_type(o->btf, bl_map_btf_value_type_id(m))),
		       "flow_val", "%s: flows: value type is struct flow_val", how);
	}
	m = bl_object_find_map(o, "lru");
	if (m) {
		check_btf_size(o, "lru", bl_map_btf_key_type_id(m), 8, "key");
		check_btf_size(o, "lru", bl_map_btf_value_type_id(m), 4, "value");
	}
	m = bl_object_find_map(o, "pcpu_cnt");
	if (m)
		check_btf_size(o, "pcpu_cnt", bl_map_btf_value_type_id(m), 8, "value");
	m = bl_object_find_map(o, "numa_hash");
	ok(m && m->def.numa_node == 0 && !m->inner && !m->nr_slots,
	   "%s: numa_hash: numa_node 0, no inner map, no slots", how);
	{
		bool good = true;

		for (size_t i = 0; i < bl_object_map_count(o); i++) {
			const struct btf_type *v;

			m = bl_object_map(o, i);
			v = bl_btf_type(o->btf, m->btf_var_id);
			if (!v || bl_btf_kind(v) != BTF_KIND_VAR ||
			    strcmp(bl_btf_name(o->btf, v), bl_map_name(m)))
				good = false;
		}
		ok(good, "%s: every map's btf_var_id is the VAR of its name", how);
	}

	/* map-in-map: the inner template, and the initial slots */
	m = bl_object_find_map(o, "outer_arr");
	in = m ? bl_map_inner(m) : NULL;
	if (ok(in != NULL, "%s: outer_arr has an inner map", how)) {
		ok(in->def.type == BPF_MAP_TYPE_ARRAY && in->def.key_size == 4 &&
		   in->def.value_size == 4 && in->def.max_entries == 1 && in->def.pinning == 0,
		   "%s: outer_arr inner: ARRAY key 4 value 4 max 1", how);
		ok(in->btf_key_type_id && in->btf_value_type_id && !bl_map_inner(in),
		   "%s: outer_arr inner: BTF key and value ids", how);
		ok(!strcmp(bl_map_name(in), "outer_arr") && in->origin == BL_MAP_BTF &&
		   in->fd == -1, "%s: outer_arr inner: named after the outer map", how);
		is_str(bl_map_kernel_name(in), "outer_arr.inner",
		       "%s: outer_arr inner: kernel name outer_arr.inner", how);
		ok(m->has_values && m->values_off == 24, "%s: outer_arr: 'values' at byte 24", how);
		ok(m->nr_slots == 2 && m->slots[0].index == 0 && !m->slots[0].is_prog &&
		   !strcmp(o->maps[m->slots[0].target].name, "inner_a") &&
		   m->slots[1].index == 2 && !m->slots[1].is_prog &&
		   !strcmp(o->maps[m->slots[1].target].name, "inner_b"),
		   "%s: outer_arr: slot 0 = inner_a, slot 2 = inner_b", how);
	}
	m = bl_object_find_map(o, "outer_hash");
	in = m ? bl_map_inner(m) : NULL;
	if (ok(in != NULL, "%s: outer_hash has an inner map", how)) {
		ok(in->def.type == BPF_MAP_TYPE_HASH && in->def.key_size == 4 &&
		   in->def.value_size == 8 && in->def.max_entries == 32,
		   "%s: outer_hash inner: HASH key 4 value 8 max 32", how);
		ok(in->btf_key_type_id && in->btf_value_type_id,
		   "%s: outer_hash inner: BTF key and value ids", how);
		is_str(bl_map_kernel_name(in), "outer_has.inner",
		       "%s: outer_hash inner: kernel name outer_has.inner (15 characters)", how);
		ok(m->nr_slots == 0 && m->has_values, "%s: outer_hash: no initial slots", how);
	}
	ok(!bl_map_inner(bl_object_find_map(o, "flows")), "%s: flows: no inner map", how);
	(void)im;
}

static void t_globals(struct bl_object *o, const struct img *im, const char *prefix)
{
	static const struct prog_exp prog = {
		"count_getpid", "tp/syscalls/sys_enter_getpid", BPF_PROG_TYPE_TRACEPOINT, 0,
		"syscalls/sys_enter_getpid", "tracepoint", 41
	};
	static const struct rel_exp rels[] = {
		{ BL_RELOC_MAP_VALUE, 1, "target_pid", ".rodata", 0 },
		{ BL_RELOC_MAP_VALUE, 7, "getpid_calls", ".bss", 0 },
		{ BL_RELOC_MAP_VALUE, 11, "weight", ".rodata", 4 },
		{ BL_RELOC_MAP_VALUE, 14, "weighted_calls", ".bss", 8 },
		{ BL_RELOC_MAP_VALUE, 17, "data_calls", ".data", 0 },
		{ BL_RELOC_MAP_VALUE, 21, ".bss", ".bss", 16 },
		{ BL_RELOC_MAP_VALUE, 26, "primes", ".rodata", 8 },
		{ BL_RELOC_MAP_VALUE, 30, "prime_sum", ".bss", 24 },
		{ BL_RELOC_MAP_VALUE, 33, "last_tag", ".bss", 32 },
		{ BL_RELOC_MAP_VALUE, 36, ".rodata.str1.1", ".rodata.str1.1", 0 },
	};
	struct map_exp maps[] = {
		{ ".rodata", "", BPF_MAP_TYPE_ARRAY, 4, 24, 1, BPF_F_MMAPABLE | BPF_F_RDONLY_PROG,
		  BL_MAP_RODATA, 0, false, true, 0, 0 },
		{ ".data", "", BPF_MAP_TYPE_ARRAY, 4, 8, 1, BPF_F_MMAPABLE, BL_MAP_DATA, 0,
		  false, true, 0, 0 },
		{ ".bss", "", BPF_MAP_TYPE_ARRAY, 4, 40, 1, BPF_F_MMAPABLE, BL_MAP_BSS, 0,
		  false, true, 0, 0 },
		{ ".rodata.str1.1", "", BPF_MAP_TYPE_ARRAY, 4, 7, 1,
		  BPF_F_MMAPABLE | BPF_F_RDONLY_PROG, BL_MAP_RODATA, 0, false, false, 0, 0 },
	};
	static const struct {
		const char *var, *map;
		__u32 off, size;
	} vars[] = {
		{ "target_pid", ".rodata", 0, 4 }, { "weight", ".rodata", 4, 4 },
		{ "primes", ".rodata", 8, 16 }, { "data_calls", ".data", 0, 8 },
		{ "getpid_calls", ".bss", 0, 8 }, { "weighted_calls", ".bss", 8, 8 },
		{ "static_calls", ".bss", 16, 8 }, { "prime_sum", ".bss", 24, 8 },
		{ "last_tag", ".bss", 32, 8 },
	};
	static const __u32 rodata[6] = { 0, 1, 2, 3, 5, 7 };
	static const unsigned char zero[40];
	char knames[4][BPF_OBJ_NAME_LEN];
	struct bl_program *p = check_prog(o, &prog);
	struct bl_map *m, *gm;
	__u32 off, size;
	size_t sz = 0;
	__u64 v64;
	void *d;

	if (p)
		check_relocs(p, rels, OU_ARRAY_SIZE(rels));
	is_int(bl_object_map_count(o), 4, "%s: 4 global data maps", how);
	for (size_t i = 0; i < OU_ARRAY_SIZE(maps); i++) {
		/* 15 characters at most: the prefix gives way to the section name */
		snprintf(knames[i], sizeof(knames[i]), "%.*s%s",
			 (int)(15 - strlen(maps[i].name)), prefix, maps[i].name);
		maps[i].kname = knames[i];
		ok(check_map(o, &maps[i]) == bl_object_map(o, i), "%s: %s is map %zu", how,
		   maps[i].name, i);
	}

	m = bl_object_find_map(o, ".rodata");
	d = m ? bl_map_data(m, &sz) : NULL;
	ok(d && sz == 24 && !memcmp(d, rodata, sizeof(rodata)),
	   "%s: .rodata image: target_pid 0, weight 1, primes {2, 3, 5, 7}", how);
	if (m)
		ok(bl_map_btf_value_type_id(m) ==
		   bl_btf_find(o->btf, ".rodata", BTF_KIND_DATASEC) && m->btf_var_id ==
		   bl_map_btf_value_type_id(m), "%s: .rodata: value type is its DATASEC", how);
	m = bl_object_find_map(o, ".data");
	d = m ? bl_map_data(m, &sz) : NULL;
	v64 = 0;
	if (d)
		memcpy(&v64, d, sizeof(v64));
	ok(d && sz == 8 && v64 == 100, "%s: .data image: data_calls = 100", how);
	m = bl_object_find_map(o, ".bss");
	d = m ? bl_map_data(m, &sz) : NULL;
	ok(d && sz == 40 && !memcmp(d, zero, 40), "%s: .bss image: 40 zero bytes", how);
	m = bl_object_find_map(o, ".rodata.str1.1");
	d = m ? bl_map_data(m, &sz) : NULL;
	ok(d && sz == 7 && !memcmp(d, "getpid", 7), "%s: .rodata.str1.1 image: \"getpid\"", how);
	ok(bl_map_data(m, NULL) == d, "%s: bl_map_data with a NULL size", how);

	for (size_t i = 0; i < OU_ARRAY_SIZE(vars); i++) {
		int err = bl_global_lookup(o, vars[i].var, &gm, &off, &size);

		ok(!err && gm == bl_object_find_map(o, vars[i].map) && off == vars[i].off &&
		   size == vars[i].size, "%s: global %s: %s offset %u size %u", how, vars[i].var,
		   vars[i].map, vars[i].off, vars[i].size);
	}
	is_int(bl_global_lookup(o, "no_such_var", &gm, &off, &size), -ENOENT,
	       "%s: global no_such_var: ENOENT", how);
	is_int(bl_global_lookup(o, "count_getpid", &gm, &off, &size), -ENOENT,
	       "%s: a function is not a global variable", how);
	is_int(bl_global_lookup(o, "_license", &gm, &off, &size), -ENOENT,
	       "%s: _license is not global data", how);

	/* the initial image may be written before load */
	if (!bl_global_lookup(o, "weight", &gm, &off, &size)) {
		__u32 w = 7, back = 0;
		unsigned char *img = bl_map_data(gm, NULL);

		memcpy(img + off, &w, sizeof(w));
		memcpy(&back, (unsigned char *)bl_map_data(bl_object_find_map(o, ".rodata"),
							  NULL) + 4, 4);
		is_int(back, 7, "%s: weight written through the .rodata image", how);
	}
	m = bl_object_find_map(o, ".bss");
	is_int(bl_map_set_max_entries(m, 4), -EINVAL, "%s: global data has one entry", how);
	is_int(bl_map_set_flags(m, BPF_F_MMAPABLE), 0, "%s: set_flags before load", how);
	ok(bl_object_find_map(o, knames[1]) == bl_object_find_map(o, ".data"),
	   "%s: find_map by kernel name %s", how, knames[1]);
	(void)im;
}

static void t_multi_prog(struct bl_object *o, const struct img *im)
{
	static const struct prog_exp progs[] = {
		{ "xdp_drop", "xdp", BPF_PROG_TYPE_XDP, BPF_XDP, "", "xdp", 2 },
		{ "xdp_pass", "xdp", BPF_PROG_TYPE_XDP, BPF_XDP, "", "xdp", 2 },
		{ "xdp_tx", "xdp", BPF_PROG_TYPE_XDP, BPF_XDP, "", "xdp", 4 },
		{ "sock_a", "socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, "", "socket", 2 },
		{ "sock_b", "socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, "", "socket", 3 + 3 },
	};
	static const __u64 offs[] = { 0, 16, 32, 0, 16 };
	static const struct rel_exp r_b[] = {
		{ BL_RELOC_CALL, 1, ".text", "times_two", 0 },
	};
	static const char *const subs[] = { "times_two" };
	struct bl_program *p;

	is_int(bl_object_program_count(o), 5, "%s: 5 programs", how);
	for (size_t i = 0; i < OU_ARRAY_SIZE(progs); i++) {
		p = check_prog(o, &progs[i]);
		ok(p == bl_object_program(o, i) && p->func.off == offs[i] &&
		   p->func.size == progs[i].insns * 8 - (i == 4 ? 24 : 0),
		   "%s: %s is program %zu, at byte %llu of its section", how, progs[i].name, i,
		   (unsigned long long)offs[i]);
		if (p && i < 4)
			check_relocs(p, NULL, 0);
	}
	p = bl_object_find_program(o, "sock_b");
	if (p) {
		check_relocs(p, r_b, 1);
		check_subprogs(p, subs, 1);
		/* the call at insn 1 goes to insn 3, the copy of times_two */
		is_int(bl_program_insns(p)[1].imm, 1, "%s: sock_b: call imm = 3 - (1 + 1)", how);
	}
	ok(bl_object_find_program(o, "xdp") == bl_object_program(o, 0),
	   "%s: find_program('xdp') is the first program of the section", how);
	is_int(bl_object_map_count(o), 0, "%s: no maps", how);
	(void)im;
}

static void t_sections_obj(struct bl_object *o, const struct img *im)
{
#define E(sec, prog, type, eat, target, kind) \
	{ #prog, sec, BPF_PROG_TYPE_##type, eat, target, kind, 2 }
	static const struct prog_exp progs[] = {
		E("kprobe/do_sys_openat2", s_kprobe, KPROBE, 0, "do_sys_openat2", "kprobe"),
		E("kretprobe/do_sys_openat2", s_kretprobe, KPROBE, 0, "do_sys_openat2",
		  "kretprobe"),
		E("uprobe//bin/bash:readline", s_uprobe, KPROBE, 0, "/bin/bash:readline",
		  "uprobe"),
		E("uretprobe//bin/bash:readline", s_uretprobe, KPROBE, 0, "/bin/bash:readline",
		  "uretprobe"),
		E("tracepoint/syscalls/sys_enter_openat", s_tracepoint, TRACEPOINT, 0,
		  "syscalls/sys_enter_openat", "tracepoint"),
		E("tp/sched/sched_process_exec", s_tp, TRACEPOINT, 0, "sched/sched_process_exec",
		  "tracepoint"),
		E("raw_tracepoint/sys_enter", s_raw_tracepoint, RAW_TRACEPOINT, 0, "sys_enter",
		  "raw_tracepoint"),
		E("raw_tp/sched_switch", s_raw_tp, RAW_TRACEPOINT, 0, "sched_switch",
		  "raw_tracepoint"),
		E("tp_btf/sched_switch", s_tp_btf, TRACING, BPF_TRACE_RAW_TP, "sched_switch",
		  "tp_btf"),
		E("fentry/do_unlinkat", s_fentry, TRACING, BPF_TRACE_FENTRY, "do_unlinkat",
		  "fentry"),
		E("fexit/do_unlinkat", s_fexit, TRACING, BPF_TRACE_FEXIT, "do_unlinkat", "fexit"),
		E("fmod_ret/security_file_open", s_fmod_ret, TRACING, BPF_MODIFY_RETURN,
		  "security_file_open", "fmod_ret"),
		E("lsm/file_open", s_lsm, LSM, BPF_LSM_MAC, "file_open", "lsm"),
		E("iter/task", s_iter, TRACING, BPF_TRACE_ITER, "task", "iter"),
		E("perf_event", s_perf_event, PERF_EVENT, 0, "", "perf_event"),
		E("socket", s_socket, SOCKET_FILTER, 0, "", "socket"),
		E("xdp", s_xdp, XDP, BPF_XDP, "", "xdp"),
		E("xdp.frags", s_xdp_frags, XDP, BPF_XDP, "", "xdp"),
		E("tc", s_tc, SCHED_CLS, 0, "", "tc"),
		E("classifier", s_classifier, SCHED_CLS, 0, "", "tc"),
		E("action", s_action, SCHED_ACT, 0, "", "action"),
		E("cgroup/skb", s_cgroup_skb, CGROUP_SKB, 0, "", "cgroup_skb"),
		E("cgroup_skb/ingress", s_cgroup_skb_ingress, CGROUP_SKB, BPF_CGROUP_INET_INGRESS,
		  "", "cgroup_skb"),
		E("cgroup_skb/egress", s_cgroup_skb_egress, CGROUP_SKB, BPF_CGROUP_INET_EGRESS,
		  "", "cgroup_skb"),
		E("cgroup/sock", s_cgroup_sock, CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, "",
		  "cgroup_sock"),
		E("cgroup/sock_create", s_cgroup_sock_create, CGROUP_SOCK,
		  BPF_CGROUP_INET_SOCK_CREATE, "", "cgroup_sock"),
		E("cgroup/connect4", s_cgroup_connect4, CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT,
		  "", "cgroup_sock_addr"),
		E("cgroup/sysctl", s_cgroup_sysctl, CGROUP_SYSCTL, BPF_CGROUP_SYSCTL, "",
		  "cgroup_sysctl"),
		E("cgroup/dev", s_cgroup_dev, CGROUP_DEVICE, BPF_CGROUP_DEVICE, "",
		  "cgroup_device"),
		E("sockops", s_sockops, SOCK_OPS, BPF_CGROUP_SOCK_OPS, "", "sockops"),
		E("sk_skb/stream_parser", s_sk_skb_parser, SK_SKB, BPF_SK_SKB_STREAM_PARSER, "",
		  "sk_skb"),
		E("sk_skb/stream_verdict", s_sk_skb_verdict, SK_SKB, BPF_SK_SKB_STREAM_VERDICT,
		  "", "sk_skb"),
		E("sk_msg", s_sk_msg, SK_MSG, BPF_SK_MSG_VERDICT, "", "sk_msg"),
		E("flow_dissector", s_flow_dissector, FLOW_DISSECTOR, BPF_FLOW_DISSECTOR, "",
		  "flow_dissector"),
		E("sk_lookup", s_sk_lookup, SK_LOOKUP, BPF_SK_LOOKUP, "", "sk_lookup"),
		E("lwt_in", s_lwt_in, LWT_IN, 0, "", "lwt_in"),
		E("syscall", s_syscall, SYSCALL, 0, "", "syscall"),
	};
#undef E
	struct bl_program *p;
	bool order = true;

	is_int(bl_object_program_count(o), 37, "%s: 37 programs", how);
	for (size_t i = 0; i < OU_ARRAY_SIZE(progs); i++) {
		p = check_prog(o, &progs[i]);
		if (!p || p != bl_object_program(o, i) || p->sec->index != i + 3 ||
		    bl_program_reloc_count(p) || bl_program_subprog_count(p))
			order = false;
	}
	ok(order, "%s: program i in section i + 3, no relocations, no subprograms", how);
	p = bl_object_find_program(o, "s_xdp_frags");
	ok(p && p->prog_flags == BPF_F_XDP_HAS_FRAGS, "%s: xdp.frags: BPF_F_XDP_HAS_FRAGS", how);
	p = bl_object_find_program(o, "s_xdp");
	ok(p && p->prog_flags == 0, "%s: xdp: no program flags", how);
	p = bl_object_find_program(o, "s_fentry");
	ok(p && p->prog_flags == 0 && p->def && (p->def->flags & BL_SEC_F_BTF_TARGET) &&
	   p->def->attach == BL_ATTACH_TRACING, "%s: fentry: BTF target, not sleepable", how);
	p = bl_object_find_program(o, "s_syscall");
	/* tests/objs/sections.c: "syscall" programs are sleepable, as in libbpf */
	ok(p && p->prog_flags == BPF_F_SLEEPABLE, "%s: syscall: BPF_F_SLEEPABLE", how);
	p = bl_object_find_program(o, "s_kretprobe");
	ok(p && p->def && p->def->attach == BL_ATTACH_KRETPROBE,
	   "%s: kretprobe differs from kprobe only in how it attaches", how);
	is_int(bl_object_map_count(o), 0, "%s: no maps", how);
	(void)im;
}

static void t_sock_xdp(struct bl_object *o, const struct img *im)
{
	static const struct prog_exp progs[] = {
		{ "sock_ipv4_len", "socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, "", "socket", 5 },
		{ "xdp_count", "xdp", BPF_PROG_TYPE_XDP, BPF_XDP, "", "xdp", 23 },
	};
	static const struct rel_exp r_xdp[] = {
		{ BL_RELOC_MAP_FD, 14, "proto_count", "proto_count", 0 },
	};
	static const struct map_exp map = {
		"proto_count", "proto_count", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 256, 0, BL_MAP_BTF,
		0, true, true, 0, 32
	};
	struct bl_program *p;
	struct bl_map *m;

	for (size_t i = 0; i < OU_ARRAY_SIZE(progs); i++)
		check_prog(o, &progs[i]);
	if ((p = bl_object_find_program(o, "sock_ipv4_len")))
		check_relocs(p, NULL, 0);
	if ((p = bl_object_find_program(o, "xdp_count")))
		check_relocs(p, r_xdp, 1);
	m = check_map(o, &map);
	if (m) {
		check_btf_size(o, "proto_count", bl_map_btf_key_type_id(m), 4, "key");
		check_btf_size(o, "proto_count", bl_map_btf_value_type_id(m), 8, "value");
		is_int(bl_map_set_max_entries(m, 512), 0, "%s: set max_entries before load", how);
		is_int(bl_map_max_entries(m), 512, "%s: max_entries now 512", how);
	}
	p = bl_object_find_program(o, "xdp_count");
	if (p) {
		is_int(bl_program_set_autoload(p, false), 0, "%s: set_autoload before load", how);
		ok(!bl_program_autoload(p), "%s: autoload off", how);
		is_int(bl_program_set_type(p, BPF_PROG_TYPE_SCHED_CLS, 0), 0,
		       "%s: set_type before load", how);
		ok(bl_program_type(p) == BPF_PROG_TYPE_SCHED_CLS &&
		   bl_program_expected_attach_type(p) == 0, "%s: type changed", how);
	}
	(void)im;
}

static void t_subprogs(struct bl_object *o, const struct img *im)
{
	static const struct prog_exp progs[] = {
		{ "sock_calls", "socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, "", "socket",
		  7 + 3 + 3 + 8 + 4 },
		{ "xdp_calls", "xdp", BPF_PROG_TYPE_XDP, BPF_XDP, "", "xdp",
		  18 + 5 + 3 + 3 + 8 + 4 },
	};
	static const char *const s_sock[] = { "sub_top", "sub_global", "sub_mid", "sub_leaf" };
	static const char *const s_xdp[] = {
		"loop_add", "sub_top", "sub_global", "sub_mid", "sub_leaf"
	};
	/* chunks: sock_calls 0, sub_top 7, sub_global 10, sub_mid 13, sub_leaf 21 */
	static const struct rel_exp r_sock[] = {
		{ BL_RELOC_CALL, 1, ".text", "sub_top", 0 },
		{ BL_RELOC_CALL, 4, "sub_global", "sub_global", 0 },
		{ BL_RELOC_CALL, 7 + 0, "", "sub_mid", 0 },
		{ BL_RELOC_CALL, 13 + 1, "", "sub_leaf", 0 },
		{ BL_RELOC_CALL, 13 + 5, "", "sub_leaf", 0 },
	};
	/* chunks: xdp_calls 0, loop_add 18, sub_top 23, sub_global 26, sub_mid 29,
	 * sub_leaf 37 */
	static const struct rel_exp r_xdp[] = {
		{ BL_RELOC_FUNC_PTR, 5, ".text", "loop_add", 0 },
		{ BL_RELOC_CALL, 10, ".text", "sub_top", 0 },
		{ BL_RELOC_CALL, 13, "sub_global", "sub_global", 0 },
		{ BL_RELOC_CALL, 23 + 0, "", "sub_mid", 0 },
		{ BL_RELOC_CALL, 29 + 1, "", "sub_leaf", 0 },
		{ BL_RELOC_CALL, 29 + 5, "", "sub_leaf", 0 },
	};
	static const __s32 sock_targets[][2] = { { 1, 7 }, { 4, 10 }, { 7, 13 }, { 14, 21 },
						 { 18, 21 } };
	const struct bpf_insn *in;
	struct bl_program *p;

	p = check_prog(o, &progs[0]);
	if (p) {
		check_subprogs(p, s_sock, OU_ARRAY_SIZE(s_sock));
		check_relocs(p, r_sock, OU_ARRAY_SIZE(r_sock));
		in = bl_program_insns(p);
		for (size_t i = 0; i < OU_ARRAY_SIZE(sock_targets); i++)
			is_int(sock_targets[i][0] + in[sock_targets[i][0]].imm + 1,
			       sock_targets[i][1],
			       "%s: sock_calls: call at insn %d goes to insn %d", how,
			       sock_targets[i][0], sock_targets[i][1]);
		is_int(p->nr_func_info, 5, "%s: sock_calls: 5 func_info records", how);
	}
	p = check_prog(o, &progs[1]);
	if (p) {
		check_subprogs(p, s_xdp, OU_ARRAY_SIZE(s_xdp));
		check_relocs(p, r_xdp, OU_ARRAY_SIZE(r_xdp));
		in = bl_program_insns(p);
		ok(in[5].code == INSN_LD_IMM64 && in[5].src_reg == BPF_PSEUDO_FUNC &&
		   5 + in[5].imm + 1 == 18 && in[6].imm == 0,
		   "%s: xdp_calls: ld_imm64 at insn 5 is BPF_PSEUDO_FUNC to insn 18 (loop_add)",
		   how);
		is_int(p->nr_func_info, 6, "%s: xdp_calls: 6 func_info records", how);
	}
	is_int(bl_object_map_count(o), 0, "%s: no maps", how);
	(void)im;
}

static void t_bad_prog(struct bl_object *o, const struct img *im)
{
	static const struct prog_exp progs[] = {
		{ "bad_deref", "socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, "", "socket", 9 },
		{ "good_deref", "socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, "", "socket", 12 },
	};
	/* insn 13 of the section is insn 4 of good_deref, which starts at 9 */
	static const struct rel_exp r[] = { { BL_RELOC_MAP_FD, 4, "vals", "vals", 0 } };
	static const struct map_exp map = {
		"vals", "vals", BPF_MAP_TYPE_HASH, 4, 8, 4, 0, BL_MAP_BTF, 0, true, true, 0, 32
	};
	struct bl_program *p;

	for (size_t i = 0; i < OU_ARRAY_SIZE(progs); i++)
		if ((p = check_prog(o, &progs[i])))
			check_relocs(p, r, 1);
	p = bl_object_find_program(o, "good_deref");
	ok(p && p->func.off == 72, "%s: good_deref starts at byte 72 of 'socket'", how);
	check_map(o, &map);
	(void)im;
}

/* A legacy definition larger than 28 bytes is fine when its tail is 0. */
static void t_legacy_big_zero(struct bl_object *o, const struct img *im)
{
	static const struct map_exp maps[] = {
		{ "big_zero", "big_zero", BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, BL_MAP_LEGACY, 0,
		  false, false, 0, 32 },
		{ "big_tail", "big_tail", BPF_MAP_TYPE_HASH, 4, 4, 16, 0, BL_MAP_LEGACY, 0,
		  false, false, 32, 32 },
	};

	for (size_t i = 0; i < OU_ARRAY_SIZE(maps); i++)
		check_map(o, &maps[i]);
	(void)im;
}

/* Old objects: no FUNC symbols, one program per section, named after it. */
static void t_no_func_symbols(struct bl_object *o, const struct img *im)
{
	static const struct prog_exp progs[] = {
		{ "socket", "socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, "", "socket", 5 },
		{ "xdp", "xdp", BPF_PROG_TYPE_XDP, BPF_XDP, "", "xdp", 23 },
	};
	static const struct rel_exp r_xdp[] = {
		{ BL_RELOC_MAP_FD, 14, "proto_count", "proto_count", 0 },
	};
	struct bl_program *p;

	is_int(bl_object_program_count(o), 2, "%s: 2 programs", how);
	for (size_t i = 0; i < OU_ARRAY_SIZE(progs); i++)
		check_prog(o, &progs[i]);
	if ((p = bl_object_find_program(o, "xdp")))
		check_relocs(p, r_xdp, 1);
	(void)im;
}

/* A BTF prog_array with initial programs, and a bloom filter. */
static void t_prog_array(struct bl_object *o, const struct img *im)
{
	static const struct prog_exp progs[] = {
		{ "tail_a", "socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, "", "socket", 2 },
		{ "tail_b", "socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, "", "socket", 2 },
		{ "entry", "socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, "", "socket", 6 },
	};
	static const struct rel_exp r_entry[] = { { BL_RELOC_MAP_FD, 0, "jmp", "jmp", 0 } };
	static const struct map_exp bloom = {
		"bloom", "bloom", BPF_MAP_TYPE_BLOOM_FILTER, 0, 4, 64, 0, BL_MAP_BTF, 0,
		false, true, 56, 32
	};
	struct bl_program *p;
	struct bl_map *m;

	for (size_t i = 0; i < OU_ARRAY_SIZE(progs); i++)
		ok(check_prog(o, &progs[i]) == bl_object_program(o, i), "%s: %s is program %zu",
		   how, progs[i].name, i);
	if ((p = bl_object_find_program(o, "entry")))
		check_relocs(p, r_entry, 1);
	m = bl_object_find_map(o, "jmp");
	if (ok(m != NULL, "%s: map jmp exists", how)) {
		ok(bl_map_type(m) == BPF_MAP_TYPE_PROG_ARRAY && bl_map_key_size(m) == 4 &&
		   bl_map_max_entries(m) == 4 && !bl_map_inner(m) && m->def_size == 56,
		   "%s: jmp: PROG_ARRAY key 4 max 4, no inner map", how);
		ok(m->has_values && m->values_off == 24, "%s: jmp: 'values' at byte 24", how);
		ok(m->nr_slots == 2 && m->slots[0].index == 0 && m->slots[0].is_prog &&
		   m->slots[0].target == 0 && m->slots[1].index == 3 && m->slots[1].is_prog &&
		   m->slots[1].target == 1, "%s: jmp: slot 0 = tail_a, slot 3 = tail_b", how);
		is_int(bl_map_value_size(m), 4, "%s: jmp: value size 4 (a program fd)", how);
	}
	m = check_map(o, &bloom);
	ok(m && m->def.map_extra == 3 && bl_map_btf_key_type_id(m) == 0,
	   "%s: bloom: map_extra 3, no key", how);
	(void)im;
}

/* ---- driver ------------------------------------------------------------------------- */

static void set_symbol_size(struct img *im, const char *name, __u64 size)
{
	int idx = ou_sym(im, name);
	Elf64_Sym s = ou_symbol(im, idx);

	s.st_size = size;
	ou_set_symbol(im, idx, &s);
}

typedef void (*obj_fn)(struct bl_object *o, const struct img *im);

static const char *cur_prefix;

static void t_globals_wrap(struct bl_object *o, const struct img *im)
{
	t_globals(o, im, cur_prefix);
}

/* Open im (from the file name, or from a copy freed at once) and run fn. */
static void run_one(const char *name, const struct img *im, bool mem,
		    const struct bl_open_opts *opts, obj_fn fn, const char *label)
{
	char hbuf[96];
	struct bl_error err = { 0 };
	struct bl_object *o;

	snprintf(hbuf, sizeof(hbuf), "%s %s", label, name);
	how = hbuf;
	if (mem) {
		struct img c = ou_copy(im);

		o = bl_object_open_mem(c.buf, c.size, opts, &err);
		memset(c.buf, 0xa5, c.size);	/* the object has its own copy */
		ou_free(&c);
	} else {
		o = bl_object_open(ou_path(name), opts, &err);
	}
	if (!ok(o != NULL, "%s: opens", how)) {
		tap_diag("  %d: %s", err.err, err.msg);
		return;
	}
	ok(err.err == 0 && err.msg[0] == '\0', "%s: no error on success", how);
	if (opts && opts->name)
		is_str(bl_object_name(o), opts->name, "%s: object name", how);
	else
		is_str(bl_object_name(o), mem ? "object" : name, "%s: object name", how);
	if (strcmp(name, "unit_legacy_big") && strcmp(name, "sock_xdp (no FUNC symbols)"))
		is_str(bl_object_license(o), "GPL", "%s: license", how);
	fn(o, im);
	check_generic(o, im);
	bl_object_close(o);
}

static void run(const char *name, obj_fn fn)
{
	struct img im = ou_read(name);
	struct bl_open_opts opts = { .name = name };

	run_one(name, &im, false, NULL, fn, "file");
	run_one(name, &im, true, &opts, fn, "mem");
	ou_free(&im);
}

int main(void)
{
	struct bl_open_opts opts = { 0 };
	struct bl_error err;
	struct bl_object *o, *o2;
	struct img im;

	run("legacy_maps", t_legacy_maps);
	run("legacy_maps_ext", t_legacy_maps_ext);
	run("btf_maps", t_btf_maps);
	cur_prefix = "globals";
	run("globals", t_globals_wrap);
	run("multi_prog", t_multi_prog);
	run("sections", t_sections_obj);
	run("sock_xdp", t_sock_xdp);
	run("subprogs", t_subprogs);
	run("bad_prog", t_bad_prog);
	run("unit_prog_array", t_prog_array);

	/* global-data kernel names from the object name */
	im = ou_read("globals");
	cur_prefix = "object";
	run_one("globals", &im, true, NULL, t_globals_wrap, "mem (no name)");
	opts.name = "my-obj.v2";
	cur_prefix = "my_obj_v2";
	run_one("globals", &im, true, &opts, t_globals_wrap, "mem (name my-obj.v2)");
	opts.name = "averyveryverylongobjectname";
	cur_prefix = "averyveryverylo";
	o = bl_object_open_mem(im.buf, im.size, &opts, &err);
	ok(o && !strcmp(bl_map_kernel_name(bl_object_find_map(o, ".data")), "averyveryv.data") &&
	   !strcmp(bl_map_kernel_name(bl_object_find_map(o, ".rodata")), "averyver.rodata"),
	   "long object name: prefix shortened to keep the section name (15 chars)");
	bl_object_close(o);

	/* no_btf: legacy maps and global data still work, without BTF ids */
	opts = (struct bl_open_opts){ .no_btf = true };
	o = bl_object_open_mem(im.buf, im.size, &opts, &err);
	ok(o && !bl_object_has_btf(o) && !bl_object_has_btf_ext(o) &&
	   bl_object_map_count(o) == 4 &&
	   bl_map_btf_value_type_id(bl_object_find_map(o, ".data")) == 0 &&
	   bl_object_program(o, 0)->nr_func_info == 0 &&
	   bl_object_program(o, 0)->nr_line_info == 0,
	   "globals with no_btf: 4 maps, no BTF ids, no func/line info");
	bl_object_close(o);
	ou_free(&im);
	im = ou_read("legacy_maps");
	o = bl_object_open_mem(im.buf, im.size, &opts, &err);
	ok(o && !bl_object_has_btf(o) && bl_object_map_count(o) == 3 &&
	   bl_object_program_count(o) == 3, "legacy_maps with no_btf: 3 maps, 3 programs");
	/* two objects open at once share nothing */
	o2 = bl_object_open_mem(im.buf, im.size, NULL, &err);
	ok(o && o2 && bl_object_map(o, 0) != bl_object_map(o2, 0) &&
	   bl_program_insns(bl_object_program(o, 0)) != bl_program_insns(bl_object_program(o2, 0)),
	   "two objects from the same bytes are independent");
	if (o && o2) {
		bl_map_set_max_entries(bl_object_map(o, 0), 1);
		is_int(bl_map_max_entries(bl_object_map(o2, 0)), 1024,
		       "changing one object's map leaves the other alone");
	}
	bl_object_close(o2);
	bl_object_close(o);
	ou_free(&im);

	/* a 32-byte legacy definition whose tail is zero is accepted */
	im = ou_read("unit_legacy_big");
	{
		unsigned char *maps = ou_data(&im, ou_sec(&im, "maps"));

		memset(maps + 32 + 28, 0, 4);
		run_one("unit_legacy_big", &im, true, NULL, t_legacy_big_zero, "mem (tail zeroed)");
	}
	ou_free(&im);

	/* an object without FUNC symbols: programs named after their sections */
	im = ou_read("sock_xdp");
	for (size_t i = 0; i < ou_nsyms(&im); i++) {
		Elf64_Sym s = ou_symbol(&im, i);

		if (ELF64_ST_TYPE(s.st_info) == STT_FUNC) {
			s.st_info = ELF64_ST_INFO(ELF64_ST_BIND(s.st_info), STT_NOTYPE);
			ou_set_symbol(&im, i, &s);
		}
	}
	run_one("sock_xdp (no FUNC symbols)", &im, true, NULL, t_no_func_symbols, "mem");
	ou_free(&im);

	/* DATASEC variables listed out of offset order come out sorted */
	im = ou_read("globals");
	{
		int sec = ou_sec(&im, ".BTF");
		struct bl_btf *btf = NULL;
		struct bl_error e2;
		__u32 id;

		if (bl_btf_parse(ou_data(&im, sec), ou_shdr(&im, sec).sh_size, NULL, ".BTF", &btf,
				 &e2))
			tap_bail("globals.o .BTF: %s", e2.msg);
		id = bl_btf_find(btf, ".bss", BTF_KIND_DATASEC);
		if (id) {
			const struct btf_type *t = bl_btf_type(btf, id);
			size_t at = (const unsigned char *)bl_btf_extra(t) - btf->data;
			struct btf_var_secinfo vs[5];
			unsigned char *raw = ou_data(&im, sec) + at;

			/* reverse the five variables in the file */
			memcpy(vs, raw, sizeof(vs));
			for (int i = 0; i < 5; i++)
				memcpy(raw + i * sizeof(vs[0]), &vs[4 - i], sizeof(vs[0]));
		}
		bl_btf_free(btf);
		o = bl_object_open_mem(im.buf, im.size, NULL, &err);
		if (ok(o != NULL, "globals with .bss DATASEC vars reversed: opens")) {
			const struct btf_type *t = bl_btf_type(o->btf, id);
			const struct btf_var_secinfo *vs = bl_btf_extra(t);
			static const char *const names[] = { "getpid_calls", "weighted_calls",
							     "static_calls", "prime_sum",
							     "last_tag" };
			bool good = bl_btf_vlen(t) == 5 && t->size == 40;

			for (__u32 i = 0; good && i < 5; i++)
				good = vs[i].offset == i * 8 && !strcmp(names[i],
					bl_btf_name(o->btf, bl_btf_type(o->btf, vs[i].type)));
			ok(good, "globals with .bss DATASEC vars reversed: sorted by offset again,"
			   " at 0, 8, 16, 24, 32");
		}
		bl_object_close(o);
	}
	ou_free(&im);

	/* a program section of an unknown kind: opens, type unknown */
	im = ou_read("sock_xdp");
	{
		int sec = ou_sec(&im, "socket");
		Elf64_Shdr sh = ou_shdr(&im, sec);
		Elf64_Sym s = ou_symbol(&im, ou_sym(&im, "sock_ipv4_len"));
		struct bl_program *p;

		/* .strtab holds both section and symbol names: reuse one */
		sh.sh_name = s.st_name;
		ou_set_shdr(&im, sec, &sh);
		o = bl_object_open_mem(im.buf, im.size, NULL, &err);
		p = o ? bl_object_find_program(o, "sock_ipv4_len") : NULL;
		ok(p && !strcmp(bl_program_section(p), "sock_ipv4_len") &&
		   bl_program_type(p) == BPF_PROG_TYPE_UNSPEC &&
		   !strcmp(bl_program_kind(p), "unknown") &&
		   !strcmp(bl_program_attach_target(p), "") &&
		   bl_program_expected_attach_type(p) == 0,
		   "program in section 'sock_ipv4_len': opens, type UNSPEC, kind unknown");
		if (p) {
			is_int(bl_program_set_type(p, BPF_PROG_TYPE_SOCKET_FILTER, 0), 0,
			       "unknown section: the type can be set before load");
			is_int(bl_program_type(p), BPF_PROG_TYPE_SOCKET_FILTER,
			       "type now SOCKET_FILTER");
		}
		ok(o && !strcmp(bl_object_error(o), ""), "no error message on a fresh object");
		bl_object_close(o);
	}
	ou_free(&im);

	/* func_info must start every function, else the program has none */
	im = ou_read("multi_prog");
	{
		int sec = ou_sec(&im, ".BTF.ext");
		unsigned char *ext = ou_data(&im, sec);
		__u32 hl, fi_off, fi_len, rec, pos, end;
		int bsec = ou_sec(&im, ".BTF");
		struct bl_btf *btf = NULL;
		bool patched = false;

		memcpy(&hl, ext + 4, 4);
		memcpy(&fi_off, ext + 8, 4);
		memcpy(&fi_len, ext + 12, 4);
		pos = hl + fi_off;
		end = pos + fi_len;
		memcpy(&rec, ext + pos, 4);
		pos += 4;
		if (bl_btf_parse(ou_data(&im, bsec), ou_shdr(&im, bsec).sh_size, NULL, ".BTF", &btf,
				 &err))
			tap_bail("multi_prog.o: %s", err.msg);
		/* the block of "socket": records at 0 (sock_a), 16 (sock_b) */
		while (pos + 8 <= end && !patched) {
			__u32 name, num;
			bool sock;

			memcpy(&name, ext + pos, 4);
			memcpy(&num, ext + pos + 4, 4);
			sock = !strcmp(bl_btf_str(btf, name), "socket");
			for (__u32 i = 0; sock && i < num; i++) {
				__u32 off;

				memcpy(&off, ext + pos + 8 + i * rec, 4);
				if (off == 16 && !patched) {
					off = 24;	/* inside sock_b, not its start */
					memcpy(ext + pos + 8 + i * rec, &off, 4);
					patched = true;
				}
			}
			pos += 8 + num * rec;
		}
		bl_btf_free(btf);
		o = bl_object_open_mem(im.buf, im.size, NULL, &err);
		ok(patched && o && bl_object_find_program(o, "sock_b")->nr_func_info == 0 &&
		   bl_object_find_program(o, "sock_b")->nr_line_info == 0 &&
		   bl_object_find_program(o, "sock_a")->nr_func_info == 1,
		   "func_info not at sock_b's first insn: sock_b loads without func/line info,"
		   " sock_a keeps its own");
		bl_object_close(o);
	}
	ou_free(&im);

	/* a global whose symbol runs past its section */
	im = ou_read("globals");
	{
		struct bl_map *gm;
		__u32 off, size;

		set_symbol_size(&im, "weight", 100);
		o = bl_object_open_mem(im.buf, im.size, NULL, &err);
		ok(o && bl_global_lookup(o, "weight", &gm, &off, &size) == -EINVAL &&
		   !bl_global_lookup(o, "target_pid", &gm, &off, &size),
		   "a global of 100 bytes at offset 4 of .rodata (24 bytes): EINVAL");
		bl_object_close(o);
	}
	ou_free(&im);

	bl_object_close(NULL);
	ok(1, "bl_object_close(NULL) is fine");
	return tap_done();
}
