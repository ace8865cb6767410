// SPDX-License-Identifier: BSD-2-Clause
/*
 * hello - print "Hello, World!" each time a process calls clone().
 *
 *   hello [-d SECONDS] [--kprobe | --tracepoint]
 *
 * What it shows: the smallest useful BPF tracing program.  The kernel
 * side (kern/hello_kern.c) calls bpf_printk() on every clone() system
 * call; we print the lines the kernel's trace buffer then holds, as
 * tracefs' trace_pipe gives them:
 *
 *             bash-4811    [001] d..31  5231.123456: bpf_trace_printk: Hello, World!
 *             comm-pid     cpu   flags  timestamp    event             message
 *
 * Mechanisms:
 *  - a kprobe on the clone syscall's entry point (section
 *    "ksyscall/clone": the loader finds __x64_sys_clone in
 *    /proc/kallsyms and opens a kprobe perf event for it);
 *  - where the kernel has no kprobes (CONFIG_KPROBES off, as on our
 *    development host), the syscalls/sys_enter_clone tracepoint instead.
 *    Both programs are in one object: we pick one before loading with
 *    bl_program_set_autoload(), try the kprobe first and fall back,
 *    and say which one is in use;
 *  - bpf_trace_printk() and tracefs trace_pipe (bpfload/events.h).
 *
 * trace_pipe is shared by the whole machine and reading it consumes the
 * lines: run one trace_pipe reader at a time, and expect lines from
 * other BPF programs that print too.  Lines already waiting when hello
 * starts are discarded.  On Ctrl-C (or after --duration) the object is
 * closed, which detaches the program, and the lines it printed until
 * then are still shown.
 *
 * sync is the same program for another system call: the code of both is
 * sample_syscall_main(), in user/sample_printk.h.
 */
#include <sample_printk.h>

static const char usage[] =
	"usage: hello [-d SECONDS] [--kprobe | --tracepoint]\n"
	"\n"
	"Print \"Hello, World!\" (from bpf_printk, read on trace_pipe) each time a\n"
	"process calls clone().  Uses a kprobe on the clone syscall, or the\n"
	"syscalls/sys_enter_clone tracepoint where the kernel has no kprobes.\n"
	"\n"
	SAMPLE_SYSCALL_OPTIONS;

int main(int argc, char **argv)
{
	static const struct sample_syscall sample = {
		.name = "hello",		/* programs hello_kprobe and hello_tp */
		.syscall = "clone",
		.traced = "clone()",
		.usage = usage,
	};

	return sample_syscall_main(argc, argv, &sample);
}
