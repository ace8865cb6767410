// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_sections.c - from a program's section name to program type,
 * expected attach type and attach target (loader/object/sections.c).
 *
 * Three parts:
 *  - the names of tests/objs/sections.c and many more, each with the
 *    program type, expected attach type, target, kind, attach method and
 *    flags the libbpf convention gives it;
 *  - unknown names, which give no definition and an empty target;
 *  - properties of the whole table: every entry is reachable (no earlier
 *    entry shadows it), "PREFIX/x" keeps its entry unless a more specific
 *    one exists, the legacy "socket1" style works exactly for the entries
 *    marked BL_SEC_F_LEGACY_NUM, and every type has a name.
 */
#include <bpfload.h>
#include <bpfload/sys.h>
#include "object/object.h"

#include "tap.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define P BL_SEC_F_PREFIX
#define S BL_SEC_F_SLEEPABLE
#define B BL_SEC_F_BTF_TARGET
#define F BL_SEC_F_XDP_FRAGS
#define L BL_SEC_F_LEGACY_NUM
#define T(x) BPF_PROG_TYPE_##x
#define A(x) BL_ATTACH_##x

struct sec_exp {
	const char *name;
	enum bpf_prog_type type;
	__u32 eat;
	const char *target;
	const char *kind;
	enum bl_attach_kind attach;
	__u32 flags;		/* the flags that must be set (of S, B, F) */
};

static const struct sec_exp known[] = {
	/* kprobes, uprobes */
	{ "kprobe/sys_write", T(KPROBE), 0, "sys_write", "kprobe", A(KPROBE), 0 },
	{ "kprobe/do_sys_openat2", T(KPROBE), 0, "do_sys_openat2", "kprobe", A(KPROBE), 0 },
	{ "kretprobe/do_sys_openat2", T(KPROBE), 0, "do_sys_openat2", "kretprobe",
	  A(KRETPROBE), 0 },
	{ "kprobe/", T(KPROBE), 0, "", "kprobe", A(KPROBE), 0 },
	{ "ksyscall/write", T(KPROBE), 0, "write", "ksyscall", A(KPROBE), 0 },
	{ "kretsyscall/write", T(KPROBE), 0, "write", "kretsyscall", A(KRETPROBE), 0 },
	{ "kprobe.multi/tcp_*", T(KPROBE), BPF_TRACE_KPROBE_MULTI, "tcp_*", "kprobe.multi",
	  A(NONE), 0 },
	{ "kretprobe.multi/tcp_*", T(KPROBE), BPF_TRACE_KPROBE_MULTI, "tcp_*",
	  "kretprobe.multi", A(NONE), 0 },
	{ "uprobe.multi//bin/bash:read*", T(KPROBE), BL_TRACE_UPROBE_MULTI, "/bin/bash:read*",
	  "uprobe.multi", A(NONE), 0 },
	{ "uretprobe.multi//bin/bash:read*", T(KPROBE), BL_TRACE_UPROBE_MULTI,
	  "/bin/bash:read*", "uretprobe.multi", A(NONE), 0 },
	{ "uprobe//bin/bash:readline", T(KPROBE), 0, "/bin/bash:readline", "uprobe",
	  A(UPROBE), 0 },
	{ "uretprobe//bin/bash:readline", T(KPROBE), 0, "/bin/bash:readline", "uretprobe",
	  A(URETPROBE), 0 },
	{ "uprobe.s//bin/bash:readline", T(KPROBE), 0, "/bin/bash:readline", "uprobe",
	  A(UPROBE), S },
	{ "uretprobe.s//bin/bash:readline", T(KPROBE), 0, "/bin/bash:readline", "uretprobe",
	  A(URETPROBE), S },
	{ "uprobe", T(KPROBE), 0, "", "uprobe", A(UPROBE), 0 },
	{ "uretprobe", T(KPROBE), 0, "", "uretprobe", A(URETPROBE), 0 },

	/* tracepoints */
	{ "tracepoint/syscalls/sys_enter_openat", T(TRACEPOINT), 0, "syscalls/sys_enter_openat",
	  "tracepoint", A(TRACEPOINT), 0 },
	{ "tp/sched/sched_process_exec", T(TRACEPOINT), 0, "sched/sched_process_exec",
	  "tracepoint", A(TRACEPOINT), 0 },
	{ "raw_tracepoint/sys_enter", T(RAW_TRACEPOINT), 0, "sys_enter", "raw_tracepoint",
	  A(RAW_TRACEPOINT), 0 },
	{ "raw_tp/sched_switch", T(RAW_TRACEPOINT), 0, "sched_switch", "raw_tracepoint",
	  A(RAW_TRACEPOINT), 0 },
	{ "raw_tracepoint.w/bpf_test_finish", T(RAW_TRACEPOINT_WRITABLE), 0, "bpf_test_finish",
	  "raw_tracepoint.w", A(RAW_TRACEPOINT), 0 },
	{ "raw_tp.w/bpf_test_finish", T(RAW_TRACEPOINT_WRITABLE), 0, "bpf_test_finish",
	  "raw_tracepoint.w", A(RAW_TRACEPOINT), 0 },

	/* BTF-typed tracing */
	{ "tp_btf/sched_switch", T(TRACING), BPF_TRACE_RAW_TP, "sched_switch", "tp_btf",
	  A(TRACING), B },
	{ "fentry/do_unlinkat", T(TRACING), BPF_TRACE_FENTRY, "do_unlinkat", "fentry",
	  A(TRACING), B },
	{ "fexit/do_unlinkat", T(TRACING), BPF_TRACE_FEXIT, "do_unlinkat", "fexit", A(TRACING),
	  B },
	{ "fmod_ret/security_file_open", T(TRACING), BPF_MODIFY_RETURN, "security_file_open",
	  "fmod_ret", A(TRACING), B },
	{ "fentry.s/do_unlinkat", T(TRACING), BPF_TRACE_FENTRY, "do_unlinkat", "fentry",
	  A(TRACING), B | S },
	{ "fexit.s/do_unlinkat", T(TRACING), BPF_TRACE_FEXIT, "do_unlinkat", "fexit",
	  A(TRACING), B | S },
	{ "fmod_ret.s/security_file_open", T(TRACING), BPF_MODIFY_RETURN, "security_file_open",
	  "fmod_ret", A(TRACING), B | S },
	{ "lsm/file_open", T(LSM), BPF_LSM_MAC, "file_open", "lsm", A(TRACING), B },
	{ "lsm.s/file_open", T(LSM), BPF_LSM_MAC, "file_open", "lsm", A(TRACING), B | S },
	{ "lsm_cgroup/socket_bind", T(LSM), BPF_LSM_CGROUP, "socket_bind", "lsm_cgroup",
	  A(NONE), B },
	{ "iter/task", T(TRACING), BPF_TRACE_ITER, "task", "iter", A(TRACING), B },
	{ "iter.s/task_file", T(TRACING), BPF_TRACE_ITER, "task_file", "iter", A(TRACING),
	  B | S },
	{ "freplace/handler", T(EXT), 0, "handler", "freplace", A(NONE), 0 },
	{ "struct_ops/tcp_init", T(STRUCT_OPS), 0, "tcp_init", "struct_ops", A(NONE), 0 },
	{ "struct_ops.s/tcp_init", T(STRUCT_OPS), 0, "tcp_init", "struct_ops", A(NONE), S },

	/* sampling, sockets, XDP, tc */
	{ "perf_event", T(PERF_EVENT), 0, "", "perf_event", A(PERF_EVENT), 0 },
	{ "perf_event_cycles", T(PERF_EVENT), 0, "", "perf_event", A(PERF_EVENT), 0 },
	{ "socket", T(SOCKET_FILTER), 0, "", "socket", A(SOCKET), 0 },
	{ "socket1", T(SOCKET_FILTER), 0, "", "socket", A(SOCKET), 0 },
	{ "socket_filter_v2", T(SOCKET_FILTER), 0, "", "socket", A(SOCKET), 0 },
	{ "socket/anything", T(SOCKET_FILTER), 0, "anything", "socket", A(SOCKET), 0 },
	{ "xdp", T(XDP), BPF_XDP, "", "xdp", A(XDP), 0 },
	{ "xdp_prog", T(XDP), BPF_XDP, "", "xdp", A(XDP), 0 },
	{ "xdp1", T(XDP), BPF_XDP, "", "xdp", A(XDP), 0 },
	{ "xdp/anything", T(XDP), BPF_XDP, "anything", "xdp", A(XDP), 0 },
	{ "xdp.frags", T(XDP), BPF_XDP, "", "xdp", A(XDP), F },
	{ "xdp/devmap", T(XDP), BPF_XDP_DEVMAP, "", "xdp", A(NONE), 0 },
	{ "xdp/cpumap", T(XDP), BPF_XDP_CPUMAP, "", "xdp", A(NONE), 0 },
	{ "xdp.frags/devmap", T(XDP), BPF_XDP_DEVMAP, "", "xdp", A(NONE), F },
	{ "xdp.frags/cpumap", T(XDP), BPF_XDP_CPUMAP, "", "xdp", A(NONE), F },
	{ "tc", T(SCHED_CLS), 0, "", "tc", A(TC), 0 },
	{ "tc/ingress", T(SCHED_CLS), BL_TCX_INGRESS, "", "tc", A(TC), 0 },
	{ "tc/egress", T(SCHED_CLS), BL_TCX_EGRESS, "", "tc", A(TC), 0 },
	{ "tcx/ingress", T(SCHED_CLS), BL_TCX_INGRESS, "", "tc", A(TC), 0 },
	{ "tcx/egress", T(SCHED_CLS), BL_TCX_EGRESS, "", "tc", A(TC), 0 },
	{ "classifier", T(SCHED_CLS), 0, "", "tc", A(TC), 0 },
	{ "classifier_ingress", T(SCHED_CLS), 0, "", "tc", A(TC), 0 },
	{ "action", T(SCHED_ACT), 0, "", "action", A(NONE), 0 },
	{ "action2", T(SCHED_ACT), 0, "", "action", A(NONE), 0 },

	/* sockets and sockmaps */
	{ "sk_reuseport", T(SK_REUSEPORT), BPF_SK_REUSEPORT_SELECT, "", "sk_reuseport",
	  A(NONE), 0 },
	{ "sk_reuseport/migrate", T(SK_REUSEPORT), BPF_SK_REUSEPORT_SELECT_OR_MIGRATE, "",
	  "sk_reuseport", A(NONE), 0 },
	{ "sk_skb/stream_parser", T(SK_SKB), BPF_SK_SKB_STREAM_PARSER, "", "sk_skb",
	  A(SOCKMAP), 0 },
	{ "sk_skb/stream_verdict", T(SK_SKB), BPF_SK_SKB_STREAM_VERDICT, "", "sk_skb",
	  A(SOCKMAP), 0 },
	{ "sk_skb/verdict", T(SK_SKB), BPF_SK_SKB_VERDICT, "", "sk_skb", A(SOCKMAP), 0 },
	{ "sk_skb", T(SK_SKB), 0, "", "sk_skb", A(SOCKMAP), 0 },
	{ "sk_skb1", T(SK_SKB), 0, "", "sk_skb", A(SOCKMAP), 0 },
	{ "sk_msg", T(SK_MSG), BPF_SK_MSG_VERDICT, "", "sk_msg", A(SOCKMAP), 0 },
	{ "sk_msg1", T(SK_MSG), BPF_SK_MSG_VERDICT, "", "sk_msg", A(SOCKMAP), 0 },
	{ "sk_lookup", T(SK_LOOKUP), BPF_SK_LOOKUP, "", "sk_lookup", A(NETNS), 0 },
	{ "sk_lookup/dispatch", T(SK_LOOKUP), BPF_SK_LOOKUP, "dispatch", "sk_lookup", A(NETNS),
	  0 },
	{ "flow_dissector", T(FLOW_DISSECTOR), BPF_FLOW_DISSECTOR, "", "flow_dissector",
	  A(NETNS), 0 },
	{ "lirc_mode2", T(LIRC_MODE2), BPF_LIRC_MODE2, "", "lirc_mode2", A(NONE), 0 },
	{ "lwt_in", T(LWT_IN), 0, "", "lwt_in", A(NONE), 0 },
	{ "lwt_out", T(LWT_OUT), 0, "", "lwt_out", A(NONE), 0 },
	{ "lwt_xmit", T(LWT_XMIT), 0, "", "lwt_xmit", A(NONE), 0 },
	{ "lwt_seg6local", T(LWT_SEG6LOCAL), 0, "", "lwt_seg6local", A(NONE), 0 },
	{ "netfilter", BL_PROG_TYPE_NETFILTER, BL_NETFILTER, "", "netfilter", A(NONE), 0 },
	{ "syscall", T(SYSCALL), 0, "", "syscall", A(NONE), S },

	/* cgroups */
	{ "cgroup_skb/ingress", T(CGROUP_SKB), BPF_CGROUP_INET_INGRESS, "", "cgroup_skb",
	  A(CGROUP), 0 },
	{ "cgroup_skb/egress", T(CGROUP_SKB), BPF_CGROUP_INET_EGRESS, "", "cgroup_skb",
	  A(CGROUP), 0 },
	{ "cgroup/skb", T(CGROUP_SKB), 0, "", "cgroup_skb", A(CGROUP), 0 },
	{ "cgroup/skb1", T(CGROUP_SKB), 0, "", "cgroup_skb", A(CGROUP), 0 },
	{ "cgroup/sock", T(CGROUP_SOCK), BPF_CGROUP_INET_SOCK_CREATE, "", "cgroup_sock",
	  A(CGROUP), 0 },
	{ "cgroup/sock1", T(CGROUP_SOCK), BPF_CGROUP_INET_SOCK_CREATE, "", "cgroup_sock",
	  A(CGROUP), 0 },
	{ "cgroup/sock_create", T(CGROUP_SOCK), BPF_CGROUP_INET_SOCK_CREATE, "", "cgroup_sock",
	  A(CGROUP), 0 },
	{ "cgroup/sock_release", T(CGROUP_SOCK), BPF_CGROUP_INET_SOCK_RELEASE, "",
	  "cgroup_sock", A(CGROUP), 0 },
	{ "cgroup/post_bind4", T(CGROUP_SOCK), BPF_CGROUP_INET4_POST_BIND, "", "cgroup_sock",
	  A(CGROUP), 0 },
	{ "cgroup/post_bind6", T(CGROUP_SOCK), BPF_CGROUP_INET6_POST_BIND, "", "cgroup_sock",
	  A(CGROUP), 0 },
	{ "cgroup/bind4", T(CGROUP_SOCK_ADDR), BPF_CGROUP_INET4_BIND, "", "cgroup_sock_addr",
	  A(CGROUP), 0 },
	{ "cgroup/bind6", T(CGROUP_SOCK_ADDR), BPF_CGROUP_INET6_BIND, "", "cgroup_sock_addr",
	  A(CGROUP), 0 },
	{ "cgroup/connect4", T(CGROUP_SOCK_ADDR), BPF_CGROUP_INET4_CONNECT, "",
	  "cgroup_sock_addr", A(CGROUP), 0 },
	{ "cgroup/connect6", T(CGROUP_SOCK_ADDR), BPF_CGROUP_INET6_CONNECT, "",
	  "cgroup_sock_addr", A(CGROUP), 0 },
	{ "cgroup/connect_unix", T(CGROUP_SOCK_ADDR), BL_CGROUP_UNIX_CONNECT, "",
	  "cgroup_sock_addr", A(CGROUP), 0 },
	{ "cgroup/sendmsg4", T(CGROUP_SOCK_ADDR), BPF_CGROUP_UDP4_SENDMSG, "",
	  "cgroup_sock_addr", A(CGROUP), 0 },
	{ "cgroup/sendmsg6", T(CGROUP_SOCK_ADDR), BPF_CGROUP_UDP6_SENDMSG, "",
	  "cgroup_sock_addr", A(CGROUP), 0 },
	{ "cgroup/sendmsg_unix", T(CGROUP_SOCK_ADDR), BL_CGROUP_UNIX_SENDMSG, "",
	  "cgroup_sock_addr", A(CGROUP), 0 },
	{ "cgroup/recvmsg4", T(CGROUP_SOCK_ADDR), BPF_CGROUP_UDP4_RECVMSG, "",
	  "cgroup_sock_addr", A(CGROUP), 0 },
	{ "cgroup/recvmsg6", T(CGROUP_SOCK_ADDR), BPF_CGROUP_UDP6_RECVMSG, "",
	  "cgroup_sock_addr", A(CGROUP), 0 },
	{ "cgroup/recvmsg_unix", T(CGROUP_SOCK_ADDR), BL_CGROUP_UNIX_RECVMSG, "",
	  "cgroup_sock_addr", A(CGROUP), 0 },
	{ "cgroup/getpeername4", T(CGROUP_SOCK_ADDR), BPF_CGROUP_INET4_GETPEERNAME, "",
	  "cgroup_sock_addr", A(CGROUP), 0 },
	{ "cgroup/getpeername6", T(CGROUP_SOCK_ADDR), BPF_CGROUP_INET6_GETPEERNAME, "",
	  "cgroup_sock_addr", A(CGROUP), 0 },
	{ "cgroup/getpeername_unix", T(CGROUP_SOCK_ADDR), BL_CGROUP_UNIX_GETPEERNAME, "",
	  "cgroup_sock_addr", A(CGROUP), 0 },
	{ "cgroup/getsockname4", T(CGROUP_SOCK_ADDR), BPF_CGROUP_INET4_GETSOCKNAME, "",
	  "cgroup_sock_addr", A(CGROUP), 0 },
	{ "cgroup/getsockname6", T(CGROUP_SOCK_ADDR), BPF_CGROUP_INET6_GETSOCKNAME, "",
	  "cgroup_sock_addr", A(CGROUP), 0 },
	{ "cgroup/getsockname_unix", T(CGROUP_SOCK_ADDR), BL_CGROUP_UNIX_GETSOCKNAME, "",
	  "cgroup_sock_addr", A(CGROUP), 0 },
	{ "cgroup/sysctl", T(CGROUP_SYSCTL), BPF_CGROUP_SYSCTL, "", "cgroup_sysctl", A(CGROUP),
	  0 },
	{ "cgroup/getsockopt", T(CGROUP_SOCKOPT), BPF_CGROUP_GETSOCKOPT, "", "cgroup_sockopt",
	  A(CGROUP), 0 },
	{ "cgroup/setsockopt", T(CGROUP_SOCKOPT), BPF_CGROUP_SETSOCKOPT, "", "cgroup_sockopt",
	  A(CGROUP), 0 },
	{ "cgroup/dev", T(CGROUP_DEVICE), BPF_CGROUP_DEVICE, "", "cgroup_device", A(CGROUP), 0 },
	{ "sockops", T(SOCK_OPS), BPF_CGROUP_SOCK_OPS, "", "sockops", A(CGROUP), 0 },
	{ "sockops_v4", T(SOCK_OPS), BPF_CGROUP_SOCK_OPS, "", "sockops", A(CGROUP), 0 },
	/* bare names: a type without a target (tail-call targets) */
	{ "kprobe", T(KPROBE), 0, "", "kprobe", A(KPROBE), 0 },
	{ "kretprobe", T(KPROBE), 0, "", "kretprobe", A(KRETPROBE), 0 },
	{ "tracepoint", T(TRACEPOINT), 0, "", "tracepoint", A(TRACEPOINT), 0 },
	{ "tp", T(TRACEPOINT), 0, "", "tracepoint", A(TRACEPOINT), 0 },
	{ "raw_tracepoint", T(RAW_TRACEPOINT), 0, "", "raw_tracepoint", A(RAW_TRACEPOINT), 0 },
	{ "raw_tp", T(RAW_TRACEPOINT), 0, "", "raw_tracepoint", A(RAW_TRACEPOINT), 0 },
};

/* Names no entry matches. */
static const char *const unknown[] = {
	"", "foo", ".text", "license", "maps", ".maps", "Socket", "SOCKET", "kprobes/x",
	"tcp", "tcx", "tcx/other", "cgroup/unknown", "cgroup_skb", "cgroup_skb/other",
	"sk_lookupx", "lwt_inx", "lsm_cgroupx", "fentry", "iterx/task", "raw_tpx",
	" socket", "sk_reuseport_x", "netfilterx", "syscalls",
};

static const char *pt(__u32 type)
{
	const char *n = bl_prog_type_name(type);

	return n ? n : "?";
}

static void check_known(const struct sec_exp *x)
{
	const char *target = "unset";
	const struct bl_section_def *d = bl_section_def_find(x->name, &target);
	bool good;

	if (!ok(d != NULL, "'%s': known", x->name))
		return;
	good = d->prog_type == x->type && d->expected_attach_type == x->eat &&
	       !strcmp(target, x->target) && !strcmp(d->kind, x->kind) &&
	       d->attach == x->attach && (d->flags & (S | B | F)) == x->flags;
	ok(good, "'%s': %s, expected attach %u, target '%s', kind %s", x->name, pt(x->type),
	   x->eat, x->target, x->kind);
	if (!good)
		tap_diag("  got %s, expected attach %u, target '%s', kind %s, attach %d, flags %#x"
			 " (entry '%s')", pt(d->prog_type), d->expected_attach_type, target,
			 d->kind, d->attach, d->flags, d->prefix);
}

/* The name that should select entry d: its prefix, plus a target if it
 * takes one. */
static void entry_name(const struct bl_section_def *d, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", d->prefix, d->flags & P ? "some_target" : "");
}

int main(void)
{
	size_t n = bl_section_def_count();
	size_t reachable = 0, subpath = 0, legacy = 0, names = 0;
	const char *target;
	char name[256];

	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		check_known(&known[i]);

	for (size_t i = 0; i < ARRAY_SIZE(unknown); i++) {
		target = "unset";
		ok(!bl_section_def_find(unknown[i], &target) && !strcmp(target, ""),
		   "'%s': unknown, empty target", unknown[i]);
	}
	ok(bl_section_def_find("kprobe/x", NULL) != NULL, "a NULL target pointer is fine");

	/* the whole table */
	ok(n >= 90, "the table has %zu entries", n);
	ok(bl_section_def_at(n) == NULL && bl_section_def_at((size_t)-1) == NULL,
	   "bl_section_def_at past the end is NULL");
	for (size_t i = 0; i < n; i++) {
		const struct bl_section_def *d = bl_section_def_at(i), *got;

		entry_name(d, name, sizeof(name));
		target = "unset";
		got = bl_section_def_find(name, &target);
		if (ok(got == d && !strcmp(target, d->flags & P ? "some_target" : ""),
		       "entry %zu '%s' is reachable as '%s'", i, d->prefix, name))
			reachable++;
		else
			tap_diag("  found entry '%s', target '%s'", got ? got->prefix : "(none)",
				 target);

		if (bl_prog_type_name(d->prog_type) && d->kind && *d->kind &&
		    (!d->expected_attach_type || bl_attach_type_name(d->expected_attach_type)))
			names++;
		else
			tap_diag("  entry '%s': type %u or attach type %u has no name", d->prefix,
				 d->prog_type, d->expected_attach_type);

		/* "PREFIX/x": the same entry with target "x", for non-prefix
		 * entries, unless a more specific entry ("uprobe/" for "uprobe")
		 * claims it */
		if (!(d->flags & P)) {
			snprintf(name, sizeof(name), "%s/zz_sub", d->prefix);
			got = bl_section_def_find(name, &target);
			if ((got == d || (got && strlen(got->prefix) > strlen(d->prefix) &&
					  !strncmp(got->prefix, d->prefix, strlen(d->prefix)))) &&
			    !strcmp(target, "zz_sub"))
				subpath++;
			else
				tap_diag("  '%s' gives entry '%s', target '%s'", name,
					 got ? got->prefix : "(none)", target);
		}

		/* "PREFIX123": the legacy entries only */
		snprintf(name, sizeof(name), "%s123", d->prefix);
		got = bl_section_def_find(name, &target);
		if (d->flags & P) {
			legacy += got == d && !strcmp(target, "123");
		} else if (d->flags & L) {
			legacy += got == d && !strcmp(target, "");
		} else {
			/* a non-legacy exact name with digits matches nothing of its own */
			legacy += got != d;
			if (got == d)
				tap_diag("  '%s' matches the non-legacy entry '%s'", name,
					 d->prefix);
		}
	}
	/* a name is matched by the first entry that fits, so longer names first */
	is_int(reachable, n, "every entry is reachable: no earlier entry shadows it");
	is_int(names, n, "every entry has a kind, a named program type and attach type");
	{
		size_t np = 0;

		for (size_t i = 0; i < n; i++)
			np += !(bl_section_def_at(i)->flags & P);
		is_int(subpath, np, "'PREFIX/x' selects the entry with target 'x' (%zu entries)",
		       np);
	}
	is_int(legacy, n, "'PREFIX123' works exactly for prefixes and the legacy entries");

	/* the expected attach types that depend on nothing else */
	ok(bl_section_def_find("cgroup/sock_create", NULL) != bl_section_def_find("cgroup/sock",
										    NULL),
	   "'cgroup/sock_create' has an entry of its own, before 'cgroup/sock'");
	ok(bl_section_def_find("tc/ingress", NULL) != bl_section_def_find("tc", NULL),
	   "'tc/ingress' has an entry of its own, before 'tc'");
	return tap_done();
}
