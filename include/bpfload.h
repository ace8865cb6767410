/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bpfload.h - load clang-compiled BPF ELF objects with the raw bpf() call.
 *
 * The life of an object:
 *
 *   open     read the ELF file (no kernel involved): programs, maps,
 *            global data, BTF, relocations.  Errors name the section
 *            and offset that is wrong.
 *   inspect  list programs and maps, their names, types and sizes.
 *   set      change map sizes, pick which programs to load, write
 *            .data/.rodata/.bss variables before load.
 *   load     BPF_BTF_LOAD, BPF_MAP_CREATE for every map, patch map fds
 *            into the instructions, BPF_PROG_LOAD for every program.
 *   use      find map and program fds by name.
 *   close    close every fd; the kernel frees what nothing else holds.
 *
 * Functions returning int give 0 (or a fd) on success and -errno on
 * failure.  The message for the last failure of an object, with what
 * failed, why and what to do, is bl_object_error(); open failures are
 * reported through the struct bl_error the caller passes.
 *
 * Nothing here keeps global state: any number of objects may be open,
 * from any number of threads as long as one object is used by one thread
 * at a time.
 */
#ifndef BPFLOAD_H
#define BPFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <bpfload/uapi.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bl_object;
struct bl_program;
struct bl_map;

#define BL_ERRMSG_LEN 1024

/* A failure: a negative errno and one or more lines of explanation. */
struct bl_error {
	int err;
	char msg[BL_ERRMSG_LEN];
};

/* ---- opening ------------------------------------------------------------ */

struct bl_open_opts {
	/* Name used in messages and as prefix of global-data map names
	 * (default: the file name without directory and ".o"). */
	const char *name;
	/* Ignore the object's BTF entirely (maps from .maps still need it). */
	bool no_btf;
};

/* Open an object file.  Returns NULL and fills *err (which may be NULL)
 * when the file cannot be read or is not a valid BPF object. */
struct bl_object *bl_object_open(const char *path, const struct bl_open_opts *opts,
				 struct bl_error *err);
/* Same, from a buffer (copied: the caller may free it at once).  Never
 * touches the kernel or the file system: the fuzzing entry point. */
struct bl_object *bl_object_open_mem(const void *buf, size_t size,
				     const struct bl_open_opts *opts,
				     struct bl_error *err);
/* Close every fd the object holds and free it.  NULL is fine. */
void bl_object_close(struct bl_object *obj);

const char *bl_object_name(const struct bl_object *obj);
/* Contents of the "license" section ("GPL", ...), or NULL. */
const char *bl_object_license(const struct bl_object *obj);
/* Contents of the "version" section, or 0. */
__u32 bl_object_kern_version(const struct bl_object *obj);
/* The message for the last failure on this object. */
const char *bl_object_error(const struct bl_object *obj);
bool bl_object_has_btf(const struct bl_object *obj);
bool bl_object_has_btf_ext(const struct bl_object *obj);

/* ---- sections and relocations (for inspection) ------------------------- */

struct bl_section_info {
	unsigned int index;		/* ELF section index */
	const char *name;
	__u32 type;			/* SHT_* */
	__u64 flags;			/* SHF_* */
	__u64 size;
	const char *role;		/* "program", "maps", "data", "btf", ... */
};

size_t bl_object_section_count(const struct bl_object *obj);
int bl_object_section(const struct bl_object *obj, size_t i,
		      struct bl_section_info *out);

enum bl_reloc_kind {
	BL_RELOC_MAP_FD,	/* ld_imm64 of a map: BPF_PSEUDO_MAP_FD */
	BL_RELOC_MAP_VALUE,	/* ld_imm64 of global data: BPF_PSEUDO_MAP_VALUE */
	BL_RELOC_CALL,		/* call to a .text subprogram: BPF_PSEUDO_CALL */
	BL_RELOC_FUNC_PTR,	/* ld_imm64 of a .text function: BPF_PSEUDO_FUNC */
	BL_RELOC_KCONFIG,	/* ld_imm64 of a .kconfig extern: BPF_PSEUDO_MAP_VALUE
				 * into the ".kconfig" map, filled at load */
	BL_RELOC_KSYM,		/* ld_imm64 of a .ksyms variable: its address
				 * (target "address") or BTF id ("typed"), at load */
	BL_RELOC_KFUNC,		/* call of a .ksyms kernel function:
				 * BPF_PSEUDO_KFUNC_CALL, its BTF id at load */
};

struct bl_reloc_info {
	enum bl_reloc_kind kind;
	__u32 insn;			/* instruction index in the final program */
	const char *symbol;		/* symbol the relocation names */
	const char *target;		/* map or subprogram name */
	__u32 offset;			/* MAP_VALUE: byte offset in the map value */
};

/* ---- programs ----------------------------------------------------------- */

size_t bl_object_program_count(const struct bl_object *obj);
struct bl_program *bl_object_program(const struct bl_object *obj, size_t i);
/* By function name, else by section name. */
struct bl_program *bl_object_find_program(const struct bl_object *obj, const char *name);

const char *bl_program_name(const struct bl_program *prog);
const char *bl_program_section(const struct bl_program *prog);
enum bpf_prog_type bl_program_type(const struct bl_program *prog);
__u32 bl_program_expected_attach_type(const struct bl_program *prog);
/* What the section names as the hook: "syscalls/sys_enter_getpid" for
 * "tracepoint/syscalls/sys_enter_getpid", or "" when there is none. */
const char *bl_program_attach_target(const struct bl_program *prog);
/* The section prefix the program type came from ("kprobe", "xdp", ...). */
const char *bl_program_kind(const struct bl_program *prog);
/* Instructions after subprograms were appended and relocations applied
 * (map fds are filled in only after load). */
size_t bl_program_insn_count(const struct bl_program *prog);
const struct bpf_insn *bl_program_insns(const struct bl_program *prog);
size_t bl_program_reloc_count(const struct bl_program *prog);
const struct bl_reloc_info *bl_program_reloc(const struct bl_program *prog, size_t i);
/*
 * CO-RE relocation records (.BTF.ext core_relo) of the program: each
 * names an instruction whose value depends on the kernel's types, and is
 * fixed against the kernel's BTF at load.  what: "field offset of struct
 * task_struct.real_parent (0:57)": the kind, the object's own type, the
 * path and the access string clang wrote.  -ENOENT when i is past the end.
 */
struct bl_core_relo_info {
	__u32 insn;			/* instruction index in the final program */
	__u32 kind;			/* enum bpf_core_relo_kind (0 .. 12) */
	char what[224];
};

size_t bl_program_core_relo_count(const struct bl_program *prog);
int bl_program_core_relo(const struct bl_program *prog, size_t i,
			 struct bl_core_relo_info *out);
/* Subprograms appended to this program (names), in order. */
size_t bl_program_subprog_count(const struct bl_program *prog);
const char *bl_program_subprog(const struct bl_program *prog, size_t i);

/* Before load: skip this program, or change its type (for sections whose
 * name says nothing, like the old "socketN" or a custom name). */
int bl_program_set_autoload(struct bl_program *prog, bool autoload);
bool bl_program_autoload(const struct bl_program *prog);
int bl_program_set_type(struct bl_program *prog, enum bpf_prog_type type,
			__u32 expected_attach_type);
/* After load: the program fd (owned by the object), or -1. */
int bl_program_fd(const struct bl_program *prog);
/* After a failed load: the verifier's log, or NULL. */
const char *bl_program_log(const struct bl_program *prog);

/* ---- maps --------------------------------------------------------------- */

enum bl_map_origin {
	BL_MAP_LEGACY,		/* struct bpf_map_def in the "maps" section */
	BL_MAP_BTF,		/* BTF-defined in ".maps" */
	BL_MAP_DATA,		/* .data: initialized global variables */
	BL_MAP_RODATA,		/* .rodata*: constants, frozen after load */
	BL_MAP_BSS,		/* .bss: zero-initialized globals */
};

size_t bl_object_map_count(const struct bl_object *obj);
struct bl_map *bl_object_map(const struct bl_object *obj, size_t i);
/* By name: a map's name, or a global data section (".data", ".rodata",
 * ".bss") or its kernel name ("obj.data"). */
struct bl_map *bl_object_find_map(const struct bl_object *obj, const char *name);

const char *bl_map_name(const struct bl_map *map);
/* The name given to the kernel (BPF_OBJ_NAME_LEN - 1 bytes at most). */
const char *bl_map_kernel_name(const struct bl_map *map);
enum bpf_map_type bl_map_type(const struct bl_map *map);
__u32 bl_map_key_size(const struct bl_map *map);
__u32 bl_map_value_size(const struct bl_map *map);
__u32 bl_map_max_entries(const struct bl_map *map);
__u32 bl_map_flags(const struct bl_map *map);
enum bl_map_origin bl_map_origin(const struct bl_map *map);
const char *bl_map_origin_name(enum bl_map_origin origin);
/* LIBBPF_PIN_BY_NAME (1) when the definition asks to be pinned, else 0. */
__u32 bl_map_pinning(const struct bl_map *map);
/* For map-in-map: the inner map's definition, or NULL. */
const struct bl_map *bl_map_inner(const struct bl_map *map);
/* BTF ids of key and value in the object's BTF (0 when unknown). */
__u32 bl_map_btf_key_type_id(const struct bl_map *map);
__u32 bl_map_btf_value_type_id(const struct bl_map *map);

int bl_map_set_max_entries(struct bl_map *map, __u32 max_entries);
int bl_map_set_flags(struct bl_map *map, __u32 flags);
/* Use an existing map (from a pin, say) instead of creating one.  The
 * object takes its own copy of fd (dup). */
int bl_map_reuse_fd(struct bl_map *map, int fd);
/* After load: the map fd (owned by the object), or -1. */
int bl_map_fd(const struct bl_map *map);

/*
 * Global data.  Before load this is the initial image the map will be
 * created with, and may be written.  After load it is the kernel's map
 * memory itself (mmap'ed) when the kernel allows, else NULL: use
 * bl_map_lookup/update with key 0 then.  .rodata is read-only after load.
 */
void *bl_map_data(const struct bl_map *map, size_t *size);

/* Global variables by name, through the BTF DATASEC that lists them.
 * Before load they change the initial image; after load they read or
 * write the live map (not .rodata, which is frozen). */
int bl_object_set_global(struct bl_object *obj, const char *var,
			 const void *value, size_t size);
int bl_object_get_global(const struct bl_object *obj, const char *var,
			 void *value, size_t size);

/* ---- loading ------------------------------------------------------------ */

struct bl_load_opts {
	/* Verifier log level for the retry after a failure (default 1). */
	__u32 log_level;
	/* Upper bound of the verifier log buffer (default 16 MiB). */
	__u32 log_max;
	/* Keep the whole log in the error message instead of its tail. */
	bool full_log;
	/* Always fetch the verifier log, even on success (learners). */
	bool always_log;
	/* Directory on bpffs for maps with pinning = BY_NAME
	 * (default /sys/fs/bpf). */
	const char *pin_root;
	/* Kernel version to report when the object has none (default: the
	 * running kernel's, from uname). */
	__u32 kern_version;
	/* CO-RE: relocate against the types in this file (raw BTF, or an
	 * ELF vmlinux with a .BTF section) instead of the running kernel's
	 * /sys/kernel/btf/vmlinux, for kernels built without BTF. */
	const char *btf_custom_path;
};

/* Create the maps, load the programs.  On failure nothing stays in the
 * kernel and bl_object_error() explains. */
int bl_object_load(struct bl_object *obj, const struct bl_load_opts *opts);
bool bl_object_loaded(const struct bl_object *obj);

/* Kernel ids of what was loaded (0 if not loaded). */
__u32 bl_program_id(const struct bl_program *prog);
__u32 bl_map_id(const struct bl_map *map);
/* The kernel's BTF object id for the object's BTF, 0 if none loaded. */
__u32 bl_object_btf_id(const struct bl_object *obj);
/* After load: NULL, or why the kernel refused the object's BTF (the
 * errno and the kernel's last log line).  The load went on without it:
 * maps have no key/value types, programs no func/line info. */
const char *bl_object_btf_warning(const struct bl_object *obj);
int bl_object_btf_fd(const struct bl_object *obj);

/* ---- map access --------------------------------------------------------- */

int bl_map_lookup(const struct bl_map *map, const void *key, void *value);
int bl_map_update(const struct bl_map *map, const void *key, const void *value,
		  __u64 flags);
int bl_map_delete(const struct bl_map *map, const void *key);
int bl_map_next_key(const struct bl_map *map, const void *key, void *next);

/* ---- errors ------------------------------------------------------------- */

/* Why this process may be refused by bpf() or perf_event_open(): the
 * capabilities it lacks (CAP_BPF, CAP_SYS_ADMIN, CAP_PERFMON,
 * CAP_NET_ADMIN) and the sysctls that then decide
 * (kernel.unprivileged_bpf_disabled, kernel.perf_event_paranoid).  An
 * empty string when it has them all.  Returns buf. */
char *bl_privilege_hint(char *buf, size_t len);

/* The symbolic name and strerror() text of an errno (either sign):
 * "EPERM (Operation not permitted)".  Returns buf. */
char *bl_strerror(int err, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* BPFLOAD_H */
