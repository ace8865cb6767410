// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_lifecycle.c - open, load, use and close objects 200 times, and show
 * that nothing is left behind: not a fd of this process, not a program,
 * map or BTF object in the kernel.
 *
 * The mix: globals.o (target_pid set, a global read back), btf_maps.o
 * (with a pinned map under a private pin root: reused on one round,
 * removed on the next), subprogs.o (test-run), legacy_maps.o (test-run);
 * and now and then legacy_maps_ext.o (map-in-map with a temporary inner
 * template), an object opened but never loaded, and bad_prog.o, whose
 * failed load must clean up after itself too.
 *
 * How "nothing left" is shown, robustly even while other processes use
 * bpf() at the same time:
 *   - the fd count of this process is what it was;
 *   - every program, map and BTF id our objects reported is gone (the
 *     kernel frees objects after an RCU grace period, so this is retried
 *     for a few seconds before it fails);
 *   - then, among the programs and maps created since the test started
 *     (ids above the highest id seen before), none carries one of the
 *     kernel names our objects use: this catches objects the loader made
 *     without reporting them (inner map templates, failed loads);
 *   - the totals of programs, maps and BTF objects are back where they
 *     were, unless other processes demonstrably changed them meanwhile
 *     (then that check is skipped, saying so);
 *   - a control object left loaded is seen by the same checks.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpfload.h>
#include <bpfload/sys.h>
#include "tap.h"
#include "testutil.h"

#define ROUNDS 200
#define MAX_NAMES 128

static char pin_root[PATH_MAX];

/* every id our objects reported, per kind */
struct idset {
	__u32 *ids;
	size_t n, cap;
};
static struct idset seen[TU_NR_KINDS];

/* every kernel name our objects used */
static char names[MAX_NAMES][BPF_OBJ_NAME_LEN];
static int nr_names;

struct tally {
	int loads, load_fails, runs_ok, runs, globals_ok, pin_reused, bad_ok;
};

static void cleanup(void)
{
	tu_pin_root_remove(pin_root);
}

static void add_id(enum tu_kind kind, __u32 id)
{
	struct idset *s = &seen[kind];

	if (!id)
		return;
	for (size_t i = 0; i < s->n; i++)
		if (s->ids[i] == id)
			return;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		__u32 *n = realloc(s->ids, cap * sizeof(*n));

		if (!n)
			tap_bail("out of memory");
		s->ids = n;
		s->cap = cap;
	}
	s->ids[s->n++] = id;
}

static void add_name(const char *name)
{
	char k[BPF_OBJ_NAME_LEN];

	snprintf(k, sizeof(k), "%s", name);
	for (int i = 0; i < nr_names; i++)
		if (!strcmp(names[i], k))
			return;
	if (nr_names < MAX_NAMES)
		snprintf(names[nr_names++], sizeof(names[0]), "%s", k);
}

static bool our_name(const char *name)
{
	for (int i = 0; i < nr_names; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

/* Names of everything the object may create, ids of what it did. */
static void record(struct bl_object *obj)
{
	for (size_t i = 0; i < bl_object_program_count(obj); i++) {
		struct bl_program *p = bl_object_program(obj, i);

		add_name(bl_program_name(p));
		add_id(TU_PROG, bl_program_id(p));
	}
	for (size_t i = 0; i < bl_object_map_count(obj); i++) {
		struct bl_map *m = bl_object_map(obj, i);
		const struct bl_map *in = bl_map_inner(m);

		add_name(bl_map_kernel_name(m));
		if (in)
			add_name(bl_map_kernel_name(in));
		add_id(TU_MAP, bl_map_id(m));
	}
	add_id(TU_BTF, bl_object_btf_id(obj));
}

static struct bl_object *open_obj(const char *name)
{
	struct bl_error e = { 0 };
	struct bl_object *obj = bl_object_open(tu_obj_path(name), NULL, &e);

	if (!obj)
		tap_bail("cannot open %s: %s", tu_obj_path(name), e.msg);
	return obj;
}

static int load(struct bl_object *obj, struct tally *t, bool pin)
{
	struct bl_load_opts opts = { .pin_root = pin ? pin_root : NULL };
	int err = bl_object_load(obj, &opts);

	record(obj);
	if (err) {
		if (!t->load_fails++) {
			tap_diag("first unexpected load failure (%s):", bl_object_name(obj));
			tu_diag_lines(bl_object_error(obj));
		}
	} else {
		t->loads++;
	}
	return err;
}

static void run(struct bl_object *obj, const char *prog, __u32 want, struct tally *t)
{
	unsigned char pkt[64];
	__u32 ret = 0;
	struct bl_program *p = bl_object_find_program(obj, prog);

	tu_make_frame(pkt, sizeof(pkt), 17, false);
	t->runs++;
	if (p && !tu_test_run(bl_program_fd(p), pkt, sizeof(pkt), &ret) && ret == want)
		t->runs_ok++;
}

static void one_round(int i, struct tally *t)
{
	struct bl_object *obj = NULL;
	char path[PATH_MAX + 16];
	__u64 v;
	int pid = getpid();

	switch (i % 4) {
	case 0:
		obj = open_obj("globals");
		bl_object_set_global(obj, "target_pid", &pid, 4);
		if (!load(obj, t, false) && !bl_object_get_global(obj, "data_calls", &v, 8) &&
		    v == 100)
			t->globals_ok++;
		break;
	case 1:
		obj = open_obj("btf_maps");
		if (!load(obj, t, true)) {
			__u32 key = 0;

			/* the value left by the previous round, if the pin stayed */
			if (!bl_map_lookup(bl_object_find_map(obj, "pinned_cnt"), &key, &v) &&
			    v == (__u64)i - 4)
				t->pin_reused++;
			v = i;
			bl_map_update(bl_object_find_map(obj, "pinned_cnt"), &key, &v, BPF_ANY);
		}
		break;
	case 2:
		obj = open_obj("subprogs");
		if (!load(obj, t, false)) {
			run(obj, "sock_calls", 124, t);
			run(obj, "xdp_calls", 147, t);
		}
		break;
	case 3:
		obj = open_obj("legacy_maps");
		if (!load(obj, t, false))
			run(obj, "sock_len", 50, t);
		break;
	}
	bl_object_close(obj);
	/* the pin of btf_maps stays for the next btf_maps round every other time */
	if (i % 8 == 5) {
		snprintf(path, sizeof(path), "%s/pinned_cnt", pin_root);
		unlink(path);
	}

	if (i % 10 == 9) {
		obj = open_obj("bad_prog");
		record(obj);
		if (bl_object_load(obj, NULL) == -EACCES)
			t->bad_ok++;
		bl_object_close(obj);
	}
	if (i % 25 == 0) {
		obj = open_obj("legacy_maps_ext");
		load(obj, t, false);
		bl_object_close(obj);
		bl_object_close(open_obj("sock_xdp"));	/* opened, never loaded */
	}
}

/* Recorded ids that still exist, per kind (ids are walked, nothing is
 * opened).  Returns the total. */
static int recorded_left(bool verbose, int out[TU_NR_KINDS])
{
	int total = 0;

	for (int k = 0; k < TU_NR_KINDS; k++) {
		out[k] = 0;
		for (size_t i = 0; i < seen[k].n; i++) {
			if (tu_object_exists(k, seen[k].ids[i]) != 1)
				continue;
			out[k]++;
			if (verbose)
				tap_diag("  %s id %u still exists", tu_kind_name(k),
					 seen[k].ids[i]);
		}
		total += out[k];
	}
	return total;
}

/*
 * Programs or maps created since the start, not reported by the loader,
 * with one of our kernel names.  This opens each such object by id to
 * read its name, so it runs once, after recorded_left() found ours gone
 * (see tu_object_name()).
 */
static int unreported_left(const struct tu_counts *base, enum tu_kind k)
{
	static __u32 ids[4096];
	char name[BPF_OBJ_NAME_LEN];
	int n = tu_ids_above(k, base->max_id[k], ids, TU_ARRAY_SIZE(ids)), found = 0;

	for (int i = 0; i < n && i < (int)TU_ARRAY_SIZE(ids); i++) {
		bool recorded = false;

		for (size_t j = 0; j < seen[k].n && !recorded; j++)
			recorded = seen[k].ids[j] == ids[i];
		if (recorded || tu_object_name(k, ids[i], name, sizeof(name)) || !our_name(name))
			continue;
		found++;
		tap_diag("  %s id %u named '%s', not reported by the loader, exists",
			 tu_kind_name(k), ids[i], name);
	}
	return found;
}

int main(void)
{
	const char *why = tu_unavailable("btf_maps");
	struct tu_counts before, after;
	struct tally t = { 0 };
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	int fds, err, left[TU_NR_KINDS], tries;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (why)
		tap_skip_all("%s", why);
	err = tu_pin_root_create(pin_root, sizeof(pin_root), "lifecycle");
	if (err)
		tap_bail("cannot make a pin directory on bpffs: %s", strerror(-err));
	atexit(cleanup);

	fds = tu_count_fds();
	err = tu_count_objects(&before);
	if (err)
		tap_bail("cannot enumerate kernel objects: %s", strerror(-err));
	tap_diag("before: %u programs, %u maps, %u BTF, %u links; %d fds", before.n[TU_PROG],
		 before.n[TU_MAP], before.n[TU_BTF], before.n[TU_LINK], fds);

	for (int i = 0; i < ROUNDS; i++)
		one_round(i, &t);

	is_int(t.load_fails, 0, "%d rounds: no load failed", ROUNDS);
	ok(t.loads >= ROUNDS, "%d loads", t.loads);
	is_int(t.runs_ok, t.runs, "every test run gave the documented retval (%d runs)", t.runs);
	is_int(t.globals_ok, ROUNDS / 4, "globals.o: data_calls read back = 100 every time");
	is_int(t.pin_reused, ROUNDS / 8, "btf_maps.o: the pin kept by a round is reused by the next");
	is_int(t.bad_ok, ROUNDS / 10, "bad_prog.o: every load failed with EACCES");
	is_int(tu_pin_root_remove(pin_root), 0, "pins and pin directory removed");
	pin_root[0] = '\0';

	is_int(tu_count_fds(), fds, "fd count back to %d", fds);

	/* the kernel frees programs and maps after an RCU grace period */
	for (tries = 0; tries < 100 && recorded_left(false, left); tries++)
		nanosleep(&ts, NULL);
	if (recorded_left(true, left))
		tap_diag("still there after %d x 50 ms", tries);
	else
		tap_diag("all gone after %d x 50 ms", tries);
	is_int(left[TU_PROG], 0, "programs: none of the %zu loaded is left", seen[TU_PROG].n);
	is_int(left[TU_MAP], 0, "maps: none of the %zu created is left", seen[TU_MAP].n);
	is_int(left[TU_BTF], 0, "BTF: none of the %zu loaded is left", seen[TU_BTF].n);
	ok(seen[TU_PROG].n >= 200 && seen[TU_MAP].n >= 200 && seen[TU_BTF].n >= 100,
	   "ids recorded: %zu programs, %zu maps, %zu BTF", seen[TU_PROG].n, seen[TU_MAP].n,
	   seen[TU_BTF].n);
	is_int(unreported_left(&before, TU_PROG), 0,
	       "no program of ours the loader did not report");
	is_int(unreported_left(&before, TU_MAP), 0,
	       "no map of ours the loader did not report (inner templates, failed loads)");

	/* control: the same checks do see an object that is still loaded */
	{
		struct bl_object *obj = open_obj("sock_xdp");

		load(obj, &t, false);
		recorded_left(false, left);
		ok(left[TU_PROG] == 2 && left[TU_MAP] == 1 && left[TU_BTF] == 1,
		   "control: a loaded sock_xdp.o is seen (%d programs, %d map, %d BTF)",
		   left[TU_PROG], left[TU_MAP], left[TU_BTF]);
		bl_object_close(obj);
		for (tries = 0; tries < 100 && recorded_left(false, left); tries++)
			nanosleep(&ts, NULL);
		is_int(recorded_left(true, left), 0, "control: and gone after close");
		is_int(tu_count_fds(), fds, "fd count back to %d", fds);
	}

	/*
	 * The totals.  Other processes may create or free objects meanwhile:
	 * a difference is only a failure when no object we did not make
	 * appeared since the start and none of the old ones went away.
	 */
	if (tu_count_objects(&after))
		tap_bail("cannot enumerate kernel objects");
	tap_diag("after: %u programs, %u maps, %u BTF, %u links", after.n[TU_PROG],
		 after.n[TU_MAP], after.n[TU_BTF], after.n[TU_LINK]);
	for (int k = TU_PROG; k <= TU_BTF; k++) {
		__u32 dummy;
		int others = tu_ids_above(k, before.max_id[k], &dummy, 0);

		if (after.n[k] == before.n[k])
			ok(1, "%s count back to %u", tu_kind_name(k), before.n[k]);
		else if (others > 0 || after.n[k] < before.n[k])
			tap_skip("total count", "%s count %u, was %u: %d new ids of other"
				 " processes", tu_kind_name(k), after.n[k], before.n[k], others);
		else
			is_int(after.n[k], before.n[k], "%s count back", tu_kind_name(k));
	}
	for (int k = 0; k < TU_NR_KINDS; k++)
		free(seen[k].ids);
	return tap_done();
}
