/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sockex - packets and bytes per IP protocol on one interface, counted by
 * a BPF socket filter on a packet socket (like the kernel's sockex1):
 *
 *	# ./sockex lo
 *	sockex: counting packets per IP protocol on lo... Ctrl-C to end.
 *	TIME      PROTO       RX_PKTS     RX_BYTES    TX_PKTS     TX_BYTES
 *	10:41:07  TCP              12         1013         12         1013
 *	10:41:07  UDP               2          304          2          304
 *	10:41:07  ICMP              1          170          1          170
 *	10:41:07  ICMPv6            1          210          1          210
 *
 *	10:41:08  TCP              18         1411         18         1411
 *	...
 *
 * Every interval (-i, default 1 s) one row per protocol: TCP, UDP and
 * ICMP always, any other protocol (ICMPv6, GRE, ...) once it has been
 * seen.  Counts are totals since the start, for IPv4 and IPv6 together;
 * RX is what the interface received, TX what it sent (on lo every packet
 * is both).  Bytes are frame lengths, link-layer header included.  One
 * last set of rows is printed when the program stops.
 *
 * How: an AF_PACKET socket (which sees every frame of the interface it is
 * bound to) gets kern/sockex_kern.c's program with SO_ATTACH_BPF
 * (bl_attach_socket).  The program counts each frame in an array map
 * indexed by protocol and drops it, so the socket never queues anything;
 * this side only reads the map.  The socket is created for no protocol,
 * filtered, and only then bound to ETH_P_ALL on the interface, so no
 * frame reaches it unfiltered.  Closing it detaches the filter.
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>

#include "sample.h"

#include "../kern/sockex.h"

static const char usage[] =
	"Usage: sockex [-i SECONDS] [-d SECONDS] [IFNAME]\n"
	"Count packets and bytes per IP protocol on interface IFNAME (default lo)\n"
	"with a BPF socket filter on an AF_PACKET socket; print the totals\n"
	"every interval.\n"
	"\n"
	"  -i, --interval SECS  print every SECS seconds (default 1)\n"
	"  -d, --duration SECS  stop after SECS seconds (default: at Ctrl-C)\n"
	"  -h, --help           this text\n";

static void print_stats(const struct bl_map *map)
{
	static const unsigned int always[] = { 6, 17, 1 };	/* TCP UDP ICMP first */
	static int blocks;
	char when[16], name[16];
	struct proto_stats st;
	time_t t = time(NULL);

	if (blocks++)
		putchar('\n');
	strftime(when, sizeof(when), "%H:%M:%S", localtime(&t));
	for (unsigned int i = 0; i < 3 + 256; i++) {
		__u32 key = i < 3 ? always[i] : i - 3;

		if (i >= 3 && (key == 6 || key == 17 || key == 1))
			continue;
		if (bl_map_lookup(map, &key, &st))
			continue;
		if (i >= 3 && !st.rx_packets && !st.tx_packets)
			continue;
		printf("%-9s %-10s %8llu %12llu %10llu %12llu\n", when,
		       sample_proto_name(key, name, sizeof(name)),
		       (unsigned long long)st.rx_packets, (unsigned long long)st.rx_bytes,
		       (unsigned long long)st.tx_packets, (unsigned long long)st.tx_bytes);
	}
}

int main(int argc, char **argv)
{
	struct sample_opts o = { .interval = 1 };
	const char *ifname = "lo";
	struct sockaddr_ll sll;
	struct bl_program *prog;
	struct bl_object *obj;
	struct bl_link *link;
	struct bl_error err;
	unsigned int ifindex;
	double start;
	int i, sock;

	i = sample_parse(argc, argv, usage, &o, NULL, NULL, NULL);
	if (argc - i > 1) {
		fprintf(stderr, "%s", usage);
		return 2;
	}
	if (i < argc)
		ifname = argv[i];
	if (o.interval <= 0)
		o.interval = 1;
	ifindex = if_nametoindex(ifname);
	if (!ifindex)
		sample_die("sockex: no interface '%s' here: %s", ifname, strerror(errno));
	setvbuf(stdout, NULL, _IOLBF, 0);
	sample_catch_signals();

	obj = sample_load(argv[0], NULL);
	prog = bl_object_find_program(obj, "count_by_proto");
	if (!prog)
		sample_die("sockex: program count_by_proto missing from %s", bl_object_name(obj));

	/* protocol 0: no frames until bind() names one, after the filter is on */
	sock = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (sock < 0)
		sample_die("sockex: socket(AF_PACKET): %s", strerror(errno));
	link = bl_attach_socket(bl_program_fd(prog), sock, &err);
	if (!link)
		sample_die("%s", err.msg);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)ifindex;
	if (bind(sock, (struct sockaddr *)&sll, sizeof(sll)))
		sample_die("sockex: bind to %s: %s", ifname, strerror(errno));

	fprintf(stderr, "sockex: counting packets per IP protocol on %s... Ctrl-C to end.\n",
		ifname);
	printf("%-9s %-10s %8s %12s %10s %12s\n", "TIME", "PROTO", "RX_PKTS", "RX_BYTES",
	       "TX_PKTS", "TX_BYTES");

	start = sample_now();
	while (sample_wait(o.interval, start, o.duration))
		print_stats(sample_map(obj, "stats"));
	print_stats(sample_map(obj, "stats"));

	bl_link_detach(link);
	close(sock);
	bl_object_close(obj);
	return 0;
}
