// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_core_btf_dump.c - vmlinux.h generation on hand-made BTF.
 *
 * The awkward parts of C declarations and layouts, one type each:
 * two structs of one name, a member BTF puts past its natural place
 * (padding) or before it (packed), bitfields with a gap, an anonymous
 * enum used twice, a 64-bit enum, an empty enum, function pointers, a
 * const array of const, a forward-declared struct, anonymous struct
 * members, a typedef named like a compiler builtin.  The header must
 * contain the expected declarations and, when clang is there, compile
 * with _Static_asserts of every size and offset.  Hostile BTF (typedef
 * loops, a struct containing itself) must end with an error, not hang.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "object/btf.h"
#include "object/btf_dump.h"
#include "tap.h"
#include "t_core_btf.h"

static char *dump(struct bl_btf *btf, int *err)
{
	struct bl_error e = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		tap_bail("open_memstream");
	*err = bl_btf_dump(btf, BL_BTF_DUMP_C, f, &e);
	fclose(f);
	if (*err)
		tap_diag("%s", e.msg);
	return text;
}

static struct bl_btf *good_btf(void)
{
	struct bb b;
	struct bl_btf *btf;
	__u32 i32, u32, chr, lng, dup1, proto, fwd, anon, anon_enum, cch, arr, va, pchr, pproto;

	bb_init(&b);
	i32 = bb_int(&b, "int", 4, true);
	u32 = bb_int(&b, "unsigned int", 4, false);
	chr = bb_int(&b, "char", 1, true);
	lng = bb_int(&b, "long", 8, true);
	dup1 = bb_struct(&b, "dup", 4, 1);
	bb_member(&b, "a", i32, 0, 0);
	bb_struct(&b, "dup", 8, 1);				/* another struct dup */
	bb_member(&b, "b", lng, 0, 0);
	bb_struct(&b, "packed_s", 5, 2);
	bb_member(&b, "c", chr, 0, 0);
	bb_member(&b, "x", i32, 8, 0);
	bb_struct(&b, "padded", 16, 2);
	bb_member(&b, "a", i32, 0, 0);
	bb_member(&b, "b", i32, 64, 0);
	bb_struct(&b, "bits", 4, 3);
	bb_member(&b, "x", u32, 0, 3);
	bb_member(&b, "y", i32, 3, 5);
	bb_member(&b, "z", u32, 16, 1);
	anon_enum = bb_enum(&b, "", 4, 1, false);
	bb_enumval(&b, "E_A", 1);
	bb_struct(&b, "two_enums", 8, 2);
	bb_member(&b, "e1", anon_enum, 0, 0);
	bb_member(&b, "e2", anon_enum, 32, 0);
	bb_enum64(&b, "big", 8, 1, false);
	bb_enum64val(&b, "BIG", 0x100000000ULL);
	bb_enum(&b, "empty", 4, 0, false);
	pchr = bb_ptr(&b, chr);
	proto = bb_proto(&b, i32, 2);
	bb_param(&b, "", i32);
	bb_param(&b, "", pchr);
	pproto = bb_ptr(&b, proto);
	bb_struct(&b, "ops", 8, 1);
	bb_member(&b, "fn", pproto, 0, 0);
	cch = bb_const(&b, chr);
	arr = bb_const(&b, bb_array(&b, cch, u32, 4));
	bb_struct(&b, "names", 4, 1);
	bb_member(&b, "name", arr, 0, 0);
	fwd = bb_ptr(&b, bb_fwd(&b, "opaque", false));
	bb_struct(&b, "holder", 16, 2);
	bb_member(&b, "p", fwd, 0, 0);
	bb_member(&b, "d", dup1, 64, 0);
	anon = bb_struct(&b, "", 8, 2);
	bb_member(&b, "lo", i32, 0, 0);
	bb_member(&b, "hi", i32, 32, 0);
	bb_struct(&b, "outer", 16, 2);
	bb_member(&b, "", anon, 0, 0);
	bb_member(&b, "tail", lng, 64, 0);
	va = bb_typedef(&b, "__builtin_va_list", bb_array(&b, lng, u32, 3));
	bb_struct(&b, "va_user", 24, 1);
	bb_member(&b, "ap", va, 0, 0);
	btf = bb_parse(&b);
	bb_free(&b);
	return btf;
}

static void check_text(const char *h)
{
	like(h, "#ifndef __VMLINUX_H__", "an include guard");
	like(h, "#pragma clang attribute push (__attribute__((preserve_access_index)),"
	     " apply_to = record)", "every struct CO-RE relocatable");
	like(h, "struct dup;\nstruct dup___2;", "the second struct dup is dup___2");
	like(h, "struct dup___2 {\n\tlong b;\n};", "with its own members");
	like(h, "struct packed_s {\n\tchar c;\n\tint x;\n} __attribute__((packed));",
	     "an int at byte 1: packed");
	like(h, "struct padded {\n\tint a;\n\tint: 32;\n\tint b;\n\tint: 32;\n};",
	     "a gap and a larger size: padding");
	like(h, "\tunsigned int x: 3;\n\tint y: 5;\n\tunsigned char: 8;\n\tunsigned int z: 1;",
	     "bitfields, and padding bits before z");
	like(h, "enum {\n\t\tE_A = 1,\n\t} e1;\n\tunsigned int e2;",
	     "an anonymous enum inline once, then its integer type");
	like(h, "enum big {\n\tBIG = 4294967296ULL,\n};", "a 64-bit enum value");
	ok(!strstr(h, "enum empty {"), "no empty enum (invalid C)");
	like(h, "int (*fn)(int, char *);", "a function pointer");
	like(h, "const char name[4];", "a const array of const char: const once");
	like(h, "struct opaque;", "a forward declaration");
	like(h, "struct outer {\n\tstruct {\n\t\tint lo;\n\t\tint hi;\n\t};\n\tlong tail;\n};",
	     "an anonymous struct member inline");
	like(h, "typedef long __builtin_va_list___2[3];", "a builtin's name is renamed");
}

/* Compile the header with asserts of the layout, if clang is here. */
static void check_compiles(const char *h)
{
	static const char asserts[] =
		"#include \"vmlinux.h\"\n"
		"_Static_assert(sizeof(struct packed_s) == 5, \"\");\n"
		"_Static_assert(__builtin_offsetof(struct packed_s, x) == 1, \"\");\n"
		"_Static_assert(sizeof(struct padded) == 16, \"\");\n"
		"_Static_assert(__builtin_offsetof(struct padded, b) == 8, \"\");\n"
		"_Static_assert(sizeof(struct bits) == 4, \"\");\n"
		"_Static_assert(sizeof(struct two_enums) == 8, \"\");\n"
		"_Static_assert(sizeof(enum big) == 8, \"\");\n"
		"_Static_assert(sizeof(struct holder) == 16, \"\");\n"
		"_Static_assert(__builtin_offsetof(struct outer, hi) == 4, \"\");\n"
		"_Static_assert(__builtin_offsetof(struct outer, tail) == 8, \"\");\n"
		"_Static_assert(sizeof(struct va_user) == 24, \"\");\n"
		"_Static_assert(sizeof(struct dup___2) == 8, \"\");\n"
		"struct bits bf = { .z = 1 };\n";
	char dir[] = "/tmp/bpfload-t_core_btf_dump-XXXXXX", path[128], cmd[512];
	const char *cc = getenv("CLANG") && *getenv("CLANG") ? getenv("CLANG") : "clang";
	FILE *f;
	int st;

	snprintf(cmd, sizeof(cmd), "%s --version >/dev/null 2>&1", cc);
	if (system(cmd)) {
		tap_skip("the header compiles", "no clang");
		return;
	}
	if (!mkdtemp(dir))
		tap_bail("mkdtemp");
	snprintf(path, sizeof(path), "%s/vmlinux.h", dir);
	f = fopen(path, "w");
	if (f) {
		fputs(h, f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/a.c", dir);
	f = fopen(path, "w");
	if (f) {
		fputs(asserts, f);
		fclose(f);
	}
	snprintf(cmd, sizeof(cmd), "%s -target bpf -fsyntax-only -Werror -I%s %s", cc, dir, path);
	st = system(cmd);
	ok(st == 0, "the header compiles (-Werror) with the layout asserted");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		tap_diag("could not remove %s", dir);
}

static void check_hostile(void)
{
	struct bb b;
	struct bl_btf *btf;
	char *h;
	int err;
	__u32 i32, self, t1, odd;

	bb_init(&b);
	i32 = bb_int(&b, "int", 4, true);
	t1 = bb_typedef(&b, "loop1", 3);		/* 2 -> 3 -> 2 */
	bb_typedef(&b, "loop2", t1);
	self = bb_struct(&b, "self", 8, 2);
	bb_member(&b, "a", i32, 0, 0);
	bb_member(&b, "me", self, 32, 0);		/* contains itself by value */
	bb_struct(&b, "user", 4, 1);
	bb_member(&b, "l", t1, 0, 0);
	btf = bb_parse(&b);
	h = dump(btf, &err);
	is_int(err, -ELOOP, "hostile BTF (a typedef loop, a struct in itself): an error, no hang");
	free(h);
	bl_btf_free(btf);
	bb_free(&b);

	bb_init(&b);
	odd = bb_int(&b, "bad name!", 4, false);
	bb_struct(&b, "odd", 4, 1);
	bb_member(&b, "n", odd, 0, 0);
	btf = bb_parse(&b);
	h = dump(btf, &err);
	like(h, "\tunsigned int n;", "an INT with a name C cannot spell is written by size");
	free(h);
	bl_btf_free(btf);
	bb_free(&b);
}

int main(void)
{
	struct bl_btf *btf = good_btf();
	int err;
	char *h = dump(btf, &err);

	ok(!err && h, "dump a hand-made BTF as C");
	check_text(h ? h : "");
	if (h)
		check_compiles(h);
	free(h);
	bl_btf_free(btf);
	check_hostile();
	return tap_done();
}
