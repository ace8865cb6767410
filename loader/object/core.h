/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * core.h - CO-RE: relocate a program's instructions for the layout of
 * the kernel it is loaded into (internal).
 *
 * clang compiles a field access under preserve_access_index (or one of
 * the __builtin_preserve_* builtins) to an ordinary instruction holding
 * the value for the types the program was compiled against, and a
 * .BTF.ext record saying what that value means:
 *
 *	struct bpf_core_relo { insn_off, type_id, access_str_off, kind }
 *
 * type_id is a type of the object's own BTF ("local"), the access string
 * a path through it ("0:1:2": element 0 of the root, member 1, member or
 * element 2), kind what is wanted of the end of the path (its offset,
 * size, existence, ...).  Relocating means finding the same type in the
 * kernel's BTF ("target") by name, walking the same path by member
 * names, and writing the target's answer into the instruction.
 *
 * Everything here is pure: BTF in, instructions out.  loader/kernel/
 * core_load.c opens the kernel's BTF and calls in at load time.
 */
#ifndef BPFLOAD_CORE_H
#define BPFLOAD_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/bpf.h>
#include <bpfload.h>

struct bl_btf;
struct bl_map;
struct bl_object;
struct bl_symbol;

/* The helper id a poisoned instruction calls: "bad relo".  The verifier
 * only complains ("invalid func unknown#195896080") if the path runs. */
#define BL_CORE_POISON_IMM	0xbad2310
#define BL_CORE_KIND_MAX	12	/* BPF_CORE_TYPE_MATCHES */
#define BL_CORE_MAX_ACCESS	64	/* components of an access string */

/*
 * Where candidates for the local types are looked for.  btf is the
 * kernel's (vmlinux, or a file given instead of it).  A type btf lacks
 * is looked for in extra[] (kernel modules: split BTF over btf), which
 * load_extra fills the first time it is needed (may be NULL).
 */
struct bl_core_target {
	const struct bl_btf *btf;
	const struct bl_btf *const *extra;
	size_t nr_extra;
	int (*load_extra)(struct bl_core_target *t, struct bl_error *e);
	void *priv;
	bool extra_loaded;
};

/* An instruction replaced by a call of BL_CORE_POISON_IMM. */
struct bl_core_poison {
	__u32 insn;
	char *msg;			/* "program 'x' insn 12: CO-RE ...: why" */
};

/* What happened to one record (for tests, tracing and inspection). */
struct bl_core_outcome {
	__u32 insn;
	__u32 kind;
	__u64 local_val;		/* what clang wrote */
	__u64 target_val;		/* what the instruction holds now */
	__u32 target_id;		/* matched target type (0: none) */
	const struct bl_btf *target_btf;
	bool poisoned;
	bool size_adjusted;		/* a load/store got another width */
};

struct bl_core_result {
	struct bl_core_poison *poisoned;
	size_t nr_poisoned;
	struct bl_core_outcome *outcomes;	/* one per record */
	size_t nr_outcomes;
};

/*
 * Apply nr_relos records (insn_off in bytes into insns) against target.
 * On success every instruction that carries a record holds the target's
 * value or is poisoned (res lists which).  Fails, naming the program,
 * instruction, kind, type and access string, for records that cannot be
 * right whatever the kernel: a path that does not exist in the local
 * BTF, an instruction that does not hold the local value, a value that
 * does not fit the instruction, or candidates that disagree.
 */
int bl_core_relocate(const struct bl_btf *local, struct bl_core_target *target,
		     const char *prog_name, struct bpf_insn *insns, size_t nr_insns,
		     const struct bpf_core_relo *relos, size_t nr_relos,
		     struct bl_core_result *res, struct bl_error *e);
void bl_core_result_free(struct bl_core_result *res);

/* At open: every core_relo record of .BTF.ext must name a code section,
 * an instruction in it, a local type, a valid access string and a known
 * kind, and its path must exist in the local BTF. */
int bl_core_check_object(const struct bl_object *obj, struct bl_error *e);

/* "field offset", "type size", ... ("kind 42" when unknown). */
const char *bl_core_kind_name(__u32 kind);
/* "field offset of struct task_struct.real_parent (0:57)"; returns the
 * length snprintf would have written. */
int bl_core_describe(const struct bl_btf *local, const struct bpf_core_relo *r,
		     char *buf, size_t len);

/* The essential name: without a "___flavour" suffix ("foo___v2" -> 3). */
size_t bl_core_essential_len(const char *name);

/*
 * BTF from a file image: raw BTF (/sys/kernel/btf/vmlinux) or an ELF
 * file with a .BTF section (a vmlinux image, a module, an object).
 */
int bl_btf_parse_image(const void *data, size_t size, const struct bl_btf *base,
		       const char *what, struct bl_btf **out, struct bl_error *e);

/* ---- externs: .kconfig and .ksyms (externs.c) ------------------------------ */

enum bl_ext_kind {
	BL_EXT_KCONFIG,		/* extern ... __kconfig: a value from the kernel config */
	BL_EXT_KSYM,		/* extern ... __ksym variable: its kernel address */
	BL_EXT_KFUNC,		/* extern ... __ksym function: a kfunc call */
};

enum bl_kcfg_type {
	BL_KCFG_BOOL,		/* bool: y 1, n 0 */
	BL_KCFG_TRISTATE,	/* enum libbpf_tristate: n 0, y 1, m 2 */
	BL_KCFG_CHAR,		/* char: 'y', 'n', 'm' */
	BL_KCFG_INT,		/* 1, 2, 4 or 8-byte integer */
	BL_KCFG_STR,		/* char[N]: the quoted string */
};

struct bl_ext_info {
	enum bl_ext_kind kind;
	const char *name;
	__u32 btf_id;		/* its VAR or FUNC in the object's BTF */
	__u32 type_id;		/* the variable's type (modifiers stripped; 0: void),
				 * or the function's prototype */
	bool weak;		/* may be missing: 0 / dead code then */
	bool typed;		/* KSYM: has a type (BTF id load), else an address */
	enum bl_kcfg_type kcfg;
	bool is_signed;
	__u32 off, size;	/* KCONFIG: place in the .kconfig map */
};

/* The name of the .kconfig map and of the section it stands for. */
#define BL_KCONFIG_MAP		".kconfig"

/* Before linking: check the .kconfig externs and add their map. */
int bl_externs_setup(struct bl_object *obj, struct bl_error *e);
/* What undefined symbol sym is (fails naming it when it is no extern). */
int bl_extern_lookup(const struct bl_object *obj, const struct bl_symbol *sym,
		     struct bl_ext_info *x, struct bl_error *e);
/* The .kconfig externs one by one (i from 0): 1 while there is one, 0
 * at the end, <0 on error. */
int bl_kconfig_extern(const struct bl_object *obj, __u32 i, struct bl_ext_info *x,
		      struct bl_error *e);
/* The .kconfig map, or NULL. */
struct bl_map *bl_kconfig_map(const struct bl_object *obj);
/*
 * The object's BTF as BPF_BTF_LOAD accepts it when it declares externs:
 * extern VARs become allocated ones (of int type when void), extern
 * FUNCs typedefs of their prototype, .kconfig's DATASEC gets the map's
 * layout and .ksyms's becomes an anonymous struct of ints.  *raw is a
 * malloc'ed copy, or NULL when the BTF needs no change.
 */
int bl_btf_for_kernel(const struct bl_object *obj, void **raw, size_t *size);

/* Type compatibility as CO-RE uses it (exported for the tests):
 * fields: can a local field be read as the target one;
 * types: the looser check of type-based relocations;
 * match: the stricter "type matches" of BPF_CORE_TYPE_MATCHES. */
int bl_core_fields_compat(const struct bl_btf *lb, __u32 lid, const struct bl_btf *tb, __u32 tid);
int bl_core_types_compat(const struct bl_btf *lb, __u32 lid, const struct bl_btf *tb, __u32 tid);
int bl_core_types_match(const struct bl_btf *lb, __u32 lid, const struct bl_btf *tb, __u32 tid);

#endif /* BPFLOAD_CORE_H */
