/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sections.c - one minimal program per section name of the libbpf naming
 * convention, for testing how a loader maps section names to program
 * types.  Every program is "int NAME(void *ctx) { return 0; }"; they are
 * not meant to be loaded (several need a BTF attach target, a sleepable
 * flag or a kernel that allows them).
 *
 * Expected facts (clang 14, flags of the Makefile):
 *
 * 37 programs, each alone in its own section of 2 insns (w0 = 0; exit),
 * sections numbered 3..39 in this order; .text is empty; no maps, no
 * relocations in any program section; license "GPL".
 * Program type and expected attach type by the libbpf convention
 * (enum bpf_prog_type / enum bpf_attach_type names without the BPF_
 * prefixes, values in parentheses; "-" = none/0):
 *
 *   section                               program               type                   expected attach type
 *   kprobe/do_sys_openat2                 s_kprobe              KPROBE (2)             -
 *   kretprobe/do_sys_openat2              s_kretprobe           KPROBE (2)             - (return probe)
 *   uprobe//bin/bash:readline             s_uprobe              KPROBE (2)             -
 *   uretprobe//bin/bash:readline          s_uretprobe           KPROBE (2)             - (return probe)
 *   tracepoint/syscalls/sys_enter_openat  s_tracepoint          TRACEPOINT (5)         -
 *   tp/sched/sched_process_exec           s_tp                  TRACEPOINT (5)         -
 *   raw_tracepoint/sys_enter              s_raw_tracepoint      RAW_TRACEPOINT (17)    -
 *   raw_tp/sched_switch                   s_raw_tp              RAW_TRACEPOINT (17)    -
 *   tp_btf/sched_switch                   s_tp_btf              TRACING (26)           TRACE_RAW_TP (23)
 *   fentry/do_unlinkat                    s_fentry              TRACING (26)           TRACE_FENTRY (24)
 *   fexit/do_unlinkat                     s_fexit               TRACING (26)           TRACE_FEXIT (25)
 *   fmod_ret/security_file_open           s_fmod_ret            TRACING (26)           MODIFY_RETURN (26)
 *   lsm/file_open                         s_lsm                 LSM (29)               LSM_MAC (27)
 *   iter/task                             s_iter                TRACING (26)           TRACE_ITER (28)
 *   perf_event                            s_perf_event          PERF_EVENT (7)         -
 *   socket                                s_socket              SOCKET_FILTER (1)      -
 *   xdp                                   s_xdp                 XDP (6)                XDP (37)
 *   xdp.frags                             s_xdp_frags           XDP (6)                XDP (37), prog_flags BPF_F_XDP_HAS_FRAGS (32)
 *   tc                                    s_tc                  SCHED_CLS (3)          -
 *   classifier                            s_classifier          SCHED_CLS (3)          -
 *   action                                s_action              SCHED_ACT (4)          -
 *   cgroup/skb                            s_cgroup_skb          CGROUP_SKB (8)         - (chosen at attach)
 *   cgroup_skb/ingress                    s_cgroup_skb_ingress  CGROUP_SKB (8)         CGROUP_INET_INGRESS (0)
 *   cgroup_skb/egress                     s_cgroup_skb_egress   CGROUP_SKB (8)         CGROUP_INET_EGRESS (1)
 *   cgroup/sock                           s_cgroup_sock         CGROUP_SOCK (9)        CGROUP_INET_SOCK_CREATE (2)
 *   cgroup/sock_create                    s_cgroup_sock_create  CGROUP_SOCK (9)        CGROUP_INET_SOCK_CREATE (2)
 *   cgroup/connect4                       s_cgroup_connect4     CGROUP_SOCK_ADDR (18)  CGROUP_INET4_CONNECT (10)
 *   cgroup/sysctl                         s_cgroup_sysctl       CGROUP_SYSCTL (23)     CGROUP_SYSCTL (18)
 *   cgroup/dev                            s_cgroup_dev          CGROUP_DEVICE (15)     CGROUP_DEVICE (6)
 *   sockops                               s_sockops             SOCK_OPS (13)          CGROUP_SOCK_OPS (3)
 *   sk_skb/stream_parser                  s_sk_skb_parser       SK_SKB (14)            SK_SKB_STREAM_PARSER (4)
 *   sk_skb/stream_verdict                 s_sk_skb_verdict      SK_SKB (14)            SK_SKB_STREAM_VERDICT (5)
 *   sk_msg                                s_sk_msg              SK_MSG (16)            SK_MSG_VERDICT (7)
 *   flow_dissector                        s_flow_dissector      FLOW_DISSECTOR (22)    FLOW_DISSECTOR (17)
 *   sk_lookup                             s_sk_lookup           SK_LOOKUP (30)         SK_LOOKUP (36)
 *   lwt_in                                s_lwt_in              LWT_IN (10)            -
 *   syscall                               s_syscall             SYSCALL (31)           -
 *
 * Notes: "syscall" programs are sleepable (BPF_F_SLEEPABLE at load);
 * uprobe sections name binary and function ("/bin/bash" and "readline");
 * cgroup/skb leaves the direction to attach time; kprobe vs kretprobe
 * (and uprobe vs uretprobe) differ only at attach.
 */
#include <bpfload/kern.h>

SEC("kprobe/do_sys_openat2")
int s_kprobe(void *ctx)
{
	return 0;
}

SEC("kretprobe/do_sys_openat2")
int s_kretprobe(void *ctx)
{
	return 0;
}

SEC("uprobe//bin/bash:readline")
int s_uprobe(void *ctx)
{
	return 0;
}

SEC("uretprobe//bin/bash:readline")
int s_uretprobe(void *ctx)
{
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int s_tracepoint(void *ctx)
{
	return 0;
}

SEC("tp/sched/sched_process_exec")
int s_tp(void *ctx)
{
	return 0;
}

SEC("raw_tracepoint/sys_enter")
int s_raw_tracepoint(void *ctx)
{
	return 0;
}

SEC("raw_tp/sched_switch")
int s_raw_tp(void *ctx)
{
	return 0;
}

SEC("tp_btf/sched_switch")
int s_tp_btf(void *ctx)
{
	return 0;
}

SEC("fentry/do_unlinkat")
int s_fentry(void *ctx)
{
	return 0;
}

SEC("fexit/do_unlinkat")
int s_fexit(void *ctx)
{
	return 0;
}

SEC("fmod_ret/security_file_open")
int s_fmod_ret(void *ctx)
{
	return 0;
}

SEC("lsm/file_open")
int s_lsm(void *ctx)
{
	return 0;
}

SEC("iter/task")
int s_iter(void *ctx)
{
	return 0;
}

SEC("perf_event")
int s_perf_event(void *ctx)
{
	return 0;
}

SEC("socket")
int s_socket(void *ctx)
{
	return 0;
}

SEC("xdp")
int s_xdp(void *ctx)
{
	return 0;
}

SEC("xdp.frags")
int s_xdp_frags(void *ctx)
{
	return 0;
}

SEC("tc")
int s_tc(void *ctx)
{
	return 0;
}

SEC("classifier")
int s_classifier(void *ctx)
{
	return 0;
}

SEC("action")
int s_action(void *ctx)
{
	return 0;
}

SEC("cgroup/skb")
int s_cgroup_skb(void *ctx)
{
	return 0;
}

SEC("cgroup_skb/ingress")
int s_cgroup_skb_ingress(void *ctx)
{
	return 0;
}

SEC("cgroup_skb/egress")
int s_cgroup_skb_egress(void *ctx)
{
	return 0;
}

SEC("cgroup/sock")
int s_cgroup_sock(void *ctx)
{
	return 0;
}

SEC("cgroup/sock_create")
int s_cgroup_sock_create(void *ctx)
{
	return 0;
}

SEC("cgroup/connect4")
int s_cgroup_connect4(void *ctx)
{
	return 0;
}

SEC("cgroup/sysctl")
int s_cgroup_sysctl(void *ctx)
{
	return 0;
}

SEC("cgroup/dev")
int s_cgroup_dev(void *ctx)
{
	return 0;
}

SEC("sockops")
int s_sockops(void *ctx)
{
	return 0;
}

SEC("sk_skb/stream_parser")
int s_sk_skb_parser(void *ctx)
{
	return 0;
}

SEC("sk_skb/stream_verdict")
int s_sk_skb_verdict(void *ctx)
{
	return 0;
}

SEC("sk_msg")
int s_sk_msg(void *ctx)
{
	return 0;
}

SEC("flow_dissector")
int s_flow_dissector(void *ctx)
{
	return 0;
}

SEC("sk_lookup")
int s_sk_lookup(void *ctx)
{
	return 0;
}

SEC("lwt_in")
int s_lwt_in(void *ctx)
{
	return 0;
}

SEC("syscall")
int s_syscall(void *ctx)
{
	return 0;
}
BL_LICENSE("GPL");
