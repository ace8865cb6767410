// SPDX-License-Identifier: GPL-2.0
/*
 * guest-smoke - prove the VM test infrastructure: kprobes work in the guest.
 *
 * Runs inside the QEMU guest (static, raw bpf()/perf_event_open() system
 * calls, no library).  A hand-assembled BPF_PROG_TYPE_KPROBE program adds
 * one to an array map element each time our own process enters
 * __x64_sys_getpid; we attach it three ways, call getpid() N times each,
 * and read back exactly N:
 *
 *   - kprobe PMU (perf_event_open type=<kprobe PMU>, kprobe_func=name)
 *   - kretprobe through the same PMU (the "retprobe" config bit)
 *   - a legacy tracefs kprobe_events "p:" event, opened as a tracepoint
 *
 * Prints TAP; exits 0 only if every check passed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>

#define KPROBE_FUNC	"__x64_sys_getpid"
#define NR_TRIGGERS	100
#define PMU_DIR		"/sys/bus/event_source/devices/kprobe"
#define TRACEFS		"/sys/kernel/tracing"

static int tests_run, tests_failed;
static char log_buf[65536];

static void __attribute__((format(printf, 2, 3))) ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tests_run++;
	if (!cond)
		tests_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tests_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int sys_perf_event_open(struct perf_event_attr *attr, pid_t pid,
			       int cpu, int group_fd, unsigned long flags)
{
	return syscall(SYS_perf_event_open, attr, pid, cpu, group_fd, flags);
}

/* Read a whole small file into buf; returns length or -1. */
static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* The kprobe PMU's perf type, from sysfs (6 on 6.1, 8 on 6.12: varies). */
static int kprobe_pmu_type(void)
{
	char buf[32];

	if (read_file(PMU_DIR "/type", buf, sizeof(buf)) < 0)
		return -1;
	return atoi(buf);
}

/* The retprobe bit: format/retprobe holds "config:N". */
static int kprobe_retprobe_bit(void)
{
	char buf[32];

	if (read_file(PMU_DIR "/format/retprobe", buf, sizeof(buf)) < 0 ||
	    strncmp(buf, "config:", 7))
		return -1;
	return atoi(buf + 7);
}

static int array_map_create(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = sizeof(uint32_t);
	attr.value_size = sizeof(uint64_t);
	attr.max_entries = 1;
	return sys_bpf(BPF_MAP_CREATE, &attr);
}

static int map_get(int map_fd, uint64_t *val)
{
	union bpf_attr attr;
	uint32_t key = 0;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = map_fd;
	attr.key = (uintptr_t)&key;
	attr.value = (uintptr_t)val;
	return sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr);
}

static int map_reset(int map_fd)
{
	union bpf_attr attr;
	uint32_t key = 0;
	uint64_t zero = 0;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = map_fd;
	attr.key = (uintptr_t)&key;
	attr.value = (uintptr_t)&zero;
	attr.flags = BPF_ANY;
	return sys_bpf(BPF_MAP_UPDATE_ELEM, &attr);
}

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

/*
 * if ((bpf_get_current_pid_tgid() >> 32) == tgid) {
 *	u32 key = 0;
 *	u64 *v = bpf_map_lookup_elem(&map, &key);
 *	if (v)
 *		__sync_fetch_and_add(v, 1);
 * }
 * return 0;
 */
static int kprobe_prog_load(int map_fd, pid_t tgid)
{
	struct bpf_insn insns[] = {
		/* 0: r0 = bpf_get_current_pid_tgid() */
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_get_current_pid_tgid),
		/* 1: r0 >>= 32 (the tgid) */
		INSN(BPF_ALU64 | BPF_RSH | BPF_K, BPF_REG_0, 0, 0, 32),
		/* 2: if r0 != tgid goto 12 */
		INSN(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, 9, tgid),
		/* 3: *(u32 *)(r10 - 4) = 0 (the key, on the stack) */
		INSN(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -4, 0),
		/* 4: r2 = r10 */
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0),
		/* 5: r2 += -4 (r2 = &key) */
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -4),
		/* 6-7: r1 = map (ld_imm64, src BPF_PSEUDO_MAP_FD: imm is the fd) */
		INSN(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_FD, 0, map_fd),
		INSN(0, 0, 0, 0, 0),
		/* 8: r0 = bpf_map_lookup_elem(r1, r2) */
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
		/* 9: if r0 == NULL goto 12 */
		INSN(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 2, 0),
		/* 10: r1 = 1 */
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_1, 0, 0, 1),
		/* 11: lock *(u64 *)(r0 + 0) += r1 (atomic add, imm BPF_ADD = 0) */
		INSN(BPF_STX | BPF_XADD | BPF_DW, BPF_REG_0, BPF_REG_1, 0, 0),
		/* 12: r0 = 0 */
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0),
		/* 13: exit */
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_KPROBE;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = sizeof(insns) / sizeof(insns[0]);
	attr.license = (uintptr_t)"GPL";
	/* kern_version is only checked by kernels < 5.0; ours are >= 5.10. */
	attr.kern_version = 0;
	attr.log_buf = (uintptr_t)log_buf;
	attr.log_size = sizeof(log_buf);
	attr.log_level = 1;
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0)
		printf("# BPF_PROG_LOAD: %s\n# verifier log:\n%s\n", strerror(errno), log_buf);
	return fd;
}

/* Open a kprobe (or kretprobe) on func through the kprobe PMU. */
static int kprobe_pmu_open(int type, int retbit, const char *func, int ret)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = type;
	attr.config = ret ? 1ULL << retbit : 0;
	attr.kprobe_func = (uintptr_t)func;
	attr.probe_offset = 0;
	/* pid -1, cpu 0: the program still runs on every CPU. */
	return sys_perf_event_open(&attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
}

/* Create a legacy kprobe event in tracefs and open it as a tracepoint. */
static int kprobe_legacy_open(const char *event, const char *func)
{
	struct perf_event_attr attr;
	char cmd[256], path[256], buf[32];
	int fd, n;

	n = snprintf(cmd, sizeof(cmd), "p:bpfload/%s %s\n", event, func);
	/* O_APPEND: opening with O_TRUNC would clear every kprobe event. */
	fd = open(TRACEFS "/kprobe_events", O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, cmd, n) != n) {
		close(fd);
		return -1;
	}
	close(fd);
	snprintf(path, sizeof(path), TRACEFS "/events/bpfload/%s/id", event);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = strtoull(buf, NULL, 10);
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	return sys_perf_event_open(&attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
}

static void kprobe_legacy_remove(const char *event)
{
	char cmd[256];
	int fd, n;

	n = snprintf(cmd, sizeof(cmd), "-:bpfload/%s\n", event);
	fd = open(TRACEFS "/kprobe_events", O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, cmd, n) != n)
		printf("# removing kprobe event %s: %s\n", event, strerror(errno));
	close(fd);
}

/*
 * Attach prog to perf event pfd, call getpid() NR_TRIGGERS times, detach,
 * and check the map counted exactly that many.
 */
static void count_hits(const char *what, int pfd, int prog_fd, int map_fd)
{
	uint64_t hits = ~0ULL;
	int i;

	ok(pfd >= 0, "%s: perf_event_open on %s%s%s", what, KPROBE_FUNC,
	   pfd < 0 ? ": " : "", pfd < 0 ? strerror(errno) : "");
	if (pfd < 0) {
		ok(0, "%s: count (no perf event)", what);
		return;
	}
	map_reset(map_fd);
	if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog_fd) ||
	    ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0)) {
		printf("# attach: %s\n", strerror(errno));
		close(pfd);
		ok(0, "%s: count (attach failed)", what);
		return;
	}
	for (i = 0; i < NR_TRIGGERS; i++)
		syscall(SYS_getpid);	/* glibc's getpid() does not cache, but be explicit */
	close(pfd);
	if (map_get(map_fd, &hits))
		printf("# map lookup: %s\n", strerror(errno));
	ok(hits == NR_TRIGGERS, "%s: counted %llu of %d getpid calls", what,
	   (unsigned long long)hits, NR_TRIGGERS);
}

int main(void)
{
	char event[64];
	int type, retbit, map_fd, prog_fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("1..11\n");

	type = kprobe_pmu_type();
	ok(type > 0, "kprobe PMU type %d (" PMU_DIR "/type)", type);
	retbit = kprobe_retprobe_bit();
	ok(retbit >= 0, "kprobe PMU retprobe bit config:%d", retbit);
	ok(access(TRACEFS "/kprobe_events", W_OK) == 0, TRACEFS "/kprobe_events exists");

	map_fd = array_map_create();
	ok(map_fd >= 0, "BPF_MAP_CREATE array%s%s", map_fd < 0 ? ": " : "",
	   map_fd < 0 ? strerror(errno) : "");
	prog_fd = map_fd >= 0 ? kprobe_prog_load(map_fd, getpid()) : -1;
	ok(prog_fd >= 0, "BPF_PROG_LOAD kprobe program");
	if (prog_fd < 0) {
		printf("Bail out! cannot load the kprobe program\n");
		return 1;
	}

	count_hits("kprobe PMU", kprobe_pmu_open(type, retbit, KPROBE_FUNC, 0),
		   prog_fd, map_fd);
	count_hits("kretprobe PMU",
		   retbit >= 0 ? kprobe_pmu_open(type, retbit, KPROBE_FUNC, 1) : -1,
		   prog_fd, map_fd);
	snprintf(event, sizeof(event), "smoke_%d", getpid());
	count_hits("legacy kprobe_events", kprobe_legacy_open(event, KPROBE_FUNC),
		   prog_fd, map_fd);
	kprobe_legacy_remove(event);

	close(prog_fd);
	close(map_fd);
	return tests_failed ? 1 : 0;
}
