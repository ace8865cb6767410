// SPDX-License-Identifier: BSD-2-Clause
/*
 * run.c - bpfload run OBJ: load, attach, watch, detach.
 *
 *   open      the object; --set writes .rodata/.data/.bss variables
 *   load      maps and programs (BY_NAME maps under --pin-root)
 *   attach    every program from its section name; XDP, tc and cgroup
 *             programs to --xdp / --tc / --cgroup; what cannot be
 *             attached from its name is reported and left loaded
 *             (--strict: a failure)
 *   stream    ring buffer records, perf buffer records (and lost
 *             counts), trace_pipe lines when a program calls
 *             bpf_trace_printk (or --trace-pipe), and the maps every
 *             --interval seconds, until Ctrl-C, SIGTERM or --duration
 *   detach    everything, read what is still buffered, print the maps
 *             one last time and a summary
 *
 * One epoll set holds the ring buffer reader's epoll fd, each perf
 * buffer's epoll fd and the trace_pipe fd; every wakeup, and at least
 * every MAX_WAIT_MS, drains them all.  Records are printed as hex and,
 * with --record-type, decoded by a BTF type of the object; map keys and
 * values are decoded by the BTF types the maps were declared with.
 *
 * Ctrl-C and SIGTERM are the normal way to stop: exit status 0 after
 * the summary (as `load --wait`).  A second Ctrl-C kills at once; the
 * kernel then detaches everything as the fds close.
 */
#include <errno.h>
#include <math.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <bpfload/attach.h>
#include <bpfload/events.h>
#include <bpfload/maputil.h>

#include "cli/cli.h"
#include "cli/btf_fmt.h"

#define CMD "run"
#define DEFAULT_INTERVAL	2.0
#define MAX_WAIT_MS		BL_EVENTS_MAX_LATENCY_MS
#define BPF_FUNC_TRACE_PRINTK	6
#define BPF_FUNC_TRACE_VPRINTK	177

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bpfload run OBJ [OPTIONS]\n"
		"\n"
		"Load OBJ, attach every program as its section name says, then print what the\n"
		"programs send (ring buffer and perf buffer records, trace_pipe lines) and the\n"
		"maps every few seconds, until Ctrl-C, SIGTERM or --duration.  Then detach\n"
		"everything and print a summary.\n"
		"\n"
		"Options:\n"
		"  -P, --program NAME      load and attach only this program (repeatable)\n"
		"  -d, --duration S        stop after S seconds (decimals allowed)\n"
		"  -i, --interval S        print the maps every S seconds (default 2; 0: only\n"
		"                          at the end)\n"
		"  -m, --map NAME          print only these maps (repeatable); global data\n"
		"                          (.bss, .data, .rodata) is printed only when named\n"
		"      --no-maps           never print maps\n"
		"  -s, --set VAR=VALUE     set a global variable before load (repeatable):\n"
		"                          numbers (sized by the variable, 0x hex, negative),\n"
		"                          enum names, true/false, strings for char arrays,\n"
		"                          hex bytes for anything else\n"
		"  -r, --record-type [MAP=]TYPE\n"
		"                          decode ring/perf buffer records as this BTF type of\n"
		"                          the object (all such maps, or MAP only)\n"
		"      --trace-pipe        read trace_pipe even if no program calls\n"
		"                          bpf_trace_printk (found by looking at the code)\n"
		"      --no-trace-pipe     never read trace_pipe\n"
		"      --xdp IFNAME        attach XDP programs to this device\n"
		"      --tc IFNAME[:ingress|:egress]\n"
		"                          attach tc programs there (default ingress)\n"
		"      --cgroup PATH       attach cgroup programs to this cgroup v2 directory\n"
		"      --strict            a program that cannot be attached is an error\n"
		"      --pin-root DIR      bpffs directory for maps with pinning BY_NAME\n"
		"      --full-log          on a verifier failure print the whole log\n"
		"  -j, --json, -p, --pretty, --trace, -h, --help\n"
		"\n"
		"trace_pipe is global: it shows every process's bpf_trace_printk lines, and\n"
		"reading it takes them from other readers.  With --json every event, map\n"
		"snapshot and the summary is one JSON object (schemas: loader/cli/README.md).\n"
		"Ctrl-C/SIGTERM stop normally (exit status 0).\n");
}

/* ---- state ---------------------------------------------------------------------------- */

struct set_arg {
	const char *var;
	const char *value;
};

struct rtype_arg {
	const char *map;		/* NULL: every stream map */
	const char *type;
};

struct run_args {
	const char *path;
	double duration;		/* < 0: until stopped */
	double interval;
	const char **maps;
	size_t nr_maps;
	bool no_maps;
	bool strict;
	int trace_pipe;			/* -1 never, 0 when printk is used, 1 always */
	struct bl_load_opts opts;
	struct set_arg *sets;
	size_t nr_sets;
	struct rtype_arg *rtypes;
	size_t nr_rtypes;
	const char *xdp_if;
	const char *tc_if;
	bool tc_egress;
	const char *cgroup;
	char **only;			/* --program names */
	size_t nr_only;
};

/* A ring buffer or perf buffer map and what came out of it. */
struct stream {
	struct run *r;
	const struct bl_map *map;
	bool perf;
	__u32 type_id;			/* --record-type, 0 for none */
	struct bl_perfbuf *pb;
	__u64 records;
	__u64 bytes;
	__u64 lost;
};

/* A map printed at every interval. */
struct shown {
	const struct bl_map *map;
	struct bl_map_desc desc;
	bool failed;			/* could not be read: stop trying */
};

struct run {
	struct run_args a;
	struct bl_object *obj;
	const struct bl_btf *btf;
	struct bl_link **links;		/* ours (xdp, tc, cgroup) */
	size_t nr_links;
	size_t nr_attached;
	size_t nr_skipped;
	struct stream *streams;
	size_t nr_streams;
	struct bl_ringbuf *rb;
	struct bl_trace_pipe *tp;
	__u64 trace_lines;
	struct shown *shown;
	size_t nr_shown;
	int *cpus;			/* possible CPU ids */
	int ncpus;
	int epfd;
	__u64 t0;
	int err;			/* a callback's failure: stop */
	struct json j;
};

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

static double elapsed(const struct run *r)
{
	return (double)(now_ns() - r->t0) / 1e9;
}

/* ---- output helpers ----------------------------------------------------------------- */

/* One JSON line: {"event": NAME, "time": S, ...} */
static struct json *jline(struct run *r, const char *event)
{
	json_init(&r->j, stdout, cli.pretty);
	json_object_begin(&r->j);
	json_kv_string(&r->j, "event", event);
	json_key(&r->j, "time");
	{
		char t[32];

		snprintf(t, sizeof(t), "%.6f", elapsed(r));
		json_raw(&r->j, t, strlen(t));
	}
	return &r->j;
}

static void jline_end(struct run *r)
{
	json_object_end(&r->j);
	json_finish(&r->j);
}

/* Hex bytes separated by blanks on stdout. */
static void print_hex(const void *data, size_t len)
{
	char buf[3 * 256];
	const unsigned char *p = data;

	while (len) {
		size_t n = len > 256 ? 256 : len;
		char *end = cli_hex(buf, p, n, ' ');

		fwrite(buf, 1, end - buf, stdout);
		p += n;
		len -= n;
		if (len)
			putchar(' ');
	}
}

/* " = decoded" when there is a type. */
static void print_decoded(const struct run *r, __u32 type_id, const void *data, size_t len)
{
	if (!type_id || !r->btf)
		return;
	fputs(" = ", stdout);
	btf_fmt_text(stdout, r->btf, type_id, data, len);
}

static void json_decoded(struct run *r, const char *key, __u32 type_id, const void *data,
			 size_t len)
{
	if (!type_id || !r->btf)
		return;
	json_key(&r->j, key);
	btf_fmt_json(&r->j, r->btf, type_id, data, len);
}

/* ---- arguments ------------------------------------------------------------------------ */

static double parse_seconds(const char *opt, const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < 0 || v > 1e9)
		cli_usage_error(CMD, "--%s wants seconds (like 5 or 0.5), not '%s'", opt, s);
	return v;
}

static void *grow(void *v, size_t n, size_t size)
{
	void *p = realloc(v, (n + 1) * size);

	if (!p) {
		cli_error("out of memory");
		exit(1);
	}
	return p;
}

static void parse_args(int argc, char **argv, struct run_args *a)
{
	enum {
		OPT_NO_MAPS = 256, OPT_TRACE_PIPE, OPT_NO_TRACE_PIPE, OPT_XDP, OPT_TC,
		OPT_CGROUP, OPT_STRICT, OPT_PIN_ROOT, OPT_FULL_LOG,
	};
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{ "program",	   required_argument, NULL, 'P' },
		{ "duration",	   required_argument, NULL, 'd' },
		{ "interval",	   required_argument, NULL, 'i' },
		{ "map",	   required_argument, NULL, 'm' },
		{ "no-maps",	   no_argument,	      NULL, OPT_NO_MAPS },
		{ "set",	   required_argument, NULL, 's' },
		{ "record-type",   required_argument, NULL, 'r' },
		{ "trace-pipe",	   no_argument,	      NULL, OPT_TRACE_PIPE },
		{ "no-trace-pipe", no_argument,	      NULL, OPT_NO_TRACE_PIPE },
		{ "xdp",	   required_argument, NULL, OPT_XDP },
		{ "tc",		   required_argument, NULL, OPT_TC },
		{ "cgroup",	   required_argument, NULL, OPT_CGROUP },
		{ "strict",	   no_argument,	      NULL, OPT_STRICT },
		{ "pin-root",	   required_argument, NULL, OPT_PIN_ROOT },
		{ "full-log",	   no_argument,	      NULL, OPT_FULL_LOG },
		{ NULL, 0, NULL, 0 },
	};
	char *eq, *colon;
	int c;

	a->duration = -1;
	a->interval = DEFAULT_INTERVAL;
	cli_getopt_reset(argv);
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "P:d:i:m:s:r:", opts,
				NULL)) != -1) {
		switch (c) {
		case 'P':
			a->only = grow(a->only, a->nr_only, sizeof(*a->only));
			a->only[a->nr_only++] = optarg;
			break;
		case 'd':
			a->duration = parse_seconds("duration", optarg);
			break;
		case 'i':
			a->interval = parse_seconds("interval", optarg);
			break;
		case 'm':
			a->maps = grow(a->maps, a->nr_maps, sizeof(*a->maps));
			a->maps[a->nr_maps++] = optarg;
			break;
		case OPT_NO_MAPS:
			a->no_maps = true;
			break;
		case 's':
			eq = strchr(optarg, '=');
			if (!eq || eq == optarg)
				cli_usage_error(CMD, "--set wants VAR=VALUE, not '%s'", optarg);
			*eq = '\0';
			a->sets = grow(a->sets, a->nr_sets, sizeof(*a->sets));
			a->sets[a->nr_sets].var = optarg;
			a->sets[a->nr_sets++].value = eq + 1;
			break;
		case 'r':
			eq = strchr(optarg, '=');
			a->rtypes = grow(a->rtypes, a->nr_rtypes, sizeof(*a->rtypes));
			a->rtypes[a->nr_rtypes].map = eq ? optarg : NULL;
			a->rtypes[a->nr_rtypes].type = eq ? eq + 1 : optarg;
			if (eq)
				*eq = '\0';
			if (!*a->rtypes[a->nr_rtypes].type || (eq && eq == optarg))
				cli_usage_error(CMD, "--record-type wants [MAP=]TYPE");
			a->nr_rtypes++;
			break;
		case OPT_TRACE_PIPE:
			a->trace_pipe = 1;
			break;
		case OPT_NO_TRACE_PIPE:
			a->trace_pipe = -1;
			break;
		case OPT_XDP:
			a->xdp_if = optarg;
			break;
		case OPT_TC:
			a->tc_if = optarg;
			colon = strchr(optarg, ':');
			if (colon) {
				*colon = '\0';
				if (!strcmp(colon + 1, "egress"))
					a->tc_egress = true;
				else if (strcmp(colon + 1, "ingress"))
					cli_usage_error(CMD, "--tc wants IFNAME, IFNAME:ingress or"
							" IFNAME:egress");
			}
			break;
		case OPT_CGROUP:
			a->cgroup = optarg;
			break;
		case OPT_STRICT:
			a->strict = true;
			break;
		case OPT_PIN_ROOT:
			a->opts.pin_root = optarg;
			break;
		case OPT_FULL_LOG:
			a->opts.full_log = true;
			break;
		default:
			cli_common_opt(c, CMD, usage);
		}
	}
	cli_want_args(argc - optind, 1, 1, CMD, "OBJ");
	a->path = argv[optind];
	if (a->no_maps && a->nr_maps)
		cli_usage_error(CMD, "--map and --no-maps contradict each other");
}

/* ---- before load: --set ---------------------------------------------------------------- */

static int apply_sets(struct run *r)
{
	for (size_t i = 0; i < r->a.nr_sets; i++) {
		const struct set_arg *s = &r->a.sets[i];
		const char *sec = NULL;
		__u32 type_id, size;
		char why[256];
		void *buf;

		if (btf_fmt_find_var(r->btf, s->var, &type_id, &size, &sec)) {
			cli_error("--set %s: %s has no global variable '%s' in .data, .rodata or"
				  " .bss", s->var, r->a.path, s->var);
			return -1;
		}
		buf = calloc(1, size ? size : 1);
		if (!buf) {
			cli_error("out of memory");
			return -1;
		}
		if (btf_fmt_parse(r->btf, type_id, s->value, buf, size, why, sizeof(why))) {
			cli_error("--set %s: %s", s->var, why);
			free(buf);
			return -1;
		}
		if (bl_object_set_global(r->obj, s->var, buf, size)) {
			cli_error("--set %s: %s", s->var, bl_object_error(r->obj));
			free(buf);
			return -1;
		}
		if (cli.json) {
			jline(r, "set");
			json_kv_string(&r->j, "variable", s->var);
			json_kv_string(&r->j, "section", sec);
			json_key(&r->j, "value");
			json_hex(&r->j, buf, size);
			json_decoded(r, "decoded", type_id, buf, size);
			jline_end(r);
		} else {
			printf("set     %s (%s) = ", s->var, sec);
			btf_fmt_text(stdout, r->btf, type_id, buf, size);
			putchar('\n');
		}
		free(buf);
	}
	return 0;
}

/* ---- attaching ------------------------------------------------------------------------- */

enum target { TARGET_NAME, TARGET_XDP, TARGET_TC, TARGET_CGROUP };

static enum target target_of(const struct bl_program *p)
{
	switch (bl_program_type(p)) {
	case BPF_PROG_TYPE_XDP:
		return TARGET_XDP;
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
		return TARGET_TC;
	case BPF_PROG_TYPE_CGROUP_SKB:
	case BPF_PROG_TYPE_CGROUP_SOCK:
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
	case BPF_PROG_TYPE_CGROUP_SYSCTL:
	case BPF_PROG_TYPE_CGROUP_DEVICE:
		return TARGET_CGROUP;
	default:
		return TARGET_NAME;
	}
}

const char *cli_prog_attach_need(const struct bl_program *p)
{
	switch (bl_program_type(p)) {
	case BPF_PROG_TYPE_XDP:
		return "an XDP program needs a network device";
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
		return "a tc program needs a network device";
	case BPF_PROG_TYPE_CGROUP_SKB:
	case BPF_PROG_TYPE_CGROUP_SOCK:
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
	case BPF_PROG_TYPE_CGROUP_SYSCTL:
	case BPF_PROG_TYPE_CGROUP_DEVICE:
		return "a cgroup program needs a cgroup";
	case BPF_PROG_TYPE_SOCKET_FILTER:
		return "a socket filter needs a socket";
	case BPF_PROG_TYPE_PERF_EVENT:
		return "a perf_event program needs an event and a sampling rate";
	default:
		return NULL;
	}
}

/* Why a program was not attached, in terms of this command. */
static const char *needs(const struct bl_program *p, const char *libmsg)
{
	const char *need = cli_prog_attach_need(p);
	static char buf[160];

	if (!need)
		return libmsg;
	switch (target_of(p)) {
	case TARGET_XDP:
		snprintf(buf, sizeof(buf), "%s: give --xdp IFNAME", need);
		return buf;
	case TARGET_TC:
		snprintf(buf, sizeof(buf), "%s: give --tc IFNAME[:ingress|:egress]", need);
		return buf;
	case TARGET_CGROUP:
		snprintf(buf, sizeof(buf), "%s: give --cgroup PATH", need);
		return buf;
	default:
		snprintf(buf, sizeof(buf), "%s, which bpfload run cannot give it", need);
		return buf;
	}
}

/* The kernel's id of a bpf link fd, 0 if fd is not one. */
static __u32 link_id(const struct bl_link *link)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);
	int fd = bl_link_fd(link);

	memset(&info, 0, sizeof(info));
	if (fd < 0 || bl_sys_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.id;
}

static void report_attach(struct run *r, const struct bl_program *p, const struct bl_link *l)
{
	__u32 lid = link_id(l);

	r->nr_attached++;
	if (cli.json) {
		jline(r, "attach");
		json_kv_string(&r->j, "program", bl_program_name(p));
		json_kv_u64(&r->j, "prog_id", bl_program_id(p));
		json_kv_string(&r->j, "link", bl_link_describe(l));
		json_key(&r->j, "link_id");
		if (lid)
			json_u64(&r->j, lid);
		else
			json_null(&r->j);
		jline_end(r);
		return;
	}
	printf("attach  %s (prog id %u", bl_program_name(p), bl_program_id(p));
	if (lid)
		printf(", link id %u", lid);
	printf("): %s\n", bl_link_describe(l));
}

/* Returns 0 to go on, -1 when --strict makes it fatal. */
static int report_skip(struct run *r, const struct bl_program *p, const char *why)
{
	if (r->a.strict) {
		cli_error("%s: program '%s' (section '%s') cannot be attached: %s", r->a.path,
			  bl_program_name(p), bl_program_section(p), why);
		return -1;
	}
	r->nr_skipped++;
	if (cli.json) {
		jline(r, "skip");
		json_kv_string(&r->j, "program", bl_program_name(p));
		json_kv_u64(&r->j, "prog_id", bl_program_id(p));
		json_kv_string(&r->j, "reason", why);
		jline_end(r);
	} else {
		printf("skip    %s (prog id %u): not attached: %s\n", bl_program_name(p),
		       bl_program_id(p), why);
	}
	return 0;
}

static int ifindex_of(const char *opt, const char *name)
{
	unsigned int idx = if_nametoindex(name);

	if (!idx)
		cli_sys_error(-errno, "--%s %s: no such network device", opt, name);
	return (int)idx;
}

/* Attach to a target given on the command line: a link we own. */
static struct bl_link *attach_target(struct run *r, struct bl_program *p, enum target t,
				     struct bl_error *e)
{
	int fd = bl_program_fd(p), ifindex;
	bool egress = r->a.tc_egress;
	__u32 eat = bl_program_expected_attach_type(p);

	switch (t) {
	case TARGET_XDP:
		ifindex = ifindex_of("xdp", r->a.xdp_if);
		return ifindex ? bl_attach_xdp(fd, ifindex, NULL, e) : NULL;
	case TARGET_TC:
		ifindex = ifindex_of("tc", r->a.tc_if);
		if (eat == BL_TCX_INGRESS)
			egress = false;
		else if (eat == BL_TCX_EGRESS)
			egress = true;
		return ifindex ? bl_attach_tc(fd, ifindex, egress, NULL, e) : NULL;
	case TARGET_CGROUP:
		return bl_attach_cgroup(fd, r->a.cgroup, eat, NULL, e);
	default:
		return NULL;
	}
}

static int attach_programs(struct run *r)
{
	for (size_t i = 0; i < bl_object_program_count(r->obj); i++) {
		struct bl_program *p = bl_object_program(r->obj, i);
		enum target t = target_of(p);
		struct bl_error e = { 0 };
		struct bl_link *link;
		bool given;

		if (bl_program_fd(p) < 0)
			continue;
		given = (t == TARGET_XDP && r->a.xdp_if) || (t == TARGET_TC && r->a.tc_if) ||
			(t == TARGET_CGROUP && r->a.cgroup);
		if (t != TARGET_NAME && !given) {
			if (report_skip(r, p, needs(p, NULL)))
				return -1;
			continue;
		}
		if (t != TARGET_NAME) {
			link = attach_target(r, p, t, &e);
			if (link) {
				r->links = grow(r->links, r->nr_links, sizeof(*r->links));
				r->links[r->nr_links++] = link;
			}
		} else {
			link = bl_program_attach(p, &e);
			if (!link && e.err == -EOPNOTSUPP) {
				if (report_skip(r, p, needs(p, e.msg)))
					return -1;
				continue;
			}
		}
		if (!link) {
			if (e.msg[0])
				cli_error("%s: %s", r->a.path, e.msg);
			return -1;
		}
		report_attach(r, p, link);
	}
	return 0;
}

/* ---- streams: ring buffer, perf buffer, trace_pipe ----------------------------------- */

static const char *stream_kind(const struct stream *s)
{
	return s->perf ? "perf" : "ringbuf";
}

static void print_record(struct stream *s, int cpu, const void *data, size_t size)
{
	struct run *r = s->r;

	if (cli.json) {
		jline(r, stream_kind(s));
		json_kv_string(&r->j, "map", bl_map_name(s->map));
		if (cpu >= 0)
			json_kv_u64(&r->j, "cpu", (unsigned int)cpu);
		json_kv_u64(&r->j, "size", size);
		json_key(&r->j, "data");
		json_hex(&r->j, data, size);
		json_decoded(r, "decoded", s->type_id, data, size);
		jline_end(r);
		return;
	}
	printf("%.3f %s %s", elapsed(r), stream_kind(s), bl_map_name(s->map));
	if (cpu >= 0)
		printf(" cpu %d", cpu);
	printf(": %zu bytes: ", size);
	print_hex(data, size);
	putchar('\n');
	if (s->type_id && r->btf) {
		fputs("  ", stdout);
		btf_fmt_text(stdout, r->btf, s->type_id, data, size);
		putchar('\n');
	}
}

static int on_ring(void *ctx, const void *data, size_t size)
{
	struct stream *s = ctx;

	s->records++;
	s->bytes += size;
	print_record(s, -1, data, size);
	return 0;
}

static int on_perf(void *ctx, int cpu, const void *data, size_t size)
{
	struct stream *s = ctx;

	s->records++;
	s->bytes += size;
	print_record(s, cpu, data, size);
	return 0;
}

static void on_lost(void *ctx, int cpu, __u64 lost)
{
	struct stream *s = ctx;
	struct run *r = s->r;

	s->lost += lost;
	if (cli.json) {
		jline(r, "lost");
		json_kv_string(&r->j, "map", bl_map_name(s->map));
		json_kv_u64(&r->j, "cpu", (unsigned int)cpu);
		json_kv_u64(&r->j, "lost", lost);
		jline_end(r);
	} else {
		printf("%.3f perf %s cpu %d: %llu records lost (the ring was full)\n", elapsed(r),
		       bl_map_name(s->map), cpu, (unsigned long long)lost);
	}
}

static int on_line(void *ctx, const char *line, size_t len)
{
	struct run *r = ctx;
	struct bl_trace_line tl;

	r->trace_lines++;
	if (!cli.json) {
		printf("%.3f trace %.*s\n", elapsed(r), (int)len, line);
		return 0;
	}
	jline(r, "trace");
	json_key(&r->j, "line");
	json_string_len(&r->j, line, len);
	if (!bl_trace_line_parse(line, &tl)) {
		json_key(&r->j, "comm");
		json_string_len(&r->j, tl.comm, tl.comm_len);
		json_kv_s64(&r->j, "pid", tl.pid);
		json_kv_s64(&r->j, "cpu", tl.cpu);
		json_kv_string(&r->j, "msg", tl.msg);
	}
	jline_end(r);
	return 0;
}

/* Does any loaded program call bpf_trace_printk / bpf_trace_vprintk? */
static bool uses_printk(const struct bl_object *obj)
{
	for (size_t i = 0; i < bl_object_program_count(obj); i++) {
		const struct bl_program *p = bl_object_program(obj, i);
		const struct bpf_insn *insn = bl_program_insns(p);

		if (bl_program_fd(p) < 0)
			continue;
		for (size_t k = 0; insn && k < bl_program_insn_count(p); k++)
			if (insn[k].code == (BPF_JMP | BPF_CALL) && insn[k].src_reg == 0 &&
			    (insn[k].imm == BPF_FUNC_TRACE_PRINTK ||
			     insn[k].imm == BPF_FUNC_TRACE_VPRINTK))
				return true;
	}
	return false;
}

static int epoll_add(struct run *r, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN };

	if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		cli_sys_error(-errno, "epoll_ctl");
		return -1;
	}
	return 0;
}

static struct stream *find_stream(struct run *r, const char *name)
{
	for (size_t i = 0; i < r->nr_streams; i++)
		if (!strcmp(bl_map_name(r->streams[i].map), name))
			return &r->streams[i];
	return NULL;
}

static int set_record_types(struct run *r)
{
	for (size_t i = 0; i < r->a.nr_rtypes; i++) {
		const struct rtype_arg *rt = &r->a.rtypes[i];
		__u32 id = btf_fmt_find_type(r->btf, rt->type), size;
		struct stream *s = NULL;

		if (!r->btf) {
			cli_error("--record-type %s: %s has no BTF to find types in", rt->type,
				  r->a.path);
			return -1;
		}
		if (!id || btf_fmt_size(r->btf, id, &size)) {
			cli_error("--record-type %s: %s has no type '%s' with a size in its BTF",
				  rt->type, r->a.path, rt->type);
			return -1;
		}
		if (rt->map) {
			s = find_stream(r, rt->map);
			if (!s) {
				cli_error("--record-type %s=%s: '%s' is not a ring buffer or perf"
					  " buffer map of %s", rt->map, rt->type, rt->map,
					  r->a.path);
				return -1;
			}
			s->type_id = id;
		} else {
			if (!r->nr_streams) {
				cli_error("--record-type %s: %s has no ring buffer or perf buffer"
					  " map", rt->type, r->a.path);
				return -1;
			}
			for (size_t k = 0; k < r->nr_streams; k++)
				r->streams[k].type_id = id;
		}
	}
	return 0;
}

static int open_streams(struct run *r)
{
	struct bl_perfbuf_opts popts = { .lost_fn = on_lost };
	struct bl_error e = { 0 };
	size_t n = bl_object_map_count(r->obj);

	r->streams = calloc(n ? n : 1, sizeof(*r->streams));
	if (!r->streams) {
		cli_error("out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const struct bl_map *m = bl_object_map(r->obj, i);
		enum bpf_map_type t = bl_map_type(m);

		if (t != BPF_MAP_TYPE_RINGBUF && t != BPF_MAP_TYPE_PERF_EVENT_ARRAY)
			continue;
		r->streams[r->nr_streams].r = r;
		r->streams[r->nr_streams].map = m;
		r->streams[r->nr_streams++].perf = t == BPF_MAP_TYPE_PERF_EVENT_ARRAY;
	}
	if (set_record_types(r))
		return -1;
	for (size_t i = 0; i < r->nr_streams; i++) {
		struct stream *s = &r->streams[i];
		int fd = bl_map_fd(s->map);

		if (s->perf) {
			s->pb = bl_perfbuf_new(fd, on_perf, s, &popts, &e);
			if (!s->pb || epoll_add(r, bl_perfbuf_epoll_fd(s->pb)))
				goto fail;
			continue;
		}
		if (!r->rb) {
			r->rb = bl_ringbuf_new(NULL, &e);
			if (!r->rb || epoll_add(r, bl_ringbuf_epoll_fd(r->rb)))
				goto fail;
		}
		if (bl_ringbuf_add(r->rb, fd, on_ring, s, &e) < 0)
			goto fail;
	}
	if (r->a.trace_pipe > 0 || (!r->a.trace_pipe && uses_printk(r->obj))) {
		r->tp = bl_trace_pipe_open(NULL, &e);
		if (!r->tp && r->a.trace_pipe == 0) {
			/* found by looking at the code: not worth failing for */
			cli_error("warning: %s%s; bpf_printk lines will not be shown", e.msg,
				  e.err == -EBUSY ? " (another process is reading it: there can"
				  " be only one reader)" : "");
			return 0;
		}
		if (!r->tp || epoll_add(r, bl_trace_pipe_fd(r->tp)))
			goto fail;
	}
	return 0;
fail:
	if (e.msg[0])
		cli_error("%s: %s", r->a.path, e.msg);
	return -1;
}

/* Deliver whatever is waiting in every reader. */
static void drain(struct run *r)
{
	int err;

	if (r->rb) {
		err = bl_ringbuf_consume(r->rb);
		if (err < 0 && err != -EINTR && !r->err)
			r->err = err;
	}
	for (size_t i = 0; i < r->nr_streams; i++) {
		if (!r->streams[i].pb)
			continue;
		err = bl_perfbuf_consume(r->streams[i].pb);
		if (err < 0 && err != -EINTR && !r->err)
			r->err = err;
	}
	while (r->tp) {
		err = bl_trace_pipe_poll(r->tp, 0, on_line, r);
		if (err <= 0) {
			if (err < 0 && err != -EINTR && !r->err)
				r->err = err;
			break;
		}
	}
}

/* ---- maps -------------------------------------------------------------------------------- */

static bool printable_by_default(const struct bl_map *m)
{
	if (bl_map_origin(m) != BL_MAP_LEGACY && bl_map_origin(m) != BL_MAP_BTF)
		return false;	/* global data: only when asked */
	switch (bl_map_type(m)) {
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_LPM_TRIE:
	case BPF_MAP_TYPE_STACK_TRACE:
		return true;
	default:
		return false;
	}
}

static int add_shown(struct run *r, const struct bl_map *m)
{
	struct shown *sh = &r->shown[r->nr_shown];
	struct bl_error e = { 0 };
	char type[CLI_NAME_LEN];

	bool stream = bl_map_type(m) == BPF_MAP_TYPE_RINGBUF ||
		      bl_map_type(m) == BPF_MAP_TYPE_PERF_EVENT_ARRAY;

	if (!bl_map_key_size(m) || stream) {
		cli_error("--map %s: a %s map cannot be printed%s", bl_map_name(m),
			  cli_map_type(bl_map_type(m), type, sizeof(type)),
			  stream ? ": its records are printed as they come" : " (it has no keys)");
		return -1;
	}
	if (bl_map_describe(bl_map_fd(m), &sh->desc, &e)) {
		cli_error("map '%s': %s", bl_map_name(m), e.msg);
		return -1;
	}
	sh->map = m;
	r->nr_shown++;
	return 0;
}

static int choose_maps(struct run *r)
{
	size_t n = bl_object_map_count(r->obj);

	r->shown = calloc(n ? n : 1, sizeof(*r->shown));
	if (!r->shown) {
		cli_error("out of memory");
		return -1;
	}
	if (r->a.no_maps)
		return 0;
	for (size_t i = 0; i < r->a.nr_maps; i++) {
		const struct bl_map *m = bl_object_find_map(r->obj, r->a.maps[i]);
		bool dup = false;

		if (!m) {
			cli_error("--map %s: %s has no map '%s' (see: bpfload inspect %s)",
				  r->a.maps[i], r->a.path, r->a.maps[i], r->a.path);
			return -1;
		}
		for (size_t k = 0; k < r->nr_shown; k++)
			dup |= r->shown[k].map == m;
		if (!dup && add_shown(r, m))
			return -1;
	}
	for (size_t i = 0; i < n && !r->a.nr_maps; i++) {
		const struct bl_map *m = bl_object_map(r->obj, i);

		if (printable_by_default(m) && add_shown(r, m))
			return -1;
	}
	if (r->nr_shown) {
		r->ncpus = cli_possible_cpus(&r->cpus);
		if (r->ncpus < 0) {
			cli_sys_error(r->ncpus, "cannot read /sys/devices/system/cpu/possible");
			return -1;
		}
	}
	return 0;
}

/*
 * The sum over CPUs of a per-CPU value: by BTF when the type is made of
 * integers, else for a value of one 1/2/4/8-byte integer or of u64s.
 * false when it has no meaningful sum.
 */
static bool percpu_sum(const struct run *r, const struct shown *sh, const void *values,
		       void *sum)
{
	__u32 vs = sh->desc.value_size, tid = bl_map_btf_value_type_id(sh->map);

	memset(sum, 0, vs);
	if (tid && r->btf) {
		if (!btf_fmt_summable(r->btf, tid))
			return false;
		for (int c = 0; c < r->ncpus; c++)
			btf_fmt_add(r->btf, tid, sum, bl_percpu_value(values, vs, c));
		return true;
	}
	if (vs == 1 || vs == 2 || vs == 4 || vs == 8) {
		__u64 v = bl_percpu_sum(values, vs);

		memcpy(sum, &v, vs);	/* little-endian: the low bytes */
		return true;
	}
	if (vs % 8 == 0) {
		__u64 *out = malloc(vs);
		bool ok = out && !bl_percpu_sum_u64s(values, vs, out);

		if (ok)
			memcpy(sum, out, vs);
		free(out);
		return ok;
	}
	return false;
}

static void print_entry_human(struct run *r, const struct shown *sh, const void *key,
			      const void *val, void *sum)
{
	const struct bl_map *m = sh->map;
	__u32 ks = sh->desc.key_size, vs = sh->desc.value_size;
	__u32 kt = bl_map_btf_key_type_id(m), vt = bl_map_btf_value_type_id(m);

	fputs("    key: ", stdout);
	print_hex(key, ks);
	print_decoded(r, kt, key, ks);
	if (!sh->desc.percpu) {
		fputs("  value: ", stdout);
		print_hex(val, vs);
		print_decoded(r, vt, val, vs);
		putchar('\n');
		return;
	}
	putchar('\n');
	if (percpu_sum(r, sh, val, sum)) {
		fputs("      sum:  ", stdout);
		print_hex(sum, vs);
		print_decoded(r, vt, sum, vs);
		putchar('\n');
	}
	for (int c = 0; c < r->ncpus; c++) {
		const void *v = bl_percpu_value(val, vs, c);

		printf("      cpu%d: ", r->cpus[c]);
		print_hex(v, vs);
		print_decoded(r, vt, v, vs);
		putchar('\n');
	}
}

static void print_entry_json(struct run *r, const struct shown *sh, const void *key,
			     const void *val, void *sum)
{
	const struct bl_map *m = sh->map;
	__u32 ks = sh->desc.key_size, vs = sh->desc.value_size;
	__u32 kt = bl_map_btf_key_type_id(m), vt = bl_map_btf_value_type_id(m);

	json_object_begin(&r->j);
	json_key(&r->j, "key");
	json_hex(&r->j, key, ks);
	json_decoded(r, "key_decoded", kt, key, ks);
	if (!sh->desc.percpu) {
		json_key(&r->j, "value");
		json_hex(&r->j, val, vs);
		json_decoded(r, "value_decoded", vt, val, vs);
		json_object_end(&r->j);
		return;
	}
	json_key(&r->j, "values");
	json_array_begin(&r->j);
	for (int c = 0; c < r->ncpus; c++) {
		const void *v = bl_percpu_value(val, vs, c);

		json_object_begin(&r->j);
		json_kv_u64(&r->j, "cpu", (unsigned int)r->cpus[c]);
		json_key(&r->j, "value");
		json_hex(&r->j, v, vs);
		json_decoded(r, "value_decoded", vt, v, vs);
		json_object_end(&r->j);
	}
	json_array_end(&r->j);
	json_key(&r->j, "sum");
	if (percpu_sum(r, sh, val, sum)) {
		json_hex(&r->j, sum, vs);
		json_decoded(r, "sum_decoded", vt, sum, vs);
	} else {
		json_null(&r->j);
	}
	json_object_end(&r->j);
}

static void print_one_map(struct run *r, struct shown *sh)
{
	struct bl_map_snapshot snap = { 0 };
	char type[CLI_NAME_LEN];
	void *sum = NULL;
	int err;

	err = bl_map_snapshot(bl_map_fd(sh->map), &snap, NULL);
	if (err) {
		cli_sys_error(err, "reading map '%s' failed; not printing it again",
			      bl_map_name(sh->map));
		sh->failed = true;
		return;
	}
	sum = calloc(1, sh->desc.value_size ? sh->desc.value_size : 1);
	cli_map_type(sh->desc.type, type, sizeof(type));
	if (cli.json) {
		json_object_begin(&r->j);
		json_kv_string(&r->j, "name", bl_map_name(sh->map));
		json_kv_u64(&r->j, "id", sh->desc.id);
		json_kv_string(&r->j, "type", type);
		json_kv_bool(&r->j, "percpu", sh->desc.percpu);
		json_key(&r->j, "entries");
		json_array_begin(&r->j);
	} else {
		printf("  %s (%s, %zu %s):\n", bl_map_name(sh->map), type, snap.count,
		       snap.count == 1 ? "entry" : "entries");
	}
	for (size_t i = 0; i < snap.count && sum; i++) {
		const unsigned char *k = (const unsigned char *)snap.keys +
					 i * snap.desc.key_size;
		const unsigned char *v = (const unsigned char *)snap.values +
					 i * snap.desc.value_buf_size;

		if (cli.json)
			print_entry_json(r, sh, k, v, sum);
		else
			print_entry_human(r, sh, k, v, sum);
	}
	if (cli.json) {
		json_array_end(&r->j);
		json_kv_u64(&r->j, "count", snap.count);
		json_object_end(&r->j);
	}
	free(sum);
	bl_map_snapshot_free(&snap);
}

static void print_maps(struct run *r, bool final)
{
	if (!r->nr_shown)
		return;
	if (cli.json) {
		jline(r, "maps");
		json_kv_bool(&r->j, "final", final);
		json_key(&r->j, "maps");
		json_array_begin(&r->j);
	} else {
		printf("%.3f maps%s:\n", elapsed(r), final ? " (final)" : "");
	}
	for (size_t i = 0; i < r->nr_shown; i++)
		if (!r->shown[i].failed)
			print_one_map(r, &r->shown[i]);
	if (cli.json) {
		json_array_end(&r->j);
		jline_end(r);
	}
	fflush(stdout);
}

/* ---- the loop ----------------------------------------------------------------------------- */

static void report_start(struct run *r)
{
	if (cli.json) {
		jline(r, "start");
		json_kv_string(&r->j, "object", r->a.path);
		json_kv_u64(&r->j, "attached", r->nr_attached);
		json_kv_u64(&r->j, "skipped", r->nr_skipped);
		json_key(&r->j, "streams");
		json_array_begin(&r->j);
		for (size_t i = 0; i < r->nr_streams; i++) {
			json_object_begin(&r->j);
			json_kv_string(&r->j, "map", bl_map_name(r->streams[i].map));
			json_kv_string(&r->j, "kind", stream_kind(&r->streams[i]));
			json_object_end(&r->j);
		}
		json_array_end(&r->j);
		json_kv_bool(&r->j, "trace_pipe", r->tp != NULL);
		json_key(&r->j, "duration");
		if (r->a.duration >= 0) {
			char d[32];

			snprintf(d, sizeof(d), "%g", r->a.duration);
			json_raw(&r->j, d, strlen(d));
		} else {
			json_null(&r->j);
		}
		jline_end(r);
		fflush(stdout);
		return;
	}
	for (size_t i = 0; i < r->nr_streams; i++) {
		const struct stream *s = &r->streams[i];

		if (s->perf)
			printf("read    %s: perf buffer, %u CPUs\n", bl_map_name(s->map),
			       bl_perfbuf_ring_count(s->pb));
		else
			printf("read    %s: ring buffer\n", bl_map_name(s->map));
	}
	if (r->tp)
		printf("read    %s\n", bl_trace_pipe_path(r->tp));
	printf("running: %zu program%s attached", r->nr_attached,
	       r->nr_attached == 1 ? "" : "s");
	if (r->nr_skipped)
		printf(", %zu not attached", r->nr_skipped);
	if (r->nr_shown && r->a.interval > 0)
		printf("; maps every %g s", r->a.interval);
	if (r->a.duration >= 0)
		printf("; for %g s (Ctrl-C stops)\n", r->a.duration);
	else
		printf("; until Ctrl-C\n");
	fflush(stdout);
}

static int ms_until(__u64 now, __u64 t)
{
	__u64 ms;

	if (t <= now)
		return 0;
	ms = (t - now + 999999) / 1000000;
	return ms > MAX_WAIT_MS ? MAX_WAIT_MS : (int)ms;
}

static void loop(struct run *r)
{
	__u64 end = r->a.duration >= 0 ? r->t0 + (__u64)(r->a.duration * 1e9) : UINT64_MAX;
	__u64 step = r->a.interval > 0 ? (__u64)(r->a.interval * 1e9) : 0;
	__u64 next = step ? r->t0 + step : UINT64_MAX;
	struct epoll_event evs[8];

	while (!cli_interrupted && !r->err) {
		__u64 now = now_ns();
		int wait, n;

		if (now >= end)
			break;
		if (now >= next) {
			print_maps(r, false);
			while (next <= now)
				next += step;
		}
		wait = ms_until(now, end < next ? end : next);
		n = epoll_wait(r->epfd, evs, ARRAY_SIZE(evs), wait);
		if (n < 0 && errno != EINTR) {
			r->err = -errno;
			break;
		}
		drain(r);
		fflush(stdout);
	}
}

/* ---- the end ------------------------------------------------------------------------------- */

static void summary(struct run *r, int detach_err)
{
	__u64 records = 0, lost = 0;

	for (size_t i = 0; i < r->nr_streams; i++) {
		struct stream *s = &r->streams[i];

		if (s->pb)
			s->lost = bl_perfbuf_lost(s->pb);
		records += s->records;
		lost += s->lost;
	}
	if (cli.json) {
		jline(r, "summary");
		json_kv_u64(&r->j, "records", records);
		json_kv_u64(&r->j, "lost", lost);
		json_kv_u64(&r->j, "trace_lines", r->trace_lines);
		json_kv_u64(&r->j, "detached", r->nr_attached);
		json_kv_bool(&r->j, "interrupted", cli_interrupted != 0);
		json_key(&r->j, "streams");
		json_array_begin(&r->j);
		for (size_t i = 0; i < r->nr_streams; i++) {
			struct stream *s = &r->streams[i];

			json_object_begin(&r->j);
			json_kv_string(&r->j, "map", bl_map_name(s->map));
			json_kv_string(&r->j, "kind", stream_kind(s));
			json_kv_u64(&r->j, "records", s->records);
			json_kv_u64(&r->j, "bytes", s->bytes);
			json_kv_u64(&r->j, "lost", s->lost);
			json_object_end(&r->j);
		}
		json_array_end(&r->j);
		jline_end(r);
		return;
	}
	printf("summary: %.3f s, %zu link%s detached%s", elapsed(r), r->nr_attached,
	       r->nr_attached == 1 ? "" : "s", detach_err ? " (with errors)" : "");
	printf(", %llu record%s, %llu lost", (unsigned long long)records,
	       records == 1 ? "" : "s", (unsigned long long)lost);
	if (r->tp)
		printf(", %llu trace line%s", (unsigned long long)r->trace_lines,
		       r->trace_lines == 1 ? "" : "s");
	putchar('\n');
	for (size_t i = 0; i < r->nr_streams; i++) {
		struct stream *s = &r->streams[i];

		printf("  %s (%s): %llu records, %llu bytes, %llu lost\n", bl_map_name(s->map),
		       stream_kind(s), (unsigned long long)s->records,
		       (unsigned long long)s->bytes, (unsigned long long)s->lost);
	}
}

/* Detach everything, then deliver what the programs sent before that. */
static int finish(struct run *r)
{
	int err = bl_object_detach_all(r->obj), err2;

	err2 = bl_links_detach(r->links, r->nr_links);
	if (!err)
		err = err2;
	if (err)
		cli_sys_error(err, "detaching");
	drain(r);
	return err;
}

static void release(struct run *r)
{
	for (size_t i = 0; i < r->nr_streams; i++)
		bl_perfbuf_free(r->streams[i].pb);
	bl_ringbuf_free(r->rb);
	bl_trace_pipe_close(r->tp);
	bl_links_detach(r->links, r->nr_links);
	bl_object_close(r->obj);
	if (r->epfd >= 0)
		close(r->epfd);
	free(r->streams);
	free(r->shown);
	free(r->cpus);
	free(r->links);
	free(r->a.maps);
	free(r->a.sets);
	free(r->a.rtypes);
	free(r->a.only);
}

/*
 * Our own SIGINT/SIGTERM handler: only the flag.  The tool's default one
 * also sends stdout to /dev/null, which would lose the summary; here the
 * loop never blocks for long, so the summary can still be written.
 */
static void on_stop(int sig)
{
	cli_interrupted = sig;
}

int cmd_run(int argc, char **argv)
{
	struct run r = { .epfd = -1 };
	struct bl_error e = { 0 };
	int status = 1, derr;

	parse_args(argc, argv, &r.a);
	cli_catch_signals(on_stop);
	r.t0 = now_ns();
	r.obj = bl_object_open(r.a.path, NULL, &e);
	if (!r.obj) {
		cli_error("%s", e.msg);
		goto out;
	}
	r.btf = btf_fmt_object_btf(r.obj);
	if (cli_select_programs(r.obj, r.a.path, r.a.only, r.a.nr_only) || apply_sets(&r))
		goto out;
	if (bl_object_load(r.obj, &r.a.opts)) {
		cli_error("%s: %s", r.a.path, bl_object_error(r.obj));
		goto out;
	}
	cli_warn_btf(r.obj, r.a.path);
	r.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r.epfd < 0) {
		cli_sys_error(-errno, "epoll_create1");
		goto out;
	}
	if (choose_maps(&r) || open_streams(&r) || attach_programs(&r))
		goto out;
	r.t0 = now_ns();
	report_start(&r);
	loop(&r);
	derr = finish(&r);
	if (r.err)
		cli_sys_error(r.err, "reading events failed");
	print_maps(&r, true);
	summary(&r, derr);
	status = r.err || derr ? 1 : 0;
out:
	release(&r);
	/* stopped by a signal: everything is detached by now; say so, and
	 * let main() exit 130 so scripts can tell it from --duration */
	if (cli_interrupted)
		fprintf(stderr, "bpfload run: %s: stopped, %zu attachment%s detached\n",
			cli_interrupted == SIGTERM ? "SIGTERM" : "SIGINT", r.nr_attached,
			r.nr_attached == 1 ? "" : "s");
	return status;
}
