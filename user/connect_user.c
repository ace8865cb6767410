/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * connect - print every connect() to an IPv4 or IPv6 address as it is
 * made, by any process (or by one, with -p):
 *
 *	# ./connect
 *	connect: tracing connect() to IPv4 and IPv6 addresses... Ctrl-C to end.
 *	>> [curl]: connect '93.184.215.14:443'
 *	>> [ssh]: connect '[2001:db8::1]:22'
 *	>> [python3]: connect '127.0.0.1:8080'
 *
 * The port is shown in host byte order (what the program asked for), IPv6
 * addresses in their standard compressed form in brackets ("[::1]:80",
 * RFC 5952), with "%scope" when a scope id was given.  -v adds the
 * process and thread ids.
 *
 * How: kern/connect_kern.c runs on the syscalls/sys_enter_connect
 * tracepoint, copies the socket address from the caller's memory and
 * sends one record per call through a BPF ring buffer; this side maps
 * the ring (bl_ringbuf_*, epoll-driven) and prints each record.  The
 * pid filter is a .rodata constant written before load, so the kernel
 * never even sends records of other processes.  Records are printed
 * when connect() is entered: a call that then fails is shown too.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>

#include <bpfload/events.h>
#include "sample.h"

#include "../kern/connect.h"

static const char usage[] =
	"Usage: connect [-p PID] [-v] [-d SECONDS]\n"
	"Print each connect() to an IPv4 or IPv6 address: >> [comm]: connect 'addr:port'\n"
	"(syscalls/sys_enter_connect tracepoint, records through a BPF ring buffer)\n"
	"\n"
	"  -p, --pid PID        only connect() calls made by process PID\n"
	"  -v, --verbose        also print the process and thread ids\n"
	"  -d, --duration SECS  stop after SECS seconds (default: at Ctrl-C)\n"
	"  -h, --help           this text\n";

static __u32 opt_pid;
static int opt_verbose;
static unsigned long long nr_events;

static int parse_extra(int opt, const char *arg)
{
	switch (opt) {
	case 'p':
		opt_pid = sample_pid("connect", arg);
		return 0;
	case 'v':
		opt_verbose = 1;
		return 0;
	}
	return -1;
}

static void prepare(struct bl_object *obj)
{
	if (opt_pid && bl_object_set_global(obj, "target_tgid", &opt_pid, sizeof(opt_pid)))
		sample_die("connect: cannot set target_tgid: %s", bl_object_error(obj));
}

static int print_event(void *ctx, const void *data, size_t size)
{
	struct connect_event e;
	char addr[INET6_ADDRSTRLEN];
	char where[INET6_ADDRSTRLEN + IF_NAMESIZE + 16];

	(void)ctx;
	if (size < sizeof(e))
		return 0;
	memcpy(&e, data, sizeof(e));	/* ring records are 8-byte aligned; be safe */
	e.comm[sizeof(e.comm) - 1] = '\0';

	if (!inet_ntop(e.family, e.addr, addr, sizeof(addr)))
		snprintf(addr, sizeof(addr), "?");
	if (e.family == AF_INET) {
		snprintf(where, sizeof(where), "%s:%u", addr, e.port);
	} else if (e.scope_id) {
		char ifname[IF_NAMESIZE];

		/* the name in our network namespace (usually the caller's too), else the number */
		if (!if_indextoname(e.scope_id, ifname))
			snprintf(ifname, sizeof(ifname), "%u", e.scope_id);
		snprintf(where, sizeof(where), "[%s%%%s]:%u", addr, ifname, e.port);
	} else {
		snprintf(where, sizeof(where), "[%s]:%u", addr, e.port);
	}

	if (opt_verbose)
		printf(">> [%s] pid %u tid %u: connect '%s'\n", e.comm, e.tgid, e.tid, where);
	else
		printf(">> [%s]: connect '%s'\n", e.comm, where);
	nr_events++;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct sample_opts o = { 0 };
	struct bl_object *obj;
	struct bl_ringbuf *rb;
	struct bl_error err;
	__u64 dropped = 0;
	int ret;

	if (sample_parse(argc, argv, usage, &o, "p:v", longs, parse_extra) != argc) {
		fprintf(stderr, "%s", usage);
		return 2;
	}
	if (o.interval)
		sample_die("connect: -i: this sample prints each event as it comes");
	/* one line per record even into a pipe or a file */
	setvbuf(stdout, NULL, _IOLBF, 0);
	sample_catch_signals();

	obj = sample_load(argv[0], prepare);
	rb = sample_ringbuf("connect", obj, print_event);
	/* the count of links made, or -errno */
	if (bl_object_attach_all(obj, &err) < 0)
		sample_die("connect: %s", err.msg);

	if (opt_pid)
		fprintf(stderr, "connect: tracing connect() by pid %u to IPv4 and IPv6 addresses..."
			" Ctrl-C to end.\n", opt_pid);
	else
		fprintf(stderr, "connect: tracing connect() to IPv4 and IPv6 addresses..."
			" Ctrl-C to end.\n");

	ret = bl_ringbuf_run(rb, o.duration > 0 ? (int)(o.duration * 1000) : -1, &sample_stop);
	/* detach first, then print what is still in the ring */
	bl_object_detach_all(obj);
	if (ret >= 0)
		ret = bl_ringbuf_consume(rb);

	bl_object_get_global(obj, "dropped", &dropped, sizeof(dropped));
	fprintf(stderr, "connect: %llu connect() calls shown", nr_events);
	if (dropped)
		fprintf(stderr, ", %llu lost (ring buffer full)", (unsigned long long)dropped);
	fputc('\n', stderr);

	bl_ringbuf_free(rb);
	bl_object_close(obj);
	if (ret < 0) {
		char buf[128];

		fprintf(stderr, "connect: reading the ring buffer: %s\n",
			bl_strerror(ret, buf, sizeof(buf)));
		return 1;
	}
	return 0;
}
