// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_compat.c - include/bpf_load.h, the old samples/bpf loader interface.
 *
 *  - legacy_maps.o (kprobe/, tracepoint/, socket1): on a kernel without
 *    kprobes the kprobe cannot be attached, and like the old loader
 *    load_bpf_file() fails as a whole: it returns 1, says which program
 *    and why on stderr, leaves the globals as they were and nothing in
 *    the kernel.  (Where kprobes exist, it loads and attaches.)
 *  - hard_legacy_getpid.o, old-style and tracepoints only: map_fd[],
 *    map_data[], prog_fd[], event_fd[] as the old loader filled them;
 *    getpid() counted exactly through map_fd[0]; "tracepoint/1" lands in
 *    slot 1 of the prog array and runs through the tail call; socket1 is
 *    loaded, not attached.
 *  - a second load appends to prog_fd[] and restarts map_fd[]; the fixup
 *    callback changes a map before it is created.
 *  - a program the verifier rejects: return 1, the old stdout line
 *    "bpf_load_program() err=13" with the log, the log in bpf_log_buf.
 *  - the old fd-based wrappers (bpf_map_*_elem, bpf_create_map,
 *    bpf_obj_pin/get): 0 or -1 with errno.
 *  - everything stays attached until the process exits, and then goes.
 *  - bpf_set_link_xdp_fd() on lo in a private network namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>

#include <bpf_load.h>
#include <bpfload.h>
#include <bpfload/sys.h>
#include "tap.h"
#include "testutil.h"

#define GETPID_CALLS	1000

static char pin_root[PATH_MAX];

static void cleanup(void)
{
	tu_pin_root_remove(pin_root);
}

/* ---- capturing what load_bpf_file() prints -------------------------------------- */

struct capture {
	int saved_out, saved_err;
	FILE *out, *err;
	char *out_text, *err_text;
};

static void capture_begin(struct capture *c)
{
	fflush(stdout);
	fflush(stderr);
	c->out = tmpfile();
	c->err = tmpfile();
	if (!c->out || !c->err)
		tap_bail("tmpfile: %s", strerror(errno));
	c->saved_out = dup(1);
	c->saved_err = dup(2);
	dup2(fileno(c->out), 1);
	dup2(fileno(c->err), 2);
}

static char *slurp(FILE *f)
{
	long n;
	char *s;

	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = calloc(1, n + 1);
	if (!s || fread(s, 1, n, f) != (size_t)n)
		tap_bail("reading a capture failed");
	fclose(f);
	return s;
}

static void capture_end(struct capture *c)
{
	fflush(stdout);
	fflush(stderr);
	dup2(c->saved_out, 1);
	dup2(c->saved_err, 2);
	close(c->saved_out);
	close(c->saved_err);
	c->out_text = slurp(c->out);
	c->err_text = slurp(c->err);
}

static void capture_free(struct capture *c)
{
	free(c->out_text);
	free(c->err_text);
}

/* ---- helpers --------------------------------------------------------------------------- */

static bool host_has_kprobes(void)
{
	return !access("/sys/bus/event_source/devices/kprobe/type", F_OK) ||
	       !access(TU_TRACEFS "/kprobe_events", F_OK);
}

/* Programs created since base with one of these names that still exist
 * (waits up to 5 s for the kernel to free them). */
static int programs_named(const struct tu_counts *base, const char *const *names, int n)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	static __u32 ids[4096];
	char name[BPF_OBJ_NAME_LEN];
	int found = 0;

	for (int tries = 0; tries < 100; tries++) {
		int nr = tu_ids_above(TU_PROG, base->max_id[TU_PROG], ids, TU_ARRAY_SIZE(ids));

		found = 0;
		for (int i = 0; i < nr && i < (int)TU_ARRAY_SIZE(ids); i++) {
			if (tu_object_name(TU_PROG, ids[i], name, sizeof(name)))
				continue;
			for (int k = 0; k < n; k++)
				found += !strcmp(name, names[k]);
		}
		if (!found)
			break;
		nanosleep(&ts, NULL);
	}
	return found;
}

/* Lines of uprobe_events / kprobe_events naming bpfload_<pid>_. */
static int our_events(pid_t pid)
{
	static const char *const files[] = { TU_TRACEFS "/kprobe_events",
					     TU_TRACEFS "/uprobe_events" };
	char needle[64], line[1024];
	int n = 0;

	snprintf(needle, sizeof(needle), "bpfload_%d_", (int)pid);
	for (size_t i = 0; i < TU_ARRAY_SIZE(files); i++) {
		FILE *f = fopen(files[i], "r");

		while (f && fgets(line, sizeof(line), f))
			n += strstr(line, needle) != NULL;
		if (f)
			fclose(f);
	}
	return n;
}

static bool is_perf_fd(int fd)
{
	char path[64], target[128];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return strstr(target, "perf_event") != NULL;
}

/* ---- legacy_maps.o: the kprobe --------------------------------------------------------- */

static void test_legacy_maps(void)
{
	static const char *const names[] = { "kprobe_openat2", "tp_getpid", "sock_len" };
	char path[PATH_MAX];
	struct tu_counts base;
	struct capture c;
	int ret;

	snprintf(path, sizeof(path), "%s", tu_obj_path("legacy_maps"));
	if (tu_count_objects(&base))
		tap_bail("cannot enumerate kernel objects");
	capture_begin(&c);
	ret = load_bpf_file(path);
	capture_end(&c);

	if (host_has_kprobes()) {
		is_int(ret, 0, "legacy_maps.o: loads and attaches where the kernel has kprobes");
		is_int(prog_cnt, 3, "legacy_maps.o: prog_cnt 3");
		ok(event_fd[0] >= 0 && event_fd[1] >= 0 && event_fd[2] == -1,
		   "legacy_maps.o: event_fd for the kprobe and the tracepoint, -1 for socket1");
		capture_free(&c);
		return;
	}
	is_int(ret, 1, "legacy_maps.o: load_bpf_file returns 1: this kernel has no kprobes");
	like(c.err_text, "kprobe_openat2", "legacy_maps.o: stderr names the program");
	like(c.err_text, "kprobe/do_sys_openat2", "legacy_maps.o: stderr names the section");
	like(c.err_text, "the whole load fails", "legacy_maps.o: stderr says the load failed as a"
	     " whole, as with the old loader");
	like(c.err_text, "kprobe", "legacy_maps.o: stderr gives the attach error");
	tu_diag_lines(c.err_text);
	is_int(prog_cnt, 0, "legacy_maps.o: prog_cnt still 0");
	is_int(map_data_count, 0, "legacy_maps.o: map_data_count still 0");
	is_int(programs_named(&base, names, 3), 0,
	       "legacy_maps.o: none of its programs is left in the kernel");
	is_int(our_events(getpid()), 0, "legacy_maps.o: no tracefs probe event left");
	capture_free(&c);
}

/* ---- hard_legacy_getpid.o ---------------------------------------------------------------- */

static void test_getpid(void)
{
	__u32 key, me = getpid(), id;
	struct bpf_map_info info;
	unsigned char pkt[64];
	__u64 count = 0, tail0 = 0, tail1 = 0;
	int ret, fds;

	fds = tu_count_fds();
	ret = load_bpf_file((char *)tu_obj_path("hard_legacy_getpid"));
	if (!is_int(ret, 0, "hard_legacy_getpid.o: load_bpf_file returns 0"))
		return;
	is_int(prog_cnt, 3, "prog_cnt 3");
	is_int(map_data_count, 3, "map_data_count 3");
	is_str(map_data[0].name, "getpid_calls", "map_data[0] is getpid_calls");
	is_str(map_data[1].name, "jmp_table", "map_data[1] is jmp_table");
	is_str(map_data[2].name, "tail_hits", "map_data[2] is tail_hits");
	ok(map_data[0].elf_offset == 0 && map_data[1].elf_offset == 20 &&
	   map_data[2].elf_offset == 40, "elf_offset 0, 20, 40 in section maps");
	ok(map_data[0].def.type == BPF_MAP_TYPE_HASH && map_data[0].def.key_size == 4 &&
	   map_data[0].def.value_size == 8 && map_data[0].def.max_entries == 1024,
	   "map_data[0].def: hash, 4, 8, 1024");
	ok(map_fd[0] > 2 && map_fd[0] == map_data[0].fd && map_fd[1] == map_data[1].fd &&
	   map_fd[2] == map_data[2].fd, "map_fd[i] == map_data[i].fd");
	if (!tu_map_info(map_fd[1], &info))
		is_int(info.type, BPF_MAP_TYPE_PROG_ARRAY, "map_fd[1] is the prog array");
	ok(prog_fd[0] > 2 && prog_fd[1] > 2 && prog_fd[2] > 2, "prog_fd[0..2] are fds");
	ok(is_perf_fd(event_fd[0]), "event_fd[0] is the tracepoint's perf event fd");
	ok(event_fd[1] == -1 && event_fd[2] == -1, "event_fd[1], event_fd[2] are -1 (tail"
	   " call slot, socket1)");
	key = 1;
	id = 0;
	ret = bpf_map_lookup_elem(map_fd[1], &key, &id);
	ok(ret == 0 && id == tu_prog_id(prog_fd[1]), "tracepoint/1 sits in slot 1 of jmp_table"
	   " (prog id %u)", id);

	key = 0;
	bpf_map_lookup_elem(map_fd[2], &key, &tail0);
	for (int i = 0; i < GETPID_CALLS; i++)
		syscall(SYS_getpid);
	ret = bpf_map_lookup_elem(map_fd[0], &me, &count);
	is_int(ret, 0, "bpf_map_lookup_elem(map_fd[0], our tgid) finds us");
	is_int(count, GETPID_CALLS, "exactly %d getpid() calls counted through map_fd[0]",
	       GETPID_CALLS);
	bpf_map_lookup_elem(map_fd[2], &key, &tail1);
	ok(tail1 - tail0 >= GETPID_CALLS, "the tail call ran for each of them (tail_hits +%llu)",
	   (unsigned long long)(tail1 - tail0));

	tu_make_frame(pkt, sizeof(pkt), 17, false);
	id = 0;
	ret = tu_test_run(prog_fd[2], pkt, sizeof(pkt), &id);
	ok(!ret && id == sizeof(pkt) - 14, "socket1 (prog_fd[2]) test run returns skb->len %u",
	   id);
	ok(tu_count_fds() > fds, "the object stays open (%d fds, %d before)", tu_count_fds(), fds);
}

/* ---- a second load, with a fixup callback ------------------------------------------------ */

static int fixup_calls;
static int fixup_reuse_fd = -1;

static void fixup(struct bpf_map_data *map, int idx)
{
	fixup_calls++;
	if (idx == 0 && !strcmp(map->name, "getpid_calls"))
		map->def.max_entries = 77;
	if (idx == 2 && fixup_reuse_fd >= 0)
		map->fd = fixup_reuse_fd;
}

static void test_second_load(void)
{
	struct bpf_map_info info;
	int old_map0 = map_fd[0], ret;
	__u32 key = 0;
	__u64 v = 4242, got = 0;

	fixup_reuse_fd = bpf_create_map(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0);
	ok(fixup_reuse_fd >= 0, "bpf_create_map: an array for the fixup callback to hand over");
	bpf_map_update_elem(fixup_reuse_fd, &key, &v, BPF_ANY);
	ret = load_bpf_file_fixup_map(tu_obj_path("hard_legacy_getpid"), fixup);
	if (!is_int(ret, 0, "load_bpf_file_fixup_map: a second load returns 0"))
		return;
	is_int(fixup_calls, 3, "the fixup callback ran once per map");
	is_int(prog_cnt, 6, "prog_cnt 6: the second load appended to prog_fd[]");
	ok(map_fd[0] != old_map0, "map_fd[] starts afresh with the new object's maps");
	if (!tu_map_info(map_fd[0], &info))
		is_int(info.max_entries, 77, "the callback's max_entries 77 was used");
	is_int(tu_map_id(map_fd[2]), tu_map_id(fixup_reuse_fd),
	       "the callback's map fd is used instead of a new map");
	/* tail_one counts every getpid() on the machine into it from now on */
	ok(!bpf_map_lookup_elem(map_fd[2], &key, &got) && got >= 4242,
	   "it holds the value written before the load (%llu >= 4242)", (unsigned long long)got);
	close(fixup_reuse_fd);
	ok(is_perf_fd(event_fd[3]), "event_fd[3] is the second tracepoint's perf event fd");
}

/* ---- verifier failure --------------------------------------------------------------------- */

static void test_verifier_failure(void)
{
	struct capture c;
	int before = prog_cnt, ret;

	capture_begin(&c);
	ret = load_bpf_file((char *)tu_obj_path("bad_prog"));
	capture_end(&c);
	is_int(ret, 1, "bad_prog.o: load_bpf_file returns 1");
	like(c.out_text, "bpf_load_program() err=13", "bad_prog.o: stdout has the old loader's"
	     " line with errno 13");
	like(c.out_text, "invalid mem access", "bad_prog.o: stdout has the verifier's log");
	like(bpf_log_buf, "invalid mem access", "bad_prog.o: bpf_log_buf holds the log");
	like(c.err_text, "bad_deref", "bad_prog.o: stderr names the program");
	like(c.err_text, "EACCES", "bad_prog.o: stderr names the errno");
	is_int(prog_cnt, before, "bad_prog.o: prog_cnt unchanged");
	capture_free(&c);

	capture_begin(&c);
	ret = load_bpf_file("/nonexistent/x_kern.o");
	capture_end(&c);
	is_int(ret, 1, "a missing file: load_bpf_file returns 1");
	like(c.err_text, "/nonexistent/x_kern.o", "a missing file: stderr names it");
	capture_free(&c);
	ok(bpf_log_buf[0] == '\0', "bpf_log_buf is empty when no program failed");
}

/* ---- the old fd-based wrappers -------------------------------------------------------------- */

static void test_wrappers(void)
{
	char path[PATH_MAX + 16];
	__u32 key, next;
	__u64 val;
	int fd, fd2, ret, n = 0;

	fd = bpf_create_map(BPF_MAP_TYPE_HASH, 4, 8, 16, 0);
	if (!ok(fd >= 0, "bpf_create_map: a hash"))
		return;
	for (key = 1; key <= 5; key++) {
		val = key * 10;
		n += !bpf_map_update_elem(fd, &key, &val, BPF_NOEXIST);
	}
	is_int(n, 5, "bpf_map_update_elem: 5 entries");
	key = 3;
	val = 0;
	ok(!bpf_map_lookup_elem(fd, &key, &val) && val == 30, "bpf_map_lookup_elem: 3 -> 30");
	key = 9;
	errno = 0;
	ret = bpf_map_lookup_elem(fd, &key, &val);
	ok(ret == -1 && errno == ENOENT, "bpf_map_lookup_elem of a missing key: -1, errno"
	   " ENOENT (%d, %d)", ret, errno);
	key = 1;
	val = 1;
	errno = 0;
	ret = bpf_map_update_elem(fd, &key, &val, BPF_NOEXIST);
	ok(ret == -1 && errno == EEXIST, "bpf_map_update_elem BPF_NOEXIST on a key there: -1,"
	   " errno EEXIST");
	n = 0;
	key = -1;
	while (bpf_map_get_next_key(fd, &key, &next) == 0) {
		n++;
		key = next;
	}
	is_int(n, 5, "bpf_map_get_next_key from key -1 walks the 5 keys");
	ok(bpf_map_get_next_key(fd, NULL, &next) == 0, "bpf_map_get_next_key(NULL) gives the"
	   " first key");
	key = 3;
	ok(!bpf_map_delete_elem(fd, &key) && bpf_map_delete_elem(fd, &key) == -1 &&
	   errno == ENOENT, "bpf_map_delete_elem: 0, then -1 ENOENT");

	snprintf(path, sizeof(path), "%s/wrapped", pin_root);
	ok(!bpf_obj_pin(fd, path), "bpf_obj_pin at %s", path);
	fd2 = bpf_obj_get(path);
	ok(fd2 >= 0 && tu_map_id(fd2) == tu_map_id(fd), "bpf_obj_get gives the same map");
	errno = 0;
	ok(bpf_obj_pin(fd, path) == -1 && errno == EEXIST, "bpf_obj_pin again: -1, EEXIST");
	unlink(path);
	if (fd2 >= 0)
		close(fd2);
	close(fd);
}

/* ---- process exit releases everything ------------------------------------------------------- */

static void test_exit_releases(void)
{
	__u32 ids[4];
	int p[2], st = 0;
	pid_t pid;
	ssize_t n;

	if (pipe(p))
		tap_bail("pipe: %s", strerror(errno));
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		/* a fresh process: no earlier loads */
		__u32 out[4] = { 0 };

		close(p[0]);
		if (load_bpf_file((char *)tu_obj_path("hard_legacy_getpid")) == 0) {
			out[0] = tu_prog_id(prog_fd[prog_cnt - 3]);
			out[1] = tu_prog_id(prog_fd[prog_cnt - 2]);
			out[2] = tu_map_id(map_fd[0]);
			out[3] = (__u32)our_events(getpid());
		}
		if (write(p[1], out, sizeof(out)) != sizeof(out))
			_exit(2);
		_exit(0);	/* without closing anything: the old samples' way */
	}
	close(p[1]);
	n = read(p[0], ids, sizeof(ids));
	close(p[0]);
	waitpid(pid, &st, 0);
	if (!ok(n == sizeof(ids) && ids[0] && ids[1] && ids[2] && WIFEXITED(st) &&
		!WEXITSTATUS(st), "a child loaded hard_legacy_getpid.o and exited"))
		return;
	for (int tries = 0; tries < 100; tries++) {
		if (tu_object_exists(TU_PROG, ids[0]) != 1 && tu_object_exists(TU_PROG, ids[1]) != 1 &&
		    tu_object_exists(TU_MAP, ids[2]) != 1)
			break;
		usleep(50 * 1000);
	}
	ok(tu_object_exists(TU_PROG, ids[0]) != 1 && tu_object_exists(TU_PROG, ids[1]) != 1,
	   "its programs (ids %u, %u) are gone after the exit", ids[0], ids[1]);
	ok(tu_object_exists(TU_MAP, ids[2]) != 1, "its map (id %u) is gone", ids[2]);
	is_int(our_events(pid), 0, "no tracefs event of the child is left");
}

/* ---- bpf_set_link_xdp_fd --------------------------------------------------------------------- */

static void test_xdp(void)
{
	int st = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct bl_object *obj;
		int fd, code = 0;

		/* lo of a private network namespace: nothing of the host's */
		if (unshare(CLONE_NEWNET))
			_exit(10);
		obj = bl_object_open(tu_obj_path("sock_xdp"), NULL, NULL);
		if (!obj || bl_object_load(obj, NULL))
			_exit(11);
		fd = bl_program_fd(bl_object_find_program(obj, "xdp_count"));
		if (bpf_set_link_xdp_fd(1, fd, XDP_FLAGS_SKB_MODE))
			code = 12;
		else if (bpf_set_link_xdp_fd(1, -1, XDP_FLAGS_SKB_MODE))
			code = 13;
		else if (bpf_set_link_xdp_fd(999999, fd, XDP_FLAGS_SKB_MODE) >= 0)
			code = 14;
		bl_object_close(obj);
		_exit(code);
	}
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "bpf_set_link_xdp_fd: set and removed on lo"
	   " of a private netns, refused for a missing device (child status 0x%x)", st);
}

int main(void)
{
	const char *why = tu_bpf_unavailable();
	int err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (why)
		tap_skip_all("%s", why);
	if (access(tu_obj_path("hard_legacy_getpid"), R_OK))
		tap_skip_all("%s not built: run make", tu_obj_path("hard_legacy_getpid"));
	if (tu_ensure_tracefs())
		tap_skip_all("tracefs cannot be mounted at " TU_TRACEFS);
	err = tu_pin_root_create(pin_root, sizeof(pin_root), "compat");
	if (err)
		tap_bail("cannot make a pin directory on bpffs: %s", strerror(-err));
	atexit(cleanup);

	test_legacy_maps();
	test_getpid();
	test_second_load();
	test_verifier_failure();
	test_wrappers();
	test_exit_releases();
	test_xdp();
	return tap_done();
}
