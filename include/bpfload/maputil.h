/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bpfload/maputil.h - working with maps by fd: walking, dumping, per-CPU
 * values, pinning and reusing pins; kernel symbols for stack traces.
 *
 * Element access by fd is the syscall layer itself (bpfload/sys.h):
 * bl_sys_map_lookup_elem / update_elem / delete_elem / get_next_key.
 * What this header adds is what sits above single elements.
 *
 * Per-CPU maps (PERCPU_HASH, PERCPU_ARRAY, LRU_PERCPU_HASH,
 * PERCPU_CGROUP_STORAGE) keep one value per *possible* CPU (not online:
 * CPUs may come and go), and user space always reads and writes all of
 * them at once: a buffer of ncpus slots, each value_size rounded up to 8
 * bytes.  bl_map_value_buf_size() gives that size, bl_percpu_value()
 * finds one CPU's slot, bl_percpu_sum*() add them up.
 *
 * Dumping.  Walking with GET_NEXT_KEY costs two system calls per element
 * (next key, lookup) and on a hash map restarts from the first bucket if
 * the current key is deleted meanwhile.  BPF_MAP_LOOKUP_BATCH (5.6+)
 * returns thousands of elements per call, bucket by bucket, which is what
 * makes a 1M-entry dump take a fraction of a second.  bl_map_dump() uses
 * batches and falls back to the per-element walk when the kernel or the
 * map type does not have them (EINVAL, ENOTSUPP, EOPNOTSUPP on the first
 * call).
 *
 * Results: >= 0 or -errno; functions taking a struct bl_error explain
 * failures there.
 */
#ifndef BPFLOAD_MAPUTIL_H
#define BPFLOAD_MAPUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <bpfload.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- CPUs and per-CPU values -------------------------------------------- */

/* Number of possible CPUs (highest id in /sys/devices/system/cpu/possible
 * plus one): the number of values in a per-CPU lookup.  Read once and
 * remembered.  -errno if the file cannot be read. */
int bl_possible_cpus(void);
/* Online CPUs from /sys/devices/system/cpu/online: online[i] is set for
 * each online CPU i < n.  Returns the count of online CPUs or -errno. */
int bl_online_cpus(bool *online, int n);
/* Does this map type keep one value per CPU? */
bool bl_map_type_percpu(__u32 type);

/* Bytes one lookup of a per-CPU map writes: ncpus * round_up(value_size, 8). */
size_t bl_percpu_buf_size(__u32 value_size);
/* CPU cpu's slot in a per-CPU lookup buffer. */
void *bl_percpu_value(const void *values, __u32 value_size, unsigned int cpu);
/* Sum over the CPUs of an unsigned scalar value of 1, 2, 4 or 8 bytes
 * (value_size is the scalar's size). */
__u64 bl_percpu_sum(const void *values, __u32 value_size);
/* Sum over the CPUs of one unsigned field (size 1, 2, 4 or 8 at offset)
 * of a value of value_size bytes. */
__u64 bl_percpu_sum_field(const void *values, __u32 value_size, __u32 offset, __u32 size);
/* Per-field sums of a value made of u64 counters: value_size must be a
 * multiple of 8; out receives value_size / 8 sums.  0 or -EINVAL. */
int bl_percpu_sum_u64s(const void *values, __u32 value_size, __u64 *out);

/* ---- describing a map --------------------------------------------------- */

struct bl_map_desc {
	__u32 id;
	__u32 type;		/* enum bpf_map_type */
	__u32 key_size;
	__u32 value_size;	/* of one value (one CPU's) */
	__u32 max_entries;
	__u32 map_flags;
	char name[BPF_OBJ_NAME_LEN];
	bool percpu;
	unsigned int ncpus;	/* possible CPUs for per-CPU maps, else 1 */
	size_t value_buf_size;	/* bytes a lookup writes */
};

/* Fill *d from BPF_OBJ_GET_INFO_BY_FD.  0 or -errno. */
int bl_map_describe(int map_fd, struct bl_map_desc *d, struct bl_error *err);

/* ---- walking and dumping ------------------------------------------------ */

typedef int (*bl_map_key_fn)(void *ctx, const void *key);
/* Return 0 to go on, a negative errno to stop (returned by the walk). */
typedef int (*bl_map_elem_fn)(void *ctx, const void *key, const void *value);

/* Every key, with GET_NEXT_KEY (the map's own order).  Returns the
 * number of keys or -errno. */
int bl_map_for_each_key(int map_fd, bl_map_key_fn fn, void *ctx);

struct bl_map_dump_stats {
	__u64 elems;		/* elements delivered */
	__u64 calls;		/* bpf() calls made */
	bool batched;		/* BPF_MAP_LOOKUP_BATCH was used */
	int fallback_err;	/* why batches were not used (0, -EINVAL ...) */
};

struct bl_map_dump_opts {
	/* Elements per BPF_MAP_LOOKUP_BATCH (0: up to 64k, no more than
	 * max_entries); grows by itself on -ENOSPC (a hash bucket bigger
	 * than the batch). */
	__u32 batch;
	/* Walk element by element even if batches work (testing, or maps
	 * modified during the walk where per-element semantics matter). */
	bool no_batch;
	/* Filled at the end when not NULL. */
	struct bl_map_dump_stats *stats;
};

/*
 * Every element: fn(ctx, key, value) with value in lookup layout (per-CPU
 * maps: all CPUs' slots).  Keys and values are NOT aligned in the batch
 * buffers (they are packed at key_size / value_size strides): memcpy
 * multi-byte fields out, or use the bl_percpu_* helpers.  On a hash map
 * modified while dumping, the batch walk sees every element that stayed
 * in the map once; the per-element walk may repeat or miss some.
 * Returns the number of elements or -errno.
 */
int bl_map_dump(int map_fd, bl_map_elem_fn fn, void *ctx, const struct bl_map_dump_opts *opts);

/* A whole map in two arrays: keys[i * key_size], values[i * value_buf_size]. */
struct bl_map_snapshot {
	struct bl_map_desc desc;
	size_t count;
	void *keys;
	void *values;
};
/* Read every element (bl_map_dump) into *snap.  0 or -errno. */
int bl_map_snapshot(int map_fd, struct bl_map_snapshot *snap, const struct bl_map_dump_opts *opts);
void bl_map_snapshot_free(struct bl_map_snapshot *snap);

/* ---- pinning ------------------------------------------------------------ */

/* What a pinned map must look like to be reused.  A zero field is not
 * checked (except map_flags, checked when check_flags is set). */
struct bl_map_want {
	__u32 type;
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries;
	__u32 map_flags;
	bool check_flags;
};

/* Pin fd at path.  path's directory must be on a bpffs mount; an existing
 * file there is an error (-EEXIST) explained in *err. */
int bl_obj_pin_checked(int fd, const char *path, struct bl_error *err);
/* Check the map behind fd against *want; -EEXIST and a message naming the
 * first difference ("key size 4, expected 8") when it does not match. */
int bl_map_check_fd(int map_fd, const struct bl_map_want *want, const char *what,
		    struct bl_error *err);
/* Open the map pinned at path (BPF_OBJ_GET with file_flags, 0 for read
 * and write) and check it against *want (may be NULL).  Returns a new fd,
 * -ENOENT when nothing is pinned there, else -errno with *err filled. */
int bl_map_open_pinned(const char *path, const struct bl_map_want *want,
		       __u32 file_flags, struct bl_error *err);
/*
 * Before bl_object_load(): if a map is pinned at path, check it against
 * the definition of map and make the object use it (bl_map_reuse_fd).
 * Returns 1 if reused, 0 if nothing is pinned there (pin it yourself after
 * load with bl_obj_pin_checked(bl_map_fd(map), path, err)), -errno when
 * the pin is there but incompatible or unreadable.
 */
int bl_map_reuse_pinned(struct bl_map *map, const char *path, struct bl_error *err);

/* ---- kernel symbols (for stack traces) ----------------------------------- */

struct bl_ksyms;

struct bl_ksym {
	__u64 addr;
	/* Up to the next symbol of the same owner (kernel or module): an
	 * estimate; 0 when unknown (the owner's last symbol). */
	__u64 size;
	const char *name;
	const char *module;	/* "" for the kernel itself */
	char type;		/* nm letter: 'T', 't', 'W', ... */
};

/*
 * Read /proc/kallsyms (or path, same format) once, keep it sorted by
 * address.  A snapshot: modules and BPF programs loaded later are not in
 * it (load again to see them).  Without the right to see addresses (kptr_restrict, no
 * CAP_SYSLOG) every address reads as 0: that fails with -EPERM and says
 * so.  NULL on failure, with *err filled.
 */
struct bl_ksyms *bl_ksyms_load(const char *path, struct bl_error *err);
void bl_ksyms_free(struct bl_ksyms *ks);
size_t bl_ksyms_count(const struct bl_ksyms *ks);
/* The symbol addr falls in (the last one at or below addr), or NULL when
 * addr is below the first symbol or past the known end of that one.
 * *offset (may be NULL) receives addr - symbol address. */
const struct bl_ksym *bl_ksyms_resolve(const struct bl_ksyms *ks, __u64 addr, __u64 *offset);
/* A symbol by name (the kernel's own before modules' when both have
 * it), or NULL. */
const struct bl_ksym *bl_ksyms_find(const struct bl_ksyms *ks, const char *name);
/* "schedule+0x1a/0x90", "ext4_sync_file+0x10/0x3c0 [ext4]", or
 * "0xffffffff81000000" when unknown, into buf.  Returns buf. */
char *bl_ksyms_format(const struct bl_ksyms *ks, __u64 addr, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* BPFLOAD_MAPUTIL_H */
