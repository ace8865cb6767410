// SPDX-License-Identifier: BSD-2-Clause
/*
 * main.c - bpfload: load and inspect BPF objects over the raw bpf() call.
 *
 * Global options come before the command; every command also accepts
 * the common ones (--json, --pretty, --trace, --help) anywhere among its
 * own arguments.  Commands and subcommands may be abbreviated to any
 * unique prefix ("bpfload m d 42").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

struct cli_settings cli;
volatile sig_atomic_t cli_interrupted;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bpfload [OPTIONS] COMMAND [ARGS...]\n"
		"\n"
		"Load and inspect BPF objects with the raw bpf() system call.\n"
		"\n"
		"Commands:\n"
		"  inspect OBJ          what an object file holds (no kernel, no privileges)\n"
		"  load OBJ             load an object and print the kernel ids of its programs\n"
		"                       and maps\n"
		"  prog list|show       programs loaded in the kernel\n"
		"  map list|show|dump|lookup|update|delete|create\n"
		"                       maps in the kernel and their contents\n"
		"  run OBJ              load, attach, print events and maps until Ctrl-C\n"
		"  pin OBJ|DIR          load and pin maps and programs (--attach: links too)\n"
		"  unpin OBJ|DIR        remove what 'pin' pinned\n"
		"  btf dump [FILE]      kernel types as a C header (vmlinux.h) or a list\n"
		"  help [COMMAND]       help on a command\n"
		"\n"
		"Options (also accepted after the command):\n"
		"  -j, --json           JSON output (schemas: loader/cli/README.md)\n"
		"  -p, --pretty         indented JSON (implies --json)\n"
		"      --trace          print every system call bpfload makes to stderr\n"
		"                       (also: BPFLOAD_TRACE=1 in the environment)\n"
		"  -h, --help           this help; 'bpfload COMMAND --help' for a command\n"
		"  -V, --version        print the version\n"
		"\n"
		"Exit status: 0 success, 1 failure, 2 usage error, 130 interrupted.\n");
}

/*
 * Output to a pipe or terminal stops at once: stdout becomes /dev/null,
 * so a write blocked on a reader that stopped reading ends, and what is
 * still buffered goes nowhere.  A regular file gets the rest of what was
 * formatted.  Everything here is async-signal-safe.
 */
static void on_signal(int sig)
{
	struct stat st;
	int saved = errno, fd;

	cli_interrupted = sig;
	if (!fstat(STDOUT_FILENO, &st) && !S_ISREG(st.st_mode)) {
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			close(fd);
		}
	}
	errno = saved;
}

/*
 * SIGINT and SIGTERM only set a flag: loops stop at the next check and
 * everything is closed the normal way.  No SA_RESTART, so a blocking call
 * returns EINTR; SA_RESETHAND, so a second Ctrl-C kills at once.
 */
void cli_catch_signals(void (*handler)(int sig))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static const struct cli_cmd commands[] = {
	{ "inspect",	cmd_inspect },
	{ "load",	cmd_load },
	{ "prog",	cmd_prog },
	{ "map",	cmd_map },
	{ "run",	cmd_run },
	{ "pin",	cmd_pin },
	{ "unpin",	cmd_unpin },
	{ "btf",	cmd_btf },
};

static int parse_global(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	cli_getopt_reset(argv);
	/* '+': stop at the command, its options are its own */
	while ((c = getopt_long(argc, argv, "+" CLI_COMMON_SHORTOPTS "V", opts, NULL)) != -1) {
		if (c == 'V') {
			printf("bpfload %s (raw bpf() system call, no libbpf)\n", BPFLOAD_VERSION);
			exit(0);
		}
		cli_common_opt(c, NULL, usage);
	}
	return optind;
}

/* Report a failed write to stdout (a full disk, a closed pipe). */
static int finish_output(int status)
{
	if (fflush(stdout) || ferror(stdout)) {
		if (errno != EPIPE)
			cli_sys_error(-errno, "writing the output failed");
		return status ? status : 1;
	}
	return status;
}

int main(int argc, char **argv)
{
	int first, status;

	cli_catch_signals(on_signal);
	first = parse_global(argc, argv);
	if (first >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	status = cli_dispatch(commands, ARRAY_SIZE(commands), NULL, usage,
			      argc - first, argv + first);
	if (cli_interrupted) {
		fflush(stdout);		/* a file gets the rest, see on_signal() */
		return EXIT_INTERRUPTED;
	}
	return finish_output(status);
}

/* ---- dispatch ------------------------------------------------------------ */

static const struct cli_cmd *find_cmd(const struct cli_cmd *cmds, size_t n,
				      const char *group, const char *name)
{
	const struct cli_cmd *found = NULL;
	size_t len = strlen(name);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	for (size_t i = 0; i < n; i++) {
		if (len && !strncmp(cmds[i].name, name, len)) {
			if (found)
				cli_usage_error(group, "'%s' is ambiguous: %s or %s?", name,
						found->name, cmds[i].name);
			found = &cmds[i];
		}
	}
	if (!found)
		cli_usage_error(group, "unknown command '%s'", name);
	return found;
}

/* "help" and "help CMD": the same as "--help" and "CMD --help". */
static int run_help(const struct cli_cmd *cmds, size_t n, const char *group,
		    cli_usage_fn group_usage, int argc, char **argv)
{
	char help_opt[] = "--help";
	char *args[3] = { NULL, help_opt, NULL };
	const struct cli_cmd *cmd;

	if (argc < 2) {
		group_usage(stdout);
		return 0;
	}
	cmd = find_cmd(cmds, n, group, argv[1]);
	args[0] = (char *)cmd->name;
	return cmd->fn(2, args);
}

int cli_dispatch(const struct cli_cmd *cmds, size_t n, const char *group,
		 cli_usage_fn group_usage, int argc, char **argv)
{
	const struct cli_cmd *cmd;

	if (!strcmp(argv[0], "help"))
		return run_help(cmds, n, group, group_usage, argc, argv);
	cmd = find_cmd(cmds, n, group, argv[0]);
	argv[0] = (char *)cmd->name;	/* commands see their full name */
	return cmd->fn(argc, argv);
}

/* A group of subcommands ("map", "prog"): the common options between
 * the group's name and the subcommand's, then the subcommand. */
int cli_group(const struct cli_cmd *cmds, size_t n, const char *group,
	      cli_usage_fn group_usage, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_LONGOPTS, { NULL, 0, NULL, 0 } };
	int c;

	cli_getopt_reset(argv);
	while ((c = getopt_long(argc, argv, "+" CLI_COMMON_SHORTOPTS, opts, NULL)) != -1)
		cli_common_opt(c, group, group_usage);
	if (optind >= argc) {
		group_usage(stderr);
		return EXIT_USAGE;
	}
	return cli_dispatch(cmds, n, group, group_usage, argc - optind, argv + optind);
}
