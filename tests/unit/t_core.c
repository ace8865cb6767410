// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_core.c - the CO-RE relocation engine on hand-made BTF.
 *
 * Each case builds a "local" BTF (what the program was compiled with,
 * plus the access strings) and a "target" BTF (the kernel), a few
 * instructions holding the local values, and the records; then checks
 * what bl_core_relocate() did to the instructions: every relocation
 * kind, ___flavours, anonymous members, arrays (also multi-dimensional
 * and flexible), bitfields, missing fields (poison), ambiguity, type
 * compatibility and "type matches", enum values (also enum64), load and
 * store width adjustment, module BTF searched only when vmlinux lacks a
 * type, and records or instructions that are wrong whatever the kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "object/btf.h"
#include "object/core.h"
#include "tap.h"
#include "t_core_btf.h"

#define POISON		BL_CORE_POISON_IMM
#define MAX_INSNS	32

struct fx {
	struct bl_btf *local, *target;
	struct bl_core_target tg;
	struct bpf_insn insns[MAX_INSNS];
	size_t n;
	struct bpf_core_relo relos[MAX_INSNS];
	size_t nr;
	struct bl_core_result res;
	struct bl_error e;
};

static struct bpf_insn mov64(__s32 imm)
{
	return (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 1, .imm = imm };
}

static struct bpf_insn mov32(__s32 imm)
{
	return (struct bpf_insn){ .code = BPF_ALU | BPF_MOV | BPF_K, .dst_reg = 1, .imm = imm };
}

static struct bpf_insn ldx(int size, __s16 off)
{
	return (struct bpf_insn){ .code = BPF_LDX | BPF_MEM | size, .dst_reg = 1, .src_reg = 2,
				  .off = off };
}

static struct bpf_insn stx(int size, __s16 off)
{
	return (struct bpf_insn){ .code = BPF_STX | BPF_MEM | size, .dst_reg = 2, .src_reg = 1,
				  .off = off };
}

static struct bpf_insn exit_insn(void)
{
	return (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
}

static void fx_init(struct fx *f, struct bl_btf *local, struct bl_btf *target)
{
	memset(f, 0, sizeof(*f));
	f->local = local;
	f->target = target;
	f->tg.btf = target;
}

static void fx_free(struct fx *f)
{
	bl_core_result_free(&f->res);
	bl_btf_free(f->local);
	bl_btf_free(f->target);
}

/* Append an instruction, with a record when kind >= 0. */
static size_t add(struct fx *f, struct bpf_insn insn, __u32 type, __u32 access, int kind)
{
	size_t at = f->n;

	f->insns[f->n++] = insn;
	if (kind >= 0)
		f->relos[f->nr++] = (struct bpf_core_relo){
			.insn_off = at * 8, .type_id = type, .access_str_off = access, .kind = kind,
		};
	return at;
}

static size_t add_ld64(struct fx *f, __u64 val, __u32 type, __u32 access, int kind)
{
	struct bpf_insn a = { .code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 1,
			      .imm = (__s32)(__u32)val };
	struct bpf_insn b = { .imm = (__s32)(__u32)(val >> 32) };
	size_t at = add(f, a, type, access, kind);

	add(f, b, 0, 0, -1);
	return at;
}

static int run(struct fx *f)
{
	bl_core_result_free(&f->res);
	memset(&f->e, 0, sizeof(f->e));
	return bl_core_relocate(f->local, &f->tg, "prog", f->insns, f->n, f->relos, f->nr,
				&f->res, &f->e);
}

static bool poisoned(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) && insn->imm == POISON && !insn->src_reg;
}

static __u64 ld64(const struct bpf_insn *insn)
{
	return (__u64)(__u32)insn[1].imm << 32 | (__u32)insn[0].imm;
}

/* ---- names ---------------------------------------------------------------------- */

static void test_essential_names(void)
{
	is_int(bl_core_essential_len("task_struct"), 11, "essential name of task_struct");
	is_int(bl_core_essential_len("task_struct___old"), 11, "task_struct___old is a flavour");
	is_int(bl_core_essential_len("foo___v2___x"), 8, "the last ___ separates the flavour");
	is_int(bl_core_essential_len("foo___"), 6, "a trailing ___ is part of the name");
	is_int(bl_core_essential_len("___foo"), 6, "a leading ___ is part of the name");
	is_int(bl_core_essential_len("a____b"), 6, "four underscores are no separator");
	is_int(bl_core_essential_len(""), 0, "empty name");
	is_str(bl_core_kind_name(BPF_CORE_FIELD_BYTE_OFFSET), "field offset", "kind name 0");
	is_str(bl_core_kind_name(12), "type matches", "kind name 12");
	is_str(bl_core_kind_name(99), "unknown kind", "unknown kind name");
}

/* ---- fields ------------------------------------------------------------------------ */

static void test_fields(void)
{
	struct bb l, t;
	struct fx f;
	__u32 lfoo, a0, a1, a2;
	size_t i_off, i_ldx, i_size, i_ex, i_sa, i_sc, i_ld, i_st;

	bb_init(&l);
	bb_int(&l, "int", 4, true);				/* 1 */
	bb_int(&l, "unsigned int", 4, false);			/* 2 */
	bb_int(&l, "long", 8, true);				/* 3 */
	lfoo = bb_struct(&l, "foo", 16, 3);			/* 4 */
	bb_member(&l, "a", 1, 0, 0);
	bb_member(&l, "c", 2, 32, 0);
	bb_member(&l, "b", 3, 64, 0);
	a0 = bb_str(&l, "0:0");
	a1 = bb_str(&l, "0:2");
	a2 = bb_str(&l, "0:1");

	bb_init(&t);
	bb_int(&t, "char", 1, true);				/* 1 */
	bb_int(&t, "unsigned int", 4, false);			/* 2 */
	bb_typedef(&t, "s64", 4);				/* 3 -> long */
	bb_int(&t, "long", 8, true);				/* 4 */
	bb_typedef(&t, "s32", 6);				/* 5 -> const int */
	bb_const(&t, 7);					/* 6 */
	bb_int(&t, "int", 4, true);				/* 7 */
	bb_struct(&t, "foo", 32, 4);				/* 8 */
	bb_member(&t, "c", 2, 0, 0);
	bb_member(&t, "d", 1, 32, 0);
	bb_member(&t, "a", 5, 96, 0);
	bb_member(&t, "b", 3, 128, 0);

	fx_init(&f, bb_parse(&l), bb_parse(&t));
	i_off = add(&f, mov64(0), lfoo, a0, BPF_CORE_FIELD_BYTE_OFFSET);
	i_ldx = add(&f, ldx(BPF_DW, 8), lfoo, a1, BPF_CORE_FIELD_BYTE_OFFSET);
	i_size = add(&f, mov32(4), lfoo, a0, BPF_CORE_FIELD_BYTE_SIZE);
	i_ex = add(&f, mov64(1), lfoo, a2, BPF_CORE_FIELD_EXISTS);
	i_sa = add(&f, mov64(1), lfoo, a0, BPF_CORE_FIELD_SIGNED);
	i_sc = add(&f, mov64(0), lfoo, a2, BPF_CORE_FIELD_SIGNED);
	i_ld = add_ld64(&f, 8, lfoo, a1, BPF_CORE_FIELD_BYTE_OFFSET);
	i_st = add(&f, stx(BPF_W, 4), lfoo, a2, BPF_CORE_FIELD_BYTE_OFFSET);
	add(&f, exit_insn(), 0, 0, -1);
	if (!ok(!run(&f), "fields: relocate"))
		tap_diag("%s", f.e.msg);
	is_int(f.insns[i_off].imm, 12, "field offset of foo.a through typedef and const: 12");
	is_int(f.insns[i_ldx].off, 16, "ldx offset of foo.b (through a typedef): 16");
	is_int(BPF_SIZE(f.insns[i_ldx].code), BPF_DW, "same size: width kept");
	is_int(f.insns[i_size].imm, 4, "field size of foo.a");
	is_int(f.insns[i_ex].imm, 1, "field exists of foo.c");
	is_int(f.insns[i_sa].imm, 1, "foo.a is signed");
	is_int(f.insns[i_sc].imm, 0, "foo.c is unsigned");
	is_int(ld64(&f.insns[i_ld]), 16, "ld_imm64 carries the 64-bit offset of foo.b");
	is_int(f.insns[i_st].off, 0, "stx offset of foo.c: 0");
	is_int(f.res.nr_poisoned, 0, "nothing poisoned");
	is_int(f.res.nr_outcomes, f.nr, "one outcome per record");
	is_int(f.res.outcomes[0].target_id, 8, "the outcome names the target type");
	is_int(f.res.outcomes[0].local_val, 0, "and the local value");
	fx_free(&f);
	bb_free(&l);
	bb_free(&t);
}

/* ---- flavours and ambiguity ------------------------------------------------------ */

/* local: struct foo___v2 { int x; }, access "0:0" */
static struct bl_btf *flavour_local(__u32 *type, __u32 *access)
{
	struct bb l;
	struct bl_btf *btf;

	bb_init(&l);
	bb_int(&l, "int", 4, true);
	*type = bb_struct(&l, "foo___v2", 4, 1);
	bb_member(&l, "x", 1, 0, 0);
	*access = bb_str(&l, "0:0");
	btf = bb_parse(&l);
	bb_free(&l);
	return btf;
}

static struct bl_btf *two_foos(const char *n1, __u32 x1, const char *n2, __u32 x2)
{
	struct bb t;
	struct bl_btf *btf;

	bb_init(&t);
	bb_int(&t, "int", 4, true);
	bb_struct(&t, n1, 16, 1);
	bb_member(&t, "x", 1, x1, 0);
	if (n2) {
		bb_struct(&t, n2, 16, 1);
		bb_member(&t, "x", 1, x2, 0);
	}
	btf = bb_parse(&t);
	bb_free(&t);
	return btf;
}

static void test_flavours(void)
{
	struct fx f;
	__u32 type, access;
	struct bb t;

	fx_init(&f, flavour_local(&type, &access), two_foos("foo", 32, NULL, 0));
	add(&f, mov64(0), type, access, BPF_CORE_FIELD_BYTE_OFFSET);
	ok(!run(&f) && f.insns[0].imm == 4, "struct foo___v2 matches the target's struct foo");
	fx_free(&f);

	fx_init(&f, flavour_local(&type, &access), two_foos("foo___x", 64, NULL, 0));
	add(&f, mov64(0), type, access, BPF_CORE_FIELD_BYTE_OFFSET);
	ok(!run(&f) && f.insns[0].imm == 8, "and a target flavour foo___x too");
	fx_free(&f);

	fx_init(&f, flavour_local(&type, &access), two_foos("foo", 0, "foo___old", 32));
	add(&f, mov64(0), type, access, BPF_CORE_FIELD_BYTE_OFFSET);
	is_int(run(&f), -EINVAL, "two candidates that disagree are an error");
	like(f.e.msg, "program 'prog' insn 0: CO-RE field offset of struct foo___v2.x (0:0):"
	     " ambiguous: candidates struct foo (id 2) and struct foo___old (id 3) in the"
	     " target kernel give 0 and 4", "naming both candidates and their values");
	fx_free(&f);

	fx_init(&f, flavour_local(&type, &access), two_foos("foo", 32, "foo___same", 32));
	add(&f, mov64(0), type, access, BPF_CORE_FIELD_BYTE_OFFSET);
	ok(!run(&f) && f.insns[0].imm == 4, "two candidates that agree are fine");
	fx_free(&f);

	fx_init(&f, flavour_local(&type, &access), two_foos("foobar", 0, "fo", 0));
	add(&f, mov64(0), type, access, BPF_CORE_FIELD_BYTE_OFFSET);
	ok(!run(&f) && poisoned(&f.insns[0]), "names that only share a prefix are no candidates");
	like(f.res.nr_poisoned ? f.res.poisoned[0].msg : "", "no such field in the target kernel"
	     " (it has no struct foo)", "the poison message says the type is missing");
	fx_free(&f);

	/* a union foo is not a struct foo */
	bb_init(&t);
	bb_int(&t, "int", 4, true);
	bb_union(&t, "foo", 4, 1);
	bb_member(&t, "x", 1, 0, 0);
	fx_init(&f, flavour_local(&type, &access), bb_parse(&t));
	add(&f, mov64(0), type, access, BPF_CORE_FIELD_BYTE_OFFSET);
	ok(!run(&f) && poisoned(&f.insns[0]), "a union of the same name is no candidate");
	fx_free(&f);
	bb_free(&t);
}

/* ---- anonymous members, nesting, arrays ----------------------------------------- */

static void test_nesting(void)
{
	struct bb l, t;
	struct fx f;
	__u32 outer, arr, flex, a_w, a_a, a_v2, a_m12, a_flex, a_root, a_vnone, a_in;
	size_t i;

	bb_init(&l);
	bb_int(&l, "int", 4, true);				/* 1 */
	bb_struct(&l, "inner", 8, 2);				/* 2 */
	bb_member(&l, "z", 1, 0, 0);
	bb_member(&l, "w", 1, 32, 0);
	outer = bb_struct(&l, "outer", 12, 2);			/* 3 */
	bb_member(&l, "a", 1, 0, 0);
	bb_member(&l, "in", 2, 32, 0);
	bb_int(&l, "unsigned int", 4, false);			/* 4 index type */
	bb_array(&l, 1, 4, 4);					/* 5 int[4] */
	bb_array(&l, 1, 4, 3);					/* 6 int[3] */
	bb_array(&l, 6, 4, 2);					/* 7 int[2][3] */
	arr = bb_struct(&l, "arr", 40, 2);			/* 8 */
	bb_member(&l, "v", 5, 0, 0);
	bb_member(&l, "m", 7, 128, 0);
	bb_array(&l, 1, 4, 0);					/* 9 int[] */
	flex = bb_struct(&l, "flex", 4, 2);			/* 10 */
	bb_member(&l, "n", 1, 0, 0);
	bb_member(&l, "data", 9, 32, 0);
	a_w = bb_str(&l, "0:1:1");
	a_a = bb_str(&l, "0:0");
	a_in = bb_str(&l, "0:1");
	a_v2 = bb_str(&l, "0:0:2");
	a_m12 = bb_str(&l, "0:1:1:2");
	a_flex = bb_str(&l, "0:1:5");
	a_root = bb_str(&l, "2:0");
	a_vnone = bb_str(&l, "0:0:3");

	bb_init(&t);
	bb_int(&t, "int", 4, true);				/* 1 */
	bb_int(&t, "long", 8, true);				/* 2 */
	bb_struct(&t, "", 12, 2);				/* 3 anonymous struct */
	bb_member(&t, "pad", 2, 0, 0);
	bb_member(&t, "a", 1, 64, 0);
	bb_union(&t, "", 16, 2);				/* 4 anonymous union */
	bb_member(&t, "", 3, 0, 0);
	bb_member(&t, "other", 2, 0, 0);
	bb_struct(&t, "inner", 8, 2);				/* 5 */
	bb_member(&t, "w", 1, 0, 0);
	bb_member(&t, "z", 1, 32, 0);
	bb_struct(&t, "outer", 24, 2);				/* 6 */
	bb_member(&t, "", 4, 0, 0);
	bb_member(&t, "in", 5, 128, 0);
	bb_int(&t, "unsigned int", 4, false);			/* 7 */
	bb_array(&t, 1, 7, 3);					/* 8 int[3] */
	bb_array(&t, 8, 7, 2);					/* 9 int[2][3] */
	bb_array(&t, 1, 7, 3);					/* 10 int[3] */
	bb_struct(&t, "arr", 48, 3);				/* 11 */
	bb_member(&t, "pad", 2, 0, 0);
	bb_member(&t, "m", 9, 64, 0);
	bb_member(&t, "v", 10, 256, 0);
	bb_array(&t, 1, 7, 0);					/* 12 int[] */
	bb_struct(&t, "flex", 8, 2);				/* 13 */
	bb_member(&t, "n", 2, 0, 0);
	bb_member(&t, "data", 12, 64, 0);

	fx_init(&f, bb_parse(&l), bb_parse(&t));
	add(&f, mov64(8), outer, a_w, BPF_CORE_FIELD_BYTE_OFFSET);
	add(&f, mov64(0), outer, a_a, BPF_CORE_FIELD_BYTE_OFFSET);
	add(&f, mov64(8), outer, a_in, BPF_CORE_FIELD_BYTE_SIZE);
	add(&f, mov64(8), arr, a_v2, BPF_CORE_FIELD_BYTE_OFFSET);
	add(&f, mov64(36), arr, a_m12, BPF_CORE_FIELD_BYTE_OFFSET);
	add(&f, mov64(24), flex, a_flex, BPF_CORE_FIELD_BYTE_OFFSET);
	add(&f, mov64(24), outer, a_root, BPF_CORE_FIELD_BYTE_OFFSET);
	add(&f, mov64(4), arr, a_v2, BPF_CORE_FIELD_BYTE_SIZE);
	i = add(&f, mov64(12), arr, a_vnone, BPF_CORE_FIELD_BYTE_OFFSET);
	add(&f, mov64(1), arr, a_vnone, BPF_CORE_FIELD_EXISTS);
	if (!ok(!run(&f), "nesting: relocate"))
		tap_diag("%s", f.e.msg);
	is_int(f.insns[0].imm, 16, "outer.in.w: 16 (inner reordered, outer grown)");
	is_int(f.insns[1].imm, 8, "outer.a: found inside an anonymous struct in an anonymous"
	       " union, at 8");
	is_int(f.insns[2].imm, 8, "size of outer.in (a struct member)");
	is_int(f.insns[3].imm, 40, "arr.v[2]: 32 + 8");
	is_int(f.insns[4].imm, 28, "arr.m[1][2]: 8 + (1 * 3 + 2) * 4");
	is_int(f.insns[5].imm, 28, "flex.data[5] (flexible array): 8 + 20");
	is_int(f.insns[6].imm, 56, "p[2].a: two target structs (24 bytes) on, plus 8");
	is_int(f.insns[7].imm, 4, "size of an array element");
	ok(poisoned(&f.insns[i]), "arr.v[3] with 3 target elements: poisoned");
	like(f.res.nr_poisoned ? f.res.poisoned[0].msg : "", "program 'prog' insn 8: CO-RE"
	     " field offset of struct arr.v[3] (0:0:3): no such field in the target kernel"
	     " (struct arr: index 3 is past the end of the target's array (3 elements))",
	     "naming the index and the array");
	is_int(f.insns[i + 1].imm, 0, "and it does not exist");
	fx_free(&f);
	bb_free(&l);
	bb_free(&t);
}

/* ---- bitfields -------------------------------------------------------------------- */

static void test_bitfields(void)
{
	struct bb l, t;
	struct fx f;
	__u32 bf, ax, ay, az;

	bb_init(&l);
	bb_int(&l, "unsigned int", 4, false);			/* 1 */
	bb_int(&l, "int", 4, true);				/* 2 */
	bf = bb_struct(&l, "bf", 4, 3);				/* 3 */
	bb_member(&l, "x", 1, 0, 3);
	bb_member(&l, "y", 2, 3, 5);
	bb_member(&l, "z", 1, 8, 1);
	ax = bb_str(&l, "0:0");
	ay = bb_str(&l, "0:1");
	az = bb_str(&l, "0:2");

	bb_init(&t);
	bb_int(&t, "unsigned int", 4, false);			/* 1 */
	bb_int(&t, "int", 4, true);				/* 2 */
	bb_int_bits(&t, "unsigned int", 4, 2, 1);		/* 3: old-style bitfield int */
	bb_struct(&t, "bf", 8, 3);				/* 4 */
	bb_member(&t, "x", 1, 37, 3);
	bb_member(&t, "y", 2, 28, 5);
	bb_member(&t, "z", 3, 40, 0);

	fx_init(&f, bb_parse(&l), bb_parse(&t));
	/* offset, size and lshift of bitfields are not checked against the
	 * instruction (clang may load more), rshift and signed are */
	add(&f, mov64(0), bf, ax, BPF_CORE_FIELD_BYTE_OFFSET);
	add(&f, mov64(8), bf, ax, BPF_CORE_FIELD_BYTE_SIZE);
	add(&f, mov64(63), bf, ax, BPF_CORE_FIELD_LSHIFT_U64);
	add(&f, mov64(61), bf, ax, BPF_CORE_FIELD_RSHIFT_U64);
	add(&f, mov64(0), bf, ax, BPF_CORE_FIELD_SIGNED);
	add(&f, mov64(0), bf, ay, BPF_CORE_FIELD_BYTE_OFFSET);
	add(&f, mov64(4), bf, ay, BPF_CORE_FIELD_BYTE_SIZE);
	add(&f, mov64(56), bf, ay, BPF_CORE_FIELD_LSHIFT_U64);
	add(&f, mov64(59), bf, ay, BPF_CORE_FIELD_RSHIFT_U64);
	add(&f, mov64(1), bf, ay, BPF_CORE_FIELD_SIGNED);
	add(&f, mov64(1), bf, az, BPF_CORE_FIELD_EXISTS);
	if (!ok(!run(&f), "bitfields: relocate"))
		tap_diag("%s", f.e.msg);
	is_int(f.insns[0].imm, 4, "x:3 at bit 37: loaded from byte 4");
	is_int(f.insns[1].imm, 4, "in 4 bytes");
	is_int(f.insns[2].imm, 56, "lshift 64 - (5 + 3)");
	is_int(f.insns[3].imm, 61, "rshift 64 - 3");
	is_int(f.insns[4].imm, 0, "unsigned");
	is_int(f.insns[5].imm, 0, "y:5 at bit 28 straddles 4 bytes: 8 bytes from 0");
	is_int(f.insns[6].imm, 8, "size 8");
	is_int(f.insns[7].imm, 31, "lshift 64 - 33");
	is_int(f.insns[8].imm, 59, "rshift 64 - 5");
	is_int(f.insns[9].imm, 1, "signed");
	is_int(f.insns[10].imm, 0, "an old-style bitfield int (BTF_INT_OFFSET) does not match");
	fx_free(&f);

	/* a value check that does apply: rshift must be the local one */
	fx_init(&f, NULL, NULL);
	bb_free(&t);
	bb_init(&t);
	bb_int(&t, "unsigned int", 4, false);
	bb_struct(&t, "bf", 4, 1);
	bb_member(&t, "x", 1, 0, 3);
	f.local = bb_parse(&l);
	f.target = bb_parse(&t);
	f.tg.btf = f.target;
	add(&f, mov64(60), bf, ax, BPF_CORE_FIELD_RSHIFT_U64);
	is_int(run(&f), -EINVAL, "an rshift that is not the local value is refused");
	like(f.e.msg, "the instruction holds 60, not the local value 61", "saying so");
	fx_free(&f);
	bb_free(&l);
	bb_free(&t);
}

/* ---- missing fields: poison ----------------------------------------------------------- */

static void test_poison(void)
{
	struct bb l, t;
	struct fx f;
	__u32 foo, agone, aa;
	size_t i0, i1, i2, i3, i4;

	bb_init(&l);
	bb_int(&l, "int", 4, true);
	foo = bb_struct(&l, "foo", 8, 2);
	bb_member(&l, "a", 1, 0, 0);
	bb_member(&l, "gone", 1, 32, 0);
	agone = bb_str(&l, "0:1");
	aa = bb_str(&l, "0:0");
	bb_init(&t);
	bb_int(&t, "int", 4, true);
	bb_struct(&t, "foo", 4, 1);
	bb_member(&t, "a", 1, 0, 0);

	fx_init(&f, bb_parse(&l), bb_parse(&t));
	i0 = add(&f, mov64(4), foo, agone, BPF_CORE_FIELD_BYTE_OFFSET);
	i1 = add_ld64(&f, 4, foo, agone, BPF_CORE_FIELD_BYTE_OFFSET);
	i2 = add(&f, ldx(BPF_W, 4), foo, agone, BPF_CORE_FIELD_BYTE_OFFSET);
	i3 = add(&f, mov64(1), foo, agone, BPF_CORE_FIELD_EXISTS);
	i4 = add(&f, mov64(4), foo, agone, BPF_CORE_FIELD_BYTE_SIZE);
	add(&f, mov64(0), foo, aa, BPF_CORE_FIELD_BYTE_OFFSET);
	if (!ok(!run(&f), "a missing field is not an error at relocation time"))
		tap_diag("%s", f.e.msg);
	ok(poisoned(&f.insns[i0]), "ALU: poisoned (call 0xbad2310)");
	ok(poisoned(&f.insns[i1]) && poisoned(&f.insns[i1 + 1]), "ld_imm64: both halves poisoned");
	ok(poisoned(&f.insns[i2]), "LDX: poisoned");
	is_int(f.insns[i3].imm, 0, "field exists: 0, not poisoned");
	ok(poisoned(&f.insns[i4]), "field size: poisoned");
	is_int(f.res.nr_poisoned, 4, "four poisoned instructions listed");
	is_int(f.res.poisoned[0].insn, 0, "the first at insn 0");
	is_str(f.res.poisoned[0].msg, "program 'prog' insn 0: CO-RE field offset of struct"
	       " foo.gone (0:1): no such field in the target kernel (struct foo: no member"
	       " 'gone')", "the message names program, insn, kind, type, field and access");
	ok(f.res.outcomes[0].poisoned && !f.res.outcomes[3].poisoned, "outcomes say which");
	/* relocating again leaves a poisoned insn alone */
	f.nr = 1;
	ok(!run(&f) && poisoned(&f.insns[0]), "a poisoned instruction is skipped on a second pass");
	fx_free(&f);
	bb_free(&l);
	bb_free(&t);
}

/* ---- type-based relocations ------------------------------------------------------------ */

static void test_types(void)
{
	struct bb l, t;
	struct fx f;
	__u32 foo, myint, bar, none, ptr_t, zero;
	size_t i;

	bb_init(&l);
	bb_int(&l, "int", 4, true);				/* 1 */
	foo = bb_struct(&l, "foo", 4, 1);			/* 2 */
	bb_member(&l, "a", 1, 0, 0);
	myint = bb_typedef(&l, "myint", 1);			/* 3 */
	bar = bb_fwd(&l, "bar", false);				/* 4 */
	none = bb_struct(&l, "nothere", 4, 0);			/* 5 */
	bb_ptr(&l, 1);						/* 6 */
	ptr_t = bb_typedef(&l, "ptr_t", 6);			/* 7 */
	zero = bb_str(&l, "0");

	bb_init(&t);
	bb_int(&t, "long", 8, true);				/* 1 */
	bb_struct(&t, "pad", 4, 0);				/* 2 */
	bb_struct(&t, "foo", 24, 0);				/* 3 */
	bb_typedef(&t, "myint", 1);				/* 4 */
	bb_struct(&t, "bar", 12, 0);				/* 5 */
	bb_typedef(&t, "ptr_t", 1);				/* 6: not a pointer */

	fx_init(&f, bb_parse(&l), bb_parse(&t));
	add(&f, mov64(1), foo, zero, BPF_CORE_TYPE_EXISTS);
	add(&f, mov64(4), foo, zero, BPF_CORE_TYPE_SIZE);
	add_ld64(&f, foo, foo, zero, BPF_CORE_TYPE_ID_TARGET);
	add_ld64(&f, foo, foo, zero, BPF_CORE_TYPE_ID_LOCAL);
	add(&f, mov64(1), none, zero, BPF_CORE_TYPE_EXISTS);		/* 6 */
	add(&f, mov64(4), none, zero, BPF_CORE_TYPE_SIZE);
	add(&f, mov64(none), none, zero, BPF_CORE_TYPE_ID_TARGET);
	add(&f, mov64(none), none, zero, BPF_CORE_TYPE_ID_LOCAL);
	add(&f, mov64(1), bar, zero, BPF_CORE_TYPE_EXISTS);		/* 10 */
	add(&f, mov64(1), myint, zero, BPF_CORE_TYPE_EXISTS);
	add(&f, mov64(4), myint, zero, BPF_CORE_TYPE_SIZE);
	i = add(&f, mov64(1), ptr_t, zero, BPF_CORE_TYPE_EXISTS);
	if (!ok(!run(&f), "types: relocate"))
		tap_diag("%s", f.e.msg);
	is_int(f.insns[0].imm, 1, "struct foo exists");
	is_int(f.insns[1].imm, 24, "its size is the target's");
	is_int(ld64(&f.insns[2]), 3, "target type id (ld_imm64)");
	is_int(ld64(&f.insns[4]), foo, "local type id (no target needed)");
	is_int(f.insns[6].imm, 0, "a missing type does not exist");
	is_int(f.insns[7].imm, 0, "its size is 0");
	is_int(f.insns[8].imm, 0, "its target id is 0");
	is_int(f.insns[9].imm, none, "its local id is its local id");
	is_int(f.insns[10].imm, 1, "a local forward declaration finds the target's struct");
	is_int(f.insns[11].imm, 1, "typedef myint (int) is compatible with myint (long)");
	is_int(f.insns[12].imm, 8, "and has the target's size");
	is_int(f.insns[i].imm, 0, "typedef ptr_t (int *) is not compatible with ptr_t (long)");
	is_int(f.res.nr_poisoned, 0, "type-based relocations never poison");
	fx_free(&f);
	bb_free(&l);
	bb_free(&t);
}

/* ---- type matches ---------------------------------------------------------------------- */

/* local: struct m { int a; struct other *p; }  (other: a forward declaration) */
static struct bl_btf *matches_local(__u32 *m, __u32 *zero)
{
	struct bb l;
	struct bl_btf *btf;

	bb_init(&l);
	bb_int(&l, "int", 4, true);				/* 1 */
	bb_fwd(&l, "other", false);				/* 2 */
	bb_ptr(&l, 2);						/* 3 */
	*m = bb_struct(&l, "m", 16, 2);				/* 4 */
	bb_member(&l, "a", 1, 0, 0);
	bb_member(&l, "p", 3, 64, 0);
	bb_enum(&l, "e", 4, 2, false);				/* 5 */
	bb_enumval(&l, "A", 0);
	bb_enumval(&l, "B", 1);
	*zero = bb_str(&l, "0");
	btf = bb_parse(&l);
	bb_free(&l);
	return btf;
}

enum { T_MATCH, T_MISSING_MEMBER, T_INT_SIZE, T_FLAVOURED_PTR, T_UNION_PTR };

static struct bl_btf *matches_target(int variant)
{
	struct bb t;
	struct bl_btf *btf;
	__u32 i32, i64, other, ptr;

	bb_init(&t);
	i32 = bb_int(&t, "int", 4, true);
	i64 = bb_int(&t, "long", 8, true);
	other = variant == T_FLAVOURED_PTR ? bb_struct(&t, "other___v2", 4, 0) :
		variant == T_UNION_PTR ? bb_union(&t, "other", 4, 0) : bb_struct(&t, "other", 4, 0);
	ptr = bb_ptr(&t, other);
	if (variant == T_MISSING_MEMBER) {
		bb_struct(&t, "m", 8, 1);
		bb_member(&t, "a", i32, 0, 0);
	} else {
		bb_struct(&t, "m", 32, 3);
		bb_member(&t, "x", i64, 0, 0);
		bb_member(&t, "a", variant == T_INT_SIZE ? i64 : i32, 64, 0);
		bb_member(&t, "p", ptr, 128, 0);
	}
	bb_enum(&t, "e", 4, 3, false);
	bb_enumval(&t, "B", 7);
	bb_enumval(&t, "C", 8);
	bb_enumval(&t, variant == T_MISSING_MEMBER ? "D" : "A", 9);
	btf = bb_parse(&t);
	bb_free(&t);
	return btf;
}

static void test_type_matches(void)
{
	static const struct { int variant; int match; int exists; const char *name; } cases[] = {
		{ T_MATCH, 1, 1, "every local member, same int, pointer to struct for fwd" },
		{ T_MISSING_MEMBER, 0, 1, "a local member missing in the target" },
		{ T_INT_SIZE, 0, 1, "an int member of another size" },
		{ T_FLAVOURED_PTR, 1, 1, "a pointer to a flavoured struct of the same name" },
		{ T_UNION_PTR, 0, 1, "a pointer to a union where the local fwd is a struct" },
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct fx f;
		__u32 m, zero;

		fx_init(&f, matches_local(&m, &zero), matches_target(cases[c].variant));
		add(&f, mov64(1), m, zero, BPF_CORE_TYPE_MATCHES);
		add(&f, mov64(1), m, zero, BPF_CORE_TYPE_EXISTS);
		add(&f, mov64(1), 5, zero, BPF_CORE_TYPE_MATCHES);
		if (!ok(!run(&f), "type matches, %s: relocate", cases[c].name))
			tap_diag("%s", f.e.msg);
		is_int(f.insns[0].imm, cases[c].match, "type matches: %s", cases[c].name);
		is_int(f.insns[1].imm, cases[c].exists, "type exists: %s", cases[c].name);
		is_int(f.insns[2].imm, cases[c].variant != T_MISSING_MEMBER,
		       "enum e matches%s", cases[c].variant == T_MISSING_MEMBER ?
		       " not: value A is missing" : ": values by name, in any order");
		fx_free(&f);
	}
}

static void test_compat_functions(void)
{
	struct bb l, t;
	struct bl_btf *lb, *tb;
	__u32 lint, lptr, lproto, lfloat, tlong, tptr, tproto, tproto3, tfloat, tloop, tenum;

	bb_init(&l);
	lint = bb_int(&l, "int", 4, true);
	lptr = bb_ptr(&l, lint);
	lproto = bb_proto(&l, lint, 2);
	bb_param(&l, "a", lint);
	bb_param(&l, "b", lptr);
	lfloat = bb_float(&l, "float", 4);
	bb_init(&t);
	tlong = bb_int(&t, "long", 8, true);
	tptr = bb_ptr(&t, tlong);
	tproto = bb_proto(&t, tlong, 2);
	bb_param(&t, "x", tlong);
	bb_param(&t, "y", tptr);
	tproto3 = bb_proto(&t, tlong, 3);
	bb_param(&t, "x", tlong);
	bb_param(&t, "y", tptr);
	bb_param(&t, "z", tptr);
	tfloat = bb_float(&t, "double", 8);
	tloop = bb_typedef(&t, "loop1", 7);			/* 7 and 8 refer to each other */
	bb_typedef(&t, "loop2", tloop);
	tenum = bb_enum64(&t, "e", 8, 0, false);
	lb = bb_parse(&l);
	tb = bb_parse(&t);
	is_int(bl_core_types_compat(lb, lproto, tb, tproto), 1, "prototypes with as many"
	       " compatible arguments are compatible");
	is_int(bl_core_types_compat(lb, lproto, tb, tproto3), 0, "another arity is not");
	is_int(bl_core_types_match(lb, lproto, tb, tproto), 0, "but int and long do not match");
	is_int(bl_core_fields_compat(lb, lptr, tb, tptr), 1, "any pointers are compatible fields");
	is_int(bl_core_fields_compat(lb, lint, tb, tptr), 0, "an int and a pointer are not");
	is_int(bl_core_fields_compat(lb, lfloat, tb, tfloat), 1, "floats are compatible fields");
	is_int(bl_core_types_compat(lb, lfloat, tb, tfloat), 0, "as types they need one size");
	is_int(bl_core_fields_compat(lb, lint, tb, tloop), 0, "a typedef loop is no match"
	       " (and no hang)");
	is_int(bl_core_types_match(lb, lint, tb, tloop), 0, "for type matches either");
	is_int(bl_core_types_compat(lb, lint, tb, tenum), 0, "an int is no enum");
	is_int(bl_core_types_compat(lb, 0, tb, 0), 1, "void is void");
	bl_btf_free(lb);
	bl_btf_free(tb);
	bb_free(&l);
	bb_free(&t);
}

/* ---- enum values ----------------------------------------------------------------------- */

static void test_enums(void)
{
	struct bb l, t;
	struct fx f;
	__u32 color, big, a_red, a_green, a_blue, a_huge;
	size_t i;

	bb_init(&l);
	color = bb_enum(&l, "color___local", 4, 3, false);	/* 1 */
	bb_enumval(&l, "RED", 0);
	bb_enumval(&l, "GREEN", 1);
	bb_enumval(&l, "BLUE", 2);
	big = bb_enum(&l, "big", 4, 1, false);			/* 2 */
	bb_enumval(&l, "HUGE", 5);
	a_red = bb_str(&l, "0");
	a_green = bb_str(&l, "1");
	a_blue = bb_str(&l, "2");
	a_huge = bb_str(&l, "0");

	bb_init(&t);
	bb_enum(&t, "color", 4, 2, true);			/* signed */
	bb_enumval(&t, "BLUE", 7);
	bb_enumval(&t, "GREEN", -3);
	bb_enum64(&t, "big", 8, 1, false);
	bb_enum64val(&t, "HUGE", 0x123456789ULL);

	fx_init(&f, bb_parse(&l), bb_parse(&t));
	add(&f, mov64(1), color, a_green, BPF_CORE_ENUMVAL_EXISTS);
	add(&f, mov64(1), color, a_green, BPF_CORE_ENUMVAL_VALUE);
	add(&f, mov64(2), color, a_blue, BPF_CORE_ENUMVAL_VALUE);
	add(&f, mov64(1), color, a_red, BPF_CORE_ENUMVAL_EXISTS);
	i = add(&f, mov64(0), color, a_red, BPF_CORE_ENUMVAL_VALUE);
	add_ld64(&f, 5, big, a_huge, BPF_CORE_ENUMVAL_VALUE);
	if (!ok(!run(&f), "enums: relocate"))
		tap_diag("%s", f.e.msg);
	is_int(f.insns[0].imm, 1, "GREEN exists (local flavour color___local)");
	is_int(f.insns[1].imm, -3, "GREEN is -3 (signed enum) in the target");
	is_int(f.insns[2].imm, 7, "BLUE is 7");
	is_int(f.insns[3].imm, 0, "RED does not exist");
	ok(poisoned(&f.insns[i]), "RED's value: poisoned");
	like(f.res.nr_poisoned ? f.res.poisoned[0].msg : "", "enum value of enum"
	     " color___local::RED (0): no such enum value in the target kernel",
	     "the message names the enumerator");
	is_int(ld64(&f.insns[i + 1]), 0x123456789LL, "an enum64 value through ld_imm64");
	fx_free(&f);

	fx_init(&f, NULL, NULL);
	f.local = bb_parse(&l);
	f.target = bb_parse(&t);
	f.tg.btf = f.target;
	add(&f, mov64(5), big, a_huge, BPF_CORE_ENUMVAL_VALUE);
	is_int(run(&f), -ERANGE, "a 64-bit value into a 32-bit immediate is refused");
	like(f.e.msg, "does not fit the instruction's 32-bit immediate", "saying so");
	fx_free(&f);
	bb_free(&l);
	bb_free(&t);
}

/* ---- load and store widths ----------------------------------------------------------- */

static void test_widths(void)
{
	struct bb l, t;
	struct fx f;
	__u32 w, au, as, ap, zero;
	size_t i;

	bb_init(&l);
	bb_int(&l, "unsigned int", 4, false);			/* 1 */
	bb_int(&l, "int", 4, true);				/* 2 */
	bb_ptr(&l, 0);						/* 3 */
	w = bb_struct(&l, "w", 16, 3);
	bb_member(&l, "u", 1, 0, 0);
	bb_member(&l, "s", 2, 32, 0);
	bb_member(&l, "p", 3, 64, 0);
	au = bb_str(&l, "0:0");
	as = bb_str(&l, "0:1");
	ap = bb_str(&l, "0:2");
	zero = bb_str(&l, "0");

	bb_init(&t);
	bb_int(&t, "unsigned long", 8, false);
	bb_int(&t, "long", 8, true);
	bb_ptr(&t, 0);
	bb_struct(&t, "w", 40000, 3);
	bb_member(&t, "u", 1, 0, 0);
	bb_member(&t, "s", 2, 64, 0);
	bb_member(&t, "p", 3, 320000, 0);

	fx_init(&f, bb_parse(&l), bb_parse(&t));
	add(&f, ldx(BPF_W, 0), w, au, BPF_CORE_FIELD_BYTE_OFFSET);
	add(&f, stx(BPF_W, 0), w, au, BPF_CORE_FIELD_BYTE_OFFSET);
	i = add(&f, ldx(BPF_W, 4), w, as, BPF_CORE_FIELD_BYTE_OFFSET);
	add(&f, mov64(16), w, zero, BPF_CORE_TYPE_SIZE);
	if (!ok(!run(&f), "widths: relocate"))
		tap_diag("%s", f.e.msg);
	is_int(BPF_SIZE(f.insns[0].code), BPF_DW, "a u32 grown to u64: the load becomes 8 bytes");
	is_int(BPF_SIZE(f.insns[1].code), BPF_DW, "and so does the store");
	ok(f.res.outcomes[0].size_adjusted, "the outcome says so");
	ok(poisoned(&f.insns[i]), "a signed int grown to a long cannot be read 4 bytes wide:"
	   " poisoned");
	like(f.res.nr_poisoned ? f.res.poisoned[0].msg : "", "the field is 8 bytes in the target"
	     " kernel and 4 in the program", "explaining the widths");
	is_int(f.insns[3].imm, 40000, "type size 40000");
	fx_free(&f);

	fx_init(&f, NULL, NULL);
	f.local = bb_parse(&l);
	f.target = bb_parse(&t);
	f.tg.btf = f.target;
	add(&f, ldx(BPF_B, 0), w, au, BPF_CORE_FIELD_BYTE_OFFSET);
	is_int(run(&f), -EINVAL, "a 1-byte load of a 4-byte field that changed size is refused");
	like(f.e.msg, "the instruction accesses 1 bytes of a 4-byte field", "saying why");
	f.n = f.nr = 0;
	add(&f, ldx(BPF_DW, 8), w, ap, BPF_CORE_FIELD_BYTE_OFFSET);
	is_int(run(&f), -ERANGE, "an offset past 32767 does not fit a load");
	like(f.e.msg, "the target offset 40000 is beyond the 32767 bytes", "saying so");
	f.n = f.nr = 0;
	add(&f, mov64(8), w, ap, BPF_CORE_FIELD_BYTE_OFFSET);
	ok(!run(&f) && f.insns[0].imm == 40000, "an ALU immediate holds it");
	fx_free(&f);
	bb_free(&l);
	bb_free(&t);
}

/* ---- modules: split BTF searched only when vmlinux has no candidate ------------------ */

static int load_calls;
static const struct bl_btf *module_btf;

static int load_module(struct bl_core_target *tg, struct bl_error *e)
{
	load_calls++;
	tg->extra = &module_btf;
	tg->nr_extra = 1;
	return 0;
}

static void test_modules(void)
{
	struct bb l, v, m;
	struct bl_btf *vml, *mod;
	struct fx f;
	__u32 ltask, lmod, a0;

	bb_init(&l);
	bb_int(&l, "int", 4, true);
	ltask = bb_struct(&l, "task", 4, 1);
	bb_member(&l, "x", 1, 0, 0);
	lmod = bb_struct(&l, "mod_thing", 4, 1);
	bb_member(&l, "y", 1, 0, 0);
	a0 = bb_str(&l, "0:0");
	bb_init(&v);
	bb_int(&v, "int", 4, true);
	bb_struct(&v, "task", 8, 1);
	bb_member(&v, "x", 1, 32, 0);
	vml = bb_parse(&v);
	bb_init_split(&m, vml);
	bb_struct(&m, "mod_thing", 16, 1);			/* id 3, int is the base's 1 */
	bb_member(&m, "y", 1, 96, 0);
	mod = bb_parse_split(&m, vml);
	module_btf = mod;

	fx_init(&f, bb_parse(&l), vml);
	f.tg.load_extra = load_module;
	add(&f, mov64(0), ltask, a0, BPF_CORE_FIELD_BYTE_OFFSET);
	ok(!run(&f) && f.insns[0].imm == 4 && load_calls == 0, "a vmlinux type: modules untouched");
	f.insns[0] = mov64(0);
	f.relos[0].type_id = lmod;
	if (!ok(!run(&f), "a module type: relocate"))
		tap_diag("%s", f.e.msg);
	is_int(f.insns[0].imm, 12, "found in the module's split BTF");
	is_int(load_calls, 1, "modules loaded once, on demand");
	is_int(f.res.outcomes[0].target_id, 3, "its id continues vmlinux's");
	ok(f.res.outcomes[0].target_btf == mod, "the outcome names the module's BTF");
	f.insns[0] = mov64(0);
	ok(!run(&f) && load_calls == 1, "not loaded again");
	f.target = NULL;
	fx_free(&f);
	bl_btf_free(mod);
	bl_btf_free(vml);
	bb_free(&l);
	bb_free(&v);
	bb_free(&m);
}

/* ---- records and instructions that are wrong whatever the kernel ---------------------- */

struct bad_case {
	const char *access;
	int kind;
	__u32 type;		/* 0: the struct */
	__u32 insn_off;
	struct bpf_insn insn;
	const char *msg;
};

static void test_bad_records(void)
{
	struct bb l, t;
	struct bl_btf *lb, *tb;
	__u32 foo, anon, e;
	const struct bpf_insn jmp = { .code = BPF_JMP | BPF_JA };
	const struct bpf_insn alux = { .code = BPF_ALU64 | BPF_ADD | BPF_X };
	const struct bad_case cases[] = {
		{ "0:0", 0, 0, 3, mov64(0), "record 0 points at byte 3, which is not an"
		  " instruction of the program (1 instructions)" },
		{ "0:0", 0, 0, 800, mov64(0), "points at byte 800" },
		{ "0:0", 13, 0, 0, mov64(0), "unknown relocation kind 13" },
		{ "0:0", 0, 999, 0, mov64(0), "type id 999 is not in the object's BTF" },
		{ "", 0, 0, 0, mov64(0), "access string \"\" is not a list of indexes" },
		{ "0:", 0, 0, 0, mov64(0), "access string \"0:\" is not a list of indexes" },
		{ ":0", 0, 0, 0, mov64(0), "is not a list of indexes" },
		{ "0::1", 0, 0, 0, mov64(0), "is not a list of indexes" },
		{ "x", 0, 0, 0, mov64(0), "is not a list of indexes" },
		{ "0:99999999999", 0, 0, 0, mov64(0), "is not a list of indexes" },
		{ "0:7", 0, 0, 0, mov64(0), "member 7 of struct foo does not exist (it has 2)" },
		{ "0:0:1", 0, 0, 0, mov64(0), "goes into type 1, which is neither a struct" },
		{ "1", BPF_CORE_TYPE_SIZE, 0, 0, mov64(0), "access string must be \"0\"" },
		{ "9", BPF_CORE_ENUMVAL_VALUE, 0, 0, mov64(0), "type 2 is not an enum" },
		{ "9", BPF_CORE_ENUMVAL_VALUE, 3, 0, mov64(0), "must be the index of one of the"
		  " enum's 1 values" },
		{ "0:0", 0, 4, 0, mov64(0), "the local type is anonymous" },
		{ "0:0", 0, 0, 0, mov64(5), "the instruction holds 5, not the local value 0" },
		{ "0:0", 0, 0, 0, jmp, "instruction opcode 0x05 cannot carry a CO-RE relocation" },
		{ "0:0", 0, 0, 0, alux, "the ALU instruction (opcode 0x0f) has no immediate" },
		{ "0:1", 0, 0, 0, ldx(BPF_W, 0), "the instruction's offset is 0, not the local"
		  " value 4" },
	};

	bb_init(&l);
	bb_int(&l, "int", 4, true);				/* 1 */
	foo = bb_struct(&l, "foo", 8, 2);			/* 2 */
	bb_member(&l, "a", 1, 0, 0);
	bb_member(&l, "b", 1, 32, 0);
	e = bb_enum(&l, "e", 4, 1, false);			/* 3 */
	bb_enumval(&l, "X", 0);
	anon = bb_struct(&l, "", 4, 1);				/* 4 */
	bb_member(&l, "a", 1, 0, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		bb_str(&l, cases[i].access);
	bb_init(&t);
	bb_int(&t, "int", 4, true);
	bb_struct(&t, "foo", 8, 2);
	bb_member(&t, "a", 1, 0, 0);
	bb_member(&t, "b", 1, 32, 0);
	lb = bb_parse(&l);
	tb = bb_parse(&t);
	(void)e;
	(void)anon;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fx f;
		const char *s;
		__u32 off = 0;

		/* find the access string in the local strings */
		for (__u32 o = 1; (s = bl_btf_str(lb, o)); o += strlen(s) + 1)
			if (!strcmp(s, cases[i].access) && (off = o))
				break;
		fx_init(&f, lb, tb);
		add(&f, cases[i].insn, cases[i].type ? cases[i].type : foo, off, cases[i].kind);
		f.relos[0].insn_off = cases[i].insn_off;
		ok(run(&f) < 0, "bad record %zu refused", i);
		like(f.e.msg, cases[i].msg, "bad record %zu: the message says why", i);
		like(f.e.msg, "program 'prog' insn ", "names the program and insn");
		bl_core_result_free(&f.res);
	}
	{
		struct fx f;
		__u32 off = 0;
		const char *s;

		for (__u32 o = 1; (s = bl_btf_str(lb, o)); o += strlen(s) + 1)
			if (!strcmp(s, "0:0") && (off = o))
				break;
		fx_init(&f, lb, tb);
		add(&f, mov64(0), foo, 12345, 0);
		is_int(run(&f), -EINVAL, "an access string offset outside the strings is refused");
		like(f.e.msg, "access string offset 12345 is outside .BTF's strings", "saying so");
		bl_core_result_free(&f.res);
		fx_init(&f, lb, tb);
		add(&f, mov64(0), foo, off, 0);
		f.tg.btf = NULL;
		is_int(run(&f), -EINVAL, "no target BTF is refused");
		bl_core_result_free(&f.res);
	}
	bl_btf_free(lb);
	bl_btf_free(tb);
	bb_free(&l);
	bb_free(&t);
}

int main(void)
{
	test_essential_names();
	test_fields();
	test_flavours();
	test_nesting();
	test_bitfields();
	test_poison();
	test_types();
	test_type_matches();
	test_compat_functions();
	test_enums();
	test_widths();
	test_modules();
	test_bad_records();
	return tap_done();
}
