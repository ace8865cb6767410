// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_load.c - load every test object into the running kernel and check,
 * through BPF_OBJ_GET_INFO_BY_FD, that the kernel holds what the object
 * describes.
 *
 * For each object, every loaded program and map is checked twice: against
 * the library's own accessors (so the loader passed what it parsed) and
 * against the facts documented at the top of tests/objs/NAME.c (so the
 * parse was right): kernel names (15 characters at most), types, sizes,
 * flags, BTF ids, the ids of the maps each program uses, func_info and
 * line_info counts.  Then the parts of loading with a behaviour of their
 * own: global data maps (frozen .rodata, mmap'ed .data/.bss), map-in-map
 * inner templates and initial slots, pinning by name (create, reuse,
 * refuse an incompatible pin), the verifier's log on a rejected program
 * (full, tail, truncated), fentry/lsm on a kernel without trampolines,
 * loading twice, two objects from the same file.
 *
 * Needs root.  Pins go to a private directory on bpffs, removed at the
 * end (also on a bail-out); every fd is closed (checked).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/sys.h>
#include "object/btf.h"
#include "object/object.h"
#include "tap.h"
#include "testutil.h"

#define MAX_IDS 64

static char pin_root[PATH_MAX];

static void cleanup(void)
{
	tu_pin_root_remove(pin_root);
}

/* ---- expected facts, from the headers of tests/objs/ *.c -------------------- */

enum { NO_BTF, KV_BTF, V_BTF };	/* which BTF type ids the kernel map has */

struct exp_map {
	const char *name;
	const char *kname;		/* kernel name */
	__u32 type, key, value, max, flags;
	int btf;
};

struct exp_prog {
	const char *name;
	__u32 type;
	int nr_maps;			/* distinct maps the program uses */
	int nr_func_info;		/* 1 + subprograms */
};

struct exp_obj {
	const char *file;
	const struct exp_map *maps;
	size_t nr_maps;
	const struct exp_prog *progs;
	size_t nr_progs;
	const char *const *skip;	/* programs not to load (NULL-terminated) */
};

#define RDONLY_DATA (BPF_F_MMAPABLE | BPF_F_RDONLY_PROG)

static const struct exp_map btf_maps_maps[] = {
	{ "inner_a", "inner_a", BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, KV_BTF },
	{ "inner_b", "inner_b", BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0, KV_BTF },
	{ "outer_arr", "outer_arr", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 4, 0, NO_BTF },
	{ "flows", "flows", BPF_MAP_TYPE_HASH, 8, 16, 1024, 0, KV_BTF },
	{ "sized_arr", "sized_arr", BPF_MAP_TYPE_ARRAY, 4, 16, 8, 0, NO_BTF },
	{ "pcpu_cnt", "pcpu_cnt", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, 0, KV_BTF },
	{ "events", "events", BPF_MAP_TYPE_RINGBUF, 0, 0, 262144, 0, NO_BTF },
	{ "perf_out", "perf_out", BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 128, 0, NO_BTF },
	{ "lru", "lru", BPF_MAP_TYPE_LRU_HASH, 8, 4, 512, BPF_F_NO_COMMON_LRU, KV_BTF },
	{ "pinned_cnt", "pinned_cnt", BPF_MAP_TYPE_HASH, 4, 8, 16, 0, KV_BTF },
	{ "outer_hash", "outer_hash", BPF_MAP_TYPE_HASH_OF_MAPS, 4, 4, 8, 0, NO_BTF },
	{ "numa_hash", "numa_hash", BPF_MAP_TYPE_HASH, 4, 4, 64, BPF_F_NUMA_NODE, KV_BTF },
};
static const struct exp_prog btf_maps_progs[] = {
	{ "use_maps", BPF_PROG_TYPE_TRACEPOINT, 10, 1 },
};

static const struct exp_map globals_maps[] = {
	{ ".rodata", "globals.rodata", BPF_MAP_TYPE_ARRAY, 4, 24, 1, RDONLY_DATA, V_BTF },
	{ ".data", "globals.data", BPF_MAP_TYPE_ARRAY, 4, 8, 1, BPF_F_MMAPABLE, V_BTF },
	{ ".bss", "globals.bss", BPF_MAP_TYPE_ARRAY, 4, 40, 1, BPF_F_MMAPABLE, V_BTF },
	/* no DATASEC for the strings: no BTF; the name keeps the suffix */
	{ ".rodata.str1.1", "g.rodata.str1.1", BPF_MAP_TYPE_ARRAY, 4, 7, 1, RDONLY_DATA,
	  NO_BTF },
};
static const struct exp_prog globals_progs[] = {
	{ "count_getpid", BPF_PROG_TYPE_TRACEPOINT, 4, 1 },
};

static const struct exp_map legacy_maps_maps[] = {
	{ "pid_hash", "pid_hash", BPF_MAP_TYPE_HASH, 4, 8, 1024, 0, NO_BTF },
	{ "counters", "counters", BPF_MAP_TYPE_ARRAY, 4, 8, 16, 0, NO_BTF },
	{ "jmp_table", "jmp_table", BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 8, 0, NO_BTF },
};
static const struct exp_prog legacy_maps_progs[] = {
	{ "kprobe_openat2", BPF_PROG_TYPE_KPROBE, 1, 1 },
	{ "tp_getpid", BPF_PROG_TYPE_TRACEPOINT, 2, 1 },
	{ "sock_len", BPF_PROG_TYPE_SOCKET_FILTER, 1, 1 },
};

static const struct exp_map legacy_ext_maps[] = {
	{ "inner_tmpl", "inner_tmpl", BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0, NO_BTF },
	{ "outer_arr", "outer_arr", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, 0, NO_BTF },
	{ "numa_hash", "numa_hash", BPF_MAP_TYPE_HASH, 4, 4, 64, BPF_F_NUMA_NODE, NO_BTF },
};
static const struct exp_prog legacy_ext_progs[] = {
	{ "read_inner", BPF_PROG_TYPE_SOCKET_FILTER, 2, 1 },
};

static const struct exp_prog multi_prog_progs[] = {
	{ "xdp_drop", BPF_PROG_TYPE_XDP, 0, 1 },
	{ "xdp_pass", BPF_PROG_TYPE_XDP, 0, 1 },
	{ "xdp_tx", BPF_PROG_TYPE_XDP, 0, 1 },
	{ "sock_a", BPF_PROG_TYPE_SOCKET_FILTER, 0, 1 },
	{ "sock_b", BPF_PROG_TYPE_SOCKET_FILTER, 0, 2 },
};

static const struct exp_map sock_xdp_maps[] = {
	{ "proto_count", "proto_count", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 256, 0, KV_BTF },
};
static const struct exp_prog sock_xdp_progs[] = {
	{ "sock_ipv4_len", BPF_PROG_TYPE_SOCKET_FILTER, 0, 1 },
	{ "xdp_count", BPF_PROG_TYPE_XDP, 1, 1 },
};

static const struct exp_prog subprogs_progs[] = {
	/* sub_top, sub_mid, sub_leaf, sub_global */
	{ "sock_calls", BPF_PROG_TYPE_SOCKET_FILTER, 0, 5 },
	/* and the bpf_loop callback loop_add */
	{ "xdp_calls", BPF_PROG_TYPE_XDP, 0, 6 },
};

static const struct exp_map bad_prog_maps[] = {
	{ "vals", "vals", BPF_MAP_TYPE_HASH, 4, 8, 4, 0, KV_BTF },
};
static const struct exp_prog bad_prog_progs[] = {
	{ "good_deref", BPF_PROG_TYPE_SOCKET_FILTER, 1, 1 },
};
static const char *const bad_prog_skip[] = { "bad_deref", NULL };

/* sections.o: everything but what needs BPF trampolines */
static const char *const trampoline_progs[] = { "s_fentry", "s_fexit", "s_fmod_ret", "s_lsm",
						NULL };
static const struct exp_prog sections_progs[] = {
	{ "s_kprobe", BPF_PROG_TYPE_KPROBE, 0, 1 },
	{ "s_kretprobe", BPF_PROG_TYPE_KPROBE, 0, 1 },
	{ "s_uprobe", BPF_PROG_TYPE_KPROBE, 0, 1 },
	{ "s_uretprobe", BPF_PROG_TYPE_KPROBE, 0, 1 },
	{ "s_tracepoint", BPF_PROG_TYPE_TRACEPOINT, 0, 1 },
	{ "s_tp", BPF_PROG_TYPE_TRACEPOINT, 0, 1 },
	{ "s_raw_tracepoint", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 1 },
	{ "s_raw_tp", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 1 },
	{ "s_tp_btf", BPF_PROG_TYPE_TRACING, 0, 1 },
	{ "s_iter", BPF_PROG_TYPE_TRACING, 0, 1 },
	{ "s_perf_event", BPF_PROG_TYPE_PERF_EVENT, 0, 1 },
	{ "s_socket", BPF_PROG_TYPE_SOCKET_FILTER, 0, 1 },
	{ "s_xdp", BPF_PROG_TYPE_XDP, 0, 1 },
	{ "s_xdp_frags", BPF_PROG_TYPE_XDP, 0, 1 },
	{ "s_tc", BPF_PROG_TYPE_SCHED_CLS, 0, 1 },
	{ "s_classifier", BPF_PROG_TYPE_SCHED_CLS, 0, 1 },
	{ "s_action", BPF_PROG_TYPE_SCHED_ACT, 0, 1 },
	{ "s_cgroup_skb", BPF_PROG_TYPE_CGROUP_SKB, 0, 1 },
	{ "s_cgroup_skb_ingress", BPF_PROG_TYPE_CGROUP_SKB, 0, 1 },
	{ "s_cgroup_skb_egress", BPF_PROG_TYPE_CGROUP_SKB, 0, 1 },
	{ "s_cgroup_sock", BPF_PROG_TYPE_CGROUP_SOCK, 0, 1 },
	{ "s_cgroup_sock_create", BPF_PROG_TYPE_CGROUP_SOCK, 0, 1 },
	{ "s_cgroup_connect4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, 0, 1 },
	{ "s_cgroup_sysctl", BPF_PROG_TYPE_CGROUP_SYSCTL, 0, 1 },
	{ "s_cgroup_dev", BPF_PROG_TYPE_CGROUP_DEVICE, 0, 1 },
	{ "s_sockops", BPF_PROG_TYPE_SOCK_OPS, 0, 1 },
	{ "s_sk_skb_parser", BPF_PROG_TYPE_SK_SKB, 0, 1 },
	{ "s_sk_skb_verdict", BPF_PROG_TYPE_SK_SKB, 0, 1 },
	{ "s_sk_msg", BPF_PROG_TYPE_SK_MSG, 0, 1 },
	{ "s_flow_dissector", BPF_PROG_TYPE_FLOW_DISSECTOR, 0, 1 },
	{ "s_sk_lookup", BPF_PROG_TYPE_SK_LOOKUP, 0, 1 },
	{ "s_lwt_in", BPF_PROG_TYPE_LWT_IN, 0, 1 },
};
/* loaded on its own: see test_syscall() */
static const char *const sections_skip[] = { "s_fentry", "s_fexit", "s_fmod_ret", "s_lsm",
					     "s_syscall", NULL };

#define OBJ(file, maps, progs, skip) \
	{ file, maps, TU_ARRAY_SIZE(maps), progs, TU_ARRAY_SIZE(progs), skip }

static const struct exp_obj objects[] = {
	OBJ("btf_maps", btf_maps_maps, btf_maps_progs, NULL),
	OBJ("globals", globals_maps, globals_progs, NULL),
	OBJ("legacy_maps", legacy_maps_maps, legacy_maps_progs, NULL),
	OBJ("legacy_maps_ext", legacy_ext_maps, legacy_ext_progs, NULL),
	{ "multi_prog", NULL, 0, multi_prog_progs, TU_ARRAY_SIZE(multi_prog_progs), NULL },
	OBJ("sock_xdp", sock_xdp_maps, sock_xdp_progs, NULL),
	{ "subprogs", NULL, 0, subprogs_progs, TU_ARRAY_SIZE(subprogs_progs), NULL },
	OBJ("bad_prog", bad_prog_maps, bad_prog_progs, bad_prog_skip),
	{ "sections", NULL, 0, sections_progs, TU_ARRAY_SIZE(sections_progs),
	  sections_skip },
};

/* ---- helpers --------------------------------------------------------------- */

static bool in_list(const char *const *list, const char *name)
{
	for (; list && *list; list++)
		if (!strcmp(*list, name))
			return true;
	return false;
}

/* Map types the kernel creates without BTF key/value types. */
static bool kernel_takes_btf(__u32 type)
{
	switch (type) {
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
	case BPF_MAP_TYPE_PROG_ARRAY:
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
	case BPF_MAP_TYPE_RINGBUF:
		return false;
	default:
		return true;
	}
}

static struct bl_object *open_obj(const char *name)
{
	struct bl_error e = { 0 };
	struct bl_object *obj = bl_object_open(tu_obj_path(name), NULL, &e);

	if (!obj)
		tap_diag("cannot open %s: %s", tu_obj_path(name), e.msg);
	return obj;
}

static const char *kname15(const char *name, char *buf)
{
	snprintf(buf, BPF_OBJ_NAME_LEN, "%s", name);
	return buf;
}

/* ---- generic checks of a loaded object ------------------------------------------ */

static void check_prog(struct bl_object *obj, struct bl_program *p, const struct exp_prog *x,
		       const char *file)
{
	const char *name = bl_program_name(p);
	struct bpf_prog_info info;
	__u32 want[MAX_IDS], got[MAX_IDS];
	char kname[BPF_OBJ_NAME_LEN];
	int n = 0, nk, fd = bl_program_fd(p);
	bool same;

	if (!ok(fd >= 0, "%s/%s: loaded, fd %d", file, name, fd))
		return;
	if (!is_int(tu_prog_info(fd, &info), 0, "%s/%s: BPF_OBJ_GET_INFO_BY_FD", file, name))
		return;
	ok(info.id && info.id == bl_program_id(p), "%s/%s: id %u = bl_program_id %u", file,
	   name, info.id, bl_program_id(p));
	is_str(info.name, kname15(name, kname), "%s/%s: kernel name '%s' (15 chars at most)",
	       file, name, kname);
	is_int(info.type, bl_program_type(p), "%s/%s: type = bl_program_type", file, name);
	is_int(info.type, x->type, "%s/%s: type %s", file, name,
	       bl_prog_type_name(x->type) ? bl_prog_type_name(x->type) : "?");

	/* the maps the program references, by its relocations */
	for (size_t i = 0; i < bl_program_reloc_count(p); i++) {
		const struct bl_reloc_info *r = bl_program_reloc(p, i);
		const struct bl_map *m;
		__u32 id;
		int j;

		if (r->kind != BL_RELOC_MAP_FD && r->kind != BL_RELOC_MAP_VALUE)
			continue;
		m = bl_object_find_map(obj, r->target);
		id = m ? bl_map_id(m) : 0;
		for (j = 0; j < n && want[j] != id; j++)
			;
		if (j == n && n < MAX_IDS)
			want[n++] = id;
	}
	tu_sort_ids(want, n);
	nk = tu_prog_map_ids(fd, got, MAX_IDS);
	is_int(nk, x->nr_maps, "%s/%s: the kernel lists %d used maps", file, name, x->nr_maps);
	is_int(nk, n, "%s/%s: as many as the maps its relocations name", file, name);
	same = nk == n;
	if (nk > 0 && nk <= MAX_IDS) {
		tu_sort_ids(got, nk);
		for (int i = 0; same && i < n; i++)
			same = got[i] == want[i] && want[i];
	}
	if (!ok(same, "%s/%s: map_ids = ids of the referenced maps", file, name))
		for (int i = 0; i < n || i < nk; i++)
			tap_diag("  want %u got %u", i < n ? want[i] : 0,
				 i < nk && nk <= MAX_IDS ? got[i] : 0);

	if (bl_object_btf_id(obj)) {
		is_int(info.btf_id, bl_object_btf_id(obj), "%s/%s: btf_id = the object's BTF",
		       file, name);
		is_int(info.nr_func_info, 1 + bl_program_subprog_count(p),
		       "%s/%s: nr_func_info = 1 + %zu subprograms", file, name,
		       bl_program_subprog_count(p));
		is_int(info.nr_func_info, x->nr_func_info, "%s/%s: nr_func_info %d", file, name,
		       x->nr_func_info);
		ok(info.nr_line_info > 0, "%s/%s: line_info loaded (%u records)", file, name,
		   info.nr_line_info);
	} else {
		tap_skip("func_info", "%s has no BTF loaded", file);
	}
}

static void check_map(struct bl_object *obj, struct bl_map *m, const struct exp_map *x,
		      const char *file)
{
	const char *name = bl_map_name(m), *kname;
	struct bpf_map_info info;
	int fd = bl_map_fd(m);

	if (!ok(fd >= 0, "%s/%s: created, fd %d", file, name, fd))
		return;
	if (!is_int(tu_map_info(fd, &info), 0, "%s/%s: BPF_OBJ_GET_INFO_BY_FD", file, name))
		return;
	ok(info.id && info.id == bl_map_id(m), "%s/%s: id %u = bl_map_id %u", file, name,
	   info.id, bl_map_id(m));
	is_str(info.name, bl_map_kernel_name(m), "%s/%s: kernel name = bl_map_kernel_name",
	       file, name);
	kname = x->kname ? x->kname : "?";
	is_str(info.name, kname, "%s/%s: kernel name '%s'", file, name, kname);
	ok(info.type == bl_map_type(m) && info.type == x->type, "%s/%s: type %u (%s)", file,
	   name, info.type, bl_map_type_name(info.type) ? bl_map_type_name(info.type) : "?");
	ok(info.key_size == bl_map_key_size(m) && info.key_size == x->key,
	   "%s/%s: key_size %u (want %u)", file, name, info.key_size, x->key);
	ok(info.value_size == bl_map_value_size(m) && info.value_size == x->value,
	   "%s/%s: value_size %u (want %u)", file, name, info.value_size, x->value);
	ok(info.max_entries == bl_map_max_entries(m) && info.max_entries == x->max,
	   "%s/%s: max_entries %u (want %u)", file, name, info.max_entries, x->max);
	ok(info.map_flags == bl_map_flags(m) && info.map_flags == x->flags,
	   "%s/%s: map_flags %#x (want %#x)", file, name, info.map_flags, x->flags);

	if (x->btf == NO_BTF || !kernel_takes_btf(x->type)) {
		ok(info.btf_id == 0 && !info.btf_key_type_id && !info.btf_value_type_id,
		   "%s/%s: no BTF types (btf_id %u)", file, name, info.btf_id);
		return;
	}
	/* a map reused from a pin keeps the BTF of the object that made it */
	if (bl_map_pinning(m))
		ok(info.btf_id != 0, "%s/%s: has BTF (btf_id %u)", file, name, info.btf_id);
	else
		is_int(info.btf_id, bl_object_btf_id(obj), "%s/%s: btf_id = the object's BTF",
		       file, name);
	is_int(info.btf_value_type_id, bl_map_btf_value_type_id(m),
	       "%s/%s: btf_value_type_id = bl_map_btf_value_type_id", file, name);
	is_int(info.btf_key_type_id, bl_map_btf_key_type_id(m),
	       "%s/%s: btf_key_type_id = bl_map_btf_key_type_id", file, name);
	if (x->btf == KV_BTF)
		ok(info.btf_key_type_id && info.btf_value_type_id,
		   "%s/%s: key and value types (%u, %u)", file, name, info.btf_key_type_id,
		   info.btf_value_type_id);
	else
		ok(!info.btf_key_type_id && info.btf_value_type_id,
		   "%s/%s: value type only: the DATASEC (%u)", file, name,
		   info.btf_value_type_id);
}

/* Every program and map of obj against the kernel and x. */
static void check_loaded(struct bl_object *obj, const struct exp_obj *x)
{
	struct bpf_btf_info binfo;
	size_t loaded = 0;

	for (size_t i = 0; i < x->nr_progs; i++) {
		struct bl_program *p = bl_object_find_program(obj, x->progs[i].name);

		if (!ok(p != NULL, "%s: program %s found", x->file, x->progs[i].name))
			continue;
		check_prog(obj, p, &x->progs[i], x->file);
	}
	for (size_t i = 0; i < bl_object_program_count(obj); i++)
		loaded += bl_program_fd(bl_object_program(obj, i)) >= 0;
	is_int(loaded, x->nr_progs, "%s: %zu programs loaded, no more", x->file, x->nr_progs);

	is_int(bl_object_map_count(obj), x->nr_maps, "%s: %zu maps", x->file, x->nr_maps);
	for (size_t i = 0; i < x->nr_maps; i++) {
		struct bl_map *m = bl_object_find_map(obj, x->maps[i].name);

		if (!ok(m != NULL, "%s: map %s found", x->file, x->maps[i].name))
			continue;
		check_map(obj, m, &x->maps[i], x->file);
	}

	if (bl_object_btf_fd(obj) >= 0) {
		int err = tu_btf_info(bl_object_btf_fd(obj), &binfo);

		ok(!err && binfo.id && binfo.id == bl_object_btf_id(obj) && binfo.btf_size > 0,
		   "%s: BTF object %u loaded (%u bytes)", x->file, bl_object_btf_id(obj),
		   binfo.btf_size);
	}
}

static void test_all_objects(void)
{
	for (size_t i = 0; i < TU_ARRAY_SIZE(objects); i++) {
		const struct exp_obj *x = &objects[i];
		struct bl_object *obj = open_obj(x->file);
		struct bl_load_opts opts = { .pin_root = pin_root };
		int err;

		if (!ok(obj != NULL, "%s: open", x->file))
			continue;
		for (size_t j = 0; j < bl_object_program_count(obj); j++) {
			struct bl_program *p = bl_object_program(obj, j);

			if (in_list(x->skip, bl_program_name(p)))
				bl_program_set_autoload(p, false);
		}
		err = bl_object_load(obj, &opts);
		if (!is_int(err, 0, "%s: load", x->file))
			tu_diag_lines(bl_object_error(obj));
		else
			check_loaded(obj, x);
		bl_object_close(obj);
		tu_pin_root_remove(pin_root);
		mkdir(pin_root, 0700);
	}
}

/* ---- legacy_maps: the version section --------------------------------------- */

static void test_legacy_version(void)
{
	struct bl_object *obj = open_obj("legacy_maps");

	if (!ok(obj != NULL, "legacy_maps: open"))
		return;
	ok(bl_object_kern_version(obj) >= 0x050000, "legacy_maps: version section %#x",
	   bl_object_kern_version(obj));
	is_str(bl_object_license(obj), "GPL", "legacy_maps: license GPL");
	bl_object_close(obj);
}

/* ---- BTF the kernel refuses ------------------------------------------------------- */

/*
 * Our parser leaves a VAR's linkage to the kernel, which accepts only
 * static (0) and global (1).  Give one variable of globals.o linkage 7
 * after open, as a hostile or future object could: the load goes on
 * without BTF, and bl_object_btf_warning() says why, in the kernel's
 * words.  Without BTF the kernel sees no func info and no map value
 * types, which the info of a program and a map show.
 */
static void test_btf_refused(void)
{
	struct bl_object *obj = open_obj("globals");
	struct bpf_prog_info pinfo = { 0 };
	struct bpf_map_info minfo = { 0 };
	__u32 plen = sizeof(pinfo), mlen = sizeof(minfo), id;
	struct btf_var *var;
	const char *w;

	if (!ok(obj != NULL, "btf refused: open globals"))
		return;
	id = bl_btf_find(obj->btf, "getpid_calls", BTF_KIND_VAR);
	if (!ok(id != 0, "btf refused: globals has a VAR getpid_calls")) {
		bl_object_close(obj);
		return;
	}
	var = bl_btf_extra(bl_btf_type(obj->btf, id));
	var->linkage = 7;
	if (!ok(!bl_object_load(obj, NULL), "btf refused: the object loads all the same"))
		tap_diag("%s", bl_object_error(obj));
	w = bl_object_btf_warning(obj);
	ok(w && strstr(w, "the kernel refused the object's BTF (BPF_BTF_LOAD: EINVAL"),
	   "btf refused: the warning names the command and the errno");
	ok(w && strstr(w, "getpid_calls") && strstr(w, "Linkage not supported"),
	   "btf refused: ... and the kernel's reason, naming the variable");
	ok(w && strstr(w, "loaded without it"), "btf refused: ... and what that costs");
	if (w)
		tap_diag("%s", w);
	is_int(bl_object_btf_id(obj), 0, "btf refused: no BTF id");
	bl_sys_obj_get_info_by_fd(bl_program_fd(bl_object_program(obj, 0)), &pinfo, &plen);
	ok(pinfo.id && !pinfo.btf_id && !pinfo.nr_func_info,
	   "btf refused: the program has no BTF and no func info");
	bl_sys_obj_get_info_by_fd(bl_map_fd(bl_object_find_map(obj, ".bss")), &minfo, &mlen);
	ok(minfo.id && !minfo.btf_id && !minfo.btf_value_type_id, "btf refused: .bss has no BTF");
	bl_object_close(obj);

	obj = open_obj("globals");
	if (obj && !bl_object_load(obj, NULL))
		ok(!bl_object_btf_warning(obj) && bl_object_btf_id(obj),
		   "btf accepted: no warning, a BTF id");
	bl_object_close(obj);
}

/* ---- global data --------------------------------------------------------------- */

static void test_global_data(void)
{
	struct bl_object *obj = open_obj("globals");
	struct bl_map *ro, *data, *bss;
	unsigned char buf[64];
	size_t size = 0;
	__u32 key = 0, u32v;
	__u64 u64v;
	void *p;
	int fd, err;

	if (!ok(obj != NULL, "globals: open"))
		return;
	if (!is_int(bl_object_load(obj, NULL), 0, "globals: load")) {
		tu_diag_lines(bl_object_error(obj));
		bl_object_close(obj);
		return;
	}
	ro = bl_object_find_map(obj, ".rodata");
	data = bl_object_find_map(obj, ".data");
	bss = bl_object_find_map(obj, ".bss");
	if (!ok(ro && data && bss, "globals: .rodata, .data and .bss maps")) {
		bl_object_close(obj);
		return;
	}
	ok(bl_map_origin(ro) == BL_MAP_RODATA && bl_map_origin(data) == BL_MAP_DATA &&
	   bl_map_origin(bss) == BL_MAP_BSS, "globals: origins rodata, data, bss");
	ok(bl_object_find_map(obj, "globals.rodata") == ro,
	   "globals: .rodata found by its kernel name too");

	/* .rodata: initial values visible through the read-only mapping */
	p = bl_map_data(ro, &size);
	if (ok(p != NULL && size == 24, "globals: .rodata is mmap'ed after load (%zu bytes)",
	       size)) {
		const __u32 *v = p;

		ok(v[0] == 0 && v[1] == 1 && v[2] == 2 && v[3] == 3 && v[4] == 5 && v[5] == 7,
		   "globals: .rodata holds target_pid 0, weight 1, primes 2 3 5 7");
	}
	/* frozen: no writes from user space, by update nor by a writable mmap */
	memset(buf, 0, sizeof(buf));
	is_int(bl_map_update(ro, &key, buf, BPF_ANY), -EPERM,
	       "globals: updating .rodata after load: EPERM (frozen)");
	p = mmap(NULL, getpagesize(), PROT_READ | PROT_WRITE, MAP_SHARED, bl_map_fd(ro), 0);
	ok(p == MAP_FAILED && errno == EPERM,
	   "globals: .rodata cannot be mapped writable (frozen): %s",
	   p == MAP_FAILED ? strerror(errno) : "mapped");
	if (p != MAP_FAILED)
		munmap(p, getpagesize());
	ok(bl_map_lookup(ro, &key, buf) == 0 && !memcmp(buf + 4, "\1\0\0\0", 4),
	   "globals: .rodata unchanged (weight 1)");

	/* .data: the mmap'ed pointer is the map's memory */
	p = bl_map_data(data, &size);
	if (ok(p != NULL && size == 8, "globals: .data is mmap'ed after load")) {
		is_int(*(__u64 *)p, 100, "globals: .data shows data_calls = 100");
		*(__u64 *)p = 123;
		u64v = 0;
		err = bl_map_lookup(data, &key, &u64v);
		ok(!err && u64v == 123,
		   "globals: a write through the pointer is in the map (lookup %llu)",
		   (unsigned long long)u64v);
		u64v = 456;
		ok(bl_map_update(data, &key, &u64v, BPF_ANY) == 0 && *(__u64 *)p == 456,
		   "globals: a map update shows through the pointer");
	}
	p = bl_map_data(bss, &size);
	if (ok(p != NULL && size == 40, "globals: .bss is mmap'ed after load")) {
		memset(buf, 0, sizeof(buf));
		ok(!memcmp(p, buf, 40), "globals: .bss is all zero");
	}
	ok(bl_object_get_global(obj, "weight", &u32v, 4) == 0 && u32v == 1,
	   "globals: get_global(weight) after load = 1");
	fd = bl_map_fd(bl_object_find_map(obj, ".rodata.str1.1"));
	ok(fd >= 0 && bl_sys_map_lookup_elem(fd, &key, buf, 0) == 0 &&
	   !memcmp(buf, "getpid", 7), "globals: .rodata.str1.1 holds \"getpid\"");
	bl_object_close(obj);
}

/* ---- map-in-map ------------------------------------------------------------------ */

static void test_map_in_map(void)
{
	struct bl_object *obj = open_obj("btf_maps");
	struct bl_load_opts opts = { .pin_root = pin_root };
	const struct bl_map *in;
	struct bl_map *oa, *oh, *ia, *ib;
	__u32 key, val;
	int good, bad;

	if (!ok(obj != NULL, "btf_maps: open"))
		return;
	if (!is_int(bl_object_load(obj, &opts), 0, "btf_maps: load")) {
		tu_diag_lines(bl_object_error(obj));
		bl_object_close(obj);
		return;
	}
	oa = bl_object_find_map(obj, "outer_arr");
	oh = bl_object_find_map(obj, "outer_hash");
	ia = bl_object_find_map(obj, "inner_a");
	ib = bl_object_find_map(obj, "inner_b");

	/* the initial slots: a lookup from user space gives the inner map's id */
	key = 0;
	val = 0;
	bl_map_lookup(oa, &key, &val);
	ok(val && val == bl_map_id(ia), "outer_arr[0] = inner_a (id %u, want %u)", val,
	   bl_map_id(ia));
	key = 2;
	val = 0;
	bl_map_lookup(oa, &key, &val);
	ok(val && val == bl_map_id(ib), "outer_arr[2] = inner_b (id %u, want %u)", val,
	   bl_map_id(ib));
	key = 1;
	is_int(bl_map_lookup(oa, &key, &val), -ENOENT, "outer_arr[1] is empty");
	key = 3;
	is_int(bl_map_lookup(oa, &key, &val), -ENOENT, "outer_arr[3] is empty");

	/* the inner template: outer_arr takes ARRAY 4/4 with 1 entry only */
	in = bl_map_inner(oa);
	ok(in && bl_map_type(in) == BPF_MAP_TYPE_ARRAY && bl_map_key_size(in) == 4 &&
	   bl_map_value_size(in) == 4 && bl_map_max_entries(in) == 1,
	   "outer_arr: inner definition ARRAY key 4 value 4 max 1");
	good = bl_sys_map_create(BPF_MAP_TYPE_ARRAY, "t_inner_ok", 4, 4, 1, NULL);
	bad = bl_sys_map_create(BPF_MAP_TYPE_ARRAY, "t_inner_bad", 4, 4, 2, NULL);
	key = 1;
	is_int(bl_map_update(oa, &key, &good, BPF_ANY), 0,
	       "outer_arr: the kernel takes an ARRAY 4/4/1 as inner map");
	ok(bl_map_lookup(oa, &key, &val) == 0 && val == tu_map_id(good),
	   "outer_arr[1] = the new map's id");
	is_int(bl_map_update(oa, &key, &bad, BPF_ANY), -EINVAL,
	       "outer_arr: refuses an ARRAY with 2 entries (template has 1)");
	bl_map_delete(oa, &key);
	close(good);
	close(bad);

	/* outer_hash: inner HASH 4/8, written in place */
	in = bl_map_inner(oh);
	ok(in && bl_map_type(in) == BPF_MAP_TYPE_HASH && bl_map_key_size(in) == 4 &&
	   bl_map_value_size(in) == 8 && bl_map_max_entries(in) == 32,
	   "outer_hash: inner definition HASH key 4 value 8 max 32");
	good = bl_sys_map_create(BPF_MAP_TYPE_HASH, "t_inner_ok", 4, 8, 32, NULL);
	bad = bl_sys_map_create(BPF_MAP_TYPE_HASH, "t_inner_bad", 4, 4, 32, NULL);
	key = 77;
	is_int(bl_map_update(oh, &key, &good, BPF_ANY), 0,
	       "outer_hash: the kernel takes a HASH 4/8 as inner map");
	ok(bl_map_lookup(oh, &key, &val) == 0 && val == tu_map_id(good),
	   "outer_hash[77] = the new map's id");
	is_int(bl_map_update(oh, &key, &bad, BPF_ANY), -EINVAL,
	       "outer_hash: refuses a HASH with 4-byte values");
	key = 1;
	is_int(bl_map_lookup(oh, &key, &val), -ENOENT, "outer_hash: no initial slots");
	close(good);
	close(bad);
	bl_object_close(obj);
	tu_pin_root_remove(pin_root);
	mkdir(pin_root, 0700);

	/* legacy: outer_arr's inner map is map 0, inner_tmpl (ARRAY 4/8/4) */
	obj = open_obj("legacy_maps_ext");
	if (!ok(obj != NULL, "legacy_maps_ext: open"))
		return;
	if (!is_int(bl_object_load(obj, NULL), 0, "legacy_maps_ext: load")) {
		tu_diag_lines(bl_object_error(obj));
		bl_object_close(obj);
		return;
	}
	oa = bl_object_find_map(obj, "outer_arr");
	ia = bl_object_find_map(obj, "inner_tmpl");
	good = bl_map_fd(ia);
	bad = bl_sys_map_create(BPF_MAP_TYPE_HASH, "t_inner_bad", 4, 8, 4, NULL);
	key = 0;
	is_int(bl_map_update(oa, &key, &good, BPF_ANY), 0,
	       "legacy outer_arr: takes inner_tmpl itself as inner map");
	ok(bl_map_lookup(oa, &key, &val) == 0 && val == bl_map_id(ia),
	   "legacy outer_arr[0] = inner_tmpl's id");
	key = 1;
	is_int(bl_map_update(oa, &key, &bad, BPF_ANY), -EINVAL,
	       "legacy outer_arr: refuses a HASH");
	close(bad);
	bl_object_close(obj);
}

/* ---- pinning ----------------------------------------------------------------- */

static struct bl_object *load_pinned(int *err)
{
	struct bl_load_opts opts = { .pin_root = pin_root };
	struct bl_object *obj = open_obj("btf_maps");

	*err = obj ? bl_object_load(obj, &opts) : -ENOENT;
	return obj;
}

static void test_pinning(void)
{
	char path[PATH_MAX + 32];
	struct bl_object *a, *b;
	struct bl_map *ma, *mb;
	struct stat st;
	__u32 key = 3;
	__u64 val = 33, got = 0;
	int err, fd, other, fds = tu_count_fds();

	snprintf(path, sizeof(path), "%s/pinned_cnt", pin_root);
	unlink(path);

	a = load_pinned(&err);
	if (!is_int(err, 0, "pin: first load with pin_root %s", pin_root)) {
		tu_diag_lines(a ? bl_object_error(a) : "");
		bl_object_close(a);
		return;
	}
	ma = bl_object_find_map(a, "pinned_cnt");
	is_int(bl_map_pinning(ma), 1, "pin: pinned_cnt asks for pinning by name");
	ok(stat(path, &st) == 0, "pin: %s exists after load", path);
	fd = bl_sys_obj_get(path, 0);
	ok(fd >= 0 && tu_map_id(fd) == bl_map_id(ma), "pin: the pin is pinned_cnt (id %u)",
	   bl_map_id(ma));
	if (fd >= 0)
		close(fd);
	ok(bl_map_update(ma, &key, &val, BPF_ANY) == 0, "pin: write 33 at key 3");

	b = load_pinned(&err);
	if (is_int(err, 0, "pin: second load of the same object")) {
		mb = bl_object_find_map(b, "pinned_cnt");
		is_int(bl_map_id(mb), bl_map_id(ma), "pin: the second load reuses the map (id %u)",
		       bl_map_id(ma));
		ok(bl_map_lookup(mb, &key, &got) == 0 && got == 33,
		   "pin: the second object reads 33 at key 3");
		ok(bl_map_id(bl_object_find_map(b, "flows")) !=
		   bl_map_id(bl_object_find_map(a, "flows")),
		   "pin: unpinned maps are new (flows ids differ)");
		check_map(b, mb, &btf_maps_maps[9], "btf_maps(reused)");
	} else {
		tu_diag_lines(b ? bl_object_error(b) : "");
	}
	bl_object_close(b);
	bl_object_close(a);
	fd = bl_sys_obj_get(path, 0);
	ok(fd >= 0 && bl_sys_map_lookup_elem(fd, &key, &got, 0) == 0 && got == 33,
	   "pin: the pinned map outlives both objects");
	if (fd >= 0)
		close(fd);
	unlink(path);

	/* a different map under that name: refused with a clear message */
	other = bl_sys_map_create(BPF_MAP_TYPE_HASH, "pinned_cnt", 4, 4, 16, NULL);
	ok(other >= 0 && bl_sys_obj_pin(other, path) == 0,
	   "pin: pin a HASH with 4-byte values as pinned_cnt");
	a = load_pinned(&err);
	is_int(err, -EEXIST, "pin: load over an incompatible pin: EEXIST");
	if (a) {
		const char *msg = bl_object_error(a);

		like(msg, "pinned_cnt", "pin: message names the map");
		like(msg, path, "pin: message names the pin path");
		like(msg, "value size 4", "pin: message says what the pin has");
		like(msg, "wants 8", "pin: message says what the object wants");
		ok(bl_map_fd(bl_object_find_map(a, "flows")) < 0,
		   "pin: nothing stays loaded after the refusal");
	}
	bl_object_close(a);
	fd = bl_sys_obj_get(path, 0);
	ok(fd >= 0 && tu_map_id(fd) == tu_map_id(other),
	   "pin: the incompatible pin is left alone");
	if (fd >= 0)
		close(fd);
	unlink(path);
	if (other >= 0)
		close(other);

	/* a failed load removes the pins it made */
	a = open_obj("btf_maps");
	if (a) {
		struct bl_load_opts opts = { .pin_root = pin_root };

		/* a program type no kernel knows */
		bl_program_set_type(bl_object_find_program(a, "use_maps"), 999, 0);
		err = bl_object_load(a, &opts);
		is_int(err, -EINVAL, "pin: use_maps with program type 999 fails to load");
		ok(stat(path, &st) != 0 && errno == ENOENT,
		   "pin: the failed load removed the pin it made");
		bl_object_close(a);
		unlink(path);
	}

	/* the pin root must be on bpffs */
	a = open_obj("btf_maps");
	if (a) {
		struct bl_load_opts opts = { .pin_root = "/tmp" };

		is_int(bl_object_load(a, &opts), -EINVAL, "pin: pin_root /tmp refused");
		like(bl_object_error(a), "not on a BPF filesystem", "pin: message says why");
		bl_object_close(a);
	}
	is_int(tu_count_fds(), fds, "pin: every fd closed");
}

/* ---- the verifier says no -------------------------------------------------------- */

static void test_bad_prog(void)
{
	struct bl_load_opts opts = { 0 };
	struct bl_object *obj;
	struct bl_program *bad, *good;
	const char *msg, *log;
	char first[128];
	int err, fds = tu_count_fds();

	obj = open_obj("bad_prog");
	if (!ok(obj != NULL, "bad_prog: open"))
		return;
	bad = bl_object_find_program(obj, "bad_deref");
	good = bl_object_find_program(obj, "good_deref");
	err = bl_object_load(obj, NULL);
	is_int(err, -EACCES, "bad_prog: load fails with EACCES");
	msg = bl_object_error(obj);
	like(msg, "bad_deref", "bad_prog: message names the program");
	like(msg, "socket", "bad_prog: message names the section");
	like(msg, "EACCES", "bad_prog: message names the errno");
	like(msg, "R0 invalid mem access", "bad_prog: message quotes the verifier");
	log = bl_program_log(bad);
	like(log, "R0 invalid mem access 'map_value_or_null'", "bad_prog: bl_program_log");
	like(log, "0: (", "bad_prog: the log starts at instruction 0 (full log)");
	like(log, "bad_prog.c", "bad_prog: the log shows source lines (line_info)");
	ok(bl_program_fd(bad) < 0 && bl_program_fd(good) < 0 &&
	   bl_map_fd(bl_object_find_map(obj, "vals")) < 0 && !bl_object_loaded(obj),
	   "bad_prog: nothing stays loaded");
	bl_object_close(obj);
	is_int(tu_count_fds(), fds, "bad_prog: no fd left after a failed load");

	/* full_log: the whole log in the message, from its first line */
	obj = open_obj("bad_prog");
	if (obj) {
		opts.full_log = true;
		is_int(bl_object_load(obj, &opts), -EACCES, "bad_prog: full_log load: EACCES");
		log = bl_program_log(bl_object_find_program(obj, "bad_deref"));
		snprintf(first, sizeof(first), "%.*s", log ? (int)strcspn(log, "\n") : 0,
			 log ? log : "");
		ok(first[0] != 0, "bad_prog: the log has a first line: %s", first);
		like(bl_object_error(obj), first, "bad_prog: full_log message holds it");
		ok(!strstr(bl_object_error(obj), "truncated"), "bad_prog: not truncated");
		bl_object_close(obj);
	}

	/* a 256-byte log cap: still EACCES, and the message says truncated */
	obj = open_obj("bad_prog");
	if (obj) {
		opts.full_log = false;
		opts.log_max = 256;
		is_int(bl_object_load(obj, &opts), -EACCES,
		       "bad_prog: log_max 256: still EACCES, not ENOSPC");
		like(bl_object_error(obj), "truncated", "bad_prog: message says truncated");
		log = bl_program_log(bl_object_find_program(obj, "bad_deref"));
		ok(log && strlen(log) < 256, "bad_prog: log kept within 256 bytes (%zu)",
		   log ? strlen(log) : 0);
		bl_object_close(obj);
	}
}

/* ---- trampolines --------------------------------------------------------------- */

static void test_trampolines(void)
{
	for (const char *const *t = trampoline_progs; *t; t++) {
		struct bl_object *obj = open_obj("sections");
		struct bl_program *want;
		const char *msg;
		int err;

		if (!obj)
			continue;
		want = bl_object_find_program(obj, *t);
		for (size_t i = 0; i < bl_object_program_count(obj); i++) {
			struct bl_program *p = bl_object_program(obj, i);

			bl_program_set_autoload(p, p == want);
		}
		err = bl_object_load(obj, NULL);
		msg = bl_object_error(obj);
		if (!err) {
			/* a kernel with BPF trampolines (not this project's host) */
			tap_skip(*t, "this kernel allows BPF trampolines: it loaded");
			bl_object_close(obj);
			continue;
		}
		is_int(err, -EPERM, "sections/%s: EPERM (no trampolines on this kernel)", *t);
		like(msg, *t, "sections/%s: message names the program", *t);
		like(msg, bl_program_section(want), "sections/%s: and the section", *t);
		like(msg, "EPERM", "sections/%s: and the errno", *t);
		like(msg, "trampolines", "sections/%s: and explains trampolines", *t);
		bl_object_close(obj);
	}
}

/*
 * "syscall" programs must be loaded with BPF_F_SLEEPABLE (sections.c:
 * "syscall programs are sleepable"); without it the kernel says EINVAL,
 * "Syscall programs can only be sleepable".
 */
static void test_syscall(void)
{
	struct bl_object *obj = open_obj("sections");
	struct bl_program *want;
	struct bpf_prog_info info;
	int err;

	if (!ok(obj != NULL, "sections: open"))
		return;
	want = bl_object_find_program(obj, "s_syscall");
	for (size_t i = 0; i < bl_object_program_count(obj); i++) {
		struct bl_program *p = bl_object_program(obj, i);

		bl_program_set_autoload(p, p == want);
	}
	err = bl_object_load(obj, NULL);
	if (!is_int(err, 0, "sections/s_syscall: loads (as sleepable)"))
		tu_diag_lines(bl_object_error(obj));
	else
		ok(tu_prog_info(bl_program_fd(want), &info) == 0 &&
		   info.type == BPF_PROG_TYPE_SYSCALL, "sections/s_syscall: type SYSCALL");
	bl_object_close(obj);
}

/* ---- load twice; two objects from one file ---------------------------------- */

static void test_twice(void)
{
	struct bl_object *a = open_obj("sock_xdp"), *b = open_obj("sock_xdp");
	struct bl_map *ma, *mb;
	struct bl_program *pa;
	__u64 vals[512];
	__u32 key = 1;
	int ncpu = tu_possible_cpus(), fd;

	if (!ok(a && b, "sock_xdp: opened twice"))
		goto out;
	if (!is_int(bl_object_load(a, NULL), 0, "sock_xdp: first object loads"))
		goto out;
	pa = bl_object_find_program(a, "xdp_count");
	fd = bl_program_fd(pa);
	is_int(bl_object_load(a, NULL), -EBUSY, "sock_xdp: loading it again: EBUSY");
	like(bl_object_error(a), "already loaded", "sock_xdp: message says already loaded");
	ok(bl_program_fd(pa) == fd && tu_prog_id(fd) == bl_program_id(pa),
	   "sock_xdp: the loaded object is untouched");
	if (!is_int(bl_object_load(b, NULL), 0, "sock_xdp: second object loads"))
		goto out;
	ok(bl_program_id(pa) != bl_program_id(bl_object_find_program(b, "xdp_count")),
	   "sock_xdp: two objects, two program ids");
	ma = bl_object_find_map(a, "proto_count");
	mb = bl_object_find_map(b, "proto_count");
	ok(bl_map_id(ma) != bl_map_id(mb), "sock_xdp: two objects, two map ids (%u, %u)",
	   bl_map_id(ma), bl_map_id(mb));
	if (ncpu > 0 && ncpu <= 512) {
		for (int i = 0; i < ncpu; i++)
			vals[i] = 5;
		ok(bl_map_update(ma, &key, vals, BPF_ANY) == 0 &&
		   bl_map_lookup(mb, &key, vals) == 0 && vals[0] == 0,
		   "sock_xdp: a write to one object's map is not in the other's");
	}
out:
	bl_object_close(a);
	bl_object_close(b);
}

int main(void)
{
	const char *why = tu_bpf_unavailable();
	int fds, err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (why)
		tap_skip_all("%s", why);
	if (access(tu_obj_path("globals"), R_OK))
		tap_skip_all("test objects not built (%s): make build/tests/objs/globals.o",
			     tu_obj_path("globals"));
	err = tu_pin_root_create(pin_root, sizeof(pin_root), "load");
	if (err)
		tap_bail("cannot make a pin directory on bpffs: %s", strerror(-err));
	atexit(cleanup);
	fds = tu_count_fds();

	test_all_objects();
	test_legacy_version();
	test_btf_refused();
	test_global_data();
	test_map_in_map();
	test_pinning();
	test_bad_prog();
	test_trampolines();
	test_syscall();
	test_twice();

	is_int(tu_count_fds(), fds, "every fd closed");
	ok(tu_pin_root_remove(pin_root) == 0, "pin directory %s removed", pin_root);
	pin_root[0] = '\0';
	return tap_done();
}
