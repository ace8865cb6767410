/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * globals.c - global data: .data, .rodata, .bss, a static, a string.
 *
 * Expected facts (clang 14, flags of the Makefile):
 *
 * Program: count_getpid, section "tp/syscalls/sys_enter_getpid"
 *   (TRACEPOINT), 41 insns, the only one; .text is empty.
 * Data sections and variables (offset, size):
 *   .rodata (24 bytes, flags A):     target_pid 0/4 (= 0), weight 4/4 (= 1),
 *                                    primes 8/16 (= {2, 3, 5, 7})
 *   .data (8 bytes, WA):             data_calls 0/8 (= 100)
 *   .bss (40 bytes, NOBITS):         getpid_calls 0/8, weighted_calls 8/8,
 *                                    static_calls 16/8 (LOCAL symbol,
 *                                    BTF linkage static), prime_sum 24/8,
 *                                    last_tag 32/8 (char[8])
 *   .rodata.str1.1 (7 bytes, AMS):   "getpid\0", no symbol of its own
 *   BTF: DATASECs .bss (5 vars), .data (1), .rodata (3), license (1),
 *   all with size 0 and global vars at offset 0 (static_calls at 16):
 *   the loader fills them in from the ELF.  No DATASEC for .rodata.str1.1.
 * Relocations: .reltp/syscalls/sys_enter_getpid, 10, all R_BPF_64_64 on
 *   ld_imm64 (insn: symbol): 1: target_pid, 7: getpid_calls, 11: weight,
 *   14: weighted_calls, 17: data_calls, 21: section symbol .bss with
 *   imm 16 (static_calls), 26: primes, 30: prime_sum, 33: last_tag,
 *   36: section symbol .rodata.str1.1 with imm 0.
 * Uses a value-returning atomic fetch-and-add (needs -mcpu=v3).
 *
 * At run time: every getpid() by a process whose tgid equals target_pid
 * (set it before load; 0 matches nothing) adds 1 to getpid_calls,
 * static_calls and data_calls (which starts at 100), weight to
 * weighted_calls, primes[n % 4] to prime_sum for the n-th call (n from
 * 0), and copies "getpid" to last_tag.  After N calls: getpid_calls = N,
 * data_calls = 100 + N, weighted_calls = N * weight, prime_sum =
 * 17 * (N / 4) + (0, 2, 5, 10)[N % 4].
 * License "GPL".
 */
#include <bpfload/kern.h>

/* .rodata: set by user space before load, read-only afterwards.  The
 * volatile stops clang from folding the initial value into the code. */
const volatile int target_pid = 0;
const volatile __u32 weight = 1;

/* .rodata too: a constant table, indexed at run time */
const __u32 primes[4] = { 2, 3, 5, 7 };

/* .data: initialised, writable */
__u64 data_calls = 100;

/* .bss: zero-initialised */
__u64 getpid_calls;
__u64 weighted_calls;
__u64 prime_sum;
char last_tag[8];

/* .bss, local symbol: code refers to it as .bss + offset */
static __u64 static_calls;

SEC("tp/syscalls/sys_enter_getpid")
int count_getpid(void *ctx)
{
	/* the upper half is the tgid: the pid user space knows */
	int pid = bpf_get_current_pid_tgid() >> 32;
	__u64 n;

	if (pid != target_pid)
		return 0;

	__sync_fetch_and_add(&getpid_calls, 1);
	__sync_fetch_and_add(&weighted_calls, weight);
	__sync_fetch_and_add(&data_calls, 1);
	n = __sync_fetch_and_add(&static_calls, 1);
	__sync_fetch_and_add(&prime_sum, primes[n & 3]);
	/* the literal lives in .rodata.str1.1 */
	bpf_probe_read_kernel_str(last_tag, sizeof(last_tag), "getpid");
	return 0;
}

BL_LICENSE("GPL");
