// SPDX-License-Identifier: BSD-2-Clause
/*
 * prog.c - bpfload prog list|show: the programs the kernel holds.
 *
 * Ids come from BPF_PROG_GET_NEXT_ID, a fd from BPF_PROG_GET_FD_BY_ID,
 * the facts from BPF_OBJ_GET_INFO_BY_FD.  The kernel's struct
 * bpf_prog_info is larger than the 6.1 header's; we pass our size and
 * the kernel fills that much.  The map ids need a second call that
 * gives the kernel an array to fill.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

struct prog {
	struct bpf_prog_info info;
	__u32 *map_ids;
	__u32 nr_map_ids;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bpfload prog list [--json|--pretty]\n"
		"       bpfload prog show [ID|PIN] [--json|--pretty]\n"
		"\n"
		"List every program the kernel holds, or show one by id or pinned path: id,\n"
		"type, name, tag, load time, owner uid, translated and JITed sizes, verified\n"
		"instructions, map ids, BTF id (and run statistics when enabled).\n");
}

/* ---- reading ---------------------------------------------------------------------- */

static int read_map_ids(int fd, struct prog *p)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info), n = p->info.nr_map_ids;
	int err;

	p->nr_map_ids = 0;
	if (!n)
		return 0;
	p->map_ids = calloc(n, sizeof(*p->map_ids));
	if (!p->map_ids)
		return -ENOMEM;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = n;
	info.map_ids = (__u64)(unsigned long)p->map_ids;
	err = bl_sys_obj_get_info_by_fd(fd, &info, &len);
	if (err)
		return err;
	/* the kernel says how many there are and fills at most n */
	p->nr_map_ids = info.nr_map_ids < n ? info.nr_map_ids : n;
	return 0;
}

static int read_prog(int fd, struct prog *p)
{
	__u32 len = sizeof(p->info);
	int err;

	memset(p, 0, sizeof(*p));
	err = bl_sys_obj_get_info_by_fd(fd, &p->info, &len);
	if (!err)
		err = read_map_ids(fd, p);
	return err;
}

/* ---- formatting ---------------------------------------------------------------------- */

/* load_time counts ns since boot; the wall clock time of boot is now
 * (real time) minus the time since boot. */
static time_t load_wall_time(__u64 load_ns)
{
	struct timespec real, boot;
	__s64 wall_ns;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	wall_ns = ((__s64)real.tv_sec - boot.tv_sec) * 1000000000LL +
		  (real.tv_nsec - boot.tv_nsec) + (__s64)load_ns;
	return (time_t)(wall_ns / 1000000000LL);
}

static const char *loaded_at(__u64 load_ns, const char *fmt, char *buf, size_t len)
{
	time_t t = load_wall_time(load_ns);
	struct tm tm;

	if (!localtime_r(&t, &tm) || !strftime(buf, len, fmt, &tm))
		snprintf(buf, len, "-");
	return buf;
}

static const char *tag_hex(const struct bpf_prog_info *info, char *buf)
{
	*cli_hex(buf, info->tag, BPF_TAG_SIZE, 0) = '\0';
	return buf;
}

static const char *map_id_list(const struct prog *p, char *buf, size_t len)
{
	size_t off = 0;

	if (!p->nr_map_ids)
		return "-";
	buf[0] = '\0';
	for (__u32 i = 0; i < p->nr_map_ids && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%u", i ? "," : "", p->map_ids[i]);
	return buf;
}

static void prog_row(struct table *t, const struct prog *p)
{
	const struct bpf_prog_info *i = &p->info;
	char type[CLI_NAME_LEN], tag[2 * BPF_TAG_SIZE + 1], when[64], maps[256];

	table_row(t);
	table_cell(t, "%u", i->id);
	table_cell(t, "%s", cli_prog_type(i->type, type, sizeof(type)));
	table_cell(t, "%.*s", BPF_OBJ_NAME_LEN, i->name[0] ? i->name : "-");
	table_cell(t, "%s", tag_hex(i, tag));
	table_cell(t, "%s", loaded_at(i->load_time, "%Y-%m-%d %H:%M:%S", when, sizeof(when)));
	table_cell(t, "%u", i->created_by_uid);
	table_cell(t, "%u", i->xlated_prog_len);
	table_cell(t, "%u", i->jited_prog_len);
	table_cell(t, "%s", map_id_list(p, maps, sizeof(maps)));
	if (i->btf_id)
		table_cell(t, "%u", i->btf_id);
	else
		table_cell(t, "-");
}

static void json_prog(struct json *j, const struct prog *p)
{
	const struct bpf_prog_info *i = &p->info;
	char type[CLI_NAME_LEN], tag[2 * BPF_TAG_SIZE + 1], when[64];

	json_object_begin(j);
	json_kv_u64(j, "id", i->id);
	json_kv_string(j, "type", cli_prog_type(i->type, type, sizeof(type)));
	json_kv_u64(j, "type_id", i->type);
	json_kv_string(j, "name", i->name);
	json_kv_string(j, "tag", tag_hex(i, tag));
	json_kv_bool(j, "gpl_compatible", i->gpl_compatible);
	json_kv_string(j, "loaded_at", loaded_at(i->load_time, "%Y-%m-%dT%H:%M:%S%z",
						 when, sizeof(when)));
	json_kv_u64(j, "load_time_ns", i->load_time);
	json_kv_u64(j, "uid", i->created_by_uid);
	json_kv_u64(j, "xlated_size", i->xlated_prog_len);
	json_kv_u64(j, "jited_size", i->jited_prog_len);
	json_kv_u64(j, "verified_insns", i->verified_insns);
	json_key(j, "map_ids");
	json_array_begin(j);
	for (__u32 k = 0; k < p->nr_map_ids; k++)
		json_u64(j, p->map_ids[k]);
	json_array_end(j);
	json_kv_u64(j, "btf_id", i->btf_id);
	json_kv_u64(j, "run_cnt", i->run_cnt);
	json_kv_u64(j, "run_time_ns", i->run_time_ns);
	json_object_end(j);
}

static void show_human(const struct prog *p)
{
	const struct bpf_prog_info *i = &p->info;
	char buf[256], tag[2 * BPF_TAG_SIZE + 1];

	printf("id              %u\n", i->id);
	printf("type            %s\n", cli_prog_type(i->type, buf, sizeof(buf)));
	snprintf(buf, sizeof(buf), "%.*s", BPF_OBJ_NAME_LEN, i->name);
	printf("name            %s\n", cli_printable(buf));
	printf("tag             %s\n", tag_hex(i, tag));
	printf("gpl_compatible  %s\n", i->gpl_compatible ? "yes" : "no");
	printf("loaded_at       %s\n", loaded_at(i->load_time, "%Y-%m-%dT%H:%M:%S%z", buf,
						 sizeof(buf)));
	printf("uid             %u\n", i->created_by_uid);
	printf("xlated          %u bytes\n", i->xlated_prog_len);
	printf("jited           %u bytes\n", i->jited_prog_len);
	printf("verified_insns  %u\n", i->verified_insns);
	printf("map_ids         %s\n", map_id_list(p, buf, sizeof(buf)));
	if (i->btf_id)
		printf("btf_id          %u\n", i->btf_id);
	else
		printf("btf_id          -\n");
	if (i->run_cnt || i->run_time_ns)
		printf("run             %llu times, %llu ns\n", (unsigned long long)i->run_cnt,
		       (unsigned long long)i->run_time_ns);
}

/* ---- commands ------------------------------------------------------------------------ */

static int list_row(int fd, __u32 id, struct table *t, struct json *j)
{
	struct prog p;
	int err = read_prog(fd, &p);

	if (err)
		cli_sys_error(err, "cannot read the info of program %u", id);
	else if (cli.json)
		json_prog(j, &p);
	else
		prog_row(t, &p);
	free(p.map_ids);
	return err;
}

static int list_progs(void)
{
	static const char *const head[] = { "ID", "TYPE", "NAME", "TAG", "LOADED", "UID",
					    "XLATED", "JITED", "MAPS", "BTF", NULL };
	static const struct cli_list l = {
		.what = "programs", .noun = "program", .cmd = "BPF_PROG_GET_NEXT_ID",
		.next_id = bl_sys_prog_get_next_id, .fd_by_id = bl_sys_prog_get_fd_by_id,
		.head = head, .align = "rlllrrrrlr", .row = list_row,
	};

	return cli_list(&l) ? 1 : 0;
}

static int show_prog(const char *what)
{
	struct prog p;
	struct json j;
	int fd, err;

	fd = cli_open_prog(what, &p.info);
	if (fd < 0)
		return 1;
	err = read_prog(fd, &p);
	close(fd);
	if (err) {
		cli_sys_error(err, "cannot read the info of program %s", what);
		free(p.map_ids);
		return 1;
	}
	if (cli.json) {
		json_init(&j, stdout, cli.pretty);
		json_prog(&j, &p);
		json_finish(&j);
	} else {
		show_human(&p);
	}
	free(p.map_ids);
	return 0;
}

static int cmd_prog_list(int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_LONGOPTS, { NULL, 0, NULL, 0 } };
	bool show = !strcmp(argv[0], "show");
	const char *cmd = show ? "prog show" : "prog list";
	int c;

	cli_getopt_reset(argv);
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, opts, NULL)) != -1)
		cli_common_opt(c, cmd, usage);
	cli_want_args(argc - optind, 0, show ? 1 : 0, cmd, show ? "[ID|PIN]" : "no arguments");
	if (optind < argc)
		return show_prog(argv[optind]);
	return list_progs();
}

int cmd_prog(int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "list", cmd_prog_list },
		{ "show", cmd_prog_list },
	};

	return cli_group(cmds, ARRAY_SIZE(cmds), "prog", usage, argc, argv);
}
