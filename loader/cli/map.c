// SPDX-License-Identifier: BSD-2-Clause
/*
 * map.c - bpfload map list|show|create, and opening kernel objects by id
 * or pinned path for the map and prog commands.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cli/cli.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bpfload map COMMAND [ARGS...]\n"
		"\n"
		"Commands:\n"
		"  list                     every map the kernel holds (also: show)\n"
		"  show ID|PIN              one map in detail\n"
		"  dump ID|PIN              every key and value in hex (per CPU if per-CPU)\n"
		"  lookup ID|PIN KEY        the value of one key\n"
		"  update ID|PIN KEY VALUE  write one entry; --from FILE writes many\n"
		"  delete ID|PIN KEY        remove one entry\n"
		"  create PIN OPTIONS       create a map and pin it\n"
		"\n"
		"A map is named by its kernel id or by a path where it is pinned on bpffs.\n"
		"KEY and VALUE are hex bytes in memory order: \"01 00 00 00\", \"01:00:00:00\",\n"
		"\"01000000\".  'bpfload map COMMAND --help' for a command's options.\n");
}

/* ---- opening by id or pin ---------------------------------------------------- */

/* What a fd is, from its /proc link: "bpf-map", "bpf-prog", ... */
static bool fd_is(int fd, const char *kind)
{
	char path[64], link[64], want[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return true;	/* no /proc: let the info call decide */
	link[n] = '\0';
	snprintf(want, sizeof(want), "anon_inode:%s", kind);
	return !strcmp(link, want);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

static bool on_bpffs(const char *path)
{
	struct statfs st;

	return !statfs(path, &st) && (unsigned long)st.f_type == BPF_FS_MAGIC;
}

/* A fd for what (an id or a pinned path) of the given kind, or -1. */
static int open_obj(const char *what, const char *kind, __u32 file_flags,
		    int (*by_id)(__u32 id))
{
	const char *noun = !strcmp(kind, "bpf-map") ? "map" : "program";
	__u32 id;
	int fd;

	if (cli_is_id(what)) {
		if (!cli_parse_u32(what, &id) || !id) {
			cli_error("'%s' is not a valid %s id", what, noun);
			return -1;
		}
		fd = by_id(id);
		if (fd == -ENOENT)
			cli_error("no %s with id %u (see: bpfload %s list)", noun, id,
				  *noun == 'm' ? "map" : "prog");
		else if (fd < 0)
			cli_sys_error(fd, "cannot open %s %u", noun, id);
		return fd < 0 ? -1 : fd;
	}
	fd = bl_sys_obj_get(what, file_flags);
	if (fd == -ENOENT) {
		cli_error("%s: nothing is pinned there (give an id or a path on bpffs)", what);
		return -1;
	}
	if (fd < 0 && is_dir(what)) {
		cli_error("%s is a directory, not a pinned object", what);
		return -1;
	}
	if (fd < 0 && !on_bpffs(what)) {
		cli_error("%s: not a pinned object: pins live on a bpf filesystem (see: mount"
			  " -t bpf; the usual place is /sys/fs/bpf)", what);
		return -1;
	}
	if (fd < 0) {
		cli_sys_error(fd, "cannot open pinned %s", what);
		return -1;
	}
	if (!fd_is(fd, kind)) {
		cli_error("%s: pinned object is not a %s", what, noun);
		close(fd);
		return -1;
	}
	return fd;
}

static int get_info(int fd, const char *what, void *info, __u32 size)
{
	__u32 len = size;
	int err;

	memset(info, 0, size);
	err = bl_sys_obj_get_info_by_fd(fd, info, &len);
	if (err) {
		cli_sys_error(err, "cannot read the info of %s", what);
		return err;
	}
	return 0;
}

int cli_open_map(const char *what, __u32 file_flags, struct bpf_map_info *info)
{
	int fd = open_obj(what, "bpf-map", file_flags, bl_sys_map_get_fd_by_id);

	if (fd >= 0 && get_info(fd, what, info, sizeof(*info))) {
		close(fd);
		return -1;
	}
	return fd;
}

int cli_open_prog(const char *what, struct bpf_prog_info *info)
{
	int fd = open_obj(what, "bpf-prog", 0, bl_sys_prog_get_fd_by_id);

	if (fd >= 0 && get_info(fd, what, info, sizeof(*info))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- list and show ---------------------------------------------------------------- */

/* memlock and frozen come only from /proc/self/fdinfo. */
struct map_extra_info {
	long long memlock;		/* -1: unknown */
	int frozen;			/* -1: unknown */
};

static void read_fdinfo(int fd, struct map_extra_info *x)
{
	char path[64], line[256];
	FILE *f;

	x->memlock = -1;
	x->frozen = -1;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "memlock: %lld", &x->memlock) == 1)
			continue;
		sscanf(line, "frozen: %d", &x->frozen);
	}
	fclose(f);
}

static void json_map_info(struct json *j, const struct bpf_map_info *m,
			  const struct map_extra_info *x)
{
	char type[CLI_NAME_LEN];

	json_object_begin(j);
	json_kv_u64(j, "id", m->id);
	json_kv_string(j, "name", m->name);
	json_kv_string(j, "type", cli_map_type(m->type, type, sizeof(type)));
	json_kv_u64(j, "type_id", m->type);
	json_kv_u64(j, "key_size", m->key_size);
	json_kv_u64(j, "value_size", m->value_size);
	json_kv_u64(j, "max_entries", m->max_entries);
	json_kv_u64(j, "flags", m->map_flags);
	json_key(j, "flag_names");
	cli_json_map_flags(j, m->map_flags);
	json_kv_u64(j, "btf_id", m->btf_id);
	json_kv_u64(j, "btf_key_type_id", m->btf_key_type_id);
	json_kv_u64(j, "btf_value_type_id", m->btf_value_type_id);
	json_kv_u64(j, "map_extra", m->map_extra);
	if (x) {
		if (x->memlock >= 0)
			json_kv_u64(j, "memlock", x->memlock);
		else
			json_kv_null(j, "memlock");
		if (x->frozen >= 0)
			json_kv_bool(j, "frozen", x->frozen);
		else
			json_kv_null(j, "frozen");
	}
	json_object_end(j);
}

static void map_row(struct table *t, const struct bpf_map_info *m)
{
	char type[CLI_NAME_LEN], flags[256];

	table_row(t);
	table_cell(t, "%u", m->id);
	table_cell(t, "%s", cli_map_type(m->type, type, sizeof(type)));
	table_cell(t, "%.*s", BPF_OBJ_NAME_LEN, m->name);
	table_cell(t, "%u", m->key_size);
	table_cell(t, "%u", m->value_size);
	table_cell(t, "%u", m->max_entries);
	table_cell(t, "%s", cli_map_flags(m->map_flags, flags, sizeof(flags)));
	if (m->btf_id)
		table_cell(t, "%u", m->btf_id);
	else
		table_cell(t, "-");
}

static int list_row(int fd, __u32 id, struct table *t, struct json *j)
{
	struct bpf_map_info m;
	char what[32];
	int err;

	snprintf(what, sizeof(what), "map %u", id);
	err = get_info(fd, what, &m, sizeof(m));
	if (err)
		return err;
	if (cli.json)
		json_map_info(j, &m, NULL);
	else
		map_row(t, &m);
	return 0;
}

static int list_maps(void)
{
	static const char *const head[] = { "ID", "TYPE", "NAME", "KEY", "VALUE", "MAX",
					    "FLAGS", "BTF", NULL };
	static const struct cli_list l = {
		.what = "maps", .noun = "map", .cmd = "BPF_MAP_GET_NEXT_ID",
		.next_id = bl_sys_map_get_next_id, .fd_by_id = bl_sys_map_get_fd_by_id,
		.head = head, .align = "rllrrrlr", .row = list_row,
	};

	/* like prog list: a map that cannot be read fails the command */
	return cli_list(&l) ? 1 : 0;
}

static void show_human(const struct bpf_map_info *m, const struct map_extra_info *x)
{
	char buf[256];

	printf("id           %u\n", m->id);
	snprintf(buf, sizeof(buf), "%.*s", BPF_OBJ_NAME_LEN, m->name);
	printf("name         %s\n", cli_printable(buf));
	printf("type         %s\n", cli_map_type(m->type, buf, sizeof(buf)));
	printf("key_size     %u\n", m->key_size);
	printf("value_size   %u\n", m->value_size);
	printf("max_entries  %u\n", m->max_entries);
	printf("flags        %s\n", cli_map_flags(m->map_flags, buf, sizeof(buf)));
	if (m->btf_id)
		printf("btf_id       %u (key type %u, value type %u)\n", m->btf_id,
		       m->btf_key_type_id, m->btf_value_type_id);
	else
		printf("btf_id       -\n");
	if (m->map_extra)
		printf("map_extra    0x%llx\n", (unsigned long long)m->map_extra);
	if (x->memlock >= 0)
		printf("memlock      %lld bytes\n", x->memlock);
	if (x->frozen >= 0)
		printf("frozen       %s\n", x->frozen ? "yes" : "no");
}

static int show_map(const char *what)
{
	struct bpf_map_info m;
	struct map_extra_info x;
	struct json j;
	int fd = cli_open_map(what, BPF_F_RDONLY, &m);

	if (fd < 0)
		return 1;
	read_fdinfo(fd, &x);
	close(fd);
	if (cli.json) {
		json_init(&j, stdout, cli.pretty);
		json_map_info(&j, &m, &x);
		json_finish(&j);
	} else {
		show_human(&m, &x);
	}
	return 0;
}

static void usage_list(FILE *f)
{
	fprintf(f,
		"Usage: bpfload map list [--json|--pretty]\n"
		"       bpfload map show [ID|PIN] [--json|--pretty]\n"
		"\n"
		"List every map the kernel holds (BPF_MAP_GET_NEXT_ID), or show one by id or\n"
		"pinned path: id, type, name, key/value sizes, max_entries, flags, BTF id;\n"
		"show adds memlock and whether the map is frozen.\n");
}

static int cmd_map_list(int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_LONGOPTS, { NULL, 0, NULL, 0 } };
	bool show = !strcmp(argv[0], "show");
	int c;

	cli_getopt_reset(argv);
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, opts, NULL)) != -1)
		cli_common_opt(c, show ? "map show" : "map list", usage_list);
	cli_want_args(argc - optind, 0, show ? 1 : 0, show ? "map show" : "map list",
		      show ? "[ID|PIN]" : "no arguments");
	if (optind < argc)
		return show_map(argv[optind]);
	return list_maps();
}

/* ---- create ---------------------------------------------------------------------- */

static void usage_create(FILE *f)
{
	fprintf(f,
		"Usage: bpfload map create PIN --type TYPE --key-size N --value-size N\n"
		"                          --max-entries N [--name NAME] [--flags FLAGS]\n"
		"\n"
		"Create a map (BPF_MAP_CREATE) and pin it at PIN on bpffs, where it lives\n"
		"until the pin is removed (rm PIN).  TYPE: hash, array, percpu_hash,\n"
		"lru_hash, ... or a number.  FLAGS: names joined by ',' (no_prealloc,\n"
		"mmapable, rdonly_prog, ...) or a number.  Prints the new map's id.\n");
}

struct create_args {
	const char *pin, *name;
	__u32 type, key_size, value_size, max_entries;
	struct bl_map_create_opts opts;
	bool have_type, have_max;
};

static void parse_create(int argc, char **argv, struct create_args *a)
{
	enum { OPT_TYPE = 256, OPT_KEY, OPT_VALUE, OPT_MAX, OPT_NAME, OPT_FLAGS };
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{ "type",	 required_argument, NULL, OPT_TYPE },
		{ "key-size",	 required_argument, NULL, OPT_KEY },
		{ "value-size",	 required_argument, NULL, OPT_VALUE },
		{ "max-entries", required_argument, NULL, OPT_MAX },
		{ "name",	 required_argument, NULL, OPT_NAME },
		{ "flags",	 required_argument, NULL, OPT_FLAGS },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = "map create";
	int c;

	cli_getopt_reset(argv);
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, opts, NULL)) != -1) {
		bool ok = true;

		switch (c) {
		case OPT_TYPE:
			ok = a->have_type = cli_parse_map_type(optarg, &a->type);
			break;
		case OPT_KEY:
			ok = cli_parse_u32(optarg, &a->key_size);
			break;
		case OPT_VALUE:
			ok = cli_parse_u32(optarg, &a->value_size);
			break;
		case OPT_MAX:
			ok = a->have_max = cli_parse_u32(optarg, &a->max_entries);
			break;
		case OPT_NAME:
			a->name = optarg;
			break;
		case OPT_FLAGS:
			ok = cli_parse_map_flags(optarg, &a->opts.map_flags);
			break;
		default:
			cli_common_opt(c, cmd, usage_create);
		}
		if (!ok)
			cli_usage_error(cmd, "invalid value '%s' for --%s", optarg,
					cli_opt_name(opts, c));
	}
	cli_want_args(argc - optind, 1, 1, cmd, "PIN");
	if (!a->have_type || !a->have_max)
		cli_usage_error(cmd, "--type and --max-entries are required");
	a->pin = argv[optind];
}

static int cmd_map_create(int argc, char **argv)
{
	struct create_args a = { 0 };
	struct bpf_map_info m;
	struct json j;
	char type[CLI_NAME_LEN];
	int fd, err;

	parse_create(argc, argv, &a);
	cli_map_type(a.type, type, sizeof(type));
	fd = bl_sys_map_create(a.type, a.name, a.key_size, a.value_size, a.max_entries,
			       &a.opts);
	if (fd < 0) {
		cli_sys_error(fd, "creating a %s map failed", type);
		return 1;
	}
	err = bl_sys_obj_pin(fd, a.pin);
	if (err) {
		cli_sys_error(err, "pinning the new map at %s failed", a.pin);
		if (err == -EPERM || err == -EINVAL || err == -ENOENT)
			fprintf(stderr, "  hint: the directory must exist on a bpf filesystem"
				" (mount -t bpf bpf /sys/fs/bpf)\n");
		close(fd);
		return 1;
	}
	err = get_info(fd, a.pin, &m, sizeof(m));
	close(fd);
	if (err)
		return 1;
	if (cli.json) {
		json_init(&j, stdout, cli.pretty);
		json_object_begin(&j);
		json_kv_u64(&j, "id", m.id);
		json_kv_string(&j, "pinned", a.pin);
		json_object_end(&j);
		json_finish(&j);
	} else {
		printf("map %u (%s) pinned at %s\n", m.id, type, a.pin);
	}
	return 0;
}

/* ---- the group ---------------------------------------------------------------------- */

int cmd_map(int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "list",   cmd_map_list },
		{ "show",   cmd_map_list },
		{ "dump",   cmd_map_dump },
		{ "lookup", cmd_map_lookup },
		{ "update", cmd_map_update },
		{ "delete", cmd_map_delete },
		{ "create", cmd_map_create },
	};

	return cli_group(cmds, ARRAY_SIZE(cmds), "map", usage, argc, argv);
}
