/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bpfload/kern_maps.h - declaring maps in kern programs.
 *
 * Two styles are understood by bpfload:
 *
 * 1. BTF-defined maps, in section ".maps" (the current convention):
 *
 *	struct {
 *		__uint(type, BPF_MAP_TYPE_HASH);
 *		__uint(max_entries, 1024);
 *		__type(key, __u32);
 *		__type(value, struct stats);
 *	} stats_map SEC(".maps");
 *
 *    The variable's BTF type is the whole description: the loader reads
 *    each member of the anonymous struct by name, never its value (the
 *    variable is all zeroes in the ELF).  Numbers are encoded in the
 *    *type* of a member, as the element count of an array pointed to:
 *    "int (*type)[1]" means type = 1.  Types (key, value) are encoded as
 *    a pointer to the type, so the loader gets the size and the BTF id.
 *
 * 2. Legacy definitions, in section "maps" (samples/bpf and the old
 *    bpf_load.c): one fixed-layout struct per map, read from the bytes
 *    of the section; the symbol gives the map's name.
 *
 *	struct bpf_map_def SEC("maps") counts = {
 *		.type = BPF_MAP_TYPE_ARRAY,
 *		.key_size = sizeof(__u32),
 *		.value_size = sizeof(__u64),
 *		.max_entries = 64,
 *	};
 */
#ifndef BPFLOAD_KERN_MAPS_H
#define BPFLOAD_KERN_MAPS_H

/* ---- BTF-defined maps ------------------------------------------------- */

/* A number: the member's type is a pointer to an array of val ints. */
#define __uint(name, val)	int (*name)[val]
/* A type: the member's type is a pointer to it. */
#define __type(name, val)	typeof(val) *name
/*
 * Map-in-map and prog arrays: the initial contents.  For an outer map,
 * val is the inner map's definition (a struct like the one above) and
 * the array may be initialised with addresses of inner maps:
 *
 *	__array(values, struct inner_def);  ...  = { .values = { &m1, &m2 } };
 *
 * For a prog array, val is a function type and the initialisers are
 * programs.  The loader gets the slots from the relocations of ".maps".
 */
#define __array(name, val)	typeof(val) *name[]

/*
 * Values of __uint(pinning, ...).  BY_NAME pins the map at
 * <pin root>/<map name> in bpffs and reuses a map already pinned there.
 * The numbers are the ones every BPF ELF loader uses for this field.
 */
#define BL_PIN_NONE		0
#define BL_PIN_BY_NAME		1

/* ---- legacy "maps" section --------------------------------------------- */

/*
 * The samples/bpf layout: 5 u32, 20 bytes, no padding.  A loader finds
 * map i at offset st_value of its symbol; with every definition in a
 * section of this struct the section size is 20 * number of maps.
 */
struct bpf_map_def {
	unsigned int type;		/* enum bpf_map_type */
	unsigned int key_size;		/* bytes */
	unsigned int value_size;	/* bytes */
	unsigned int max_entries;
	unsigned int map_flags;		/* BPF_F_NO_PREALLOC, ... */
};

/*
 * The extended layout (28 bytes) some old loaders accepted: the same
 * five fields, then
 *   inner_map_idx  for ARRAY_OF_MAPS / HASH_OF_MAPS: the index of the
 *                  map used as the template for the inner maps, counting
 *                  definitions in order of their offset in the section
 *                  (not in symbol table order, which clang does not keep);
 *   numa_node      used when map_flags has BPF_F_NUMA_NODE.
 * A loader tells the two layouts apart by the size of each definition
 * (section size / number of map symbols).  Do not mix them in one
 * object.
 */
struct bpf_map_def_ext {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
	unsigned int inner_map_idx;
	unsigned int numa_node;
};

_Static_assert(sizeof(struct bpf_map_def) == 20, "legacy map def is 20 bytes");
_Static_assert(sizeof(struct bpf_map_def_ext) == 28, "extended map def is 28 bytes");

#endif /* BPFLOAD_KERN_MAPS_H */
