// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_core_ext.c - broken .BTF.ext core_relo records are refused at open,
 * precisely.
 *
 * Starting from core_values.o (tests/objs/core_values.c), each case
 * corrupts one field of the first CO-RE record (or of its block) in a
 * private copy and checks that bl_object_open_mem() fails with a message
 * that names the record, its section and what is wrong: an insn_off that
 * is misaligned or past the section, a type id past the end of .BTF, an
 * access string outside .BTF's strings or not an access string, an
 * unknown kind, a path that does not exist in the local types, a block
 * for a section that is not code.  The intact object opens, and its
 * program carries the records with instruction offsets in bytes, and
 * bl_program_core_relo() describes each as `bpfload inspect` prints it.
 *
 * Then externs (core_externs.o): the .kconfig layout and map, what the
 * linker records for .kconfig, .ksyms and kfunc references, and the copy
 * of the BTF that BPF_BTF_LOAD gets (no extern linkage left, .kconfig's
 * DATASEC laid out like the map, .ksyms's turned into a struct).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpfload.h>
#include "object/btf.h"
#include "object/core.h"
#include "object/object.h"
#include "objutil.h"
#include "tap.h"

struct ext_hdr {
	__u16 magic;
	__u8 version, flags;
	__u32 hdr_len;
	__u32 func_off, func_len, line_off, line_len, core_off, core_len;
};

struct layout {
	size_t block;		/* file offset of the first core_relo block */
	size_t rec;		/* file offset of its first record */
	__u32 nr;		/* records in the block */
	size_t btf_strs;	/* file offset of .BTF's string area */
	__u32 btf_strs_len;
};

static struct layout find_layout(const struct img *im)
{
	int ext = ou_sec(im, ".BTF.ext"), btf = ou_sec(im, ".BTF");
	size_t eoff = ou_shdr(im, ext).sh_offset, boff = ou_shdr(im, btf).sh_offset;
	struct btf_header bh;
	struct ext_hdr h;
	struct layout l;

	memcpy(&h, im->buf + eoff, sizeof(h));
	if (h.hdr_len < sizeof(h) || !h.core_len)
		tap_bail("core_values.o has no core_relo table");
	l.block = eoff + h.hdr_len + h.core_off + 4;
	l.rec = l.block + 8;
	memcpy(&l.nr, im->buf + l.block + 4, 4);
	memcpy(&bh, im->buf + boff, sizeof(bh));
	l.btf_strs = boff + bh.hdr_len + bh.str_off;
	l.btf_strs_len = bh.str_len;
	return l;
}

/* The offset of string s in .BTF's strings. */
static __u32 btf_str_off(const struct img *im, const struct layout *l, const char *s)
{
	const char *strs = (const char *)im->buf + l->btf_strs;

	for (__u32 o = 0; o < l->btf_strs_len; o += strlen(strs + o) + 1)
		if (!strcmp(strs + o, s))
			return o;
	tap_bail("no string '%s' in .BTF", s);
}

enum field { F_INSN, F_TYPE, F_ACCESS, F_KIND, F_SECNAME };

/* Set a u32 of the first record (or of its block) in a copy and open it. */
static void check(const struct img *orig, const struct layout *l, enum field f, __u32 val,
		  const char *want, const char *name)
{
	struct img im = ou_copy(orig);
	struct bl_error e = { 0 };
	struct bl_object *obj;
	size_t at = f == F_SECNAME ? l->block : l->rec + (size_t)f * 4;

	memcpy(im.buf + at, &val, 4);
	obj = bl_object_open_mem(im.buf, im.size, NULL, &e);
	ok(!obj && e.err == -EINVAL, "%s: refused", name);
	like(e.msg, want, "%s: the message says so", name);
	bl_object_close(obj);
	ou_free(&im);
}

/* ---- externs ------------------------------------------------------------------- */

static const struct bl_reloc_info *find_reloc(const struct bl_program *p, const char *sym)
{
	for (size_t i = 0; p && i < p->nr_relocs; i++)
		if (!strcmp(p->relocs[i].symbol, sym))
			return &p->relocs[i];
	return NULL;
}

static void check_kconfig_layout(const struct bl_object *obj)
{
	static const struct { const char *name; enum bl_kcfg_type t; __u32 off, size; bool weak; }
	want[] = {
		{ "LINUX_KERNEL_VERSION", BL_KCFG_INT, 0, 4, false },
		{ "CONFIG_BPF", BL_KCFG_BOOL, 4, 1, false },
		{ "CONFIG_BPF_JIT", BL_KCFG_TRISTATE, 8, 4, false },
		{ "CONFIG_BPF_SYSCALL", BL_KCFG_CHAR, 12, 1, false },
		{ "CONFIG_HZ", BL_KCFG_INT, 16, 4, false },
		{ "CONFIG_NR_CPUS", BL_KCFG_INT, 24, 8, true },
		{ "CONFIG_NO_KERNEL_HAS_THIS_OPTION", BL_KCFG_BOOL, 32, 1, true },
		{ "CONFIG_DEFAULT_HOSTNAME", BL_KCFG_STR, 33, 16, true },
	};
	struct bl_ext_info x;
	__u32 i;

	for (i = 0; bl_kconfig_extern(obj, i, &x, NULL) > 0; i++) {
		if (i >= OU_ARRAY_SIZE(want))
			break;
		ok(!strcmp(x.name, want[i].name) && x.kcfg == want[i].t && x.off == want[i].off &&
		   x.size == want[i].size && x.weak == want[i].weak, ".kconfig %s: kind %d at %u,"
		   " %u bytes%s", want[i].name, want[i].t, want[i].off, want[i].size,
		   want[i].weak ? ", weak" : "");
	}
	is_int(i, OU_ARRAY_SIZE(want), "eight .kconfig externs");
	ok(bl_kconfig_map(obj) && bl_kconfig_map(obj)->def.value_size == 56 &&
	   (bl_kconfig_map(obj)->def.map_flags & BPF_F_RDONLY_PROG),
	   "their map: 49 bytes rounded to 56, read-only for programs");
}

static void check_extern_relocs(const struct bl_object *obj)
{
	const struct bl_program *kc = bl_object_find_program(obj, "kconfig");
	const struct bl_program *kf = bl_object_find_program(obj, "kfunc");
	const struct bl_reloc_info *r;

	r = find_reloc(kc, "CONFIG_HZ");
	ok(r && r->kind == BL_RELOC_KCONFIG && r->offset == 16 && !strcmp(r->target, ".kconfig"),
	   "ld_imm64 of CONFIG_HZ: a map value reference at offset 16 of .kconfig");
	ok(r && kc->insns[r->insn].src_reg == BPF_PSEUDO_MAP_VALUE &&
	   kc->insns[r->insn + 1].imm == 16, "the instruction says so");
	r = find_reloc(bl_object_find_program(obj, "ksym_addr"), "bpf_prog_put");
	ok(r && r->kind == BL_RELOC_KSYM && !strcmp(r->target, "address"), "an untyped ksym");
	r = find_reloc(bl_object_find_program(obj, "ksym_typed"), "runqueues");
	ok(r && r->kind == BL_RELOC_KSYM && !strcmp(r->target, "typed"), "a typed ksym");
	r = find_reloc(kf, "bpf_rcu_read_lock");
	ok(r && r->kind == BL_RELOC_KFUNC && kf->insns[r->insn].src_reg == BPF_PSEUDO_KFUNC_CALL,
	   "a kfunc call: BPF_PSEUDO_KFUNC_CALL, id at load");
	r = find_reloc(kf, "bpf_no_kernel_has_this_kfunc");
	ok(r && r->kind == BL_RELOC_KSYM && !strcmp(r->target, "kfunc"), "a kfunc's address"
	   " (the __weak existence check) is a ksym");
}

static void check_kernel_btf(const struct bl_object *obj)
{
	struct bl_btf *btf = NULL;
	struct bl_error e = { 0 };
	const struct btf_type *t;
	void *raw = NULL;
	size_t size = 0;
	bool ext_var = false, ext_func = false;

	if (!ok(!bl_btf_for_kernel(obj, &raw, &size) && raw, "a BTF copy for the kernel"))
		return;
	if (!ok(!bl_btf_parse(raw, size, NULL, "kernel copy", &btf, &e), "it parses")) {
		tap_diag("%s", e.msg);
		free(raw);
		return;
	}
	for (__u32 id = 1; id < bl_btf_type_cnt(btf); id++) {
		t = bl_btf_type(btf, id);
		if (bl_btf_kind(t) == BTF_KIND_VAR &&
		    ((const struct btf_var *)bl_btf_extra(t))->linkage == 2)
			ext_var = true;
		if (bl_btf_kind(t) == BTF_KIND_FUNC && bl_btf_vlen(t) == 2)
			ext_func = true;
	}
	ok(!ext_var && !ext_func, "no extern VAR or FUNC left");
	t = bl_btf_type(btf, bl_btf_find(btf, ".kconfig", BTF_KIND_DATASEC));
	ok(t && t->size == 56 && ((const struct btf_var_secinfo *)bl_btf_extra(t))[5].offset == 24,
	   ".kconfig DATASEC laid out like the map");
	ok(!bl_btf_find(btf, ".ksyms", BTF_KIND_DATASEC), ".ksyms is no DATASEC any more");
	ok(bl_btf_find(btf, "bpf_rcu_read_lock", BTF_KIND_TYPEDEF), "a kfunc became a typedef");
	bl_btf_free(btf);
	free(raw);
}

/* The public view of the records: bl_program_core_relo(), which
 * `bpfload inspect` prints, matches the raw records one for one. */
static void check_public_records(const struct bl_program *p)
{
	struct bl_core_relo_info c;
	size_t n = bl_program_core_relo_count(p), agree = 0;

	for (size_t i = 0; i < n; i++) {
		const struct bpf_core_relo *r = &p->core_relos[i];

		if (bl_program_core_relo(p, i, &c))
			break;
		if (c.insn == r->insn_off / 8 && c.kind == r->kind &&
		    !strncmp(c.what, bl_core_kind_name(r->kind), strlen(bl_core_kind_name(r->kind))))
			agree++;
	}
	is_int(agree, n, "bl_program_core_relo: all %zu records, instruction index and kind", n);
	ok(!bl_program_core_relo(p, 0, &c) && c.insn == 0 && c.kind == 0 &&
	   !strcmp(c.what, "field offset of struct task_struct.pid (0:1)"),
	   "record 0 reads \"field offset of struct task_struct.pid (0:1)\" at insn 0");
	ok(!bl_program_core_relo(p, 7, &c) && c.insn == 16 &&
	   !strcmp(c.what, "field offset of struct task_struct.comm[3] (0:3:3)"),
	   "record 7: an array element in the path, comm[3]");
	is_int(bl_program_core_relo(p, n, &c), -ENOENT, "record %zu (past the end): -ENOENT", n);
}

static void check_externs(void)
{
	struct img im = ou_read("core_externs");
	struct bl_error e = { 0 };
	struct bl_object *obj = bl_object_open_mem(im.buf, im.size, NULL, &e);

	if (!ok(obj != NULL, "core_externs.o opens (externs are supported)")) {
		tap_diag("%s", e.msg);
		ou_free(&im);
		return;
	}
	check_kconfig_layout(obj);
	check_extern_relocs(obj);
	check_kernel_btf(obj);
	bl_object_close(obj);
	ou_free(&im);
}

int main(void)
{
	struct img im = ou_read("core_values");
	struct layout l = find_layout(&im);
	struct bl_error e = { 0 };
	struct bl_object *obj = bl_object_open_mem(im.buf, im.size, NULL, &e);
	const struct bl_program *p;
	struct bpf_core_relo r0;
	__u32 int_id, socket_off;
	char want[256];

	if (!obj)
		tap_bail("core_values.o does not open: %s", e.msg);
	p = bl_object_find_program(obj, "core_values");
	ok(p && p->nr_core_relos == l.nr, "the intact object opens with its %u CO-RE records", l.nr);
	ok(p && p->nr_core_relos && p->core_relos[1].insn_off % 8 == 0 &&
	   p->core_relos[1].insn_off / 8 < p->nr_insns, "records point at instructions (bytes)");
	if (p)
		check_public_records(p);
	int_id = bl_btf_find(obj->btf, "int", BTF_KIND_INT);
	bl_object_close(obj);
	memcpy(&r0, im.buf + l.rec, sizeof(r0));
	socket_off = btf_str_off(&im, &l, "socket");

	snprintf(want, sizeof(want), ".BTF.ext core_relo record 0 of section 'socket'"
		 " (insn_off %u): insn_off is not a multiple of 8", r0.insn_off + 4);
	check(&im, &l, F_INSN, r0.insn_off + 4, want, "misaligned insn_off");
	check(&im, &l, F_INSN, 1 << 20, "(insn_off 1048576): insn_off is past the end of the"
	      " section", "insn_off past the section");
	check(&im, &l, F_TYPE, 0xffff, "type id 65535 is not in .BTF (ids 1..", "type id past"
	      " the end");
	check(&im, &l, F_TYPE, 0, "type id 0 is not in .BTF", "type id 0");
	check(&im, &l, F_ACCESS, 0x7fffffff, "access string offset 2147483647 is outside .BTF's"
	      " strings", "access string outside the strings");
	check(&im, &l, F_ACCESS, socket_off, "access string \"socket\" is not a list of indexes",
	      "access string that is a name");
	check(&im, &l, F_KIND, 77, "unknown relocation kind 77 (known: 0..12)", "unknown kind");
	snprintf(want, sizeof(want), "field offset relocation of type %u, access \"0:1\": index"
		 " 1 (1) goes into type %u, which is neither a struct", int_id, int_id);
	check(&im, &l, F_TYPE, int_id, want, "a path through an int");
	check(&im, &l, F_KIND, BPF_CORE_ENUMVAL_VALUE, "is not an enum", "an enum value"
	      " relocation on a struct");
	check(&im, &l, F_SECNAME, btf_str_off(&im, &l, ".bss"), ".BTF.ext: core_relo records for"
	      " section '.bss', which is not a code section", "records for a data section");
	ou_free(&im);
	check_externs();
	return tap_done();
}
