/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cli.h - what the files of the bpfload tool share.
 *
 *   main.c      global options, dispatch, help, signals
 *   util.c      errors and hints, option and number parsing, hex, CPUs
 *   table.c     column-aligned human output
 *   names.c     short names for types, attach types and flags
 *   json.c      the JSON writer (--json)
 *   inspect.c   bpfload inspect OBJ        (no kernel needed)
 *   load.c      bpfload load OBJ
 *   prog.c      bpfload prog list|show
 *   map.c       bpfload map list|show|create, opening maps by id or pin
 *   list.c      map list, prog list: every object of a kind, by id
 *   map_dump.c  bpfload map dump           (batched, fast)
 *   map_elem.c  bpfload map lookup|update|delete
 *   run.c       bpfload run OBJ            (attach, stream events, print maps)
 *   pin.c       bpfload pin|unpin OBJ|DIR  (pins with deterministic names)
 *   btf_fmt.c   values decoded by BTF type (btf_fmt.h)
 *
 * Exit status: 0 success, 1 failure, 2 usage error, 130 interrupted.
 */
#ifndef BPFLOAD_CLI_H
#define BPFLOAD_CLI_H

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <bpfload.h>
#include <bpfload/sys.h>

#include "cli/json.h"

#ifndef BPFLOAD_VERSION
#define BPFLOAD_VERSION "0.1.0"
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define EXIT_USAGE		2
#define EXIT_INTERRUPTED	130

/* ENOTSUPP is kernel-internal (524); the bpf() call still returns it. */
#ifndef ENOTSUPP
#define ENOTSUPP 524
#endif

/* Settings of this run, from the global and per-command options. */
struct cli_settings {
	bool json;
	bool pretty;
};
extern struct cli_settings cli;

/* Set by SIGINT/SIGTERM; long loops stop when they see it. */
extern volatile sig_atomic_t cli_interrupted;
/* Handle SIGINT and SIGTERM with handler: once, not restarting system
 * calls (main.c). */
void cli_catch_signals(void (*handler)(int sig));

/* ---- commands ---------------------------------------------------------- */

/* argv[0] is the command's own name; return the exit status. */
int cmd_inspect(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_prog(int argc, char **argv);
int cmd_map(int argc, char **argv);
int cmd_map_dump(int argc, char **argv);
int cmd_map_lookup(int argc, char **argv);
int cmd_map_update(int argc, char **argv);
int cmd_map_delete(int argc, char **argv);
int cmd_run(int argc, char **argv);		/* run.c */
int cmd_pin(int argc, char **argv);		/* pin.c */
int cmd_btf(int argc, char **argv);		/* btf.c */
int cmd_unpin(int argc, char **argv);		/* pin.c */

struct cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
};

typedef void (*cli_usage_fn)(FILE *f);

/* Run the command argv[0] names (exact or unique prefix) from cmds;
 * "help [CMD]" prints group_usage or the command's --help. */
int cli_dispatch(const struct cli_cmd *cmds, size_t n, const char *group,
		 cli_usage_fn group_usage, int argc, char **argv);
/* A group's own command line (argv[0] its name): the common options up
 * to the subcommand, which is then dispatched; usage and exit status 2
 * when there is none. */
int cli_group(const struct cli_cmd *cmds, size_t n, const char *group,
	      cli_usage_fn group_usage, int argc, char **argv);

/* ---- options ------------------------------------------------------------ */

/* Options every command accepts, anywhere on its command line. */
/* ':' first: a missing value is reported as ':' (must follow a '+'). */
#define CLI_COMMON_SHORTOPTS ":jph"
#define CLI_COMMON_LONGOPTS					\
	{ "json",	no_argument,	NULL, 'j' },		\
	{ "pretty",	no_argument,	NULL, 'p' },		\
	{ "trace",	no_argument,	NULL, 'T' },		\
	{ "help",	no_argument,	NULL, 'h' }

/* Start parsing a new argv with getopt_long. */
void cli_getopt_reset(char **argv);
/* Handle a common option or a getopt error (which exits with status 2);
 * --help prints usage to stdout and exits 0.  Returns true if handled. */
bool cli_common_opt(int c, const char *cmdpath, cli_usage_fn usage);

/* A usage error: the message, a pointer to --help, exit status 2. */
void cli_usage_error(const char *cmdpath, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
/* The long name of the option whose value is val. */
const char *cli_opt_name(const struct option *opts, int val);
/* The n positional arguments left after options (from optind on) must
 * number min..max; want describes them ("OBJ", "ID|PIN KEY"). */
void cli_want_args(int n, int min, int max, const char *cmdpath, const char *want);

/* Strict unsigned numbers (decimal, 0x hex); false if not one. */
bool cli_parse_u32(const char *s, __u32 *out);
bool cli_parse_u64(const char *s, __u64 *out);
/* True when s is all digits: an id rather than a path. */
bool cli_is_id(const char *s);

/* ---- errors -------------------------------------------------------------- */

/* "bpfload: <message>" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* --program NAME...: leave every program not named out of the load (by
 * function name, else section name); an unknown name is an error. */
int cli_select_programs(struct bl_object *obj, const char *path, char *const *names, size_t n);
/* After a load: warn on stderr when the kernel refused the object's BTF. */
void cli_warn_btf(const struct bl_object *obj, const char *path);
/* "bpfload: <message>: <errno in words>" and what to do about it. */
void cli_sys_error(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* What usually helps against err for a bpf() call, or NULL. */
const char *cli_errno_hint(int err);

/* ---- human output ------------------------------------------------------ */

/* A table printed with its columns aligned once every row is in. */
struct table {
	size_t ncols;
	const char *const *head;
	const char *align;		/* per column: 'l' or 'r' */
	char **cells;
	size_t nrows, cap;
	size_t col;			/* next cell of the current row */
};

void table_init(struct table *t, const char *const *head, const char *align);
void table_row(struct table *t);
void table_cell(struct table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void table_print(struct table *t, FILE *f, const char *indent);
void table_free(struct table *t);

/* Replace control characters with '?' in place (names from objects and
 * the kernel go to a terminal).  Returns s. */
char *cli_printable(char *s);

/* ---- names --------------------------------------------------------------- */

#define CLI_NAME_LEN 64

/* "socket_filter", "hash", "cgroup_inet_ingress", or "unknown(N)". */
const char *cli_prog_type(__u32 type, char *buf, size_t len);
const char *cli_map_type(__u32 type, char *buf, size_t len);
const char *cli_attach_type(__u32 type, char *buf, size_t len);
/* Parse "hash", "BPF_MAP_TYPE_HASH" or a number. */
bool cli_parse_map_type(const char *s, __u32 *type);

/* Map flags: names of set bits ("no_prealloc|numa_node"), "-" for 0. */
const char *cli_map_flags(__u32 flags, char *buf, size_t len);
/* Name of one BPF_F_* map flag bit, or NULL. */
const char *cli_map_flag_name(unsigned int bit);
/* Parse "no_prealloc,mmapable" (',' or '|'), names or numbers. */
bool cli_parse_map_flags(const char *s, __u32 *flags);
/* Write the flag names of flags as a JSON array. */
void cli_json_map_flags(struct json *j, __u32 flags);

/* ---- hex and CPUs -------------------------------------------------------- */

/* Two hex digits per byte, sep between bytes (0 for none).  Returns the
 * end of what was written (not NUL-terminated). */
char *cli_hex(char *dst, const void *src, size_t len, char sep);
/* Parse hex bytes ("01 02", "01:02", "0102"); -1 unless exactly want
 * bytes.  *got receives the number of bytes found. */
int cli_parse_hex(const char *s, void *out, size_t want, size_t *got);

/* Ids of the possible CPUs (/sys/devices/system/cpu/possible), which is
 * how many values a per-CPU map holds per key.  Returns the count, or
 * -errno.  *ids is malloc'ed. */
int cli_possible_cpus(int **ids);

/* ---- attaching ------------------------------------------------------------ */

/* Why a program cannot be attached from its section name alone ("an XDP
 * program needs a network device"), or NULL when the name may say
 * where (run.c). */
const char *cli_prog_attach_need(const struct bl_program *prog);

/* ---- kernel objects by id or pin ---------------------------------------- */

/* Open a map by id or pinned path and read its info; -1 after printing
 * the error.  file_flags: BPF_F_RDONLY for read-only use, else 0. */
int cli_open_map(const char *what, __u32 file_flags, struct bpf_map_info *info);
/* Same for programs. */
int cli_open_prog(const char *what, struct bpf_prog_info *info);

/* A listing of every object of a kind, by id (list.c). */
struct cli_list {
	const char *what;		/* "maps" */
	const char *noun;		/* "map" */
	const char *cmd;		/* "BPF_MAP_GET_NEXT_ID" */
	int (*next_id)(__u32 start_id, __u32 *next_id);
	int (*fd_by_id)(__u32 id);
	const char *const *head;	/* the table's columns */
	const char *align;
	/* Add object id, open as fd, to the table or, with --json, to j: 0,
	 * or < 0 after saying why (the listing stops). */
	int (*row)(int fd, __u32 id, struct table *t, struct json *j);
};

/* Print the listing.  0, 1 when the enumeration failed, -1 when a row
 * did (errors are printed). */
int cli_list(const struct cli_list *l);

#endif /* BPFLOAD_CLI_H */
