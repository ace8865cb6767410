// SPDX-License-Identifier: BSD-2-Clause
/*
 * opensnoop_core - every file opened on the machine, with its open flags
 * and mode read from the kernel's struct open_how by CO-RE.
 *
 *   opensnoop_core [-d SECONDS] [-p PID] [-t]
 *
 * What it shows: which process opens which path, how and with which mode:
 *
 *   TIME(s)            COMM             PID     FLAGS                               MODE  FILE
 *   0.000000000        sh               8931    O_WRONLY|O_CREAT|O_TRUNC|O_LARGEFILE 0666  out
 *   0.000660300        cat              8932    O_RDONLY|O_LARGEFILE                0000  out
 *
 * TIME(s) counts from the first record.  FLAGS are decoded (the access
 * mode first, then each flag; bits without a name in hex), MODE is in
 * octal.  FILE is the path as the caller passed it, cut at 255 bytes.
 *
 * Mechanisms (kern/opensnoop_core_kern.c, one object built on a vmlinux.h
 * and relocated for the running kernel at load: CO-RE): a kprobe on the
 * kernel function do_sys_openat2(dfd, filename, struct open_how *how),
 * which open, openat and openat2 all call, reading how->flags and
 * how->mode from kernel memory at the offsets of this kernel's BTF.
 * There the kernel has already normalised them: open and openat add
 * O_LARGEFILE on 64-bit, and a mode is only kept for a call that creates.
 *
 * Where the kernel has no kprobes (our development host), opensnoop_core
 * says so and falls back to the syscall tracepoints of the same object:
 * sys_enter_openat2, whose struct open_how is read from the caller's
 * memory with the same relocated offsets (bpf_probe_read_user), and
 * sys_enter_openat and sys_enter_open, whose flags and mode are
 * arguments.  These show the values as passed.  -t picks them even where
 * kprobes work.  Records through a ring buffer (BPF_MAP_TYPE_RINGBUF,
 * read with bl_ringbuf, bpfload/events.h).  -p sets a .rodata variable
 * before load so that the kernel filters.
 *
 * Ctrl-C (or the end of --duration) detaches the programs, prints the
 * records still in the ring and exits.  opensnoop_core's own opens are
 * not shown.
 */
#include <fcntl.h>

#include <sample_opensnoop.h>

#include "../kern/opensnoop_core.h"

static const char usage[] =
	"usage: opensnoop_core [-d SECONDS] [-p PID] [-t]\n"
	"\n"
	"Print every file open with its flags and mode, read from the kernel's\n"
	"struct open_how with CO-RE (kprobe on do_sys_openat2; records through a\n"
	"ring buffer): TIME(s), COMM, PID, FLAGS, MODE, FILE.  Without kprobes it\n"
	"falls back to the syscall tracepoints sys_enter_openat2 (open_how read\n"
	"from user memory), sys_enter_openat and sys_enter_open.\n"
	"\n"
	"  -d, --duration SECONDS  stop after this long (default: until Ctrl-C)\n"
	"  -p, --pid PID           only this process\n"
	"  -t, --tracepoint        use the syscall tracepoints even with kprobes\n"
	"  -h, --help              this text\n";

/*
 * The kernel's O_* values.  The C library's are the same, except
 * O_LARGEFILE, which it defines as 0 on 64-bit (it needs no flag there)
 * while the kernel adds its own bit to every open and openat.
 */
#if defined(__aarch64__)
#define K_O_LARGEFILE	0400000
#else
#define K_O_LARGEFILE	0100000
#endif

static const struct {
	unsigned long long bits;
	const char *name;
} flag_names[] = {
	/* several bits: before the single ones they include */
	{ O_SYNC, "O_SYNC" },
#ifdef O_TMPFILE
	{ O_TMPFILE, "O_TMPFILE" },
#endif
	{ O_CREAT, "O_CREAT" },
	{ O_EXCL, "O_EXCL" },
	{ O_NOCTTY, "O_NOCTTY" },
	{ O_TRUNC, "O_TRUNC" },
	{ O_APPEND, "O_APPEND" },
	{ O_NONBLOCK, "O_NONBLOCK" },
	{ O_DSYNC, "O_DSYNC" },
	{ O_ASYNC, "O_ASYNC" },
	{ O_DIRECT, "O_DIRECT" },
	{ K_O_LARGEFILE, "O_LARGEFILE" },
	{ O_DIRECTORY, "O_DIRECTORY" },
	{ O_NOFOLLOW, "O_NOFOLLOW" },
	{ O_NOATIME, "O_NOATIME" },
	{ O_CLOEXEC, "O_CLOEXEC" },
	{ O_PATH, "O_PATH" },
};

static bool use_tracepoints;

static int extra_opt(int opt, const char *arg)
{
	if (opt == 't') {
		use_tracepoints = true;
		return 0;
	}
	return opensnoop_pid_opt("opensnoop_core", opt, arg);
}

static void prepare(struct bl_object *obj)
{
	if (bl_object_set_global(obj, "target_pid", &target_pid, sizeof(target_pid)))
		sample_die("opensnoop_core: %s", bl_object_error(obj));
}

/* "O_WRONLY|O_CREAT|O_TRUNC" into buf. */
static const char *decode_flags(unsigned long long flags, char *buf, size_t len)
{
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	size_t n;

	n = (size_t)snprintf(buf, len, "%s", acc[flags & O_ACCMODE]);
	flags &= ~(unsigned long long)O_ACCMODE;
	for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]) && n < len; i++) {
		if ((flags & flag_names[i].bits) != flag_names[i].bits)
			continue;
		n += (size_t)snprintf(buf + n, len - n, "|%s", flag_names[i].name);
		flags &= ~flag_names[i].bits;
	}
	if (flags && n < len)
		snprintf(buf + n, len - n, "|0x%llx", flags);
	return buf;
}

static int print_event(void *ctx, const void *data, size_t size)
{
	struct opensnoop_core_event e;
	char flags[256], mode[16];

	(void)ctx;
	if (size < sizeof(e))
		return 0;
	memcpy(&e, data, sizeof(e));
	if (e.pid == self_pid)
		return 0;
	e.comm[sizeof(e.comm) - 1] = '\0';
	e.file[sizeof(e.file) - 1] = '\0';
	if (e.how_err) {
		/* the caller's open_how was unreadable (openat2 with a bad pointer) */
		snprintf(flags, sizeof(flags), "? (open_how: %s)", strerror(-e.how_err));
		snprintf(mode, sizeof(mode), "?");
	} else {
		decode_flags(e.flags, flags, sizeof(flags));
		snprintf(mode, sizeof(mode), "%04llo", (unsigned long long)e.mode);
	}
	printf("%-18.9f %-16s %-7u %-35s %-5s %s\n", opensnoop_time(e.ts), e.comm, e.pid, flags,
	       mode, e.file);
	return 0;
}

/* The kprobe, or NULL after saying why the tracepoints are used instead. */
static struct bl_link *attach_kprobe(struct bl_object *obj)
{
	int fd = bl_program_fd(bl_object_find_program(obj, "kprobe_openat2"));
	struct bl_link *link;
	struct bl_error err;

	link = bl_attach_kprobe(fd, "do_sys_openat2", 0, false, NULL, &err);
	if (link)
		return link;
	if (err.err == -EOPNOTSUPP)
		fprintf(stderr, "opensnoop_core: this kernel has no kprobes (%s).\n"
			"opensnoop_core: falling back to the syscall tracepoints: open_how read"
			" from user memory, flags and mode as passed.\n", err.msg);
	else if (err.err == -ENOENT)	/* before 5.6, or inlined */
		fprintf(stderr, "opensnoop_core: no do_sys_openat2 to probe (%s).\n"
			"opensnoop_core: falling back to the syscall tracepoints.\n", err.msg);
	else
		sample_die("opensnoop_core: %s", err.msg);
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "tracepoint", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct sample_opts o = { 0 };
	struct bl_link *kprobe = NULL;
	struct bl_ringbuf *rb;
	struct bl_object *obj;
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sample_parse(argc, argv, usage, &o, "p:t", longs, extra_opt) != argc)
		sample_die("%s", usage);
	sample_catch_signals();
	self_pid = (__u32)getpid();

	obj = sample_load(argv[0], prepare);
	rb = sample_ringbuf("opensnoop_core", obj, print_event);
	if (!use_tracepoints)
		kprobe = attach_kprobe(obj);
	if (kprobe) {
		printf("Tracing do_sys_openat2() with a kprobe: struct open_how read by CO-RE"
		       " from kernel memory\n");
	} else {
		opensnoop_attach_tp("opensnoop_core", obj, "tp_openat", true);
		opensnoop_attach_tp("opensnoop_core", obj, "tp_openat2", false);
		opensnoop_attach_tp("opensnoop_core", obj, "tp_open", false);
		printf("Tracing the open syscall tracepoints: struct open_how read by CO-RE"
		       " from user memory\n");
	}
	printf("%-18s %-16s %-7s %-35s %-5s %s\n", "TIME(s)", "COMM", "PID", "FLAGS", "MODE",
	       "FILE");
	ret = bl_ringbuf_run(rb, o.duration > 0 ? (int)(o.duration * 1000) : -1, &sample_stop);

	/* Detach, then print what is still in the ring. */
	if (kprobe)
		bl_link_detach(kprobe);
	bl_object_detach_all(obj);
	bl_ringbuf_consume(rb);
	bl_ringbuf_free(rb);
	bl_object_close(obj);
	if (ret < 0)
		sample_die("opensnoop_core: reading the ring buffer: %s", strerror(-ret));
	return 0;
}
