// SPDX-License-Identifier: BSD-2-Clause
/*
 * array.c - growing arrays.
 *
 * Counts in an object come from the object: growing one element at a
 * time would make a hostile file with many small records quadratic, so
 * every growable array here doubles its capacity.
 */
#include <errno.h>
#include <stdlib.h>

#include "object/object.h"

int bl_array_reserve(void **ptr, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap ? *cap : 8;
	void *n;

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -ENOMEM;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elem)
		return -ENOMEM;
	n = realloc(*ptr, ncap * elem);
	if (!n)
		return -ENOMEM;
	*ptr = n;
	*cap = ncap;
	return 0;
}
