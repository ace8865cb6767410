// SPDX-License-Identifier: BSD-2-Clause
/*
 * sections.c - from a program's ELF section name to what the kernel needs.
 *
 * The kernel never sees section names.  BPF_PROG_LOAD wants a program
 * type (what the context pointer is, which helpers are allowed) and for
 * some types an expected attach type (e.g. ingress vs egress for
 * cgroup_skb).  The section name is the convention that carries both in
 * the object: SEC("kprobe/do_sys_openat2") says "a BPF_PROG_TYPE_KPROBE
 * program, to be attached as a kprobe on do_sys_openat2".
 *
 * This table follows the names libbpf popularised, plus the older
 * samples/bpf spellings ("socket1", "xdp_prog") matched by prefix.
 * Entries are tried in order, so longer names come before their
 * prefixes ("cgroup/sock_create" before "cgroup/sock").
 */
#include <string.h>

#include "object/object.h"

#define P BL_SEC_F_PREFIX
#define S BL_SEC_F_SLEEPABLE
#define B BL_SEC_F_BTF_TARGET
#define L BL_SEC_F_LEGACY_NUM

#define T(x) BPF_PROG_TYPE_##x

static const struct bl_section_def defs[] = {
	/* tracing through kprobes and uprobes: ctx is struct pt_regs */
	{ "kprobe/",		T(KPROBE), 0, BL_ATTACH_KPROBE, P, "kprobe" },
	{ "kretprobe/",		T(KPROBE), 0, BL_ATTACH_KRETPROBE, P, "kretprobe" },
	{ "ksyscall/",		T(KPROBE), 0, BL_ATTACH_KPROBE, P, "ksyscall" },
	{ "kretsyscall/",	T(KPROBE), 0, BL_ATTACH_KRETPROBE, P, "kretsyscall" },
	{ "kprobe.multi/",	T(KPROBE), BPF_TRACE_KPROBE_MULTI, BL_ATTACH_NONE, P, "kprobe.multi" },
	{ "kretprobe.multi/",	T(KPROBE), BPF_TRACE_KPROBE_MULTI, BL_ATTACH_NONE, P, "kretprobe.multi" },
	{ "uprobe.multi/",	T(KPROBE), BL_TRACE_UPROBE_MULTI, BL_ATTACH_NONE, P, "uprobe.multi" },
	{ "uretprobe.multi/",	T(KPROBE), BL_TRACE_UPROBE_MULTI, BL_ATTACH_NONE, P, "uretprobe.multi" },
	{ "uprobe.s/",		T(KPROBE), 0, BL_ATTACH_UPROBE, P | S, "uprobe" },
	{ "uretprobe.s/",	T(KPROBE), 0, BL_ATTACH_URETPROBE, P | S, "uretprobe" },
	{ "uprobe/",		T(KPROBE), 0, BL_ATTACH_UPROBE, P, "uprobe" },
	{ "uretprobe/",		T(KPROBE), 0, BL_ATTACH_URETPROBE, P, "uretprobe" },
	{ "uprobe",		T(KPROBE), 0, BL_ATTACH_UPROBE, 0, "uprobe" },
	{ "uretprobe",		T(KPROBE), 0, BL_ATTACH_URETPROBE, 0, "uretprobe" },

	/* tracepoints: ctx is the event's record, as in tracefs format */
	{ "tracepoint/",	T(TRACEPOINT), 0, BL_ATTACH_TRACEPOINT, P, "tracepoint" },
	{ "tp/",		T(TRACEPOINT), 0, BL_ATTACH_TRACEPOINT, P, "tracepoint" },
	{ "raw_tracepoint.w/",	T(RAW_TRACEPOINT_WRITABLE), 0, BL_ATTACH_RAW_TRACEPOINT, P, "raw_tracepoint.w" },
	{ "raw_tp.w/",		T(RAW_TRACEPOINT_WRITABLE), 0, BL_ATTACH_RAW_TRACEPOINT, P, "raw_tracepoint.w" },
	{ "raw_tracepoint/",	T(RAW_TRACEPOINT), 0, BL_ATTACH_RAW_TRACEPOINT, P, "raw_tracepoint" },
	{ "raw_tp/",		T(RAW_TRACEPOINT), 0, BL_ATTACH_RAW_TRACEPOINT, P, "raw_tracepoint" },
	/* bare names: the type without a target (tail-call targets, or
	 * programs attached through the API) */
	{ "kprobe",		T(KPROBE), 0, BL_ATTACH_KPROBE, 0, "kprobe" },
	{ "kretprobe",		T(KPROBE), 0, BL_ATTACH_KRETPROBE, 0, "kretprobe" },
	{ "tracepoint",		T(TRACEPOINT), 0, BL_ATTACH_TRACEPOINT, 0, "tracepoint" },
	{ "tp",			T(TRACEPOINT), 0, BL_ATTACH_TRACEPOINT, 0, "tracepoint" },
	{ "raw_tracepoint",	T(RAW_TRACEPOINT), 0, BL_ATTACH_RAW_TRACEPOINT, 0, "raw_tracepoint" },
	{ "raw_tp",		T(RAW_TRACEPOINT), 0, BL_ATTACH_RAW_TRACEPOINT, 0, "raw_tracepoint" },

	/* BTF-typed tracing: the target is resolved in the kernel's BTF */
	{ "tp_btf/",		T(TRACING), BPF_TRACE_RAW_TP, BL_ATTACH_TRACING, P | B, "tp_btf" },
	{ "fentry.s/",		T(TRACING), BPF_TRACE_FENTRY, BL_ATTACH_TRACING, P | B | S, "fentry" },
	{ "fexit.s/",		T(TRACING), BPF_TRACE_FEXIT, BL_ATTACH_TRACING, P | B | S, "fexit" },
	{ "fmod_ret.s/",	T(TRACING), BPF_MODIFY_RETURN, BL_ATTACH_TRACING, P | B | S, "fmod_ret" },
	{ "fentry/",		T(TRACING), BPF_TRACE_FENTRY, BL_ATTACH_TRACING, P | B, "fentry" },
	{ "fexit/",		T(TRACING), BPF_TRACE_FEXIT, BL_ATTACH_TRACING, P | B, "fexit" },
	{ "fmod_ret/",		T(TRACING), BPF_MODIFY_RETURN, BL_ATTACH_TRACING, P | B, "fmod_ret" },
	{ "iter.s/",		T(TRACING), BPF_TRACE_ITER, BL_ATTACH_TRACING, P | B | S, "iter" },
	{ "iter/",		T(TRACING), BPF_TRACE_ITER, BL_ATTACH_TRACING, P | B, "iter" },
	{ "freplace/",		T(EXT), 0, BL_ATTACH_NONE, P, "freplace" },
	{ "lsm.s/",		T(LSM), BPF_LSM_MAC, BL_ATTACH_TRACING, P | B | S, "lsm" },
	{ "lsm_cgroup/",	T(LSM), BPF_LSM_CGROUP, BL_ATTACH_NONE, P | B, "lsm_cgroup" },
	{ "lsm/",		T(LSM), BPF_LSM_MAC, BL_ATTACH_TRACING, P | B, "lsm" },
	{ "struct_ops.s/",	T(STRUCT_OPS), 0, BL_ATTACH_NONE, P | S, "struct_ops" },
	{ "struct_ops/",	T(STRUCT_OPS), 0, BL_ATTACH_NONE, P, "struct_ops" },
	{ "syscall",		T(SYSCALL), 0, BL_ATTACH_NONE, S, "syscall" },

	/* sampling */
	{ "perf_event",		T(PERF_EVENT), 0, BL_ATTACH_PERF_EVENT, L, "perf_event" },

	/* networking */
	{ "xdp.frags/devmap",	T(XDP), BPF_XDP_DEVMAP, BL_ATTACH_NONE, BL_SEC_F_XDP_FRAGS, "xdp" },
	{ "xdp.frags/cpumap",	T(XDP), BPF_XDP_CPUMAP, BL_ATTACH_NONE, BL_SEC_F_XDP_FRAGS, "xdp" },
	{ "xdp/devmap",		T(XDP), BPF_XDP_DEVMAP, BL_ATTACH_NONE, 0, "xdp" },
	{ "xdp/cpumap",		T(XDP), BPF_XDP_CPUMAP, BL_ATTACH_NONE, 0, "xdp" },
	{ "xdp.frags",		T(XDP), BPF_XDP, BL_ATTACH_XDP, BL_SEC_F_XDP_FRAGS, "xdp" },
	{ "xdp",		T(XDP), BPF_XDP, BL_ATTACH_XDP, L, "xdp" },
	{ "tc/ingress",		T(SCHED_CLS), BL_TCX_INGRESS, BL_ATTACH_TC, 0, "tc" },
	{ "tc/egress",		T(SCHED_CLS), BL_TCX_EGRESS, BL_ATTACH_TC, 0, "tc" },
	{ "tcx/ingress",	T(SCHED_CLS), BL_TCX_INGRESS, BL_ATTACH_TC, 0, "tc" },
	{ "tcx/egress",		T(SCHED_CLS), BL_TCX_EGRESS, BL_ATTACH_TC, 0, "tc" },
	{ "tc",			T(SCHED_CLS), 0, BL_ATTACH_TC, 0, "tc" },
	{ "classifier",		T(SCHED_CLS), 0, BL_ATTACH_TC, L, "tc" },
	{ "action",		T(SCHED_ACT), 0, BL_ATTACH_NONE, L, "action" },
	{ "socket",		T(SOCKET_FILTER), 0, BL_ATTACH_SOCKET, L, "socket" },
	{ "sk_reuseport/migrate", T(SK_REUSEPORT), BPF_SK_REUSEPORT_SELECT_OR_MIGRATE, BL_ATTACH_NONE, 0, "sk_reuseport" },
	{ "sk_reuseport",	T(SK_REUSEPORT), BPF_SK_REUSEPORT_SELECT, BL_ATTACH_NONE, 0, "sk_reuseport" },
	{ "sk_skb/stream_parser", T(SK_SKB), BPF_SK_SKB_STREAM_PARSER, BL_ATTACH_SOCKMAP, 0, "sk_skb" },
	{ "sk_skb/stream_verdict", T(SK_SKB), BPF_SK_SKB_STREAM_VERDICT, BL_ATTACH_SOCKMAP, 0, "sk_skb" },
	{ "sk_skb/verdict",	T(SK_SKB), BPF_SK_SKB_VERDICT, BL_ATTACH_SOCKMAP, 0, "sk_skb" },
	{ "sk_skb",		T(SK_SKB), 0, BL_ATTACH_SOCKMAP, L, "sk_skb" },
	{ "sk_msg",		T(SK_MSG), BPF_SK_MSG_VERDICT, BL_ATTACH_SOCKMAP, L, "sk_msg" },
	{ "sk_lookup",		T(SK_LOOKUP), BPF_SK_LOOKUP, BL_ATTACH_NETNS, 0, "sk_lookup" },
	{ "flow_dissector",	T(FLOW_DISSECTOR), BPF_FLOW_DISSECTOR, BL_ATTACH_NETNS, 0, "flow_dissector" },
	{ "lirc_mode2",		T(LIRC_MODE2), BPF_LIRC_MODE2, BL_ATTACH_NONE, 0, "lirc_mode2" },
	{ "lwt_in",		T(LWT_IN), 0, BL_ATTACH_NONE, 0, "lwt_in" },
	{ "lwt_out",		T(LWT_OUT), 0, BL_ATTACH_NONE, 0, "lwt_out" },
	{ "lwt_xmit",		T(LWT_XMIT), 0, BL_ATTACH_NONE, 0, "lwt_xmit" },
	{ "lwt_seg6local",	T(LWT_SEG6LOCAL), 0, BL_ATTACH_NONE, 0, "lwt_seg6local" },
	{ "netfilter",		BL_PROG_TYPE_NETFILTER, BL_NETFILTER, BL_ATTACH_NONE, 0, "netfilter" },

	/* cgroups: the attach type says which hook of the cgroup */
	{ "cgroup_skb/ingress",	T(CGROUP_SKB), BPF_CGROUP_INET_INGRESS, BL_ATTACH_CGROUP, 0, "cgroup_skb" },
	{ "cgroup_skb/egress",	T(CGROUP_SKB), BPF_CGROUP_INET_EGRESS, BL_ATTACH_CGROUP, 0, "cgroup_skb" },
	{ "cgroup/skb",		T(CGROUP_SKB), 0, BL_ATTACH_CGROUP, L, "cgroup_skb" },
	{ "cgroup/sock_create",	T(CGROUP_SOCK), BPF_CGROUP_INET_SOCK_CREATE, BL_ATTACH_CGROUP, 0, "cgroup_sock" },
	{ "cgroup/sock_release", T(CGROUP_SOCK), BPF_CGROUP_INET_SOCK_RELEASE, BL_ATTACH_CGROUP, 0, "cgroup_sock" },
	{ "cgroup/sock",	T(CGROUP_SOCK), BPF_CGROUP_INET_SOCK_CREATE, BL_ATTACH_CGROUP, L, "cgroup_sock" },
	{ "cgroup/post_bind4",	T(CGROUP_SOCK), BPF_CGROUP_INET4_POST_BIND, BL_ATTACH_CGROUP, 0, "cgroup_sock" },
	{ "cgroup/post_bind6",	T(CGROUP_SOCK), BPF_CGROUP_INET6_POST_BIND, BL_ATTACH_CGROUP, 0, "cgroup_sock" },
	{ "cgroup/bind4",	T(CGROUP_SOCK_ADDR), BPF_CGROUP_INET4_BIND, BL_ATTACH_CGROUP, 0, "cgroup_sock_addr" },
	{ "cgroup/bind6",	T(CGROUP_SOCK_ADDR), BPF_CGROUP_INET6_BIND, BL_ATTACH_CGROUP, 0, "cgroup_sock_addr" },
	{ "cgroup/connect4",	T(CGROUP_SOCK_ADDR), BPF_CGROUP_INET4_CONNECT, BL_ATTACH_CGROUP, 0, "cgroup_sock_addr" },
	{ "cgroup/connect6",	T(CGROUP_SOCK_ADDR), BPF_CGROUP_INET6_CONNECT, BL_ATTACH_CGROUP, 0, "cgroup_sock_addr" },
	{ "cgroup/connect_unix", T(CGROUP_SOCK_ADDR), BL_CGROUP_UNIX_CONNECT, BL_ATTACH_CGROUP, 0, "cgroup_sock_addr" },
	{ "cgroup/sendmsg4",	T(CGROUP_SOCK_ADDR), BPF_CGROUP_UDP4_SENDMSG, BL_ATTACH_CGROUP, 0, "cgroup_sock_addr" },
	{ "cgroup/sendmsg6",	T(CGROUP_SOCK_ADDR), BPF_CGROUP_UDP6_SENDMSG, BL_ATTACH_CGROUP, 0, "cgroup_sock_addr" },
	{ "cgroup/sendmsg_unix", T(CGROUP_SOCK_ADDR), BL_CGROUP_UNIX_SENDMSG, BL_ATTACH_CGROUP, 0, "cgroup_sock_addr" },
	{ "cgroup/recvmsg4",	T(CGROUP_SOCK_ADDR), BPF_CGROUP_UDP4_RECVMSG, BL_ATTACH_CGROUP, 0, "cgroup_sock_addr" },
	{ "cgroup/recvmsg6",	T(CGROUP_SOCK_ADDR), BPF_CGROUP_UDP6_RECVMSG, BL_ATTACH_CGROUP, 0, "cgroup_sock_addr" },
	{ "cgroup/recvmsg_unix", T(CGROUP_SOCK_ADDR), BL_CGROUP_UNIX_RECVMSG, BL_ATTACH_CGROUP, 0, "cgroup_sock_addr" },
	{ "cgroup/getpeername4", T(CGROUP_SOCK_ADDR), BPF_CGROUP_INET4_GETPEERNAME, BL_ATTACH_CGROUP, 0, "cgroup_sock_addr" },
	{ "cgroup/getpeername6", T(CGROUP_SOCK_ADDR), BPF_CGROUP_INET6_GETPEERNAME, BL_ATTACH_CGROUP, 0, "cgroup_sock_addr" },
	{ "cgroup/getpeername_unix", T(CGROUP_SOCK_ADDR), BL_CGROUP_UNIX_GETPEERNAME, BL_ATTACH_CGROUP, 0, "cgroup_sock_addr" },
	{ "cgroup/getsockname4", T(CGROUP_SOCK_ADDR), BPF_CGROUP_INET4_GETSOCKNAME, BL_ATTACH_CGROUP, 0, "cgroup_sock_addr" },
	{ "cgroup/getsockname6", T(CGROUP_SOCK_ADDR), BPF_CGROUP_INET6_GETSOCKNAME, BL_ATTACH_CGROUP, 0, "cgroup_sock_addr" },
	{ "cgroup/getsockname_unix", T(CGROUP_SOCK_ADDR), BL_CGROUP_UNIX_GETSOCKNAME, BL_ATTACH_CGROUP, 0, "cgroup_sock_addr" },
	{ "cgroup/sysctl",	T(CGROUP_SYSCTL), BPF_CGROUP_SYSCTL, BL_ATTACH_CGROUP, 0, "cgroup_sysctl" },
	{ "cgroup/getsockopt",	T(CGROUP_SOCKOPT), BPF_CGROUP_GETSOCKOPT, BL_ATTACH_CGROUP, 0, "cgroup_sockopt" },
	{ "cgroup/setsockopt",	T(CGROUP_SOCKOPT), BPF_CGROUP_SETSOCKOPT, BL_ATTACH_CGROUP, 0, "cgroup_sockopt" },
	{ "cgroup/dev",		T(CGROUP_DEVICE), BPF_CGROUP_DEVICE, BL_ATTACH_CGROUP, 0, "cgroup_device" },
	{ "sockops",		T(SOCK_OPS), BPF_CGROUP_SOCK_OPS, BL_ATTACH_CGROUP, L, "sockops" },
};

#undef P
#undef S
#undef B
#undef L
#undef T

size_t bl_section_def_count(void)
{
	return sizeof(defs) / sizeof(defs[0]);
}

const struct bl_section_def *bl_section_def_at(size_t i)
{
	return i < bl_section_def_count() ? &defs[i] : NULL;
}

/*
 * "kprobe/" matches "kprobe/FUNC" (the target is FUNC).  "xdp" matches
 * "xdp" and "xdp/anything".  Old objects also used bare prefixes with
 * digits or suffixes ("socket1", "xdp_prog"): those are tried last,
 * for the entries marked BL_SEC_F_LEGACY_NUM.
 */
static bool match(const struct bl_section_def *d, const char *name, const char **target)
{
	size_t len = strlen(d->prefix);

	if (strncmp(name, d->prefix, len))
		return false;
	if (d->flags & BL_SEC_F_PREFIX) {
		*target = name + len;
		return true;
	}
	if (name[len] == '\0') {
		*target = name + len;
		return true;
	}
	if (name[len] == '/') {
		*target = name + len + 1;
		return true;
	}
	return false;
}

const struct bl_section_def *bl_section_def_find(const char *sec_name, const char **target)
{
	const char *t = "";

	for (size_t i = 0; i < bl_section_def_count(); i++) {
		if (match(&defs[i], sec_name, &t)) {
			if (target)
				*target = t;
			return &defs[i];
		}
	}
	for (size_t i = 0; i < bl_section_def_count(); i++) {
		if (!(defs[i].flags & BL_SEC_F_LEGACY_NUM))
			continue;
		if (!strncmp(sec_name, defs[i].prefix, strlen(defs[i].prefix))) {
			if (target)
				*target = "";
			return &defs[i];
		}
	}
	if (target)
		*target = "";
	return NULL;
}
