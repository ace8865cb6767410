// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_core_btf_dump.c - the vmlinux.h that bpfload btf dump writes.
 *
 * For /sys/kernel/btf/vmlinux and for each Debian kernel image cached in
 * tests/vm/cache (5.10, 6.1, 6.12, when fetched):
 *  - the header is written (and how long that takes is shown);
 *  - it compiles with clang -target bpf, with no warning;
 *  - its layout is the kernel's: a generated file of _Static_asserts
 *    (the size of every struct and union whose name is unique, the
 *    offset of each of their non-bitfield members, also inside anonymous
 *    members) compiles against it;
 * and for the running kernel, a CO-RE program written against the
 * header compiles and relocates to the kernel's offsets.  The raw format
 * lists every type.
 *
 * Needs clang ($CLANG, else clang) and /sys/kernel/btf/vmlinux (no root).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpfload.h>
#include "object/btf.h"
#include "object/btf_dump.h"
#include "object/core.h"
#include "object/object.h"
#include "tap.h"

static char dir[] = "/tmp/bpfload-btfdump-XXXXXX";

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int read_file(const char *path, unsigned char **buf, size_t *size)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 20, n;

	*size = 0;
	*buf = malloc(cap);
	while (f && *buf && (n = fread(*buf + *size, 1, cap - *size, f)) > 0) {
		*size += n;
		if (*size == cap)
			*buf = realloc(*buf, cap *= 2);
	}
	if (f)
		fclose(f);
	return f && *buf ? 0 : -1;
}

static const char *clang(void)
{
	return getenv("CLANG") && *getenv("CLANG") ? getenv("CLANG") : "clang";
}

/* Run cmd; its output (stderr too) in *out (malloc'ed). */
static int run(const char *cmd, char **out)
{
	char full[8192], buf[4096];
	FILE *p;
	size_t len = 0, n;

	snprintf(full, sizeof(full), "%s 2>&1", cmd);
	p = popen(full, "r");
	*out = calloc(1, 1);
	while (p && (n = fread(buf, 1, sizeof(buf), p)) > 0) {
		char *o = realloc(*out, len + n + 1);

		if (!o)
			break;
		*out = o;
		memcpy(*out + len, buf, n);
		len += n;
		(*out)[len] = '\0';
	}
	return p ? pclose(p) : -1;
}

/* ---- the _Static_asserts ----------------------------------------------------------- */

static int name_count(const struct bl_btf *btf, const char *name)
{
	int n = 0;

	for (__u32 id = 1; id < bl_btf_type_cnt(btf); id++) {
		const struct btf_type *t = bl_btf_type(btf, id);
		__u32 k = bl_btf_kind(t);

		if ((k == BTF_KIND_STRUCT || k == BTF_KIND_UNION || k == BTF_KIND_ENUM ||
		     k == BTF_KIND_ENUM64) && !strcmp(bl_btf_name(btf, t), name))
			n++;
	}
	return n;
}

static bool plain_ident(const char *s)
{
	if (!*s || !strncmp(s, "__builtin", 9))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* Asserts for the members of composite id at bit base, under "struct X". */
static int member_asserts(const struct bl_btf *btf, __u32 id, const char *tag, __u32 base,
			  FILE *f, int depth)
{
	const struct btf_type *t = bl_btf_resolve(btf, id, &id);
	const struct btf_member *m;
	int n = 0;

	if (!t || depth > 8)
		return 0;
	m = bl_btf_extra(t);
	for (__u32 i = 0; i < bl_btf_vlen(t); i++) {
		const char *mn = bl_btf_str(btf, m[i].name_off);
		__u32 off = bl_btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(m[i].offset) : m[i].offset;
		__u32 bits = bl_btf_kflag(t) ? BTF_MEMBER_BITFIELD_SIZE(m[i].offset) : 0;

		if (mn && !*mn) {
			n += member_asserts(btf, m[i].type, tag, base + off, f, depth + 1);
			continue;
		}
		if (bits || !mn || !plain_ident(mn) || (base + off) % 8)
			continue;
		fprintf(f, "_Static_assert(__builtin_offsetof(%s, %s) == %u, \"%s.%s\");\n", tag, mn,
			(base + off) / 8, tag, mn);
		n++;
	}
	return n;
}

/* Returns how many asserts were written. */
static int write_asserts(const struct bl_btf *btf, const char *path)
{
	FILE *f = fopen(path, "w");
	int n = 0;

	if (!f)
		return -1;
	fprintf(f, "#include \"vmlinux.h\"\n");
	for (__u32 id = 1; id < bl_btf_type_cnt(btf); id++) {
		const struct btf_type *t = bl_btf_type(btf, id);
		const char *name = bl_btf_name(btf, t);
		char tag[300];

		if ((bl_btf_kind(t) != BTF_KIND_STRUCT && bl_btf_kind(t) != BTF_KIND_UNION) ||
		    !plain_ident(name) || name_count(btf, name) != 1)
			continue;
		snprintf(tag, sizeof(tag), "%s %s", bl_btf_kind(t) == BTF_KIND_UNION ? "union" :
			 "struct", name);
		fprintf(f, "_Static_assert(sizeof(%s) == %u, \"%s\");\n", tag, t->size, tag);
		n += 1 + member_asserts(btf, id, tag, 0, f, 0);
	}
	fclose(f);
	return n;
}

/* ---- one BTF ------------------------------------------------------------------------ */

static void check_btf(const char *label, const char *path, bool core_prog)
{
	unsigned char *raw = NULL;
	size_t size = 0;
	struct bl_btf *btf = NULL;
	struct bl_error e = { 0 };
	char hdr[256], asserts[256], cmd[2048], *out = NULL;
	double t0, t1, t2;
	FILE *f;
	int n, st;

	if (read_file(path, &raw, &size)) {
		ok(0, "%s: read %s", label, path);
		return;
	}
	t0 = now();
	st = bl_btf_parse_image(raw, size, NULL, path, &btf, &e);
	t1 = now();
	if (!ok(!st, "%s: parse %s (%zu bytes, %.1f ms)", label, path, size, (t1 - t0) * 1e3)) {
		tap_diag("%s", e.msg);
		goto out;
	}
	snprintf(hdr, sizeof(hdr), "%s/vmlinux.h", dir);
	f = fopen(hdr, "w");
	t1 = now();
	st = f ? bl_btf_dump(btf, BL_BTF_DUMP_C, f, &e) : -errno;
	t2 = now();
	if (f)
		fclose(f);
	if (!ok(!st, "%s: write vmlinux.h (%u types, %.1f ms)", label, bl_btf_type_cnt(btf) - 1,
		(t2 - t1) * 1e3)) {
		tap_diag("%s", e.msg);
		goto out;
	}
	snprintf(asserts, sizeof(asserts), "%s/asserts.c", dir);
	n = write_asserts(btf, asserts);
	snprintf(cmd, sizeof(cmd), "%s -target bpf -fsyntax-only -Werror -I%s %s", clang(), dir,
		 asserts);
	st = run(cmd, &out);
	if (!ok(st == 0, "%s: vmlinux.h compiles without a warning and has the kernel's layout"
		" (%d size and offset asserts)", label, n)) {
		out[strlen(out) > 2000 ? 2000 : strlen(out)] = '\0';
		tap_diag("%s", out);
	}
	free(out);
	out = NULL;
	if (core_prog) {
		char src[256], obj[256];
		struct bl_object *o;
		const struct bl_program *p;

		snprintf(src, sizeof(src), "%s/prog.c", dir);
		snprintf(obj, sizeof(obj), "%s/prog.o", dir);
		f = fopen(src, "w");
		if (f) {
			fprintf(f, "#include \"vmlinux.h\"\n"
				"__attribute__((section(\"socket\"), used))\n"
				"int prog(void *ctx)\n{\n"
				"\tstruct task_struct *t = 0;\n"
				"\treturn __builtin_preserve_field_info(t->pid, 0);\n}\n"
				"char _license[] __attribute__((section(\"license\"), used)) = \"GPL\";\n");
			fclose(f);
		}
		snprintf(cmd, sizeof(cmd), "%s -target bpf -O2 -g -c -I%s %s -o %s", clang(), dir, src,
			 obj);
		st = run(cmd, &out);
		o = st ? NULL : bl_object_open(obj, NULL, NULL);
		p = o ? bl_object_find_program(o, "prog") : NULL;
		if (ok(p && p->nr_core_relos == 1, "%s: a CO-RE program built on vmlinux.h has its"
		       " record", label)) {
			struct bl_core_target tg = { .btf = btf };
			struct bl_core_result res;
			struct bpf_insn insns[64];
			__u32 tid = bl_btf_find(btf, "task_struct", BTF_KIND_STRUCT);
			const struct btf_type *tt = bl_btf_type(btf, tid);
			const struct btf_member *m = tt ? bl_btf_extra(tt) : NULL;
			__u32 want = 0;

			for (__u32 i = 0; m && i < bl_btf_vlen(tt); i++)
				if (!strcmp(bl_btf_str(btf, m[i].name_off), "pid"))
					want = m[i].offset / 8;
			memcpy(insns, p->insns, p->nr_insns * sizeof(insns[0]));
			ok(p->nr_insns <= 64 && !bl_core_relocate(o->btf, &tg, "prog", insns,
			   p->nr_insns, p->core_relos, 1, &res, &e) &&
			   (__u32)insns[p->core_relos[0].insn_off / 8].imm == want,
			   "%s: and it relocates to task_struct.pid at %u (vmlinux.h already had it"
			   " there)", label, want);
			bl_core_result_free(&res);
		} else {
			tap_diag("%s", out);
		}
		bl_object_close(o);
		free(out);
		out = NULL;
	}
out:
	free(out);
	bl_btf_free(btf);
	free(raw);
}

static void check_raw(void)
{
	struct bl_btf *btf = NULL;
	unsigned char *raw = NULL;
	char *text = NULL;
	size_t size = 0, len = 0;
	struct bl_error e = { 0 };
	FILE *f;

	if (read_file("/sys/kernel/btf/vmlinux", &raw, &size) ||
	    bl_btf_parse(raw, size, NULL, "vmlinux", &btf, &e))
		return;
	f = open_memstream(&text, &len);
	ok(f && !bl_btf_dump(btf, BL_BTF_DUMP_RAW, f, &e), "raw dump");
	if (f)
		fclose(f);
	like(text, "[1] ", "it starts at type 1");
	like(text, "STRUCT 'task_struct' size=", "it lists task_struct");
	free(text);
	bl_btf_free(btf);
	free(raw);
}

static void cleanup(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		return;
}

int main(void)
{
	const char *cache = getenv("BPFLOAD_VM_CACHE") ? getenv("BPFLOAD_VM_CACHE") :
			    "tests/vm/cache";
	struct dirent **names = NULL;
	char cmd[300], *out = NULL;
	int n, found = 0;

	if (access("/sys/kernel/btf/vmlinux", R_OK))
		tap_skip_all("no /sys/kernel/btf/vmlinux");
	snprintf(cmd, sizeof(cmd), "%s --version", clang());
	if (run(cmd, &out)) {
		free(out);
		tap_skip_all("no clang (set CLANG)");
	}
	free(out);
	if (!mkdtemp(dir))
		tap_bail("mkdtemp: %s", strerror(errno));
	atexit(cleanup);
	check_raw();
	check_btf("running kernel", "/sys/kernel/btf/vmlinux", true);
	n = scandir(cache, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		char path[1024];

		if (!strncmp(names[i]->d_name, "vmlinux-", 8)) {
			snprintf(path, sizeof(path), "%s/%s", cache, names[i]->d_name);
			check_btf(names[i]->d_name + 8, path, false);
			found++;
		}
		free(names[i]);
	}
	free(names);
	if (!found)
		tap_skip("the Debian kernels' vmlinux.h", "no vmlinux images in %s", cache);
	return tap_done();
}
