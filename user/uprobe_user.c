/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uprobe - trace the calls of compute() in a user program, with their
 * arguments, return values and durations, through a uprobe and a
 * uretprobe:
 *
 *	# ./uprobe &
 *	uprobe: tracing uprobe/.../build/bin/uprobe_target:compute... Ctrl-C to end.
 *	# ./uprobe_target 2
 *	TIME(s)     COMM             PID     CALL
 *	3.215044    uprobe_target    4242    -> compute(a=1, b=1000000007, tag="odd")
 *	3.215079    uprobe_target    4242    <- compute = 13  (21.4 us)
 *	3.415290    uprobe_target    4242    -> compute(a=2, b=2000000014, tag="even")
 *	3.415311    uprobe_target    4242    <- compute = 24  (12.0 us)
 *
 * The target is user/uprobe_target.c (built as uprobe_target beside this
 * program), or the binary named on the command line, which must have
 * a function "int compute(int, long, const char *)" in its symbol table.
 * The probes sit in the file: every process running it is traced, or
 * only process PID with -p (the kernel filters).  TIME counts from the
 * start of tracing.
 *
 * How: kern/uprobe_kern.c has two programs, sections "uprobe" and
 * "uretprobe" without a target; this side attaches them to PATH:compute
 * with bl_attach_uprobe(), which finds compute's file offset in the ELF
 * symbols (the same as a section "uprobe/PATH:compute" would, fixed at
 * run time instead of compile time).  Events come through a perf buffer
 * (one ring per CPU, bl_perfbuf_*), so they are in order per CPU: a
 * process that moves between CPUs may see its lines slightly out of
 * order.
 */
#include <libgen.h>

#include <bpfload/events.h>
#include <bpfload/maputil.h>
#include "sample.h"

#include "../kern/uprobe.h"

#define SYMBOL "compute"

static const char usage[] =
	"Usage: uprobe [-p PID] [-d SECONDS] [BINARY]\n"
	"Trace calls of int compute(int a, long b, const char *tag) in BINARY\n"
	"(default: uprobe_target beside this program): arguments on entry\n"
	"(uprobe), return value and duration on return (uretprobe), through a\n"
	"perf buffer.\n"
	"\n"
	"  -p, --pid PID        only calls made by process PID\n"
	"  -d, --duration SECS  stop after SECS seconds (default: at Ctrl-C)\n"
	"  -h, --help           this text\n";

static pid_t opt_pid = -1;
static unsigned long long nr_calls, nr_returns;
static __u64 start_ns;

static int parse_extra(int opt, const char *arg)
{
	if (opt != 'p')
		return -1;
	opt_pid = (pid_t)sample_pid("uprobe", arg);
	return 0;
}

/* The perf event array needs a slot per possible CPU. */
static void prepare(struct bl_object *obj)
{
	int ncpus = bl_possible_cpus();

	if (ncpus <= 0)
		sample_die("uprobe: cannot count the CPUs (/sys/devices/system/cpu/possible)");
	if (bl_map_set_max_entries(sample_map(obj, "events"), (__u32)ncpus))
		sample_die("uprobe: %s", bl_object_error(obj));
}

/* Printable text for a string from the traced process. */
static void clean(char *s, size_t size)
{
	s[size - 1] = '\0';
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e || *s == '"')
			*s = '?';
}

static int print_event(void *ctx, int cpu, const void *data, size_t size)
{
	struct call_event e;
	double t;

	(void)ctx;
	(void)cpu;
	if (size < sizeof(e))
		return 0;
	memcpy(&e, data, sizeof(e));	/* perf records are only 4-byte aligned */
	clean(e.comm, sizeof(e.comm));
	t = e.ts_ns >= start_ns ? (e.ts_ns - start_ns) / 1e9 : 0;

	if (e.kind == EV_ENTRY) {
		clean(e.tag, sizeof(e.tag));
		printf("%-11.6f %-16s %-7u -> %s(a=%d, b=%lld, tag=\"%s\")\n", t, e.comm, e.tgid,
		       SYMBOL, e.a, (long long)e.b, e.tag);
		nr_calls++;
	} else {
		printf("%-11.6f %-16s %-7u <- %s = %d", t, e.comm, e.tgid, SYMBOL, e.ret);
		if (e.duration_ns)
			printf("  (%.1f us)", e.duration_ns / 1e3);
		putchar('\n');
		nr_returns++;
	}
	return 0;
}

static void print_lost(void *ctx, int cpu, __u64 lost)
{
	(void)ctx;
	fprintf(stderr, "uprobe: %llu events lost on CPU %d (perf ring full)\n",
		(unsigned long long)lost, cpu);
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct sample_opts o = { 0 };
	struct bl_perfbuf_opts pb_opts = { .lost_fn = print_lost };
	char target[PATH_MAX + 32];
	struct bl_link *links[2] = { NULL, NULL };
	struct bl_perfbuf *pb;
	struct bl_object *obj;
	struct bl_error err;
	struct timespec now;
	int i, ret;

	i = sample_parse(argc, argv, usage, &o, "p:", longs, parse_extra);
	if (argc - i > 1) {
		fprintf(stderr, "%s", usage);
		return 2;
	}
	if (o.interval)
		sample_die("uprobe: -i: this sample prints each event as it comes");
	if (i < argc) {
		snprintf(target, sizeof(target), "%s", argv[i]);
	} else {
		char self[PATH_MAX];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (n <= 0)
			sample_die("uprobe: cannot read /proc/self/exe: %s", strerror(errno));
		self[n] = '\0';
		snprintf(target, sizeof(target), "%s/uprobe_target", dirname(self));
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	sample_catch_signals();

	obj = sample_load(argv[0], prepare);
	pb = bl_perfbuf_new(bl_map_fd(sample_map(obj, "events")), print_event, NULL, &pb_opts,
			    &err);
	if (!pb)
		sample_die("uprobe: %s", err.msg);

	/* entry first: a call under way while the two go in may show its entry alone */
	for (i = 0; i < 2; i++) {
		struct bl_program *prog = bl_object_find_program(obj, i ? "compute_return"
									 : "compute_entry");

		if (!prog)
			sample_die("uprobe: program missing from %s", bl_object_name(obj));
		links[i] = bl_attach_uprobe(bl_program_fd(prog), target, SYMBOL, 0, i == 1, opt_pid,
					    NULL, &err);
		if (!links[i])
			sample_die("%s", err.msg);	/* starts with "uprobe: " */
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	start_ns = (__u64)now.tv_sec * 1000000000ull + (__u64)now.tv_nsec;
	if (opt_pid > 0)
		fprintf(stderr, "uprobe: tracing uprobe/%s:%s in pid %d... Ctrl-C to end.\n",
			target, SYMBOL, (int)opt_pid);
	else
		fprintf(stderr, "uprobe: tracing uprobe/%s:%s... Ctrl-C to end.\n", target, SYMBOL);
	printf("%-11s %-16s %-7s %s\n", "TIME(s)", "COMM", "PID", "CALL");

	ret = bl_perfbuf_run(pb, o.duration > 0 ? (int)(o.duration * 1000) : -1, &sample_stop);
	bl_links_detach(links, 2);
	if (ret >= 0)
		ret = bl_perfbuf_consume(pb);

	fprintf(stderr, "uprobe: %llu calls, %llu returns", nr_calls, nr_returns);
	if (bl_perfbuf_lost(pb))
		fprintf(stderr, ", %llu events lost", (unsigned long long)bl_perfbuf_lost(pb));
	fputc('\n', stderr);
	bl_perfbuf_free(pb);
	bl_object_close(obj);
	if (ret < 0) {
		char buf[128];

		fprintf(stderr, "uprobe: reading the perf buffer: %s\n",
			bl_strerror(ret, buf, sizeof(buf)));
		return 1;
	}
	return 0;
}
