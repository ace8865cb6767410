// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_test_run.c - run the loaded socket filter and XDP programs with
 * BPF_PROG_TEST_RUN and check their exact return values and map effects.
 *
 * A program that returns what its source says proves more than a load:
 * subprograms were appended and their calls fixed up (multi_prog.o's
 * sock_b, subprogs.o's three-deep calls and global function), the
 * bpf_loop callback was turned into a BPF_PSEUDO_FUNC load (subprogs.o's
 * xdp_calls), map fds were patched in the right instructions (the
 * per-CPU counter of sock_xdp.o, legacy_maps.o's counters, the map-in-map
 * of legacy_maps_ext.o).  Expected values come from the headers of
 * tests/objs/ *.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/sys.h>
#include "tap.h"
#include "testutil.h"

#define FRAME_LEN 64
#define MAX_CPUS 1024

static int ncpus;

static struct bl_object *load(const char *name)
{
	struct bl_error e = { 0 };
	struct bl_object *obj = bl_object_open(tu_obj_path(name), NULL, &e);

	if (!ok(obj != NULL, "%s: open", name)) {
		tap_diag("%s", e.msg);
		return NULL;
	}
	if (!is_int(bl_object_load(obj, NULL), 0, "%s: load", name)) {
		tu_diag_lines(bl_object_error(obj));
		bl_object_close(obj);
		return NULL;
	}
	return obj;
}

/* Run program name of obj once on data and check its return value. */
static void run_expect(struct bl_object *obj, const char *name, const void *data, __u32 size,
		       __u32 want, const char *what)
{
	struct bl_program *p = bl_object_find_program(obj, name);
	__u32 ret = ~0U;
	int err;

	if (!ok(p && bl_program_fd(p) >= 0, "%s: loaded", name))
		return;
	err = tu_test_run(bl_program_fd(p), data, size, &ret);
	if (!is_int(err, 0, "%s: BPF_PROG_TEST_RUN", name))
		return;
	is_int(ret, want, "%s: returns %u (%s)", name, want, what);
}

/* Sum of a per-CPU __u64 value over the possible CPUs; -1 on error. */
static long long percpu_sum(const struct bl_map *m, __u32 key)
{
	static __u64 vals[MAX_CPUS];
	long long sum = 0;

	if (ncpus <= 0 || ncpus > MAX_CPUS || bl_map_lookup(m, &key, vals))
		return -1;
	for (int i = 0; i < ncpus; i++)
		sum += vals[i];
	return sum;
}

static void test_sock_xdp(void)
{
	unsigned char udp[FRAME_LEN], tcp[FRAME_LEN], arp[FRAME_LEN], out[256];
	struct bl_test_run_opts o = { 0 };
	struct bl_object *obj = load("sock_xdp");
	struct bl_program *xdp;
	struct bl_map *cnt;
	const int n = 10, r = 25;
	__u32 ret;
	int fd, fails = 0;

	if (!obj)
		return;
	tu_make_frame(udp, sizeof(udp), 17, false);
	tu_make_frame(tcp, sizeof(tcp), 6, false);
	tu_make_frame(arp, sizeof(arp), 0, true);

	run_expect(obj, "sock_ipv4_len", udp, sizeof(udp), FRAME_LEN - 14,
		   "IPv4: skb->len = 64-byte frame less the Ethernet header");
	run_expect(obj, "sock_ipv4_len", arp, sizeof(arp), 0, "ARP: not IPv4, dropped");

	xdp = bl_object_find_program(obj, "xdp_count");
	cnt = bl_object_find_map(obj, "proto_count");
	if (!ok(xdp && cnt, "sock_xdp: xdp_count and proto_count"))
		goto out;
	fd = bl_program_fd(xdp);
	is_int(percpu_sum(cnt, 17), 0, "proto_count[17] starts at 0");
	for (int i = 0; i < n; i++) {
		ret = 0;
		if (tu_test_run(fd, udp, sizeof(udp), &ret) || ret != XDP_PASS)
			fails++;
	}
	is_int(fails, 0, "xdp_count: %d runs on a UDP frame, each XDP_PASS (2)", n);
	is_int(percpu_sum(cnt, 17), n, "proto_count[17] summed over %d CPUs = %d", ncpus, n);
	is_int(percpu_sum(cnt, 6), 0, "proto_count[6] = 0: no TCP yet");

	/* data_out: XDP_PASS gives the frame back as it was */
	o.data_in = tcp;
	o.data_size_in = sizeof(tcp);
	o.data_out = out;
	o.data_size_out = sizeof(out);
	o.repeat = r;
	is_int(bl_sys_prog_test_run(fd, &o), 0, "xdp_count: TCP frame, repeat %d", r);
	is_int(o.retval, XDP_PASS, "xdp_count: XDP_PASS");
	ok(o.data_size_out == sizeof(tcp) && !memcmp(out, tcp, sizeof(tcp)),
	   "xdp_count: data_out is the frame, unchanged (%u bytes)", o.data_size_out);
	is_int(percpu_sum(cnt, 6), r, "proto_count[6] = %d after repeat %d", r, r);
	is_int(percpu_sum(cnt, 17), n, "proto_count[17] still %d", n);

	/* a runt frame: too short for the IP header, not counted */
	ret = 0;
	is_int(tu_test_run(fd, udp, 20, &ret), 0, "xdp_count: 20-byte frame runs");
	is_int(ret, XDP_PASS, "xdp_count: 20-byte frame: XDP_PASS");
	ok(percpu_sum(cnt, 17) == n && percpu_sum(cnt, 6) == r,
	   "xdp_count: the runt frame is not counted");
out:
	bl_object_close(obj);
}

static void test_multi_prog(void)
{
	unsigned char pkt[FRAME_LEN];
	struct bl_object *obj = load("multi_prog");

	if (!obj)
		return;
	tu_make_frame(pkt, sizeof(pkt), 17, false);
	run_expect(obj, "xdp_drop", pkt, sizeof(pkt), XDP_DROP, "XDP_DROP");
	run_expect(obj, "xdp_pass", pkt, sizeof(pkt), XDP_PASS, "XDP_PASS");
	run_expect(obj, "xdp_tx", pkt, sizeof(pkt), XDP_TX, "XDP_TX = 1 + 2");
	run_expect(obj, "sock_a", pkt, sizeof(pkt), 11, "constant");
	run_expect(obj, "sock_b", pkt, sizeof(pkt), 22, "times_two(11), a .text call");
	bl_object_close(obj);
}

static void test_subprogs(void)
{
	unsigned char pkt[FRAME_LEN];
	struct bl_object *obj = load("subprogs");

	if (!obj)
		return;
	tu_make_frame(pkt, sizeof(pkt), 17, false);
	run_expect(obj, "sock_calls", pkt, sizeof(pkt), 124,
		   "sub_top(1) + sub_global(2) = 22 + 102: three-deep calls and a global");
	run_expect(obj, "xdp_calls", pkt, sizeof(pkt), 147,
		   "sub_top(2) + sub_global(3) + bpf_loop sum 0..4 = 34 + 103 + 10");
	bl_object_close(obj);
}

static void test_legacy(void)
{
	unsigned char pkt[FRAME_LEN];
	struct bl_object *obj = load("legacy_maps");
	struct bl_program *p;
	struct bl_map *counters;
	__u32 key = 1, ret;
	__u64 val = 0;
	int fails = 0;

	if (!obj)
		return;
	tu_make_frame(pkt, sizeof(pkt), 17, false);
	run_expect(obj, "sock_len", pkt, sizeof(pkt), FRAME_LEN - 14,
		   "skb->len: the frame less the Ethernet header");
	p = bl_object_find_program(obj, "sock_len");
	for (int i = 0; i < 2 && p; i++)
		if (tu_test_run(bl_program_fd(p), pkt, sizeof(pkt), &ret) || ret != FRAME_LEN - 14)
			fails++;
	is_int(fails, 0, "sock_len: two more runs");
	counters = bl_object_find_map(obj, "counters");
	ok(counters && bl_map_lookup(counters, &key, &val) == 0,
	   "legacy_maps: counters[1] readable");
	is_int(val, 3 * (FRAME_LEN - 14), "legacy_maps: counters[1] = 3 runs x %d bytes",
	       FRAME_LEN - 14);
	key = 0;
	val = ~0ULL;
	ok(bl_map_lookup(counters, &key, &val) == 0 && val == 0,
	   "legacy_maps: counters[0] (the tracepoint's) untouched");
	bl_object_close(obj);
}

static void test_legacy_ext(void)
{
	unsigned char pkt[FRAME_LEN];
	struct bl_object *obj = load("legacy_maps_ext");
	struct bl_map *outer, *inner, *numa;
	__u32 key = 0, runs = 0;
	__u64 v = 77;
	int ifd;

	if (!obj)
		return;
	tu_make_frame(pkt, sizeof(pkt), 17, false);
	run_expect(obj, "read_inner", pkt, sizeof(pkt), 1, "slot 0 of outer_arr is empty");
	outer = bl_object_find_map(obj, "outer_arr");
	inner = bl_object_find_map(obj, "inner_tmpl");
	numa = bl_object_find_map(obj, "numa_hash");
	ifd = bl_map_fd(inner);
	ok(bl_map_update(inner, &key, &v, BPF_ANY) == 0 &&
	   bl_map_update(outer, &key, &ifd, BPF_ANY) == 0,
	   "legacy_maps_ext: inner_tmpl[0] = 77, outer_arr[0] = inner_tmpl");
	run_expect(obj, "read_inner", pkt, sizeof(pkt), 77, "outer_arr[0][0]");
	bl_map_lookup(numa, &key, &runs);
	is_int(runs, 2, "legacy_maps_ext: numa_hash[0] counted 2 runs");
	bl_object_close(obj);
}

static void test_bad_prog_good(void)
{
	unsigned char pkt[FRAME_LEN];
	struct bl_error e = { 0 };
	struct bl_object *obj = bl_object_open(tu_obj_path("bad_prog"), NULL, &e);
	struct bl_map *vals;
	__u32 key = 0;
	__u64 v = 41;

	if (!ok(obj != NULL, "bad_prog: open"))
		return;
	bl_program_set_autoload(bl_object_find_program(obj, "bad_deref"), false);
	if (!is_int(bl_object_load(obj, NULL), 0, "bad_prog: load good_deref alone")) {
		tu_diag_lines(bl_object_error(obj));
		bl_object_close(obj);
		return;
	}
	tu_make_frame(pkt, sizeof(pkt), 17, false);
	run_expect(obj, "good_deref", pkt, sizeof(pkt), 0, "empty map");
	vals = bl_object_find_map(obj, "vals");
	ok(bl_map_update(vals, &key, &v, BPF_ANY) == 0, "bad_prog: vals[0] = 41");
	run_expect(obj, "good_deref", pkt, sizeof(pkt), 42, "vals[0] + 1");
	bl_object_close(obj);
}

int main(void)
{
	const char *why = tu_unavailable("sock_xdp");
	int fds;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (why)
		tap_skip_all("%s", why);
	ncpus = tu_possible_cpus();
	if (ncpus <= 0 || ncpus > MAX_CPUS)
		tap_bail("cannot read the number of possible CPUs (%d)", ncpus);
	fds = tu_count_fds();

	test_sock_xdp();
	test_multi_prog();
	test_subprogs();
	test_legacy();
	test_legacy_ext();
	test_bad_prog_good();

	is_int(tu_count_fds(), fds, "every fd closed");
	return tap_done();
}
