// SPDX-License-Identifier: BSD-2-Clause
/*
 * memcpy_stat - how many kernel memcpy() calls of each size, every 2 s.
 *
 *   memcpy_stat [-i SECONDS] [-d SECONDS] [--log2] [-f FUNCTION [-a ARG]]
 *               [--tracepoint]
 *
 * What it shows: statistics prepared inside the kernel.  The program
 * (kern/memcpy_stat_kern.c) runs at every memcpy() and increments a slot
 * of a per-CPU array map; every interval we read the maps, add up the
 * CPUs, and print what changed since the last read, in the learn-bpf
 * README's format:
 *
 *         Size            Count
 *    0                    134
 *    1 -   64             10444
 *   65 -  128             23
 *   ...
 *  961 - 1024*            107
 * * Size > 1024 have been counted in this interval
 *
 * (the last row counts every size above 960), or with --log2 as a
 * power-of-2 histogram:
 *
 *            size           : count     distribution
 *          1 -> 1           : 3        |*                                       |
 *          2 -> 3           : 97       |****************************************|
 *
 * Mechanisms: a kprobe (BPF_PROG_TYPE_KPROBE, bl_attach_kprobe) reading
 * the size argument from the registers (its number is a .rodata variable
 * set before load); BPF_MAP_TYPE_PERCPU_ARRAY maps read with per-CPU
 * lookups (bl_percpu_sum, bpfload/maputil.h); the learn-bpf layout.
 *
 * memcpy often cannot be probed: on x86_64 it is an assembly routine
 * outside ftrace's list, and kernels built without
 * CONFIG_KPROBE_EVENTS_ON_NOTRACE (Debian's 5.10, 6.1 and 6.12 among
 * them) refuse kprobes on "notrace" functions (__memcpy, _copy_to_user
 * and copy_page_to_iter too).  memcpy_stat then says so and counts
 * skb_copy_datagram_iter() instead, the copy of received socket data
 * into the reader's buffer (size in argument 4).  -f/-a pick another
 * function (no fallback then).  Without any kprobes (CONFIG_KPROBES off,
 * like our development host) it says so and exits with status 69
 * (EX_UNAVAILABLE); --tracepoint counts the same socket copies from the
 * static tracepoint skb/skb_copy_datagram_iovec instead.
 *
 * Ctrl-C (or the end of --duration) prints the interval in progress,
 * then closes the object, which detaches the program.
 */
#include <sample_memcpy.h>
#include <bpfload/maputil.h>

#include "../kern/memcpy.h"

static const char usage[] =
	"usage: memcpy_stat [-i SECONDS] [-d SECONDS] [--log2] [-f FUNCTION [-a ARG]]\n"
	"                   [--tracepoint]\n"
	"\n"
	"Count kernel memcpy() calls by size in a BPF map (kprobe) and print the\n"
	"table every interval.  Where the kernel refuses to probe memcpy, counts\n"
	"skb_copy_datagram_iter (socket receive copies) instead and says so.\n"
	"Exits with status 69 when the kernel has no kprobes.\n"
	"\n"
	"  -i, --interval SECONDS  print every SECONDS (default 2)\n"
	"  -d, --duration SECONDS  stop after this long (default: until Ctrl-C)\n"
	"  -l, --log2              a power-of-2 histogram instead of the 64-byte table\n"
	"  -f, --func FUNCTION     probe this kernel function instead of memcpy\n"
	"  -a, --arg N             ... whose argument N (1-6) is the size (default 3)\n"
	"  -t, --tracepoint        no kprobe: the skb/skb_copy_datagram_iovec tracepoint\n"
	"  -h, --help              this text\n";

static bool show_log2;

static int extra_opt(int opt, const char *arg)
{
	if (opt == 'l') {
		show_log2 = true;
		return 0;
	}
	return memcpy_opt("memcpy_stat", opt, arg);
}

static void prepare(struct bl_object *obj)
{
	if (memcpy_prepare(obj))
		sample_die("memcpy_stat: %s", bl_object_error(obj));
}

static const struct memcpy_sample sample = {
	.name = "memcpy_stat",
	.shows = "counts",
	.probing = "Counting",
	.prepare = prepare,
};

/* Every slot of a per-CPU array of __u64, summed over the CPUs. */
static void read_totals(const struct bl_map *map, __u64 *totals, __u32 n)
{
	size_t size = bl_percpu_buf_size(sizeof(__u64));
	void *buf = malloc(size);

	if (!buf)
		sample_die("memcpy_stat: out of memory");
	for (__u32 k = 0; k < n; k++) {
		int err = bl_map_lookup(map, &k, buf);

		if (err)
			sample_die("memcpy_stat: reading map %s slot %u: %s", bl_map_name(map), k,
				   strerror(-err));
		totals[k] = bl_percpu_sum(buf, sizeof(__u64));
	}
	free(buf);
}

/* The learn-bpf table: the last row also counts sizes above 1024. */
static void print_table(const __u64 *d)
{
	char label[32];

	printf("        Size            Count\n");
	printf("%-24s%llu\n", "   0", (unsigned long long)d[0]);
	for (int k = 1; k <= 16; k++) {
		__u64 n = d[k];

		if (k == 16) {
			n += d[NR_SIZE_SLOTS - 1];
			snprintf(label, sizeof(label), "%4d - %4d*", 64 * k - 63, 64 * k);
		} else {
			snprintf(label, sizeof(label), "%4d - %4d", 64 * k - 63, 64 * k);
		}
		printf("%-24s%llu\n", label, (unsigned long long)n);
	}
	printf("* Size > 1024 have been counted in this interval\n");
}

/* Slot k >= 1 holds sizes 2^(k-1) .. 2^k - 1; slot 0 holds size 0. */
static void print_log2(const __u64 *d)
{
	int first = -1, last = -1;
	__u64 max = 0;

	for (int k = 0; k < NR_LOG2_SLOTS; k++) {
		if (!d[k])
			continue;
		if (first < 0)
			first = k;
		last = k;
		if (d[k] > max)
			max = d[k];
	}
	printf("%24s : %-9s %s\n", "size", "count", "distribution");
	if (first < 0) {
		printf("%24s : %-9d |%-40s|\n", "(none)", 0, "");
		return;
	}
	for (int k = first; k <= last; k++) {
		char range[48], bar[41];
		int w = (int)(d[k] * 40 / max);

		if (k == 0)
			snprintf(range, sizeof(range), "%10d", 0);
		else
			snprintf(range, sizeof(range), "%10llu -> %-10llu",
				 1ULL << (k - 1), k == 64 ? ~0ULL : (1ULL << k) - 1);
		memset(bar, '*', (size_t)w);
		bar[w] = '\0';
		printf("%-24s : %-9llu |%-40s|\n", range, (unsigned long long)d[k], bar);
	}
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "log2", no_argument, NULL, 'l' },
		{ "func", required_argument, NULL, 'f' },
		{ "arg", required_argument, NULL, 'a' },
		{ "tracepoint", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	__u64 prev[NR_LOG2_SLOTS] = { 0 }, now[NR_LOG2_SLOTS], delta[NR_LOG2_SLOTS];
	struct sample_opts o = { .interval = 2 };
	const struct bl_map *map;
	struct bl_object *obj;
	struct bl_link *link;
	__u32 n;
	double start;
	int go;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sample_parse(argc, argv, usage, &o, "lf:a:t", longs, extra_opt) != argc)
		sample_die("%s", usage);
	if (o.interval <= 0)
		sample_die("memcpy_stat: the interval must be more than 0 s");
	sample_catch_signals();

	obj = memcpy_load(argv[0], &sample, &link);
	map = sample_map(obj, show_log2 ? "log2_sizes" : "sizes");
	n = show_log2 ? NR_LOG2_SLOTS : NR_SIZE_SLOTS;
	printf("Counting sizes with %s, every %g s... Hit Ctrl-C to end.\n\n",
	       bl_link_describe(link), o.interval);

	start = sample_now();
	do {
		go = sample_wait(o.interval, start, o.duration);
		read_totals(map, now, n);
		for (__u32 k = 0; k < n; k++) {
			delta[k] = now[k] - prev[k];
			prev[k] = now[k];
		}
		if (show_log2)
			print_log2(delta);
		else
			print_table(delta);
		if (go)
			printf("\n");
	} while (go);

	if (!use_tracepoint)
		bl_link_detach(link);
	bl_object_close(obj);
	return 0;
}
