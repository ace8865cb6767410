// SPDX-License-Identifier: GPL-2.0
/*
 * guest-exit - end the QEMU guest with an exit status.
 *
 *   guest-exit CODE
 *
 * Writes CODE (0..127) to the isa-debug-exit device at I/O port 0xf4
 * (-device isa-debug-exit,iobase=0xf4,iosize=0x04); QEMU then exits at
 * once with status (CODE << 1) | 1.  Without the device the write does
 * nothing and we fall back to reboot(POWER_OFF), so that the host sees a
 * plain exit (status 0), which it must treat as a failure.
 *
 * Static, no headers beyond the C library's system call wrapper.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/reboot.h>

#define DEBUG_EXIT_PORT 0xf4

static inline void outb(unsigned char val, unsigned short port)
{
	__asm__ volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

int main(int argc, char **argv)
{
	long code;
	char *end;

	if (argc != 2) {
		fprintf(stderr, "usage: guest-exit CODE\n");
		return 2;
	}
	code = strtol(argv[1], &end, 0);
	if (*end || code < 0 || code > 127) {
		fprintf(stderr, "guest-exit: bad code '%s'\n", argv[1]);
		return 2;
	}
	sync();
	/* ioperm(port, 1, 1): allow this process to touch the port. */
	if (syscall(SYS_ioperm, DEBUG_EXIT_PORT, 1, 1)) {
		perror("guest-exit: ioperm");
	} else {
		outb((unsigned char)code, DEBUG_EXIT_PORT);
		/* Only reached without the isa-debug-exit device. */
		fprintf(stderr, "guest-exit: no isa-debug-exit device\n");
	}
	syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
		LINUX_REBOOT_CMD_POWER_OFF, NULL);
	return 1;
}
