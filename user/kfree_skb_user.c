// SPDX-License-Identifier: BSD-2-Clause
/*
 * kfree_skb - where the kernel drops packets, as symbolized stack traces.
 *
 *   kfree_skb [-i SECONDS] [-d SECONDS] [-n STACKS]
 *
 * What it shows: every interval, the kernel call stacks that dropped
 * packets (freed them with kfree_skb) since the last report, most
 * frequent first, each frame as function+offset/size:
 *
 *   12:00:05  5 drops in 3 stacks:
 *
 *       3 drops at __udp4_lib_rcv+0x5a4/0xbd0 (stack 17)
 *           sk_skb_reason_drop+0x8d/0x130
 *           __udp4_lib_rcv+0x5a4/0xbd0
 *           ip_protocol_deliver_rcu+0x3c/0x1d0
 *           ...
 *
 * "at" is the address the tracepoint reports as the dropping code.
 *
 * Mechanisms (kern/kfree_skb_kern.c): the tracepoint skb/kfree_skb;
 * bpf_get_stackid() into a BPF_MAP_TYPE_STACK_TRACE map, counts per
 * stack id in a hash map; here the maps are read with a batch dump
 * (bl_map_snapshot), the stacks looked up by id, the addresses resolved
 * with the kernel symbols of /proc/kallsyms (bl_ksyms, bpfload/maputil.h),
 * and the entries deleted so that each report covers one interval.
 *
 * /proc/kallsyms shows real addresses only to a privileged reader
 * (kptr_restrict, CAP_SYSLOG): without them we print raw addresses and
 * say why.  A stack the map could not store (it was full or the id
 * collided) is counted as "stack -1".
 *
 * Ctrl-C (or the end of --duration) prints the interval in progress and
 * closes the object, which detaches the program.
 */
#include <time.h>

#include <sample.h>
#include <bpfload/maputil.h>

#include "../kern/kfree_skb.h"

static const char usage[] =
	"usage: kfree_skb [-i SECONDS] [-d SECONDS] [-n STACKS]\n"
	"\n"
	"Count dropped packets (tracepoint skb/kfree_skb) per kernel stack trace and\n"
	"print the most frequent stacks, symbolized, every interval.\n"
	"\n"
	"  -i, --interval SECONDS  report every SECONDS (default 5)\n"
	"  -d, --duration SECONDS  stop after this long (default: until Ctrl-C)\n"
	"  -n, --stacks N          at most N stacks per report (default 10)\n"
	"  -h, --help              this text\n";

struct drop {
	__s32 id;
	struct drop_count v;
};

static unsigned int max_stacks = 10;

static int extra_opt(int opt, const char *arg)
{
	char *end;

	if (opt != 'n')
		return -1;
	max_stacks = (unsigned int)strtoul(arg, &end, 10);
	if (*end || !max_stacks)
		sample_die("kfree_skb: -n wants a number of stacks, not '%s'", arg);
	return 0;
}

static int by_count(const void *a, const void *b)
{
	const struct drop *x = a, *y = b;

	if (x->v.count != y->v.count)
		return x->v.count < y->v.count ? 1 : -1;
	return x->id - y->id;
}

static const char *sym(const struct bl_ksyms *ks, __u64 addr, char *buf, size_t len)
{
	if (ks)
		return bl_ksyms_format(ks, addr, buf, len);
	snprintf(buf, len, "0x%llx", (unsigned long long)addr);
	return buf;
}

/* Print the drops since the last report, then forget them. */
static void report(const struct bl_map *drops, const struct bl_map *stacks,
		   const struct bl_ksyms *ks)
{
	struct bl_map_snapshot snap;
	struct drop *v;
	__u64 total = 0;
	char when[16], buf[256];
	time_t now = time(NULL);
	int err;

	err = bl_map_snapshot(bl_map_fd(drops), &snap, NULL);
	if (err)
		sample_die("kfree_skb: reading map drops: %s", strerror(-err));
	v = calloc(snap.count + 1, sizeof(*v));
	if (!v)
		sample_die("kfree_skb: out of memory");
	for (size_t i = 0; i < snap.count; i++) {
		memcpy(&v[i].id, (char *)snap.keys + i * sizeof(__s32), sizeof(__s32));
		memcpy(&v[i].v, (char *)snap.values + i * snap.desc.value_buf_size, sizeof(v[i].v));
		total += v[i].v.count;
	}
	qsort(v, snap.count, sizeof(*v), by_count);

	strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
	printf("%s  %llu drop%s in %zu stack%s:\n", when, (unsigned long long)total,
	       total == 1 ? "" : "s", snap.count, snap.count == 1 ? "" : "s");
	for (size_t i = 0; i < snap.count; i++) {
		__u64 frames[MAX_FRAMES];

		if (i < max_stacks) {
			printf("\n%8llu drop%s at %s (stack %d)\n", (unsigned long long)v[i].v.count,
			       v[i].v.count == 1 ? "" : "s", sym(ks, v[i].v.location, buf, sizeof(buf)),
			       v[i].id);
			memset(frames, 0, sizeof(frames));
			if (v[i].id >= 0 && !bl_map_lookup(stacks, &v[i].id, frames)) {
				for (int f = 0; f < MAX_FRAMES && frames[f]; f++)
					printf("            %s\n", sym(ks, frames[f], buf, sizeof(buf)));
			} else {
				printf("            (no stack trace)\n");
			}
		} else if (i == max_stacks) {
			printf("\n    ... and %zu more stacks\n", snap.count - max_stacks);
		}
		bl_map_delete(drops, &v[i].id);
		if (v[i].id >= 0)
			bl_map_delete(stacks, &v[i].id);
	}
	printf("\n");
	free(v);
	bl_map_snapshot_free(&snap);
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "stacks", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct sample_opts o = { .interval = 5 };
	const struct bl_map *drops, *stacks;
	struct bl_object *obj;
	struct bl_ksyms *ks;
	struct bl_error err;
	double start;
	int go;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sample_parse(argc, argv, usage, &o, "n:", longs, extra_opt) != argc)
		sample_die("%s", usage);
	if (o.interval <= 0)
		sample_die("kfree_skb: the interval must be more than 0 s");
	sample_catch_signals();

	ks = bl_ksyms_load(NULL, &err);
	if (!ks)
		fprintf(stderr, "kfree_skb: no kernel symbols, printing addresses (%s)\n", err.msg);
	obj = sample_load(argv[0], NULL);
	drops = sample_map(obj, "drops");
	stacks = sample_map(obj, "stacks");
	if (bl_object_attach_all(obj, &err) < 0)
		sample_die("kfree_skb: %s", err.msg);
	printf("Counting dropped packets per kernel stack (tracepoint skb/kfree_skb), every %g s..."
	       " Hit Ctrl-C to end.\n\n", o.interval);

	start = sample_now();
	do {
		go = sample_wait(o.interval, start, o.duration);
		report(drops, stacks, ks);
	} while (go);

	bl_object_close(obj);
	bl_ksyms_free(ks);
	return 0;
}
