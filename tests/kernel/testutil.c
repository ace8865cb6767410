// SPDX-License-Identifier: BSD-2-Clause
/*
 * testutil.c - helpers shared by the kernel tests; see testutil.h.
 *
 * Everything here talks to the kernel through bpfload's own thin
 * wrappers (bpfload/sys.h), so the tests exercise the same system-call
 * layer the loader uses, and nothing else (tu_get_u64() and
 * tu_set_u64() use the object API of bpfload.h).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_ether.h>
#include <linux/ip.h>

#include <bpfload.h>
#include <bpfload/sys.h>
#include "testutil.h"

#define BPFFS_MAGIC	0xcafe4a11
#define TRACEFS_MAGIC	0x74726163

const char *tu_obj_path(const char *name)
{
	static char bufs[4][PATH_MAX];
	static unsigned int next;
	const char *dir = getenv("BPFLOAD_TEST_OBJS");
	size_t len = strlen(name);
	const char *ext = len > 2 && !strcmp(name + len - 2, ".o") ? "" : ".o";
	char *buf = bufs[next++ % TU_ARRAY_SIZE(bufs)];
	char exe[PATH_MAX - 16], *slash;	/* leaves room for the file name */
	ssize_t n;

	if (dir && *dir) {
		snprintf(buf, PATH_MAX, "%s/%s%s", dir, name, ext);
		return buf;
	}
	/* the folder of the test program: /t in the VM guests */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		snprintf(buf, PATH_MAX, "%s/%s%s", exe, name, ext);
		if (!access(buf, R_OK))
			return buf;
		snprintf(buf, PATH_MAX, "%s/../objs/%s%s", exe, name, ext);
		if (!access(buf, R_OK))
			return buf;
	}
	snprintf(buf, PATH_MAX, "build/tests/objs/%s%s", name, ext);
	return buf;
}

const char *tu_obj_path_or_cwd(const char *name)
{
	static char buf[4][256];
	static int next;
	const char *p = tu_obj_path(name);
	char *b = buf[next++ % 4];

	if (!access(p, R_OK))
		return p;
	snprintf(b, sizeof(buf[0]), "%s.o", name);
	return b;
}

const char *tu_bpf_unavailable(void)
{
	static char why[128];
	int fd;

	if (geteuid() != 0)
		return "not root: the kernel tests need root for bpf() and perf_event_open()";
	fd = bl_sys_map_create(BPF_MAP_TYPE_ARRAY, "tu_probe", 4, 4, 1, NULL);
	if (fd < 0) {
		snprintf(why, sizeof(why), "bpf() is not available: BPF_MAP_CREATE: %s",
			 strerror(-fd));
		return why;
	}
	close(fd);
	return NULL;
}

const char *tu_unavailable(const char *name)
{
	static char why[2 * PATH_MAX + 32];
	const char *bpf = tu_bpf_unavailable();

	if (bpf)
		return bpf;
	if (access(tu_obj_path(name), R_OK)) {
		snprintf(why, sizeof(why), "%s not built: make %s", tu_obj_path(name),
			 tu_obj_path(name));
		return why;
	}
	return NULL;
}

static int ensure_fs(const char *dir, unsigned long magic, const char *src,
		     const char *type, const char *data)
{
	struct statfs st;

	if (statfs(dir, &st) == 0 && (unsigned long)st.f_type == magic)
		return 0;
	if (mount(src, dir, type, 0, data))
		return -errno;
	return 0;
}

int tu_ensure_bpffs(void)
{
	return ensure_fs(TU_BPFFS, BPFFS_MAGIC, "bpf", "bpf", "mode=0700");
}

int tu_ensure_tracefs(void)
{
	return ensure_fs(TU_TRACEFS, TRACEFS_MAGIC, "nodev", "tracefs", NULL);
}

int tu_pin_root_remove(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	if (!dir || !*dir)
		return 0;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	return rmdir(dir) ? -errno : 0;
}

int tu_pin_root_create(char *buf, size_t len, const char *tag)
{
	int err = tu_ensure_bpffs();

	if (err)
		return err;
	snprintf(buf, len, TU_BPFFS "/bpfload-test-%d-%s", (int)getpid(), tag);
	tu_pin_root_remove(buf);
	return mkdir(buf, 0700) ? -errno : 0;
}

void tu_diag_lines(const char *msg)
{
	while (msg && *msg) {
		size_t n = strcspn(msg, "\n");

		printf("# %.*s\n", (int)n, msg);
		msg += n + (msg[n] == '\n');
	}
	fflush(stdout);
}

bool tu_child_ready(int fd)
{
	char c = 0;
	bool good = read(fd, &c, 1) == 1 && c == 'y';

	close(fd);
	return good;
}

int tu_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;		/* the DIR's own fd */
}

/* ---- kernel objects ------------------------------------------------------- */

const char *tu_kind_name(enum tu_kind kind)
{
	static const char *const names[] = { "program", "map", "BTF", "link" };

	return kind < TU_NR_KINDS ? names[kind] : "?";
}

static int next_id(enum tu_kind kind, __u32 id, __u32 *next)
{
	switch (kind) {
	case TU_PROG:
		return bl_sys_prog_get_next_id(id, next);
	case TU_MAP:
		return bl_sys_map_get_next_id(id, next);
	case TU_BTF:
		return bl_sys_btf_get_next_id(id, next);
	case TU_LINK:
		return bl_sys_link_get_next_id(id, next);
	default:
		return -EINVAL;
	}
}

static int fd_by_id(enum tu_kind kind, __u32 id)
{
	switch (kind) {
	case TU_PROG:
		return bl_sys_prog_get_fd_by_id(id);
	case TU_MAP:
		return bl_sys_map_get_fd_by_id(id);
	case TU_BTF:
		return bl_sys_btf_get_fd_by_id(id);
	case TU_LINK:
		return bl_sys_link_get_fd_by_id(id);
	default:
		return -EINVAL;
	}
}

int tu_count_objects(struct tu_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (int k = 0; k < TU_NR_KINDS; k++) {
		__u32 id = 0, next;
		int err;

		while (!(err = next_id(k, id, &next))) {
			c->n[k]++;
			c->max_id[k] = next;
			id = next;
		}
		if (err != -ENOENT)
			return err;
	}
	return 0;
}

int tu_ids_above(enum tu_kind kind, __u32 min_id, __u32 *ids, int max)
{
	__u32 id = min_id, next;
	int n = 0, err;

	while (!(err = next_id(kind, id, &next))) {
		if (n < max)
			ids[n] = next;
		n++;
		id = next;
	}
	return err == -ENOENT ? n : err;
}

/*
 * By walking the ids, not by BPF_*_GET_FD_BY_ID: a fd taken and closed
 * again on a PROG_ARRAY whose last fd was just closed makes the kernel
 * (6.18) schedule its "clear" work a second time while the first is
 * pending, and the map reference taken for it is never dropped: the map
 * stays forever.  Looking costs nothing this way.
 */
int tu_object_exists(enum tu_kind kind, __u32 id)
{
	__u32 next = 0;
	int err;

	if (!id)
		return 0;
	err = next_id(kind, id - 1, &next);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	return next == id;
}

int tu_object_name(enum tu_kind kind, __u32 id, char *name, size_t len)
{
	int fd = fd_by_id(kind, id), err;

	if (fd < 0)
		return fd;
	if (kind == TU_PROG) {
		struct bpf_prog_info info;

		err = tu_prog_info(fd, &info);
		if (!err)
			snprintf(name, len, "%.*s", (int)sizeof(info.name), info.name);
	} else if (kind == TU_MAP) {
		struct bpf_map_info info;

		err = tu_map_info(fd, &info);
		if (!err)
			snprintf(name, len, "%.*s", (int)sizeof(info.name), info.name);
	} else {
		err = -EINVAL;
	}
	close(fd);
	return err;
}

int tu_prog_info(int fd, struct bpf_prog_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return bl_sys_obj_get_info_by_fd(fd, info, &len);
}

int tu_map_info(int fd, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return bl_sys_obj_get_info_by_fd(fd, info, &len);
}

int tu_btf_info(int fd, struct bpf_btf_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return bl_sys_obj_get_info_by_fd(fd, info, &len);
}

int tu_link_info(int fd, struct bpf_link_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return bl_sys_obj_get_info_by_fd(fd, info, &len);
}

int tu_prog_map_ids(int prog_fd, __u32 *ids, __u32 max)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info), n;
	int err = tu_prog_info(prog_fd, &info);

	if (err)
		return err;
	n = info.nr_map_ids;
	if (!n || !max)
		return n;
	/* second call: only the array we want, every other field zero */
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = max;
	info.map_ids = (__u64)(unsigned long)ids;
	err = bl_sys_obj_get_info_by_fd(prog_fd, &info, &len);
	if (err)
		return err;
	return info.nr_map_ids;
}

__u32 tu_prog_id(int fd)
{
	struct bpf_prog_info info;

	return tu_prog_info(fd, &info) ? 0 : info.id;
}

__u32 tu_map_id(int fd)
{
	struct bpf_map_info info;

	return tu_map_info(fd, &info) ? 0 : info.id;
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

void tu_sort_ids(__u32 *ids, size_t n)
{
	qsort(ids, n, sizeof(*ids), cmp_u32);
}

int tu_links_of(__u32 prog_id)
{
	struct bpf_link_info info;
	__u32 id = 0;
	int n = 0;

	while (!bl_sys_link_get_next_id(id, &id)) {
		int fd = bl_sys_link_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (!tu_link_info(fd, &info) && info.prog_id == prog_id)
			n++;
		close(fd);
	}
	return n;
}

bool tu_prog_gone(__u32 id)
{
	for (int i = 0; i < 200; i++) {
		int fd = bl_sys_prog_get_fd_by_id(id);

		if (fd == -ENOENT)
			return true;
		if (fd >= 0)
			close(fd);
		usleep(10000);
	}
	return false;
}

/* ---- globals of a loaded object -------------------------------------------- */

__u64 tu_get_u64(struct bl_object *obj, const char *var)
{
	__u64 v = ~0ULL;

	if (bl_object_get_global(obj, var, &v, sizeof(v))) {
		printf("# cannot read %s\n", var);	/* as tap_diag() */
		fflush(stdout);
	}
	return v;
}

void tu_set_u64(struct bl_object *obj, const char *var, __u64 v)
{
	bl_object_set_global(obj, var, &v, sizeof(v));
}

struct bl_object *tu_load_for_self(const char *name, const char *const *names,
				   struct bl_program **const *progs, __u32 *ids, int n,
				   char *why, size_t len)
{
	struct bl_error err = { 0 };
	__u32 tgid = (__u32)getpid();
	struct bl_object *obj;

	obj = bl_object_open(tu_obj_path(name), NULL, &err);
	if (!obj) {
		snprintf(why, len, "cannot open %s.o: %s", name, err.msg);
		return NULL;
	}
	bl_object_set_global(obj, "target_tgid", &tgid, sizeof(tgid));
	if (bl_object_load(obj, NULL)) {
		snprintf(why, len, "cannot load %s.o: %s", name, bl_object_error(obj));
		bl_object_close(obj);
		return NULL;
	}
	for (int i = 0; i < n; i++) {
		*progs[i] = bl_object_find_program(obj, names[i]);
		if (!*progs[i]) {
			snprintf(why, len, "%s.o lacks a program", name);
			bl_object_close(obj);
			return NULL;
		}
		ids[i] = bl_program_id(*progs[i]);
	}
	return obj;
}

/* ---- tracing and running ---------------------------------------------------- */

const char *tu_tracefs_dir(void)
{
	struct statfs st;

	if (!statfs(TU_TRACEFS, &st) && (unsigned long)st.f_type == TRACEFS_MAGIC)
		return TU_TRACEFS;
	return "/sys/kernel/debug/tracing";
}

int tu_tracefs_write(const char *file, const char *text)
{
	char path[256];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", tu_tracefs_dir(), file);
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int tu_events_with(const char *file, const char *needle)
{
	char path[256], line[PATH_MAX + 128];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tu_tracefs_dir(), file);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

int tu_events_of(pid_t pid)
{
	char needle[64];

	snprintf(needle, sizeof(needle), "bpfload_%d_", (int)pid);
	return tu_events_with("kprobe_events", needle) + tu_events_with("uprobe_events", needle);
}

int tu_tracepoint_id(const char *cat, const char *name)
{
	char path[PATH_MAX], buf[32];
	int fd, n, err;

	err = tu_ensure_tracefs();
	if (err)
		return err;
	snprintf(path, sizeof(path), TU_TRACEFS "/events/%s/%s/id", cat, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	err = n < 0 ? -errno : 0;
	close(fd);
	if (n <= 0)
		return err ? err : -EIO;
	buf[n] = '\0';
	n = atoi(buf);
	return n > 0 ? n : -EINVAL;
}

int tu_attach_tracepoint(int prog_fd, const char *cat, const char *name, int *perf_fd)
{
	struct perf_event_attr attr;
	int id = tu_tracepoint_id(cat, name), pfd, link;

	*perf_fd = -1;
	if (id < 0)
		return id;
	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.size = sizeof(attr);
	attr.config = id;
	attr.sample_period = 1;
	pfd = bl_sys_perf_event_open(&attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0)
		return pfd;
	link = bl_sys_link_create(prog_fd, pfd, BPF_PERF_EVENT, NULL);
	if (link < 0) {
		close(pfd);
		return link;
	}
	*perf_fd = pfd;
	return link;
}

int tu_do_opens(int n)
{
	int fd = -1;

	for (int i = 0; i < n; i++) {
		fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
	}
	return fd;
}

void tu_do_getpid(int n)
{
	for (int i = 0; i < n; i++)
		syscall(SYS_getpid);
}

int tu_possible_cpus(void)
{
	char buf[256], *p;
	int fd, n, cpus = 0;

	fd = open("/sys/devices/system/cpu/possible", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	/* "0-3", "0", "0-1,4-7" */
	for (p = buf; *p && *p != '\n'; ) {
		char *end;
		long a = strtol(p, &end, 10), b = a;

		if (end == p)
			return -EINVAL;
		if (*end == '-') {
			p = end + 1;
			b = strtol(p, &end, 10);
			if (end == p)
				return -EINVAL;
		}
		cpus += b - a + 1;
		p = end;
		if (*p == ',')
			p++;
	}
	return cpus > 0 ? cpus : -EINVAL;
}

void tu_make_frame(unsigned char *buf, size_t len, __u8 proto, bool arp)
{
	struct ethhdr *eth = (struct ethhdr *)buf;
	struct iphdr *iph = (struct iphdr *)(buf + sizeof(*eth));
	static const unsigned char dst[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x02 };
	static const unsigned char src[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };

	memset(buf, 0, len);
	memcpy(eth->h_dest, dst, ETH_ALEN);
	memcpy(eth->h_source, src, ETH_ALEN);
	eth->h_proto = htons(arp ? ETH_P_ARP : ETH_P_IP);
	if (len < sizeof(*eth) + sizeof(*iph))
		return;
	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = 64;
	iph->protocol = proto;
	iph->tot_len = htons(len - sizeof(*eth));
	iph->saddr = htonl(0x0a000001);		/* 10.0.0.1 */
	iph->daddr = htonl(0x0a000002);		/* 10.0.0.2 */
}

int tu_test_run(int prog_fd, const void *data, __u32 size, __u32 *retval)
{
	struct bl_test_run_opts o = { 0 };
	int err;

	o.data_in = data;
	o.data_size_in = size;
	err = bl_sys_prog_test_run(prog_fd, &o);
	if (!err && retval)
		*retval = o.retval;
	return err;
}

/* ---- running a program, reading its output -------------------------------- */

static double now_ms(void)
{
	return (double)tu_now_ns() / 1e6;
}

void tu_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

bool tu_proc_start(struct tu_proc *p, const char *dir, const char *name,
		   const char *const *args)
{
	char path[PATH_MAX + 64];
	const char *argv[16];
	int pfd[2], n = 0;

	memset(p, 0, sizeof(*p));
	p->name = name;
	p->fd = -1;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	argv[n++] = path;
	while (args && *args && n < 15)
		argv[n++] = *args++;
	argv[n] = NULL;
	if (pipe(pfd))
		return false;
	p->pid = fork();
	if (p->pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return false;
	}
	if (!p->pid) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
		execv(path, (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	p->fd = pfd[0];
	fcntl(p->fd, F_SETFL, O_NONBLOCK);
	return true;
}

void tu_proc_pump(struct tu_proc *p, int ms)
{
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	char buf[4096];
	ssize_t n;

	if (p->eof || poll(&pfd, 1, ms) <= 0)
		return;
	while ((n = read(p->fd, buf, sizeof(buf))) > 0) {
		if (p->len + (size_t)n + 1 > p->cap) {
			size_t cap = (p->cap ? p->cap * 2 : 8192) + (size_t)n;
			char *o = realloc(p->out, cap);

			if (!o) {
				printf("Bail out! out of memory\n");	/* as tap_bail() */
				exit(1);
			}
			p->out = o;
			p->cap = cap;
		}
		memcpy(p->out + p->len, buf, (size_t)n);
		p->len += (size_t)n;
		p->out[p->len] = '\0';
	}
	if (n == 0)
		p->eof = true;
}

bool tu_proc_wait_for(struct tu_proc *p, const char *needle, int ms)
{
	double end = now_ms() + ms;

	while (!(p->out && strstr(p->out, needle))) {
		if (p->eof || now_ms() > end)
			return false;
		tu_proc_pump(p, 100);
	}
	return true;
}

int tu_proc_finish(struct tu_proc *p)
{
	double end = now_ms() + 30000;
	int status = 0;

	kill(p->pid, SIGINT);
	while (!p->eof && now_ms() < end)
		tu_proc_pump(p, 100);
	if (!p->eof)
		kill(p->pid, SIGKILL);
	close(p->fd);
	if (waitpid(p->pid, &status, 0) < 0)
		return -1;
	if (!p->eof || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

void tu_proc_show(const struct tu_proc *p)
{
	const char *s = p->out ? p->out : "";
	size_t lines = 0;

	printf("# %s printed:\n", p->name);	/* as tap_diag() */
	while (*s && lines++ < 40) {
		const char *nl = strchr(s, '\n');
		int len = nl ? (int)(nl - s) : (int)strlen(s);

		printf("#   | %.*s\n", len, s);
		s += len + (nl ? 1 : 0);
	}
	fflush(stdout);
}
