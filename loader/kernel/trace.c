// SPDX-License-Identifier: BSD-2-Clause
/*
 * trace.c - print every system call bpfload makes, strace style.
 *
 *   bpf(BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_HASH, key_size=4, ...}, 144) = 4
 *   bpf(BPF_MAP_LOOKUP_ELEM, {map_fd=4, key=[01 00 00 00], ...}, 144)
 *     = -1 ENOENT (No such file or directory)        (on one line)
 *
 * One line per call, written after the call so the result is on it.
 * The attr is decoded field by field for our commands; fields that are
 * optional and zero are left out.  A field the kernel writes back is
 * shown as "name=in => out" when it changed.  Element commands show keys
 * and values as bytes: the sizes come from asking the kernel about the
 * map (an extra, untraced BPF_OBJ_GET_INFO_BY_FD, only while tracing).
 *
 * Off by default.  On through bl_trace_set(FILE *) or BPFLOAD_TRACE in
 * the environment (read once): "1" is stderr, "" and "0" are off, any
 * other value is a file appended to.  Lines are formatted into a buffer
 * and written with the FILE locked, so threads never interleave.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <bpfload/sys.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define LINE_MAX_LEN 4096
#define HEX_MAX 16		/* bytes of a key/value shown */
#define STR_MAX 128		/* characters of a string shown */

/* ---- where the trace goes ------------------------------------------------ */

static pthread_once_t env_once = PTHREAD_ONCE_INIT;
static FILE *trace_out;		/* NULL: off.  Read and written atomically. */

static void read_env(void)
{
	const char *v = secure_getenv("BPFLOAD_TRACE");
	FILE *f;

	if (!v || !*v || !strcmp(v, "0"))
		return;
	if (!strcmp(v, "1")) {
		__atomic_store_n(&trace_out, stderr, __ATOMIC_RELEASE);
		return;
	}
	f = fopen(v, "ae");
	if (!f) {
		fprintf(stderr, "bpfload: BPFLOAD_TRACE: cannot open %s: %s\n",
			v, strerror(errno));
		return;
	}
	__atomic_store_n(&trace_out, f, __ATOMIC_RELEASE);
}

static FILE *trace_file(void)
{
	pthread_once(&env_once, read_env);
	return __atomic_load_n(&trace_out, __ATOMIC_ACQUIRE);
}

/* An explicit choice wins over the environment, so read that first.
 * out must stay open until tracing is set to something else; a file
 * opened for BPFLOAD_TRACE stays open for the life of the process. */
BL_API void bl_trace_set(FILE *out)
{
	int saved = errno;

	pthread_once(&env_once, read_env);
	__atomic_store_n(&trace_out, out, __ATOMIC_RELEASE);
	errno = saved;
}

BL_API int bl_trace_enabled(void)
{
	int saved = errno;
	int on = trace_file() != NULL;

	errno = saved;
	return on;
}

/* ---- building one line --------------------------------------------------- */

struct line {
	char buf[LINE_MAX_LEN];
	size_t len;
};

static void add_v(struct line *l, const char *fmt, va_list ap)
{
	size_t room = sizeof(l->buf) - l->len;
	int n;

	if (room <= 1)
		return;
	n = vsnprintf(l->buf + l->len, room, fmt, ap);
	if (n < 0)
		return;
	l->len += (size_t)n < room ? (size_t)n : room - 1;
}

static void __attribute__((format(printf, 2, 3))) add(struct line *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_v(l, fmt, ap);
	va_end(ap);
}

static void add_ptr(struct line *l, const char *field, __u64 p)
{
	if (p)
		add(l, ", %s=0x%llx", field, (unsigned long long)p);
	else
		add(l, ", %s=NULL", field);
}

/* fds travel as __u32; shown signed, so a stray -1 reads as -1. */
static void add_fd(struct line *l, const char *field, __u32 fd)
{
	add(l, ", %s=%d", field, (int)fd);
}

/*
 * Copy up to len bytes of our own memory at addr without trusting addr:
 * a caller may hand bpf() a bad pointer (the kernel then says EFAULT or
 * fails earlier), and the trace must not crash where the call did not.
 * process_vm_readv() on ourselves reads what is mapped and stops at the
 * first fault.  Returns the number of bytes copied.
 */
static size_t peek(void *dst, __u64 addr, size_t len)
{
	const size_t page = 4096;	/* the smallest page; a split is harmless */
	struct iovec local = { .iov_base = dst, .iov_len = len };
	struct iovec remote[4];
	size_t done = 0, chunk;
	int cnt = 0;
	ssize_t n;

	if (!addr || !len)
		return 0;
	/* A transfer stops at the first iovec that faults, never inside
	 * one, so split at page boundaries to get the readable part. */
	while (done < len && cnt < 4) {
		chunk = page - (size_t)((addr + done) % page);
		if (chunk > len - done)
			chunk = len - done;
		remote[cnt].iov_base = (void *)(unsigned long)(addr + done);
		remote[cnt].iov_len = chunk;
		done += chunk;
		cnt++;
	}
	local.iov_len = done;
	n = process_vm_readv(getpid(), &local, 1, remote, cnt, 0);
	return n > 0 ? (size_t)n : 0;
}

/* A string of at most max bytes (not necessarily NUL-terminated), quoted. */
static void add_str(struct line *l, const char *field, const char *s, size_t max)
{
	size_t i;

	add(l, ", %s=\"", field);
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			add(l, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			add(l, "\\x%02x", c);
		else
			add(l, "%c", c);
	}
	add(l, i == max ? "\"..." : "\"");
}

/* A string in user memory: NULL, a pointer we cannot read, or its text. */
static void add_ustr(struct line *l, const char *field, __u64 addr, size_t max)
{
	char buf[STR_MAX + 1];
	size_t n;

	if (max > STR_MAX)
		max = STR_MAX;
	n = peek(buf, addr, max);
	if (!n) {
		add_ptr(l, field, addr);
		return;
	}
	buf[n] = 0;
	add_str(l, field, buf, n);	/* "..." if no NUL within what we read */
}

static void add_hex(struct line *l, const char *field, const void *p, size_t len, int more)
{
	const unsigned char *b = p;
	size_t i;

	add(l, ", %s=[", field);
	for (i = 0; i < len; i++)
		add(l, i ? " %02x" : "%02x", b[i]);
	add(l, more ? " ...]" : "]");
}

static void add_enum(struct line *l, const char *field, const char *name, __u32 v)
{
	if (name)
		add(l, ", %s=%s", field, name);
	else
		add(l, ", %s=%u", field, v);
}

/* In/out fields: "cnt=4" if unchanged, "cnt=4 => 2" if the kernel wrote. */
static void add_inout(struct line *l, const char *field, __u32 in, __u32 out)
{
	if (in == out)
		add(l, ", %s=%u", field, in);
	else
		add(l, ", %s=%u => %u", field, in, out);
}

struct flag_name {
	__u64 bit;
	const char *name;
};

/* "A|B|0x40" for known and leftover bits; zero prints as zero_name. */
static void add_flags(struct line *l, const char *field, __u64 v,
		      const struct flag_name *t, size_t n, const char *zero_name)
{
	const char *sep = "";
	size_t i;

	add(l, ", %s=", field);
	if (!v) {
		add(l, "%s", zero_name ? zero_name : "0");
		return;
	}
	for (i = 0; i < n; i++) {
		if (!(v & t[i].bit))
			continue;
		add(l, "%s%s", sep, t[i].name);
		sep = "|";
		v &= ~t[i].bit;
	}
	if (v)
		add(l, "%s0x%llx", sep, (unsigned long long)v);
}

static const char *err_desc(int e)
{
	if (e == 524)
		return "Operation not supported, kernel-internal code";
	if (e >= 512)
		return "kernel-internal error code";
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
	{
		const char *d = strerrordesc_np(e);

		return d ? d : "Unknown error";
	}
#else
	return strerror(e);
#endif
}

static void add_result(struct line *l, long ret)
{
	const char *sym;

	if (ret >= 0) {
		add(l, " = %ld", ret);
		return;
	}
	sym = bl_errno_symbol((int)-ret);
	if (sym)
		add(l, " = -1 %s (%s)", sym, err_desc((int)-ret));
	else
		add(l, " = -1 errno %ld (%s)", -ret, err_desc((int)-ret));
}

/* One write per line, under the FILE's lock: no interleaving. */
static void emit(struct line *l)
{
	FILE *out = trace_file();

	if (!out)
		return;
	/* A line that filled the buffer ends in "..." to show the cut. */
	if (l->len > sizeof(l->buf) - 5) {
		l->len = sizeof(l->buf) - 5;
		memcpy(l->buf + l->len, "...", 3);
		l->len += 3;
	}
	l->buf[l->len++] = '\n';
	flockfile(out);
	fwrite_unlocked(l->buf, 1, l->len, out);
	fflush_unlocked(out);
	funlockfile(out);
}

/* ---- flag tables --------------------------------------------------------- */

static const struct flag_name map_flags[] = {
	{ BPF_F_NO_PREALLOC, "BPF_F_NO_PREALLOC" },
	{ BPF_F_NO_COMMON_LRU, "BPF_F_NO_COMMON_LRU" },
	{ BPF_F_NUMA_NODE, "BPF_F_NUMA_NODE" },
	{ BPF_F_RDONLY, "BPF_F_RDONLY" },
	{ BPF_F_WRONLY, "BPF_F_WRONLY" },
	{ BPF_F_STACK_BUILD_ID, "BPF_F_STACK_BUILD_ID" },
	{ BPF_F_ZERO_SEED, "BPF_F_ZERO_SEED" },
	{ BPF_F_RDONLY_PROG, "BPF_F_RDONLY_PROG" },
	{ BPF_F_WRONLY_PROG, "BPF_F_WRONLY_PROG" },
	{ BPF_F_CLONE, "BPF_F_CLONE" },
	{ BPF_F_MMAPABLE, "BPF_F_MMAPABLE" },
	{ BPF_F_PRESERVE_ELEMS, "BPF_F_PRESERVE_ELEMS" },
	{ BPF_F_INNER_MAP, "BPF_F_INNER_MAP" },
	{ BPF_F_LINK, "BPF_F_LINK" },
	{ 1U << 14, "BPF_F_PATH_FD" },
	{ 1U << 15, "BPF_F_VTYPE_BTF_OBJ_FD" },
	{ 1U << 16, "BPF_F_TOKEN_FD" },
	{ BPF_F_SEGV_ON_FAULT, "BPF_F_SEGV_ON_FAULT" },
	{ BPF_F_NO_USER_CONV, "BPF_F_NO_USER_CONV" },
};

static const struct flag_name prog_flags[] = {
	{ BPF_F_STRICT_ALIGNMENT, "BPF_F_STRICT_ALIGNMENT" },
	{ BPF_F_ANY_ALIGNMENT, "BPF_F_ANY_ALIGNMENT" },
	{ BPF_F_TEST_RND_HI32, "BPF_F_TEST_RND_HI32" },
	{ BPF_F_TEST_STATE_FREQ, "BPF_F_TEST_STATE_FREQ" },
	{ BPF_F_SLEEPABLE, "BPF_F_SLEEPABLE" },
	{ BPF_F_XDP_HAS_FRAGS, "BPF_F_XDP_HAS_FRAGS" },
	{ 1U << 6, "BPF_F_XDP_DEV_BOUND_ONLY" },
	{ 1U << 7, "BPF_F_TEST_REG_INVARIANTS" },
	{ 1U << 16, "BPF_F_TOKEN_FD" },
};

/* prog_attach / link_create / link_update flags. */
static const struct flag_name attach_flags[] = {
	{ BPF_F_ALLOW_OVERRIDE, "BPF_F_ALLOW_OVERRIDE" },
	{ BPF_F_ALLOW_MULTI, "BPF_F_ALLOW_MULTI" },
	{ BPF_F_REPLACE, "BPF_F_REPLACE" },
	{ BPF_F_BEFORE, "BPF_F_BEFORE" },
	{ BPF_F_AFTER, "BPF_F_AFTER" },
	{ BPF_F_ID, "BPF_F_ID" },
	{ BPF_F_LINK, "BPF_F_LINK" },
};

static const struct flag_name file_flags[] = {
	{ BPF_F_RDONLY, "BPF_F_RDONLY" },
	{ BPF_F_WRONLY, "BPF_F_WRONLY" },
	{ 1U << 14, "BPF_F_PATH_FD" },
};

static const struct flag_name test_run_flags[] = {
	{ BPF_F_TEST_RUN_ON_CPU, "BPF_F_TEST_RUN_ON_CPU" },
	{ BPF_F_TEST_XDP_LIVE_FRAMES, "BPF_F_TEST_XDP_LIVE_FRAMES" },
	{ BPF_F_TEST_SKB_CHECKSUM_COMPLETE, "BPF_F_TEST_SKB_CHECKSUM_COMPLETE" },
};

static const struct flag_name query_flags[] = {
	{ BPF_F_QUERY_EFFECTIVE, "BPF_F_QUERY_EFFECTIVE" },
};

static const struct flag_name perf_flags[] = {
	{ PERF_FLAG_FD_NO_GROUP, "PERF_FLAG_FD_NO_GROUP" },
	{ PERF_FLAG_FD_OUTPUT, "PERF_FLAG_FD_OUTPUT" },
	{ PERF_FLAG_PID_CGROUP, "PERF_FLAG_PID_CGROUP" },
	{ PERF_FLAG_FD_CLOEXEC, "PERF_FLAG_FD_CLOEXEC" },
};

static const struct flag_name sample_types[] = {
	{ PERF_SAMPLE_IP, "PERF_SAMPLE_IP" },
	{ PERF_SAMPLE_TID, "PERF_SAMPLE_TID" },
	{ PERF_SAMPLE_TIME, "PERF_SAMPLE_TIME" },
	{ PERF_SAMPLE_ADDR, "PERF_SAMPLE_ADDR" },
	{ PERF_SAMPLE_READ, "PERF_SAMPLE_READ" },
	{ PERF_SAMPLE_CALLCHAIN, "PERF_SAMPLE_CALLCHAIN" },
	{ PERF_SAMPLE_ID, "PERF_SAMPLE_ID" },
	{ PERF_SAMPLE_CPU, "PERF_SAMPLE_CPU" },
	{ PERF_SAMPLE_PERIOD, "PERF_SAMPLE_PERIOD" },
	{ PERF_SAMPLE_STREAM_ID, "PERF_SAMPLE_STREAM_ID" },
	{ PERF_SAMPLE_RAW, "PERF_SAMPLE_RAW" },
};

/* Element flags: the low two bits are a choice, BPF_F_LOCK a bit. */
static void add_elem_flags(struct line *l, __u64 f)
{
	static const char *const mode[] = { "BPF_ANY", "BPF_NOEXIST", "BPF_EXIST", "3" };

	add(l, ", flags=%s", mode[f & 3]);
	if (f & BPF_F_LOCK)
		add(l, "|BPF_F_LOCK");
	f &= ~(__u64)(3 | BPF_F_LOCK);
	if (f)
		add(l, "|0x%llx", (unsigned long long)f);
}

/* ---- bpf() commands ------------------------------------------------------ */

static void dec_map_create(struct line *l, const union bpf_attr *a)
{
	add_enum(l, "map_type", bl_map_type_name(a->map_type), a->map_type);
	add(l, ", key_size=%u, value_size=%u, max_entries=%u",
	    a->key_size, a->value_size, a->max_entries);
	add_flags(l, "map_flags", a->map_flags, map_flags, ARRAY_SIZE(map_flags), NULL);
	if (a->inner_map_fd)
		add_fd(l, "inner_map_fd", a->inner_map_fd);
	if (a->numa_node || (a->map_flags & BPF_F_NUMA_NODE))
		add(l, ", numa_node=%u", a->numa_node);
	add_str(l, "map_name", a->map_name, BPF_OBJ_NAME_LEN);
	if (a->map_ifindex)
		add(l, ", map_ifindex=%u", a->map_ifindex);
	if (a->btf_fd || a->btf_key_type_id || a->btf_value_type_id) {
		add_fd(l, "btf_fd", a->btf_fd);
		add(l, ", btf_key_type_id=%u, btf_value_type_id=%u",
		    a->btf_key_type_id, a->btf_value_type_id);
	}
	if (a->btf_vmlinux_value_type_id)
		add(l, ", btf_vmlinux_value_type_id=%u", a->btf_vmlinux_value_type_id);
	if (a->map_extra)
		add(l, ", map_extra=0x%llx", (unsigned long long)a->map_extra);
}

struct map_shape {
	__u32 key_size;
	__u32 value_size;
	int percpu;
};

/* Ask the kernel for the key and value sizes (untraced, raw syscall). */
static int map_shape(int fd, struct map_shape *s)
{
	struct bpf_map_info info;
	union bpf_attr a;

	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = fd;
	a.info.info_len = sizeof(info);
	a.info.info = (__u64)(unsigned long)&info;
	if (syscall(__NR_bpf, BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)) < 0)
		return -1;
	s->key_size = info.key_size;
	s->value_size = info.value_size;
	s->percpu = info.type == BPF_MAP_TYPE_PERCPU_HASH ||
		    info.type == BPF_MAP_TYPE_PERCPU_ARRAY ||
		    info.type == BPF_MAP_TYPE_LRU_PERCPU_HASH ||
		    info.type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
	return 0;
}

/* Key or value bytes (the first HEX_MAX), or the pointer if unknown. */
static void add_buf(struct line *l, const char *field, __u64 p, __u32 size,
		    int readable, int more)
{
	unsigned char b[HEX_MAX];
	size_t want = size < HEX_MAX ? size : HEX_MAX;

	if (!p || !readable || (want && peek(b, p, want) != want)) {
		add_ptr(l, field, p);
		return;
	}
	add_hex(l, field, b, want, more || size > HEX_MAX);
}

/*
 * Element commands.  Inputs (key, update's value) are shown as bytes
 * unless the call failed with EFAULT; outputs (lookup's value,
 * next_key) only on success.
 */
static void dec_map_elem(struct line *l, int cmd, const union bpf_attr *a, long ret)
{
	struct map_shape s;
	int shape = ret != -EFAULT && map_shape(a->map_fd, &s) == 0;
	int in_ok = shape;
	int out_ok = shape && ret >= 0;

	add_fd(l, "map_fd", a->map_fd);
	add_buf(l, "key", a->key, shape ? s.key_size : 0, in_ok, 0);
	switch (cmd) {
	case BPF_MAP_DELETE_ELEM:
		return;
	case BPF_MAP_GET_NEXT_KEY:
		add_buf(l, "next_key", a->next_key, shape ? s.key_size : 0, out_ok, 0);
		return;
	case BPF_MAP_UPDATE_ELEM:
		add_buf(l, "value", a->value, shape ? s.value_size : 0, in_ok,
			shape && s.percpu);
		break;
	default:
		add_buf(l, "value", a->value, shape ? s.value_size : 0, out_ok,
			shape && s.percpu);
		break;
	}
	add_elem_flags(l, a->flags);
}

static void dec_map_batch(struct line *l, const union bpf_attr *in, const union bpf_attr *out)
{
	add_fd(l, "map_fd", in->batch.map_fd);
	add_ptr(l, "in_batch", in->batch.in_batch);
	add_ptr(l, "out_batch", in->batch.out_batch);
	add_ptr(l, "keys", in->batch.keys);
	add_ptr(l, "values", in->batch.values);
	add_inout(l, "count", in->batch.count, out->batch.count);
	add_elem_flags(l, in->batch.elem_flags);
	if (in->batch.flags)
		add(l, ", batch_flags=0x%llx", (unsigned long long)in->batch.flags);
}

static __u32 attr_u32(const union bpf_attr *a, size_t off)
{
	__u32 v;

	memcpy(&v, (const char *)a + off, sizeof(v));
	return v;
}

static void dec_prog_load(struct line *l, const union bpf_attr *a,
			  const union bpf_attr *out, unsigned int size)
{
	__u32 true_size;

	add_enum(l, "prog_type", bl_prog_type_name(a->prog_type), a->prog_type);
	add(l, ", insn_cnt=%u", a->insn_cnt);
	add_ptr(l, "insns", a->insns);
	add_ustr(l, "license", a->license, STR_MAX);
	add(l, ", log_level=%u, log_size=%u", a->log_level, a->log_size);
	add_ptr(l, "log_buf", a->log_buf);
	add(l, ", kern_version=%u", a->kern_version);
	add_flags(l, "prog_flags", a->prog_flags, prog_flags, ARRAY_SIZE(prog_flags), NULL);
	add_str(l, "prog_name", a->prog_name, BPF_OBJ_NAME_LEN);
	if (a->prog_ifindex)
		add(l, ", prog_ifindex=%u", a->prog_ifindex);
	add_enum(l, "expected_attach_type", bl_attach_type_name(a->expected_attach_type),
		 a->expected_attach_type);
	add_fd(l, "prog_btf_fd", a->prog_btf_fd);
	if (a->func_info_cnt || a->func_info) {
		add(l, ", func_info_rec_size=%u", a->func_info_rec_size);
		add_ptr(l, "func_info", a->func_info);
		add(l, ", func_info_cnt=%u", a->func_info_cnt);
	}
	if (a->line_info_cnt || a->line_info) {
		add(l, ", line_info_rec_size=%u", a->line_info_rec_size);
		add_ptr(l, "line_info", a->line_info);
		add(l, ", line_info_cnt=%u", a->line_info_cnt);
	}
	if (a->attach_btf_id)
		add(l, ", attach_btf_id=%u", a->attach_btf_id);
	/* One slot, two names: which applies depends on the target. */
	if (a->attach_prog_fd)
		add_fd(l, "attach_prog_fd/attach_btf_obj_fd", a->attach_prog_fd);
	if (a->fd_array)
		add_ptr(l, "fd_array", a->fd_array);
	if (a->core_relo_cnt) {
		add(l, ", core_relo_cnt=%u, core_relo_rec_size=%u",
		    a->core_relo_cnt, a->core_relo_rec_size);
		add_ptr(l, "core_relos", a->core_relos);
	}
	if (size < BL_PROG_LOAD_LOG_TRUE_SIZE_OFF + sizeof(__u32))
		return;
	true_size = attr_u32(out, BL_PROG_LOAD_LOG_TRUE_SIZE_OFF);
	if (true_size)
		add(l, ", log_true_size=%u", true_size);
}

static void dec_obj(struct line *l, int cmd, const union bpf_attr *a)
{
	add_ustr(l, "pathname", a->pathname, STR_MAX);
	if (cmd == BPF_OBJ_PIN)
		add_fd(l, "bpf_fd", a->bpf_fd);
	add_flags(l, "file_flags", a->file_flags, file_flags, ARRAY_SIZE(file_flags), NULL);
}

static void dec_prog_attach(struct line *l, int cmd, const union bpf_attr *a)
{
	add_fd(l, "target_fd", a->target_fd);
	add_fd(l, "attach_bpf_fd", a->attach_bpf_fd);
	add_enum(l, "attach_type", bl_attach_type_name(a->attach_type), a->attach_type);
	if (cmd == BPF_PROG_DETACH && !a->attach_flags)
		return;
	add_flags(l, "attach_flags", a->attach_flags, attach_flags,
		  ARRAY_SIZE(attach_flags), NULL);
	if (a->replace_bpf_fd || (a->attach_flags & BPF_F_REPLACE))
		add_fd(l, "replace_bpf_fd", a->replace_bpf_fd);
}

static void dec_test_run(struct line *l, const union bpf_attr *in,
			 const union bpf_attr *out, long ret)
{
	add_fd(l, "prog_fd", in->test.prog_fd);
	if (ret >= 0)
		add(l, ", retval=%u", out->test.retval);
	add(l, ", data_size_in=%u", in->test.data_size_in);
	add_ptr(l, "data_in", in->test.data_in);
	add_inout(l, "data_size_out", in->test.data_size_out, out->test.data_size_out);
	add_ptr(l, "data_out", in->test.data_out);
	add(l, ", repeat=%u", in->test.repeat);
	if (ret >= 0)
		add(l, ", duration=%u", out->test.duration);
	if (in->test.ctx_in || in->test.ctx_size_in) {
		add(l, ", ctx_size_in=%u", in->test.ctx_size_in);
		add_ptr(l, "ctx_in", in->test.ctx_in);
	}
	if (in->test.ctx_out || in->test.ctx_size_out) {
		add_inout(l, "ctx_size_out", in->test.ctx_size_out, out->test.ctx_size_out);
		add_ptr(l, "ctx_out", in->test.ctx_out);
	}
	add_flags(l, "flags", in->test.flags, test_run_flags, ARRAY_SIZE(test_run_flags), NULL);
	if (in->test.cpu)
		add(l, ", cpu=%u", in->test.cpu);
	if (in->test.batch_size)
		add(l, ", batch_size=%u", in->test.batch_size);
}

static void dec_get_next_id(struct line *l, const union bpf_attr *in,
			    const union bpf_attr *out, long ret)
{
	add(l, ", start_id=%u", in->start_id);
	if (ret >= 0)
		add(l, ", next_id=%u", out->next_id);
}

static void dec_get_fd_by_id(struct line *l, int cmd, const union bpf_attr *a)
{
	static const char *const field[] = {
		[BPF_PROG_GET_FD_BY_ID] = "prog_id",
		[BPF_MAP_GET_FD_BY_ID] = "map_id",
		[BPF_BTF_GET_FD_BY_ID] = "btf_id",
		[BPF_LINK_GET_FD_BY_ID] = "link_id",
	};

	add(l, ", %s=%u", field[cmd], a->prog_id);
	add_flags(l, "open_flags", a->open_flags, file_flags, ARRAY_SIZE(file_flags), NULL);
}

static void dec_get_info(struct line *l, const union bpf_attr *in, const union bpf_attr *out)
{
	add_fd(l, "bpf_fd", in->info.bpf_fd);
	add_inout(l, "info_len", in->info.info_len, out->info.info_len);
	add_ptr(l, "info", in->info.info);
}

static void dec_prog_query(struct line *l, const union bpf_attr *in,
			   const union bpf_attr *out, long ret)
{
	add_fd(l, "target_fd", in->query.target_fd);
	add_enum(l, "attach_type", bl_attach_type_name(in->query.attach_type),
		 in->query.attach_type);
	add_flags(l, "query_flags", in->query.query_flags, query_flags,
		  ARRAY_SIZE(query_flags), NULL);
	if (ret >= 0)
		add_flags(l, "attach_flags", out->query.attach_flags, attach_flags,
			  ARRAY_SIZE(attach_flags), NULL);
	add_ptr(l, "prog_ids", in->query.prog_ids);
	add_inout(l, "prog_cnt", in->query.prog_cnt, out->query.prog_cnt);
}

static void dec_btf_load(struct line *l, const union bpf_attr *in,
			 const union bpf_attr *out, unsigned int size)
{
	__u32 true_size;

	add_ptr(l, "btf", in->btf);
	add(l, ", btf_size=%u", in->btf_size);
	add_ptr(l, "btf_log_buf", in->btf_log_buf);
	add(l, ", btf_log_size=%u, btf_log_level=%u", in->btf_log_size, in->btf_log_level);
	if (size < BL_BTF_LOAD_LOG_TRUE_SIZE_OFF + sizeof(__u32))
		return;
	true_size = attr_u32(out, BL_BTF_LOAD_LOG_TRUE_SIZE_OFF);
	if (true_size)
		add(l, ", log_true_size=%u", true_size);
}

static void dec_task_fd_query(struct line *l, const union bpf_attr *in,
			      const union bpf_attr *out, long ret)
{
	static const char *const fd_types[] = {
		"BPF_FD_TYPE_RAW_TRACEPOINT", "BPF_FD_TYPE_TRACEPOINT",
		"BPF_FD_TYPE_KPROBE", "BPF_FD_TYPE_KRETPROBE",
		"BPF_FD_TYPE_UPROBE", "BPF_FD_TYPE_URETPROBE",
	};
	__u32 t = out->task_fd_query.fd_type;

	add(l, ", pid=%d", (int)in->task_fd_query.pid);
	add_fd(l, "fd", in->task_fd_query.fd);
	if (in->task_fd_query.flags)
		add(l, ", flags=0x%x", in->task_fd_query.flags);
	add_inout(l, "buf_len", in->task_fd_query.buf_len, out->task_fd_query.buf_len);
	if (ret < 0) {
		add_ptr(l, "buf", in->task_fd_query.buf);
		return;
	}
	if (in->task_fd_query.buf && in->task_fd_query.buf_len)
		add_ustr(l, "buf", in->task_fd_query.buf, in->task_fd_query.buf_len);
	add(l, ", prog_id=%u", out->task_fd_query.prog_id);
	add_enum(l, "fd_type", t < ARRAY_SIZE(fd_types) ? fd_types[t] : NULL, t);
	add(l, ", probe_offset=0x%llx, probe_addr=0x%llx",
	    (unsigned long long)out->task_fd_query.probe_offset,
	    (unsigned long long)out->task_fd_query.probe_addr);
}

static void dec_link_create(struct line *l, const union bpf_attr *a)
{
	__u32 t = a->link_create.attach_type;
	struct bl_link_create_tcx_attr tcx;
	struct bl_link_create_uprobe_multi_attr um;

	add_fd(l, "prog_fd", a->link_create.prog_fd);
	if (t == BPF_XDP || t == BL_TCX_INGRESS || t == BL_TCX_EGRESS ||
	    t == BL_NETKIT_PRIMARY || t == BL_NETKIT_PEER)
		add(l, ", target_ifindex=%u", a->link_create.target_ifindex);
	else
		add_fd(l, "target_fd", a->link_create.target_fd);
	add_enum(l, "attach_type", bl_attach_type_name(t), t);
	add_flags(l, "flags", a->link_create.flags, attach_flags, ARRAY_SIZE(attach_flags), NULL);

	switch (t) {
	case BPF_PERF_EVENT:
		add(l, ", bpf_cookie=0x%llx",
		    (unsigned long long)a->link_create.perf_event.bpf_cookie);
		return;
	case BPF_TRACE_ITER:
		add_ptr(l, "iter_info", a->link_create.iter_info);
		add(l, ", iter_info_len=%u", a->link_create.iter_info_len);
		return;
	case BPF_TRACE_KPROBE_MULTI:
	case BL_TRACE_KPROBE_SESSION:
		add(l, ", kprobe_multi.flags=0x%x, cnt=%u", a->link_create.kprobe_multi.flags,
		    a->link_create.kprobe_multi.cnt);
		add_ptr(l, "syms", a->link_create.kprobe_multi.syms);
		add_ptr(l, "addrs", a->link_create.kprobe_multi.addrs);
		add_ptr(l, "cookies", a->link_create.kprobe_multi.cookies);
		return;
	case BL_TCX_INGRESS:
	case BL_TCX_EGRESS:
	case BL_NETKIT_PRIMARY:
	case BL_NETKIT_PEER:
		memcpy(&tcx, a, sizeof(tcx));
		add_fd(l, "relative_fd", tcx.relative_fd);
		add(l, ", expected_revision=%llu",
		    (unsigned long long)tcx.expected_revision);
		return;
	case BL_TRACE_UPROBE_MULTI:
	case 57:	/* BPF_TRACE_UPROBE_SESSION */
		memcpy(&um, a, sizeof(um));
		add_ustr(l, "path", um.path, STR_MAX);
		add_ptr(l, "offsets", um.offsets);
		add_ptr(l, "ref_ctr_offsets", um.ref_ctr_offsets);
		add_ptr(l, "cookies", um.cookies);
		add(l, ", cnt=%u, uprobe_multi.flags=0x%x, pid=%u", um.cnt,
		    um.multi_flags, um.pid);
		return;
	default:
		break;
	}
	if (a->link_create.tracing.target_btf_id)
		add(l, ", target_btf_id=%u", a->link_create.tracing.target_btf_id);
	if (a->link_create.tracing.cookie)
		add(l, ", cookie=0x%llx", (unsigned long long)a->link_create.tracing.cookie);
}

static void dec_link_update(struct line *l, const union bpf_attr *a)
{
	add_fd(l, "link_fd", a->link_update.link_fd);
	add_fd(l, "new_prog_fd", a->link_update.new_prog_fd);
	add_flags(l, "flags", a->link_update.flags, attach_flags, ARRAY_SIZE(attach_flags), NULL);
	if (a->link_update.old_prog_fd || (a->link_update.flags & BPF_F_REPLACE))
		add_fd(l, "old_prog_fd", a->link_update.old_prog_fd);
}

static void dec_misc(struct line *l, int cmd, const union bpf_attr *a)
{
	switch (cmd) {
	case BPF_MAP_FREEZE:
		add_fd(l, "map_fd", a->map_fd);
		break;
	case BPF_RAW_TRACEPOINT_OPEN:
		add_ustr(l, "name", a->raw_tracepoint.name, STR_MAX);
		add_fd(l, "prog_fd", a->raw_tracepoint.prog_fd);
		break;
	case BPF_LINK_DETACH:
		add_fd(l, "link_fd", a->link_detach.link_fd);
		break;
	case BPF_ENABLE_STATS:
		add_enum(l, "type", a->enable_stats.type == BPF_STATS_RUN_TIME ?
			 "BPF_STATS_RUN_TIME" : NULL, a->enable_stats.type);
		break;
	case BPF_ITER_CREATE:
		add_fd(l, "link_fd", a->iter_create.link_fd);
		add(l, ", flags=0x%x", a->iter_create.flags);
		break;
	case BPF_PROG_BIND_MAP:
		add_fd(l, "prog_fd", a->prog_bind_map.prog_fd);
		add_fd(l, "map_fd", a->prog_bind_map.map_fd);
		add(l, ", flags=0x%x", a->prog_bind_map.flags);
		break;
	default:
		add(l, ", ...");
		break;
	}
}

/* Fill "{...}" for one command; every decoder starts its fields with
 * ", " so the leading separator is dropped afterwards. */
static void dec_attr(struct line *l, int cmd, const union bpf_attr *in,
		     const union bpf_attr *out, unsigned int size, long ret)
{
	switch (cmd) {
	case BPF_MAP_CREATE:
		return dec_map_create(l, in);
	case BPF_MAP_LOOKUP_ELEM:
	case BPF_MAP_UPDATE_ELEM:
	case BPF_MAP_DELETE_ELEM:
	case BPF_MAP_GET_NEXT_KEY:
	case BPF_MAP_LOOKUP_AND_DELETE_ELEM:
		return dec_map_elem(l, cmd, in, ret);
	case BPF_MAP_LOOKUP_BATCH:
	case BPF_MAP_LOOKUP_AND_DELETE_BATCH:
	case BPF_MAP_UPDATE_BATCH:
	case BPF_MAP_DELETE_BATCH:
		return dec_map_batch(l, in, out);
	case BPF_PROG_LOAD:
		return dec_prog_load(l, in, out, size);
	case BPF_OBJ_PIN:
	case BPF_OBJ_GET:
		return dec_obj(l, cmd, in);
	case BPF_PROG_ATTACH:
	case BPF_PROG_DETACH:
		return dec_prog_attach(l, cmd, in);
	case BPF_PROG_TEST_RUN:
		return dec_test_run(l, in, out, ret);
	case BPF_PROG_GET_NEXT_ID:
	case BPF_MAP_GET_NEXT_ID:
	case BPF_BTF_GET_NEXT_ID:
	case BPF_LINK_GET_NEXT_ID:
		return dec_get_next_id(l, in, out, ret);
	case BPF_PROG_GET_FD_BY_ID:
	case BPF_MAP_GET_FD_BY_ID:
	case BPF_BTF_GET_FD_BY_ID:
	case BPF_LINK_GET_FD_BY_ID:
		return dec_get_fd_by_id(l, cmd, in);
	case BPF_OBJ_GET_INFO_BY_FD:
		return dec_get_info(l, in, out);
	case BPF_PROG_QUERY:
		return dec_prog_query(l, in, out, ret);
	case BPF_BTF_LOAD:
		return dec_btf_load(l, in, out, size);
	case BPF_TASK_FD_QUERY:
		return dec_task_fd_query(l, in, out, ret);
	case BPF_LINK_CREATE:
		return dec_link_create(l, in);
	case BPF_LINK_UPDATE:
		return dec_link_update(l, in);
	default:
		return dec_misc(l, cmd, in);
	}
}

void bl_trace_bpf(int cmd, const union bpf_attr *in, const union bpf_attr *out,
		  unsigned int size, long ret)
{
	const char *name = bl_cmd_name((__u32)cmd);
	int saved = errno;
	struct line l = { .len = 0 };
	size_t open_brace;

	if (!trace_file())
		return;
	if (name)
		add(&l, "bpf(%s, ", name);
	else
		add(&l, "bpf(%d, ", cmd);
	if (!in) {
		add(&l, "NULL");
	} else {
		open_brace = l.len;
		add(&l, "{");
		dec_attr(&l, cmd, in, out, size, ret);
		/* drop the first field's ", " */
		if (l.len >= open_brace + 3 && !memcmp(l.buf + open_brace + 1, ", ", 2)) {
			memmove(l.buf + open_brace + 1, l.buf + open_brace + 3,
				l.len - open_brace - 3);
			l.len -= 2;
		}
		add(&l, "}");
	}
	add(&l, ", %u)", size);
	add_result(&l, ret);
	emit(&l);
	errno = saved;
}

/* ---- perf_event_open and ioctl ------------------------------------------- */

static const char *perf_type_name(__u32 t)
{
	static const char *const names[] = {
		"PERF_TYPE_HARDWARE", "PERF_TYPE_SOFTWARE", "PERF_TYPE_TRACEPOINT",
		"PERF_TYPE_HW_CACHE", "PERF_TYPE_RAW", "PERF_TYPE_BREAKPOINT",
	};

	return t < ARRAY_SIZE(names) ? names[t] : NULL;
}

static const char *perf_config_name(__u32 type, __u64 config)
{
	static const char *const sw[] = {
		"PERF_COUNT_SW_CPU_CLOCK", "PERF_COUNT_SW_TASK_CLOCK",
		"PERF_COUNT_SW_PAGE_FAULTS", "PERF_COUNT_SW_CONTEXT_SWITCHES",
		"PERF_COUNT_SW_CPU_MIGRATIONS", "PERF_COUNT_SW_PAGE_FAULTS_MIN",
		"PERF_COUNT_SW_PAGE_FAULTS_MAJ", "PERF_COUNT_SW_ALIGNMENT_FAULTS",
		"PERF_COUNT_SW_EMULATION_FAULTS", "PERF_COUNT_SW_DUMMY",
		"PERF_COUNT_SW_BPF_OUTPUT", "PERF_COUNT_SW_CGROUP_SWITCHES",
	};
	static const char *const hw[] = {
		"PERF_COUNT_HW_CPU_CYCLES", "PERF_COUNT_HW_INSTRUCTIONS",
		"PERF_COUNT_HW_CACHE_REFERENCES", "PERF_COUNT_HW_CACHE_MISSES",
		"PERF_COUNT_HW_BRANCH_INSTRUCTIONS", "PERF_COUNT_HW_BRANCH_MISSES",
		"PERF_COUNT_HW_BUS_CYCLES", "PERF_COUNT_HW_STALLED_CYCLES_FRONTEND",
		"PERF_COUNT_HW_STALLED_CYCLES_BACKEND", "PERF_COUNT_HW_REF_CPU_CYCLES",
	};

	if (type == PERF_TYPE_SOFTWARE && config < ARRAY_SIZE(sw))
		return sw[config];
	if (type == PERF_TYPE_HARDWARE && config < ARRAY_SIZE(hw))
		return hw[config];
	return NULL;
}

static void add_perf_bits(struct line *l, const struct perf_event_attr *a)
{
	const char *sep = "";

	add(l, ", flags=");
#define BIT(f) do { if (a->f) { add(l, "%s" #f, sep); sep = "|"; } } while (0)
	BIT(disabled);
	BIT(inherit);
	BIT(pinned);
	BIT(exclusive);
	BIT(exclude_user);
	BIT(exclude_kernel);
	BIT(exclude_hv);
	BIT(exclude_idle);
	BIT(mmap);
	BIT(comm);
	BIT(freq);
	BIT(enable_on_exec);
	BIT(task);
	BIT(watermark);
	BIT(sample_id_all);
	BIT(exclude_callchain_kernel);
	BIT(exclude_callchain_user);
	BIT(remove_on_exec);
	BIT(sigtrap);
#undef BIT
	if (!*sep)
		add(l, "0");
}

void bl_trace_perf_event_open(const struct perf_event_attr *attr, pid_t pid, int cpu,
			      int group_fd, unsigned long flags, long ret)
{
	struct perf_event_attr a;
	struct line l = { .len = 0 };
	const char *cfg;
	int saved = errno;
	size_t n;

	if (!trace_file())
		return;
	/* Read no more than the caller's struct holds (size 0 = 64 bytes). */
	n = attr->size ? attr->size : PERF_ATTR_SIZE_VER0;
	if (n > sizeof(a))
		n = sizeof(a);
	memset(&a, 0, sizeof(a));
	memcpy(&a, attr, n);

	add(&l, "perf_event_open({");
	if (perf_type_name(a.type))
		add(&l, "type=%s", perf_type_name(a.type));
	else
		add(&l, "type=%u", a.type);
	add(&l, ", size=%u", a.size);
	cfg = perf_config_name(a.type, a.config);
	if (cfg)
		add(&l, ", config=%s", cfg);
	else
		add(&l, ", config=%llu", (unsigned long long)a.config);
	if (a.config1 || a.config2)
		add(&l, ", config1=0x%llx, config2=0x%llx",
		    (unsigned long long)a.config1, (unsigned long long)a.config2);
	if (a.freq)
		add(&l, ", sample_freq=%llu", (unsigned long long)a.sample_freq);
	else
		add(&l, ", sample_period=%llu", (unsigned long long)a.sample_period);
	add_flags(&l, "sample_type", a.sample_type, sample_types, ARRAY_SIZE(sample_types), NULL);
	if (a.watermark)
		add(&l, ", wakeup_watermark=%u", a.wakeup_watermark);
	else
		add(&l, ", wakeup_events=%u", a.wakeup_events);
	add_perf_bits(&l, &a);
	add(&l, "}, pid=%d, cpu=%d, group_fd=%d", (int)pid, cpu, group_fd);
	add_flags(&l, "flags", flags, perf_flags, ARRAY_SIZE(perf_flags), NULL);
	add(&l, ")");
	add_result(&l, ret);
	emit(&l);
	errno = saved;
}

static const char *perf_ioctl_name(unsigned long req)
{
	switch (req) {
	case PERF_EVENT_IOC_ENABLE:		return "PERF_EVENT_IOC_ENABLE";
	case PERF_EVENT_IOC_DISABLE:		return "PERF_EVENT_IOC_DISABLE";
	case PERF_EVENT_IOC_REFRESH:		return "PERF_EVENT_IOC_REFRESH";
	case PERF_EVENT_IOC_RESET:		return "PERF_EVENT_IOC_RESET";
	case PERF_EVENT_IOC_PERIOD:		return "PERF_EVENT_IOC_PERIOD";
	case PERF_EVENT_IOC_SET_OUTPUT:		return "PERF_EVENT_IOC_SET_OUTPUT";
	case PERF_EVENT_IOC_SET_FILTER:		return "PERF_EVENT_IOC_SET_FILTER";
	case PERF_EVENT_IOC_ID:			return "PERF_EVENT_IOC_ID";
	case PERF_EVENT_IOC_SET_BPF:		return "PERF_EVENT_IOC_SET_BPF";
	case PERF_EVENT_IOC_PAUSE_OUTPUT:	return "PERF_EVENT_IOC_PAUSE_OUTPUT";
	case PERF_EVENT_IOC_QUERY_BPF:		return "PERF_EVENT_IOC_QUERY_BPF";
	case PERF_EVENT_IOC_MODIFY_ATTRIBUTES:	return "PERF_EVENT_IOC_MODIFY_ATTRIBUTES";
	default:				return NULL;
	}
}

void bl_trace_perf_ioctl(int fd, unsigned long request, unsigned long arg, long ret)
{
	const char *name = perf_ioctl_name(request);
	struct line l = { .len = 0 };
	int saved = errno;

	if (!trace_file())
		return;
	if (name)
		add(&l, "ioctl(%d, %s, ", fd, name);
	else
		add(&l, "ioctl(%d, 0x%lx, ", fd, request);
	if (request == PERF_EVENT_IOC_SET_BPF)
		add(&l, "%lu)", arg);		/* a program fd */
	else if (arg == PERF_IOC_FLAG_GROUP && (request == PERF_EVENT_IOC_ENABLE ||
		 request == PERF_EVENT_IOC_DISABLE || request == PERF_EVENT_IOC_RESET))
		add(&l, "PERF_IOC_FLAG_GROUP)");
	else
		add(&l, "%s%lx)", arg ? "0x" : "", arg);
	add_result(&l, ret);
	emit(&l);
	errno = saved;
}

/* ---- other calls ---------------------------------------------------------- */

BL_API void bl_trace_call(long result, const char *fmt, ...)
{
	struct line l = { .len = 0 };
	int saved = errno;
	va_list ap;

	if (!trace_file())
		return;
	va_start(ap, fmt);
	add_v(&l, fmt, ap);
	va_end(ap);
	add_result(&l, result);
	emit(&l);
	errno = saved;
}
