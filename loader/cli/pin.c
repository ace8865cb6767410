// SPDX-License-Identifier: BSD-2-Clause
/*
 * pin.c - bpfload pin|unpin OBJ|DIR: load and pin everything under
 * deterministic names, as Android's bpfloader does, or remove exactly
 * those pins again.
 *
 * Names, under the pin root (default /sys/fs/bpf, which must be bpffs):
 *
 *   map_<object>_<map>     every map; global data drops its leading
 *                          dot (map_<object>_bss, map_<object>_rodata),
 *                          other dots become '_' (bpffs refuses dots)
 *   <map>                  maps the object declares with pinning =
 *                          BY_NAME: where libbpf-style loaders put them,
 *                          so that objects can share them
 *   prog_<object>_<prog>   every program
 *   link_<object>_<prog>   with --attach: the attachment, which a pinned
 *                          link keeps after bpfload exits
 *
 * <object> is the file name without ".o".  Every name goes through the
 * library's pin-name check.
 *
 * Existing pins.  A pinned map is reused when it matches the object's
 * definition (type, key and value size, max_entries, flags), so its data
 * survives; otherwise the object is refused, or with --replace the map
 * is created anew.  Existing program and link pins are kept (a second
 * `pin --attach` does not attach twice); --replace swaps in the new ones
 * atomically: the new object is pinned under a temporary name in the
 * same directory (bpfload-tmp-<pid>-<name>) and rename(2)d over the old one, so the name never
 * disappears and the old attachment ends when its pin does.  A program
 * pin is also replaced when a new link is made for it, so that the
 * pinned program is the one the pinned link runs.
 *
 * A failure in one object unpins what this run pinned new for it and
 * goes on with the next; the exit status is then 1.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpfload/attach.h>
#include <bpfload/maputil.h>

#include "cli/cli.h"
#include "kernel/kernel.h"

#define DEFAULT_PIN_ROOT "/sys/fs/bpf"

static void usage_pin(FILE *f)
{
	fprintf(f,
		"Usage: bpfload pin OBJ|DIR [--pin-root DIR] [--attach] [--replace]\n"
		"\n"
		"Load OBJ (or every *.o in DIR) and pin its maps and programs under the pin\n"
		"root: map_OBJ_MAP, prog_OBJ_PROG (maps declared with pinning BY_NAME: at\n"
		"their own name).  Pinned maps that match the object's definition are reused;\n"
		"other existing pins are kept.\n"
		"\n"
		"Options:\n"
		"      --pin-root DIR  a directory on bpffs (default " DEFAULT_PIN_ROOT ")\n"
		"  -a, --attach        also attach every program from its section name and pin\n"
		"                      the links (link_OBJ_PROG): the programs keep running\n"
		"                      after bpfload exits, until 'bpfload unpin'\n"
		"      --replace       replace existing program and link pins (atomically, by\n"
		"                      rename) and map pins that do not match\n"
		"  -j, --json, -p, --pretty, --trace, -h, --help\n");
}

static void usage_unpin(FILE *f)
{
	fprintf(f,
		"Usage: bpfload unpin OBJ|DIR [--pin-root DIR]\n"
		"\n"
		"Remove the pins 'bpfload pin OBJ' makes (map_OBJ_*, prog_OBJ_*, link_OBJ_*\n"
		"and BY_NAME maps), and nothing else.  Removing a link pin detaches the\n"
		"program.  The object file is only read, nothing is loaded.\n"
		"\n"
		"Options:\n"
		"      --pin-root DIR  a directory on bpffs (default " DEFAULT_PIN_ROOT ")\n"
		"  -j, --json, -p, --pretty, --trace, -h, --help\n");
}

struct pin_args {
	const char *cmd;		/* "pin" or "unpin" */
	const char *target;
	const char *root;
	bool attach;
	bool replace;
};

enum action {
	ACT_PINNED,		/* new pin */
	ACT_REUSED,		/* map: the existing pin matched */
	ACT_REPLACED,		/* the old pin was swapped for the new object */
	ACT_KEPT,		/* program or link: the existing pin stays */
	ACT_NOT_ATTACHED,	/* link: the program needs a target */
	ACT_REMOVED,		/* unpin */
	ACT_ABSENT,		/* unpin: nothing there */
};

static const char *const action_names[] = {
	[ACT_PINNED] = "pinned",	 [ACT_REUSED] = "reused",
	[ACT_REPLACED] = "replaced",	 [ACT_KEPT] = "kept",
	[ACT_NOT_ATTACHED] = "not attached", [ACT_REMOVED] = "removed",
	[ACT_ABSENT] = "absent",
};

struct item {
	const char *kind;		/* "map", "prog", "link" */
	const char *name;		/* the map's or program's name */
	char *path;
	enum action act;
	__u32 id;
	char *detail;			/* link description, reason, ... */
	bool by_name;			/* map pinned BY_NAME by the library */
	bool replace;			/* map: pin anew over an incompatible one */
	struct bl_map *map;
	struct bl_program *prog;
};

struct pin_obj {
	const struct pin_args *a;
	const char *path;
	struct bl_object *obj;
	struct item *items;
	size_t nr_items;
	char **created;			/* new pins of this run, for rollback */
	size_t nr_created;
	char *error;			/* why this object failed */
};

/* ---- helpers ------------------------------------------------------------------------- */

static void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p) {
		cli_error("out of memory");
		exit(1);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d) {
		cli_error("out of memory");
		exit(1);
	}
	return d;
}

static int fail(struct pin_obj *po, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Record why the object failed; the message is printed at the end. */
static int fail(struct pin_obj *po, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!po->error)
		po->error = msg ? msg : xstrdup("out of memory");
	else
		free(msg);
	return -1;
}

static struct item *add_item(struct pin_obj *po, const char *kind, const char *name,
			     const char *leaf)
{
	struct item *it;

	po->items = xrealloc(po->items, (po->nr_items + 1) * sizeof(*po->items));
	it = &po->items[po->nr_items++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->name = name;
	if (asprintf(&it->path, "%s/%s", po->a->root, leaf) < 0) {
		cli_error("out of memory");
		exit(1);
	}
	return it;
}

static void set_detail(struct item *it, const char *s)
{
	free(it->detail);
	it->detail = s ? xstrdup(s) : NULL;
}

static bool exists(const char *path)
{
	struct stat st;

	return !lstat(path, &st);
}

/* Is fd a map, a program or a link?  Its /proc link says
 * "anon_inode:bpf-map", "anon_inode:bpf-prog" or "anon_inode:bpf-link". */
static bool fd_is(int fd, const char *kind)
{
	char path[64], link[64];
	const char *want = !strcmp(kind, "map") ? "anon_inode:bpf-map" :
			   !strcmp(kind, "prog") ? "anon_inode:bpf-prog" : "anon_inode:bpf-link";
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return false;
	link[n] = '\0';
	return !strcmp(link, want);
}

/* The kernel id of the map, program or link (kind) pinned at path; 0
 * when nothing, or something else, is pinned there. */
static __u32 pinned_id(const char *path, const char *kind)
{
	union {
		struct bpf_map_info map;
		struct bpf_prog_info prog;
		struct bpf_link_info link;
	} info;
	__u32 len = sizeof(info), id = 0;
	int fd = bl_sys_obj_get(path, 0);

	if (fd < 0)
		return 0;
	memset(&info, 0, sizeof(info));
	/* the kernel fills in the info of whatever fd is: check it first */
	if (fd_is(fd, kind) && !bl_sys_obj_get_info_by_fd(fd, &info, &len)) {
		if (!strcmp(kind, "map"))
			id = info.map.id;
		else if (!strcmp(kind, "prog"))
			id = info.prog.id;
		else
			id = info.link.id;
	}
	close(fd);
	return id;
}

/* ---- names ----------------------------------------------------------------------------- */

/*
 * "map_<obj>_<name>": a leading '.' of name dropped and every other '.'
 * made a '_', because bpffs refuses dots in names (EPERM: they are kept
 * for its own files); then the library's check.  prefix NULL: name as
 * it is (BY_NAME maps, where the library pins them).
 */
static int make_leaf(struct pin_obj *po, const char *prefix, const char *name, char **out)
{
	struct bl_error e = { 0 };
	const char *obj = bl_object_name(po->obj);

	if (prefix) {
		if (*name == '.')
			name++;
		if (asprintf(out, "%s_%s_%s", prefix, obj, name) < 0)
			return fail(po, "out of memory");
		for (char *c = *out; *c; c++)
			if (*c == '.')
				*c = '_';
	} else {
		*out = xstrdup(name);
	}
	if (bl_pin_check_name(*out, &e)) {
		fail(po, "%s", e.msg);
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* Every pin the object would have, in the order they are made. */
static int plan(struct pin_obj *po, bool links)
{
	struct bl_object *obj = po->obj;
	char *leaf;

	for (size_t i = 0; i < bl_object_map_count(obj); i++) {
		struct bl_map *m = bl_object_map(obj, i);
		bool by_name = bl_map_pinning(m) != 0;
		struct item *it;

		if (make_leaf(po, by_name ? NULL : "map", bl_map_name(m), &leaf))
			return -1;
		it = add_item(po, "map", bl_map_name(m), leaf);
		it->map = m;
		it->by_name = by_name;
		free(leaf);
	}
	for (size_t i = 0; i < bl_object_program_count(obj); i++) {
		struct bl_program *p = bl_object_program(obj, i);
		struct item *it;

		if (!bl_program_autoload(p))
			continue;
		if (make_leaf(po, "prog", bl_program_name(p), &leaf))
			return -1;
		it = add_item(po, "prog", bl_program_name(p), leaf);
		it->prog = p;
		free(leaf);
		if (!links)
			continue;
		if (make_leaf(po, "link", bl_program_name(p), &leaf))
			return -1;
		it = add_item(po, "link", bl_program_name(p), leaf);
		it->prog = p;
		free(leaf);
	}
	for (size_t i = 0; i < po->nr_items; i++)
		for (size_t k = 0; k < i; k++)
			if (!strcmp(po->items[i].path, po->items[k].path))
				return fail(po, "%s %s and %s %s would both be pinned at %s",
					    po->items[k].kind, po->items[k].name,
					    po->items[i].kind, po->items[i].name,
					    po->items[i].path);
	return 0;
}

/* ---- pinning ---------------------------------------------------------------------------- */

static void created(struct pin_obj *po, const char *path)
{
	po->created = xrealloc(po->created, (po->nr_created + 1) * sizeof(*po->created));
	po->created[po->nr_created++] = xstrdup(path);
}

static int pin_new(struct pin_obj *po, struct item *it, int fd)
{
	struct bl_error e = { 0 };

	if (bl_obj_pin_checked(fd, it->path, &e))
		return fail(po, "%s %s: %s", it->kind, it->name, e.msg);
	created(po, it->path);
	it->act = ACT_PINNED;
	return 0;
}

/* The temporary name a replacement is pinned at before the rename. */
static char *temp_path(const struct item *it)
{
	const char *slash = strrchr(it->path, '/');
	char *tmp;

	/* no dots: bpffs refuses them */
	if (asprintf(&tmp, "%.*s/bpfload-tmp-%d-%s", (int)(slash - it->path), it->path,
		     (int)getpid(), slash + 1) < 0) {
		cli_error("out of memory");
		exit(1);
	}
	return tmp;
}

/* Put what is pinned at tmp in place of it->path in one step. */
static int rename_over(struct pin_obj *po, struct item *it, const char *tmp)
{
	char why[96];

	if (rename(tmp, it->path)) {
		int err = -errno;

		unlink(tmp);
		return fail(po, "%s %s: rename(%s, %s) failed: %s", it->kind, it->name, tmp,
			    it->path, bl_strerror(err, why, sizeof(why)));
	}
	it->act = ACT_REPLACED;
	return 0;
}

static int pin_replace(struct pin_obj *po, struct item *it, int fd)
{
	char *tmp = temp_path(it), why[96];
	int err;

	unlink(tmp);		/* left by a dead run with our pid */
	err = bl_sys_obj_pin(fd, tmp);
	if (err) {
		fail(po, "%s %s: BPF_OBJ_PIN at %s failed: %s", it->kind, it->name, tmp,
		     bl_strerror(err, why, sizeof(why)));
	} else {
		err = rename_over(po, it, tmp);
	}
	free(tmp);
	return err ? -1 : 0;
}

/*
 * Before load: decide for every map whether its pin is reused, replaced
 * or made new.  BY_NAME maps are the library's to reuse or pin; we only
 * check them first, and remove an incompatible one under --replace.
 */
static int prepare_maps(struct pin_obj *po)
{
	for (size_t i = 0; i < po->nr_items; i++) {
		struct item *it = &po->items[i];
		struct bl_map *m = it->map;
		struct bl_error e = { 0 };
		int r;

		if (!m)
			continue;
		if (it->by_name) {
			struct bl_map_want w = {
				.type = bl_map_type(m), .key_size = bl_map_key_size(m),
				.value_size = bl_map_value_size(m),
				.max_entries = bl_map_max_entries(m),
				.map_flags = bl_map_flags(m), .check_flags = true,
			};
			int fd = bl_map_open_pinned(it->path, &w, 0, &e);

			it->act = ACT_PINNED;
			if (fd >= 0) {
				close(fd);
				it->act = ACT_REUSED;
			} else if (fd != -ENOENT && !po->a->replace) {
				return fail(po, "map %s: %s", it->name, e.msg);
			} else if (fd != -ENOENT) {
				/* the library pins the new one where this was */
				unlink(it->path);
				it->act = ACT_REPLACED;
			}
			set_detail(it, "pinning by name");
			continue;
		}
		r = bl_map_reuse_pinned(m, it->path, &e);
		if (r == 1) {
			it->act = ACT_REUSED;
		} else if (r == 0) {
			it->act = ACT_PINNED;
		} else if (po->a->replace) {
			char *cut = strstr(e.msg, "; remove the pin");

			if (cut)
				*cut = '\0';	/* what to do about it: we do it */
			it->replace = true;
			set_detail(it, e.msg);
		} else {
			return fail(po, "%s (--replace makes a new map there, losing its data)",
				    e.msg);
		}
	}
	return 0;
}

static int pin_maps(struct pin_obj *po)
{
	for (size_t i = 0; i < po->nr_items; i++) {
		struct item *it = &po->items[i];

		if (!it->map)
			continue;
		it->id = bl_map_id(it->map);
		if (it->by_name) {
			if (it->act == ACT_PINNED)
				created(po, it->path);
			continue;
		}
		if (it->act == ACT_REUSED)
			continue;
		if (it->replace ? pin_replace(po, it, bl_map_fd(it->map)) :
				  pin_new(po, it, bl_map_fd(it->map)))
			return -1;
	}
	return 0;
}

static struct item *find_item(struct pin_obj *po, const char *kind,
			      const struct bl_program *p)
{
	for (size_t i = 0; i < po->nr_items; i++)
		if (po->items[i].prog == p && !strcmp(po->items[i].kind, kind))
			return &po->items[i];
	return NULL;
}

/*
 * --attach: attach and pin a link for every program that has none
 * pinned yet (or every one, with --replace).  Sets *relink for the
 * programs whose program pin must follow the new link.
 */
static int pin_links(struct pin_obj *po, bool *relink)
{
	for (size_t i = 0; i < po->nr_items; i++) {
		struct item *it = &po->items[i], *pi;
		struct bl_error e = { 0 };
		struct bl_link *link;
		bool old = exists(it->path);
		char *tmp;
		int err;

		if (strcmp(it->kind, "link"))
			continue;
		if (old && !po->a->replace) {
			it->act = ACT_KEPT;
			it->id = pinned_id(it->path, "link");
			if (!it->id)
				return fail(po, "link %s: %s exists and is not a link; remove it or"
					    " use --replace", it->name, it->path);
			continue;
		}
		link = bl_program_attach(it->prog, &e);
		if (!link && e.err == -EOPNOTSUPP) {
			it->act = ACT_NOT_ATTACHED;
			set_detail(it, cli_prog_attach_need(it->prog) ?
				   cli_prog_attach_need(it->prog) : e.msg);
			continue;
		}
		if (!link)
			return fail(po, "link %s: %s", it->name, e.msg);
		set_detail(it, bl_link_describe(link));
		tmp = old ? temp_path(it) : NULL;
		if (tmp)
			unlink(tmp);
		err = bl_link_pin(link, tmp ? tmp : it->path, &e);
		if (err) {
			free(tmp);
			return fail(po, "link %s: %s", it->name, e.msg);
		}
		if (tmp) {
			err = rename_over(po, it, tmp);
			free(tmp);
			if (err)
				return -1;
		} else {
			created(po, it->path);
			it->act = ACT_PINNED;
		}
		it->id = pinned_id(it->path, "link");
		pi = find_item(po, "prog", it->prog);
		if (pi)
			relink[pi - po->items] = true;
	}
	return 0;
}

static int pin_progs(struct pin_obj *po, const bool *relink)
{
	for (size_t i = 0; i < po->nr_items; i++) {
		struct item *it = &po->items[i];
		int fd;

		if (strcmp(it->kind, "prog"))
			continue;
		fd = bl_program_fd(it->prog);
		it->id = bl_program_id(it->prog);
		if (!exists(it->path)) {
			if (pin_new(po, it, fd))
				return -1;
			continue;
		}
		if (!po->a->replace && !relink[i]) {
			it->act = ACT_KEPT;
			it->id = pinned_id(it->path, "prog");
			if (!it->id)
				return fail(po, "prog %s: %s exists and is not a program; remove it"
					    " or use --replace", it->name, it->path);
			continue;
		}
		if (pin_replace(po, it, fd))
			return -1;
		if (relink[i] && !po->a->replace)
			set_detail(it, "the program of the new link");
	}
	return 0;
}

static void rollback(struct pin_obj *po)
{
	for (size_t i = po->nr_created; i-- > 0;)
		unlink(po->created[i]);
}

static int pin_object(struct pin_obj *po)
{
	struct bl_load_opts opts = { .pin_root = po->a->root };
	struct bl_error e = { 0 };
	bool *relink = NULL;
	int err = -1;

	po->obj = bl_object_open(po->path, NULL, &e);
	if (!po->obj)
		return fail(po, "%s", e.msg);
	if (plan(po, po->a->attach) || prepare_maps(po))
		return -1;
	if (bl_object_load(po->obj, &opts))
		return fail(po, "%s", bl_object_error(po->obj));
	cli_warn_btf(po->obj, po->path);
	relink = calloc(po->nr_items ? po->nr_items : 1, sizeof(*relink));
	if (!relink)
		return fail(po, "out of memory");
	if (!pin_maps(po) && (!po->a->attach || !pin_links(po, relink)) &&
	    !pin_progs(po, relink))
		err = 0;
	free(relink);
	if (err)
		rollback(po);
	return err;
}

static int unpin_object(struct pin_obj *po)
{
	static const char *const order[] = { "link", "prog", "map" };
	struct bl_error e = { 0 };
	char why[96];

	po->obj = bl_object_open(po->path, NULL, &e);
	if (!po->obj)
		return fail(po, "%s", e.msg);
	if (plan(po, true))
		return -1;
	for (size_t k = 0; k < ARRAY_SIZE(order); k++) {
		for (size_t i = 0; i < po->nr_items; i++) {
			struct item *it = &po->items[i];
			struct stat st;

			if (strcmp(it->kind, order[k]))
				continue;
			if (lstat(it->path, &st)) {
				it->act = ACT_ABSENT;
				continue;
			}
			if (S_ISDIR(st.st_mode)) {
				it->act = ACT_ABSENT;
				set_detail(it, "a directory, left alone");
				continue;
			}
			it->id = pinned_id(it->path, it->kind);
			if (unlink(it->path))
				return fail(po, "%s %s: cannot remove %s: %s", it->kind, it->name,
					    it->path, bl_strerror(-errno, why, sizeof(why)));
			it->act = ACT_REMOVED;
			if (it->by_name)
				set_detail(it, "pinning by name");
		}
	}
	return 0;
}

/* ---- output -------------------------------------------------------------------------------- */

static void print_human(const struct pin_obj *po)
{
	static const char *const head[] = { "KIND", "NAME", "ACTION", "ID", "PATH", "DETAIL",
					    NULL };
	struct table t;
	size_t shown = 0;

	printf("%s (%s):\n", po->obj ? bl_object_name(po->obj) : po->path, po->path);
	table_init(&t, head, "lllrll");
	for (size_t i = 0; i < po->nr_items; i++) {
		const struct item *it = &po->items[i];

		if (it->act == ACT_ABSENT && !it->detail)
			continue;
		table_row(&t);
		table_cell(&t, "%s", it->kind);
		table_cell(&t, "%s", it->name);
		table_cell(&t, "%s", action_names[it->act]);
		if (it->id)
			table_cell(&t, "%u", it->id);
		else
			table_cell(&t, "-");
		table_cell(&t, "%s", it->act == ACT_NOT_ATTACHED ? "-" : it->path);
		table_cell(&t, "%s", it->detail ? it->detail : "-");
		shown++;
	}
	if (shown)
		table_print(&t, stdout, "  ");
	else
		printf("  nothing pinned\n");
	table_free(&t);
}

static void print_json_obj(struct json *j, const struct pin_obj *po)
{
	json_object_begin(j);
	json_kv_string(j, "object", po->path);
	json_kv_string(j, "name", po->obj ? bl_object_name(po->obj) : NULL);
	json_kv_bool(j, "ok", !po->error);
	json_kv_string(j, "error", po->error);
	json_key(j, "pins");
	json_array_begin(j);
	for (size_t i = 0; i < po->nr_items && !po->error; i++) {
		const struct item *it = &po->items[i];

		json_object_begin(j);
		json_kv_string(j, "kind", it->kind);
		json_kv_string(j, "name", it->name);
		json_kv_string(j, "path", it->path);
		json_kv_string(j, "action", action_names[it->act]);
		json_key(j, "id");
		if (it->id)
			json_u64(j, it->id);
		else
			json_null(j);
		json_kv_bool(j, "by_name", it->by_name);
		json_kv_string(j, "detail", it->detail);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

static void free_obj(struct pin_obj *po)
{
	for (size_t i = 0; i < po->nr_items; i++) {
		free(po->items[i].path);
		free(po->items[i].detail);
	}
	for (size_t i = 0; i < po->nr_created; i++)
		free(po->created[i]);
	free(po->items);
	free(po->created);
	free(po->error);
	bl_object_close(po->obj);
}

/* ---- objects from OBJ or DIR ---------------------------------------------------------- */

static int is_object_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 2 && !strcmp(d->d_name + n - 2, ".o") && d->d_name[0] != '.';
}

/* The object files to work on: target itself, or DIR's *.o sorted. */
static char **list_objects(const char *target, size_t *count)
{
	struct dirent **names = NULL;
	struct stat st;
	char **paths;
	int n;

	if (stat(target, &st)) {
		cli_sys_error(-errno, "%s", target);
		return NULL;
	}
	if (!S_ISDIR(st.st_mode)) {
		paths = xrealloc(NULL, sizeof(*paths));
		paths[0] = xstrdup(target);
		*count = 1;
		return paths;
	}
	n = scandir(target, &names, is_object_file, alphasort);
	if (n < 0) {
		cli_sys_error(-errno, "cannot read directory %s", target);
		return NULL;
	}
	paths = xrealloc(NULL, (size_t)n * sizeof(*paths));
	*count = 0;
	for (int i = 0; i < n; i++) {
		char *p;

		if (asprintf(&p, "%s/%s", target, names[i]->d_name) < 0)
			p = NULL;
		free(names[i]);
		if (p && !stat(p, &st) && S_ISREG(st.st_mode))
			paths[(*count)++] = p;
		else
			free(p);
	}
	free(names);
	if (!*count) {
		cli_error("%s has no *.o files", target);
		free(paths);
		return NULL;
	}
	return paths;
}

static void parse_args(int argc, char **argv, struct pin_args *a)
{
	enum { OPT_PIN_ROOT = 256, OPT_REPLACE };
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{ "pin-root", required_argument, NULL, OPT_PIN_ROOT },
		{ "attach",   no_argument,	 NULL, 'a' },
		{ "replace",  no_argument,	 NULL, OPT_REPLACE },
		{ NULL, 0, NULL, 0 },
	};
	static const struct option unpin_opts[] = {
		CLI_COMMON_LONGOPTS,
		{ "pin-root", required_argument, NULL, OPT_PIN_ROOT },
		{ NULL, 0, NULL, 0 },
	};
	bool pin = !strcmp(a->cmd, "pin");
	cli_usage_fn usage = pin ? usage_pin : usage_unpin;
	size_t len;
	int c;

	a->root = DEFAULT_PIN_ROOT;
	cli_getopt_reset(argv);
	while ((c = getopt_long(argc, argv, pin ? CLI_COMMON_SHORTOPTS "a" : CLI_COMMON_SHORTOPTS,
				pin ? opts : unpin_opts, NULL)) != -1) {
		switch (c) {
		case OPT_PIN_ROOT:
			a->root = optarg;
			break;
		case 'a':
			a->attach = true;
			break;
		case OPT_REPLACE:
			a->replace = true;
			break;
		default:
			cli_common_opt(c, a->cmd, usage);
		}
	}
	cli_want_args(argc - optind, 1, 1, a->cmd, "OBJ|DIR");
	a->target = argv[optind];
	/* "/sys/fs/bpf/x/" and "/sys/fs/bpf/x" name the same pins */
	len = strlen(a->root);
	while (len > 1 && a->root[len - 1] == '/')
		((char *)a->root)[--len] = '\0';
}

static int run(int argc, char **argv, bool pin)
{
	struct pin_args a = { .cmd = pin ? "pin" : "unpin" };
	struct bl_error e = { 0 };
	struct json j;
	size_t n = 0, failed = 0;
	char **paths;

	parse_args(argc, argv, &a);
	if (bl_pin_check_dir(a.root, &e)) {
		cli_error("%s", e.msg);
		return 1;
	}
	paths = list_objects(a.target, &n);
	if (!paths)
		return 1;
	if (cli.json) {
		json_init(&j, stdout, cli.pretty);
		json_object_begin(&j);
		json_kv_string(&j, "pin_root", a.root);
		json_key(&j, "objects");
		json_array_begin(&j);
	}
	for (size_t i = 0; i < n && !cli_interrupted; i++) {
		struct pin_obj po = { .a = &a, .path = paths[i] };
		int err = pin ? pin_object(&po) : unpin_object(&po);

		if (err) {
			failed++;
			cli_error("%s: %s", po.path, po.error ? po.error : "failed");
		}
		if (cli.json)
			print_json_obj(&j, &po);
		else if (!err)
			print_human(&po);
		free_obj(&po);
	}
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	if (cli.json) {
		json_array_end(&j);
		json_object_end(&j);
		json_finish(&j);
	}
	return failed ? 1 : 0;
}

int cmd_pin(int argc, char **argv)
{
	return run(argc, argv, true);
}

int cmd_unpin(int argc, char **argv)
{
	return run(argc, argv, false);
}
