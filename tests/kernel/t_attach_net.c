// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_attach_net.c - socket filters, cgroup_skb, XDP and tc, attached for
 * real and counted exactly.
 *
 * No packet leaves namespaces the test creates itself:
 *  - the socket filter sits on an AF_UNIX socketpair;
 *  - the cgroup_skb program sees a child that runs in its own fresh
 *    network namespace (only lo) inside a cgroup the test creates;
 *  - XDP and tc run on a veth pair between two namespaces made with
 *    "ip netns add bpfload-<pid>-a/-b" (10.199.0.1 and .2), deleted at
 *    the end (also on a bail-out, from atexit).
 * The programs (tests/objs/attach_net.c) count only UDP to one port, so
 * neighbour discovery and IPv6 chatter never disturb the counts.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/attach.h>
#include <bpfload/sys.h>
#include "tap.h"
#include "testutil.h"

#define CGROUP2_MAGIC 0x63677270
#define ADDR_A "10.199.0.1"
#define ADDR_B "10.199.0.2"

/* ---- helpers ------------------------------------------------------------ */

/* Run a shell command (fixed strings and our own names only). */
static int __attribute__((format(printf, 1, 2))) run(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The output of a command, in buf. */
static const char *__attribute__((format(printf, 3, 4)))
output(char *buf, size_t len, const char *fmt, ...)
{
	char cmd[512];
	size_t n = 0;
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	buf[0] = '\0';
	f = popen(cmd, "r");
	if (!f)
		return buf;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	pclose(f);
	return buf;
}

/* ---- shared state ---------------------------------------------------------- */

static struct bl_object *obj;
static struct bl_program *p_sock, *p_xdp, *p_tc_in, *p_tc_out, *p_cg;
static __u16 port;

/* ---- socket filter ---------------------------------------------------------- */

static void test_socket(void)
{
	struct bl_error err = { 0 };
	struct bl_link *l;
	char buf[64];
	int sv[2], got = 0;

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv)) {
		ok(0, "socket: socketpair");
		return;
	}
	tu_set_u64(obj, "sock_pkts", 0);
	tu_set_u64(obj, "sock_bytes", 0);
	l = bl_attach_socket(bl_program_fd(p_sock), sv[1], &err);
	if (!ok(l != NULL, "socket: SO_ATTACH_BPF on the receiving end")) {
		tap_diag("%s", err.msg);
		goto out;
	}
	like(bl_link_describe(l), "SO_ATTACH_BPF", "socket: %s", bl_link_describe(l));
	is_int(bl_link_fd(l), -1, "socket: no fd holds the attachment (the socket does)");
	for (int i = 1; i <= 10; i++)
		if (send(sv[0], "abcdefghij", i, 0) != i)
			tap_diag("send %d failed", i);
	for (int i = 1; i <= 10; i++)
		got += recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT) == i;
	is_int(got, 10, "socket: the filter kept every datagram whole");
	is_int(tu_get_u64(obj, "sock_pkts"), 10, "socket: 10 datagrams counted");
	is_int(tu_get_u64(obj, "sock_bytes"), 55, "socket: 55 bytes counted");
	is_int(bl_link_detach(l), 0, "socket: detach");
	send(sv[0], "xyz", 3, 0);
	recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT);
	is_int(tu_get_u64(obj, "sock_pkts"), 10, "socket: nothing counted after detach");

	l = bl_attach_socket(bl_program_fd(p_xdp), sv[1], &err);
	ok(l == NULL && err.err == -EINVAL, "socket: an XDP program is refused");
	like(err.msg, "socket filter program", "socket: the message says what is needed");
	bl_link_detach(l);
	l = bl_attach_socket(bl_program_fd(p_sock), 0, &err);
	ok(l == NULL && err.err == -ENOTSOCK, "socket: a fd that is no socket is refused");
	bl_link_detach(l);
out:
	close(sv[0]);
	close(sv[1]);
}

/* ---- cgroup_skb ----------------------------------------------------------------- */

static char cg_dir[PATH_MAX];

static const char *cgroup2_root(void)
{
	static const char *const roots[] = { "/sys/fs/cgroup/unified", "/sys/fs/cgroup" };
	struct statfs st;

	for (int i = 0; i < 2; i++)
		if (!statfs(roots[i], &st) && (unsigned long)st.f_type == CGROUP2_MAGIC)
			return roots[i];
	return NULL;
}

static int lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ret;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	ret = ioctl(fd, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	if (!ret)
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	close(fd);
	return ret;
}

/* In the child: a private network namespace, n UDP datagrams to
 * 127.0.0.1:port, all received.  Exit status 0 when so. */
static void __attribute__((noreturn)) cg_child(int go, int n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	char c, buf[16];
	int rx, tx, got = 0;

	if (read(go, &c, 1) != 1 || unshare(CLONE_NEWNET) || lo_up())
		_exit(2);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rx = socket(AF_INET, SOCK_DGRAM, 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	if (rx < 0 || tx < 0 || bind(rx, (struct sockaddr *)&a, sizeof(a)))
		_exit(3);
	for (int i = 0; i < n; i++)
		sendto(tx, "hello", 5, 0, (struct sockaddr *)&a, sizeof(a));
	for (int i = 0; i < n; i++) {
		struct pollfd p = { .fd = rx, .events = POLLIN };

		if (poll(&p, 1, 2000) != 1 || recv(rx, buf, sizeof(buf), 0) != 5)
			break;
		got++;
	}
	_exit(got == n ? 0 : 4);
}

/* Fork a child, put it in the cgroup, let it send n datagrams. */
static bool run_in_cgroup(int n)
{
	char path[PATH_MAX + 32], pid[32];
	int p[2], fd, st = 0;
	pid_t child;

	if (pipe(p))
		return false;
	child = fork();
	if (child == 0) {
		close(p[1]);
		cg_child(p[0], n);
	}
	close(p[0]);
	snprintf(path, sizeof(path), "%s/cgroup.procs", cg_dir);
	snprintf(pid, sizeof(pid), "%d", (int)child);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, pid, strlen(pid)) < 0)
		tap_diag("cannot move the child into %s: %s", cg_dir, strerror(errno));
	if (fd >= 0)
		close(fd);
	if (write(p[1], "g", 1) != 1)
		tap_diag("cannot start the child");
	close(p[1]);
	waitpid(child, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		tap_diag("cgroup child failed with status 0x%x", st);
	return WIFEXITED(st) && !WEXITSTATUS(st);
}

static int cg_attached(void)
{
	__u32 ids[8], cnt = 8;
	int fd = open(cg_dir, O_RDONLY | O_DIRECTORY), ret;

	if (fd < 0)
		return -1;
	ret = bl_sys_prog_query(fd, BPF_CGROUP_INET_EGRESS, 0, NULL, ids, &cnt);
	close(fd);
	return ret ? ret : (int)cnt;
}

static void cg_round(const char *name, const struct bl_cgroup_opts *o, const char *via)
{
	struct bl_error err = { 0 };
	struct bl_link *l;

	tu_set_u64(obj, "cg_pkts", 0);
	l = bl_attach_cgroup(bl_program_fd(p_cg), cg_dir, bl_program_expected_attach_type(p_cg),
			     o, &err);
	if (!ok(l != NULL, "%s: attach cgroup_skb/egress to %s", name, cg_dir)) {
		tap_diag("%s", err.msg);
		return;
	}
	like(bl_link_describe(l), via, "%s: %s", name, bl_link_describe(l));
	is_int(cg_attached(), 1, "%s: the cgroup lists one egress program", name);
	ok(run_in_cgroup(13), "%s: a child in the cgroup sent and received 13 datagrams", name);
	is_int(tu_get_u64(obj, "cg_pkts"), 13, "%s: 13 datagrams counted", name);
	is_int(bl_link_detach(l), 0, "%s: detach", name);
	is_int(cg_attached(), 0, "%s: the cgroup lists no program", name);
	ok(run_in_cgroup(2), "%s: the child runs again", name);
	is_int(tu_get_u64(obj, "cg_pkts"), 13, "%s: nothing counted after detach", name);
}

static void test_cgroup(void)
{
	const char *root = cgroup2_root();

	if (!root) {
		tap_skip("cgroup: cgroup_skb", "no cgroup2 mount at /sys/fs/cgroup/unified or"
			 " /sys/fs/cgroup");
		return;
	}
	snprintf(cg_dir, sizeof(cg_dir), "%s/bpfload-t-attach-%d", root, (int)getpid());
	if (!ok(!mkdir(cg_dir, 0755), "cgroup: create %s", cg_dir))
		return;
	cg_round("cgroup link", NULL, "via bpf_link");
	cg_round("cgroup prog_attach", &(struct bl_cgroup_opts){ .flags = BPF_F_ALLOW_MULTI },
		 "via BPF_PROG_ATTACH, allow multi");
	for (int i = 0; i < 100 && rmdir(cg_dir) && errno == EBUSY; i++)
		usleep(10000);
	ok(access(cg_dir, F_OK) != 0, "cgroup: %s removed", cg_dir);
	cg_dir[0] = '\0';
}

/* ---- network namespaces and a veth pair ------------------------------------------ */

static char ns_a[64], ns_b[64], veth_a[IF_NAMESIZE], veth_b[IF_NAMESIZE];
static int ns_orig = -1, ns_fd_a = -1, ns_fd_b = -1;
static int sock_tx = -1, sock_rx = -1;
static bool have_ns;

static void net_cleanup(void)
{
	if (ns_orig >= 0)
		setns(ns_orig, CLONE_NEWNET);
	if (have_ns) {
		run("ip netns del %s 2>/dev/null", ns_a);
		run("ip netns del %s 2>/dev/null", ns_b);
		have_ns = false;
	}
	if (cg_dir[0])
		rmdir(cg_dir);
}

static int enter(int fd)
{
	return setns(fd, CLONE_NEWNET);
}

static int open_ns(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/var/run/netns/%s", name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static bool net_setup(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int pid = (int)getpid();

	snprintf(ns_a, sizeof(ns_a), "bpfload-%d-a", pid);
	snprintf(ns_b, sizeof(ns_b), "bpfload-%d-b", pid);
	snprintf(veth_a, sizeof(veth_a), "bl%da", pid % 10000000);
	snprintf(veth_b, sizeof(veth_b), "bl%db", pid % 10000000);
	if (run("ip netns add %s", ns_a) || run("ip netns add %s", ns_b))
		return false;
	have_ns = true;
	if (run("ip -n %s link add %s type veth peer name %s netns %s", ns_a, veth_a, veth_b,
	    ns_b) ||
	    run("ip -n %s addr add " ADDR_A "/24 dev %s", ns_a, veth_a) ||
	    run("ip -n %s addr add " ADDR_B "/24 dev %s", ns_b, veth_b) ||
	    run("ip -n %s link set %s up", ns_a, veth_a) ||
	    run("ip -n %s link set %s up", ns_b, veth_b))
		return false;
	ns_orig = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ns_fd_a = open_ns(ns_a);
	ns_fd_b = open_ns(ns_b);
	if (ns_orig < 0 || ns_fd_a < 0 || ns_fd_b < 0 || enter(ns_fd_b))
		return false;
	sock_tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (enter(ns_fd_a))
		return false;
	sock_rx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	inet_pton(AF_INET, ADDR_A, &a.sin_addr);
	return sock_tx >= 0 && sock_rx >= 0 && !bind(sock_rx, (struct sockaddr *)&a, sizeof(a));
}

/* n datagrams from B to A; returns how many A received. */
static int exchange(int n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	char buf[64];
	int got = 0;

	inet_pton(AF_INET, ADDR_A, &a.sin_addr);
	for (int i = 0; i < n; i++)
		sendto(sock_tx, "ping", 4, 0, (struct sockaddr *)&a, sizeof(a));
	while (got < n) {
		struct pollfd p = { .fd = sock_rx, .events = POLLIN };

		if (poll(&p, 1, 2000) != 1 || recv(sock_rx, buf, sizeof(buf), 0) < 0)
			break;
		got++;
	}
	return got;
}

/* The XDP program id the device reports (ip -d link), 0 if none. */
static unsigned int xdp_prog_on(const char *ns, const char *dev, char *mode, size_t len)
{
	char out[4096];
	const char *p;
	unsigned int id = 0;

	output(out, sizeof(out), "ip -n %s -d link show dev %s", ns, dev);
	p = strstr(out, "prog/xdp id ");
	if (p)
		sscanf(p, "prog/xdp id %u", &id);
	if (mode) {
		p = strstr(out, "xdpgeneric") ? "xdpgeneric" : strstr(out, "xdp") ? "xdp" : "";
		snprintf(mode, len, "%s", p);
	}
	return id;
}

static void xdp_round(const char *name, const struct bl_xdp_opts *o, const char *via,
		      const char *ip_mode)
{
	struct bl_error err = { 0 };
	int ifindex = if_nametoindex(veth_a);
	struct bl_link *l;
	char mode[32];

	tu_set_u64(obj, "xdp_pkts", 0);
	l = bl_attach_xdp(bl_program_fd(p_xdp), ifindex, o, &err);
	if (!ok(l != NULL, "%s: attach to %s", name, veth_a)) {
		tap_diag("%s", err.msg);
		return;
	}
	like(bl_link_describe(l), via, "%s: %s", name, bl_link_describe(l));
	is_int(xdp_prog_on(ns_a, veth_a, mode, sizeof(mode)), bl_program_id(p_xdp),
	       "%s: the device runs our program", name);
	is_str(mode, ip_mode, "%s: in the mode asked for", name);
	is_int(exchange(21), 21, "%s: 21 datagrams went through", name);
	is_int(tu_get_u64(obj, "xdp_pkts"), 21, "%s: 21 datagrams counted", name);
	is_int(bl_link_detach(l), 0, "%s: detach", name);
	is_int(xdp_prog_on(ns_a, veth_a, NULL, 0), 0, "%s: the device has no XDP program", name);
	is_int(exchange(3), 3, "%s: traffic still flows", name);
	is_int(tu_get_u64(obj, "xdp_pkts"), 21, "%s: nothing counted after detach", name);
}

static void test_xdp(void)
{
	struct bl_xdp_opts nl = { .force_netlink = true, .flags = XDP_FLAGS_SKB_MODE };
	struct bl_error err = { 0 };
	struct bl_link *a, *b;

	xdp_round("xdp link", NULL, "via bpf_link", "xdp");
	is_int(tu_links_of(bl_program_id(p_xdp)), 0, "xdp link: no link left");
	xdp_round("xdp netlink", &nl, "via netlink (IFLA_XDP), skb (generic) mode", "xdpgeneric");

	a = bl_attach_xdp(bl_program_fd(p_xdp), if_nametoindex(veth_a), &nl, &err);
	b = bl_attach_xdp(bl_program_fd(p_xdp), if_nametoindex(veth_a), NULL, &err);
	ok(a && !b && (err.err == -EEXIST || err.err == -EBUSY),
	   "xdp: a link does not replace a netlink program");
	like(err.msg, "another XDP program", "xdp: the message says why (%s)", err.msg);
	b = bl_attach_xdp(bl_program_fd(p_xdp), if_nametoindex(veth_a), &nl, &err);
	ok(!b && (err.err == -EEXIST || err.err == -EBUSY),
	   "xdp: netlink does not replace another program either");
	bl_link_detach(a);
	bl_link_detach(b);
	is_int(xdp_prog_on(ns_a, veth_a, NULL, 0), 0, "xdp: nothing left on the device");
	b = bl_attach_xdp(bl_program_fd(p_xdp), 999999, NULL, &err);
	ok(!b && err.err == -ENODEV, "xdp: an unknown ifindex is -ENODEV");
	like(err.msg, "no device has ifindex 999999", "xdp: the message says so");
	bl_link_detach(b);
	b = bl_attach_tc(bl_program_fd(p_tc_in), 999999, false, NULL, &err);
	ok(!b && err.err == -ENODEV, "tc: an unknown ifindex is -ENODEV");
	bl_link_detach(b);
}

static int tcx_count(int ifindex, __u32 type)
{
	__u32 ids[8], cnt = 8;
	int ret = bl_sys_prog_query(ifindex, type, 0, NULL, ids, &cnt);

	return ret ? ret : (int)cnt;
}

static void test_tcx(void)
{
	struct bl_error err = { 0 };
	int ifindex = if_nametoindex(veth_a);
	struct bl_link *l;

	tu_set_u64(obj, "tc_in_pkts", 0);
	l = bl_attach_tc(bl_program_fd(p_tc_in), ifindex, false, NULL, &err);
	if (!ok(l != NULL, "tcx: attach ingress on %s", veth_a)) {
		tap_diag("%s", err.msg);
		return;
	}
	if (!strstr(bl_link_describe(l), "TCX")) {
		tap_skip("tcx: TCX link", "this kernel has no TCX (%s)", bl_link_describe(l));
	} else {
		ok(1, "tcx: %s", bl_link_describe(l));
		is_int(tcx_count(ifindex, BL_TCX_INGRESS), 1,
		       "tcx: the device lists one ingress program");
	}
	is_int(exchange(19), 19, "tcx: 19 datagrams went through");
	is_int(tu_get_u64(obj, "tc_in_pkts"), 19, "tcx: 19 datagrams counted");
	is_int(bl_link_detach(l), 0, "tcx: detach");
	is_int(tcx_count(ifindex, BL_TCX_INGRESS), 0, "tcx: the device lists no program");
	exchange(2);
	is_int(tu_get_u64(obj, "tc_in_pkts"), 19, "tcx: nothing counted after detach");
}

static bool has_clsact(const char *ns, const char *dev)
{
	char out[2048];

	return strstr(output(out, sizeof(out), "tc -n %s qdisc show dev %s", ns, dev), "clsact");
}

static int filters(const char *ns, const char *dev, const char *dir)
{
	char out[4096];
	int n = 0;

	output(out, sizeof(out), "tc -n %s filter show dev %s %s", ns, dev, dir);
	for (const char *p = out; (p = strstr(p, "bpfload")); p++)
		n++;
	return n;
}

static void test_tc_netlink(void)
{
	struct bl_tc_opts o = { .force_netlink = true };
	struct bl_error err = { 0 };
	int ifindex_a = if_nametoindex(veth_a), ifindex_b;
	struct bl_link *in, *out;

	tu_set_u64(obj, "tc_in_pkts", 0);
	tu_set_u64(obj, "tc_out_pkts", 0);
	ok(!has_clsact(ns_a, veth_a), "tc netlink: %s starts without clsact", veth_a);
	in = bl_attach_tc(bl_program_fd(p_tc_in), ifindex_a, false, &o, &err);
	if (!ok(in != NULL, "tc netlink: ingress filter on %s", veth_a)) {
		tap_diag("%s", err.msg);
		return;
	}
	like(bl_link_describe(in), "via netlink (clsact created, bpf filter pref",
	     "tc netlink: %s", bl_link_describe(in));
	ok(has_clsact(ns_a, veth_a), "tc netlink: the clsact qdisc exists");
	is_int(filters(ns_a, veth_a, "ingress"), 1, "tc netlink: tc shows our ingress filter");

	/* egress on the other end, attached from inside namespace B */
	enter(ns_fd_b);
	ifindex_b = if_nametoindex(veth_b);
	out = bl_attach_tc(bl_program_fd(p_tc_out), ifindex_b, true, &o, &err);
	enter(ns_fd_a);
	if (!ok(out != NULL, "tc netlink: egress filter on %s (namespace B)", veth_b))
		tap_diag("%s", err.msg);
	is_int(filters(ns_b, veth_b, "egress"), 1, "tc netlink: tc shows our egress filter");

	is_int(exchange(23), 23, "tc netlink: 23 datagrams went through");
	is_int(tu_get_u64(obj, "tc_in_pkts"), 23, "tc netlink: 23 counted on A's ingress");
	is_int(tu_get_u64(obj, "tc_out_pkts"), 23, "tc netlink: 23 counted on B's egress");
	is_int(bl_link_detach(in), 0, "tc netlink: detach ingress");
	is_int(bl_link_detach(out), 0, "tc netlink: detach egress while in namespace A");
	is_int(filters(ns_a, veth_a, "ingress"), 0, "tc netlink: no filter left on %s", veth_a);
	is_int(filters(ns_b, veth_b, "egress"), 0, "tc netlink: no filter left on %s", veth_b);
	ok(!has_clsact(ns_a, veth_a) && !has_clsact(ns_b, veth_b),
	   "tc netlink: the clsact qdiscs we created are gone");
	exchange(2);
	is_int(tu_get_u64(obj, "tc_in_pkts") + tu_get_u64(obj, "tc_out_pkts"), 46,
	       "tc netlink: nothing counted after detach");

	/* a clsact someone else made stays */
	run("tc -n %s qdisc add dev %s clsact", ns_a, veth_a);
	in = bl_attach_tc(bl_program_fd(p_tc_in), ifindex_a, false, &o, &err);
	ok(in && !strstr(bl_link_describe(in), "created"),
	   "tc netlink: an existing clsact is used");
	bl_link_detach(in);
	ok(has_clsact(ns_a, veth_a), "tc netlink: and left in place on detach");
	is_int(filters(ns_a, veth_a, "ingress"), 0, "tc netlink: our filter is gone");
	run("tc -n %s qdisc del dev %s clsact", ns_a, veth_a);
}

static void test_netdev(void)
{
	if (run("ip -V >/dev/null 2>&1") || run("tc -V >/dev/null 2>&1")) {
		tap_skip("xdp and tc", "the ip and tc commands (iproute2) are needed to build"
			 " the test network");
		return;
	}
	if (!ok(net_setup(), "net: namespaces %s and %s with a veth pair", ns_a, ns_b)) {
		net_cleanup();
		return;
	}
	test_xdp();
	test_tcx();
	test_tc_netlink();
	close(sock_tx);
	close(sock_rx);
	net_cleanup();
	ok(access("/var/run/netns/bpfload", F_OK) && open_ns(ns_a) < 0 && open_ns(ns_b) < 0,
	   "net: namespaces deleted");
}

int main(void)
{
	struct bl_error err = { 0 };
	__u32 ids[5];

	if (geteuid())
		tap_skip_all("needs root");
	port = 40000 + getpid() % 20000;
	atexit(net_cleanup);
	obj = bl_object_open(tu_obj_path("attach_net"), NULL, &err);
	if (!obj)
		tap_bail("cannot open attach_net.o: %s", err.msg);
	bl_object_set_global(obj, "target_port", &port, sizeof(port));
	if (bl_object_load(obj, NULL))
		tap_bail("cannot load attach_net.o: %s", bl_object_error(obj));
	p_sock = bl_object_find_program(obj, "sock_count");
	p_xdp = bl_object_find_program(obj, "xdp_udp");
	p_tc_in = bl_object_find_program(obj, "tc_in");
	p_tc_out = bl_object_find_program(obj, "tc_out");
	p_cg = bl_object_find_program(obj, "cg_egress");
	if (!p_sock || !p_xdp || !p_tc_in || !p_tc_out || !p_cg)
		tap_bail("attach_net.o lacks a program");
	ids[0] = bl_program_id(p_sock);
	ids[1] = bl_program_id(p_xdp);
	ids[2] = bl_program_id(p_tc_in);
	ids[3] = bl_program_id(p_tc_out);
	ids[4] = bl_program_id(p_cg);

	test_socket();
	test_cgroup();
	{
		struct bl_link *l = bl_program_attach(p_xdp, &err);

		ok(l == NULL && err.err == -EOPNOTSUPP, "section: xdp is refused from its name");
		like(err.msg, "bl_attach_xdp(", "section: the message names bl_attach_xdp");
		l = bl_program_attach(p_cg, &err);
		like(err.msg, "bl_attach_cgroup(", "section: cgroup names bl_attach_cgroup");
		l = bl_program_attach(p_tc_in, &err);
		like(err.msg, "bl_attach_tc(", "section: tc names bl_attach_tc");
		l = bl_program_attach(p_sock, &err);
		like(err.msg, "bl_attach_socket(", "section: socket names bl_attach_socket");
	}
	test_netdev();

	bl_object_close(obj);
	for (int i = 0; i < 5; i++) {
		is_int(tu_links_of(ids[i]), 0, "close: no link of program %u left", ids[i]);
		ok(tu_prog_gone(ids[i]), "close: program %u is gone", ids[i]);
	}
	return tap_done();
}
