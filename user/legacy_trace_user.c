// SPDX-License-Identifier: BSD-2-Clause
/*
 * legacy_trace_user.c - a sample written against the old samples/bpf
 * loader interface, bpf_load.h, exactly as the kernel's old samples used
 * it: load_bpf_file() on argv[0] + "_kern.o", then the global arrays
 * map_fd[], prog_fd[], event_fd[], bpf_log_buf, the fd-based
 * bpf_map_get_next_key()/bpf_map_lookup_elem()/bpf_map_update_elem(), and
 * read_trace_pipe().  Nothing here comes from bpfload's own API: it
 * proves that an old *_user.c builds and runs unchanged.
 *
 * Usage: legacy_trace [SECONDS]   system calls per process, every second
 *                                 for SECONDS (default 3), busiest first
 *        legacy_trace -t          greet our own getpid() calls through
 *                                 bpf_printk and print trace_pipe until
 *                                 Ctrl-C
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include "bpf_load.h"

#define MAX_ENTRIES	10240
#define TOP		10

struct entry {
	__u32 pid;
	__u64 count;
};

static struct entry entries[MAX_ENTRIES];
static __u32 me;

static int by_count(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

static void print_map(int fd, int second)
{
	__u32 key = -1, next_key;
	__u64 value;
	int n = 0, i;

	while (bpf_map_get_next_key(fd, &key, &next_key) == 0 && n < MAX_ENTRIES) {
		if (bpf_map_lookup_elem(fd, &next_key, &value) == 0) {
			entries[n].pid = next_key;
			entries[n].count = value;
			n++;
		}
		key = next_key;
	}
	qsort(entries, n, sizeof(entries[0]), by_count);
	printf("second %d: %d processes made system calls; the busiest:\n", second, n);
	printf("%10s %12s\n", "PID", "SYSCALLS");
	for (i = 0; i < n && i < TOP; i++)
		printf("%10u %12llu%s\n", entries[i].pid, (unsigned long long)entries[i].count,
		       entries[i].pid == me ? "  (legacy_trace itself)" : "");
	/* our own line, even when we are not among the busiest */
	for (; i < n; i++)
		if (entries[i].pid == me)
			printf("%10u %12llu  (legacy_trace itself)\n", entries[i].pid,
			       (unsigned long long)entries[i].count);
	fflush(stdout);
}

int main(int ac, char **argv)
{
	char filename[256];
	int trace = 0, seconds = 3, i;
	__u32 key = 0;

	me = getpid();
	if (ac > 1 && !strcmp(argv[1], "-t"))
		trace = 1;
	else if (ac > 1)
		seconds = atoi(argv[1]);

	snprintf(filename, sizeof(filename), "%s_kern.o", argv[0]);
	if (load_bpf_file(filename)) {
		printf("%s", bpf_log_buf);
		return 1;
	}
	printf("loaded %s: %d programs (prog_fd %d %d, event_fd %d %d), maps at map_fd %d %d\n",
	       filename, prog_cnt, prog_fd[0], prog_fd[1], event_fd[0], event_fd[1], map_fd[0],
	       map_fd[1]);

	if (bpf_map_update_elem(map_fd[1], &key, &me, BPF_ANY)) {
		perror("bpf_map_update_elem");
		return 1;
	}

	if (trace) {
		for (i = 0; i < 3; i++)
			getpid();
		printf("reading trace_pipe (Ctrl-C to stop)\n");
		fflush(stdout);
		read_trace_pipe();
		return 0;
	}

	for (i = 1; i <= seconds; i++) {
		sleep(1);
		print_map(map_fd[0], i);
	}
	return 0;
}
