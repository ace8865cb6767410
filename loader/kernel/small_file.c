// SPDX-License-Identifier: BSD-2-Clause
/*
 * small_file.c - reading the one-line files of sysfs, procfs and tracefs
 * (CPU lists, PMU types, event ids, error logs).
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "kernel/kernel.h"

int bl_read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	buf[n] = '\0';
	return 0;
}
