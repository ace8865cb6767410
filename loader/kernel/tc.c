// SPDX-License-Identifier: BSD-2-Clause
/*
 * tc.c - run a program on the packets a device receives (ingress) or
 * sends (egress), in the traffic-control layer, with an skb.
 *
 * TCX (6.6+): BPF_LINK_CREATE(prog, ifindex, BPF_TCX_INGRESS/EGRESS)
 *     puts the program in the device's own list of tc programs; a bpf
 *     link owns it.  No qdisc is involved.
 * Before that: the clsact qdisc gives each device an ingress and an
 *     egress hook where classifiers hang; cls_bpf is the classifier that
 *     runs a BPF program, and in direct-action mode the program's return
 *     value (TC_ACT_OK, TC_ACT_SHOT, ...) is the verdict.  All of it is
 *     set up through rtnetlink (netlink.c).  We create the qdisc if the
 *     device has none, and remove it on detach only if we created it and
 *     no filter is left on it (a filter someone else added meanwhile
 *     keeps it alive).
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/pkt_sched.h>

#include "kernel/attach_priv.h"

static const char *tc_hint(int err)
{
	switch (-err) {
	case ENODEV:
		return "; no device has this ifindex in the current network namespace";
	case EEXIST:
		return "; a filter with this priority and handle exists: choose others";
	case EINVAL:
		return "; the program must be a sched_cls (tc) program";
	case EPERM:
		return "; needs CAP_NET_ADMIN (and CAP_BPF)";
	default:
		return "";
	}
}

static int tcx_detach(struct bl_link *link)
{
	bl_close_fd(&link->fd);
	return 0;
}

static int clsact_empty(int ifindex)
{
	int in = bl_nl_tc_filter_count(ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS));
	int out = bl_nl_tc_filter_count(ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS));

	return in == 0 && out == 0;
}

static int nl_detach(struct bl_link *link)
{
	int saved, err;

	err = bl_netns_enter(link->netns_fd, &saved);
	if (err)
		return err;
	err = bl_nl_tc_filter_del(link->ifindex, link->tc_parent, link->tc_handle,
				  link->tc_info, NULL, 0);
	if (err == -ENOENT)
		err = 0;	/* the filter (or the device) is gone already */
	if (link->tc_made_qdisc && clsact_empty(link->ifindex))
		bl_nl_clsact(link->ifindex, false, NULL, 0);
	bl_netns_restore(saved);
	return err;
}

static struct bl_link *fail_nl(struct bl_link *link, const char *what, const char *step,
			       int err, const char *ext, struct bl_error *e)
{
	char why[96];

	link->detach = NULL;
	bl_link_abort(link);
	bl_fail(e, err, "%s: %s failed: %s%s%s%s%s", what, step, bl_strerror(err, why, sizeof(why)),
		ext[0] ? " (kernel: " : "", ext, ext[0] ? ")" : "", tc_hint(err));
	return bl_attach_null(err);
}

static struct bl_link *attach_netlink(struct bl_link *link, int prog_fd, bool egress,
				      const struct bl_tc_opts *o, const char *what,
				      struct bl_error *e)
{
	char ext[256] = "";
	int err;

	link->prog_fd = fcntl(prog_fd, F_DUPFD_CLOEXEC, 3);
	link->netns_fd = bl_netns_current();
	if (link->prog_fd < 0 || link->netns_fd < 0)
		return fail_nl(link, what, "dup", -errno, ext, e);
	err = bl_nl_clsact(link->ifindex, true, ext, sizeof(ext));
	if (err && err != -EEXIST)
		return fail_nl(link, what, "creating the clsact qdisc", err, ext, e);
	link->tc_made_qdisc = !err;
	link->tc_parent = TC_H_MAKE(TC_H_CLSACT, egress ? TC_H_MIN_EGRESS : TC_H_MIN_INGRESS);
	link->tc_handle = o->handle;
	link->tc_info = o->priority ? TC_H_MAKE((__u32)o->priority << 16, htons(ETH_P_ALL)) : 0;
	err = bl_nl_tc_filter_add(link->ifindex, link->tc_parent, &link->tc_handle,
				  &link->tc_info, prog_fd, "bpfload", ext, sizeof(ext));
	if (err) {
		if (link->tc_made_qdisc)
			bl_nl_clsact(link->ifindex, false, NULL, 0);
		return fail_nl(link, what, "adding the bpf filter", err, ext, e);
	}
	link->detach = nl_detach;
	bl_link_set_desc(link, "%s via netlink (clsact%s, bpf filter pref %u handle 0x%x,"
			 " direct-action)", what, link->tc_made_qdisc ? " created" : "",
			 link->tc_info >> 16, link->tc_handle);
	return link;
}

BL_API struct bl_link *bl_attach_tc(int prog_fd, int ifindex, bool egress,
				    const struct bl_tc_opts *opts, struct bl_error *e)
{
	struct bl_tc_opts o = { 0 };
	char ifname[IF_NAMESIZE] = "?", what[96], why[96];
	struct bl_link *link;
	int fd;

	if (ifindex <= 0) {
		bl_fail(e, -EINVAL, "tc: invalid ifindex %d", ifindex);
		return bl_attach_null(-EINVAL);
	}
	if (opts)
		o = *opts;
	if (!if_indextoname(ifindex, ifname)) {
		bl_fail(e, -ENODEV, "tc: no device has ifindex %d in the current network"
			" namespace", ifindex);
		return bl_attach_null(-ENODEV);
	}
	snprintf(what, sizeof(what), "tc %s on %s (ifindex %d)", egress ? "egress" : "ingress",
		 ifname, ifindex);
	link = bl_link_new(NULL);
	if (!link) {
		bl_fail(e, -ENOMEM, "%s: out of memory", what);
		return bl_attach_null(-ENOMEM);
	}
	link->ifindex = ifindex;
	if (o.force_netlink)
		return attach_netlink(link, prog_fd, egress, &o, what, e);
	fd = bl_sys_link_create(prog_fd, ifindex, egress ? BL_TCX_EGRESS : BL_TCX_INGRESS, NULL);
	if (fd == -EINVAL)	/* no TCX before 6.6 */
		return attach_netlink(link, prog_fd, egress, &o, what, e);
	if (fd < 0) {
		bl_link_abort(link);
		bl_fail(e, fd, "%s: BPF_LINK_CREATE (TCX) failed: %s%s", what,
			bl_strerror(fd, why, sizeof(why)), tc_hint(fd));
		return bl_attach_null(fd);
	}
	link->fd = fd;
	link->detach = tcx_detach;
	bl_link_set_desc(link, "%s via TCX bpf_link", what);
	return link;
}
