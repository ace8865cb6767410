// SPDX-License-Identifier: BSD-2-Clause
/*
 * btf.c - bpfload btf dump [FILE] [--format c|raw]: the kernel's types.
 *
 * "--format c" writes a header with every type of FILE (default: the
 * running kernel's /sys/kernel/btf/vmlinux), the vmlinux.h a CO-RE
 * program includes instead of kernel headers:
 *
 *	bpfload btf dump > vmlinux.h
 *
 * FILE may be raw BTF (the files in /sys/kernel/btf), or an ELF file with a .BTF
 * section (a vmlinux image, a BPF object).  A module's BTF in
 * /sys/kernel/btf/ is split BTF over vmlinux: its base is read too (or
 * give one with --base).  "--format raw" lists the types one per line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "object/btf.h"
#include "object/btf_dump.h"
#include "object/core.h"

#define CMD		"btf"
#define CMD_DUMP	"btf dump"
#define VMLINUX		"/sys/kernel/btf/vmlinux"
#define SYS_BTF		"/sys/kernel/btf/"
#define MAX_FILE	(1UL << 30)

int cmd_btf(int argc, char **argv);

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bpfload btf dump [FILE] [OPTIONS]\n"
		"\n"
		"Write the types of FILE (default " VMLINUX ") as a C header\n"
		"(vmlinux.h for CO-RE programs) or as a list.  FILE: raw BTF, or an ELF file\n"
		"with a .BTF section (vmlinux, a BPF object).\n"
		"\n"
		"Options:\n"
		"  -f, --format c|raw   a compilable header (default), or one line per type\n"
		"  -b, --base FILE      FILE is split BTF over this one (automatic for the\n"
		"                       modules in " SYS_BTF ")\n"
		"  -o, --output PATH    write there instead of stdout\n"
		"  -h, --help\n");
}

static void group_usage(FILE *f)
{
	usage(f);
}

static int read_file(const char *path, unsigned char **out, size_t *size)
{
	size_t cap = 1 << 20, len = 0;
	unsigned char *buf = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0 || !buf) {
		err = fd < 0 ? -errno : -ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t n;

		if (len == cap) {
			unsigned char *nb = cap < MAX_FILE ? realloc(buf, cap * 2) : NULL;

			if (!nb) {
				err = cap < MAX_FILE ? -ENOMEM : -EFBIG;
				goto out;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			goto out;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
out:
	if (fd >= 0)
		close(fd);
	if (err) {
		free(buf);
		return err;
	}
	*out = buf;
	*size = len;
	return 0;
}

static int open_btf(const char *path, const struct bl_btf *base, struct bl_btf **out)
{
	struct bl_error e = { 0 };
	unsigned char *raw = NULL;
	size_t size = 0;
	int err = read_file(path, &raw, &size);

	if (err) {
		cli_sys_error(err, "cannot read %s", path);
		return err;
	}
	err = bl_btf_parse_image(raw, size, base, path, out, &e);
	free(raw);
	if (err)
		cli_error("%s", e.msg);
	return err;
}

/* /sys/kernel/btf/MODULE is split BTF over /sys/kernel/btf/vmlinux. */
static bool is_module_btf(const char *path)
{
	return !strncmp(path, SYS_BTF, strlen(SYS_BTF)) && strcmp(path, VMLINUX);
}

static int cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{ "format", required_argument, NULL, 'f' },
		{ "base", required_argument, NULL, 'b' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	enum bl_btf_dump_format format = BL_BTF_DUMP_C;
	const char *path = VMLINUX, *base_path = NULL, *output = NULL;
	struct bl_btf *base = NULL, *btf = NULL;
	struct bl_error e = { 0 };
	FILE *out = stdout;
	int c, status = 1;

	cli_getopt_reset(argv);
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "f:b:o:", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!strcmp(optarg, "c"))
				format = BL_BTF_DUMP_C;
			else if (!strcmp(optarg, "raw"))
				format = BL_BTF_DUMP_RAW;
			else
				cli_usage_error(CMD_DUMP, "--format is c or raw, not '%s'", optarg);
			break;
		case 'b':
			base_path = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		default:
			cli_common_opt(c, CMD_DUMP, usage);
		}
	}
	cli_want_args(argc - optind, 0, 1, CMD_DUMP, "[FILE]");
	if (optind < argc)
		path = argv[optind];
	if (cli.json)
		cli_usage_error(CMD_DUMP, "there is no JSON form of a BTF dump");
	if (!base_path && is_module_btf(path))
		base_path = VMLINUX;
	if (base_path && open_btf(base_path, NULL, &base))
		goto out;
	if (open_btf(path, base, &btf))
		goto out;
	if (output && !(out = fopen(output, "w"))) {
		cli_sys_error(-errno, "cannot write %s", output);
		out = stdout;
		goto out;
	}
	if (bl_btf_dump(btf, format, out, &e))
		cli_error("%s: %s", path, e.msg);
	else
		status = 0;
out:
	if (out != stdout && fclose(out) && !status) {
		cli_sys_error(-errno, "writing %s failed", output);
		status = 1;
	}
	bl_btf_free(btf);
	bl_btf_free(base);
	return status;
}

int cmd_btf(int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "dump", cmd_dump },
	};

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		group_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	return cli_dispatch(cmds, ARRAY_SIZE(cmds), CMD, group_usage, argc - 1, argv + 1);
}
