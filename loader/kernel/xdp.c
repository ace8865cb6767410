// SPDX-License-Identifier: BSD-2-Clause
/*
 * xdp.c - run a program on every packet a network device receives,
 * before the kernel allocates anything for it.
 *
 * Two ways to attach:
 *   BPF_LINK_CREATE(prog, ifindex, BPF_XDP) (5.9+): a bpf link owns the
 *       attachment; it goes away with the link, and nobody else can
 *       replace the program meanwhile.
 *   rtnetlink RTM_SETLINK with IFLA_XDP { fd, flags } (4.8+): the device
 *       holds the program until someone sets fd -1.  We always pass
 *       XDP_FLAGS_UPDATE_IF_NOEXIST so we never replace another program,
 *       and detach with XDP_FLAGS_REPLACE + IFLA_XDP_EXPECTED_FD (5.7+)
 *       so we only remove our own.
 * Mode flags pick where the program runs: XDP_FLAGS_DRV_MODE in the
 * driver (fast; needs driver support), XDP_FLAGS_SKB_MODE after the skb
 * is built (generic, works everywhere), XDP_FLAGS_HW_MODE on the NIC.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <unistd.h>
#include <linux/if_link.h>

#include "kernel/attach_priv.h"

static const char *mode_name(__u32 flags)
{
	if (flags & XDP_FLAGS_SKB_MODE)
		return "skb (generic) mode";
	if (flags & XDP_FLAGS_DRV_MODE)
		return "driver mode";
	if (flags & XDP_FLAGS_HW_MODE)
		return "offload mode";
	return "mode chosen by the kernel";
}

static const char *xdp_hint(int err)
{
	switch (-err) {
	case EBUSY:
	case EEXIST:
		return "; another XDP program is attached to the device (by link or netlink):"
		       " detach it first (ip link set dev DEV xdp off)";
	case ENODEV:
		return "; no device has this ifindex in the current network namespace";
	case EOPNOTSUPP:
		return "; the driver cannot run XDP in this mode: try XDP_FLAGS_SKB_MODE";
	case EINVAL:
		return "; the program must be an XDP program, and the flags valid";
	case EPERM:
		return "; needs CAP_NET_ADMIN (and CAP_BPF)";
	default:
		return "";
	}
}

static int nl_detach(struct bl_link *link)
{
	__u32 flags = (link->xdp_flags & XDP_FLAGS_MODES) | XDP_FLAGS_REPLACE;
	char ext[256];
	int saved, err;

	err = bl_netns_enter(link->netns_fd, &saved);
	if (err)
		return err;
	err = bl_nl_xdp_set(link->ifindex, -1, link->prog_fd, flags, ext, sizeof(ext));
	/* before 5.7 there is no REPLACE: clear whatever is in this mode */
	if (err == -EINVAL)
		err = bl_nl_xdp_set(link->ifindex, -1, -1, flags & XDP_FLAGS_MODES, ext,
				    sizeof(ext));
	/* EEXIST: someone replaced our program meanwhile; theirs stays */
	if (err == -EEXIST)
		err = 0;
	bl_netns_restore(saved);
	return err;
}

static int link_detach(struct bl_link *link)
{
	bl_close_fd(&link->fd);
	return 0;
}

static struct bl_link *attach_netlink(struct bl_link *link, int prog_fd, const char *what,
				      int link_err, struct bl_error *e)
{
	char ext[256], why[96], why2[96];
	__u32 flags = link->xdp_flags | XDP_FLAGS_UPDATE_IF_NOEXIST;
	int err;

	link->prog_fd = fcntl(prog_fd, F_DUPFD_CLOEXEC, 3);
	link->netns_fd = bl_netns_current();
	if (link->prog_fd < 0 || link->netns_fd < 0) {
		err = -errno;
		bl_link_abort(link);
		bl_fail(e, err, "%s: %s", what, bl_strerror(err, why, sizeof(why)));
		return bl_attach_null(err);
	}
	err = bl_nl_xdp_set(link->ifindex, prog_fd, -1, flags, ext, sizeof(ext));
	if (err) {
		link->detach = NULL;
		bl_link_abort(link);
		bl_fail(e, err, "%s: netlink IFLA_XDP failed: %s%s%s%s", what,
			bl_strerror(err, why, sizeof(why)), ext[0] ? " (kernel: " : "", ext,
			ext[0] ? ")" : "");
		if (link_err)
			bl_fail_append(e, "; BPF_LINK_CREATE had said %s",
				       bl_strerror(link_err, why2, sizeof(why2)));
		bl_fail_append(e, "%s", xdp_hint(err));
		return bl_attach_null(err);
	}
	bl_link_set_desc(link, "%s via netlink (IFLA_XDP), %s", what, mode_name(link->xdp_flags));
	return link;
}

BL_API struct bl_link *bl_attach_xdp(int prog_fd, int ifindex, const struct bl_xdp_opts *opts,
				     struct bl_error *e)
{
	struct bl_link_create_opts lo = { 0 };
	char ifname[IF_NAMESIZE] = "?", what[96], why[96];
	struct bl_link *link;
	int fd = 0;

	if (ifindex <= 0) {
		bl_fail(e, -EINVAL, "xdp: invalid ifindex %d", ifindex);
		return bl_attach_null(-EINVAL);
	}
	/* check first: BPF_LINK_CREATE says EINVAL for a missing device,
	 * which would look like a kernel without XDP links */
	if (!if_indextoname(ifindex, ifname)) {
		bl_fail(e, -ENODEV, "xdp: no device has ifindex %d in the current network"
			" namespace", ifindex);
		return bl_attach_null(-ENODEV);
	}
	snprintf(what, sizeof(what), "xdp on %s (ifindex %d)", ifname, ifindex);
	link = bl_link_new(nl_detach);
	if (!link) {
		bl_fail(e, -ENOMEM, "%s: out of memory", what);
		return bl_attach_null(-ENOMEM);
	}
	link->ifindex = ifindex;
	link->xdp_flags = opts ? opts->flags & XDP_FLAGS_MODES : 0;
	if (opts && opts->force_netlink)
		return attach_netlink(link, prog_fd, what, 0, e);

	lo.flags = link->xdp_flags;
	fd = bl_sys_link_create(prog_fd, ifindex, BPF_XDP, &lo);
	if (fd == -EINVAL)
		return attach_netlink(link, prog_fd, what, fd, e);
	if (fd < 0) {
		link->detach = NULL;
		bl_link_abort(link);
		bl_fail(e, fd, "%s: BPF_LINK_CREATE failed: %s%s", what,
			bl_strerror(fd, why, sizeof(why)), xdp_hint(fd));
		return bl_attach_null(fd);
	}
	link->fd = fd;
	link->detach = link_detach;
	bl_link_set_desc(link, "%s via bpf_link, %s", what, mode_name(link->xdp_flags));
	return link;
}
