/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * core_load.h - the kernel's BTF during one load, and CO-RE applied with
 * it (internal; core_load.c).
 *
 * One struct bl_kbtf lives for one bl_object_load(): it opens
 * /sys/kernel/btf/vmlinux (or the file in bl_load_opts.btf_custom_path
 * for CO-RE) at most once, and the module BTFs under /sys/kernel/btf/
 * only when a type is missing from vmlinux.
 */
#ifndef BPFLOAD_CORE_LOAD_H
#define BPFLOAD_CORE_LOAD_H

#include <stdio.h>

#include "object/core.h"
#include "object/object.h"

struct bl_btf;

struct bl_kbtf_mod {
	char *name;			/* "nf_conntrack" */
	struct bl_btf *btf;		/* split over vmlinux */
	int fd;				/* BPF_BTF_GET_FD_BY_ID, -1 until needed */
	__u32 id;			/* kernel BTF object id, 0 if unknown */
};

struct bl_ksyms;

struct bl_kbtf {
	const char *custom_path;
	struct bl_ksyms *ksyms;		/* /proc/kallsyms, for untyped .ksyms */
	struct bl_btf *vmlinux;
	struct bl_btf *custom;
	struct bl_kbtf_mod *mods;
	size_t nr_mods;
	const struct bl_btf **mod_btfs;	/* for bl_core_target.extra */
	bool mods_loaded;
	struct bl_core_target target;
	bool target_ready;
};

void bl_kbtf_init(struct bl_kbtf *kb, const struct bl_load_opts *opts);
void bl_kbtf_release(struct bl_kbtf *kb);
/* The running kernel's BTF (attach targets, kfuncs, typed ksyms). */
int bl_kbtf_vmlinux(struct bl_kbtf *kb, const struct bl_btf **out, struct bl_error *e);
/* What CO-RE relocates against: btf_custom_path, else vmlinux (and
 * modules). */
int bl_kbtf_core_target(struct bl_kbtf *kb, struct bl_core_target **out, struct bl_error *e);
/* Module BTFs, read on first use. */
int bl_kbtf_modules(struct bl_kbtf *kb, struct bl_error *e);

/* Before the maps are created: the values of the .kconfig externs
 * (from /proc/config.gz or /boot/config-RELEASE; LINUX_KERNEL_VERSION
 * from uname) into the .kconfig map's image.  Records the failure on
 * obj. */
int bl_externs_fill_kconfig(struct bl_object *obj);
/* The kernel config text (malloc'ed), or -errno; path says where from
 * (or where it was looked for last). */
int bl_kconfig_read(char **text, char *path, size_t path_len);
/* The value of NAME in a kernel config text: "y", "m", "\"str\"", "250";
 * "n" for "# NAME is not set"; NULL when absent.  Points into text. */
const char *bl_kconfig_value(const char *text, const char *name, size_t *len);

/* Does any program that will be loaded carry CO-RE records? */
bool bl_core_needed(const struct bl_object *obj);

/* A program's instructions as they go to the kernel: relocated. */
struct bl_core_prep {
	struct bpf_insn *insns;		/* NULL: the program's own are fine */
	struct bl_core_result res;
};

/* Relocate a copy of p's instructions: CO-RE records, then .ksyms
 * variables and kfunc calls (records the failure on obj). */
int bl_core_prepare(struct bl_object *obj, struct bl_program *p, struct bl_kbtf *kb,
		    struct bl_core_prep *prep);
/* After a failed BPF_PROG_LOAD: the poisoned instructions, the one the
 * verifier tripped on (found in log) first. */
void bl_core_explain(const struct bl_core_prep *prep, const char *log, FILE *f);
void bl_core_prep_free(struct bl_core_prep *prep);

#endif /* BPFLOAD_CORE_LOAD_H */
