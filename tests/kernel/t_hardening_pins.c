// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_hardening_pins.c - pins with hostile names and hostile pin paths.
 *
 * Map names come from the object file, and a map with pinning = BY_NAME
 * is pinned at <pin root>/<name>.  So:
 *
 *  - names that would leave the pin directory or are not plain names
 *    ("../../evil", "..", ".", "pin/ed_cnt", newline, ESC, DEL, empty)
 *    are refused: btf_maps.o is copied and every "pinned_cnt" in its
 *    string tables (.strtab and the BTF strings) rewritten in place; the
 *    load fails with a message that shows the name escaped (no control
 *    byte reaches the terminal), and nothing is created anywhere on
 *    bpffs.  A harmless rename ("PINNED_cnt") is the control: it pins.
 *  - reusing a pin checks what is there: another map type, key size,
 *    max_entries or flags is refused with a message naming both values
 *    (value size: t_load); a program pinned under the name, a symbolic
 *    link or a directory are refused too.  The pin is left as it was.
 *  - the pin directory must be on bpffs: tmpfs, procfs, a missing
 *    directory and a pinned file used as a directory are refused
 *    (/tmp: t_load).
 * After each refusal the process has the fds it had before.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/sys.h>
#include "tap.h"
#include "testutil.h"

#define NAME		"pinned_cnt"
#define NAME_LEN	10

static char pin_root[PATH_MAX];
static unsigned char *image;
static size_t image_size;

static void cleanup(void)
{
	tu_pin_root_remove(pin_root);
}

static void read_image(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0)
		tap_bail("cannot read %s", path);
	rewind(f);
	image = malloc(n);
	if (!image || fread(image, 1, n, f) != (size_t)n)
		tap_bail("cannot read %s", path);
	image_size = n;
	fclose(f);
}

/* A copy of btf_maps.o with every NUL-delimited "pinned_cnt" replaced by
 * repl (NAME_LEN bytes; NULs in it shorten the name).  *count gets the
 * number of strings rewritten. */
static unsigned char *patched(const char *repl, int *count)
{
	unsigned char *copy = malloc(image_size);

	if (!copy)
		tap_bail("out of memory");
	memcpy(copy, image, image_size);
	*count = 0;
	for (size_t i = 1; i + NAME_LEN + 1 <= image_size; i++) {
		if (copy[i - 1] || memcmp(copy + i, NAME, NAME_LEN) || copy[i + NAME_LEN])
			continue;
		memcpy(copy + i, repl, NAME_LEN);
		(*count)++;
	}
	return copy;
}

/* Names in a directory, sorted, joined with '\n' (for comparing). */
static char *listing(const char *dir)
{
	struct dirent **v = NULL;
	size_t len = 1;
	char *s;
	int n = scandir(dir, &v, NULL, alphasort);

	for (int i = 0; i < n; i++)
		len += strlen(v[i]->d_name) + 1;
	s = calloc(1, len);
	for (int i = 0; i < n; i++) {
		if (s) {
			strcat(s, v[i]->d_name);
			strcat(s, "\n");
		}
		free(v[i]);
	}
	free(v);
	return s ? s : strdup("");
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return true;
	return false;
}

/* ---- names -------------------------------------------------------------------------- */

struct bad_name {
	const char *label;
	char repl[NAME_LEN + 1];
	const char *why;	/* expected in the message */
};

static void test_bad_name(const struct bad_name *b)
{
	struct bl_open_opts oo = { .name = "hostile" };
	struct bl_load_opts lo = { .pin_root = pin_root };
	struct bl_error err = { 0 };
	struct bl_object *obj;
	char *bpffs_before, *parent_before, *root_before, *after;
	int n, fds = tu_count_fds(), ret;
	unsigned char *copy = patched(b->repl, &n);

	if (!ok(n >= 2, "%s: rewrote %d strings (symbol and BTF names)", b->label, n)) {
		free(copy);
		return;
	}
	bpffs_before = listing(TU_BPFFS);
	parent_before = listing("/sys/fs");
	root_before = listing(pin_root);
	obj = bl_object_open_mem(copy, image_size, &oo, &err);
	free(copy);
	if (!obj) {
		/* refused already when the object is read: fine too */
		ok(err.err < 0 && err.msg[0], "%s: refused at open: %s", b->label, err.msg);
		ok(!has_control(err.msg), "%s: the message holds no control character", b->label);
		goto check;
	}
	ret = bl_object_load(obj, &lo);
	is_int(ret, -EINVAL, "%s: the load is refused with EINVAL", b->label);
	like(bl_object_error(obj), b->why, "%s: the message says why", b->label);
	ok(!has_control(bl_object_error(obj)), "%s: the message shows the name escaped: %s",
	   b->label, bl_object_error(obj));
	ok(!bl_object_loaded(obj), "%s: nothing is loaded", b->label);
	bl_object_close(obj);
check:
	after = listing(pin_root);
	is_str(after, root_before, "%s: nothing was created in the pin directory", b->label);
	free(after);
	after = listing(TU_BPFFS);
	is_str(after, bpffs_before, "%s: nor in " TU_BPFFS, b->label);
	free(after);
	after = listing("/sys/fs");
	is_str(after, parent_before, "%s: nor in /sys/fs", b->label);
	free(after);
	is_int(tu_count_fds(), fds, "%s: no fd left", b->label);
	free(bpffs_before);
	free(parent_before);
	free(root_before);
}

static void test_names(void)
{
	static const struct bad_name bad[] = {
		{ "'../../evil'", "../../evil", "must stay in the pin directory" },
		{ "'..'", "..\0\0\0\0\0\0\0", "must stay in the pin directory" },
		{ "'.'", ".\0\0\0\0\0\0\0\0", "must stay in the pin directory" },
		{ "'pin/ed_cnt'", "pin/ed_cnt", "must stay in the pin directory" },
		{ "a newline", "pinned\ncnt", "\\x0a" },
		{ "an ESC sequence", "\x1b[31mpwn\0\0", "\\x1b" },
		{ "a DEL", "pinne\x7f_cnt", "\\x7f" },
		{ "a tab", "pinned\tcnt", "\\x09" },
	};
	struct bl_open_opts oo = { .name = "renamed" };
	struct bl_load_opts lo = { .pin_root = pin_root };
	struct bl_object *obj;
	char path[PATH_MAX + 16];
	unsigned char *copy;
	int n;

	/* the control: a harmless new name pins under that name */
	copy = patched("PINNED_cnt", &n);
	obj = bl_object_open_mem(copy, image_size, &oo, NULL);
	free(copy);
	snprintf(path, sizeof(path), "%s/PINNED_cnt", pin_root);
	ok(obj && bl_object_find_map(obj, "PINNED_cnt"), "control: the renamed map is read"
	   " as 'PINNED_cnt' (%d strings rewritten)", n);
	ok(obj && !bl_object_load(obj, &lo) && !access(path, F_OK),
	   "control: it loads and pins at %s", path);
	if (obj && bl_object_error(obj)[0])
		tu_diag_lines(bl_object_error(obj));
	bl_object_close(obj);
	unlink(path);

	for (size_t i = 0; i < TU_ARRAY_SIZE(bad); i++)
		test_bad_name(&bad[i]);

	/* an empty name */
	{
		struct bad_name empty = { "an empty name", "", "1 to 255 characters" };

		test_bad_name(&empty);
	}
}

/* ---- reusing a pin ------------------------------------------------------------------------- */

static struct bl_object *open_btf_maps(void)
{
	struct bl_error err = { 0 };
	struct bl_object *obj = bl_object_open(tu_obj_path("btf_maps"), NULL, &err);

	if (!obj)
		tap_bail("cannot open btf_maps.o: %s", err.msg);
	return obj;
}

/* Something is at <pin root>/pinned_cnt: the load must refuse it with a
 * message containing want1 and want2, and leave it. */
static void refuse(const char *label, const char *want1, const char *want2)
{
	struct bl_load_opts lo = { .pin_root = pin_root };
	struct bl_object *obj = open_btf_maps();
	char path[PATH_MAX + 16];
	struct stat before, after;
	int fds = tu_count_fds(), ret;

	snprintf(path, sizeof(path), "%s/" NAME, pin_root);
	lstat(path, &before);
	ret = bl_object_load(obj, &lo);
	ok(ret < 0, "%s: the load is refused (%d)", label, ret);
	like(bl_object_error(obj), want1, "%s: the message says '%s'", label, want1);
	if (want2)
		like(bl_object_error(obj), want2, "%s: and '%s'", label, want2);
	like(bl_object_error(obj), path, "%s: the message names the pin path", label);
	ok(!bl_object_loaded(obj), "%s: nothing stays loaded", label);
	bl_object_close(obj);
	ok(!lstat(path, &after) && after.st_ino == before.st_ino, "%s: what is at the pin"
	   " path is left as it was", label);
	is_int(tu_count_fds(), fds + 0, "%s: no fd left", label);
}

/* Pin a map of this shape at <pin root>/pinned_cnt. */
static int pin_map(enum bpf_map_type type, __u32 key, __u32 value, __u32 max, __u32 flags)
{
	struct bl_map_create_opts o = { .map_flags = flags };
	char path[PATH_MAX + 16];
	int fd = bl_sys_map_create(type, "other", key, value, max, &o);

	snprintf(path, sizeof(path), "%s/" NAME, pin_root);
	if (fd < 0 || bl_sys_obj_pin(fd, path))
		tap_bail("cannot pin a map at %s", path);
	return fd;
}

static void unpin(void)
{
	char path[PATH_MAX + 16];
	struct stat st;

	snprintf(path, sizeof(path), "%s/" NAME, pin_root);
	if (!lstat(path, &st) && S_ISDIR(st.st_mode))
		rmdir(path);
	else
		unlink(path);
}

static void test_reuse(void)
{
	char path[PATH_MAX + 16], target[PATH_MAX + 16];
	struct bl_object *prog_obj;
	int fd;

	snprintf(path, sizeof(path), "%s/" NAME, pin_root);

	fd = pin_map(BPF_MAP_TYPE_ARRAY, 4, 8, 16, 0);
	refuse("type ARRAY", "type BPF_MAP_TYPE_ARRAY (2)", "wants BPF_MAP_TYPE_HASH (1)");
	close(fd);
	unpin();

	fd = pin_map(BPF_MAP_TYPE_HASH, 8, 8, 16, 0);
	refuse("key size 8", "key size 8", "wants 4");
	close(fd);
	unpin();

	fd = pin_map(BPF_MAP_TYPE_HASH, 4, 8, 32, 0);
	refuse("max_entries 32", "max_entries 32", "wants 16");
	close(fd);
	unpin();

	fd = pin_map(BPF_MAP_TYPE_HASH, 4, 8, 16, BPF_F_NO_PREALLOC);
	refuse("flags BPF_F_NO_PREALLOC", "flags 0x1", "wants 0");
	close(fd);
	unpin();

	/* a program under the map's name: its info must not be read as a map's */
	prog_obj = bl_object_open(tu_obj_path("sock_xdp"), NULL, NULL);
	if (prog_obj && !bl_object_load(prog_obj, NULL) &&
	    !bl_sys_obj_pin(bl_program_fd(bl_object_program(prog_obj, 0)), path)) {
		refuse("a program pinned there", "is not a map but a program", NULL);
		unpin();
	} else {
		ok(0, "pin a program at %s", path);
	}
	bl_object_close(prog_obj);

	/* a symbolic link to a compatible map elsewhere on bpffs */
	fd = pin_map(BPF_MAP_TYPE_HASH, 4, 8, 16, 0);
	snprintf(target, sizeof(target), "%s/elsewhere", pin_root);
	if (rename(path, target) || symlink(target, path)) {
		ok(0, "make a symbolic link %s -> %s: %s", path, target, strerror(errno));
	} else {
		refuse("a symbolic link", "symbolic link", "not followed");
		unpin();
		unlink(target);
	}
	close(fd);

	if (mkdir(path, 0700)) {
		ok(0, "mkdir %s: %s", path, strerror(errno));
	} else {
		refuse("a directory", "not a pinned object (a directory)", NULL);
		unpin();
	}
}

/* ---- the pin directory ---------------------------------------------------------------------- */

static void refuse_root(const char *label, const char *root, const char *want)
{
	struct bl_load_opts lo = { .pin_root = root };
	struct bl_object *obj = open_btf_maps();
	int fds = tu_count_fds();

	ok(bl_object_load(obj, &lo) < 0, "pin root %s (%s): refused", root, label);
	like(bl_object_error(obj), want, "pin root %s: the message says '%s'", root, want);
	bl_object_close(obj);
	is_int(tu_count_fds(), fds, "pin root %s: no fd left", root);
}

static void test_roots(void)
{
	char missing[PATH_MAX + 16], file[PATH_MAX + 16], shm[64];
	int fd;

	snprintf(shm, sizeof(shm), "/dev/shm/bpfload-pins-%d", (int)getpid());
	if (!mkdir(shm, 0700)) {
		refuse_root("tmpfs", shm, "not on a BPF filesystem");
		ok(access(shm, F_OK) == 0 && rmdir(shm) == 0, "the tmpfs directory stayed empty");
	}
	refuse_root("procfs", "/proc", "not on a BPF filesystem");
	snprintf(missing, sizeof(missing), "%s/no/such/dir", pin_root);
	refuse_root("missing", missing, "mount bpffs");

	fd = pin_map(BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0);
	snprintf(file, sizeof(file), "%s/" NAME, pin_root);
	refuse_root("a pinned file used as a directory", file, "Not a directory");
	close(fd);
	unpin();
}

int main(void)
{
	const char *why = tu_bpf_unavailable();
	int err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (why)
		tap_skip_all("%s", why);
	if (access(tu_obj_path("btf_maps"), R_OK))
		tap_skip_all("%s not built: run make", tu_obj_path("btf_maps"));
	err = tu_pin_root_create(pin_root, sizeof(pin_root), "pins");
	if (err)
		tap_bail("cannot make a pin directory on bpffs: %s", strerror(-err));
	atexit(cleanup);
	read_image(tu_obj_path("btf_maps"));

	test_names();
	test_reuse();
	test_roots();

	free(image);
	is_int(tu_pin_root_remove(pin_root), 0, "the pin directory is removed");
	pin_root[0] = '\0';
	return tap_done();
}
