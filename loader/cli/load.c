// SPDX-License-Identifier: BSD-2-Clause
/*
 * load.c - bpfload load OBJ: put an object into the kernel.
 *
 * Creates the maps, loads the programs, prints their kernel ids and fds,
 * and exits, which releases everything nothing else holds: maps the
 * object pins (pinning = BY_NAME) stay.  --wait holds it all until
 * Ctrl-C, for looking at it with "prog list" / "map dump" meanwhile.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

#define CMD "load"
#define DEFAULT_PIN_ROOT "/sys/fs/bpf"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bpfload load OBJ [OPTIONS]\n"
		"\n"
		"Load every map and program of OBJ, print their kernel ids and fds, then exit\n"
		"(releasing all but what the object pins).\n"
		"\n"
		"Options:\n"
		"      --pin-root DIR    bpffs directory for maps with pinning BY_NAME\n"
		"                        (default " DEFAULT_PIN_ROOT ")\n"
		"  -P, --program NAME    load only this program (repeatable)\n"
		"      --log-level N     verifier log level for the log fetched (default 1;\n"
		"                        2 is verbose)\n"
		"      --verbose-log     always fetch and print the verifier log\n"
		"      --full-log        on failure print the whole log, not its last lines\n"
		"      --wait            keep everything loaded until Ctrl-C or SIGTERM\n"
		"  -j, --json, -p, --pretty, --trace, -h, --help\n");
}

struct load_args {
	const char *path;
	struct bl_load_opts opts;
	char **only;			/* --program names */
	size_t nr_only;
	bool wait;
};

/* ---- output --------------------------------------------------------------------- */

static void print_programs(const struct bl_object *obj)
{
	static const char *const head[] = { "NAME", "ID", "FD", "TYPE", "SECTION", NULL };
	char type[CLI_NAME_LEN];
	struct table t;

	printf("\nPrograms (%zu):\n", bl_object_program_count(obj));
	table_init(&t, head, "lrrll");
	for (size_t i = 0; i < bl_object_program_count(obj); i++) {
		const struct bl_program *p = bl_object_program(obj, i);

		table_row(&t);
		table_cell(&t, "%s", bl_program_name(p));
		if (bl_program_fd(p) >= 0) {
			table_cell(&t, "%u", bl_program_id(p));
			table_cell(&t, "%d", bl_program_fd(p));
		} else {
			table_cell(&t, "-");
			table_cell(&t, "-");
		}
		table_cell(&t, "%s", cli_prog_type(bl_program_type(p), type, sizeof(type)));
		table_cell(&t, "%s", bl_program_section(p));
	}
	table_print(&t, stdout, "  ");
	table_free(&t);
}

static const char *pin_path(const struct bl_map *m, const struct load_args *a,
			    char *buf, size_t len)
{
	if (!bl_map_pinning(m))
		return NULL;
	snprintf(buf, len, "%s/%s", a->opts.pin_root ? a->opts.pin_root : DEFAULT_PIN_ROOT,
		 bl_map_name(m));
	return buf;
}

static void print_maps(const struct bl_object *obj, const struct load_args *a)
{
	static const char *const head[] = { "NAME", "KERNEL NAME", "ID", "FD", "TYPE",
					    "PINNED", NULL };
	char type[CLI_NAME_LEN], pin[4096];
	struct table t;

	printf("\nMaps (%zu):\n", bl_object_map_count(obj));
	if (!bl_object_map_count(obj))
		return;
	table_init(&t, head, "llrrll");
	for (size_t i = 0; i < bl_object_map_count(obj); i++) {
		const struct bl_map *m = bl_object_map(obj, i);
		const char *pinned = pin_path(m, a, pin, sizeof(pin));

		table_row(&t);
		table_cell(&t, "%s", bl_map_name(m));
		table_cell(&t, "%s", bl_map_kernel_name(m));
		table_cell(&t, "%u", bl_map_id(m));
		table_cell(&t, "%d", bl_map_fd(m));
		table_cell(&t, "%s", cli_map_type(bl_map_type(m), type, sizeof(type)));
		table_cell(&t, "%s", pinned ? pinned : "-");
	}
	table_print(&t, stdout, "  ");
	table_free(&t);
}

static void print_logs(const struct bl_object *obj)
{
	for (size_t i = 0; i < bl_object_program_count(obj); i++) {
		const struct bl_program *p = bl_object_program(obj, i);
		const char *log = bl_program_log(p);

		if (!log)
			continue;
		printf("\nVerifier log of %s:\n%s", bl_program_name(p), log);
		if (*log && log[strlen(log) - 1] != '\n')
			putchar('\n');
	}
}

static void print_human(const struct bl_object *obj, const struct load_args *a)
{
	printf("object  %s\n", a->path);
	printf("btf_id  %u\n", bl_object_btf_id(obj));
	print_programs(obj);
	print_maps(obj, a);
	if (a->opts.always_log)
		print_logs(obj);
}

static void json_program(struct json *j, const struct bl_program *p)
{
	char type[CLI_NAME_LEN];
	bool loaded = bl_program_fd(p) >= 0;

	json_object_begin(j);
	json_kv_string(j, "name", bl_program_name(p));
	json_kv_string(j, "section", bl_program_section(p));
	json_kv_string(j, "type", cli_prog_type(bl_program_type(p), type, sizeof(type)));
	json_kv_u64(j, "type_id", bl_program_type(p));
	json_kv_bool(j, "loaded", loaded);
	json_kv_u64(j, "id", bl_program_id(p));
	json_kv_s64(j, "fd", bl_program_fd(p));
	json_kv_string(j, "verifier_log", bl_program_log(p));
	json_object_end(j);
}

static void json_map(struct json *j, const struct bl_map *m, const struct load_args *a)
{
	char type[CLI_NAME_LEN], pin[4096];

	json_object_begin(j);
	json_kv_string(j, "name", bl_map_name(m));
	json_kv_string(j, "kernel_name", bl_map_kernel_name(m));
	json_kv_string(j, "type", cli_map_type(bl_map_type(m), type, sizeof(type)));
	json_kv_u64(j, "type_id", bl_map_type(m));
	json_kv_u64(j, "id", bl_map_id(m));
	json_kv_s64(j, "fd", bl_map_fd(m));
	json_kv_string(j, "pinned", pin_path(m, a, pin, sizeof(pin)));
	json_object_end(j);
}

static void print_json(const struct bl_object *obj, const struct load_args *a)
{
	struct json j;

	json_init(&j, stdout, cli.pretty);
	json_object_begin(&j);
	json_kv_string(&j, "object", a->path);
	json_kv_string(&j, "name", bl_object_name(obj));
	json_kv_u64(&j, "btf_id", bl_object_btf_id(obj));
	json_kv_string(&j, "btf_warning", bl_object_btf_warning(obj));
	json_key(&j, "programs");
	json_array_begin(&j);
	for (size_t i = 0; i < bl_object_program_count(obj); i++)
		json_program(&j, bl_object_program(obj, i));
	json_array_end(&j);
	json_key(&j, "maps");
	json_array_begin(&j);
	for (size_t i = 0; i < bl_object_map_count(obj); i++)
		json_map(&j, bl_object_map(obj, i), a);
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

/* ---- the command ------------------------------------------------------------------ */

static void parse_args(int argc, char **argv, struct load_args *a)
{
	enum { OPT_PIN_ROOT = 256, OPT_FULL_LOG, OPT_LOG_LEVEL, OPT_VERBOSE_LOG, OPT_WAIT };
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{ "pin-root",	 required_argument, NULL, OPT_PIN_ROOT },
		{ "program",	 required_argument, NULL, 'P' },
		{ "full-log",	 no_argument,	    NULL, OPT_FULL_LOG },
		{ "log-level",	 required_argument, NULL, OPT_LOG_LEVEL },
		{ "verbose-log", no_argument,	    NULL, OPT_VERBOSE_LOG },
		{ "wait",	 no_argument,	    NULL, OPT_WAIT },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	cli_getopt_reset(argv);
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "P:", opts, NULL)) != -1) {
		switch (c) {
		case OPT_PIN_ROOT:
			a->opts.pin_root = optarg;
			break;
		case 'P':
			a->only = realloc(a->only, (a->nr_only + 1) * sizeof(*a->only));
			if (!a->only)
				cli_usage_error(CMD, "out of memory");
			a->only[a->nr_only++] = optarg;
			break;
		case OPT_FULL_LOG:
			a->opts.full_log = true;
			break;
		case OPT_LOG_LEVEL:
			if (!cli_parse_u32(optarg, &a->opts.log_level) || !a->opts.log_level)
				cli_usage_error(CMD, "--log-level wants a number > 0, not '%s'",
						optarg);
			break;
		case OPT_VERBOSE_LOG:
			a->opts.always_log = true;
			break;
		case OPT_WAIT:
			a->wait = true;
			break;
		default:
			cli_common_opt(c, CMD, usage);
		}
	}
	cli_want_args(argc - optind, 1, 1, CMD, "OBJ");
	a->path = argv[optind];
}

static void hold(void)
{
	fflush(stdout);
	fprintf(stderr, "bpfload: holding everything loaded; Ctrl-C or SIGTERM releases it\n");
	while (!cli_interrupted)
		pause();
	cli_interrupted = 0;	/* the expected way out: not a failure */
}

int cmd_load(int argc, char **argv)
{
	struct load_args a = { 0 };
	struct bl_error err = { 0 };
	struct bl_object *obj;
	int status = 1;

	parse_args(argc, argv, &a);
	obj = bl_object_open(a.path, NULL, &err);
	if (!obj) {
		cli_error("%s", err.msg);
		goto out;
	}
	if (cli_select_programs(obj, a.path, a.only, a.nr_only))
		goto out;
	if (bl_object_load(obj, &a.opts)) {
		cli_error("%s: %s", a.path, bl_object_error(obj));
		goto out;
	}
	cli_warn_btf(obj, a.path);
	if (cli.json)
		print_json(obj, &a);
	else
		print_human(obj, &a);
	if (a.wait)
		hold();
	status = 0;
out:
	bl_object_close(obj);
	free(a.only);
	return status;
}
