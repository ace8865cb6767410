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
 * program carries the records with instruction offsets in bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpfload.h>
#include "object/btf.h"
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
	return tap_done();
}
