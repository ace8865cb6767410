/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * attach_many.c - 128 tracepoint programs on 128 different tracepoints
 * (entry and exit of 64 syscalls), for the attach/detach benchmark.
 * Distinct tracepoints matter: the kernel waits for RCU when the last
 * perf event of a tracepoint goes away, so this is the worst case.
 * Programs come in the order listed: the first 32 are 16 syscalls.
 * License "GPL".
 */
#include <bpfload/kern.h>

__u64 hits;

#define PAIR(name)							\
SEC("tp/syscalls/sys_enter_" #name)					\
int enter_##name(void *ctx)						\
{									\
	__sync_fetch_and_add(&hits, 1);					\
	return 0;							\
}									\
SEC("tp/syscalls/sys_exit_" #name)					\
int exit_##name(void *ctx)						\
{									\
	__sync_fetch_and_add(&hits, 1);					\
	return 0;							\
}

PAIR(read) PAIR(write) PAIR(openat) PAIR(close) PAIR(lseek) PAIR(mmap)
PAIR(mprotect) PAIR(munmap) PAIR(brk) PAIR(ioctl) PAIR(pread64) PAIR(pwrite64)
PAIR(readv) PAIR(writev) PAIR(access) PAIR(pipe) PAIR(select) PAIR(sched_yield)
PAIR(mremap) PAIR(msync) PAIR(mincore) PAIR(madvise) PAIR(dup) PAIR(dup2)
PAIR(pause) PAIR(nanosleep) PAIR(getitimer) PAIR(alarm) PAIR(setitimer) PAIR(getpid)
PAIR(sendfile64) PAIR(socket) PAIR(connect) PAIR(accept) PAIR(sendto) PAIR(recvfrom)
PAIR(sendmsg) PAIR(recvmsg) PAIR(shutdown) PAIR(bind) PAIR(listen) PAIR(getsockname)
PAIR(getpeername) PAIR(socketpair) PAIR(setsockopt) PAIR(getsockopt) PAIR(clone)
PAIR(fork) PAIR(vfork) PAIR(execve) PAIR(exit) PAIR(wait4) PAIR(kill) PAIR(newuname)
PAIR(fcntl) PAIR(flock) PAIR(fsync) PAIR(fdatasync) PAIR(truncate) PAIR(ftruncate)
PAIR(getdents64) PAIR(getcwd) PAIR(chdir) PAIR(fchdir)

BL_LICENSE("GPL");
