/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * object.h - bpfload's in-memory model of a BPF ELF object (internal).
 *
 * Everything in loader/object/ is pure: it reads bytes and builds these
 * structures, it never calls bpf() or perf_event_open().  The kernel side
 * (loader/kernel/) reads them to create maps and load programs.
 */
#ifndef BPFLOAD_OBJECT_H
#define BPFLOAD_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <gelf.h>
#include <bpfload.h>
#include <bpfload/sys.h>

#ifndef BL_API
#define BL_API __attribute__((visibility("default")))
#endif

#define BL_INSN_SZ	sizeof(struct bpf_insn)

struct bl_btf;
struct bl_btf_ext;

/* ---- errors ---------------------------------------------------------------- */

/* Record a failure: returns err (negative) so callers can
 * "return bl_fail(e, -EINVAL, ...)". e may be NULL. */
int bl_fail(struct bl_error *e, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Append a line to an existing message. */
void bl_fail_append(struct bl_error *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Replace control bytes other than newline and tab by '?', in place:
 * messages quote names from the object (and kernel logs quoting them),
 * and a hostile name must not reach a terminal as an escape sequence. */
char *bl_scrub_controls(char *s);

/* Make room for need elements of elem bytes in *ptr (capacity *cap),
 * doubling: 0 or -ENOMEM. */
int bl_array_reserve(void **ptr, size_t *cap, size_t need, size_t elem);

/* ---- ELF ------------------------------------------------------------------- */

enum bl_sec_role {
	BL_SEC_OTHER,		/* ignored: debug info, addrsig, ... */
	BL_SEC_NULL,		/* section 0 */
	BL_SEC_PROGRAM,		/* executable, holds entry programs */
	BL_SEC_TEXT,		/* .text: subprograms only */
	BL_SEC_LICENSE,
	BL_SEC_VERSION,
	BL_SEC_LEGACY_MAPS,	/* "maps": struct bpf_map_def[] */
	BL_SEC_BTF_MAPS,	/* ".maps" */
	BL_SEC_DATA,		/* .data* */
	BL_SEC_RODATA,		/* .rodata* */
	BL_SEC_BSS,		/* .bss* */
	BL_SEC_BTF,		/* .BTF */
	BL_SEC_BTF_EXT,		/* .BTF.ext */
	BL_SEC_SYMTAB,
	BL_SEC_STRTAB,
	BL_SEC_RELOC,		/* SHT_REL */
	BL_SEC_KCONFIG,		/* .kconfig (externs) */
	BL_SEC_KSYMS,		/* .ksyms (externs) */
	BL_SEC_STRUCT_OPS,	/* .struct_ops */
};

struct bl_rel {
	__u64 offset;			/* byte offset in the target section */
	__u32 sym;			/* symbol index */
	__u32 type;			/* R_BPF_* */
};

struct bl_section {
	unsigned int index;
	const char *name;
	__u32 type;			/* SHT_* */
	__u64 flags;
	__u64 offset;			/* in the file */
	__u64 size;
	__u32 link;
	__u32 info;
	__u64 entsize;
	__u64 addralign;
	const unsigned char *data;	/* NULL for SHT_NOBITS */
	enum bl_sec_role role;
	/* relocations that apply to this section, sorted by offset */
	struct bl_rel *rels;
	size_t nr_rels;
	unsigned int rel_sec;		/* the SHT_REL section, 0 if none */
};

struct bl_symbol {
	const char *name;		/* "" when unnamed */
	unsigned int shndx;		/* section index (SHN_UNDEF for externs) */
	unsigned char type;		/* STT_* */
	unsigned char bind;		/* STB_* */
	__u64 value;
	__u64 size;
};

struct bl_elf {
	Elf *elf;
	const unsigned char *image;	/* the whole file (owned by the object) */
	size_t image_size;
	struct bl_section *secs;
	size_t nr_secs;
	struct bl_symbol *syms;
	size_t nr_syms;
	unsigned int symtab_index;
};

int bl_elf_open(struct bl_elf *elf, const unsigned char *image, size_t size,
		struct bl_error *e);
void bl_elf_close(struct bl_elf *elf);
struct bl_section *bl_elf_section_by_name(struct bl_elf *elf, const char *name);
const char *bl_sec_role_name(enum bl_sec_role role);
/* The relocation at byte offset off of sec, or NULL. */
const struct bl_rel *bl_section_rel_at(const struct bl_section *sec, __u64 off);

/* ---- program section names ------------------------------------------------ */

enum bl_attach_kind {
	BL_ATTACH_NONE,		/* loaded only; attach through the API */
	BL_ATTACH_KPROBE,
	BL_ATTACH_KRETPROBE,
	BL_ATTACH_UPROBE,
	BL_ATTACH_URETPROBE,
	BL_ATTACH_TRACEPOINT,
	BL_ATTACH_RAW_TRACEPOINT,
	BL_ATTACH_TRACING,	/* tp_btf, fentry, fexit, fmod_ret, lsm, iter */
	BL_ATTACH_PERF_EVENT,
	BL_ATTACH_SOCKET,
	BL_ATTACH_XDP,
	BL_ATTACH_TC,
	BL_ATTACH_CGROUP,
	BL_ATTACH_SOCKMAP,
	BL_ATTACH_NETNS,	/* flow_dissector, sk_lookup */
};

#define BL_SEC_F_PREFIX		(1U << 0) /* "kprobe/FUNC": a target follows */
#define BL_SEC_F_SLEEPABLE	(1U << 1) /* ".s" variants */
#define BL_SEC_F_XDP_FRAGS	(1U << 2) /* xdp.frags */
#define BL_SEC_F_BTF_TARGET	(1U << 3) /* attach_btf_id resolved at load */
#define BL_SEC_F_LEGACY_NUM	(1U << 4) /* "socket1", "kprobe/..."-era digits */

struct bl_section_def {
	const char *prefix;		/* "kprobe/", "xdp", ... */
	enum bpf_prog_type prog_type;
	__u32 expected_attach_type;	/* 0 when the type has none */
	enum bl_attach_kind attach;
	__u32 flags;			/* BL_SEC_F_* */
	const char *kind;		/* short display name */
};

/* Look a section name up in the table.  *target receives what follows
 * the prefix ("" when nothing does).  NULL when nothing matches. */
const struct bl_section_def *bl_section_def_find(const char *sec_name, const char **target);
size_t bl_section_def_count(void);
const struct bl_section_def *bl_section_def_at(size_t i);

/* ---- programs --------------------------------------------------------------- */

/* A function's place in a code section. */
struct bl_func {
	unsigned int sec;		/* section index */
	__u64 off;			/* byte offset of the first insn */
	__u64 size;			/* bytes */
	const char *name;
	bool global;
};

/* A map reference the loader must patch with a fd at load time. */
struct bl_map_ref {
	__u32 insn;			/* index of the ld_imm64 in the program */
	__u32 map;			/* index into obj->maps */
	__u32 offset;			/* MAP_VALUE: offset in the value */
	bool value;			/* BPF_PSEUDO_MAP_VALUE, else MAP_FD */
};

struct bl_program {
	struct bl_object *obj;
	char *name;
	const struct bl_section *sec;
	struct bl_func func;
	const struct bl_section_def *def;	/* NULL: type unknown */
	enum bpf_prog_type type;
	__u32 expected_attach_type;
	__u32 prog_flags;
	const char *attach_target;	/* points into the section name */
	const char *kind;
	bool autoload;

	/* after linking */
	struct bpf_insn *insns;
	size_t nr_insns;
	struct bl_map_ref *map_refs;
	size_t nr_map_refs;
	struct bl_reloc_info *relocs;	/* for inspection */
	size_t nr_relocs;
	const char **subprogs;
	size_t nr_subprogs;
	void *func_info;		/* struct bpf_func_info[] */
	size_t nr_func_info;
	void *line_info;		/* struct bpf_line_info[] */
	size_t nr_line_info;
	struct bpf_core_relo *core_relos; /* CO-RE records, insn_off in insns */
	size_t nr_core_relos;

	/* kernel state */
	int fd;
	__u32 id;
	char *log;
};

/* ---- maps ------------------------------------------------------------------- */

struct bl_map_def {
	__u32 type;
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries;
	__u32 map_flags;
	__u32 numa_node;
	__u32 pinning;
	__u64 map_extra;
	__u32 inner_map_idx;		/* legacy map-in-map */
	bool has_inner_idx;
};

/* An initial slot of a map-in-map or prog_array (".values = {...}"). */
struct bl_map_slot {
	__u32 index;
	bool is_prog;
	__u32 target;			/* map index or program index */
};

struct bl_map {
	struct bl_object *obj;
	char *name;
	char kname[BPF_OBJ_NAME_LEN];
	enum bl_map_origin origin;
	const struct bl_section *sec;	/* where the definition / data lives */
	__u64 sec_off;			/* offset of the definition in sec */
	__u64 def_size;
	struct bl_map_def def;
	__u32 btf_key_type_id;
	__u32 btf_value_type_id;
	__u32 btf_var_id;		/* .maps VAR, or DATASEC for data maps */
	struct bl_map *inner;		/* BTF map-in-map template (owned) */
	struct bl_map_slot *slots;
	size_t nr_slots, cap_slots;
	bool has_values;		/* BTF "values" member present */
	__u32 values_off;		/* its byte offset in the definition */

	/* global data */
	unsigned char *image;		/* initial contents (owned) */
	size_t image_size;
	void *mmaped;			/* after load, when mmap-able */
	size_t mmap_size;

	/* kernel state */
	int fd;
	__u32 id;
	bool reused;
	bool pinned_by_us;
	char *pin_path;
};

/* ---- the object ------------------------------------------------------------- */

struct bl_object {
	char *name;
	char kname_prefix[BPF_OBJ_NAME_LEN];
	unsigned char *image;
	size_t image_size;
	struct bl_elf elf;

	char *license;
	__u32 kern_version;

	struct bl_btf *btf;		/* NULL when absent or ignored */
	struct bl_btf_ext *btf_ext;

	struct bl_func *funcs;		/* every function of every code section */
	size_t nr_funcs;

	struct bl_program *progs;
	size_t nr_progs;
	struct bl_map *maps;
	size_t nr_maps;

	struct bl_error err;		/* last failure (open-time sized) */
	char *errmsg;			/* last failure, when longer (verifier logs) */

	/* kernel state */
	bool loaded;
	int btf_fd;
	__u32 btf_id;
	char *btf_warning;		/* why the kernel refused the BTF, or NULL */

	/* The kernel layer installs these so that close, which lives in
	 * the pure layer, can release fds and attachments. */
	void *links;
	void (*release_links)(struct bl_object *obj);
	void (*release_kernel)(struct bl_object *obj);
};

/* object.c */
const char *bl_section_name(const struct bl_object *obj, unsigned int index);

/* maps.c */
int bl_maps_collect(struct bl_object *obj, struct bl_error *e);
int bl_map_slots_collect(struct bl_object *obj, struct bl_error *e);
void bl_map_free(struct bl_map *map);
struct bl_map *bl_map_by_def(struct bl_object *obj, unsigned int sec, __u64 off);

/* programs.c */
int bl_programs_collect(struct bl_object *obj, struct bl_error *e);
void bl_program_free(struct bl_program *prog);
const struct bl_func *bl_func_at(const struct bl_object *obj, unsigned int sec, __u64 off);

/* link.c: relocations and subprogram appending */
int bl_programs_link(struct bl_object *obj, struct bl_error *e);

/* data.c: global variables */
int bl_global_lookup(const struct bl_object *obj, const char *var,
		     struct bl_map **map, __u32 *off, __u32 *size);

#endif /* BPFLOAD_OBJECT_H */
