// SPDX-License-Identifier: BSD-2-Clause
/*
 * programs.c - find the functions and entry programs of an object.
 *
 * Every executable section holds BPF instructions (8 bytes each).  The
 * symbol table says where each function starts (st_value) and how long
 * it is (st_size).  Functions in .text are subprograms: they are only
 * loaded as part of a program that calls them.  Functions in any other
 * executable section are entry programs, several per section allowed;
 * old objects put one unnamed program per section, which we name after
 * the section.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "object/object.h"

static bool is_code(const struct bl_section *s)
{
	return s->role == BL_SEC_PROGRAM || s->role == BL_SEC_TEXT;
}

static int check_func(const struct bl_object *obj, const struct bl_section *s,
		      const struct bl_symbol *sym, struct bl_error *e)
{
	if (sym->value % BL_INSN_SZ || sym->size % BL_INSN_SZ)
		return bl_fail(e, -ENOEXEC, "section '%s' offset %#llx: function '%s' (size %llu)"
			       " is not aligned to 8-byte instructions", s->name,
			       (unsigned long long)sym->value, sym->name,
			       (unsigned long long)sym->size);
	if (sym->value > s->size || sym->size > s->size - sym->value)
		return bl_fail(e, -ENOEXEC, "section '%s' offset %#llx: function '%s' (size %llu)"
			       " runs past the end of the section (%llu bytes)", s->name,
			       (unsigned long long)sym->value, sym->name,
			       (unsigned long long)sym->size, (unsigned long long)s->size);
	if (sym->size == 0)
		return bl_fail(e, -ENOEXEC, "section '%s' offset %#llx: function '%s' has size 0",
			       s->name, (unsigned long long)sym->value, sym->name);
	return 0;
}

static int cmp_func(const void *a, const void *b)
{
	const struct bl_func *fa = a, *fb = b;

	if (fa->sec != fb->sec)
		return fa->sec < fb->sec ? -1 : 1;
	return fa->off < fb->off ? -1 : fa->off > fb->off;
}

static int add_func(struct bl_object *obj, size_t *cap, const struct bl_func *f)
{
	if (obj->nr_funcs == *cap) {
		struct bl_func *n;

		*cap = *cap ? *cap * 2 : 16;
		n = realloc(obj->funcs, *cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		obj->funcs = n;
	}
	obj->funcs[obj->nr_funcs++] = *f;
	return 0;
}

/* A code section without FUNC symbols (very old objects): one function
 * spanning the section, named after it. */
static int add_whole_section(struct bl_object *obj, size_t *cap, const struct bl_section *s)
{
	struct bl_func f = { .sec = s->index, .off = 0, .size = s->size, .name = s->name,
			     .global = true };

	for (size_t i = 0; i < obj->nr_funcs; i++)
		if (obj->funcs[i].sec == s->index)
			return 0;
	if (s->size == 0)
		return 0;
	if (s->size % BL_INSN_SZ)
		return -EINVAL;
	return add_func(obj, cap, &f);
}

static int check_overlap(const struct bl_object *obj, struct bl_error *e)
{
	for (size_t i = 1; i < obj->nr_funcs; i++) {
		const struct bl_func *p = &obj->funcs[i - 1], *f = &obj->funcs[i];

		if (p->sec == f->sec && p->off + p->size > f->off)
			return bl_fail(e, -ENOEXEC, "section '%s' offset %#llx: function '%s'"
				       " overlaps '%s'", bl_section_name(obj, f->sec),
				       (unsigned long long)f->off, f->name, p->name);
	}
	return 0;
}

static int collect_funcs(struct bl_object *obj, struct bl_error *e)
{
	struct bl_elf *elf = &obj->elf;
	size_t cap = 0;
	int err;

	for (size_t i = 0; i < elf->nr_syms; i++) {
		const struct bl_symbol *sym = &elf->syms[i];
		struct bl_func f;

		if (sym->type != STT_FUNC || sym->shndx == SHN_UNDEF || sym->shndx >= elf->nr_secs)
			continue;
		if (!is_code(&elf->secs[sym->shndx]))
			return bl_fail(e, -ENOEXEC, "symbol '%s': a function in section '%s', which"
				       " is not executable", sym->name, elf->secs[sym->shndx].name);
		err = check_func(obj, &elf->secs[sym->shndx], sym, e);
		if (err)
			return err;
		f = (struct bl_func){ .sec = sym->shndx, .off = sym->value, .size = sym->size,
				      .name = sym->name, .global = sym->bind != STB_LOCAL };
		if (add_func(obj, &cap, &f))
			return bl_fail(e, -ENOMEM, "out of memory for functions");
	}
	for (size_t i = 0; i < elf->nr_secs; i++) {
		if (elf->secs[i].role != BL_SEC_PROGRAM)
			continue;
		err = add_whole_section(obj, &cap, &elf->secs[i]);
		if (err == -EINVAL)
			return bl_fail(e, -ENOEXEC, "section '%s': %llu bytes is not a whole number"
				       " of 8-byte instructions", elf->secs[i].name,
				       (unsigned long long)elf->secs[i].size);
		if (err)
			return bl_fail(e, -ENOMEM, "out of memory for functions");
	}
	if (obj->nr_funcs)	/* qsort() wants a valid pointer even for 0 items */
		qsort(obj->funcs, obj->nr_funcs, sizeof(*obj->funcs), cmp_func);
	return check_overlap(obj, e);
}

const struct bl_func *bl_func_at(const struct bl_object *obj, unsigned int sec, __u64 off)
{
	size_t lo = 0, hi = obj->nr_funcs;

	/* the last function starting at or before (sec, off) */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct bl_func *f = &obj->funcs[mid];

		if (f->sec < sec || (f->sec == sec && f->off <= off))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	if (obj->funcs[lo - 1].sec != sec || off >= obj->funcs[lo - 1].off + obj->funcs[lo - 1].size)
		return NULL;
	return &obj->funcs[lo - 1];
}

static void set_type_from_section(struct bl_program *p)
{
	const char *target = "";

	p->def = bl_section_def_find(p->sec->name, &target);
	p->attach_target = target;
	if (!p->def) {
		p->type = BPF_PROG_TYPE_UNSPEC;
		p->kind = "unknown";
		return;
	}
	p->type = p->def->prog_type;
	p->expected_attach_type = p->def->expected_attach_type;
	p->kind = p->def->kind;
	if (p->def->flags & BL_SEC_F_SLEEPABLE)
		p->prog_flags |= BPF_F_SLEEPABLE;
	if (p->def->flags & BL_SEC_F_XDP_FRAGS)
		p->prog_flags |= BPF_F_XDP_HAS_FRAGS;
}

int bl_programs_collect(struct bl_object *obj, struct bl_error *e)
{
	size_t n = 0;
	int err = collect_funcs(obj, e);

	if (err)
		return err;
	for (size_t i = 0; i < obj->nr_funcs; i++)
		if (obj->elf.secs[obj->funcs[i].sec].role == BL_SEC_PROGRAM)
			n++;
	obj->progs = calloc(n ? n : 1, sizeof(*obj->progs));
	if (!obj->progs)
		return bl_fail(e, -ENOMEM, "out of memory for %zu programs", n);
	for (size_t i = 0; i < obj->nr_funcs; i++) {
		const struct bl_func *f = &obj->funcs[i];
		struct bl_program *p;

		if (obj->elf.secs[f->sec].role != BL_SEC_PROGRAM)
			continue;
		p = &obj->progs[obj->nr_progs++];
		p->obj = obj;
		p->sec = &obj->elf.secs[f->sec];
		p->func = *f;
		p->fd = -1;
		p->autoload = true;
		p->name = strdup(f->name);
		if (!p->name)
			return bl_fail(e, -ENOMEM, "out of memory");
		set_type_from_section(p);
	}
	return 0;
}

void bl_program_free(struct bl_program *p)
{
	free(p->name);
	free(p->insns);
	free(p->map_refs);
	free(p->relocs);
	free(p->subprogs);
	free(p->func_info);
	free(p->line_info);
	free(p->core_relos);
	free(p->log);
}
