/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kernel.h - internal interfaces of the kernel-facing half of bpfload.
 */
#ifndef BPFLOAD_KERNEL_H
#define BPFLOAD_KERNEL_H

#include "object/object.h"

struct bl_btf;
struct bl_kbtf;

/* Record a failure on the object (replaces the previous one). */
int bl_obj_fail(struct bl_object *obj, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Same, taking ownership of a heap message of any length. */
int bl_obj_fail_msg(struct bl_object *obj, int err, char *msg);

/* What an errno from bpf() usually means, and what to do about it. */
const char *bl_errno_hint(int err, enum bpf_prog_type type);

/* map_create.c */
int bl_maps_create(struct bl_object *obj, const struct bl_load_opts *opts);
int bl_maps_fill_slots(struct bl_object *obj);
void bl_map_release(struct bl_map *map);
/* After a failed load: remove the pins this load created. */
void bl_maps_unpin_new(struct bl_object *obj);

/* prog_load.c */
/* Where the last n lines of a kernel log start; *total: its line count. */
const char *bl_log_tail(const char *log, int n, int *total);
/* kb: the kernel's BTF for this load (core_load.h): attach targets and
 * CO-RE relocations. */
int bl_program_load(struct bl_object *obj, struct bl_program *prog,
		    const struct bl_load_opts *opts, struct bl_kbtf *kb);

/* vmlinux.c: the running kernel's BTF, /sys/kernel/btf/vmlinux */
int bl_vmlinux_btf_open(struct bl_btf **out, struct bl_error *e);
/* The BTF id a tp_btf/fentry/fexit/lsm/iter program attaches to. */
int bl_attach_btf_id(const struct bl_btf *vmlinux, const struct bl_program *prog,
		     __u32 *id, struct bl_error *e);

/* pin.c */
int bl_pin_check_dir(const char *dir, struct bl_error *e);
int bl_pin_check_name(const char *name, struct bl_error *e);
int bl_map_check_compat(const struct bl_map *map, int fd, const char *what,
			struct bl_error *e);

/* small_file.c: read what one read(2) of path gives, at most len - 1
 * bytes, NUL-terminated.  0 or -errno. */
int bl_read_small(const char *path, char *buf, size_t len);

/* tracefs.c: is dir a mounted tracefs? */
bool bl_is_tracefs(const char *dir);

/* On EPERM before 5.11: lift RLIMIT_MEMLOCK; true if it grew. */
bool bl_raise_memlock(void);

/* Kernel version as KERNEL_VERSION(a, b, c) from uname(2). */
__u32 bl_running_kernel_version(void);

#endif /* BPFLOAD_KERNEL_H */
