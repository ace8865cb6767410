// SPDX-License-Identifier: BSD-2-Clause
/*
 * netlink.c - the few rtnetlink requests XDP and tc need.
 *
 * rtnetlink is a datagram socket (AF_NETLINK, NETLINK_ROUTE) that carries
 * messages to the kernel's network configuration.  Each message is
 *
 *   struct nlmsghdr     length, type (RTM_*), flags, sequence number
 *   a fixed header      struct ifinfomsg for links, struct tcmsg for tc
 *   attributes          struct nlattr { len, type } + payload, each
 *                       padded to 4 bytes; "nested" ones hold more
 *
 * With NLM_F_ACK the kernel answers every request with an NLMSG_ERROR
 * message whose error field is 0 (success) or -errno.  NETLINK_EXT_ACK
 * makes it add a text explaining the error (NLMSGERR_ATTR_MSG), which we
 * pass on; NETLINK_CAP_ACK keeps it from echoing our whole request back.
 *
 * What we send:
 *   RTM_SETLINK   ifinfomsg + IFLA_XDP { IFLA_XDP_FD, IFLA_XDP_FLAGS,
 *                 IFLA_XDP_EXPECTED_FD }: set (fd) or clear (fd -1) the
 *                 device's XDP program
 *   RTM_NEWQDISC  tcmsg(handle ffff:0, parent TC_H_CLSACT) + TCA_KIND
 *                 "clsact": the qdisc that gives a device ingress and
 *                 egress filter hooks (RTM_DELQDISC removes it)
 *   RTM_NEWTFILTER tcmsg(parent ffff:fff2 ingress / ffff:fff3 egress,
 *                 handle, info = priority << 16 | protocol) + TCA_KIND
 *                 "bpf" + TCA_OPTIONS { TCA_BPF_FD, TCA_BPF_NAME,
 *                 TCA_BPF_FLAGS = direct action: the program's return
 *                 value is the verdict }.  NLM_F_ECHO sends the created
 *                 filter back, so we learn the priority and handle the
 *                 kernel chose.  RTM_DELTFILTER removes it.
 *   RTM_GETTFILTER with NLM_F_DUMP: list the filters on a hook.
 *
 * A new socket per request keeps this free of shared state.  Requests
 * apply to the network namespace of the calling thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "kernel/attach_priv.h"

#define REQ_SIZE	1024
#define RECV_SIZE	32768

struct req {
	struct nlmsghdr *nh;
	size_t cap;
	char buf[REQ_SIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
};

static void *req_init(struct req *r, __u16 type, __u16 flags, size_t hdr_len)
{
	memset(r->buf, 0, sizeof(r->buf));
	r->nh = (struct nlmsghdr *)r->buf;
	r->cap = sizeof(r->buf);
	r->nh->nlmsg_len = NLMSG_LENGTH(hdr_len);
	r->nh->nlmsg_type = type;
	r->nh->nlmsg_flags = NLM_F_REQUEST | flags;
	return NLMSG_DATA(r->nh);
}

static struct nlattr *put(struct req *r, __u16 type, const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(r->nh->nlmsg_len);
	struct nlattr *a = (struct nlattr *)(r->buf + off);

	if (off + NLA_HDRLEN + NLA_ALIGN(len) > r->cap)
		return NULL;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nh->nlmsg_len = off + NLA_ALIGN(a->nla_len);
	return a;
}

static void put_u32(struct req *r, __u16 type, __u32 v)
{
	put(r, type, &v, sizeof(v));
}

static void put_str(struct req *r, __u16 type, const char *s)
{
	put(r, type, s, strlen(s) + 1);
}

static struct nlattr *nest_begin(struct req *r, __u16 type)
{
	return put(r, type | NLA_F_NESTED, NULL, 0);
}

static void nest_end(struct req *r, struct nlattr *a)
{
	if (a)
		a->nla_len = (char *)r->nh + r->nh->nlmsg_len - (char *)a;
}

static int nl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int one = 1;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return fd;
}

/* The kernel's explanation, from the TLVs after a capped nlmsgerr. */
static void ext_ack(const struct nlmsghdr *nh, char *ext, size_t ext_len)
{
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nlmsgerr));

	if (!ext || !(nh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	while (off + NLA_HDRLEN <= nh->nlmsg_len) {
		const struct nlattr *a = (const struct nlattr *)((const char *)nh + off);

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > nh->nlmsg_len)
			return;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			snprintf(ext, ext_len, "%.*s", (int)(a->nla_len - NLA_HDRLEN),
				 (const char *)a + NLA_HDRLEN);
			return;
		}
		off += NLA_ALIGN(a->nla_len);
	}
}

typedef void (*nl_cb)(const struct nlmsghdr *nh, void *arg);

/* One message in the answer.  1: the exchange is over (*err set). */
static int handle(const struct nlmsghdr *nh, __u32 seq, nl_cb cb, void *arg, int *err,
		  char *ext, size_t ext_len)
{
	if (nh->nlmsg_seq != seq)
		return 0;
	if (nh->nlmsg_type == NLMSG_DONE)
		return 1;
	if (nh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *me = NLMSG_DATA(nh);

		if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*me))) {
			*err = -EPROTO;
			return 1;
		}
		*err = me->error;
		if (*err)
			ext_ack(nh, ext, ext_len);
		return 1;
	}
	if (cb)
		cb(nh, arg);
	return 0;
}

/* Send a request and read until its ACK (or DONE for a dump). */
static int talk(struct req *r, nl_cb cb, void *arg, char *ext, size_t ext_len)
{
	char *buf;
	__u32 seq = 1;
	int fd, err = 0, done = 0;

	if (ext && ext_len)
		ext[0] = '\0';
	fd = nl_open();
	if (fd < 0)
		return fd;
	r->nh->nlmsg_seq = seq;
	if (send(fd, r->nh, r->nh->nlmsg_len, 0) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	buf = malloc(RECV_SIZE);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (!done) {
		ssize_t n = recv(fd, buf, RECV_SIZE, 0);
		struct nlmsghdr *nh = (struct nlmsghdr *)buf;
		size_t left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		left = (size_t)n;
		for (; !done && NLMSG_OK(nh, left); nh = NLMSG_NEXT(nh, left))
			done = handle(nh, seq, cb, arg, &err, ext, ext_len);
		if (!n)
			break;
	}
	free(buf);
	close(fd);
	return err;
}

/* ---- XDP --------------------------------------------------------------------- */

int bl_nl_xdp_set(int ifindex, int fd, int expected_fd, __u32 flags, char *ext, size_t ext_len)
{
	struct ifinfomsg *ifi;
	struct nlattr *nest;
	struct req r;
	int err;

	ifi = req_init(&r, RTM_SETLINK, NLM_F_ACK, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	nest = nest_begin(&r, IFLA_XDP);
	put_u32(&r, IFLA_XDP_FD, (__u32)fd);
	if (flags)
		put_u32(&r, IFLA_XDP_FLAGS, flags);
	if (flags & XDP_FLAGS_REPLACE)
		put_u32(&r, IFLA_XDP_EXPECTED_FD, (__u32)expected_fd);
	nest_end(&r, nest);
	err = talk(&r, NULL, NULL, ext, ext_len);
	if (flags & XDP_FLAGS_REPLACE)
		bl_trace_call(err, "netlink RTM_SETLINK ifindex=%d IFLA_XDP={fd=%d flags=0x%x"
			      " expected_fd=%d}", ifindex, fd, flags, expected_fd);
	else
		bl_trace_call(err, "netlink RTM_SETLINK ifindex=%d IFLA_XDP={fd=%d flags=0x%x}",
			      ifindex, fd, flags);
	return err;
}

/* ---- tc ----------------------------------------------------------------------- */

static struct tcmsg *tc_init(struct req *r, __u16 type, __u16 flags, int ifindex,
			     __u32 parent, __u32 handle, __u32 info)
{
	struct tcmsg *tc = req_init(r, type, flags, sizeof(*tc));

	tc->tcm_family = AF_UNSPEC;
	tc->tcm_ifindex = ifindex;
	tc->tcm_parent = parent;
	tc->tcm_handle = handle;
	tc->tcm_info = info;
	return tc;
}

int bl_nl_clsact(int ifindex, bool add, char *ext, size_t ext_len)
{
	struct req r;
	int err;

	tc_init(&r, add ? RTM_NEWQDISC : RTM_DELQDISC,
		NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0), ifindex, TC_H_CLSACT,
		TC_H_MAKE(TC_H_CLSACT, 0), 0);
	put_str(&r, TCA_KIND, "clsact");
	err = talk(&r, NULL, NULL, ext, ext_len);
	bl_trace_call(err, "netlink %s ifindex=%d parent=ffff:fff1 handle=ffff:0 kind=clsact",
		      add ? "RTM_NEWQDISC" : "RTM_DELQDISC", ifindex);
	return err;
}

struct filter_id {
	__u32 handle, info;
	int count;
};

static void filter_seen(const struct nlmsghdr *nh, void *arg)
{
	struct filter_id *id = arg;
	const struct tcmsg *tc = NLMSG_DATA(nh);

	if (nh->nlmsg_type != RTM_NEWTFILTER || nh->nlmsg_len < NLMSG_LENGTH(sizeof(*tc)))
		return;
	id->handle = tc->tcm_handle;
	id->info = tc->tcm_info;
	if (tc->tcm_handle)
		id->count++;
}

int bl_nl_tc_filter_add(int ifindex, __u32 parent, __u32 *handle, __u32 *info,
			int prog_fd, const char *name, char *ext, size_t ext_len)
{
	struct filter_id id = { 0 };
	struct nlattr *nest;
	struct req r;
	int err;

	if (!*info)
		*info = TC_H_MAKE(0, htons(ETH_P_ALL));
	tc_init(&r, RTM_NEWTFILTER, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO,
		ifindex, parent, *handle, *info);
	put_str(&r, TCA_KIND, "bpf");
	nest = nest_begin(&r, TCA_OPTIONS);
	put_u32(&r, TCA_BPF_FD, (__u32)prog_fd);
	put_str(&r, TCA_BPF_NAME, name);
	put_u32(&r, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
	nest_end(&r, nest);
	err = talk(&r, filter_seen, &id, ext, ext_len);
	if (!err && id.handle) {
		*handle = id.handle;
		*info = id.info;
	}
	bl_trace_call(err, "netlink RTM_NEWTFILTER ifindex=%d parent=%x:%x handle=0x%x pref=%u"
		      " kind=bpf {fd=%d name=%s flags=direct-action}", ifindex,
		      TC_H_MAJ(parent) >> 16, TC_H_MIN(parent), *handle, *info >> 16,
		      prog_fd, name);
	return err;
}

int bl_nl_tc_filter_del(int ifindex, __u32 parent, __u32 handle, __u32 info,
			char *ext, size_t ext_len)
{
	struct req r;
	int err;

	tc_init(&r, RTM_DELTFILTER, NLM_F_ACK, ifindex, parent, handle, info);
	put_str(&r, TCA_KIND, "bpf");
	err = talk(&r, NULL, NULL, ext, ext_len);
	bl_trace_call(err, "netlink RTM_DELTFILTER ifindex=%d parent=%x:%x handle=0x%x pref=%u"
		      " kind=bpf", ifindex, TC_H_MAJ(parent) >> 16, TC_H_MIN(parent), handle,
		      info >> 16);
	return err;
}

int bl_nl_tc_filter_count(int ifindex, __u32 parent)
{
	struct filter_id id = { 0 };
	struct req r;
	int err;

	tc_init(&r, RTM_GETTFILTER, NLM_F_DUMP, ifindex, parent, 0, 0);
	err = talk(&r, filter_seen, &id, NULL, 0);
	bl_trace_call(err ? err : id.count, "netlink RTM_GETTFILTER dump ifindex=%d parent=%x:%x",
		      ifindex, TC_H_MAJ(parent) >> 16, TC_H_MIN(parent));
	return err ? err : id.count;
}

/* ---- network namespaces ---------------------------------------------------------- */

/*
 * An ifindex means something only inside one network namespace, and
 * netlink talks to the namespace of the calling thread.  A netlink link
 * remembers the namespace it was made in, and its detach enters that
 * namespace (this thread only) if the caller has moved since, so it
 * never removes a filter from a device of another namespace that
 * happens to have the same ifindex.
 */
int bl_netns_current(void)
{
	int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static bool same_file(int a, int b)
{
	struct stat sa, sb;

	return !fstat(a, &sa) && !fstat(b, &sb) && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

int bl_netns_enter(int ns_fd, int *saved)
{
	int cur;

	*saved = -1;
	if (ns_fd < 0)
		return 0;
	cur = bl_netns_current();
	if (cur < 0)
		return cur;
	if (same_file(cur, ns_fd)) {
		close(cur);
		return 0;
	}
	if (setns(ns_fd, CLONE_NEWNET)) {
		int err = -errno;

		bl_trace_call(err, "setns(%d, CLONE_NEWNET)", ns_fd);
		close(cur);
		return err;
	}
	bl_trace_call(0, "setns(%d, CLONE_NEWNET)", ns_fd);
	*saved = cur;
	return 0;
}

void bl_netns_restore(int saved)
{
	if (saved < 0)
		return;
	bl_trace_call(setns(saved, CLONE_NEWNET) ? -errno : 0, "setns(%d, CLONE_NEWNET)", saved);
	close(saved);
}
