// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_core_opensnoop.c - the CO-RE records of opensnoop_core_kern.o (built
 * once on vmlinux.h), relocated for each kernel we know the BTF of.
 *
 * For /sys/kernel/btf/vmlinux and each Debian kernel image cached in
 * tests/vm/cache (5.10, 6.1, 6.12, when fetched):
 *  - the kernel BTF has struct open_how with flags and mode (our BTF
 *    reader, members walked by name);
 *  - every program's records relocate (bl_core_relocate, nothing
 *    poisoned); the reads of open_how.flags and open_how.mode in the
 *    kprobe (kernel memory) and in the sys_enter_openat2 program (user
 *    memory) get the offsets that BTF gives, and so does every other
 *    single member access (struct pt_regs registers of the kprobe);
 *  - the object loads on the running kernel with that BTF as
 *    btf_custom_path, and its tracepoint programs, attached and filtered
 *    on this process, report an openat2 and an openat with exactly the
 *    flags and mode passed.
 * The kprobe itself runs in the VM guests (tests/vm/t_core_opensnoop.c).
 *
 * The object is looked for in $BPFLOAD_OPENSNOOP_CORE_OBJ, then
 * ./opensnoop_core_kern.o, then $BPFLOAD_BUILD/bin and build/bin.  The
 * relocation checks need no privileges; loading needs root and tracefs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include <bpfload.h>
#include <bpfload/attach.h>
#include <bpfload/events.h>
#include "object/btf.h"
#include "object/core.h"
#include "object/object.h"
#include "tap.h"
#include "testutil.h"
#include "../../kern/opensnoop_core.h"

static char obj_path[PATH_MAX];

static bool exists(const char *p)
{
	struct stat st;

	return !stat(p, &st);
}

static const char *find_object(void)
{
	const char *env = getenv("BPFLOAD_OPENSNOOP_CORE_OBJ");
	const char *build = getenv("BPFLOAD_BUILD");

	if (env && exists(env))
		return env;
	if (exists("opensnoop_core_kern.o"))
		return "opensnoop_core_kern.o";
	snprintf(obj_path, sizeof(obj_path), "%s/bin/opensnoop_core_kern.o",
		 build ? build : "build");
	return exists(obj_path) ? obj_path : NULL;
}

static int read_file(const char *path, unsigned char **buf, size_t *size)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 20, n;

	*size = 0;
	*buf = f ? malloc(cap) : NULL;
	while (*buf && (n = fread(*buf + *size, 1, cap - *size, f)) > 0) {
		*size += n;
		if (*size == cap) {
			unsigned char *b = realloc(*buf, cap *= 2);

			if (!b) {
				free(*buf);
				*buf = NULL;
			}
			*buf = b;
		}
	}
	if (f)
		fclose(f);
	return *buf ? 0 : -1;
}

/* ---- our own BTF walk, for the expected offsets ------------------------------- */

/* Byte offset of member name in struct/union id (also inside anonymous
 * members), or -1. */
static long member_offset(const struct bl_btf *btf, __u32 id, const char *name, int depth)
{
	const struct btf_type *t = bl_btf_resolve(btf, id, &id);
	const struct btf_member *m;

	if (!t || depth > 8 || (bl_btf_kind(t) != BTF_KIND_STRUCT &&
				 bl_btf_kind(t) != BTF_KIND_UNION))
		return -1;
	m = bl_btf_extra(t);
	for (__u32 i = 0; i < bl_btf_vlen(t); i++) {
		const char *n = bl_btf_str(btf, m[i].name_off);
		__u32 bits = bl_btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(m[i].offset) : m[i].offset;
		long inner;

		if (n && !*n && (inner = member_offset(btf, m[i].type, name, depth + 1)) >= 0)
			return bits / 8 + inner;
		if (n && !strcmp(n, name))
			return bits / 8;
	}
	return -1;
}

/* A record "0:N" on a struct of the object's BTF: its struct and member
 * names (false for any other access). */
static bool record_member(const struct bl_btf *local, const struct bpf_core_relo *r,
			  const char **sname, const char **mname)
{
	const struct btf_type *t = bl_btf_resolve(local, r->type_id, NULL);
	const char *acc = bl_btf_str(local, r->access_str_off);
	const struct btf_member *m;
	unsigned int root, n;
	char more;

	if (!t || !acc || sscanf(acc, "%u:%u%c", &root, &n, &more) != 2 || root ||
	    bl_btf_kind(t) != BTF_KIND_STRUCT || n >= bl_btf_vlen(t))
		return false;
	m = bl_btf_extra(t);
	*sname = bl_btf_name(local, t);
	*mname = bl_btf_str(local, m[n].name_off);
	return *sname && *mname;
}

/* ---- relocation ------------------------------------------------------------------ */

/* Relocate every program against btf; check the open_how reads and the
 * other member offsets. */
static void check_relocations(struct bl_object *obj, const struct bl_btf *btf, const char *label)
{
	__u32 how = bl_btf_find(btf, "open_how", BTF_KIND_STRUCT);
	long flags_off = how ? member_offset(btf, how, "flags", 0) : -1;
	long mode_off = how ? member_offset(btf, how, "mode", 0) : -1;

	if (!ok(how && flags_off >= 0 && mode_off >= 0, "%s: the kernel BTF has struct open_how"
		" (flags at %ld, mode at %ld)", label, flags_off, mode_off))
		return;
	for (size_t i = 0; i < obj->nr_progs; i++) {
		const struct bl_program *p = &obj->progs[i];
		struct bl_core_target tg = { .btf = btf };
		struct bl_core_result res = { 0 };
		struct bl_error e = { 0 };
		struct bpf_insn *insns = malloc(p->nr_insns * sizeof(*insns));
		int others = 0, others_ok = 0, how_flags = 0, how_mode = 0, err;

		if (!insns)
			tap_bail("out of memory");
		memcpy(insns, p->insns, p->nr_insns * sizeof(*insns));
		err = bl_core_relocate(obj->btf, &tg, p->name, insns, p->nr_insns, p->core_relos,
				       p->nr_core_relos, &res, &e);
		if (!ok(!err && !res.nr_poisoned && res.nr_outcomes == p->nr_core_relos,
			"%s: %s: its %zu CO-RE records relocate, none poisoned", label, p->name,
			p->nr_core_relos)) {
			tap_diag("%s", err ? e.msg : res.nr_poisoned ? res.poisoned[0].msg : "");
			goto next;
		}
		for (size_t k = 0; k < p->nr_core_relos; k++) {
			const struct bpf_core_relo *r = &p->core_relos[k];
			const struct bl_core_outcome *o = &res.outcomes[k];
			const char *sname, *mname;
			long want;

			if (r->kind != BPF_CORE_FIELD_BYTE_OFFSET ||
			    !record_member(obj->btf, r, &sname, &mname))
				continue;
			want = member_offset(btf, bl_btf_find(btf, sname, BTF_KIND_STRUCT),
					     mname, 0);
			if (strcmp(sname, "open_how")) {
				others++;
				if (want >= 0 && o->target_val == (__u64)want &&
				    o->insn == r->insn_off / 8)
					others_ok++;
				else
					tap_diag("%s.%s: relocated to %llu, the BTF says %ld",
						 sname, mname,
						 (unsigned long long)o->target_val, want);
				continue;
			}
			how_flags += !strcmp(mname, "flags");
			how_mode += !strcmp(mname, "mode");
			is_int(o->target_val, want, "%s: %s: insn %u reads open_how.%s at"
			       " offset %ld", label, p->name, r->insn_off / 8, mname, want);
		}
		if (!strcmp(p->name, "kprobe_openat2") || !strcmp(p->name, "tp_openat2"))
			ok(how_flags && how_mode, "%s: %s reads open_how.flags and open_how.mode"
			   " by CO-RE (%d and %d records)", label, p->name, how_flags, how_mode);
		if (others)
			is_int(others_ok, others, "%s: %s: its other %d member offsets (%s) are the"
			       " BTF's", label, p->name, others,
			       !strcmp(p->name, "kprobe_openat2") ? "struct pt_regs" : "...");
next:
		bl_core_result_free(&res);
		free(insns);
	}
}

/* ---- load and run the tracepoints ------------------------------------------------ */

struct seen {
	struct opensnoop_core_event ev[8];
	int n;
	const char *path;
};

static int on_event(void *ctx, const void *data, size_t size)
{
	struct seen *s = ctx;
	const struct opensnoop_core_event *e = data;

	if (size >= sizeof(*e) && !strcmp(e->file, s->path) && s->n < 8)
		memcpy(&s->ev[s->n++], e, sizeof(*e));
	return 0;
}

static void check_load(const char *path, const char *custom, const char *label)
{
	struct bl_load_opts lo = { .btf_custom_path = custom };
	struct bl_object *obj = bl_object_open(path, NULL, NULL);
	struct open_how how = { .flags = O_WRONLY | O_CREAT | O_CLOEXEC, .mode = 0640 };
	char file[64];
	struct bl_ringbuf *rb = NULL;
	struct bl_error err = { 0 };
	struct seen s = { .path = file };
	__u32 me = getpid();
	long fd;

	snprintf(file, sizeof(file), "/tmp/bpfload-core-opensnoop-%d", (int)me);
	if (!ok(obj != NULL, "%s: open %s", label, path))
		return;
	bl_object_set_global(obj, "target_pid", &me, sizeof(me));
	if (!ok(!bl_object_load(obj, &lo), "%s: load (CO-RE against %s)", label,
		custom ? custom : "/sys/kernel/btf/vmlinux")) {
		tu_diag_lines(bl_object_error(obj));
		goto out;
	}
	if (!ok(bl_program_attach(bl_object_find_program(obj, "tp_openat2"), &err) &&
		bl_program_attach(bl_object_find_program(obj, "tp_openat"), &err),
		"%s: attach sys_enter_openat2 and sys_enter_openat", label)) {
		tu_diag_lines(err.msg);
		goto out;
	}
	rb = bl_ringbuf_new(NULL, &err);
	if (!ok(rb && bl_ringbuf_add(rb, bl_map_fd(bl_object_find_map(obj, "events")), on_event,
				     &s, &err) >= 0, "%s: ring buffer reader", label))
		goto out;
	fd = syscall(SYS_openat2, AT_FDCWD, file, &how, sizeof(how));
	if (fd >= 0)
		close((int)fd);
	fd = syscall(SYS_openat, AT_FDCWD, file, O_RDONLY | O_NOFOLLOW, 0);
	if (fd >= 0)
		close((int)fd);
	unlink(file);
	for (int i = 0; i < 50 && s.n < 2; i++)
		bl_ringbuf_poll(rb, 100);
	if (!is_int(s.n, 2, "%s: two records for this process's opens of %s", label, file))
		goto out;
	is_int(s.ev[0].source, OPENSNOOP_CORE_OPENAT2, "%s: the first from sys_enter_openat2",
	       label);
	is_int(s.ev[0].how_err, 0, "%s: ... its open_how read from user memory", label);
	is_int(s.ev[0].flags, O_WRONLY | O_CREAT | O_CLOEXEC, "%s: ... flags O_WRONLY|O_CREAT|"
	       "O_CLOEXEC", label);
	is_int(s.ev[0].mode, 0640, "%s: ... mode 0640", label);
	is_int(s.ev[1].source, OPENSNOOP_CORE_OPENAT, "%s: the second from sys_enter_openat",
	       label);
	is_int(s.ev[1].flags, O_RDONLY | O_NOFOLLOW, "%s: ... flags O_RDONLY|O_NOFOLLOW", label);
	is_int(s.ev[1].pid, me, "%s: ... pid is this process", label);
out:
	bl_ringbuf_free(rb);
	bl_object_close(obj);
}

/* ---- each kernel ----------------------------------------------------------------- */

static void check_kernel(const char *path, const char *btf_path, const char *custom,
			 const char *label, bool load)
{
	struct bl_object *obj = bl_object_open(path, NULL, NULL);
	struct bl_btf *btf = NULL;
	struct bl_error e = { 0 };
	unsigned char *raw = NULL;
	size_t size = 0;

	if (!ok(obj != NULL, "%s: open %s", label, path))
		return;
	if (!ok(!read_file(btf_path, &raw, &size) &&
		!bl_btf_parse_image(raw, size, NULL, btf_path, &btf, &e),
		"%s: read the BTF of %s", label, btf_path)) {
		tap_diag("%s", e.msg);
		goto out;
	}
	check_relocations(obj, btf, label);
	if (load)
		check_load(path, custom, label);
out:
	bl_btf_free(btf);
	free(raw);
	bl_object_close(obj);
}

int main(void)
{
	const char *cache = getenv("BPFLOAD_VM_CACHE") ? getenv("BPFLOAD_VM_CACHE") :
			    "tests/vm/cache";
	const char *path = find_object(), *why;
	struct dirent **names = NULL;
	int n, found = 0;
	bool load;

	if (!path)
		tap_skip_all("opensnoop_core_kern.o not found (make kern: it needs a vmlinux.h"
			     " from /sys/kernel/btf/vmlinux)");
	why = tu_bpf_unavailable();
	if (!why && tu_ensure_tracefs())
		why = "tracefs cannot be mounted";
	load = !why;
	if (why)
		tap_diag("not loading the object: %s", why);
	/* kernels before 5.11 charge maps to RLIMIT_MEMLOCK */
	setrlimit(RLIMIT_MEMLOCK, &(struct rlimit){ RLIM_INFINITY, RLIM_INFINITY });

	if (exists("/sys/kernel/btf/vmlinux"))
		check_kernel(path, "/sys/kernel/btf/vmlinux", NULL, "running kernel", load);
	else
		tap_skip("the running kernel", "no /sys/kernel/btf/vmlinux");

	n = scandir(cache, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		char img[PATH_MAX];

		if (!strncmp(names[i]->d_name, "vmlinux-", 8)) {
			snprintf(img, sizeof(img), "%s/%s", cache, names[i]->d_name);
			check_kernel(path, img, img, names[i]->d_name + 8, load);
			found++;
		}
		free(names[i]);
	}
	free(names);
	if (!found)
		tap_skip("the Debian kernels", "no vmlinux images in %s (run"
			 " tests/vm/fetch-kernels)", cache);
	return tap_done();
}
