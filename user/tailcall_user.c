/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tailcall - system calls sorted into branches by a BPF program that
 * tail-calls one program per branch through a program array:
 *
 *	# ./tailcall -i 2
 *	tailcall: dispatching raw_syscalls/sys_enter of every process... Ctrl-C to end.
 *	jmp_table: 19 slots filled
 *	  io      -> tail_io       read write pread64 pwrite64
 *	  ids     -> tail_ids      getpid getppid gettid getuid geteuid getgid getegid
 *	  sched   -> tail_sched    sched_yield nanosleep clock_nanosleep
 *	  memory  -> tail_memory   mmap munmap mprotect mremap brk
 *	  (none)  -> dispatch      any other system call: empty slot, no tail call
 *
 *	TIME      BRANCH   PROGRAM            CALLS          BYTES
 *	10:41:07  io       tail_io             4213        9182201
 *	10:41:07  ids      tail_ids              37              -
 *	10:41:07  sched    tail_sched           120              -
 *	10:41:07  memory   tail_memory          388              -
 *	10:41:07  (none)   dispatch            9120              -
 *
 * CALLS is how often each branch ran since the start (for process PID
 * only with -p), BYTES for io the byte counts the calls asked for.  The
 * rows are printed every interval (-i, default 1 s) and once more at
 * the end.
 *
 * How: kern/tailcall_kern.c's program "dispatch" runs on the tracepoint
 * raw_syscalls/sys_enter and does bpf_tail_call(ctx, &jmp_table, nr).
 * jmp_table is a BPF_MAP_TYPE_PROG_ARRAY that this side fills after
 * load: for each syscall number of the table below (this machine's
 * <sys/syscall.h> numbers), the fd of the branch's program.  Slots left
 * empty make the tail call fail, and dispatch counts those itself.
 */
#include <sys/syscall.h>

#include "sample.h"

#include "../kern/tailcall.h"

static const struct {
	const char *name;
	const char *prog;
} branches[NR_BRANCHES] = {
	[BR_IO]		= { "io", "tail_io" },
	[BR_IDS]	= { "ids", "tail_ids" },
	[BR_SCHED]	= { "sched", "tail_sched" },
	[BR_MEMORY]	= { "memory", "tail_memory" },
	[BR_NONE]	= { "(none)", "dispatch" },
};

/* The dispatch table: which syscall goes to which branch. */
#define SLOT(sys, br)	{ SYS_##sys, #sys, br }
static const struct {
	long nr;
	const char *name;
	int branch;
} slots[] = {
	SLOT(read, BR_IO), SLOT(write, BR_IO), SLOT(pread64, BR_IO), SLOT(pwrite64, BR_IO),
	SLOT(getpid, BR_IDS), SLOT(getppid, BR_IDS), SLOT(gettid, BR_IDS),
	SLOT(getuid, BR_IDS), SLOT(geteuid, BR_IDS), SLOT(getgid, BR_IDS), SLOT(getegid, BR_IDS),
	SLOT(sched_yield, BR_SCHED), SLOT(nanosleep, BR_SCHED), SLOT(clock_nanosleep, BR_SCHED),
	SLOT(mmap, BR_MEMORY), SLOT(munmap, BR_MEMORY), SLOT(mprotect, BR_MEMORY),
	SLOT(mremap, BR_MEMORY), SLOT(brk, BR_MEMORY),
};
#define NR_SLOTS	(sizeof(slots) / sizeof(slots[0]))

static const char usage[] =
	"Usage: tailcall [-p PID] [-i SECONDS] [-d SECONDS]\n"
	"Count system calls per branch of a BPF program that dispatches them with\n"
	"bpf_tail_call() through a program array (raw_syscalls/sys_enter).\n"
	"\n"
	"  -p, --pid PID        only system calls of process PID\n"
	"  -i, --interval SECS  print every SECS seconds (default 1)\n"
	"  -d, --duration SECS  stop after SECS seconds (default: at Ctrl-C)\n"
	"  -h, --help           this text\n";

static __u32 opt_pid;

static int parse_extra(int opt, const char *arg)
{
	if (opt != 'p')
		return -1;
	opt_pid = sample_pid("tailcall", arg);
	return 0;
}

static void prepare(struct bl_object *obj)
{
	if (opt_pid && bl_object_set_global(obj, "target_tgid", &opt_pid, sizeof(opt_pid)))
		sample_die("tailcall: cannot set target_tgid: %s", bl_object_error(obj));
}

/* Put each branch program's fd in the slots of its syscalls. */
static void fill_jmp_table(struct bl_object *obj)
{
	const struct bl_map *table = sample_map(obj, "jmp_table");

	for (size_t i = 0; i < NR_SLOTS; i++) {
		const char *pname = branches[slots[i].branch].prog;
		struct bl_program *prog = bl_object_find_program(obj, pname);
		__u32 key = (__u32)slots[i].nr;
		int fd, err;
		char buf[128];

		if (!prog)
			sample_die("tailcall: program %s missing from %s", pname, bl_object_name(obj));
		if (slots[i].nr < 0 || key >= bl_map_max_entries(table))
			sample_die("tailcall: syscall %s is number %ld, past jmp_table's %u slots",
				   slots[i].name, slots[i].nr, bl_map_max_entries(table));
		fd = bl_program_fd(prog);
		err = bl_map_update(table, &key, &fd, BPF_ANY);
		if (err)
			sample_die("tailcall: jmp_table[%u] = %s: %s", key, pname,
				   bl_strerror(err, buf, sizeof(buf)));
	}
}

static void print_table(void)
{
	printf("jmp_table: %zu slots filled\n", NR_SLOTS);
	for (int b = 0; b < NR_BRANCHES; b++) {
		printf("  %-7s -> %-13s", branches[b].name, branches[b].prog);
		if (b == BR_NONE)
			printf(" any other system call: empty slot, no tail call");
		for (size_t i = 0; i < NR_SLOTS; i++)
			if (slots[i].branch == b)
				printf(" %s", slots[i].name);
		putchar('\n');
	}
	printf("\n%-9s %-8s %-13s %10s %14s\n", "TIME", "BRANCH", "PROGRAM", "CALLS", "BYTES");
}

static void print_counts(const struct bl_map *stats)
{
	static int blocks;
	struct branch_stats st;
	char when[16];
	time_t t = time(NULL);

	strftime(when, sizeof(when), "%H:%M:%S", localtime(&t));
	if (blocks++)
		putchar('\n');
	for (__u32 b = 0; b < NR_BRANCHES; b++) {
		if (bl_map_lookup(stats, &b, &st))
			memset(&st, 0, sizeof(st));
		printf("%-9s %-8s %-13s %10llu ", when, branches[b].name, branches[b].prog,
		       (unsigned long long)st.calls);
		if (b == BR_IO)
			printf("%14llu\n", (unsigned long long)st.bytes);
		else
			printf("%14s\n", "-");
	}
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct sample_opts o = { .interval = 1 };
	const struct bl_map *stats;
	struct bl_object *obj;
	struct bl_error err;
	double start;

	if (sample_parse(argc, argv, usage, &o, "p:", longs, parse_extra) != argc) {
		fprintf(stderr, "%s", usage);
		return 2;
	}
	if (o.interval <= 0)
		o.interval = 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	sample_catch_signals();

	obj = sample_load(argv[0], prepare);
	stats = sample_map(obj, "branch_stats");
	/* the table first: dispatch must find the branches from its first run */
	fill_jmp_table(obj);
	/* attaches dispatch only: the branches' sections name no tracepoint */
	if (bl_object_attach_all(obj, &err) < 0)
		sample_die("%s", err.msg);

	if (opt_pid)
		fprintf(stderr, "tailcall: dispatching raw_syscalls/sys_enter of pid %u..."
			" Ctrl-C to end.\n", opt_pid);
	else
		fprintf(stderr, "tailcall: dispatching raw_syscalls/sys_enter of every process..."
			" Ctrl-C to end.\n");
	print_table();

	start = sample_now();
	while (sample_wait(o.interval, start, o.duration))
		print_counts(stats);
	bl_object_detach_all(obj);
	print_counts(stats);

	bl_object_close(obj);
	return 0;
}
