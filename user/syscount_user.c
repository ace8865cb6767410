// SPDX-License-Identifier: BSD-2-Clause
/*
 * syscount - system calls per process, counted in the kernel and kept
 * running from pins on bpffs.
 *
 *   syscount [--pin-dir DIR] [-i SECONDS] [-d SECONDS] [-n N]   load, pin, show
 *   syscount [--pin-dir DIR] --pin                              load, pin, exit
 *   syscount [--pin-dir DIR] --read [-n N] [-p PID] [-i S -d S] read the pins
 *   syscount [--pin-dir DIR] --unpin                            stop, remove
 *
 * What it shows: which processes make the most system calls (and how
 * many of them fail), since syscount was loaded:
 *
 *   COMM                  PID        COUNT     ERRORS
 *   chrome               4811      1203456       2310
 *   bash                 4087        40321        117
 *
 * Mechanisms (kern/syscount_kern.c): the raw_syscalls/sys_enter and
 * sys_exit tracepoints, counting into a BPF_MAP_TYPE_LRU_HASH keyed by
 * process id.  Then, as Android's bpfloader does, everything is pinned on
 * bpffs under deterministic names (BPF_OBJ_PIN), in DIR (default
 * /sys/fs/bpf/syscount):
 *
 *   map_syscount_counts       the counts
 *   prog_syscount_sys_enter   the programs
 *   prog_syscount_sys_exit
 *   link_syscount_sys_enter   their attachments (bpf links of perf events,
 *   link_syscount_sys_exit    bl_link_pin: 5.15+), which keep the programs
 *                             attached after syscount exits
 *
 * So counting goes on without any process holding a file descriptor, and
 * "syscount --read" (or any program) opens the map from its pin alone
 * (BPF_OBJ_GET).  A map already pinned there with the same definition is
 * reused, its counts kept.  "syscount --unpin" removes the pins it knows,
 * links first: the last reference to a link going away detaches it, then
 * the programs and the map are freed.  The directory goes too when it is
 * left empty.
 *
 * Where links cannot be pinned (kernels before 5.15 attach tracepoints
 * with an ioctl), counting lasts only while syscount runs: it says so.
 */
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <sample.h>
#include <bpfload/maputil.h>

#include "../kern/syscount.h"

static const char usage[] =
	"usage: syscount [--pin-dir DIR] [-i SECONDS] [-d SECONDS] [-n N]\n"
	"       syscount [--pin-dir DIR] --pin\n"
	"       syscount [--pin-dir DIR] --read [-n N] [-p PID] [-i SECONDS -d SECONDS]\n"
	"       syscount [--pin-dir DIR] --unpin\n"
	"\n"
	"Count system calls per process (raw_syscalls tracepoints) in a map pinned on\n"
	"bpffs with its programs and links, so that counting goes on after syscount\n"
	"exits.  Names: DIR/map_syscount_counts, DIR/prog_syscount_sys_enter, ...\n"
	"\n"
	"  (no mode)               load, pin and attach, then print the top processes\n"
	"                          every interval until Ctrl-C or --duration\n"
	"      --pin               load, pin and attach, then exit\n"
	"  -r, --read              print the counts from the pinned map (no loading)\n"
	"  -u, --unpin             detach and remove everything pinned in DIR\n"
	"      --pin-dir DIR       where the pins are (default /sys/fs/bpf/syscount)\n"
	"  -n, --top N             show the N busiest processes (default 10)\n"
	"  -p, --pid PID           --read: show this process only\n"
	"  -i, --interval SECONDS  print every SECONDS (default 2; --read: once)\n"
	"  -d, --duration SECONDS  stop after this long (default: until Ctrl-C)\n"
	"  -h, --help              this text\n";

#define OBJ		"syscount"
#define BPFFS		"/sys/fs/bpf"
#define DEFAULT_DIR	BPFFS "/syscount"

struct proc_count {
	__u32 pid;
	struct syscount_value v;
};

enum mode { MODE_LIVE, MODE_PIN, MODE_READ, MODE_UNPIN };

static enum mode mode = MODE_LIVE;
static const char *pin_dir = DEFAULT_DIR;
static unsigned int top_n = 10;
static __u32 only_pid;

/* The names in the object, for --unpin and --read without loading. */
static const char *const map_names[] = { "counts" };
static const char *const prog_names[] = { "sys_enter", "sys_exit" };

#define NR(a) (sizeof(a) / sizeof((a)[0]))

static int extra_opt(int opt, const char *arg)
{
	char *end;

	switch (opt) {
	case 'P':
		mode = MODE_PIN;
		return 0;
	case 'r':
		mode = MODE_READ;
		return 0;
	case 'u':
		mode = MODE_UNPIN;
		return 0;
	case 'D':
		pin_dir = arg;
		return 0;
	case 'n':
		top_n = (unsigned int)strtoul(arg, &end, 10);
		if (*end || !top_n)
			sample_die("syscount: -n wants a number of processes, not '%s'", arg);
		return 0;
	case 'p':
		only_pid = (__u32)strtoul(arg, &end, 10);
		if (*end || !only_pid)
			sample_die("syscount: -p wants a process id, not '%s'", arg);
		return 0;
	}
	return -1;
}

/* DIR/KIND_syscount_NAME */
static void pin_path(char *buf, size_t len, const char *kind, const char *name)
{
	if ((size_t)snprintf(buf, len, "%s/%s_%s_%s", pin_dir, kind, OBJ, name) >= len)
		sample_die("syscount: pin directory name too long: %s", pin_dir);
}

/* bpffs at /sys/fs/bpf (mounted if it is not: it is not at boot on some
 * systems), and the pin directory on it. */
static void make_pin_dir(void)
{
	struct statfs sfs;

	if (!strncmp(pin_dir, BPFFS "/", strlen(BPFFS) + 1) &&
	    (statfs(BPFFS, &sfs) || (unsigned long)sfs.f_type != BPF_FS_MAGIC) &&
	    mount("bpf", BPFFS, "bpf", 0, NULL))
		sample_die("syscount: %s is not a BPF file system and cannot be mounted there: %s",
			   BPFFS, strerror(errno));
	if (mkdir(pin_dir, 0700) && errno != EEXIST)
		sample_die("syscount: cannot make %s: %s", pin_dir, strerror(errno));
}

/* ---- printing the counts ------------------------------------------------------ */

static int by_calls(const void *a, const void *b)
{
	const struct proc_count *x = a, *y = b;

	if (x->v.calls != y->v.calls)
		return x->v.calls < y->v.calls ? 1 : -1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static void print_top(int map_fd)
{
	struct bl_map_snapshot snap;
	struct proc_count *p;
	size_t n = 0;
	int err;

	err = bl_map_snapshot(map_fd, &snap, NULL);
	if (err)
		sample_die("syscount: reading the counts: %s", strerror(-err));
	p = calloc(snap.count + 1, sizeof(*p));
	if (!p)
		sample_die("syscount: out of memory");
	for (size_t i = 0; i < snap.count; i++) {
		memcpy(&p[n].pid, (char *)snap.keys + i * sizeof(__u32), sizeof(__u32));
		memcpy(&p[n].v, (char *)snap.values + i * snap.desc.value_buf_size,
		       sizeof(p[n].v));
		p[n].v.comm[sizeof(p[n].v.comm) - 1] = '\0';
		if (!only_pid || p[n].pid == only_pid)
			n++;
	}
	qsort(p, n, sizeof(*p), by_calls);
	printf("%-16s %8s %12s %10s\n", "COMM", "PID", "COUNT", "ERRORS");
	for (size_t i = 0; i < n && i < top_n; i++)
		printf("%-16s %8u %12llu %10llu\n", p[i].v.comm, p[i].pid,
		       (unsigned long long)p[i].v.calls, (unsigned long long)p[i].v.errors);
	if (only_pid && !n)
		printf("(no system calls counted for process %u)\n", only_pid);
	free(p);
	bl_map_snapshot_free(&snap);
}

/* Print now, then every interval until Ctrl-C or the duration is over. */
static void show(int map_fd, double interval, double duration)
{
	double start = sample_now();

	for (;;) {
		print_top(map_fd);
		if (interval <= 0 || !sample_wait(interval, start, duration))
			break;
		printf("\n");
	}
}

/* ---- modes -------------------------------------------------------------------- */

static int do_read(const struct sample_opts *o)
{
	struct bl_map_want want = {
		.type = BPF_MAP_TYPE_LRU_HASH,
		.key_size = sizeof(__u32),
		.value_size = sizeof(struct syscount_value),
	};
	char path[PATH_MAX];
	struct bl_error err;
	int fd;

	pin_path(path, sizeof(path), "map", "counts");
	fd = bl_map_open_pinned(path, &want, BPF_F_RDONLY, &err);
	if (fd < 0)
		sample_die("syscount: %s%s", err.msg,
			   fd == -ENOENT ? " (load it first: syscount --pin)" : "");
	show(fd, o->interval, o->duration);
	close(fd);
	return 0;
}

static int do_unpin(void)
{
	char path[PATH_MAX];
	int removed = 0, failed = 0;

	/* links first (detaching), then programs, then the map */
	for (int kind = 0; kind < 3; kind++) {
		const char *const *names = kind == 2 ? map_names : prog_names;
		size_t count = kind == 2 ? NR(map_names) : NR(prog_names);

		for (size_t i = 0; i < count; i++) {
			pin_path(path, sizeof(path), kind == 0 ? "link" : kind == 1 ? "prog" : "map",
				 names[i]);
			if (!unlink(path)) {
				printf("removed %s\n", path);
				removed++;
			} else if (errno != ENOENT) {
				fprintf(stderr, "syscount: cannot remove %s: %s\n", path,
					strerror(errno));
				failed++;
			}
		}
	}
	if (!rmdir(pin_dir))
		printf("removed %s\n", pin_dir);
	if (!removed && !failed)
		printf("nothing of syscount is pinned in %s\n", pin_dir);
	return failed ? 1 : 0;
}

/* Pinned so far, for the rollback if something fails. */
static char pinned[8][PATH_MAX];
static int nr_pinned;

static void unpin_all(void)
{
	while (nr_pinned > 0)
		unlink(pinned[--nr_pinned]);
}

static void pin_fd(int fd, const char *kind, const char *name)
{
	struct bl_error err;

	pin_path(pinned[nr_pinned], sizeof(pinned[0]), kind, name);
	if (bl_obj_pin_checked(fd, pinned[nr_pinned], &err)) {
		unpin_all();
		sample_die("syscount: %s", err.msg);
	}
	nr_pinned++;
}

/* Before load: use the map pinned in DIR, if there is one that matches. */
static bool reused;

static void reuse_pinned_map(struct bl_object *obj)
{
	char path[PATH_MAX];
	struct bl_error err;
	int r;

	pin_path(path, sizeof(path), "map", "counts");
	r = bl_map_reuse_pinned(sample_map(obj, "counts"), path, &err);
	if (r < 0)
		sample_die("syscount: %s", err.msg);
	reused = r == 1;
}

static int do_load(const char *argv0, const struct sample_opts *o)
{
	char path[PATH_MAX];
	struct bl_object *obj;
	struct bl_error err;
	struct stat st;
	struct bl_map *map;
	bool links_pinned = true;

	make_pin_dir();
	for (size_t i = 0; i < NR(prog_names); i++) {
		pin_path(path, sizeof(path), "link", prog_names[i]);
		if (!stat(path, &st))
			sample_die("syscount: already counting from pins in %s (%s exists).\n"
				   "Use syscount --read to see the counts, or syscount --unpin to"
				   " stop and remove them.", pin_dir, path);
	}

	obj = sample_load(argv0, reuse_pinned_map);
	map = sample_map(obj, "counts");

	if (!reused)
		pin_fd(bl_map_fd(map), "map", "counts");
	for (size_t i = 0; i < NR(prog_names); i++) {
		struct bl_program *prog = bl_object_find_program(obj, prog_names[i]);
		struct bl_link *link;

		pin_fd(bl_program_fd(prog), "prog", prog_names[i]);
		link = bl_program_attach(prog, &err);
		if (!link) {
			unpin_all();
			sample_die("syscount: %s", err.msg);
		}
		pin_path(path, sizeof(path), "link", prog_names[i]);
		if (bl_link_pin(link, path, &err)) {
			if (err.err != -EOPNOTSUPP) {
				unpin_all();
				sample_die("syscount: %s", err.msg);
			}
			links_pinned = false;
		} else {
			snprintf(pinned[nr_pinned++], sizeof(pinned[0]), "%s", path);
		}
	}

	printf("Counting system calls per process; pinned in %s:\n", pin_dir);
	for (int i = 0; i < nr_pinned; i++)
		printf("  %s\n", strrchr(pinned[i], '/') + 1);
	if (reused)
		printf("  map_%s_counts (reused: its counts go on)\n", OBJ);
	printf("map id %u, program ids %u %u\n", bl_map_id(map),
	       bl_program_id(bl_object_find_program(obj, "sys_enter")),
	       bl_program_id(bl_object_find_program(obj, "sys_exit")));
	if (links_pinned)
		printf("Counting goes on after syscount exits: syscount --read shows the counts,"
		       " syscount --unpin stops and removes them.\n");
	else
		printf("This kernel cannot pin tracepoint attachments (bpf links for perf events"
		       " need 5.15+): counting stops when syscount exits.\n");

	if (mode == MODE_LIVE) {
		printf("\n");
		show(bl_map_fd(map), o->interval > 0 ? o->interval : 2, o->duration);
	}
	/* Closing detaches our links; the pinned ones stay attached. */
	bl_object_close(obj);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "pin", no_argument, NULL, 'P' },
		{ "read", no_argument, NULL, 'r' },
		{ "unpin", no_argument, NULL, 'u' },
		{ "pin-dir", required_argument, NULL, 'D' },
		{ "top", required_argument, NULL, 'n' },
		{ "pid", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct sample_opts o = { 0 };

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sample_parse(argc, argv, usage, &o, "run:p:", longs, extra_opt) != argc)
		sample_die("%s", usage);
	sample_catch_signals();

	switch (mode) {
	case MODE_READ:
		return do_read(&o);
	case MODE_UNPIN:
		return do_unpin();
	default:
		return do_load(argv[0], &o);
	}
}
