// SPDX-License-Identifier: BSD-2-Clause
/*
 * link.c - turn a function in a section into a loadable program.
 *
 * The kernel loads one flat array of instructions per program.  clang
 * leaves three kinds of holes in it, each marked by a relocation:
 *
 *  - "ld_imm64 r1, map"    (R_BPF_64_64 against a map symbol).  We set
 *    src_reg = BPF_PSEUDO_MAP_FD; at load time imm gets the map's fd and
 *    the kernel swaps the fd for the map's address.
 *  - "ld_imm64 r1, &global" (R_BPF_64_64 against .data/.rodata/.bss).
 *    src_reg = BPF_PSEUDO_MAP_VALUE, imm = map fd, and the second half's
 *    imm holds the variable's offset in the section's map value.
 *  - "call subprog"        (R_BPF_64_32, or no relocation for a call
 *    within the same section).  BPF-to-BPF calls are pc-relative, and the
 *    callee must be part of the same instruction array, so the callee is
 *    copied after the caller (once, however often it is called, and its
 *    own callees after it) and imm becomes the distance to its copy.
 *    A function pointer (ld_imm64 of a .text function, for bpf_loop
 *    callbacks) works the same way with src_reg = BPF_PSEUDO_FUNC.
 *
 * The .BTF.ext func_info and line_info records of every copied function
 * move with it, converted from byte offsets in the section to
 * instruction indexes in the program.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "object/btf.h"
#include "object/btf_ext.h"
#include "object/core.h"
#include "object/object.h"

/* The kernel's limit on the instructions of one program. */
#define MAX_PROG_INSNS		(1U << 20)
#define INSN_LD_IMM64		(BPF_LD | BPF_IMM | BPF_DW)
#define INSN_CALL		(BPF_JMP | BPF_CALL)

struct chunk {
	const struct bl_func *func;
	__u32 start;			/* first instruction in the program */
};

struct linker {
	struct bl_object *obj;
	struct bl_program *prog;
	struct bl_error *e;
	struct chunk *chunks;
	size_t nr_chunks, cap_chunks;
	struct bpf_insn *insns;
	size_t nr_insns, cap_insns;
	size_t cap_relocs, cap_refs;
};

static const char *sym_name(const struct bl_object *obj, const struct bl_symbol *sym)
{
	if (sym->type == STT_SECTION && sym->shndx < obj->elf.nr_secs)
		return obj->elf.secs[sym->shndx].name;
	return sym->name;
}

static int fail_at(struct linker *l, const struct bl_section *s, __u64 off, const char *fmt,
		   const char *a, const char *b)
{
	bl_fail(l->e, -EINVAL, "program '%s': section '%s' offset %#llx (insn %llu): ",
		l->prog->name, s->name, (unsigned long long)off,
		(unsigned long long)(off / BL_INSN_SZ));
	bl_fail_append(l->e, fmt, a, b);
	return -EINVAL;
}

/* ---- building the instruction array --------------------------------------- */

static int append_func(struct linker *l, const struct bl_func *f, struct chunk **out)
{
	const struct bl_section *s = &l->obj->elf.secs[f->sec];
	size_t n = f->size / BL_INSN_SZ;

	if (l->nr_insns + n > MAX_PROG_INSNS)
		return bl_fail(l->e, -E2BIG, "program '%s': more than %u instructions with its"
			       " subprograms, the kernel's limit", l->prog->name, MAX_PROG_INSNS);
	if (bl_array_reserve((void **)&l->insns, &l->cap_insns, l->nr_insns + n,
			     sizeof(*l->insns)) ||
	    bl_array_reserve((void **)&l->chunks, &l->cap_chunks, l->nr_chunks + 1,
			     sizeof(*l->chunks)))
		return bl_fail(l->e, -ENOMEM, "out of memory");
	memcpy(l->insns + l->nr_insns, s->data + f->off, n * BL_INSN_SZ);
	l->chunks[l->nr_chunks] = (struct chunk){ .func = f, .start = l->nr_insns };
	*out = &l->chunks[l->nr_chunks++];
	l->nr_insns += n;
	return 0;
}

/* The copy of f in this program, appending it the first time. */
static int chunk_for(struct linker *l, const struct bl_func *f, __u32 *start)
{
	struct chunk *c;
	int err;

	for (size_t i = 0; i < l->nr_chunks; i++) {
		if (l->chunks[i].func == f) {
			*start = l->chunks[i].start;
			return 0;
		}
	}
	err = append_func(l, f, &c);
	if (!err)
		*start = c->start;
	return err;
}

static int add_reloc_info(struct linker *l, enum bl_reloc_kind kind, __u32 insn,
			  const char *symbol, const char *target, __u32 offset)
{
	struct bl_program *p = l->prog;

	if (bl_array_reserve((void **)&p->relocs, &l->cap_relocs, p->nr_relocs + 1,
			     sizeof(*p->relocs)))
		return bl_fail(l->e, -ENOMEM, "out of memory");
	p->relocs[p->nr_relocs++] = (struct bl_reloc_info){
		.kind = kind, .insn = insn, .symbol = symbol, .target = target, .offset = offset,
	};
	return 0;
}

static int add_map_ref(struct linker *l, __u32 insn, const struct bl_map *m, bool value,
		       __u32 offset)
{
	struct bl_program *p = l->prog;

	if (bl_array_reserve((void **)&p->map_refs, &l->cap_refs, p->nr_map_refs + 1,
			     sizeof(*p->map_refs)))
		return bl_fail(l->e, -ENOMEM, "out of memory");
	p->map_refs[p->nr_map_refs++] = (struct bl_map_ref){
		.insn = insn, .map = m - l->obj->maps, .offset = offset, .value = value,
	};
	return 0;
}

/* ---- externs: .kconfig values, .ksyms variables and kfuncs (externs.c) ---- */

static int extern_fail(struct linker *l, const struct bl_section *s, __u64 off)
{
	char why[BL_ERRMSG_LEN];

	snprintf(why, sizeof(why), "%s", l->e ? l->e->msg : "");
	return fail_at(l, s, off, "%s%s", why, "");
}

static int link_extern(struct linker *l, const struct bl_section *s, __u64 off, __u32 idx,
		       const struct bl_symbol *sym)
{
	struct bpf_insn *insn = &l->insns[idx];
	struct bl_ext_info x;
	struct bl_map *m;
	__s64 voff;

	if (bl_extern_lookup(l->obj, sym, &x, l->e))
		return extern_fail(l, s, off);
	if (x.kind != BL_EXT_KCONFIG) {
		/* the address or BTF id, at load (a kfunc's: "does it exist?") */
		insn[0].imm = insn[1].imm = 0;
		return add_reloc_info(l, BL_RELOC_KSYM, idx, sym->name, x.kind == BL_EXT_KFUNC ?
				      "kfunc" : x.typed ? "typed" : "address", 0);
	}
	m = bl_kconfig_map(l->obj);
	voff = (__s64)x.off + insn->imm;
	if (!m || voff < 0 || (__u64)voff >= m->def.value_size)
		return fail_at(l, s, off, "the reference to '%s' points outside the .kconfig"
			       " values%s", sym->name, "");
	insn[0].src_reg = BPF_PSEUDO_MAP_VALUE;
	insn[0].imm = 0;		/* the map fd, at load time */
	insn[1].imm = (__s32)voff;
	return add_map_ref(l, idx, m, true, voff) ?:
	       add_reloc_info(l, BL_RELOC_KCONFIG, idx, sym->name, m->name, voff);
}

static int link_kfunc(struct linker *l, const struct bl_section *s, __u64 off, __u32 idx,
		      const struct bl_symbol *sym)
{
	struct bpf_insn *insn = &l->insns[idx];
	struct bl_ext_info x;

	if (bl_extern_lookup(l->obj, sym, &x, l->e))
		return extern_fail(l, s, off);
	if (x.kind != BL_EXT_KFUNC)
		return fail_at(l, s, off, "call to '%s', which is an extern variable, not a"
			       " function%s", sym->name, "");
	insn->src_reg = BPF_PSEUDO_KFUNC_CALL;
	insn->imm = 0;			/* its BTF id in the kernel, at load */
	insn->off = 0;
	return add_reloc_info(l, BL_RELOC_KFUNC, idx, sym->name, "", 0);
}

/* ---- the three relocation kinds ------------------------------------------- */

/* Where a call or function pointer lands: a function entry. */
static int resolve_target(struct linker *l, const struct bl_section *s, __u64 off,
			  unsigned int tsec, __s64 toff, const struct bl_func **out)
{
	const struct bl_section *ts = &l->obj->elf.secs[tsec];
	const struct bl_func *f;

	if (ts->role != BL_SEC_TEXT && ts->role != BL_SEC_PROGRAM)
		return fail_at(l, s, off, "call target is in section '%s', which is not code%s",
			       ts->name, "");
	if (toff < 0 || (__u64)toff >= ts->size || toff % BL_INSN_SZ)
		return fail_at(l, s, off, "call target is outside section '%s'%s", ts->name, "");
	f = bl_func_at(l->obj, tsec, toff);
	if (!f || f->off != (__u64)toff)
		return fail_at(l, s, off, "call target in '%s' is not the start of a function%s",
			       ts->name, "");
	*out = f;
	return 0;
}

static int link_call(struct linker *l, const struct bl_section *s, __u64 off, __u32 idx,
		     const struct bl_rel *rel)
{
	struct bpf_insn *insn = &l->insns[idx];
	const struct bl_func *f;
	unsigned int tsec = s->index;
	__s64 toff;
	__u32 start;
	int err;

	if (rel) {
		const struct bl_symbol *sym = &l->obj->elf.syms[rel->sym];

		if (rel->type != BL_R_BPF_64_32)
			return fail_at(l, s, off, "a call carries a relocation that is not"
				       " R_BPF_64_32%s%s", "", "");
		if (sym->shndx == SHN_UNDEF && *sym->name)
			return link_kfunc(l, s, off, idx, sym);
		if (sym->shndx == SHN_UNDEF || sym->shndx >= l->obj->elf.nr_secs)
			return fail_at(l, s, off, "call to '%s', which is not defined in this"
				       " object%s", sym->name, "");
		/* imm counts instructions from the symbol, minus one */
		tsec = sym->shndx;
		if (sym->value > l->obj->elf.secs[tsec].size)
			return fail_at(l, s, off, "call to '%s', a symbol outside its section"
				       " '%s'", sym->name, l->obj->elf.secs[tsec].name);
		toff = (__s64)sym->value + ((__s64)insn->imm + 1) * (__s64)BL_INSN_SZ;
	} else {
		toff = (__s64)off + ((__s64)insn->imm + 1) * (__s64)BL_INSN_SZ;
	}
	err = resolve_target(l, s, off, tsec, toff, &f);
	if (!err)
		err = chunk_for(l, f, &start);
	if (err)
		return err;
	/* chunk_for may have moved the array */
	insn = &l->insns[idx];
	insn->imm = (__s32)start - (__s32)(idx + 1);
	return add_reloc_info(l, BL_RELOC_CALL, idx, rel ? sym_name(l->obj,
			      &l->obj->elf.syms[rel->sym]) : "", f->name, 0);
}

static int link_func_ptr(struct linker *l, const struct bl_section *s, __u64 off, __u32 idx,
			 const struct bl_symbol *sym)
{
	const struct bl_func *f;
	__s64 toff = (__s64)sym->value + l->insns[idx].imm;
	__u32 start;
	int err = resolve_target(l, s, off, sym->shndx, toff, &f);

	if (!err)
		err = chunk_for(l, f, &start);
	if (err)
		return err;
	l->insns[idx].src_reg = BPF_PSEUDO_FUNC;
	l->insns[idx].imm = (__s32)start - (__s32)(idx + 1);
	l->insns[idx + 1].imm = 0;
	return add_reloc_info(l, BL_RELOC_FUNC_PTR, idx, sym_name(l->obj, sym), f->name, 0);
}

static int link_map(struct linker *l, const struct bl_section *s, __u64 off, __u32 idx,
		    const struct bl_symbol *sym)
{
	struct bpf_insn *insn = &l->insns[idx];
	__u64 def_off = sym->value + (__s64)insn->imm;
	struct bl_map *m = bl_map_by_def(l->obj, sym->shndx, def_off);

	if (!m || m->sec_off != def_off)
		return fail_at(l, s, off, "'%s' does not name the start of a map definition"
			       " in '%s'", sym_name(l->obj, sym), l->obj->elf.secs[sym->shndx].name);
	insn[0].src_reg = BPF_PSEUDO_MAP_FD;
	insn[0].imm = 0;		/* the map fd, at load time */
	return add_map_ref(l, idx, m, false, 0) ?:
	       add_reloc_info(l, BL_RELOC_MAP_FD, idx, sym_name(l->obj, sym), m->name, 0);
}

static int link_global(struct linker *l, const struct bl_section *s, __u64 off, __u32 idx,
		       const struct bl_symbol *sym)
{
	struct bpf_insn *insn = &l->insns[idx];
	struct bl_map *m = bl_map_by_def(l->obj, sym->shndx, 0);
	/* a named variable: its st_value; a section symbol (statics,
	 * strings): the offset clang left in imm */
	__s64 voff = (__s64)sym->value + insn->imm;

	if (!m)
		return fail_at(l, s, off, "'%s' is in an empty data section '%s'",
			       sym_name(l->obj, sym), l->obj->elf.secs[sym->shndx].name);
	if (voff < 0 || (__u64)voff >= m->def.value_size)
		return fail_at(l, s, off, "the reference to '%s' points outside section '%s'",
			       sym_name(l->obj, sym), m->sec->name);
	insn[0].src_reg = BPF_PSEUDO_MAP_VALUE;
	insn[0].imm = 0;		/* the map fd, at load time */
	insn[1].imm = (__s32)voff;	/* offset into the map value */
	return add_map_ref(l, idx, m, true, voff) ?:
	       add_reloc_info(l, BL_RELOC_MAP_VALUE, idx, sym_name(l->obj, sym), m->name, voff);
}

static int link_ld_imm64(struct linker *l, const struct bl_section *s, __u64 off, __u32 idx,
			 const struct bl_rel *rel)
{
	const struct bl_symbol *sym = &l->obj->elf.syms[rel->sym];
	const struct bl_section *ts;

	if (rel->type != BL_R_BPF_64_64)
		return fail_at(l, s, off, "ld_imm64 carries a relocation that is not"
			       " R_BPF_64_64%s%s", "", "");
	if (sym->shndx == SHN_UNDEF)
		return link_extern(l, s, off, idx, sym);
	if (sym->shndx >= l->obj->elf.nr_secs)
		return fail_at(l, s, off, "'%s' is in a special section index, not a map or"
			       " data%s", sym->name, "");
	ts = &l->obj->elf.secs[sym->shndx];
	/* every offset below starts at the symbol: keep it inside the
	 * section (and so far from overflowing) */
	if (sym->value > ts->size)
		return fail_at(l, s, off, "'%s' lies outside its section '%s'",
			       sym_name(l->obj, sym), ts->name);
	switch (ts->role) {
	case BL_SEC_LEGACY_MAPS:
	case BL_SEC_BTF_MAPS:
		return link_map(l, s, off, idx, sym);
	case BL_SEC_DATA:
	case BL_SEC_RODATA:
	case BL_SEC_BSS:
		return link_global(l, s, off, idx, sym);
	case BL_SEC_TEXT:
	case BL_SEC_PROGRAM:
		return link_func_ptr(l, s, off, idx, sym);
	default:
		return fail_at(l, s, off, "'%s' is in section '%s', which is neither a map nor"
			       " global data", sym_name(l->obj, sym), ts->name);
	}
}

/* Walk one copied function, filling its holes (which may append more). */
static int link_chunk(struct linker *l, size_t ci)
{
	const struct bl_func *f = l->chunks[ci].func;
	const struct bl_section *s = &l->obj->elf.secs[f->sec];
	__u32 start = l->chunks[ci].start, n = f->size / BL_INSN_SZ;
	int err = 0;

	for (__u32 j = 0; j < n && !err; j++) {
		__u64 off = f->off + (__u64)j * BL_INSN_SZ;
		const struct bl_rel *rel = bl_section_rel_at(s, off);
		__u8 code = l->insns[start + j].code;

		if (code == INSN_LD_IMM64) {
			if (j + 1 >= n)
				return fail_at(l, s, off, "ld_imm64 is the last instruction of"
					       " '%s'%s", f->name, "");
			if (bl_section_rel_at(s, off + BL_INSN_SZ))
				return fail_at(l, s, off + BL_INSN_SZ, "a relocation targets the"
					       " second half of an ld_imm64%s%s", "", "");
			if (rel)
				err = link_ld_imm64(l, s, off, start + j, rel);
			j++;
		} else if (code == INSN_CALL && l->insns[start + j].src_reg == BPF_PSEUDO_CALL) {
			err = link_call(l, s, off, start + j, rel);
		} else if (code == INSN_CALL && rel &&
			   l->obj->elf.syms[rel->sym].shndx == SHN_UNDEF) {
			err = link_kfunc(l, s, off, start + j, &l->obj->elf.syms[rel->sym]);
		} else if (code == INSN_CALL && rel) {
			return fail_at(l, s, off, "a call with a relocation against '%s', which is"
				       " neither a subprogram nor an extern kernel function%s",
				       l->obj->elf.syms[rel->sym].name, "");
		} else if (rel) {
			char op[8];

			snprintf(op, sizeof(op), "%#04x", code);
			return fail_at(l, s, off, "a relocation targets an instruction (opcode"
				       " %s) that is neither ld_imm64 nor call%s", op, "");
		}
	}
	return err;
}

/* ---- func_info and line_info ------------------------------------------------ */

static int cmp_u32_first(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Copy the records of each chunk's function, rebased.  rec_out is the
 * kernel's record size (8 or 16 bytes); the first u32 of every record
 * is insn_off.  Returns the count, or -1 when a function lacks a record
 * at its first instruction (need_start) and the table must be dropped.
 */
static long gather(struct linker *l, const struct bl_ext_table *t, size_t rec_out,
		   bool need_start, bool dedupe, void **out)
{
	unsigned char *buf = NULL;
	size_t n = 0, w = 0, cap = 0;

	for (size_t ci = 0; ci < l->nr_chunks; ci++) {
		const struct bl_func *f = l->chunks[ci].func;
		const struct bl_ext_sec *es = bl_ext_find(t, l->obj->elf.secs[f->sec].name);
		bool found_start = false;

		for (__u32 i = 0; es && i < es->nr; i++) {
			const unsigned char *r = es->recs + (size_t)i * es->rec_size;
			__u32 off;

			memcpy(&off, r, sizeof(off));
			if (off < f->off || off >= f->off + f->size || off % BL_INSN_SZ)
				continue;
			if (bl_array_reserve((void **)&buf, &cap, n + 1, rec_out)) {
				free(buf);
				return -2;
			}
			memcpy(buf + n * rec_out, r, rec_out);
			off = (off - f->off) / BL_INSN_SZ + l->chunks[ci].start;
			memcpy(buf + n * rec_out, &off, sizeof(off));
			found_start |= off == l->chunks[ci].start;
			n++;
		}
		if (need_start && !found_start) {
			free(buf);
			return -1;
		}
	}
	if (n)
		qsort(buf, n, rec_out, cmp_u32_first);
	/* func/line info: the kernel wants strictly increasing offsets */
	for (size_t i = 0; i < n; i++) {
		if (dedupe && w && !memcmp(buf + (w - 1) * rec_out, buf + i * rec_out, sizeof(__u32)))
			continue;
		memmove(buf + w * rec_out, buf + i * rec_out, rec_out);
		w++;
	}
	*out = buf;
	return (long)w;
}

static int link_debug_info(struct linker *l)
{
	struct bl_program *p = l->prog;
	const struct bl_btf_ext *ext = l->obj->btf_ext;
	long n;

	if (!ext || !l->obj->btf)
		return 0;
	n = gather(l, &ext->func_info, sizeof(struct bpf_func_info), true, true,
		   &p->func_info);
	if (n == -2)
		return bl_fail(l->e, -ENOMEM, "out of memory");
	if (n <= 0)
		return 0;	/* incomplete: load without func/line info */
	p->nr_func_info = n;
	/* the kernel also wants a line at the start of every function */
	n = gather(l, &ext->line_info, sizeof(struct bpf_line_info), true, true,
		   &p->line_info);
	if (n == -2)
		return bl_fail(l->e, -ENOMEM, "out of memory");
	p->nr_line_info = n > 0 ? n : 0;
	return 0;
}

/*
 * CO-RE records move with their functions like func_info does, but are
 * only applied at load time, against the BTF of the kernel being loaded
 * into (core.c).  Here they get instruction indexes in the program
 * (insn_off stays in bytes, as in struct bpf_core_relo).
 */
static int link_core_relos(struct linker *l)
{
	const struct bl_btf_ext *ext = l->obj->btf_ext;
	struct bl_program *p = l->prog;
	void *recs = NULL;
	long n;

	if (!ext || !l->obj->btf || !ext->core_relo.nr_secs)
		return 0;
	n = gather(l, &ext->core_relo, sizeof(struct bpf_core_relo), false, false, &recs);
	if (n == -2)
		return bl_fail(l->e, -ENOMEM, "out of memory");
	p->core_relos = recs;
	p->nr_core_relos = n > 0 ? n : 0;
	/* gather() stored instruction indexes; the ABI record wants bytes */
	for (size_t i = 0; i < p->nr_core_relos; i++)
		p->core_relos[i].insn_off *= BL_INSN_SZ;
	return 0;
}

/* ---- driver ------------------------------------------------------------------ */

static int check_code_relocs(struct bl_object *obj, struct bl_error *e)
{
	for (size_t i = 0; i < obj->elf.nr_secs; i++) {
		const struct bl_section *s = &obj->elf.secs[i];
		const char *what = NULL;

		if (s->role == BL_SEC_DATA || s->role == BL_SEC_RODATA) {
			if (s->nr_rels)
				return bl_fail(e, -EINVAL, "section '%s' offset %#llx: global data"
					       " initialized with an address; BPF cannot relocate"
					       " pointers stored in data", s->name,
					       (unsigned long long)s->rels[0].offset);
			continue;
		}
		if (s->role != BL_SEC_TEXT && s->role != BL_SEC_PROGRAM)
			continue;
		for (size_t j = 0; j < s->nr_rels; j++) {
			const struct bl_rel *r = &s->rels[j];

			if (r->offset % BL_INSN_SZ || r->offset >= s->size)
				what = "is misaligned or outside the section";
			else if (r->type != BL_R_BPF_64_64 && r->type != BL_R_BPF_64_32)
				what = "has a type that is not valid in code (only R_BPF_64_64 and"
				       " R_BPF_64_32 are)";
			if (what)
				return bl_fail(e, -EINVAL, "section '%s' offset %#llx: relocation %zu"
					       " (type %u) %s", s->name,
					       (unsigned long long)r->offset, j, r->type, what);
		}
	}
	return 0;
}

static int link_program(struct bl_object *obj, struct bl_program *p, struct bl_error *e)
{
	struct linker l = { .obj = obj, .prog = p, .e = e };
	struct chunk *c;
	int err = append_func(&l, &p->func, &c);

	for (size_t ci = 0; !err && ci < l.nr_chunks; ci++)
		err = link_chunk(&l, ci);
	if (!err)
		err = link_debug_info(&l);
	if (!err)
		err = link_core_relos(&l);
	if (!err && l.nr_chunks > 1) {
		p->subprogs = calloc(l.nr_chunks - 1, sizeof(*p->subprogs));
		if (!p->subprogs)
			err = bl_fail(e, -ENOMEM, "out of memory");
		for (size_t ci = 1; !err && ci < l.nr_chunks; ci++)
			p->subprogs[p->nr_subprogs++] = l.chunks[ci].func->name;
	}
	free(l.chunks);
	if (err) {
		free(l.insns);
		return err;
	}
	p->insns = l.insns;
	p->nr_insns = l.nr_insns;
	return 0;
}

int bl_programs_link(struct bl_object *obj, struct bl_error *e)
{
	int err = check_code_relocs(obj, e);

	/* hostile .BTF.ext core_relo records fail the open, precisely */
	if (!err)
		err = bl_core_check_object(obj, e);
	/* .kconfig externs get a map before references to them are linked */
	if (!err)
		err = bl_externs_setup(obj, e);

	for (size_t i = 0; !err && i < obj->nr_progs; i++)
		err = link_program(obj, &obj->progs[i], e);
	return err;
}
