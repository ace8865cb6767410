// SPDX-License-Identifier: BSD-2-Clause
/*
 * util.c - errors and hints, option parsing, numbers, hex, CPUs.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

/* ---- options and usage errors -------------------------------------------- */

/* The argv being parsed, for error messages. */
static char **parse_argv;

void cli_getopt_reset(char **argv)
{
	optind = 0;	/* glibc: 0 re-initializes the scanner completely */
	opterr = 0;	/* we say what is wrong ourselves */
	parse_argv = argv;
}

/* getopt said '?' (unknown option) or ':' (value missing). */
static __attribute__((noreturn)) void option_error(int c, const char *cmdpath)
{
	const char *arg = optind > 0 ? parse_argv[optind - 1] : "?";

	if (c == ':')
		cli_usage_error(cmdpath, "option '%s' needs a value", arg);
	if (optopt > 0 && optopt < 256)
		cli_usage_error(cmdpath, "unknown option '-%c'", optopt);
	cli_usage_error(cmdpath, "unknown option '%s'", arg);
}

static void try_help(const char *cmdpath)
{
	fprintf(stderr, "Try 'bpfload%s%s --help'.\n", cmdpath ? " " : "",
		cmdpath ? cmdpath : "");
}

void cli_usage_error(const char *cmdpath, const char *fmt, ...)
{
	va_list ap;

	fputs("bpfload: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	try_help(cmdpath);
	exit(EXIT_USAGE);
}

bool cli_common_opt(int c, const char *cmdpath, cli_usage_fn usage)
{
	switch (c) {
	case 'j':
		cli.json = true;
		return true;
	case 'p':
		cli.json = true;
		cli.pretty = true;
		return true;
	case 'T':
		bl_trace_set(stderr);
		return true;
	case 'h':
		usage(stdout);
		exit(0);
	case '?':
	case ':':
		option_error(c, cmdpath);
	default:
		return false;
	}
}

const char *cli_opt_name(const struct option *opts, int val)
{
	for (; opts->name; opts++)
		if (opts->val == val)
			return opts->name;
	return "?";
}

void cli_want_args(int n, int min, int max, const char *cmdpath, const char *want)
{
	if (n < min)
		cli_usage_error(cmdpath, "missing argument: want %s", want);
	if (n > max)
		cli_usage_error(cmdpath, "unexpected argument '%s': want %s",
				parse_argv[optind + max], want);
}

/* ---- numbers --------------------------------------------------------------- */

bool cli_parse_u64(const char *s, __u64 *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

bool cli_parse_u32(const char *s, __u32 *out)
{
	__u64 v;

	if (!cli_parse_u64(s, &v) || v > 0xffffffffULL)
		return false;
	*out = (__u32)v;
	return true;
}

bool cli_is_id(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* ---- errors ------------------------------------------------------------------ */

/* "bpfload: <message>" on stderr, after what stdout holds so far. */
static void say(const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs("bpfload: ", stderr);
	vfprintf(stderr, fmt, ap);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_select_programs(struct bl_object *obj, const char *path, char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!bl_object_find_program(obj, names[i])) {
			cli_error("%s: no program '%s' (see: bpfload inspect %s)", path, names[i],
				  path);
			return -ENOENT;
		}
	}
	for (size_t i = 0; i < bl_object_program_count(obj) && n; i++) {
		struct bl_program *p = bl_object_program(obj, i);
		bool keep = false;

		for (size_t k = 0; k < n; k++)
			keep |= bl_object_find_program(obj, names[k]) == p;
		bl_program_set_autoload(p, keep);
	}
	return 0;
}

void cli_warn_btf(const struct bl_object *obj, const char *path)
{
	const char *w = bl_object_btf_warning(obj);

	if (w)
		cli_error("%s: warning: %s", path, w);
}

static const char *eperm_hint(void)
{
	static char buf[512];

	if (bl_privilege_hint(buf, sizeof(buf))[0])
		return buf;
	return "refused although this process has CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN:"
	       " a security module (LSM) or kernel lockdown forbids it";
}

const char *cli_errno_hint(int err)
{
	switch (err < 0 ? -err : err) {
	case EPERM:
		return eperm_hint();
	case EACCES:
		return "permission denied: check the mode of the pinned file, or run as root";
	case ENOSYS:
		return "this kernel has no bpf() system call (built without CONFIG_BPF_SYSCALL)";
	case E2BIG:
		return "the kernel does not know a field bpfload set (an older kernel?)";
	case ENOMEM:
		return "the kernel is out of memory; before 5.11 raise the locked-memory limit"
		       " (ulimit -l)";
	case EOPNOTSUPP:
	case ENOTSUPP:
		return "this kernel or this map/program type does not support it";
	default:
		return NULL;
	}
}

void cli_sys_error(int err, const char *fmt, ...)
{
	const char *hint = cli_errno_hint(err);
	char why[128];
	va_list ap;

	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", bl_strerror(err, why, sizeof(why)));
	if (hint)
		fprintf(stderr, "  hint: %s\n", hint);
}

char *cli_printable(char *s)
{
	for (unsigned char *p = (unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
	return s;
}

/* ---- hex --------------------------------------------------------------------- */

static const char hex_digits[] = "0123456789abcdef";

char *cli_hex(char *dst, const void *src, size_t len, char sep)
{
	const unsigned char *p = src;

	for (size_t i = 0; i < len; i++) {
		if (sep && i)
			*dst++ = sep;
		*dst++ = hex_digits[p[i] >> 4];
		*dst++ = hex_digits[p[i] & 15];
	}
	return dst;
}

static int hex_val(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static bool is_hex_sep(int c)
{
	return isspace(c) || c == ':' || c == '-' || c == ',';
}

int cli_parse_hex(const char *s, void *out, size_t want, size_t *got)
{
	unsigned char *o = out;
	size_t n = 0;
	bool group_start = true;

	while (*s) {
		if (is_hex_sep((unsigned char)*s)) {
			s++;
			group_start = true;
			continue;
		}
		if (group_start && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
			s += 2;
		group_start = false;
		if (hex_val((unsigned char)s[0]) < 0 || hex_val((unsigned char)s[1]) < 0) {
			*got = n;
			return -1;
		}
		if (n < want)
			o[n] = hex_val((unsigned char)s[0]) << 4 | hex_val((unsigned char)s[1]);
		n++;
		s += 2;
	}
	*got = n;
	return n == want ? 0 : -1;
}

/* ---- CPUs -------------------------------------------------------------------- */

static int parse_cpu_list(const char *s, int **ids)
{
	int *v = NULL, *nv, n = 0;

	while (*s && *s != '\n') {
		char *end;
		long a = strtol(s, &end, 10), b = a;

		if (end == s || a < 0)
			goto bad;
		s = end;
		if (*s == '-') {
			b = strtol(s + 1, &end, 10);
			if (end == s + 1 || b < a)
				goto bad;
			s = end;
		}
		if (b - a + n > 65536)
			goto bad;
		nv = realloc(v, (n + b - a + 1) * sizeof(*v));

		if (!nv)
			goto bad;
		v = nv;
		for (long c = a; c <= b; c++)
			v[n++] = (int)c;
		if (*s == ',')
			s++;
	}
	if (!n)
		goto bad;
	*ids = v;
	return n;
bad:
	free(v);
	return -EINVAL;
}

int cli_possible_cpus(int **ids)
{
	char buf[4096];
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
	int n;

	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -EINVAL;
	}
	fclose(f);
	n = parse_cpu_list(buf, ids);
	return n;
}
