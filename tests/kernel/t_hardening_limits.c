// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_hardening_limits.c - objects at and past the limits: bounded memory
 * and a clear outcome (it loads, or a precise error).
 *
 *  - limits_progs.o (2000 programs) and limits_maps.o (2000 maps): with
 *    the open-file limit at 1024 the load cannot get a fd per program or
 *    map: it fails with EMFILE naming what it was creating, and leaves no
 *    fd and nothing in the kernel; with the limit raised they load, and a
 *    test run shows the right program and maps are in place.
 *  - one huge program, built in memory as a minimal ELF object (a
 *    "socket" section of N instructions "r0 = 0" and "exit"):
 *    1,000,000 instructions (the kernel's limit for root) loads;
 *    1,000,001 is refused by the kernel with E2BIG; 2^20 + 1 is refused
 *    when the object is opened (the loader's own limit).
 *  - a huge BTF: 200,000 and 1,100,000 INT types (3.2 and 17.6 MB, past
 *    the kernel's 16 MiB and 2^20 - 1 types) in the same kind of object:
 *    both open; the first loads with its BTF, the second without (the
 *    kernel refuses it and BTF is optional for programs).
 *  - verifier logs over the cap: a program rejected after 200,000
 *    instructions writes about 4 MB of log at log_level 1; with log_max
 *    256 KiB the error still gives EACCES, the verifier's last line and
 *    says the log was truncated, and the log kept is at most the cap.
 *    A program of 1,000,000 instructions rejected at its end writes a
 *    log past the default 16 MiB cap.  A valid program with always_log
 *    and a small cap: what the kernel does with a log too small for a
 *    program it accepts (6.4+: ENOSPC) must come out clearly too.
 *
 * Each case runs in a child process, so that its peak RSS (ru_maxrss
 * from wait4) is its own: it must stay within a bound stated per case,
 * a few times the object's size (or the log cap) plus a fixed 48 MiB.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/btf.h>

#include <bpfload.h>
#include <bpfload/sys.h>
#include "tap.h"
#include "testutil.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

#define KERNEL_MAX_INSNS	1000000		/* BPF_COMPLEXITY_LIMIT_INSNS */
#define LOADER_MAX_INSNS	(1U << 20)
#define BASE_KB			(48 * 1024)	/* fixed allowance per case */

/* ---- results from a child ------------------------------------------------------ */

struct result {
	int open_err, load_err;
	int nr_progs, nr_maps;
	__u32 retval, btf_id;
	int fds_before, fds_after;
	size_t log_len;
	double secs;
	char msg[3000];
};

struct outcome {
	struct result r;
	long maxrss_kb;
	int status;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Run fn(arg, &result) in a child; its peak RSS comes back. */
static struct outcome in_child(void (*fn)(const void *, struct result *), const void *arg)
{
	struct outcome o;
	struct rusage ru;
	int p[2];
	pid_t pid;

	memset(&o, 0, sizeof(o));
	if (pipe(p))
		tap_bail("pipe: %s", strerror(errno));
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct result r;

		memset(&r, 0, sizeof(r));
		close(p[0]);
		fn(arg, &r);
		if (write(p[1], &r, sizeof(r)) != sizeof(r))
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &o.r, sizeof(o.r)) != sizeof(o.r))
		o.r.load_err = o.r.open_err = -EPIPE;
	close(p[0]);
	wait4(pid, &o.status, 0, &ru);
	o.maxrss_kb = ru.ru_maxrss;
	return o;
}

static void set_nofile(rlim_t soft)
{
	struct rlimit rl;

	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = soft < rl.rlim_max ? soft : rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

/* ---- many programs, many maps ------------------------------------------------------ */

struct many_arg {
	const char *obj;
	rlim_t nofile;
	const char *run;	/* program to test-run after the load */
};

static void many_case(const void *a, struct result *r)
{
	const struct many_arg *m = a;
	struct bl_error e = { 0 };
	struct bl_object *obj;
	unsigned char pkt[64];
	double t0 = now();

	set_nofile(m->nofile);
	r->fds_before = tu_count_fds();
	obj = bl_object_open(tu_obj_path(m->obj), NULL, &e);
	if (!obj) {
		r->open_err = e.err;
		snprintf(r->msg, sizeof(r->msg), "%s", e.msg);
		return;
	}
	r->nr_progs = (int)bl_object_program_count(obj);
	r->nr_maps = (int)bl_object_map_count(obj);
	r->load_err = bl_object_load(obj, NULL);
	r->secs = now() - t0;
	if (r->load_err) {
		snprintf(r->msg, sizeof(r->msg), "%s", bl_object_error(obj));
	} else {
		tu_make_frame(pkt, sizeof(pkt), 17, false);
		tu_test_run(bl_program_fd(bl_object_find_program(obj, m->run)), pkt, sizeof(pkt),
			    &r->retval);
	}
	bl_object_close(obj);
	r->fds_after = tu_count_fds();
}

static void test_many(const char *name, const char *what, int want_progs, int want_maps,
		      const char *run, __u32 want_ret)
{
	struct rlimit rl;
	struct many_arg a = { .obj = name, .nofile = 1024, .run = run };
	struct outcome o;

	o = in_child(many_case, &a);
	ok(o.r.nr_progs == want_progs && o.r.nr_maps == want_maps, "%s: opens with %d programs"
	   " and %d maps", name, o.r.nr_progs, o.r.nr_maps);
	is_int(o.r.load_err, -EMFILE, "%s: with 1024 open files allowed, the load fails with"
	       " EMFILE", name);
	like(o.r.msg, "EMFILE", "%s: the message names EMFILE", name);
	like(o.r.msg, what, "%s: and what it was creating (%s)", name, what);
	like(o.r.msg, "ulimit -n", "%s: and what to do (ulimit -n)", name);
	ok(!strstr(o.r.msg, "verifier log"), "%s: no verifier log for a failure that is not"
	   " the verifier's", name);
	tu_diag_lines(o.r.msg);
	is_int(o.r.fds_after, o.r.fds_before, "%s: and leaves no fd", name);

	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_max < (rlim_t)(want_progs + want_maps + 64)) {
		tap_skip("many: load", "the hard open-file limit is %llu",
			 (unsigned long long)rl.rlim_max);
		return;
	}
	a.nofile = want_progs + want_maps + 64;
	o = in_child(many_case, &a);
	is_int(o.r.load_err, 0, "%s: with %llu open files allowed, it loads (%.2f s)", name,
	       (unsigned long long)a.nofile, o.r.secs);
	if (o.r.load_err)
		tu_diag_lines(o.r.msg);
	is_int(o.r.retval, want_ret, "%s: test run of %s returns %u", name, run, want_ret);
	is_int(o.r.fds_after, o.r.fds_before, "%s: close leaves no fd", name);
	ok(o.maxrss_kb < BASE_KB + 64 * 1024, "%s: peak RSS %ld KiB (bound %d KiB)", name,
	   o.maxrss_kb, BASE_KB + 64 * 1024);
}

/* ---- objects built in memory -------------------------------------------------------- */

struct esec {
	const char *name;
	__u32 type;
	__u64 flags;
	const void *data;
	size_t size;
	__u32 link, info;
	__u64 entsize;
};

/* A relocatable little-endian BPF ELF object with these sections (1..n)
 * and a section name table after them. */
static unsigned char *build_elf(const struct esec *s, int n, size_t *out_size)
{
	size_t shstr_size = 1, off, size;
	Elf64_Ehdr *eh;
	Elf64_Shdr *sh;
	unsigned char *img;
	char *shstr;
	__u32 name_off[16];

	if (n > 14)
		tap_bail("build_elf: too many sections");
	for (int i = 0; i < n; i++)
		shstr_size += strlen(s[i].name) + 1;
	shstr_size += sizeof(".shstrtab");
	size = sizeof(*eh);
	for (int i = 0; i < n; i++)
		size = ((size + 7) & ~7UL) + s[i].size;
	size = ((size + 7) & ~7UL) + shstr_size;
	size = ((size + 7) & ~7UL) + (n + 2) * sizeof(*sh);
	img = calloc(1, size);
	if (!img)
		tap_bail("out of memory for a %zu-byte object", size);
	eh = (Elf64_Ehdr *)img;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_REL;
	eh->e_machine = EM_BPF;
	eh->e_version = EV_CURRENT;
	eh->e_ehsize = sizeof(*eh);
	eh->e_shentsize = sizeof(*sh);
	eh->e_shnum = n + 2;
	eh->e_shstrndx = n + 1;

	off = sizeof(*eh);
	shstr = malloc(shstr_size);
	if (!shstr)
		tap_bail("out of memory");
	shstr[0] = '\0';
	{
		size_t p = 1;

		for (int i = 0; i < n; i++) {
			name_off[i] = p;
			strcpy(shstr + p, s[i].name);
			p += strlen(s[i].name) + 1;
		}
		name_off[n] = p;
		strcpy(shstr + p, ".shstrtab");
	}
	/* section contents, then the headers */
	{
		size_t data_off[16];

		for (int i = 0; i < n; i++) {
			off = (off + 7) & ~7UL;
			data_off[i] = off;
			if (s[i].size)
				memcpy(img + off, s[i].data, s[i].size);
			off += s[i].size;
		}
		off = (off + 7) & ~7UL;
		data_off[n] = off;
		memcpy(img + off, shstr, shstr_size);
		off += shstr_size;
		off = (off + 7) & ~7UL;
		eh->e_shoff = off;
		sh = (Elf64_Shdr *)(img + off);
		for (int i = 0; i < n; i++) {
			sh[i + 1].sh_name = name_off[i];
			sh[i + 1].sh_type = s[i].type;
			sh[i + 1].sh_flags = s[i].flags;
			sh[i + 1].sh_offset = data_off[i];
			sh[i + 1].sh_size = s[i].size;
			sh[i + 1].sh_link = s[i].link;
			sh[i + 1].sh_info = s[i].info;
			sh[i + 1].sh_addralign = 8;
			sh[i + 1].sh_entsize = s[i].entsize;
		}
		sh[n + 1].sh_name = name_off[n];
		sh[n + 1].sh_type = SHT_STRTAB;
		sh[n + 1].sh_offset = data_off[n];
		sh[n + 1].sh_size = shstr_size;
		sh[n + 1].sh_addralign = 1;
	}
	free(shstr);
	*out_size = size;
	return img;
}

/*
 * A one-program object: "socket" with nr instructions: nr - 1 times
 * "r0 = 0" and "exit" (bad: the second to last reads through the never
 * written r2, which the verifier rejects), and, when btf_types is not 0,
 * a .BTF of that many INT types.
 */
static unsigned char *huge_object(size_t nr, bool bad, size_t btf_types, size_t *size)
{
	static const char strtab[] = "\0big";
	struct bpf_insn *insns = calloc(nr, sizeof(*insns));
	Elf64_Sym syms[2];
	unsigned char *btf = NULL, *img;
	size_t btf_size = 0;
	int n = 4;
	struct esec s[5] = {
		{ "socket", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, insns, nr * sizeof(*insns),
		  0, 0, 0 },
		{ "license", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, "GPL", 4, 0, 0, 0 },
		{ ".symtab", SHT_SYMTAB, 0, syms, sizeof(syms), 4, 1, sizeof(Elf64_Sym) },
		{ ".strtab", SHT_STRTAB, 0, strtab, sizeof(strtab), 0, 0, 0 },
	};

	if (!insns)
		tap_bail("out of memory for %zu instructions", nr);
	for (size_t i = 0; i + 1 < nr; i++)
		insns[i] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0 };
	if (bad && nr >= 2)	/* r0 = *(u64 *)(r2 + 0) */
		insns[nr - 2] = (struct bpf_insn){ .code = BPF_LDX | BPF_MEM | BPF_DW,
						   .dst_reg = 0, .src_reg = 2 };
	insns[nr - 1] = (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
	memset(syms, 0, sizeof(syms));
	syms[1].st_name = 1;
	syms[1].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC);
	syms[1].st_shndx = 1;
	syms[1].st_size = nr * sizeof(*insns);

	if (btf_types) {
		struct btf_header *h;
		__u32 *t;

		btf_size = sizeof(*h) + btf_types * 16 + 4;
		btf = calloc(1, btf_size);
		if (!btf)
			tap_bail("out of memory for BTF");
		h = (struct btf_header *)btf;
		h->magic = BTF_MAGIC;
		h->version = BTF_VERSION;
		h->hdr_len = sizeof(*h);
		h->type_off = 0;
		h->type_len = btf_types * 16;
		h->str_off = h->type_len;
		h->str_len = 4;
		t = (__u32 *)(btf + sizeof(*h));
		for (size_t i = 0; i < btf_types; i++, t += 4) {
			t[0] = 1;				/* name "i" */
			t[1] = BTF_KIND_INT << 24;
			t[2] = 4;				/* size */
			t[3] = BTF_INT_SIGNED << 24 | 32;	/* encoding, bits */
		}
		memcpy(btf + sizeof(*h) + h->type_len, "\0i\0", 4);
		s[n++] = (struct esec){ ".BTF", SHT_PROGBITS, 0, btf, btf_size, 0, 0, 0 };
	}
	img = build_elf(s, n, size);
	free(insns);
	free(btf);
	return img;
}

struct huge_arg {
	size_t insns;
	bool bad;
	size_t btf_types;
	struct bl_load_opts opts;
};

static void huge_case(const void *a, struct result *r)
{
	const struct huge_arg *h = a;
	struct bl_open_opts oo = { .name = "huge" };
	struct bl_error e = { 0 };
	struct bl_object *obj;
	unsigned char *img;
	size_t size;
	double t0;

	img = huge_object(h->insns, h->bad, h->btf_types, &size);
	t0 = now();
	r->fds_before = tu_count_fds();
	obj = bl_object_open_mem(img, size, &oo, &e);
	free(img);
	if (!obj) {
		r->open_err = e.err;
		snprintf(r->msg, sizeof(r->msg), "%s", e.msg);
		r->secs = now() - t0;
		return;
	}
	r->nr_progs = (int)bl_object_program_count(obj);
	r->load_err = bl_object_load(obj, &h->opts);
	r->secs = now() - t0;
	r->btf_id = bl_object_btf_id(obj);
	if (r->load_err) {
		const char *msg = bl_object_error(obj);
		size_t len = strlen(msg);

		/* the head and the tail: the verifier's last words are at the end */
		if (len < sizeof(r->msg))
			snprintf(r->msg, sizeof(r->msg), "%s", msg);
		else
			snprintf(r->msg, sizeof(r->msg), "%.1400s\n...\n%s", msg,
				 msg + len - 1400);
	}
	if (bl_object_program_count(obj)) {
		const char *log = bl_program_log(bl_object_program(obj, 0));

		r->log_len = log ? strlen(log) : 0;
	}
	bl_object_close(obj);
	r->fds_after = tu_count_fds();
}

static struct outcome huge(size_t insns, bool bad, size_t btf_types, const struct bl_load_opts *o)
{
	struct huge_arg a = { .insns = insns, .bad = bad, .btf_types = btf_types };

	if (o)
		a.opts = *o;
	return in_child(huge_case, &a);
}

static void test_huge_programs(void)
{
	struct outcome o;
	long bound;

	/* the object itself is 8 bytes an instruction; the loader keeps the
	 * file and the instructions, the kernel's copy is not ours */
	bound = BASE_KB + 4 * (KERNEL_MAX_INSNS * 8 / 1024);
	o = huge(KERNEL_MAX_INSNS, false, 0, NULL);
	is_int(o.r.load_err, 0, "1,000,000 instructions: opens and loads (%.1f s)", o.r.secs);
	if (o.r.load_err)
		tu_diag_lines(o.r.msg);
	ok(o.maxrss_kb < bound, "1,000,000 instructions: peak RSS %ld KiB (bound %ld KiB)",
	   o.maxrss_kb, bound);
	is_int(o.r.fds_after, o.r.fds_before, "1,000,000 instructions: no fd left");

	o = huge(KERNEL_MAX_INSNS + 1, false, 0, NULL);
	is_int(o.r.load_err, -E2BIG, "1,000,001 instructions: the kernel refuses it: E2BIG");
	like(o.r.msg, "E2BIG", "1,000,001 instructions: the message names E2BIG");
	like(o.r.msg, "too large", "1,000,001 instructions: and says it is too large");
	tu_diag_lines(o.r.msg);
	ok(o.maxrss_kb < bound, "1,000,001 instructions: peak RSS %ld KiB", o.maxrss_kb);

	o = huge(LOADER_MAX_INSNS + 1, false, 0, NULL);
	ok(o.r.open_err < 0, "2^20 + 1 instructions: refused when opened (%d)", o.r.open_err);
	like(o.r.msg, "1048576", "2^20 + 1 instructions: the message names the limit");
	tu_diag_lines(o.r.msg);
	ok(o.maxrss_kb < bound, "2^20 + 1 instructions: peak RSS %ld KiB", o.maxrss_kb);
}

static void test_huge_btf(void)
{
	struct outcome o;
	long bound;

	bound = BASE_KB + 6 * (200000 * 16 / 1024);
	o = huge(2, false, 200000, NULL);
	is_int(o.r.load_err, 0, "BTF of 200,000 types (3.2 MB): opens and loads (%.1f s)",
	       o.r.secs);
	if (o.r.load_err || o.r.open_err)
		tu_diag_lines(o.r.msg);
	ok(o.r.btf_id > 0, "BTF of 200,000 types: the kernel took it (BTF id %u)", o.r.btf_id);
	ok(o.maxrss_kb < bound, "BTF of 200,000 types: peak RSS %ld KiB (bound %ld KiB)",
	   o.maxrss_kb, bound);

	bound = BASE_KB + 6 * (1100000 * 16 / 1024);
	o = huge(2, false, 1100000, NULL);
	is_int(o.r.load_err, 0, "BTF of 1,100,000 types (17.6 MB): opens and loads (%.1f s)",
	       o.r.secs);
	if (o.r.load_err || o.r.open_err)
		tu_diag_lines(o.r.msg);
	is_int(o.r.btf_id, 0, "BTF of 1,100,000 types: past the kernel's limits, the program is"
	       " loaded without it");
	ok(o.maxrss_kb < bound, "BTF of 1,100,000 types: peak RSS %ld KiB (bound %ld KiB)",
	   o.maxrss_kb, bound);
	is_int(o.r.fds_after, o.r.fds_before, "BTF of 1,100,000 types: no fd left");
}

static void test_logs(void)
{
	struct bl_load_opts small = { .log_max = 256 * 1024 };
	struct bl_load_opts always = { .log_max = 64 * 1024, .always_log = true };
	struct outcome o;
	long bound;

	bound = BASE_KB + 4 * (200000 * 8 / 1024) + 2 * 256;
	o = huge(200000, true, 0, &small);
	is_int(o.r.load_err, -EACCES, "log over a 256 KiB cap: the load fails with the"
	       " verifier's EACCES, not the log's ENOSPC");
	like(o.r.msg, "truncated", "log over the cap: the message says the log was truncated");
	like(o.r.msg, "R2 !read_ok", "log over the cap: it still shows the verifier's last line");
	ok(o.r.log_len > 0 && o.r.log_len < 256 * 1024, "log over the cap: %zu bytes kept"
	   " (cap 262144)", o.r.log_len);
	ok(o.maxrss_kb < bound, "log over the cap: peak RSS %ld KiB (bound %ld KiB)",
	   o.maxrss_kb, bound);
	is_int(o.r.fds_after, o.r.fds_before, "log over the cap: no fd left");

	/* about 20 bytes of log an instruction: past the default 16 MiB */
	bound = BASE_KB + 4 * (KERNEL_MAX_INSNS * 8 / 1024) + 2 * 16 * 1024;
	o = huge(KERNEL_MAX_INSNS, true, 0, NULL);
	is_int(o.r.load_err, -EACCES, "log over the default 16 MiB cap (1,000,000 instructions"
	       " rejected at the end): EACCES (%.1f s)", o.r.secs);
	like(o.r.msg, "truncated", "default cap: the message says the log was truncated");
	like(o.r.msg, "R2 !read_ok", "default cap: and shows the verifier's last line");
	ok(o.r.log_len <= 16 * 1024 * 1024, "default cap: %zu bytes kept", o.r.log_len);
	ok(o.maxrss_kb < bound, "default cap: peak RSS %ld KiB (bound %ld KiB)", o.maxrss_kb,
	   bound);

	/*
	 * A valid program, a log it does not fit in.  Since 6.4 the kernel
	 * answers ENOSPC when the log was truncated, even for a program it
	 * accepted; the log was only asked for to be shown, so the program
	 * should load anyway (with the log kept and marked truncated).
	 */
	o = huge(100000, false, 0, &always);
	ok(o.r.load_err == 0 || o.r.load_err == -ENOSPC, "always_log, 64 KiB cap, valid"
	   " 100,000-instruction program: loads, or fails with ENOSPC (%d)", o.r.load_err);
	if (o.r.load_err)
		like(o.r.msg, "log", "always_log, small cap: the message blames the log");
	is_int(o.r.load_err, 0, "always_log, small cap: the valid program loads");
	if (o.r.load_err)
		tu_diag_lines(o.r.msg);
}

int main(void)
{
	const char *why = tu_bpf_unavailable();

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (why)
		tap_skip_all("%s", why);
	if (access(tu_obj_path("limits_progs"), R_OK) || access(tu_obj_path("limits_maps"), R_OK))
		tap_skip_all("%s not built: run make", tu_obj_path("limits_progs"));

	test_many("limits_progs", "BPF_PROG_LOAD", 2000, 1, "p2999", 2999);
	test_many("limits_maps", "BPF_MAP_CREATE", 1, 2000, "touch_maps", 7);
	test_huge_programs();
	test_huge_btf();
	test_logs();
	return tap_done();
}
