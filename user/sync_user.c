// SPDX-License-Identifier: BSD-2-Clause
/*
 * sync - print a line each time a process calls sync().
 *
 *   sync [-d SECONDS] [--kprobe | --tracepoint]
 *
 * What it shows: who flushes the file system caches, and when.  The
 * kernel side (kern/sync_kern.c) calls bpf_printk("sys_sync() called")
 * on each sync() system call; we print the trace_pipe lines, which name
 * the calling process and its pid:
 *
 *             sync-5120    [000] d..31  6120.845312: bpf_trace_printk: sys_sync() called
 *
 * Mechanisms, as in hello: a kprobe on the syscall's entry point
 * (section "ksyscall/sync", resolved to __x64_sys_sync through
 * /proc/kallsyms) where the kernel has kprobes, else the
 * syscalls/sys_enter_sync tracepoint, chosen before load with
 * bl_program_set_autoload() and announced at start; bpf_trace_printk()
 * read back from tracefs' trace_pipe (bpfload/events.h).
 *
 * trace_pipe is shared by the whole machine and consumes what it gives:
 * run one reader at a time.  Lines already waiting at start are dropped;
 * those printed before Ctrl-C (or the end of --duration) are still shown
 * after the program is detached.
 *
 * The code, shared with hello: sample_syscall_main(), in
 * user/sample_printk.h.
 */
#include <sample_printk.h>

static const char usage[] =
	"usage: sync [-d SECONDS] [--kprobe | --tracepoint]\n"
	"\n"
	"Print a line each time a process calls sync(), from bpf_printk (read on\n"
	"trace_pipe).  Uses a kprobe on the sync syscall, or the\n"
	"syscalls/sys_enter_sync tracepoint where the kernel has no kprobes.\n"
	"\n"
	SAMPLE_SYSCALL_OPTIONS;

int main(int argc, char **argv)
{
	static const struct sample_syscall sample = {
		.name = "sync",		/* programs sync_kprobe and sync_tp */
		.syscall = "sync",
		.traced = "sys_sync()",
		.usage = usage,
	};

	return sample_syscall_main(argc, argv, &sample);
}
