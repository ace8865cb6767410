// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_ksyms.c - kernel symbols for stack traces.
 *
 *   - a made-up kallsyms file: sorting, the preferred name among aliases
 *     (text, global, kernel before module), sizes up to the next symbol,
 *     module names, lookups by name (the kernel's before a module's),
 *     addresses outside every symbol, formatting;
 *   - a file whose addresses are all 0 (what kptr_restrict shows) fails
 *     with -EPERM and says why; a missing file with -ENOENT;
 *   - the real /proc/kallsyms: "schedule" is found by name, and its
 *     address (and the address plus an offset) resolves back to it;
 *   - a real stack: tests/objs/events_stack.o takes the kernel stack of
 *     our getppid() with bpf_get_stackid(); symbolized, it goes through
 *     do_syscall_64.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/maputil.h>
#include <bpfload/sys.h>
#include "tap.h"
#include "testutil.h"

static const char fake[] =
	"ffffffffc0003000 d mod_data\t[mymod]\n"
	"ffffffff81000100 T func_a\n"
	"0000000000000000 A fixed_percpu_data\n"
	"ffffffff81000000 t _text_local\n"
	"ffffffff81000000 T _stext\n"
	"ffffffff81000180 t func_b\n"
	"ffffffffc0002000 T func_a\t[othermod]\n"
	"ffffffffc0001040 t mod_fn2\t[mymod]\n"
	"ffffffff81000200 T _etext\n"
	"ffffffffc0001000 t mod_fn\t[mymod]\n"
	"garbage line\n";

static int write_file(char *path, size_t len, const char *text)
{
	int fd;

	snprintf(path, len, "/tmp/bpfload-ksyms-%d", getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static void test_fake(void)
{
	struct bl_error e = { 0 };
	struct bl_ksyms *ks;
	const struct bl_ksym *s;
	char path[64], buf[128];
	__u64 off = 99;

	if (write_file(path, sizeof(path), fake)) {
		ok(0, "fake: write a test kallsyms file");
		return;
	}
	ks = bl_ksyms_load(path, &e);
	unlink(path);
	if (!ok(ks != NULL, "fake: load")) {
		tap_diag("%s", e.msg);
		return;
	}
	is_int(bl_ksyms_count(ks), 10, "fake: 10 symbols (the garbage line skipped)");
	s = bl_ksyms_resolve(ks, 0xffffffff81000000ull, &off);
	ok(s && !strcmp(s->name, "_stext") && off == 0 && s->type == 'T' && s->size == 0x100,
	   "fake: two names at one address: the global one, _stext+0, size 0x100");
	s = bl_ksyms_resolve(ks, 0xffffffff81000150ull, &off);
	ok(s && !strcmp(s->name, "func_a") && off == 0x50 && s->size == 0x80 && !*s->module,
	   "fake: 0x...150 is func_a+0x50 of 0x80");
	s = bl_ksyms_resolve(ks, 0xffffffffc0001010ull, &off);
	ok(s && !strcmp(s->name, "mod_fn") && off == 0x10 && !strcmp(s->module, "mymod"),
	   "fake: a module address: mod_fn+0x10 in mymod");
	like(bl_ksyms_format(ks, 0xffffffffc0001010ull, buf, sizeof(buf)), "mod_fn+0x10/0x40 [mymod]",
	     "fake: formatted \"%s\"", buf);
	like(bl_ksyms_format(ks, 0xffffffff81000185ull, buf, sizeof(buf)), "func_b+0x5/0x80",
	     "fake: formatted \"%s\"", buf);
	s = bl_ksyms_find(ks, "func_a");
	ok(s && s->addr == 0xffffffff81000100ull && !*s->module,
	   "fake: find(func_a): the kernel's, not othermod's");
	ok(bl_ksyms_resolve(ks, 0xffffffff81000200ull, &off) &&
	   !bl_ksyms_resolve(ks, 0xffffffff81000210ull, NULL),
	   "fake: _etext resolves, past the kernel's last symbol nothing does");
	ok(!bl_ksyms_resolve(ks, 0xffffffffc0001050ull, NULL),
	   "fake: a module's last symbol does not extend into another module");
	ok(!bl_ksyms_find(ks, "nope"), "fake: find(nope): NULL");
	s = bl_ksyms_find(ks, "mod_data");
	ok(s && bl_ksyms_resolve(ks, s->addr, &off) == s && off == 0,
	   "fake: the last symbol resolves at its address");
	ok(!bl_ksyms_resolve(ks, s->addr + 8, NULL),
	   "fake: past the last symbol (size unknown): NULL");
	like(bl_ksyms_format(ks, s->addr + 8, buf, sizeof(buf)), "0xffffffffc0003008",
	     "fake: unknown addresses print as hex");
	s = bl_ksyms_resolve(ks, 0x10, &off);
	ok(s && !strcmp(s->name, "fixed_percpu_data"), "fake: low addresses: the absolute symbol"
	   " at 0 (%s)", s ? s->name : "NULL");
	bl_ksyms_free(ks);
}

static void test_errors(void)
{
	struct bl_error e = { 0 };
	char path[64];

	if (!write_file(path, sizeof(path), "0000000000000000 T schedule\n"
			"0000000000000000 t other\n")) {
		ok(!bl_ksyms_load(path, &e) && e.err == -EPERM, "hidden: all addresses 0: -EPERM");
		like(e.msg, "kptr_restrict", "hidden: the message says why");
		unlink(path);
	}
	memset(&e, 0, sizeof(e));
	ok(!bl_ksyms_load("/nonexistent/kallsyms", &e) && e.err == -ENOENT,
	   "missing: -ENOENT");
}

static void test_real(void)
{
	struct bl_error e = { 0 };
	struct bl_ksyms *ks = bl_ksyms_load(NULL, &e);
	const struct bl_ksym *s, *r;
	struct bl_object *obj;
	__u64 off = 1, frames[127];
	char buf[160];
	__s64 id = -1;
	int link, found = 0, named = 0, depth = 0, prog_frame = 0;

	if (!ok(ks != NULL, "real: load /proc/kallsyms")) {
		tap_diag("%s", e.msg);
		return;
	}
	ok(bl_ksyms_count(ks) > 1000, "real: %zu symbols", bl_ksyms_count(ks));
	s = bl_ksyms_find(ks, "schedule");
	ok(s && s->addr && (s->type == 'T' || s->type == 't'), "real: schedule at 0x%llx",
	   s ? (unsigned long long)s->addr : 0ull);
	if (s) {
		r = bl_ksyms_resolve(ks, s->addr, &off);
		ok(r && !strcmp(r->name, "schedule") && off == 0,
		   "real: its address resolves back to schedule+0");
		r = bl_ksyms_resolve(ks, s->addr + 5, &off);
		ok(r && !strcmp(r->name, "schedule") && off == 5 && s->size > 5,
		   "real: address + 5 is schedule+0x5 (size 0x%llx)",
		   (unsigned long long)s->size);
		like(bl_ksyms_format(ks, s->addr + 5, buf, sizeof(buf)), "schedule+0x5/",
		     "real: formatted \"%s\"", buf);
	}

	/* a stack of our own syscall; the table is read again once the
	 * program exists, so that its own frame has a name too */
	obj = bl_object_open(tu_obj_path("events_stack"), NULL, &e);
	if (!obj || bl_object_load(obj, NULL)) {
		ok(0, "stack: load events_stack.o");
		tu_diag_lines(obj ? bl_object_error(obj) : e.msg);
		goto out;
	}
	{
		__u32 pid = (__u32)getpid(), nr = SYS_getppid;

		bl_object_set_global(obj, "target_pid", &pid, 4);
		bl_object_set_global(obj, "trigger_nr", &nr, 4);
	}
	link = bl_sys_raw_tracepoint_open("sys_enter",
		bl_program_fd(bl_object_find_program(obj, "grab")));
	syscall(SYS_getppid);
	if (link >= 0)
		close(link);
	bl_object_get_global(obj, "stack_id", &id, sizeof(id));
	if (!ok(id >= 0, "stack: bpf_get_stackid gave stack %lld", (long long)id))
		goto out_obj;
	memset(frames, 0, sizeof(frames));
	{
		__u32 key = (__u32)id;

		is_int(bl_sys_map_lookup_elem(bl_map_fd(bl_object_find_map(obj, "stacks")), &key,
					      frames, 0), 0, "stack: read it from the map");
	}
	bl_ksyms_free(ks);
	ks = bl_ksyms_load(NULL, &e);
	for (int i = 0; ks && i < 127 && frames[i]; i++) {
		depth++;
		bl_ksyms_format(ks, frames[i], buf, sizeof(buf));
		tap_diag("  #%d %s", i, buf);
		if (strncmp(buf, "0x", 2))
			named++;
		if (!strncmp(buf, "do_syscall_64+", 14))
			found = 1;
		if (!strncmp(buf, "bpf_prog_", 9) && strstr(buf, "_grab+"))
			prog_frame = 1;
	}
	ok(depth > 2 && named >= depth - 1, "stack: %d of %d frames have a symbol", named, depth);
	ok(found, "stack: the syscall went through do_syscall_64");
	if (prog_frame)
		ok(1, "stack: the program's own frame is bpf_prog_<tag>_grab");
	else
		tap_skip("stack: the program's own frame is named", "BPF programs are not in"
			 " kallsyms here (net.core.bpf_jit_kallsyms)");
out_obj:
	bl_object_close(obj);
out:
	bl_ksyms_free(ks);
}

int main(void)
{
	test_fake();
	test_errors();
	if (getuid())
		tap_skip("real: /proc/kallsyms", "not root: addresses are hidden");
	else
		test_real();
	return tap_done();
}
