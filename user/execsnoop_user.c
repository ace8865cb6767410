// SPDX-License-Identifier: BSD-2-Clause
/*
 * execsnoop - every program started on the machine, with its arguments.
 *
 *   execsnoop [-d SECONDS]
 *
 * What it shows: each execve() as it is called:
 *
 *   TIME(s)            COMM             PID    FILENAME                 ARGS
 *   0.000000000        bash             4811   /usr/bin/ls              ls -l /tmp
 *   0.101234567        make             4830   /bin/sh                  /bin/sh -c cc -c foo.c
 *
 * TIME(s) counts from the first record; COMM is the caller's name before
 * the exec (usually the parent shell, or the process itself), PID the
 * process that execs; FILENAME is the path given to execve, ARGS its
 * argv.  Each argument is cut at 127 bytes, and after 20 of them "..."
 * says there were more; arguments with blanks or quotes are shown between
 * single quotes.  A failed exec (a file that does not exist) is
 * shown too: this is the attempt, not the result.
 *
 * Mechanisms (kern/execsnoop_kern.c): the syscalls/sys_enter_execve
 * tracepoint (BPF_PROG_TYPE_TRACEPOINT, no kprobes needed); the strings
 * copied from the caller's memory with bpf_probe_read_user_str() in a
 * bounded loop over argv; records built in place in a BPF ring buffer
 * (BPF_MAP_TYPE_RINGBUF, bpf_ringbuf_reserve/submit, 5.8+) and read with
 * bl_ringbuf (bpfload/events.h).
 *
 * Ctrl-C (or the end of --duration) detaches the program, prints the
 * records still in the ring and exits.
 */

#include <sample.h>
#include <bpfload/events.h>

#include "../kern/execsnoop.h"

static const char usage[] =
	"usage: execsnoop [-d SECONDS]\n"
	"\n"
	"Print every execve(): TIME(s), COMM and PID of the caller, FILENAME and\n"
	"ARGS (syscalls/sys_enter_execve tracepoint, records through a BPF ring\n"
	"buffer).\n"
	"\n"
	"  -d, --duration SECONDS  stop after this long (default: until Ctrl-C)\n"
	"  -h, --help              this text\n";

static __u64 first_ts;

static int print_event(void *ctx, const void *data, size_t size)
{
	const struct exec_event *e = data;
	char comm[sizeof(e->comm) + 1], file[FILE_LEN + 1], arg[ARG_LEN + 1];

	(void)ctx;
	if (size < sizeof(*e))
		return 0;
	if (!first_ts)
		first_ts = e->ts;
	/* the record is in the ring, unaligned for nothing: copy what we print */
	snprintf(comm, sizeof(comm), "%.*s", (int)sizeof(e->comm), e->comm);
	snprintf(file, sizeof(file), "%.*s", FILE_LEN, e->file);
	printf("%-18.9f %-16s %-6u %-24s", e->ts >= first_ts ? (double)(e->ts - first_ts) / 1e9 : 0.0,
	       comm, e->pid, file);
	for (__u32 i = 0; i < e->argc && i < MAX_ARGS; i++) {
		snprintf(arg, sizeof(arg), "%.*s", ARG_LEN, e->args[i]);
		/* quote what would not read back as one argument */
		if (!arg[0] || strpbrk(arg, " \t\n\"'"))
			printf(" '%s'", arg);
		else
			printf(" %s", arg);
	}
	printf("%s\n", e->more ? " ..." : "");
	return 0;
}

int main(int argc, char **argv)
{
	struct sample_opts o = { 0 };
	struct bl_object *obj;
	struct bl_ringbuf *rb;
	struct bl_error err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sample_parse(argc, argv, usage, &o, NULL, NULL, NULL) != argc)
		sample_die("%s", usage);
	sample_catch_signals();

	obj = sample_load(argv[0], NULL);
	rb = sample_ringbuf("execsnoop", obj, print_event);
	/* (not sample_attach_all(), which takes the count of links for an error) */
	if (bl_object_attach_all(obj, &err) < 0)
		sample_die("execsnoop: %s", err.msg);

	printf("%-18s %-16s %-6s %-24s %s\n", "TIME(s)", "COMM", "PID", "FILENAME", "ARGS");
	sample_ringbuf_run(rb, obj, o.duration);
	bl_object_close(obj);
	return 0;
}
