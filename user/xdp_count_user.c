/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xdp_count - packets an interface receives, per IP protocol, counted by
 * an XDP program:
 *
 *	# ./xdp_count vb
 *	xdp_count: xdp on vb (ifindex 2) via bpf_link, ...: counting... Ctrl-C to end.
 *	TIME      PROTO           PACKETS      PKTS/s           BYTES
 *	21:28:11  TCP                   0         0.0               0
 *	21:28:11  UDP                  20        20.0            2120
 *	21:28:11  ICMP                  7         7.0             406
 *	21:28:11  non-IP                2         2.0             102
 *
 *	21:28:12  TCP                   0         0.0               0
 *	...
 *
 * Every interval (-i, default 1 s): one row per protocol, TCP, UDP and
 * ICMP always and any other (ICMPv6, non-IP frames such as ARP, ...)
 * once seen, with the totals since the start, the rate over the last
 * interval, and the bytes (frame lengths, Ethernet header included).
 * Only received frames pass through XDP; IPv4 and IPv6 are counted
 * together.  One last set of rows is printed at the end, and the program
 * is detached from the interface.
 *
 * Modes: by default the kernel picks (native where the driver has XDP
 * support, as veth and most server NICs do); --native insists on the
 * driver hook, --skb uses the generic hook that works on any device.
 * The program is held by a bpf link where the kernel has XDP links
 * (5.9+), so it goes away with this process even if it is killed; with
 * the older netlink attachment only a clean exit removes it.
 *
 * How: kern/xdp_count_kern.c counts in a BPF_MAP_TYPE_PERCPU_ARRAY
 * indexed by protocol, one copy of each counter per CPU so that the fast
 * path needs no atomics.  This side reads the whole map in one batch
 * (bl_map_dump) and sums the CPUs' copies (bl_percpu_sum_u64s).
 */
#include <linux/if_link.h>
#include <net/if.h>

#include <bpfload/maputil.h>
#include "sample.h"

#include "../kern/xdp_count.h"

static const char usage[] =
	"Usage: xdp_count [--skb | --native] [-i SECONDS] [-d SECONDS] IFNAME\n"
	"Count the packets IFNAME receives, per IP protocol, with an XDP program;\n"
	"print the totals and rates every interval.\n"
	"\n"
	"  -S, --skb            generic (skb) mode: works on every device\n"
	"  -N, --native         driver mode: fail if the driver has no XDP support\n"
	"                       (default: the kernel picks, native where it can)\n"
	"  -i, --interval SECS  print every SECS seconds (default 1)\n"
	"  -d, --duration SECS  stop after SECS seconds (default: at Ctrl-C)\n"
	"  -h, --help           this text\n";

static __u32 xdp_flags;
static struct proto_count totals[NON_IP + 1], previous[NON_IP + 1];

static int parse_extra(int opt, const char *arg)
{
	(void)arg;
	switch (opt) {
	case 'S':
		xdp_flags = XDP_FLAGS_SKB_MODE;
		return 0;
	case 'N':
		xdp_flags = XDP_FLAGS_DRV_MODE;
		return 0;
	}
	return -1;
}

static const char *proto_name(unsigned int p, char *buf, size_t len)
{
	return p == NON_IP ? "non-IP" : sample_proto_name(p, buf, len);
}

/* bl_map_dump callback: sum one slot over the CPUs into totals[]. */
static int collect(void *ctx, const void *key, const void *values)
{
	__u64 sums[2];
	__u32 k;

	(void)ctx;
	memcpy(&k, key, sizeof(k));	/* batch buffers are not aligned */
	if (k > NON_IP || bl_percpu_sum_u64s(values, sizeof(struct proto_count), sums))
		return 0;
	totals[k].packets = sums[0];
	totals[k].bytes = sums[1];
	return 0;
}

static void print_row(const char *when, unsigned int p, double secs)
{
	char name[16];
	double rate = secs > 0 ? (totals[p].packets - previous[p].packets) / secs : 0;

	printf("%-9s %-12s %10llu %11.1f %15llu\n", when, proto_name(p, name, sizeof(name)),
	       (unsigned long long)totals[p].packets, rate,
	       (unsigned long long)totals[p].bytes);
}

static void print_counts(int map_fd, double secs)
{
	static const unsigned int always[] = { 6, 17, 1 };	/* TCP UDP ICMP */
	static int blocks;
	char when[16];
	time_t t = time(NULL);
	int err;

	err = bl_map_dump(map_fd, collect, NULL, NULL);
	if (err < 0) {
		char buf[128];

		fprintf(stderr, "xdp_count: reading the counters: %s\n",
			bl_strerror(err, buf, sizeof(buf)));
		return;
	}
	strftime(when, sizeof(when), "%H:%M:%S", localtime(&t));
	if (blocks++)
		putchar('\n');
	for (unsigned int i = 0; i < 3; i++)
		print_row(when, always[i], secs);
	for (unsigned int p = 0; p <= NON_IP; p++)
		if (totals[p].packets && p != 6 && p != 17 && p != 1)
			print_row(when, p, secs);
	memcpy(previous, totals, sizeof(previous));
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "skb", no_argument, NULL, 'S' },
		{ "native", no_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 },
	};
	struct sample_opts o = { .interval = 1 };
	struct bl_xdp_opts xopts = { 0 };
	struct bl_program *prog;
	struct bl_object *obj;
	struct bl_link *link;
	struct bl_error err;
	const char *ifname;
	unsigned int ifindex;
	double start, last, now;
	int i, map_fd;

	i = sample_parse(argc, argv, usage, &o, "SN", longs, parse_extra);
	if (argc - i != 1) {
		fprintf(stderr, "%s", usage);
		return 2;
	}
	ifname = argv[i];
	if (o.interval <= 0)
		o.interval = 1;
	ifindex = if_nametoindex(ifname);
	if (!ifindex)
		sample_die("xdp_count: no interface '%s' here: %s", ifname, strerror(errno));
	setvbuf(stdout, NULL, _IOLBF, 0);
	sample_catch_signals();

	obj = sample_load(argv[0], NULL);
	prog = bl_object_find_program(obj, "xdp_count_prog");
	if (!prog)
		sample_die("xdp_count: program xdp_count_prog missing from %s", bl_object_name(obj));
	map_fd = bl_map_fd(sample_map(obj, "counts"));

	xopts.flags = xdp_flags;
	link = bl_attach_xdp(bl_program_fd(prog), (int)ifindex, &xopts, &err);
	if (!link)
		sample_die("%s%s", err.msg, xdp_flags == XDP_FLAGS_DRV_MODE ?
			   "\nxdp_count: --skb uses the generic hook, which every device has" : "");
	fprintf(stderr, "xdp_count: %s: counting... Ctrl-C to end.\n", bl_link_describe(link));
	printf("%-9s %-12s %10s %11s %15s\n", "TIME", "PROTO", "PACKETS", "PKTS/s", "BYTES");

	start = last = sample_now();
	while (sample_wait(o.interval, start, o.duration)) {
		now = sample_now();
		print_counts(map_fd, now - last);
		last = now;
	}
	now = sample_now();
	print_counts(map_fd, now - last);

	i = bl_link_detach(link);
	if (i < 0) {
		char buf[128];

		fprintf(stderr, "xdp_count: detaching from %s: %s\n", ifname,
			bl_strerror(i, buf, sizeof(buf)));
	}
	bl_object_close(obj);
	return i < 0;
}
