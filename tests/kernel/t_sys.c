// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_sys.c - every bl_sys_* wrapper against the running kernel.
 *
 * Each wrapper is called for real and its effect checked with exact
 * values read back through another command (get_info, lookup, query),
 * so a field put at the wrong attr offset shows up as a wrong number.
 * The programs are tiny and assembled by hand below.  The trace mode is
 * checked by capturing its lines.
 *
 * The test leaves nothing behind: every fd is closed (checked against
 * /proc/self/fd), the bpffs directory and the cgroup it makes are
 * removed, also on a bail-out (atexit).  It mounts bpffs and tracefs if
 * they are missing and leaves those mounts, which other tests share.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/btf.h>

#include <bpfload/sys.h>
#include "tap.h"
#include "testutil.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#ifndef ENOTSUPP
#define ENOTSUPP 524		/* kernel-internal, not in libc's errno.h */
#endif
#define BPFFS_MAGIC 0xcafe4a11
#define BPFFS "/sys/fs/bpf"
#define TRACEFS "/sys/kernel/tracing"
#define CGROUP2 "/sys/fs/cgroup/unified"

static char pin_dir[PATH_MAX];
static char cg_dir[PATH_MAX];
static char self_exe[PATH_MAX];

/* ---- hand-assembled instructions ---------------------------------------- */

static struct bpf_insn insn(__u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm)
{
	struct bpf_insn i = { .code = code, .dst_reg = dst, .src_reg = src,
			      .off = off, .imm = imm };
	return i;
}

/* r<dst> = imm (64-bit move of a sign-extended 32-bit immediate) */
#define MOV_IMM(dst, imm)	insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
/* r<dst> = r<src> */
#define MOV_REG(dst, src)	insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define ADD_IMM(dst, imm)	insn(BPF_ALU64 | BPF_ADD | BPF_K, dst, 0, 0, imm)
#define RSH_IMM(dst, imm)	insn(BPF_ALU64 | BPF_RSH | BPF_K, dst, 0, 0, imm)
/* r<dst> = *(u32 *)(r<src> + off) */
#define LDX_W(dst, src, off)	insn(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
/* *(u32 *)(r<dst> + off) = imm */
#define ST_W(dst, off, imm)	insn(BPF_ST | BPF_MEM | BPF_W, dst, 0, off, imm)
/* *(u64 *)(r<dst> + off) = r<src> */
#define STX_DW(dst, src, off)	insn(BPF_STX | BPF_MEM | BPF_DW, dst, src, off, 0)
/* lock *(u64 *)(r<dst> + off) += r<src> (the old XADD encoding) */
#define ATOMIC_ADD_DW(dst, src, off) \
	insn(BPF_STX | BPF_ATOMIC | BPF_DW, dst, src, off, BPF_ADD)
/* if r<dst> <op> imm goto pc + 1 + off */
#define JNE_IMM(dst, imm, off)	insn(BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm)
#define JEQ_IMM(dst, imm, off)	insn(BPF_JMP | BPF_JEQ | BPF_K, dst, 0, off, imm)
#define CALL(helper)		insn(BPF_JMP | BPF_CALL, 0, 0, 0, helper)
#define EXIT()			insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
/* r<dst> = map (two slots: the loader's map fd in the first imm; the
 * verifier replaces it with the map's address) */
#define LD_MAP_FD_1(dst, fd)	insn(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, fd)
#define LD_MAP_FD_2()		insn(0, 0, 0, 0, 0)

/* ---- small helpers ------------------------------------------------------- */

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static __u32 map_id(int fd)
{
	struct bpf_map_info info;

	return tu_map_info(fd, &info) ? 0 : info.id;
}

static __u32 prog_id(int fd)
{
	struct bpf_prog_info info;

	return tu_prog_info(fd, &info) ? 0 : info.id;
}

static void cleanup_dirs(void)
{
	char path[PATH_MAX + 16];

	if (pin_dir[0]) {
		snprintf(path, sizeof(path), "%s/map", pin_dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/prog", pin_dir);
		unlink(path);
		rmdir(pin_dir);
		pin_dir[0] = 0;
	}
	if (cg_dir[0]) {
		rmdir(cg_dir);
		cg_dir[0] = 0;
	}
}

/* A socket filter returning skb->len: the smallest program that reads
 * its context, so test_run's retval shows the kernel built the skb. */
static int load_len_filter(const char *name)
{
	const struct bpf_insn prog[] = {
		/* r0 = ((struct __sk_buff *)r1)->len; len is at offset 0 */
		LDX_W(BPF_REG_0, BPF_REG_1, offsetof(struct __sk_buff, len)),
		EXIT(),
	};

	return bl_sys_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, name, "GPL",
				prog, ARRAY_SIZE(prog), NULL);
}

/* "return imm" of any type. */
static int load_ret(enum bpf_prog_type type, __u32 expected_attach, const char *name, int ret)
{
	const struct bpf_insn prog[] = {
		MOV_IMM(BPF_REG_0, ret),
		EXIT(),
	};
	struct bl_prog_load_opts opts = { .expected_attach_type = expected_attach };

	return bl_sys_prog_load(type, name, "GPL", prog, ARRAY_SIZE(prog), &opts);
}

/* ---- names --------------------------------------------------------------- */

static void test_names(void)
{
	is_str(bl_cmd_name(BPF_MAP_CREATE), "BPF_MAP_CREATE", "cmd 0 name");
	is_str(bl_cmd_name(BPF_PROG_BIND_MAP), "BPF_PROG_BIND_MAP", "cmd 35 name");
	ok(bl_cmd_name(1000) == NULL, "unknown cmd is NULL");
	is_str(bl_map_type_name(BPF_MAP_TYPE_HASH), "BPF_MAP_TYPE_HASH", "map type 1");
	is_str(bl_map_type_name(BL_MAP_TYPE_ARENA), "BPF_MAP_TYPE_ARENA", "map type 33 (post-6.1)");
	is_str(bl_prog_type_name(BL_PROG_TYPE_NETFILTER), "BPF_PROG_TYPE_NETFILTER",
	       "prog type 32 (post-6.1)");
	is_str(bl_attach_type_name(BL_TCX_INGRESS), "BPF_TCX_INGRESS", "attach type 46");
	is_str(bl_attach_type_name(BPF_CGROUP_INET_INGRESS), "BPF_CGROUP_INET_INGRESS",
	       "attach type 0");
	is_str(bl_link_type_name(BL_LINK_TYPE_TCX), "BPF_LINK_TYPE_TCX", "link type 11");
	ok(bl_link_type_name(0xffffffffu) == NULL, "unknown link type is NULL");
	is_str(bl_errno_symbol(EPERM), "EPERM", "errno EPERM");
	is_str(bl_errno_symbol(-E2BIG), "E2BIG", "errno -E2BIG");
	is_str(bl_errno_symbol(524), "ENOTSUPP", "errno 524 ENOTSUPP");
	is_str(bl_errno_symbol(EOPNOTSUPP), "EOPNOTSUPP", "errno EOPNOTSUPP");
	ok(bl_errno_symbol(0) == NULL && bl_errno_symbol(4000) == NULL &&
	   bl_errno_symbol(INT_MIN) == NULL, "errno 0, 4000, INT_MIN unknown");
}

/* ---- hash map: create, info, elements ------------------------------------ */

static void test_hash_elems(void)
{
	struct bpf_map_info info;
	__u32 key, next, keys_seen = 0;
	__u64 val;
	int fd, ret, n;

	/* The name is longer than 15 characters: the wrapper keeps 15. */
	fd = bl_sys_map_create(BPF_MAP_TYPE_HASH, "bl_hash_with_a_long_name", 4, 8, 16, NULL);
	if (!ok(fd >= 0, "map_create hash (%d)", fd))
		return;
	ret = tu_map_info(fd, &info);
	is_int(ret, 0, "get_info_by_fd on the map");
	is_int(info.type, BPF_MAP_TYPE_HASH, "map_info.type");
	is_int(info.key_size, 4, "map_info.key_size");
	is_int(info.value_size, 8, "map_info.value_size");
	is_int(info.max_entries, 16, "map_info.max_entries");
	is_int(info.map_flags, 0, "map_info.map_flags");
	is_str(info.name, "bl_hash_with_a_", "map name truncated to 15 characters");
	ok(info.id > 0, "map has an id (%u)", info.id);

	for (key = 1; key <= 3; key++) {
		val = key * 1000 + 7;
		ret = bl_sys_map_update_elem(fd, &key, &val, BPF_NOEXIST);
		is_int(ret, 0, "update key %u (BPF_NOEXIST)", key);
	}
	key = 2;
	val = 0;
	is_int(bl_sys_map_lookup_elem(fd, &key, &val, 0), 0, "lookup key 2");
	is_int(val, 2007, "value of key 2");
	val = 1;
	ret = bl_sys_map_update_elem(fd, &key, &val, BPF_NOEXIST);
	ok(ret == -EEXIST && errno == EEXIST, "BPF_NOEXIST on an existing key: -EEXIST, errno set");
	key = 9;
	is_int(bl_sys_map_update_elem(fd, &key, &val, BPF_EXIST), -ENOENT,
	       "BPF_EXIST on a missing key: -ENOENT");
	is_int(bl_sys_map_lookup_elem(fd, &key, &val, 0), -ENOENT, "lookup missing key: -ENOENT");

	/* Walk: NULL key gives the first; -ENOENT after the last. */
	n = 0;
	ret = bl_sys_map_get_next_key(fd, NULL, &next);
	while (ret == 0 && n < 10) {
		keys_seen |= 1u << next;
		n++;
		key = next;
		ret = bl_sys_map_get_next_key(fd, &key, &next);
	}
	is_int(n, 3, "get_next_key walks 3 keys");
	is_int(keys_seen, 0xe, "the keys are 1, 2, 3");
	is_int(ret, -ENOENT, "get_next_key after the last key: -ENOENT");

	key = 1;
	is_int(bl_sys_map_delete_elem(fd, &key), 0, "delete key 1");
	is_int(bl_sys_map_delete_elem(fd, &key), -ENOENT, "delete it again: -ENOENT");
	key = 3;
	val = 0;
	ret = bl_sys_map_lookup_and_delete_elem(fd, &key, &val, 0);
	if (ret == -EINVAL || ret == -ENOTSUPP) {
		tap_skip("lookup_and_delete_elem on a hash", "kernel < 5.14");
	} else {
		is_int(ret, 0, "lookup_and_delete key 3");
		is_int(val, 3007, "it returned key 3's value");
		is_int(bl_sys_map_lookup_elem(fd, &key, &val, 0), -ENOENT, "key 3 is gone");
	}
	key = 2;
	is_int(bl_sys_map_lookup_elem(fd, &key, &val, 0), 0, "key 2 survives");
	close(fd);
}

/* ---- batch operations ---------------------------------------------------- */

#define NBATCH 10

static void test_batch(void)
{
	__u32 keys[NBATCH], out_keys[NBATCH], cursor, count, total = 0, seen = 0;
	__u64 vals[NBATCH], out_vals[NBATCH];
	void *in = NULL;
	int fd, ret, i, ok_vals = 1, rounds = 0;

	/* 1024 buckets for 10 keys: a chunk of 4 never meets a fuller bucket. */
	fd = bl_sys_map_create(BPF_MAP_TYPE_HASH, "bl_batch", 4, 8, 1024, NULL);
	if (!ok(fd >= 0, "map_create for batch ops"))
		return;
	for (i = 0; i < NBATCH; i++) {
		keys[i] = i;
		vals[i] = 0x100 + i;
	}
	count = NBATCH;
	ret = bl_sys_map_update_batch(fd, keys, vals, &count, 0);
	if (ret == -EINVAL || ret == -ENOTSUPP) {
		tap_skip("batch operations", "kernel < 5.6");
		close(fd);
		return;
	}
	is_int(ret, 0, "update_batch of %d elements", NBATCH);
	is_int(count, NBATCH, "update_batch count");

	/* Walk in chunks of 4: 4 + 4 + 2, the last returning -ENOENT. */
	do {
		count = 4;
		ret = bl_sys_map_lookup_batch(fd, in, &cursor, out_keys, out_vals, &count, 0);
		if (ret && ret != -ENOENT)
			break;
		for (i = 0; i < (int)count; i++) {
			seen |= 1u << out_keys[i];
			if (out_vals[i] != 0x100 + out_keys[i])
				ok_vals = 0;
		}
		total += count;
		in = &cursor;
		rounds++;
	} while (ret == 0 && rounds < 10);
	is_int(ret, -ENOENT, "lookup_batch ends with -ENOENT");
	is_int(total, NBATCH, "lookup_batch returned every element");
	is_int(seen, (1u << NBATCH) - 1, "each key once");
	ok(ok_vals, "lookup_batch values match their keys");
	is_int(rounds, 3, "three chunks of at most 4");

	/* Take the first 4 out with lookup_and_delete_batch. */
	count = 4;
	ret = bl_sys_map_lookup_and_delete_batch(fd, NULL, &cursor, out_keys, out_vals, &count, 0);
	is_int(ret, 0, "lookup_and_delete_batch");
	is_int(count, 4, "it took 4 elements");
	for (i = 0, ok_vals = 1; i < 4; i++) {
		__u64 v;

		if (out_vals[i] != 0x100 + out_keys[i] ||
		    bl_sys_map_lookup_elem(fd, &out_keys[i], &v, 0) != -ENOENT)
			ok_vals = 0;
	}
	ok(ok_vals, "those 4 had the right values and are gone");

	/* Delete the other 6 by key. */
	for (i = 0, count = 0; i < NBATCH; i++) {
		__u64 v;

		if (bl_sys_map_lookup_elem(fd, &keys[i], &v, 0) == 0)
			out_keys[count++] = keys[i];
	}
	is_int(count, NBATCH - 4, "6 left before delete_batch");
	ret = bl_sys_map_delete_batch(fd, out_keys, &count, 0);
	is_int(ret, 0, "delete_batch");
	is_int(count, NBATCH - 4, "delete_batch count");
	is_int(bl_sys_map_get_next_key(fd, NULL, &cursor), -ENOENT, "map is empty");

	/* A missing key stops delete_batch with -ENOENT and a partial count. */
	keys[0] = 100;
	vals[0] = 1;
	count = 1;
	bl_sys_map_update_batch(fd, keys, vals, &count, 0);
	out_keys[0] = 100;
	out_keys[1] = 555;
	count = 2;
	ret = bl_sys_map_delete_batch(fd, out_keys, &count, 0);
	is_int(ret, -ENOENT, "delete_batch with a missing key: -ENOENT");
	is_int(count, 1, "count says 1 was deleted before it");
	close(fd);
}

/* ---- freeze, mmapable arrays, map-in-map ------------------------------------ */

static void test_freeze(void)
{
	__u32 key = 0;
	__u64 val = 42;
	int fd;

	fd = bl_sys_map_create(BPF_MAP_TYPE_ARRAY, "bl_frozen", 4, 8, 1, NULL);
	if (!ok(fd >= 0, "map_create array for freeze"))
		return;
	is_int(bl_sys_map_update_elem(fd, &key, &val, 0), 0, "update before freeze");
	is_int(bl_sys_map_freeze(fd), 0, "map_freeze");
	val = 43;
	is_int(bl_sys_map_update_elem(fd, &key, &val, 0), -EPERM, "update after freeze: -EPERM");
	val = 0;
	is_int(bl_sys_map_lookup_elem(fd, &key, &val, 0), 0, "lookup after freeze");
	is_int(val, 42, "value unchanged");
	/* a frozen map is no longer writable, which freeze itself requires */
	is_int(bl_sys_map_freeze(fd), -EPERM, "freeze twice: -EPERM");
	close(fd);
}

static void test_mmapable(void)
{
	struct bl_map_create_opts opts = { .map_flags = BPF_F_MMAPABLE };
	struct bpf_map_info info;
	__u32 key = 3;
	__u64 val = 0, *mem;
	int fd;

	fd = bl_sys_map_create(BPF_MAP_TYPE_ARRAY, "bl_mmap", 4, 8, 512, &opts);
	if (!ok(fd >= 0, "map_create array with BPF_F_MMAPABLE (%d)", fd))
		return;
	tu_map_info(fd, &info);
	is_int(info.map_flags, BPF_F_MMAPABLE, "map_info.map_flags has BPF_F_MMAPABLE");
	mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (ok(mem != MAP_FAILED, "mmap the array")) {
		mem[3] = 0xfeedfacecafebeefULL;
		is_int(bl_sys_map_lookup_elem(fd, &key, &val, 0), 0, "lookup element 3");
		ok(val == 0xfeedfacecafebeefULL, "lookup sees the value written through mmap");
		is_int(bl_sys_map_freeze(fd), -EBUSY, "freeze with a writable mmap: -EBUSY");
		munmap(mem, 4096);
	}
	close(fd);
}

static void test_map_in_map(void)
{
	struct bl_map_create_opts opts = { 0 };
	__u32 key = 0, id = 0;
	int inner, outer, fd;

	inner = bl_sys_map_create(BPF_MAP_TYPE_ARRAY, "bl_inner", 4, 4, 1, NULL);
	opts.inner_map_fd = inner;
	outer = bl_sys_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "bl_outer", 4, 4, 2, &opts);
	if (!ok(inner >= 0 && outer >= 0, "array_of_maps with inner_map_fd")) {
		close_fd(&inner);
		close_fd(&outer);
		return;
	}
	fd = inner;
	/* user space writes a map fd into the slot and reads back its id */
	is_int(bl_sys_map_update_elem(outer, &key, &fd, 0), 0, "put the inner map in slot 0");
	is_int(bl_sys_map_lookup_elem(outer, &key, &id, 0), 0, "lookup slot 0");
	is_int(id, map_id(inner), "slot 0 holds the inner map's id");
	close(outer);
	close(inner);
}

/* ---- BTF ----------------------------------------------------------------- */

/* Two BTF_KIND_INT types: [1] int (4 bytes), [2] long (8 bytes). */
struct tiny_btf {
	struct btf_header hdr;
	struct { struct btf_type t; __u32 enc; } types[2];
	char strs[10];
} __attribute__((packed));

static void make_btf(struct tiny_btf *b, __u32 int_bits)
{
	memset(b, 0, sizeof(*b));
	b->hdr.magic = BTF_MAGIC;
	b->hdr.version = BTF_VERSION;
	b->hdr.hdr_len = sizeof(b->hdr);
	b->hdr.type_off = 0;
	b->hdr.type_len = sizeof(b->types);
	b->hdr.str_off = sizeof(b->types);
	b->hdr.str_len = sizeof(b->strs);
	b->types[0].t.name_off = 1;				/* "int" */
	b->types[0].t.info = BTF_KIND_INT << 24;
	b->types[0].t.size = 4;
	b->types[0].enc = (BTF_INT_SIGNED << 24) | int_bits;	/* offset 0 */
	b->types[1].t.name_off = 5;				/* "long" */
	b->types[1].t.info = BTF_KIND_INT << 24;
	b->types[1].t.size = 8;
	b->types[1].enc = (BTF_INT_SIGNED << 24) | 64;
	memcpy(b->strs, "\0int\0long", 10);
}

static int test_btf(void)
{
	struct tiny_btf blob, back;
	struct bl_map_create_opts opts = { 0 };
	struct bpf_btf_info info;
	struct bpf_map_info minfo;
	char log[4096];
	__u32 len, id, next;
	int fd, fd2, map, ret, found = 0;

	make_btf(&blob, 32);
	fd = bl_sys_btf_load(&blob, sizeof(blob), log, sizeof(log), 1);
	if (!ok(fd >= 0, "btf_load of a two-int BTF (%d)", fd)) {
		tap_diag("%s", log);
		return -1;
	}
	memset(&info, 0, sizeof(info));
	memset(&back, 0, sizeof(back));
	info.btf = (__u64)(unsigned long)&back;
	info.btf_size = sizeof(back);
	len = sizeof(info);
	ret = bl_sys_obj_get_info_by_fd(fd, &info, &len);
	is_int(ret, 0, "get_info on the BTF");
	is_int(info.btf_size, sizeof(blob), "btf_info.btf_size");
	ok(info.id > 0 && info.kernel_btf == 0, "btf_info has an id and is not kernel BTF");
	ok(!memcmp(&back, &blob, sizeof(blob)), "the kernel gives back the same bytes");

	/* A map whose key and value the BTF describes. */
	opts.btf_fd = fd;
	opts.btf_key_type_id = 1;
	opts.btf_value_type_id = 2;
	map = bl_sys_map_create(BPF_MAP_TYPE_HASH, "bl_btf_map", 4, 8, 4, &opts);
	ok(map >= 0, "map_create with btf_fd and type ids");
	tu_map_info(map, &minfo);
	ok(minfo.btf_id == info.id && minfo.btf_key_type_id == 1 && minfo.btf_value_type_id == 2,
	   "map_info has btf_id %u, key type 1, value type 2", info.id);
	close_fd(&map);

	/* BTF ids are enumerable and can be opened again. */
	id = 0;
	while (!bl_sys_btf_get_next_id(id, &next)) {
		id = next;
		if (id == info.id) {
			found = 1;
			break;
		}
	}
	ok(found, "btf_get_next_id reaches our BTF");
	fd2 = bl_sys_btf_get_fd_by_id(info.id);
	ok(fd2 >= 0, "btf_get_fd_by_id");
	memset(&back, 0, sizeof(back));
	len = sizeof(info);
	memset(&info, 0, sizeof(info));
	bl_sys_obj_get_info_by_fd(fd2, &info, &len);
	is_int(info.btf_size, sizeof(blob), "the new fd is the same BTF");
	close_fd(&fd2);

	/* An int of 33 bits in 4 bytes: rejected, with the reason logged. */
	make_btf(&blob, 33);
	memset(log, 0, sizeof(log));
	ret = bl_sys_btf_load(&blob, sizeof(blob), log, sizeof(log), 1);
	is_int(ret, -EINVAL, "invalid BTF: -EINVAL");
	like(log, "nr_bits", "the BTF log names the bad field");
	return fd;
}

/* ---- programs: load, log, test_run, stats, bind_map ---------------------- */

static void test_prog_invalid(void)
{
	/* "exit" with r0 never written: the verifier refuses to return garbage. */
	const struct bpf_insn bad[] = { EXIT() };
	struct bl_prog_load_opts opts = { 0 };
	char log[4096], small[32];
	int ret;

	memset(log, 0, sizeof(log));
	opts.log_level = 1;
	opts.log_buf = log;
	opts.log_size = sizeof(log);
	ret = bl_sys_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "bl_bad", "GPL", bad, 1, &opts);
	ok(ret == -EACCES || ret == -EINVAL, "invalid program refused (%d)", ret);
	is_int(errno, -ret, "errno matches the return value");
	like(log, "R0 !read_ok", "verifier log says why");
	if (opts.log_true_size)
		is_int(opts.log_true_size, strlen(log) + 1,
		       "log_true_size = log length + NUL (6.4+)");
	else
		tap_skip("log_true_size", "kernel < 6.4 does not report it");

	/* A log too small: -ENOSPC, and 6.4+ says how much was needed. */
	memset(small, 0, sizeof(small));
	opts.log_buf = small;
	opts.log_size = sizeof(small);
	opts.log_true_size = 0;
	ret = bl_sys_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "bl_bad", "GPL", bad, 1, &opts);
	if (ret == -EINVAL) {
		tap_skip("small verifier log", "kernel < 6.4 wants >= 128 bytes");
		return;
	}
	is_int(ret, -ENOSPC, "log buffer too small: -ENOSPC");
	ok(opts.log_true_size > sizeof(small), "log_true_size %u > buffer size %zu",
	   opts.log_true_size, sizeof(small));
}

static int test_prog_load_run(void)
{
	unsigned char pkt[64], out[128];
	struct bl_test_run_opts t;
	struct bpf_prog_info info;
	int fd, ret, i;

	fd = load_len_filter("bl_len_filter");
	if (!ok(fd >= 0, "prog_load socket filter (%d)", fd))
		return -1;
	is_int(tu_prog_info(fd, &info), 0, "get_info on the program");
	is_int(info.type, BPF_PROG_TYPE_SOCKET_FILTER, "prog_info.type");
	is_str(info.name, "bl_len_filter", "prog_info.name");
	is_int(info.xlated_prog_len, 2 * sizeof(struct bpf_insn),
	       "2 instructions after verification");

	/* An Ethernet frame: the kernel strips the 14-byte header for
	 * socket filters, so skb->len is 64 - 14. */
	memset(pkt, 0, sizeof(pkt));
	for (i = 0; i < 6; i++)
		pkt[i] = 0xff;
	pkt[12] = 0x08;			/* ethertype IPv4 */
	for (i = 14; i < (int)sizeof(pkt); i++)
		pkt[i] = (unsigned char)i;
	memset(&t, 0, sizeof(t));
	t.data_in = pkt;
	t.data_size_in = sizeof(pkt);
	t.data_out = out;
	t.data_size_out = sizeof(out);
	ret = bl_sys_prog_test_run(fd, &t);
	is_int(ret, 0, "prog_test_run");
	is_int(t.retval, sizeof(pkt) - 14, "retval = skb->len = 64 - ETH_HLEN");
	is_int(t.data_size_out, sizeof(pkt), "data_size_out = the whole frame");
	/* For programs that do not see L2, the kernel gives the Ethernet
	 * header back zeroed; the rest is the packet. */
	memset(pkt, 0, 14);
	ok(!memcmp(out, pkt, sizeof(pkt)), "data_out = zeroed L2 header + the payload");

	t.data_size_out = 8;
	ret = bl_sys_prog_test_run(fd, &t);
	is_int(ret, -ENOSPC, "test_run with data_out too small: -ENOSPC");
	is_int(t.data_size_out, sizeof(pkt), "and data_size_out says what was needed");
	return fd;
}

static void test_stats(int prog)
{
	struct bl_test_run_opts t;
	struct bpf_prog_info before, after;
	unsigned char pkt[64] = { [12] = 0x08 };
	int sfd, ret;

	sfd = bl_sys_enable_stats(BPF_STATS_RUN_TIME);
	if (sfd == -EINVAL) {
		tap_skip("enable_stats", "kernel < 5.8");
		return;
	}
	ok(sfd >= 0, "enable_stats(BPF_STATS_RUN_TIME) gives an fd (%d)", sfd);
	tu_prog_info(prog, &before);
	memset(&t, 0, sizeof(t));
	t.data_in = pkt;
	t.data_size_in = sizeof(pkt);
	t.repeat = 5;
	ret = bl_sys_prog_test_run(prog, &t);
	is_int(ret, 0, "test_run 5 times with stats on");
	tu_prog_info(prog, &after);
	is_int(after.run_cnt - before.run_cnt, 5, "run_cnt counted 5 runs");
	ok(after.run_time_ns > before.run_time_ns, "run_time_ns grew");
	close_fd(&sfd);
}

static void test_bind_map(int prog)
{
	struct bpf_prog_info info;
	__u32 ids[4] = { 0 }, len = sizeof(info);
	int map, ret;

	map = bl_sys_map_create(BPF_MAP_TYPE_ARRAY, "bl_bound", 4, 4, 1, NULL);
	ret = bl_sys_prog_bind_map(prog, map);
	if (ret == -EINVAL) {
		tap_skip("prog_bind_map", "kernel < 5.10");
		close_fd(&map);
		return;
	}
	is_int(ret, 0, "prog_bind_map");
	is_int(bl_sys_prog_bind_map(prog, map), 0, "binding twice is fine");
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = 4;
	info.map_ids = (__u64)(unsigned long)ids;
	bl_sys_obj_get_info_by_fd(prog, &info, &len);
	is_int(info.nr_map_ids, 1, "the program now uses one map");
	is_int(ids[0], map_id(map), "and it is ours");
	close_fd(&map);
}

/* get_info with a buffer larger than the kernel's struct: the tail must be
 * zero, else E2BIG; the kernel reports how much it filled. */
static void test_info_tail(int map)
{
	static unsigned char big[4096];
	__u32 len = sizeof(big);
	int ret;

	memset(big, 0, sizeof(big));
	ret = bl_sys_obj_get_info_by_fd(map, big, &len);
	is_int(ret, 0, "get_info with a zeroed 4096-byte buffer");
	ok(len >= sizeof(struct bpf_map_info) && len < sizeof(big),
	   "info_len is the kernel's struct size (%u)", len);
	big[sizeof(big) - 1] = 1;
	len = sizeof(big);
	is_int(bl_sys_obj_get_info_by_fd(map, big, &len), -E2BIG,
	       "non-zero bytes past the kernel's struct: -E2BIG");
}

/* ---- pinning --------------------------------------------------------------- */

static int ensure_bpffs(void)
{
	struct statfs st;

	if (statfs(BPFFS, &st) == 0 && (unsigned long)st.f_type == BPFFS_MAGIC)
		return 0;
	return mount("bpf", BPFFS, "bpf", 0, "mode=0700");
}

static void test_pin(int prog)
{
	char map_path[PATH_MAX + 16], prog_path[PATH_MAX + 16];
	__u32 key = 0, val = 7;
	int map, fd, ro, ret;

	if (ensure_bpffs()) {
		tap_skip("pinning", "cannot mount bpffs at %s: %s", BPFFS, strerror(errno));
		return;
	}
	snprintf(pin_dir, sizeof(pin_dir), BPFFS "/bpfload-test-%d", (int)getpid());
	if (!ok(mkdir(pin_dir, 0700) == 0, "mkdir %s", pin_dir)) {
		pin_dir[0] = 0;
		return;
	}
	snprintf(map_path, sizeof(map_path), "%s/map", pin_dir);
	snprintf(prog_path, sizeof(prog_path), "%s/prog", pin_dir);

	map = bl_sys_map_create(BPF_MAP_TYPE_ARRAY, "bl_pinned", 4, 4, 1, NULL);
	is_int(bl_sys_obj_pin(map, map_path), 0, "obj_pin the map");
	is_int(bl_sys_obj_pin(map, map_path), -EEXIST, "pin on an existing path: -EEXIST");
	is_int(bl_sys_obj_pin(prog, prog_path), 0, "obj_pin the program");

	fd = bl_sys_obj_get(map_path, 0);
	ok(fd >= 0, "obj_get the map");
	is_int(map_id(fd), map_id(map), "same map id through the pin");
	is_int(bl_sys_map_update_elem(fd, &key, &val, 0), 0, "write through the new fd");
	close_fd(&fd);

	ro = bl_sys_obj_get(map_path, BPF_F_RDONLY);
	ok(ro >= 0, "obj_get with BPF_F_RDONLY");
	val = 0;
	is_int(bl_sys_map_lookup_elem(ro, &key, &val, 0), 0, "read-only fd can read");
	is_int(val, 7, "and sees the value");
	ret = bl_sys_map_update_elem(ro, &key, &val, 0);
	is_int(ret, -EPERM, "read-only fd cannot write: -EPERM");
	close_fd(&ro);

	fd = bl_sys_obj_get(prog_path, 0);
	is_int(prog_id(fd), prog_id(prog), "same program id through the pin");
	close_fd(&fd);
	is_int(bl_sys_obj_get(BPFFS "/bpfload-no-such-pin", 0), -ENOENT,
	       "obj_get missing: -ENOENT");
	is_int(bl_sys_obj_pin(map, "/tmp/bpfload-not-bpffs"), -EPERM, "pin outside bpffs: -EPERM");

	ok(unlink(map_path) == 0 && unlink(prog_path) == 0, "unpin (unlink)");
	ok(rmdir(pin_dir) == 0, "rmdir the pin dir");
	pin_dir[0] = 0;
	close_fd(&map);
}

/* ---- ids --------------------------------------------------------------------- */

typedef int (*next_id_fn)(__u32, __u32 *);
typedef int (*fd_by_id_fn)(__u32);

static void check_ids(const char *what, next_id_fn next_fn, fd_by_id_fn by_id,
		      __u32 (*id_of)(int), __u32 want)
{
	__u32 id = 0, next = 0;
	int found = 0, fd;

	while (!next_fn(id, &next)) {
		id = next;
		if (id == want) {
			found = 1;
			break;
		}
	}
	ok(found, "%s_get_next_id finds id %u", what, want);
	fd = by_id(want);
	ok(fd >= 0 && id_of(fd) == want, "%s_get_fd_by_id(%u) opens it", what, want);
	close_fd(&fd);
	is_int(next_fn(INT_MAX - 1, &next), -ENOENT, "%s_get_next_id past the end: -ENOENT", what);
}

static __u32 link_id(int fd)
{
	struct bpf_link_info info;

	return tu_link_info(fd, &info) ? 0 : info.id;
}

/* ---- raw tracepoint ---------------------------------------------------------- */

static void test_raw_tp(void)
{
	struct bl_task_fd_query q;
	struct bpf_link_info info;
	char name[64] = { 0 }, buf[64] = { 0 };
	__u32 len;
	int prog, fd;

	prog = load_ret(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, "bl_raw_tp", 0);
	if (!ok(prog >= 0, "prog_load raw_tracepoint (%d)", prog))
		return;
	fd = bl_sys_raw_tracepoint_open("sys_enter", prog);
	if (!ok(fd >= 0, "raw_tracepoint_open sys_enter (%d)", fd)) {
		close(prog);
		return;
	}
	memset(&info, 0, sizeof(info));
	info.raw_tracepoint.tp_name = (__u64)(unsigned long)name;
	info.raw_tracepoint.tp_name_len = sizeof(name);
	len = sizeof(info);
	is_int(bl_sys_obj_get_info_by_fd(fd, &info, &len), 0, "get_info on the raw_tp link");
	is_int(info.type, BPF_LINK_TYPE_RAW_TRACEPOINT, "link type RAW_TRACEPOINT");
	is_int(info.prog_id, prog_id(prog), "link holds our program");
	is_str(name, "sys_enter", "link tp_name");

	len = sizeof(buf);
	memset(&q, 0, sizeof(q));
	is_int(bl_sys_task_fd_query(getpid(), fd, buf, &len, &q), 0, "task_fd_query on it");
	is_int(q.fd_type, BPF_FD_TYPE_RAW_TRACEPOINT, "fd_type RAW_TRACEPOINT");
	is_int(q.prog_id, prog_id(prog), "task_fd_query prog_id");
	is_str(buf, "sys_enter", "task_fd_query names the tracepoint");
	is_int(len, strlen("sys_enter"), "buf_len = name length");
	len = 4;
	is_int(bl_sys_task_fd_query(getpid(), fd, buf, &len, &q), -ENOSPC,
	       "task_fd_query, 4-byte buffer: -ENOSPC");
	is_int(len, strlen("sys_enter"), "buf_len still says the full length");

	check_ids("link", bl_sys_link_get_next_id, bl_sys_link_get_fd_by_id, link_id, info.id);
	close(fd);
	close(prog);
}

/* ---- tracepoint perf event: SET_BPF and BPF_PERF_EVENT links -------------- */

static int tracepoint_id(const char *cat, const char *name)
{
	char path[256], buf[32];
	int fd, n;

	snprintf(path, sizeof(path), TRACEFS "/events/%s/%s/id", cat, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT &&
	    mount("nodev", TRACEFS, "tracefs", 0, NULL) == 0)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = 0;
	return atoi(buf);
}

/*
 * A tracepoint program that counts this process's calls in slot 0 of an
 * array map and stores bpf_get_attach_cookie() in slot 1.  Tracepoint
 * programs run for every task, so it compares the tgid first.
 */
static int load_counter(int map)
{
	const struct bpf_insn prog[] = {
		/* 0 */ MOV_REG(BPF_REG_6, BPF_REG_1),		/* keep ctx */
		/* 1 */ CALL(BPF_FUNC_get_current_pid_tgid),
		/* 2 */ RSH_IMM(BPF_REG_0, 32),			/* tgid */
		/* 3 */ JNE_IMM(BPF_REG_0, getpid(), 20),	/* -> 24 */
		/* 4 */ ST_W(BPF_REG_10, -4, 0),		/* key = 0 */
		/* 5 */ MOV_REG(BPF_REG_2, BPF_REG_10),
		/* 6 */ ADD_IMM(BPF_REG_2, -4),
		/* 7 */ LD_MAP_FD_1(BPF_REG_1, map),
		/* 8 */ LD_MAP_FD_2(),
		/* 9 */ CALL(BPF_FUNC_map_lookup_elem),
		/* 10 */ JEQ_IMM(BPF_REG_0, 0, 13),		/* -> 24 */
		/* 11 */ MOV_IMM(BPF_REG_1, 1),
		/* 12 */ ATOMIC_ADD_DW(BPF_REG_0, BPF_REG_1, 0),	/* count++ */
		/* 13 */ MOV_REG(BPF_REG_1, BPF_REG_6),
		/* 14 */ CALL(BPF_FUNC_get_attach_cookie),
		/* 15 */ MOV_REG(BPF_REG_7, BPF_REG_0),
		/* 16 */ ST_W(BPF_REG_10, -4, 1),		/* key = 1 */
		/* 17 */ MOV_REG(BPF_REG_2, BPF_REG_10),
		/* 18 */ ADD_IMM(BPF_REG_2, -4),
		/* 19 */ LD_MAP_FD_1(BPF_REG_1, map),
		/* 20 */ LD_MAP_FD_2(),
		/* 21 */ CALL(BPF_FUNC_map_lookup_elem),
		/* 22 */ JEQ_IMM(BPF_REG_0, 0, 1),		/* -> 24 */
		/* 23 */ STX_DW(BPF_REG_0, BPF_REG_7, 0),	/* slot 1 = cookie */
		/* 24 */ MOV_IMM(BPF_REG_0, 0),
		/* 25 */ EXIT(),
	};
	struct bl_prog_load_opts opts = { 0 };
	static char log[8192];
	int fd;

	opts.log_buf = log;
	opts.log_size = sizeof(log);
	opts.log_level = 1;
	fd = bl_sys_prog_load(BPF_PROG_TYPE_TRACEPOINT, "bl_count_getpid", "GPL",
			      prog, ARRAY_SIZE(prog), &opts);
	if (fd < 0)
		tap_diag("verifier: %s", log);
	return fd;
}

static __u64 slot(int map, __u32 key)
{
	__u64 v = 0;

	bl_sys_map_lookup_elem(map, &key, &v, 0);
	return v;
}

static int open_tp_event(int tp_id)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = tp_id;
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	return bl_sys_perf_event_open(&attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
}

static void getpid_n(int n)
{
	while (n--)
		syscall(SYS_getpid);
}

static void test_perf_set_bpf(int prog, int map, int tp_id)
{
	struct bl_task_fd_query q;
	char buf[64] = { 0 };
	__u32 len = sizeof(buf);
	__u64 before;
	int pfd;

	pfd = open_tp_event(tp_id);
	if (!ok(pfd >= 0, "perf_event_open tracepoint syscalls/sys_enter_getpid (%d)", pfd))
		return;
	is_int(bl_sys_perf_ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog), 0, "ioctl SET_BPF");
	is_int(bl_sys_perf_ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog), -EEXIST,
	       "SET_BPF again: -EEXIST");
	is_int(bl_sys_perf_ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0), 0, "ioctl ENABLE");
	before = slot(map, 0);
	getpid_n(3);
	is_int(slot(map, 0) - before, 3, "the program counted 3 getpid calls");
	is_int(slot(map, 1), 0, "no cookie through SET_BPF");

	memset(&q, 0, sizeof(q));
	is_int(bl_sys_task_fd_query(getpid(), pfd, buf, &len, &q), 0, "task_fd_query on the event");
	is_int(q.fd_type, BPF_FD_TYPE_TRACEPOINT, "fd_type TRACEPOINT");
	is_str(buf, "sys_enter_getpid", "names the tracepoint");
	is_int(q.prog_id, prog_id(prog), "and our program");
	is_int(bl_sys_perf_ioctl(pfd, PERF_EVENT_IOC_DISABLE, 0), 0, "ioctl DISABLE");
	close(pfd);
}

static void test_perf_link(int prog, int map, int tp_id)
{
	struct bl_link_create_opts opts = { .bpf_cookie = 0x1234567890abcdefULL };
	struct bpf_link_info info;
	__u64 before;
	int pfd, link, ret;

	pfd = open_tp_event(tp_id);
	if (!ok(pfd >= 0, "perf_event_open for a link"))
		return;
	link = bl_sys_link_create(prog, pfd, BPF_PERF_EVENT, &opts);
	if (link == -EINVAL) {
		tap_skip("BPF_PERF_EVENT link", "kernel < 5.15");
		close(pfd);
		return;
	}
	ok(link >= 0, "link_create BPF_PERF_EVENT with a cookie (%d)", link);
	tu_link_info(link, &info);
	is_int(info.type, BPF_LINK_TYPE_PERF_EVENT, "link type PERF_EVENT");
	is_int(info.prog_id, prog_id(prog), "link holds our program");
	before = slot(map, 0);
	getpid_n(2);
	is_int(slot(map, 0) - before, 2, "the program counted 2 getpid calls");
	ok(slot(map, 1) == opts.bpf_cookie, "bpf_get_attach_cookie() saw our cookie");

	/* perf links can neither swap programs nor detach early */
	ret = bl_sys_link_update(link, prog, 0, 0);
	is_int(ret, -EINVAL, "link_update on a perf link: -EINVAL");
	ret = bl_sys_link_detach(link);
	is_int(ret, -EOPNOTSUPP, "link_detach on a perf link: -EOPNOTSUPP");
	close(link);
	before = slot(map, 0);
	getpid_n(1);
	is_int(slot(map, 0) - before, 0, "closing the link detaches the program");
	close(pfd);
}

static void test_tracepoint(void)
{
	int tp_id, map, prog;

	tp_id = tracepoint_id("syscalls", "sys_enter_getpid");
	if (tp_id < 0) {
		tap_skip("tracepoint perf events", "no tracefs syscalls/sys_enter_getpid (%s)",
			 strerror(-tp_id));
		return;
	}
	map = bl_sys_map_create(BPF_MAP_TYPE_ARRAY, "bl_counts", 4, 8, 2, NULL);
	prog = load_counter(map);
	if (!ok(prog >= 0, "prog_load tracepoint counter (%d)", prog)) {
		close_fd(&map);
		return;
	}
	test_perf_set_bpf(prog, map, tp_id);
	test_perf_link(prog, map, tp_id);
	check_ids("prog", bl_sys_prog_get_next_id, bl_sys_prog_get_fd_by_id, prog_id,
		  prog_id(prog));
	check_ids("map", bl_sys_map_get_next_id, bl_sys_map_get_fd_by_id, map_id, map_id(map));
	close(prog);
	close(map);
}

/* ---- cgroup: prog_attach/query/detach and cgroup links ------------------- */

static void query_ingress(int cg, __u32 type, __u32 *flags, __u32 *ids, __u32 *cnt)
{
	*cnt = 4;
	*flags = 0;
	memset(ids, 0, 4 * sizeof(*ids));
	bl_sys_prog_query(cg, type, 0, flags, ids, cnt);
}

static void test_cgroup_attach(int cg, int p1, int p2)
{
	__u32 flags, ids[4], cnt, id1 = prog_id(p1), id2 = prog_id(p2);

	is_int(bl_sys_prog_attach(p1, cg, BPF_CGROUP_INET_INGRESS, BPF_F_ALLOW_MULTI, 0), 0,
	       "prog_attach cgroup_skb ingress, ALLOW_MULTI");
	query_ingress(cg, BPF_CGROUP_INET_INGRESS, &flags, ids, &cnt);
	is_int(cnt, 1, "prog_query: one program");
	is_int(ids[0], id1, "prog_query: it is ours");
	is_int(flags, BPF_F_ALLOW_MULTI, "prog_query: attach_flags ALLOW_MULTI");

	is_int(bl_sys_prog_attach(p2, cg, BPF_CGROUP_INET_INGRESS,
				  BPF_F_ALLOW_MULTI | BPF_F_REPLACE, p1), 0,
	       "prog_attach with BPF_F_REPLACE");
	query_ingress(cg, BPF_CGROUP_INET_INGRESS, &flags, ids, &cnt);
	ok(cnt == 1 && ids[0] == id2, "the second program replaced the first");

	cnt = 0;
	is_int(bl_sys_prog_query(cg, BPF_CGROUP_INET_INGRESS, 0, NULL, NULL, &cnt), 0,
	       "prog_query with no id array counts");
	is_int(cnt, 1, "count 1");

	is_int(bl_sys_prog_detach(p2, cg, BPF_CGROUP_INET_INGRESS), 0, "prog_detach");
	query_ingress(cg, BPF_CGROUP_INET_INGRESS, &flags, ids, &cnt);
	is_int(cnt, 0, "nothing attached after detach");
	is_int(bl_sys_prog_detach(p2, cg, BPF_CGROUP_INET_INGRESS), -ENOENT,
	       "detach again: -ENOENT");
}

static void test_cgroup_link(int cg, int p1, int p2)
{
	__u32 flags, ids[4], cnt, id1 = prog_id(p1), id2 = prog_id(p2);
	struct bpf_link_info info;
	int link;

	link = bl_sys_link_create(p1, cg, BPF_CGROUP_INET_EGRESS, NULL);
	if (!ok(link >= 0, "link_create cgroup egress (%d)", link))
		return;
	tu_link_info(link, &info);
	is_int(info.type, BPF_LINK_TYPE_CGROUP, "link type CGROUP");
	is_int(info.prog_id, id1, "link holds the first program");
	is_int(info.cgroup.attach_type, BPF_CGROUP_INET_EGRESS, "link attach_type egress");
	query_ingress(cg, BPF_CGROUP_INET_EGRESS, &flags, ids, &cnt);
	ok(cnt == 1 && ids[0] == id1, "prog_query sees the linked program");

	is_int(bl_sys_link_update(link, p2, BPF_F_REPLACE, p2), -EPERM,
	       "link_update with the wrong old program: -EPERM");
	is_int(bl_sys_link_update(link, p2, BPF_F_REPLACE, p1), 0,
	       "link_update with BPF_F_REPLACE");
	tu_link_info(link, &info);
	is_int(info.prog_id, id2, "the link now holds the second program");
	is_int(bl_sys_link_update(link, p1, 0, 0), 0, "link_update unconditionally");
	tu_link_info(link, &info);
	is_int(info.prog_id, id1, "back to the first");

	is_int(bl_sys_link_detach(link), 0, "link_detach");
	query_ingress(cg, BPF_CGROUP_INET_EGRESS, &flags, ids, &cnt);
	is_int(cnt, 0, "nothing attached after link_detach");
	is_int(tu_link_info(link, &info), 0, "the detached link fd still answers get_info");
	close(link);
}

static void test_cgroup(void)
{
	unsigned char pkt[64] = { [12] = 0x08 };
	struct bl_test_run_opts t;
	int cg, p1, p2;

	snprintf(cg_dir, sizeof(cg_dir), CGROUP2 "/bpfload-test-%d", (int)getpid());
	if (mkdir(cg_dir, 0755)) {
		tap_skip("cgroup attach", "cannot mkdir %s: %s", cg_dir, strerror(errno));
		cg_dir[0] = 0;
		return;
	}
	cg = open(cg_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	p1 = load_ret(BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS, "bl_cg_one", 1);
	p2 = load_ret(BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS, "bl_cg_two", 1);
	if (ok(cg >= 0 && p1 >= 0 && p2 >= 0, "cgroup dir and two cgroup_skb programs")) {
		memset(&t, 0, sizeof(t));
		t.data_in = pkt;
		t.data_size_in = sizeof(pkt);
		is_int(bl_sys_prog_test_run(p1, &t), 0, "test_run cgroup_skb");
		is_int(t.retval, 1, "cgroup_skb retval 1 (allow)");
		test_cgroup_attach(cg, p1, p2);
		test_cgroup_link(cg, p1, p2);
	}
	close_fd(&p1);
	close_fd(&p2);
	close_fd(&cg);
	ok(rmdir(cg_dir) == 0, "rmdir the cgroup");
	cg_dir[0] = 0;
}

/* ---- tcx links (6.6): the overlay layout of link_create -------------------- */

static void test_tcx_links(int p1, int p2)
{
	struct bl_link_create_opts opts = { 0 };
	struct bpf_link_info info;
	__u32 ids[4] = { 0 }, cnt = 4;
	int l1, l2, ret;

	/* loopback is ifindex 1 in the fresh namespace */
	l1 = bl_sys_link_create(p1, 1, BL_TCX_INGRESS, NULL);
	if (l1 == -EINVAL) {
		tap_skip("tcx links", "kernel < 6.6");
		return;
	}
	if (!ok(l1 >= 0, "link_create BPF_TCX_INGRESS on lo (%d)", l1))
		return;
	tu_link_info(l1, &info);
	is_int(info.type, BL_LINK_TYPE_TCX, "link type TCX");

	/* relative_fd and flags sit where 6.1 has target_btf_id */
	opts.flags = BPF_F_BEFORE;
	opts.relative_fd = p1;
	l2 = bl_sys_link_create(p2, 1, BL_TCX_INGRESS, &opts);
	ok(l2 >= 0, "second tcx link with BPF_F_BEFORE relative to the first (%d)", l2);
	ret = bl_sys_prog_query(1, BL_TCX_INGRESS, 0, NULL, ids, &cnt);
	is_int(ret, 0, "prog_query on the tcx hook");
	ok(cnt == 2 && ids[0] == prog_id(p2) && ids[1] == prog_id(p1),
	   "the second program runs first");

	opts.flags = 0;
	opts.relative_fd = 0;
	opts.expected_revision = 1000;
	ret = bl_sys_link_create(p2, 1, BL_TCX_EGRESS, &opts);
	is_int(ret, -ESTALE, "expected_revision that does not match: -ESTALE");
	close_fd(&l2);
	close_fd(&l1);
}

/* Network hooks only inside a namespace of our own, entered and left
 * again by this thread. */
static void test_tcx(void)
{
	int home, p1, p2;

	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0 || unshare(CLONE_NEWNET)) {
		tap_skip("tcx links", "cannot make a network namespace: %s", strerror(errno));
		close_fd(&home);
		return;
	}
	p1 = load_ret(BPF_PROG_TYPE_SCHED_CLS, 0, "bl_tcx_one", 0);
	p2 = load_ret(BPF_PROG_TYPE_SCHED_CLS, 0, "bl_tcx_two", 0);
	if (ok(p1 >= 0 && p2 >= 0, "two sched_cls programs"))
		test_tcx_links(p1, p2);
	close_fd(&p1);
	close_fd(&p2);
	ok(setns(home, CLONE_NEWNET) == 0, "back to the original network namespace");
	close(home);
}

/* ---- iterator: link_create(BPF_TRACE_ITER) + iter_create ------------------- */

/* Find a BTF_KIND_FUNC by name in the kernel's BTF: enough parsing to
 * step over every kind's trailing data. */
static __u32 vmlinux_func_id(const char *want)
{
	static const char path[] = "/sys/kernel/btf/vmlinux";
	struct btf_header *h;
	const char *strs;
	char *data = NULL;
	size_t cap = 0, len = 0;
	__u32 id = 0, found = 0, off;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	for (;;) {
		if (len == cap) {
			char *p = realloc(data, cap = cap ? cap * 2 : 1 << 20);

			if (!p)
				break;
			data = p;
		}
		n = read(fd, data + len, cap - len);
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	h = (struct btf_header *)data;
	if (!data || len < sizeof(*h) || h->magic != BTF_MAGIC)
		goto out;
	strs = data + h->hdr_len + h->str_off;
	for (off = 0; off + sizeof(struct btf_type) <= h->type_len;) {
		const struct btf_type *t = (void *)(data + h->hdr_len + h->type_off + off);
		__u32 kind = BTF_INFO_KIND(t->info), vlen = BTF_INFO_VLEN(t->info);

		id++;
		if (kind == BTF_KIND_FUNC && !strcmp(strs + t->name_off, want)) {
			found = id;
			break;
		}
		off += sizeof(*t);
		switch (kind) {
		case BTF_KIND_INT: case BTF_KIND_VAR: case BL_BTF_KIND_DECL_TAG:
			off += 4; break;
		case BTF_KIND_ARRAY:
			off += 12; break;
		case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_DATASEC:
		case BL_BTF_KIND_ENUM64:
			off += 12 * vlen; break;
		case BTF_KIND_ENUM: case BTF_KIND_FUNC_PROTO:
			off += 8 * vlen; break;
		default:
			break;
		}
	}
out:
	free(data);
	return found;
}

static void test_iter(void)
{
	struct bl_prog_load_opts opts = { .expected_attach_type = BPF_TRACE_ITER };
	const struct bpf_insn prog[] = { MOV_IMM(BPF_REG_0, 0), EXIT() };
	struct bpf_link_info info;
	char buf[64];
	int p, link, it;

	opts.attach_btf_id = vmlinux_func_id("bpf_iter_bpf_map");
	if (!opts.attach_btf_id) {
		tap_skip("iterators", "no bpf_iter_bpf_map in /sys/kernel/btf/vmlinux");
		return;
	}
	p = bl_sys_prog_load(BPF_PROG_TYPE_TRACING, "bl_iter", "GPL", prog, 2, &opts);
	if (p < 0) {
		tap_skip("iterators", "tracing program refused here (%s)", bl_errno_symbol(p));
		return;
	}
	link = bl_sys_link_create(p, 0, BPF_TRACE_ITER, NULL);
	if (ok(link >= 0, "link_create BPF_TRACE_ITER (%d)", link)) {
		tu_link_info(link, &info);
		is_int(info.type, BPF_LINK_TYPE_ITER, "link type ITER");
		it = bl_sys_iter_create(link);
		ok(it >= 0, "iter_create gives a readable fd (%d)", it);
		is_int(read(it, buf, sizeof(buf)), 0, "reading it runs the (silent) program: EOF");
		close_fd(&it);
		close(link);
	}
	close(p);
}

/* ---- trace mode -------------------------------------------------------------- */

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

static void *trace_thread(void *arg)
{
	int fd = *(int *)arg, i;
	__u32 key = 77;
	__u64 v;

	for (i = 0; i < 200; i++)
		bl_sys_map_lookup_elem(fd, &key, &v, 0);
	return NULL;
}

static void test_trace_threads(int map)
{
	pthread_t th[4];
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0, good = 0, total = 0;
	FILE *f = open_memstream(&buf, &len);
	int i;

	bl_trace_set(f);
	for (i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, trace_thread, &map);
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	bl_trace_set(NULL);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		total++;
		good += !strncmp(line, "bpf(BPF_MAP_LOOKUP_ELEM, {map_fd=", 33) &&
			strstr(line, "= -1 ENOENT (No such file or directory)") &&
			!strstr(line + 1, "bpf(");
	}
	is_int(total, 800, "4 threads x 200 calls: 800 lines");
	is_int(good, 800, "no line is mixed with another");
	free(buf);
}

static void test_trace(void)
{
	struct bl_map_create_opts mopts = { .map_flags = BPF_F_MMAPABLE | BPF_F_RDONLY_PROG };
	const struct bpf_insn bad[] = { EXIT() };
	struct perf_event_attr pattr;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	__u32 key = 1;
	__u64 val = 0x1122334455667788ULL;
	int fd, hash, pfd, calls = 0;
	char want[256];

	if (secure_getenv("BPFLOAD_TRACE"))
		tap_skip("trace is off by default", "BPFLOAD_TRACE is set");
	else
		ok(!bl_trace_enabled(), "trace is off by default");
	bl_trace_set(f);
	ok(bl_trace_enabled(), "bl_trace_set turns it on");

	fd = bl_sys_map_create(BPF_MAP_TYPE_ARRAY, "trace_me", 4, 8, 2, &mopts);
	calls++;
	fflush(f);
	snprintf(want, sizeof(want), "}, %zu) = %d\n", sizeof(union bpf_attr), fd);
	like(buf, "bpf(BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_ARRAY, key_size=4, value_size=8, "
	     "max_entries=2, map_flags=BPF_F_RDONLY_PROG|BPF_F_MMAPABLE, map_name=\"trace_me\"}",
	     "map_create line: type, sizes, flags, name");
	like(buf, want, "map_create line ends with attr size and the fd");

	bl_sys_map_update_elem(fd, &key, &val, BPF_ANY);
	calls++;
	bl_sys_map_lookup_elem(fd, &key, &val, 0);
	calls++;
	fflush(f);
	like(buf, "bpf(BPF_MAP_UPDATE_ELEM, {map_fd=", "update line");
	like(buf, "key=[01 00 00 00], value=[88 77 66 55 44 33 22 11], flags=BPF_ANY}",
	     "update shows key and value bytes and flags");
	like(buf, "bpf(BPF_MAP_LOOKUP_ELEM, {", "lookup line");

	hash = bl_sys_map_create(BPF_MAP_TYPE_HASH, "trace_hash", 4, 8, 2, NULL);
	calls++;
	key = 5;
	bl_sys_map_lookup_elem(hash, &key, &val, 0);
	calls++;
	fflush(f);
	like(buf, "key=[05 00 00 00], value=0x",
	     "a failed lookup shows the key, the value as a pointer");
	like(buf, ") = -1 ENOENT (No such file or directory)\n", "errors as -1 ENOENT (text)");

	bl_sys_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "bl_traced", "GPL", bad, 1, NULL);
	calls++;
	fflush(f);
	like(buf, "bpf(BPF_PROG_LOAD, {prog_type=BPF_PROG_TYPE_SOCKET_FILTER, insn_cnt=1, insns=0x",
	     "prog_load line");
	like(buf, "license=\"GPL\", log_level=0", "license and log_level");
	like(buf, "prog_name=\"bl_traced\", expected_attach_type=BPF_CGROUP_INET_INGRESS",
	     "prog name and expected attach type");
	like(buf, "= -1 EACCES (Permission denied)", "verifier refusal as EACCES");

	memset(&pattr, 0, sizeof(pattr));
	pattr.type = PERF_TYPE_SOFTWARE;
	pattr.config = PERF_COUNT_SW_CPU_CLOCK;
	pattr.freq = 1;
	pattr.sample_freq = 99;
	pattr.disabled = 1;
	pfd = bl_sys_perf_event_open(&pattr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	calls++;
	bl_sys_perf_ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0);
	calls++;
	bl_sys_perf_ioctl(hash, PERF_EVENT_IOC_SET_BPF, 3);
	calls++;
	fflush(f);
	like(buf, "perf_event_open({type=PERF_TYPE_SOFTWARE, size=", "perf_event_open line");
	like(buf, "config=PERF_COUNT_SW_CPU_CLOCK, sample_freq=99, sample_type=0, "
	     "wakeup_events=0, flags=disabled|freq}, pid=-1, cpu=0, group_fd=-1, "
	     "flags=PERF_FLAG_FD_CLOEXEC)", "perf attr fields, pid, cpu, group, flags");
	snprintf(want, sizeof(want), "ioctl(%d, PERF_EVENT_IOC_ENABLE, 0) = 0\n", pfd);
	like(buf, want, "ioctl ENABLE by name");
	snprintf(want, sizeof(want), "ioctl(%d, PERF_EVENT_IOC_SET_BPF, 3) = -1 ENOTTY", hash);
	like(buf, want, "ioctl SET_BPF by name, ENOTTY on a map fd");
	close_fd(&pfd);

	/* A bad pointer the kernel never read must not crash the trace. */
	bl_sys_raw_tracepoint_open((const char *)1, -1);
	calls++;
	fflush(f);
	like(buf, "bpf(BPF_RAW_TRACEPOINT_OPEN, {name=0x1, prog_fd=-1}, ",
	     "an unreadable string is shown as its address");

	bl_trace_call(-EACCES, "write(\"%s\", \"p:x\", 3)", "/sys/kernel/tracing/kprobe_events");
	calls++;
	bl_trace_call(-524, "netlink(RTM_SETLINK)");
	calls++;
	bl_trace_call(3, "mmap(NULL, 4096)");
	calls++;
	fflush(f);
	like(buf, "write(\"/sys/kernel/tracing/kprobe_events\", \"p:x\", 3) "
	     "= -1 EACCES (Permission denied)\n",
	     "bl_trace_call with an errno");
	like(buf, "netlink(RTM_SETLINK) = -1 ENOTSUPP (", "bl_trace_call with ENOTSUPP (524)");
	like(buf, "mmap(NULL, 4096) = 3\n", "bl_trace_call with a result");
	is_int(count_lines(buf), calls, "exactly one line per call");

	bl_trace_set(NULL);
	ok(!bl_trace_enabled(), "bl_trace_set(NULL) turns it off");
	len = strlen(buf);
	bl_sys_map_lookup_elem(hash, &key, &val, 0);
	fflush(f);
	is_int(strlen(buf), len, "nothing printed when off");
	fclose(f);
	free(buf);

	test_trace_threads(hash);
	close(hash);
	close(fd);
}

/* The environment variable is read once per process, so it is tested in
 * a fresh copy of this program (re-executed with --trace-child). */
static int trace_child(void)
{
	int fd = bl_sys_map_create(BPF_MAP_TYPE_ARRAY, "env_traced", 4, 4, 1, NULL);

	close(fd);
	return fd >= 0 ? 0 : 1;
}

static char *run_traced_child(const char *env_value, int stderr_to)
{
	static char out[8192];
	pid_t pid;
	int status, fd;
	ssize_t n;

	pid = fork();
	if (pid == 0) {
		if (stderr_to >= 0)
			dup2(stderr_to, 2);
		setenv("BPFLOAD_TRACE", env_value, 1);
		execl(self_exe, self_exe, "--trace-child", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return NULL;
	if (stderr_to >= 0)
		n = pread(stderr_to, out, sizeof(out) - 1, 0);
	else if ((fd = open(env_value, O_RDONLY | O_CLOEXEC)) >= 0)
		n = read(fd, out, sizeof(out) - 1), close(fd);
	else
		return NULL;
	out[n > 0 ? n : 0] = 0;
	return out;
}

static void test_trace_env(void)
{
	char path[] = "/tmp/bpfload-trace-XXXXXX";
	int fd = mkstemp(path), err_fd;
	char *out;

	if (!ok(fd >= 0, "temporary trace file"))
		return;
	close(fd);
	out = run_traced_child(path, -1);
	like(out, "bpf(BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_ARRAY, key_size=4, value_size=4, "
	     "max_entries=1, map_flags=0, map_name=\"env_traced\"}",
	     "BPFLOAD_TRACE=<file> appends the trace there");
	unlink(path);

	err_fd = memfd_create("stderr", MFD_CLOEXEC);
	out = run_traced_child("1", err_fd);
	like(out, "map_name=\"env_traced\"", "BPFLOAD_TRACE=1 traces to stderr");
	close(err_fd);

	err_fd = memfd_create("stderr", MFD_CLOEXEC);
	out = run_traced_child("0", err_fd);
	ok(out && !strstr(out, "bpf("), "BPFLOAD_TRACE=0 leaves it off");
	close(err_fd);
}

/* ---- main -------------------------------------------------------------------- */

int main(int argc, char **argv)
{
	int fds_at_start, prog, btf, map;
	ssize_t n;

	if (argc > 1 && !strcmp(argv[1], "--trace-child"))
		return trace_child();
	n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	self_exe[n > 0 ? n : 0] = 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	atexit(cleanup_dirs);

	bl_trace_enabled();	/* opens the BPFLOAD_TRACE file, if any, now */
	fds_at_start = tu_count_fds();
	map = bl_sys_map_create(BPF_MAP_TYPE_ARRAY, "bl_probe", 4, 4, 1, NULL);
	if (map == -EPERM || map == -ENOSYS)
		tap_skip_all("bpf() not available: %s", strerror(-map));
	if (map < 0)
		tap_bail("cannot create a map: %s", strerror(-map));

	test_names();
	test_hash_elems();
	test_batch();
	test_freeze();
	test_mmapable();
	test_map_in_map();
	test_info_tail(map);
	btf = test_btf();
	test_prog_invalid();
	prog = test_prog_load_run();
	if (prog >= 0) {
		test_stats(prog);
		test_bind_map(prog);
		test_pin(prog);
	}
	test_raw_tp();
	test_tracepoint();
	test_cgroup();
	test_tcx();
	test_iter();
	test_trace();
	test_trace_env();

	close_fd(&prog);
	close_fd(&btf);
	close_fd(&map);
	is_int(tu_count_fds(), fds_at_start, "every fd closed");
	cleanup_dirs();
	return tap_done();
}
