/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * syscount.h - the value of the map counts, as syscount_kern.c counts
 * and syscount_user.c reads it.
 *
 * Shared by the BPF and the user side, so fixed-size types only.
 */
#ifndef SYSCOUNT_H
#define SYSCOUNT_H

#include <linux/types.h>

/* Value of the map counts (key: the process id). */
struct syscount_value {
	__u64 calls;
	__u64 errors;
	char comm[16];
};

#endif /* SYSCOUNT_H */
