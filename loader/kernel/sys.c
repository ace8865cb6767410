// SPDX-License-Identifier: BSD-2-Clause
/*
 * sys.c - the bpf() system call, one small function per command.
 *
 * How bpf(2) works, in brief:
 *
 *   long bpf(int cmd, union bpf_attr *attr, unsigned int size);
 *
 * union bpf_attr holds one anonymous struct per command.  The kernel
 * copies min(size, its own sizeof(union bpf_attr)) bytes in, and if we
 * pass more than it knows, every byte past its end must be zero or the
 * call fails with E2BIG.  That is how old and new binaries coexist: a
 * newer program zeroes the fields an older kernel lacks, and an older
 * program simply passes a shorter attr.  So every wrapper below starts
 * by zeroing the whole union and then fills only the fields its command
 * reads.  We always pass sizeof(union bpf_attr) from the installed (6.1)
 * header: newer kernels read the missing tail as zero, older ones check
 * that our extra bytes are zero.
 *
 * Pointers travel as __u64 (the attr layout is the same for 32- and
 * 64-bit processes), so they are converted with ptr_to_u64().
 *
 * Several commands write results back into the attr (counts, ids, the
 * size a log needed); the wrappers copy those out to the caller after
 * the call, also on failure when the kernel documents them as valid.
 *
 * Results: a new fd or 0 on success, -errno on failure with errno left
 * set as well.  No retries and no fallbacks: policy lives in the callers.
 * Every call, successful or not, is handed to the trace (trace.c).
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpfload/sys.h>

/* The two ABI offsets in uapi.h must agree with the header's layout:
 * log_true_size lives in what the 6.1 union has as tail padding. */
_Static_assert(BL_PROG_LOAD_LOG_TRUE_SIZE_OFF ==
	       offsetof(union bpf_attr, core_relo_rec_size) + sizeof(__u32),
	       "prog_load log_true_size offset");
_Static_assert(BL_BTF_LOAD_LOG_TRUE_SIZE_OFF ==
	       offsetof(union bpf_attr, btf_log_level) + sizeof(__u32),
	       "btf_load log_true_size offset");
_Static_assert(BL_PROG_LOAD_LOG_TRUE_SIZE_OFF + sizeof(__u32) <= sizeof(union bpf_attr),
	       "log_true_size must fit in the attr we pass");
_Static_assert(sizeof(struct bl_link_create_tcx_attr) <= sizeof(union bpf_attr),
	       "tcx overlay must fit in union bpf_attr");

#define ATTR_SIZE ((unsigned int)sizeof(union bpf_attr))

static __u64 ptr_to_u64(const void *p)
{
	return (__u64)(unsigned long)p;
}

/* Fail with err: set errno, return -err.  For arguments the ABI cannot
 * carry (no call at all), and after a failed call, whose errno the trace
 * may have changed meanwhile. */
static int fail(int err)
{
	errno = err;
	return -err;
}

/*
 * Object names (maps, programs) are a char[BPF_OBJ_NAME_LEN] (16) that
 * must be NUL-terminated, so at most 15 characters survive: longer names
 * are cut here, silently, as every loader does.  The kernel also limits
 * the characters to [A-Za-z0-9_.] and answers EINVAL for others; that
 * check is left to it.
 */
static void copy_obj_name(char dst[BPF_OBJ_NAME_LEN], const char *name)
{
	size_t len;

	if (!name)
		return;
	len = strnlen(name, BPF_OBJ_NAME_LEN - 1);
	memcpy(dst, name, len);
}

/*
 * The raw call.  When tracing is on, a copy of the attr is kept so the
 * trace can show the fields the caller passed next to the ones the kernel
 * wrote back.  Only size bytes are ever read from attr: callers of this
 * raw entry point may pass a shorter attr than our union.
 */
BL_API int bl_sys_bpf(enum bpf_cmd cmd, union bpf_attr *attr, unsigned int size)
{
	union bpf_attr in, out;
	size_t n = size < ATTR_SIZE ? size : ATTR_SIZE;
	int tracing = bl_trace_enabled();
	long ret;
	int err;

	if (tracing && attr) {
		memset(&in, 0, sizeof(in));
		memcpy(&in, attr, n);
	}
	ret = syscall(__NR_bpf, cmd, attr, size);
	err = ret < 0 ? errno : 0;
	if (tracing) {
		memset(&out, 0, sizeof(out));
		if (attr)
			memcpy(&out, attr, n);
		bl_trace_bpf(cmd, attr ? &in : NULL, &out, size, err ? -err : ret);
	}
	return err ? fail(err) : (int)ret;
}

/* ---- maps ---------------------------------------------------------------- */

/*
 * BPF_MAP_CREATE: allocate a map and return an fd to it.  The map lives
 * while any fd, pin or program refers to it.  map_flags are checked per
 * map type (EINVAL for a flag the type does not take).  btf_fd with key
 * and value type ids lets the kernel check the layout (needed for spin
 * locks, timers, kptrs) and lets tools pretty-print the map.
 * btf_vmlinux_value_type_id is for struct_ops maps; map_extra is per
 * type (bloom filter hash count, arena start address).
 */
BL_API int bl_sys_map_create(enum bpf_map_type type, const char *name,
			     __u32 key_size, __u32 value_size, __u32 max_entries,
			     const struct bl_map_create_opts *opts)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = key_size;
	attr.value_size = value_size;
	attr.max_entries = max_entries;
	copy_obj_name(attr.map_name, name);
	if (opts) {
		attr.map_flags = opts->map_flags;
		attr.inner_map_fd = opts->inner_map_fd;
		attr.numa_node = opts->numa_node;
		attr.map_ifindex = opts->map_ifindex;
		attr.btf_fd = opts->btf_fd;
		attr.btf_key_type_id = opts->btf_key_type_id;
		attr.btf_value_type_id = opts->btf_value_type_id;
		attr.btf_vmlinux_value_type_id = opts->btf_vmlinux_value_type_id;
		attr.map_extra = opts->map_extra;
	}
	return bl_sys_bpf(BPF_MAP_CREATE, &attr, ATTR_SIZE);
}

/*
 * The element commands share one attr layout: map_fd, key pointer, value
 * (or next_key) pointer, flags.  The kernel copies key_size bytes from
 * key and value_size bytes to/from value.  For per-CPU maps the value
 * buffer holds one value per possible CPU, each rounded up to 8 bytes.
 */
static int map_elem(enum bpf_cmd cmd, int map_fd, const void *key,
		    const void *value, __u64 flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = map_fd;
	attr.key = ptr_to_u64(key);
	attr.value = ptr_to_u64(value);
	attr.flags = flags;
	return bl_sys_bpf(cmd, &attr, ATTR_SIZE);
}

/* BPF_MAP_LOOKUP_ELEM: copy the value of key into value.  -ENOENT if the
 * key is absent.  flags: 0 or BPF_F_LOCK (read under the value's spin
 * lock).  Queue/stack maps use LOOKUP with a NULL key as "peek". */
BL_API int bl_sys_map_lookup_elem(int map_fd, const void *key, void *value, __u64 flags)
{
	return map_elem(BPF_MAP_LOOKUP_ELEM, map_fd, key, value, flags);
}

/* BPF_MAP_UPDATE_ELEM: BPF_ANY creates or replaces, BPF_NOEXIST only
 * creates (-EEXIST otherwise), BPF_EXIST only replaces (-ENOENT).  Arrays
 * always exist, so NOEXIST fails there; a full hash gives -E2BIG.  User
 * space gets -EPERM once the map is frozen or was created with
 * BPF_F_RDONLY. */
BL_API int bl_sys_map_update_elem(int map_fd, const void *key, const void *value,
				  __u64 flags)
{
	return map_elem(BPF_MAP_UPDATE_ELEM, map_fd, key, value, flags);
}

/* BPF_MAP_DELETE_ELEM: -ENOENT if absent; arrays cannot delete (-EINVAL). */
BL_API int bl_sys_map_delete_elem(int map_fd, const void *key)
{
	return map_elem(BPF_MAP_DELETE_ELEM, map_fd, key, NULL, 0);
}

/*
 * BPF_MAP_GET_NEXT_KEY: the key after key, in the map's own order.  A
 * NULL key (or, for hashes, a key not in the map) gives the first key;
 * after the last key the answer is -ENOENT.  next_key shares its slot
 * with value in the attr.  Deleting while walking can restart the walk
 * on hashes: batch lookups are the robust way to dump a live map.
 */
BL_API int bl_sys_map_get_next_key(int map_fd, const void *key, void *next_key)
{
	return map_elem(BPF_MAP_GET_NEXT_KEY, map_fd, key, next_key, 0);
}

/* BPF_MAP_LOOKUP_AND_DELETE_ELEM: pop.  Queue/stack maps (NULL key) since
 * 4.20, hash maps since 5.14 (flags may be BPF_F_LOCK there). */
BL_API int bl_sys_map_lookup_and_delete_elem(int map_fd, const void *key, void *value,
					     __u64 flags)
{
	return map_elem(BPF_MAP_LOOKUP_AND_DELETE_ELEM, map_fd, key, value, flags);
}

/* BPF_MAP_FREEZE (5.2): from now on user space can only read the map;
 * programs still write unless the map has BPF_F_RDONLY_PROG.  -EBUSY if
 * a writable mmap of the map exists. */
BL_API int bl_sys_map_freeze(int map_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = map_fd;
	return bl_sys_bpf(BPF_MAP_FREEZE, &attr, ATTR_SIZE);
}

/*
 * The batch commands (5.6) use attr.batch.  count is in/out: the number
 * of key/value slots offered, then the number the kernel processed.  The
 * kernel writes count back even when the call fails, so a lookup that
 * reaches the end returns -ENOENT together with the last elements: the
 * caller must use them before stopping.  -ENOSPC from a hash lookup
 * means one bucket holds more elements than count: retry with more room.
 * elem_flags is BPF_F_LOCK or 0; batch.flags must be 0.
 */
static int map_batch(enum bpf_cmd cmd, int map_fd, const void *in_batch,
		     void *out_batch, const void *keys, const void *values,
		     __u32 *count, __u64 elem_flags)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.batch.map_fd = map_fd;
	attr.batch.in_batch = ptr_to_u64(in_batch);
	attr.batch.out_batch = ptr_to_u64(out_batch);
	attr.batch.keys = ptr_to_u64(keys);
	attr.batch.values = ptr_to_u64(values);
	attr.batch.count = count ? *count : 0;
	attr.batch.elem_flags = elem_flags;
	ret = bl_sys_bpf(cmd, &attr, ATTR_SIZE);
	if (count)
		*count = attr.batch.count;
	return ret;
}

/* BPF_MAP_LOOKUP_BATCH: in_batch NULL starts a walk; out_batch gets the
 * cursor to pass as in_batch next time (opaque, key-sized for hashes). */
BL_API int bl_sys_map_lookup_batch(int map_fd, void *in_batch, void *out_batch,
				   void *keys, void *values, __u32 *count,
				   __u64 elem_flags)
{
	return map_batch(BPF_MAP_LOOKUP_BATCH, map_fd, in_batch, out_batch,
			 keys, values, count, elem_flags);
}

/* BPF_MAP_LOOKUP_AND_DELETE_BATCH: the same walk, deleting what it
 * returns (hash maps; arrays cannot delete). */
BL_API int bl_sys_map_lookup_and_delete_batch(int map_fd, void *in_batch, void *out_batch,
					      void *keys, void *values, __u32 *count,
					      __u64 elem_flags)
{
	return map_batch(BPF_MAP_LOOKUP_AND_DELETE_BATCH, map_fd, in_batch,
			 out_batch, keys, values, count, elem_flags);
}

/* BPF_MAP_UPDATE_BATCH: *count pairs from keys[] and values[], like
 * UPDATE_ELEM with BPF_ANY; on failure *count says how many went in. */
BL_API int bl_sys_map_update_batch(int map_fd, const void *keys, const void *values,
				   __u32 *count, __u64 elem_flags)
{
	return map_batch(BPF_MAP_UPDATE_BATCH, map_fd, NULL, NULL, keys, values,
			 count, elem_flags);
}

/* BPF_MAP_DELETE_BATCH: delete *count keys; a missing key stops the batch
 * with -ENOENT and *count says how many were deleted before it. */
BL_API int bl_sys_map_delete_batch(int map_fd, const void *keys, __u32 *count,
				   __u64 elem_flags)
{
	return map_batch(BPF_MAP_DELETE_BATCH, map_fd, NULL, NULL, keys, NULL,
			 count, elem_flags);
}

/* ---- programs and BTF ---------------------------------------------------- */

/*
 * BPF_PROG_LOAD: verify the instructions and return a program fd.
 *
 * - license must be a string; helpers marked GPL-only need a
 *   GPL-compatible one ("GPL", "Dual BSD/GPL", ...).
 * - The verifier log: log_level 1 (or 2 for every instruction) with a
 *   buffer of log_size bytes.  Before 6.4 the log must be at least 128
 *   bytes once a level is set and a full buffer makes the load fail with
 *   -ENOSPC (keeping the beginning); 6.4+ keeps the end instead (unless
 *   log_level has BPF_LOG_FIXED, 8) and reports in log_true_size the
 *   size that would have held all of it (log_level set with no buffer is
 *   then allowed, just to learn that size).  The reverse is refused: a
 *   log_buf or log_size with log_level 0 is -EINVAL.
 * - log_true_size is not in the 6.1 header: it sits in the attr's last
 *   four bytes (BL_PROG_LOAD_LOG_TRUE_SIZE_OFF), which the kernel writes
 *   only if we pass a size that covers them, as we do.  It stays 0 on
 *   older kernels.
 * - expected_attach_type must be given at load time for program types
 *   whose context depends on the hook (cgroup sock_addr, tracing, ...),
 *   and must then match at attach time.
 * - attach_prog_fd and attach_btf_obj_fd share one slot in the attr, so
 *   only one may be set.
 * - -EAGAIN can come from a verifier that ran out of time to handle a
 *   signal; retrying is the caller's choice.
 */
BL_API int bl_sys_prog_load(enum bpf_prog_type type, const char *name,
			    const char *license, const struct bpf_insn *insns,
			    size_t insn_cnt, struct bl_prog_load_opts *opts)
{
	union bpf_attr attr;
	int ret;

	if (insn_cnt > UINT_MAX)
		return fail(E2BIG);
	if (opts && opts->attach_prog_fd && opts->attach_btf_obj_fd)
		return fail(EINVAL);

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.insns = ptr_to_u64(insns);
	attr.insn_cnt = (__u32)insn_cnt;
	attr.license = ptr_to_u64(license);
	copy_obj_name(attr.prog_name, name);
	if (opts) {
		attr.expected_attach_type = opts->expected_attach_type;
		attr.prog_flags = opts->prog_flags;
		attr.kern_version = opts->kern_version;
		attr.prog_ifindex = opts->prog_ifindex;
		attr.prog_btf_fd = opts->prog_btf_fd;
		attr.func_info = ptr_to_u64(opts->func_info);
		attr.func_info_rec_size = opts->func_info_rec_size;
		attr.func_info_cnt = opts->func_info_cnt;
		attr.line_info = ptr_to_u64(opts->line_info);
		attr.line_info_rec_size = opts->line_info_rec_size;
		attr.line_info_cnt = opts->line_info_cnt;
		attr.attach_btf_id = opts->attach_btf_id;
		if (opts->attach_prog_fd)
			attr.attach_prog_fd = opts->attach_prog_fd;
		else
			attr.attach_btf_obj_fd = opts->attach_btf_obj_fd;
		attr.fd_array = ptr_to_u64(opts->fd_array);
		attr.log_level = opts->log_level;
		attr.log_size = opts->log_size;
		attr.log_buf = ptr_to_u64(opts->log_buf);
	}
	ret = bl_sys_bpf(BPF_PROG_LOAD, &attr, ATTR_SIZE);
	if (opts)
		memcpy(&opts->log_true_size,
		       (const char *)&attr + BL_PROG_LOAD_LOG_TRUE_SIZE_OFF,
		       sizeof(opts->log_true_size));
	return ret;
}

/*
 * BPF_BTF_LOAD: hand the kernel a BTF blob (header, types, strings) and
 * get a BTF object fd, used by map_create (btf_fd) and prog_load
 * (prog_btf_fd).  The log works as for programs, 6.4+ also reporting
 * the needed size at BL_BTF_LOAD_LOG_TRUE_SIZE_OFF (shown in the trace).
 */
BL_API int bl_sys_btf_load(const void *btf, __u32 size, char *log_buf,
			   __u32 log_size, __u32 log_level)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.btf = ptr_to_u64(btf);
	attr.btf_size = size;
	attr.btf_log_buf = ptr_to_u64(log_buf);
	attr.btf_log_size = log_size;
	attr.btf_log_level = log_level;
	return bl_sys_bpf(BPF_BTF_LOAD, &attr, ATTR_SIZE);
}

/* ---- bpffs pinning ------------------------------------------------------- */

/* BPF_OBJ_PIN: create a file on a bpf filesystem that holds a reference
 * to the map, program, link or BTF behind fd (so it outlives the
 * process).  -EEXIST if the path exists; -EPERM if it is not on bpffs;
 * unlink(2) removes it. */
BL_API int bl_sys_obj_pin(int fd, const char *path)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = ptr_to_u64(path);
	attr.bpf_fd = fd;
	return bl_sys_bpf(BPF_OBJ_PIN, &attr, ATTR_SIZE);
}

/* BPF_OBJ_GET: a new fd for a pinned object.  file_flags BPF_F_RDONLY or
 * BPF_F_WRONLY restrict what this fd may do to a map (-EPERM later). */
BL_API int bl_sys_obj_get(const char *path, __u32 file_flags)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = ptr_to_u64(path);
	attr.file_flags = file_flags;
	return bl_sys_bpf(BPF_OBJ_GET, &attr, ATTR_SIZE);
}

/* ---- introspection ------------------------------------------------------- */

/*
 * BPF_OBJ_GET_INFO_BY_FD: fill struct bpf_{prog,map,btf,link}_info.  The
 * kernel copies min(*info_len, its struct size) and writes that length
 * back.  If our buffer is longer than the kernel's struct, the extra
 * bytes must be zero (E2BIG otherwise), so zero the buffer first.  Some
 * fields are themselves pointers the caller sets before the call (e.g.
 * map_ids with nr_map_ids, xlated_prog_insns): the kernel fills those
 * arrays and writes back the full counts.
 */
BL_API int bl_sys_obj_get_info_by_fd(int fd, void *info, __u32 *info_len)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = *info_len;
	attr.info.info = ptr_to_u64(info);
	ret = bl_sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, ATTR_SIZE);
	if (ret == 0)
		*info_len = attr.info.info_len;
	return ret;
}

/* BPF_*_GET_NEXT_ID: the smallest id above start_id; -ENOENT past the
 * last.  Ids are global (not per process) and need CAP_SYS_ADMIN. */
static int get_next_id(enum bpf_cmd cmd, __u32 start_id, __u32 *next_id)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.start_id = start_id;
	ret = bl_sys_bpf(cmd, &attr, ATTR_SIZE);
	if (ret == 0)
		*next_id = attr.next_id;
	return ret;
}

BL_API int bl_sys_prog_get_next_id(__u32 start_id, __u32 *next_id)
{
	return get_next_id(BPF_PROG_GET_NEXT_ID, start_id, next_id);
}

BL_API int bl_sys_map_get_next_id(__u32 start_id, __u32 *next_id)
{
	return get_next_id(BPF_MAP_GET_NEXT_ID, start_id, next_id);
}

BL_API int bl_sys_btf_get_next_id(__u32 start_id, __u32 *next_id)
{
	return get_next_id(BPF_BTF_GET_NEXT_ID, start_id, next_id);
}

BL_API int bl_sys_link_get_next_id(__u32 start_id, __u32 *next_id)
{
	return get_next_id(BPF_LINK_GET_NEXT_ID, start_id, next_id);
}

/* BPF_*_GET_FD_BY_ID: open an object by id (CAP_SYS_ADMIN); -ENOENT if
 * it is gone.  The id sits in a union (prog_id, map_id, ...) at the same
 * offset; open_flags (BPF_F_RDONLY...) apply to maps only. */
static int get_fd_by_id(enum bpf_cmd cmd, __u32 id)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.start_id = id;
	return bl_sys_bpf(cmd, &attr, ATTR_SIZE);
}

BL_API int bl_sys_prog_get_fd_by_id(__u32 id)
{
	return get_fd_by_id(BPF_PROG_GET_FD_BY_ID, id);
}

BL_API int bl_sys_map_get_fd_by_id(__u32 id)
{
	return get_fd_by_id(BPF_MAP_GET_FD_BY_ID, id);
}

BL_API int bl_sys_btf_get_fd_by_id(__u32 id)
{
	return get_fd_by_id(BPF_BTF_GET_FD_BY_ID, id);
}

BL_API int bl_sys_link_get_fd_by_id(__u32 id)
{
	return get_fd_by_id(BPF_LINK_GET_FD_BY_ID, id);
}

/*
 * BPF_TASK_FD_QUERY: given a pid and one of its fds (a perf event with a
 * program, or a raw tracepoint fd), say what is attached: program id,
 * kind (BPF_FD_TYPE_*) and the tracepoint/symbol/file name in buf.
 * buf_len is in/out: on -ENOSPC the kernel still reports the length the
 * name needs, and the name is cut to fit.
 */
BL_API int bl_sys_task_fd_query(int pid, int fd, char *buf, __u32 *buf_len,
				struct bl_task_fd_query *out)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.task_fd_query.pid = pid;
	attr.task_fd_query.fd = fd;
	attr.task_fd_query.buf = ptr_to_u64(buf);
	attr.task_fd_query.buf_len = buf_len ? *buf_len : 0;
	ret = bl_sys_bpf(BPF_TASK_FD_QUERY, &attr, ATTR_SIZE);
	if (buf_len)
		*buf_len = attr.task_fd_query.buf_len;
	if (out) {
		out->prog_id = attr.task_fd_query.prog_id;
		out->fd_type = attr.task_fd_query.fd_type;
		out->probe_offset = attr.task_fd_query.probe_offset;
		out->probe_addr = attr.task_fd_query.probe_addr;
	}
	return ret;
}

/* ---- attaching ----------------------------------------------------------- */

static int is_tcx_layout(__u32 attach_type)
{
	return attach_type == BL_TCX_INGRESS || attach_type == BL_TCX_EGRESS ||
	       attach_type == BL_NETKIT_PRIMARY || attach_type == BL_NETKIT_PEER;
}

static int is_tracing_layout(__u32 attach_type)
{
	return attach_type == BPF_TRACE_FENTRY || attach_type == BPF_TRACE_FEXIT ||
	       attach_type == BPF_MODIFY_RETURN || attach_type == BPF_LSM_MAC ||
	       attach_type == BPF_TRACE_RAW_TP || attach_type == BPF_LSM_CGROUP;
}

/*
 * tcx and netkit (6.6) read { relative_fd or relative_id,
 * expected_revision } where the 6.1 header has target_btf_id: the overlay
 * struct in uapi.h describes those bytes.  BPF_F_BEFORE/AFTER with
 * relative_fd place the program; a non-zero expected_revision makes the
 * attach fail with -ESTALE if the hook changed meanwhile.
 */
static int link_create_tcx(int prog_fd, int ifindex, __u32 attach_type,
			   const struct bl_link_create_opts *opts)
{
	struct bl_link_create_tcx_attr tcx;
	union bpf_attr attr;

	memset(&tcx, 0, sizeof(tcx));
	tcx.prog_fd = prog_fd;
	tcx.target_ifindex = ifindex;
	tcx.attach_type = attach_type;
	if (opts) {
		tcx.flags = opts->flags;
		tcx.relative_fd = opts->relative_fd;
		tcx.expected_revision = opts->expected_revision;
	}
	memset(&attr, 0, sizeof(attr));
	memcpy(&attr, &tcx, sizeof(tcx));
	return bl_sys_bpf(BPF_LINK_CREATE, &attr, ATTR_SIZE);
}

/*
 * BPF_LINK_CREATE (5.7): attach a program and get a link fd that owns the
 * attachment: closing the last reference (fd or pin) detaches.
 * target_fd is a cgroup, netns, perf event or program fd, or an ifindex
 * for XDP/tcx/netkit.  What follows the four common fields depends on
 * attach_type, in a union:
 *   BPF_PERF_EVENT      perf_event.bpf_cookie (5.15)
 *   BPF_TRACE_ITER      iter_info + iter_info_len (which map/task/...)
 *   fentry/fexit/lsm... tracing.target_btf_id + tracing.cookie (5.19)
 *   tcx, netkit         see link_create_tcx()
 *   others              target_btf_id (freplace targets), else nothing
 */
BL_API int bl_sys_link_create(int prog_fd, int target_fd, __u32 attach_type,
			      const struct bl_link_create_opts *opts)
{
	union bpf_attr attr;

	if (is_tcx_layout(attach_type))
		return link_create_tcx(prog_fd, target_fd, attach_type, opts);

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog_fd;
	attr.link_create.target_fd = target_fd;
	attr.link_create.attach_type = attach_type;
	if (!opts)
		return bl_sys_bpf(BPF_LINK_CREATE, &attr, ATTR_SIZE);

	attr.link_create.flags = opts->flags;
	if (attach_type == BPF_PERF_EVENT) {
		attr.link_create.perf_event.bpf_cookie = opts->bpf_cookie;
	} else if (attach_type == BPF_TRACE_ITER) {
		attr.link_create.iter_info = ptr_to_u64(opts->iter_info);
		attr.link_create.iter_info_len = opts->iter_info_len;
	} else if (is_tracing_layout(attach_type)) {
		attr.link_create.tracing.target_btf_id = opts->target_btf_id;
		attr.link_create.tracing.cookie = opts->bpf_cookie;
	} else {
		attr.link_create.target_btf_id = opts->target_btf_id;
	}
	return bl_sys_bpf(BPF_LINK_CREATE, &attr, ATTR_SIZE);
}

/* BPF_LINK_UPDATE: atomically put new_prog_fd in the link's place.  With
 * BPF_F_REPLACE it only happens if old_prog_fd is the current program
 * (-EPERM otherwise).  Not every link type supports it (-EINVAL/
 * -EOPNOTSUPP, e.g. perf event links). */
BL_API int bl_sys_link_update(int link_fd, int new_prog_fd, __u32 flags, int old_prog_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_update.link_fd = link_fd;
	attr.link_update.new_prog_fd = new_prog_fd;
	attr.link_update.flags = flags;
	attr.link_update.old_prog_fd = old_prog_fd;
	return bl_sys_bpf(BPF_LINK_UPDATE, &attr, ATTR_SIZE);
}

/* BPF_LINK_DETACH (5.9): detach now; the fd stays valid but "defunct"
 * (its info shows no target).  Link types without it: -EOPNOTSUPP. */
BL_API int bl_sys_link_detach(int link_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_detach.link_fd = link_fd;
	return bl_sys_bpf(BPF_LINK_DETACH, &attr, ATTR_SIZE);
}

/* BPF_RAW_TRACEPOINT_OPEN: attach a raw_tracepoint program to the named
 * tracepoint (e.g. "sys_enter", no category), or a tp_btf/fentry-style
 * program to its load-time target with name NULL.  The fd returned is a
 * link since 5.7 (get_info says BPF_LINK_TYPE_RAW_TRACEPOINT). */
BL_API int bl_sys_raw_tracepoint_open(const char *name, int prog_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.raw_tracepoint.name = ptr_to_u64(name);
	attr.raw_tracepoint.prog_fd = prog_fd;
	return bl_sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &attr, ATTR_SIZE);
}

/*
 * BPF_PROG_ATTACH: the pre-link way to attach, with no fd owning the
 * attachment: it stays until BPF_PROG_DETACH or the target goes away.
 * For cgroups attach_flags chooses the mode: 0 (one program, no
 * override below), BPF_F_ALLOW_OVERRIDE, or BPF_F_ALLOW_MULTI (a list);
 * BPF_F_REPLACE with replace_bpf_fd swaps one program of a list.
 */
BL_API int bl_sys_prog_attach(int prog_fd, int target_fd, __u32 attach_type,
			      __u32 flags, int replace_prog_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = target_fd;
	attr.attach_bpf_fd = prog_fd;
	attr.attach_type = attach_type;
	attr.attach_flags = flags;
	attr.replace_bpf_fd = replace_prog_fd;
	return bl_sys_bpf(BPF_PROG_ATTACH, &attr, ATTR_SIZE);
}

/* BPF_PROG_DETACH: undo PROG_ATTACH.  For multi-program cgroup hooks
 * prog_fd names which one; -ENOENT if it is not attached there. */
BL_API int bl_sys_prog_detach(int prog_fd, int target_fd, __u32 attach_type)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = target_fd;
	attr.attach_bpf_fd = prog_fd;
	attr.attach_type = attach_type;
	return bl_sys_bpf(BPF_PROG_DETACH, &attr, ATTR_SIZE);
}

/*
 * BPF_PROG_QUERY: which programs are attached to a hook (ids, in run
 * order) and the hook's attach_flags.  query_flags BPF_F_QUERY_EFFECTIVE
 * asks for the effective list, inherited from ancestor cgroups included.
 * prog_cnt is in/out and written back even on -ENOSPC (too small a
 * prog_ids array), so a call with prog_ids NULL counts.
 */
BL_API int bl_sys_prog_query(int target_fd, __u32 attach_type, __u32 query_flags,
			     __u32 *attach_flags, __u32 *prog_ids, __u32 *prog_cnt)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = target_fd;
	attr.query.attach_type = attach_type;
	attr.query.query_flags = query_flags;
	attr.query.prog_ids = ptr_to_u64(prog_ids);
	attr.query.prog_cnt = prog_cnt ? *prog_cnt : 0;
	ret = bl_sys_bpf(BPF_PROG_QUERY, &attr, ATTR_SIZE);
	if (prog_cnt)
		*prog_cnt = attr.query.prog_cnt;
	if (attach_flags)
		*attach_flags = attr.query.attach_flags;
	return ret;
}

/* BPF_ITER_CREATE (5.8): from an iterator link, a new fd whose read(2)
 * runs the program over the objects; each open is a fresh walk. */
BL_API int bl_sys_iter_create(int link_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.iter_create.link_fd = link_fd;
	return bl_sys_bpf(BPF_ITER_CREATE, &attr, ATTR_SIZE);
}

/* BPF_PROG_BIND_MAP (5.10): tie a map's lifetime to a program that does
 * not reference it in its code (e.g. a metadata .rodata).  Binding the
 * same map twice is not an error. */
BL_API int bl_sys_prog_bind_map(int prog_fd, int map_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_bind_map.prog_fd = prog_fd;
	attr.prog_bind_map.map_fd = map_fd;
	return bl_sys_bpf(BPF_PROG_BIND_MAP, &attr, ATTR_SIZE);
}

/* ---- running and statistics ---------------------------------------------- */

/*
 * BPF_PROG_TEST_RUN (alias BPF_PROG_RUN): run the program in the kernel
 * on data_in (a packet, built into an skb or xdp_buff) and/or ctx_in (the
 * context struct, e.g. __sk_buff fields), without attaching it.  Outputs:
 * retval, duration (mean ns over repeat runs), the packet in data_out and
 * the context in ctx_out, their sizes written back (also with -ENOSPC
 * when the buffer was too small: the data is cut to fit).  Supported
 * only by some program types; others give -ENOTSUPP (524) or -EINVAL.
 */
BL_API int bl_sys_prog_test_run(int prog_fd, struct bl_test_run_opts *opts)
{
	union bpf_attr attr;
	int ret;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = prog_fd;
	attr.test.data_in = ptr_to_u64(opts->data_in);
	attr.test.data_size_in = opts->data_size_in;
	attr.test.data_out = ptr_to_u64(opts->data_out);
	attr.test.data_size_out = opts->data_size_out;
	attr.test.ctx_in = ptr_to_u64(opts->ctx_in);
	attr.test.ctx_size_in = opts->ctx_size_in;
	attr.test.ctx_out = ptr_to_u64(opts->ctx_out);
	attr.test.ctx_size_out = opts->ctx_size_out;
	attr.test.repeat = opts->repeat;
	attr.test.flags = opts->flags;
	attr.test.cpu = opts->cpu;
	ret = bl_sys_bpf(BPF_PROG_TEST_RUN, &attr, ATTR_SIZE);
	opts->data_size_out = attr.test.data_size_out;
	opts->ctx_size_out = attr.test.ctx_size_out;
	opts->retval = attr.test.retval;
	opts->duration = attr.test.duration;
	return ret;
}

/* BPF_ENABLE_STATS (5.8): while the returned fd is open, every program's
 * run_cnt and run_time_ns (bpf_prog_info) are counted, system-wide.
 * type is BPF_STATS_RUN_TIME, the only kind so far. */
BL_API int bl_sys_enable_stats(__u32 type)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.enable_stats.type = type;
	return bl_sys_bpf(BPF_ENABLE_STATS, &attr, ATTR_SIZE);
}

/* ---- perf events and ioctls ---------------------------------------------- */

/*
 * perf_event_open(2) has no libc wrapper.  attr->size tells the kernel
 * which version of struct perf_event_attr we speak: 0 means the oldest
 * (64 bytes), so we set it to our header's size when the caller left it
 * 0.  A size the kernel does not know, with non-zero bytes past its
 * end, gives E2BIG and the kernel writes its own size back into
 * attr->size.  For BPF: a tracepoint event (type PERF_TYPE_TRACEPOINT,
 * config = the id from tracefs events/<cat>/<name>/id) or a kprobe/uprobe
 * PMU event, then PERF_EVENT_IOC_SET_BPF or BPF_LINK_CREATE.
 */
BL_API int bl_sys_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu,
				  int group_fd, unsigned long flags)
{
	long ret;
	int err;

	if (!attr->size)
		attr->size = sizeof(*attr);
	ret = syscall(__NR_perf_event_open, attr, pid, cpu, group_fd, flags);
	err = ret < 0 ? errno : 0;
	bl_trace_perf_event_open(attr, pid, cpu, group_fd, flags, err ? -err : ret);
	return err ? fail(err) : (int)ret;
}

/*
 * ioctl(2) on a perf event fd.  PERF_EVENT_IOC_SET_BPF (arg: program fd)
 * attaches a program to a tracepoint/kprobe/uprobe event, one per event
 * and only until the event fd is closed (-EEXIST if one is set);
 * PERF_EVENT_IOC_ENABLE/DISABLE start and stop the event.
 */
BL_API int bl_sys_perf_ioctl(int fd, unsigned long request, unsigned long arg)
{
	long ret;
	int err;

	ret = ioctl(fd, request, arg);
	err = ret < 0 ? errno : 0;
	bl_trace_perf_ioctl(fd, request, arg, err ? -err : ret);
	return err ? fail(err) : (int)ret;
}
