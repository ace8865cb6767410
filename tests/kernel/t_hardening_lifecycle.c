// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_hardening_lifecycle.c - 1000 open/load/attach/detach/close cycles
 * across program types leave nothing behind: not a fd of this process,
 * not a program, map, BTF object or link in the kernel, not a tracefs
 * probe event.
 *
 * Every cycle opens hard_cycle.o, sets target_tgid, loads its six
 * programs and maps, attaches one or more of them, detaches and closes:
 *
 *   socket     SO_ATTACH_BPF on a UDP socket                  every cycle
 *   xdp        bpf link on a veth device                      cheap
 *   cgroup     cgroup_skb/ingress bpf link on a cgroup        cheap
 *   tp         tracepoint (perf event + bpf link)             costly
 *   raw_tp     BPF_RAW_TRACEPOINT_OPEN                        costly
 *   uprobe     uprobe PMU (perf event + bpf link)             costly
 *   legacy     tracefs uprobe_events event + perf event       costly
 *
 * "Costly" kinds make the kernel wait for RCU grace periods on detach
 * (measured here: about 40 ms for a tracepoint, 60-65 ms for a uprobe,
 * against 0.01-3 ms for the others), so only every fourth cycle attaches
 * one costly kind (in turn) and every twentieth all seven at once,
 * detached in parallel by bl_links_detach() and bl_object_close(); the
 * other cycles detach link by link with bl_link_detach() before
 * closing.  1000 cycles then take about 25 s instead of over a minute,
 * and each costly kind still goes through more than 100 cycles.  Every 25th cycle checks
 * that each attached kind fires (a getpid(), a datagram to ourselves
 * through the socket and the cgroup, a frame sent on the veth peer, a
 * call of the probed function).
 *
 * The test process moves itself into a network namespace of its own
 * (lo and a veth pair, nothing of the host's) and into a cgroup it
 * creates, and moves back at the end.
 *
 * Nothing left is shown as in t_lifecycle: the fd count; every program,
 * map, BTF and link id the cycles made is gone (after the kernel's RCU
 * delay); the totals are back unless other processes changed them;
 * no uprobe_events line names this process.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include <bpfload.h>
#include <bpfload/attach.h>
#include <bpfload/sys.h>
#include "tap.h"
#include "testutil.h"

#define CYCLES		1000
#define VETH_A		"hlc0"
#define VETH_B		"hlc1"
#define PORT		47111

enum kind { K_SOCK, K_XDP, K_CGROUP, K_TP, K_RAW, K_UPROBE, K_LEGACY, NR_KINDS };

static const char *const kind_names[NR_KINDS] = {
	"socket", "xdp", "cgroup_skb", "tracepoint", "raw_tp", "uprobe PMU",
	"uprobe legacy",
};
static const char *const kind_progs[NR_KINDS] = {
	"cy_sock", "cy_xdp", "cy_cgskb", "cy_tp", "cy_raw", "cy_uprobe", "cy_uprobe",
};
/* the hits[] slot each kind's program counts in */
static const int kind_slot[NR_KINDS] = { 2, 3, 4, 0, 1, 5, 5 };

static int udp_fd = -1, pkt_fd = -1, veth_b_ifindex;
static char cg_dir[PATH_MAX], cg_home[PATH_MAX];
static bool have_veth, have_cgroup;

struct stats {
	int attached[NR_KINDS], fired[NR_KINDS], checked[NR_KINDS], failed[NR_KINDS];
	double detach_ms[NR_KINDS], parallel_ms;
	int detached[NR_KINDS], loads, load_fails, parallel_closes;
};

/* every id the cycles reported, per kind */
struct idset {
	__u32 *ids;
	size_t n, cap;
};
static struct idset seen[TU_NR_KINDS];

static void add_id(enum tu_kind k, __u32 id)
{
	struct idset *s = &seen[k];

	if (!id)
		return;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		__u32 *v = realloc(s->ids, cap * sizeof(*v));

		if (!v)
			tap_bail("out of memory");
		s->ids = v;
		s->cap = cap;
	}
	s->ids[s->n++] = id;
}

static bool recorded(enum tu_kind k, __u32 id)
{
	for (size_t i = 0; i < seen[k].n; i++)
		if (seen[k].ids[i] == id)
			return true;
	return false;
}

/* ---- the probed function ------------------------------------------------------ */

long hard_lifecycle_target(long x);

__attribute__((noinline, noipa)) long hard_lifecycle_target(long x)
{
	return x + 1;
}

/* ---- environment ------------------------------------------------------------------ */

static int run(const char *cmd)
{
	int st = system(cmd);

	return st == 0 ? 0 : -1;
}

static void setup_net(void)
{
	if (unshare(CLONE_NEWNET))
		tap_bail("unshare(CLONE_NEWNET): %s", strerror(errno));
	if (run("ip link set lo up"))
		tap_bail("cannot bring lo up in the new network namespace");
	have_veth = !run("ip link add " VETH_A " type veth peer name " VETH_B " 2>/dev/null") &&
		    !run("ip link set " VETH_A " up") && !run("ip link set " VETH_B " up");
	veth_b_ifindex = have_veth ? (int)if_nametoindex(VETH_B) : 0;
	if (!veth_b_ifindex)
		have_veth = false;
}

/* After setup_cgroup(): a socket belongs to the cgroup it was made in. */
static void setup_sockets(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(PORT),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	udp_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (udp_fd < 0 || bind(udp_fd, (struct sockaddr *)&a, sizeof(a)))
		tap_bail("UDP socket on 127.0.0.1:%d: %s", PORT, strerror(errno));
	if (have_veth)
		pkt_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
}

static const char *cgroup2_root(void)
{
	static const char *const roots[] = { "/sys/fs/cgroup/unified", "/sys/fs/cgroup" };
	char path[PATH_MAX];

	for (size_t i = 0; i < TU_ARRAY_SIZE(roots); i++) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", roots[i]);
		if (!access(path, W_OK))
			return roots[i];
	}
	return NULL;
}

static int write_pid(const char *dir)
{
	char path[PATH_MAX + 16], buf[32];
	int fd, n, ret = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write(fd, buf, n) != n)
		ret = -errno;
	close(fd);
	return ret;
}

/* Our cgroup v2 path from /proc/self/cgroup ("0::/some/path"). */
static bool cgroup_of_self(const char *root, char *out, size_t len)
{
	FILE *f = fopen("/proc/self/cgroup", "r");
	char line[PATH_MAX];
	bool found = false;

	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(out, len, "%s%s", root, line + 3);
		found = true;
	}
	if (f)
		fclose(f);
	return found;
}

static void setup_cgroup(void)
{
	const char *root = cgroup2_root();

	if (!root || !cgroup_of_self(root, cg_home, sizeof(cg_home)))
		return;
	snprintf(cg_dir, sizeof(cg_dir), "%s/bpfload-lifecycle-%d", root, (int)getpid());
	if (mkdir(cg_dir, 0755)) {
		cg_dir[0] = '\0';
		return;
	}
	if (write_pid(cg_dir)) {
		rmdir(cg_dir);
		cg_dir[0] = '\0';
		return;
	}
	have_cgroup = true;
}

static void teardown(void)
{
	if (have_cgroup) {
		write_pid(cg_home);
		rmdir(cg_dir);
		have_cgroup = false;
	}
}

/* ---- making things fire ------------------------------------------------------------ */

static void send_self(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(PORT),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	char buf[64];
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return;
	sendto(s, "lifecycle", 9, 0, (struct sockaddr *)&a, sizeof(a));
	close(s);
	usleep(1000);
	while (recv(udp_fd, buf, sizeof(buf), 0) > 0)
		;
}

/* A frame out of VETH_A arrives on VETH_B, where the XDP program sits. */
static void send_frame(void)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_halen = ETH_ALEN };
	unsigned char frame[64];

	if (pkt_fd < 0)
		return;
	ll.sll_ifindex = (int)if_nametoindex(VETH_A);
	memset(ll.sll_addr, 0xff, ETH_ALEN);
	tu_make_frame(frame, sizeof(frame), 17, false);
	memset(frame, 0xff, ETH_ALEN);	/* broadcast */
	sendto(pkt_fd, frame, sizeof(frame), 0, (struct sockaddr *)&ll, sizeof(ll));
	usleep(1000);
}

static void trigger(enum kind k)
{
	switch (k) {
	case K_SOCK:
	case K_CGROUP:
		send_self();
		break;
	case K_XDP:
		send_frame();
		break;
	case K_TP:
	case K_RAW:
		tu_do_getpid(3);
		break;
	case K_UPROBE:
	case K_LEGACY:
		hard_lifecycle_target(1);
		break;
	default:
		break;
	}
}

static __u64 hits(struct bl_object *obj, int slot)
{
	size_t size = 0;
	__u64 *h = bl_map_data(bl_object_find_map(obj, ".bss"), &size);
	__u64 v[8] = { 0 };
	__u32 key = 0;

	if (h && size >= sizeof(v))
		return h[slot];
	if (bl_map_lookup(bl_object_find_map(obj, ".bss"), &key, v))
		return 0;
	return v[slot];
}

/* ---- attaching ------------------------------------------------------------------------ */

static struct bl_link *attach(struct bl_object *obj, enum kind k, struct bl_error *e)
{
	struct bl_program *p = bl_object_find_program(obj, kind_progs[k]);
	int fd = bl_program_fd(p);

	switch (k) {
	case K_SOCK:
		return bl_attach_socket(fd, udp_fd, e);
	case K_XDP: {
		struct bl_xdp_opts o = { .flags = 0 };

		return bl_attach_xdp(fd, veth_b_ifindex, &o, e);
	}
	case K_CGROUP:
		return bl_attach_cgroup(fd, cg_dir, bl_program_expected_attach_type(p), NULL, e);
	case K_TP:
		return bl_program_attach(p, e);
	case K_RAW:
		return bl_program_attach(p, e);
	case K_UPROBE:
		return bl_attach_uprobe(fd, "/proc/self/exe", "hard_lifecycle_target", 0, false, 0,
					NULL, e);
	case K_LEGACY: {
		struct bl_uprobe_opts o = { .force_legacy = true };

		return bl_attach_uprobe(fd, "/proc/self/exe", "hard_lifecycle_target", 0, false, 0,
					&o, e);
	}
	default:
		return NULL;
	}
}

static bool available(enum kind k)
{
	if (k == K_XDP)
		return have_veth;
	if (k == K_CGROUP)
		return have_cgroup;
	return true;
}

/* The link ids a link holds (bpf links only). */
static void record_link(struct bl_link *l)
{
	for (size_t i = 0; i < bl_link_fd_count(l); i++) {
		struct bpf_link_info info;

		if (!tu_link_info(bl_link_fd_at(l, i), &info))
			add_id(TU_LINK, info.id);
	}
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void one_cycle(int i, struct stats *st)
{
	static const enum kind costly[] = { K_TP, K_RAW, K_UPROBE, K_LEGACY };
	struct bl_link *links[NR_KINDS] = { 0 };
	enum kind kinds[NR_KINDS];
	struct bl_error e = { 0 };
	struct bl_object *obj;
	bool all = i % 20 == 0, check = i % 25 == 0;
	__u64 before[NR_KINDS];
	int n = 0, pid = getpid();

	if (all) {
		for (int k = 0; k < NR_KINDS; k++)
			kinds[n++] = k;
	} else {
		kinds[n++] = K_SOCK;
		kinds[n++] = i % 4 < 2 ? K_XDP : K_CGROUP;
		if (i % 4 == 1)
			kinds[n++] = costly[(i / 4) % TU_ARRAY_SIZE(costly)];
	}

	obj = bl_object_open(tu_obj_path("hard_cycle"), NULL, &e);
	if (!obj)
		tap_bail("cannot open hard_cycle.o: %s", e.msg);
	bl_object_set_global(obj, "target_tgid", &pid, sizeof(pid));
	if (bl_object_load(obj, NULL)) {
		if (!st->load_fails++)
			tu_diag_lines(bl_object_error(obj));
		bl_object_close(obj);
		return;
	}
	st->loads++;
	for (size_t j = 0; j < bl_object_program_count(obj); j++)
		add_id(TU_PROG, bl_program_id(bl_object_program(obj, j)));
	for (size_t j = 0; j < bl_object_map_count(obj); j++)
		add_id(TU_MAP, bl_map_id(bl_object_map(obj, j)));
	add_id(TU_BTF, bl_object_btf_id(obj));

	for (int j = 0; j < n; j++) {
		enum kind k = kinds[j];

		if (k >= NR_KINDS || !available(k))
			continue;
		links[k] = attach(obj, k, &e);
		if (!links[k]) {
			if (!st->failed[k]++)
				tap_diag("%s: attach failed: %s", kind_names[k], e.msg);
			continue;
		}
		st->attached[k]++;
		record_link(links[k]);
		before[k] = hits(obj, kind_slot[k]);
	}
	if (check) {
		for (int k = 0; k < NR_KINDS; k++) {
			if (!links[k])
				continue;
			st->checked[k]++;
			trigger(k);
			if (hits(obj, kind_slot[k]) > before[k])
				st->fired[k]++;
		}
	}
	if (all) {
		/* bl_link_detach() for those we own; the object's own links
		 * (tp, raw_tp from the section name) go with the object */
		struct bl_link *mine[NR_KINDS];
		size_t m = 0;
		double t0 = now_ms();

		for (int k = 0; k < NR_KINDS; k++)
			if (links[k] && k != K_TP && k != K_RAW)
				mine[m++] = links[k];
		bl_links_detach(mine, m);
		bl_object_close(obj);
		st->parallel_closes++;
		st->parallel_ms += now_ms() - t0;
		return;
	}
	for (int k = 0; k < NR_KINDS; k++) {
		double t0;

		if (!links[k])
			continue;
		t0 = now_ms();
		bl_link_detach(links[k]);
		st->detach_ms[k] += now_ms() - t0;
		st->detached[k]++;
	}
	bl_object_close(obj);
}

/* ---- what is left -------------------------------------------------------------------------- */

/* Recorded ids of kind k that exist now (ids above the start only). */
static int left_of(enum tu_kind k, const struct tu_counts *base, bool verbose)
{
	static __u32 ids[65536];
	int n = tu_ids_above(k, base->max_id[k], ids, TU_ARRAY_SIZE(ids)), left = 0;

	for (int i = 0; i < n && i < (int)TU_ARRAY_SIZE(ids); i++) {
		if (!recorded(k, ids[i]))
			continue;
		left++;
		if (verbose && left <= 10)
			tap_diag("  %s id %u still exists", tu_kind_name(k), ids[i]);
	}
	return left;
}

int main(void)
{
	const char *why = tu_bpf_unavailable();
	struct tu_counts base, after;
	struct stats st = { 0 };
	double t0, secs;
	int fds, left[TU_NR_KINDS], tries, total;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (why)
		tap_skip_all("%s", why);
	if (access(tu_obj_path("hard_cycle"), R_OK))
		tap_skip_all("%s not built: run make", tu_obj_path("hard_cycle"));
	if (tu_ensure_tracefs())
		tap_skip_all("tracefs cannot be mounted at " TU_TRACEFS);
	if (access("/sys/bus/event_source/devices/uprobe/type", F_OK))
		tap_skip_all("no uprobe PMU in this kernel");
	setup_net();
	setup_cgroup();
	atexit(teardown);
	setup_sockets();
	if (!have_veth)
		tap_diag("no veth pair (ip link add ... type veth failed): XDP is left out");
	if (!have_cgroup)
		tap_diag("no cgroup v2 directory could be made: cgroup_skb is left out");

	fds = tu_count_fds();
	if (tu_count_objects(&base))
		tap_bail("cannot enumerate kernel objects");
	tap_diag("before: %u programs, %u maps, %u BTF, %u links; %d fds", base.n[TU_PROG],
		 base.n[TU_MAP], base.n[TU_BTF], base.n[TU_LINK], fds);

	t0 = now_ms();
	for (int i = 0; i < CYCLES; i++)
		one_cycle(i, &st);
	secs = (now_ms() - t0) / 1e3;
	tap_diag("%d cycles in %.1f s", CYCLES, secs);

	is_int(st.load_fails, 0, "%d cycles: every load worked", CYCLES);
	for (int k = 0; k < NR_KINDS; k++) {
		if (!available(k)) {
			tap_skip(kind_names[k], "not available here (see above)");
			continue;
		}
		ok(st.attached[k] > 0 && !st.failed[k], "%s: attached and detached %d times,"
		   " no attach failed (%d)", kind_names[k], st.attached[k], st.failed[k]);
		is_int(st.fired[k], st.checked[k], "%s: fired each of the %d times it was checked",
		       kind_names[k], st.checked[k]);
		if (st.detached[k])
			tap_diag("  %s: %d bl_link_detach(), %.2f ms each", kind_names[k],
				 st.detached[k], st.detach_ms[k] / st.detached[k]);
	}
	tap_diag("  all seven at once, detached by bl_links_detach() + bl_object_close():"
		 " %d times, %.1f ms each", st.parallel_closes, st.parallel_ms /
		 (st.parallel_closes ? st.parallel_closes : 1));

	is_int(tu_count_fds(), fds, "fd count back to %d", fds);
	is_int(tu_events_of(getpid()), 0, "no uprobe_events line of this process is left");

	for (tries = 0; tries < 100; tries++) {
		total = 0;
		for (int k = 0; k < TU_NR_KINDS; k++)
			total += left[k] = left_of(k, &base, false);
		if (!total)
			break;
		usleep(50 * 1000);
	}
	tap_diag("ids recorded: %zu programs, %zu maps, %zu BTF, %zu links; checked after"
		 " %d x 50 ms", seen[TU_PROG].n, seen[TU_MAP].n, seen[TU_BTF].n, seen[TU_LINK].n,
		 tries);
	for (int k = 0; k < TU_NR_KINDS; k++) {
		if (left[k])
			left_of(k, &base, true);
		is_int(left[k], 0, "%s: none of the %zu made is left", tu_kind_name(k),
		       seen[k].n);
	}
	ok(seen[TU_PROG].n >= 6 * CYCLES && seen[TU_LINK].n >= CYCLES / 2,
	   "the cycles made %zu programs and %zu bpf links", seen[TU_PROG].n, seen[TU_LINK].n);

	if (tu_count_objects(&after))
		tap_bail("cannot enumerate kernel objects");
	tap_diag("after: %u programs, %u maps, %u BTF, %u links", after.n[TU_PROG],
		 after.n[TU_MAP], after.n[TU_BTF], after.n[TU_LINK]);
	for (int k = 0; k < TU_NR_KINDS; k++) {
		__u32 dummy;
		int others = tu_ids_above(k, base.max_id[k], &dummy, 0) - left_of(k, &base, false);

		if (after.n[k] == base.n[k])
			ok(1, "%s count back to %u", tu_kind_name(k), base.n[k]);
		else if (others > 0 || after.n[k] < base.n[k])
			tap_skip("total count", "%s count %u, was %u: %d new ids of other"
				 " processes", tu_kind_name(k), after.n[k], base.n[k], others);
		else
			is_int(after.n[k], base.n[k], "%s count back", tu_kind_name(k));
	}
	teardown();
	for (int k = 0; k < TU_NR_KINDS; k++)
		free(seen[k].ids);
	if (udp_fd >= 0)
		close(udp_fd);
	if (pkt_fd >= 0)
		close(pkt_fd);
	return tap_done();
}
