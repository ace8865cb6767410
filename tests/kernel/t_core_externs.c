// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_core_externs.c - .kconfig and .ksyms externs resolved at load.
 *
 * core_externs.o (tests/objs/core_externs.c):
 *  - kconfig: every kind of .kconfig value, compared with the kernel
 *    config this test reads itself (/proc/config.gz or /boot/config-R)
 *    and uname; a missing __weak option is 0;
 *  - ksym_addr: the address of an untyped __ksym, compared with
 *    /proc/kallsyms;
 *  - ksym_typed: this CPU's runqueue through a typed per-CPU __ksym
 *    (skipped where the kernel lacks CONFIG_KALLSYMS_ALL and refuses it);
 *  - kfunc: calls of bpf_rcu_read_lock/unlock (6.2+), and a __weak kfunc
 *    no kernel has, whose call is poisoned and never runs.
 * The object's BTF, with extern VARs and FUNCs, must be accepted by
 * BPF_BTF_LOAD (patched copy).  unit_kfunc.o calls a kfunc no kernel has:
 * its load fails naming it.  And the kernel-config parser on a text.
 *
 * Needs root.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#include <bpfload.h>
#include <bpfload/sys.h>
#include "kernel/core_load.h"
#include "kernel/kernel.h"
#include "object/btf.h"
#include "tap.h"
#include "testutil.h"

struct kconfig_out {
	__u64 version, bpf, bpf_jit, bpf_syscall;
	__s64 hz;
	__u64 nr_cpus, missing;
	char hostname[16];
};

static char *config;		/* the kernel config, read here */

static void read_config(void)
{
	char path[300];
	struct utsname u;
	gzFile f = gzopen("/proc/config.gz", "rb");
	size_t len = 0;
	int n;

	if (!f && !uname(&u)) {
		snprintf(path, sizeof(path), "/boot/config-%s", u.release);
		f = gzopen(path, "rb");
	}
	if (!f)
		return;
	config = calloc(1, 1 << 22);
	while (config && (n = gzread(f, config + len, (1 << 22) - 1 - len)) > 0)
		len += n;
	gzclose(f);
}

/* The right-hand side of NAME= in the config, "n" when not set. */
static const char *cfg(const char *name, char *buf, size_t len)
{
	char key[128];
	const char *p;

	snprintf(key, sizeof(key), "\n%s=", name);
	p = config ? strstr(config, key) : NULL;
	if (!p) {
		snprintf(buf, len, "n");
		return buf;
	}
	p += strlen(key);
	snprintf(buf, len, "%.*s", (int)strcspn(p, "\n"), p);
	return buf;
}

static __u64 kallsyms_addr(const char *name)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], sym[256], type;
	unsigned long long a;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &a, &type, sym) == 3 && !strcmp(sym, name)) {
			fclose(f);
			return a;
		}
	if (f)
		fclose(f);
	return 0;
}

static int run(struct bl_object *obj, const char *prog, bool packet)
{
	struct bl_test_run_opts o = { 0 };
	unsigned char frame[64];

	if (packet) {
		tu_make_frame(frame, sizeof(frame), 17, false);
		o.data_in = frame;
		o.data_size_in = sizeof(frame);
	}
	return bl_sys_prog_test_run(bl_program_fd(bl_object_find_program(obj, prog)), &o);
}

static bool has_reloc(const struct bl_program *p, enum bl_reloc_kind kind, const char *sym,
		      const char *target)
{
	for (size_t i = 0; i < bl_program_reloc_count(p); i++) {
		const struct bl_reloc_info *r = bl_program_reloc(p, i);

		if (r->kind == kind && !strcmp(r->symbol, sym) && !strcmp(r->target, target))
			return true;
	}
	return false;
}

static void check_open(const struct bl_object *obj)
{
	const struct bl_map *m = bl_object_find_map(obj, ".kconfig");

	ok(has_reloc(bl_object_find_program(obj, "kconfig"), BL_RELOC_KCONFIG, "CONFIG_HZ",
		     ".kconfig"), "a .kconfig extern is linked to the .kconfig map");
	ok(has_reloc(bl_object_find_program(obj, "ksym_addr"), BL_RELOC_KSYM, "bpf_prog_put",
		     "address"), "an untyped ksym is recorded for load");
	ok(has_reloc(bl_object_find_program(obj, "ksym_typed"), BL_RELOC_KSYM, "runqueues",
		     "typed"), "a typed ksym too");
	ok(has_reloc(bl_object_find_program(obj, "kfunc"), BL_RELOC_KFUNC, "bpf_rcu_read_lock",
		     ""), "a kfunc call too");
	ok(m && bl_map_type(m) == BPF_MAP_TYPE_ARRAY && bl_map_value_size(m) >= 40 &&
	   (bl_map_flags(m) & BPF_F_RDONLY_PROG), "the .kconfig map: a read-only array of %u"
	   " bytes", m ? bl_map_value_size(m) : 0);
}

static void check_kconfig(struct bl_object *obj)
{
	struct kconfig_out kc;
	struct utsname u;
	unsigned int a = 0, b = 0, c = 0;
	char v[256];
	const char *s;

	if (!config) {
		tap_skip("kconfig values", "no kernel config (/proc/config.gz, /boot/config-R)");
		return;
	}
	ok(!run(obj, "kconfig", true), "test run kconfig");
	if (!ok(!bl_object_get_global(obj, "kc", &kc, sizeof(kc)), "read kc"))
		return;
	uname(&u);
	sscanf(u.release, "%u.%u.%u", &a, &b, &c);
	is_int(kc.version, (a << 16) + (b << 8) + (c > 255 ? 255 : c),
	       "LINUX_KERNEL_VERSION is uname's %s", u.release);
	is_int(kc.bpf, !strcmp(cfg("CONFIG_BPF", v, sizeof(v)), "y"), "CONFIG_BPF (bool)");
	s = cfg("CONFIG_BPF_JIT", v, sizeof(v));
	is_int(kc.bpf_jit, *s == 'y' ? 1 : *s == 'm' ? 2 : 0, "CONFIG_BPF_JIT (tristate: %s)", s);
	is_int(kc.bpf_syscall, cfg("CONFIG_BPF_SYSCALL", v, sizeof(v))[0],
	       "CONFIG_BPF_SYSCALL (char)");
	is_int(kc.hz, atol(cfg("CONFIG_HZ", v, sizeof(v))), "CONFIG_HZ (int)");
	is_int(kc.nr_cpus, strtoull(cfg("CONFIG_NR_CPUS", v, sizeof(v)), NULL, 0),
	       "CONFIG_NR_CPUS (unsigned long long, __weak)");
	s = cfg("CONFIG_DEFAULT_HOSTNAME", v, sizeof(v));
	if (*s == '"')
		v[strlen(v) - 1] = '\0', s++;
	is_str(kc.hostname, *s == 'n' ? "" : s, "CONFIG_DEFAULT_HOSTNAME (string)");
	is_int(kc.missing, 0, "a missing __weak option is 0");
}

static void check_ksyms(struct bl_object *obj)
{
	__u64 addr = 0, want = kallsyms_addr("bpf_prog_put");

	ok(!run(obj, "ksym_addr", false), "test run ksym_addr");
	bl_object_get_global(obj, "prog_put_addr", &addr, sizeof(addr));
	ok(want != 0, "bpf_prog_put is in /proc/kallsyms");
	is_int(addr, want, "&bpf_prog_put (untyped __ksym) is its kallsyms address");
}

static void check_kfunc(struct bl_object *obj, bool have)
{
	__u64 runs = 0;

	if (!have) {
		tap_skip("kfunc calls", "this kernel has no bpf_rcu_read_lock kfunc (6.2+)");
		return;
	}
	ok(!run(obj, "kfunc", true), "test run kfunc (bpf_rcu_read_lock/unlock, and a"
	   " poisoned call of a missing __weak kfunc that does not run)");
	bl_object_get_global(obj, "kfunc_runs", &runs, sizeof(runs));
	is_int(runs, 1, "the program ran between the kfunc calls");
}

static void check_typed(bool have_var)
{
	struct bl_object *obj;
	__s64 cpu = -2, smp = -3;
	int err;

	if (!have_var) {
		tap_skip("typed ksym (per-CPU runqueues)", "the kernel's BTF has no variables"
			 " (older pahole)");
		return;
	}
	obj = bl_object_open(tu_obj_path_or_cwd("core_externs"), NULL, NULL);
	if (!obj)
		return;
	for (size_t i = 0; i < bl_object_program_count(obj); i++)
		bl_program_set_autoload(bl_object_program(obj, i), false);
	bl_program_set_autoload(bl_object_find_program(obj, "ksym_typed"), true);
	err = bl_object_load(obj, NULL);
	if (err && strstr(bl_object_error(obj), "failed to find the address for kernel symbol")) {
		tap_skip("typed ksym (per-CPU runqueues)", "the kernel cannot find data symbols"
			 " (built without CONFIG_KALLSYMS_ALL)");
		goto out;
	}
	if (!ok(!err, "load ksym_typed (BPF_PSEUDO_BTF_ID of runqueues)")) {
		tu_diag_lines(bl_object_error(obj));
		goto out;
	}
	ok(!run(obj, "ksym_typed", false), "test run ksym_typed");
	bl_object_get_global(obj, "rq_cpu", &cpu, sizeof(cpu));
	bl_object_get_global(obj, "smp_id", &smp, sizeof(smp));
	is_int(cpu, smp, "this_cpu_ptr(&runqueues)->cpu is bpf_get_smp_processor_id()");
out:
	bl_object_close(obj);
}

static void check_missing_kfunc(void)
{
	struct bl_object *obj = bl_object_open(tu_obj_path_or_cwd("unit_kfunc"), NULL, NULL);
	int err;

	if (!ok(obj != NULL, "unit_kfunc.o (a kfunc call) opens"))
		return;
	err = bl_object_load(obj, NULL);
	ok(err < 0, "a kfunc no kernel has fails the load");
	like(bl_object_error(obj), "extern 'bpf_unit_test_kfunc' (__ksym): no kernel function"
	     " of that name in the kernel's BTF", "naming it");
	bl_object_close(obj);
}

static void check_parser(void)
{
	static const char text[] = "#\n# CONFIG_A is not set\nCONFIG_AB=y\nCONFIG_S=\"x y\"\n"
				   "CONFIG_N=0x10\n";
	size_t len = 0;
	const char *v;

	v = bl_kconfig_value(text, "CONFIG_A", &len);
	ok(v && len == 1 && *v == 'n', "'# CONFIG_A is not set' is n");
	v = bl_kconfig_value(text, "CONFIG_AB", &len);
	ok(v && len == 1 && *v == 'y', "CONFIG_AB=y, not confused with CONFIG_A");
	v = bl_kconfig_value(text, "CONFIG_S", &len);
	ok(v && len == 5 && !strncmp(v, "\"x y\"", 5), "a string value, with its quotes");
	v = bl_kconfig_value(text, "CONFIG_N", &len);
	ok(v && len == 4, "a number");
	ok(!bl_kconfig_value(text, "CONFIG_B", &len), "an absent option");
}

int main(void)
{
	const char *why = tu_bpf_unavailable();
	struct bl_object *obj;
	struct bl_btf *vml = NULL;
	struct bl_error e = { 0 };
	bool have_kfunc, have_var;

	check_parser();
	if (why)
		tap_skip_all("%s", why);
	if (bl_vmlinux_btf_open(&vml, &e))
		tap_skip_all("no kernel BTF: %s", e.msg);
	have_kfunc = bl_btf_find(vml, "bpf_rcu_read_lock", BTF_KIND_FUNC) != 0;
	have_var = bl_btf_find(vml, "runqueues", BTF_KIND_VAR) != 0;
	bl_btf_free(vml);
	read_config();
	obj = bl_object_open(tu_obj_path_or_cwd("core_externs"), NULL, &e);
	if (!ok(obj != NULL, "open core_externs.o"))
		tap_bail("%s", e.msg);
	check_open(obj);
	bl_program_set_autoload(bl_object_find_program(obj, "ksym_typed"), false);
	if (!have_kfunc)
		bl_program_set_autoload(bl_object_find_program(obj, "kfunc"), false);
	if (!config)
		bl_program_set_autoload(bl_object_find_program(obj, "kconfig"), false);
	if (ok(!bl_object_load(obj, NULL), "load kconfig, ksym_addr and kfunc")) {
		ok(bl_object_btf_id(obj) != 0, "the kernel accepted the object's BTF (externs"
		   " patched for BPF_BTF_LOAD)");
		check_kconfig(obj);
		check_ksyms(obj);
		check_kfunc(obj, have_kfunc);
	} else {
		tu_diag_lines(bl_object_error(obj));
	}
	bl_object_close(obj);
	check_typed(have_var);
	check_missing_kfunc();
	free(config);
	return tap_done();
}
