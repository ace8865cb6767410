// SPDX-License-Identifier: BSD-2-Clause
/*
 * error.c - how bpfload reports failures.
 *
 * A failure is a negative errno plus a message that says what failed,
 * why, and what to do.  Messages are built where the facts are known (the
 * section and offset of a bad record, the program whose load failed) and
 * travel up in a struct bl_error, never printed by the library itself.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "object/object.h"

char *bl_scrub_controls(char *s)
{
	for (unsigned char *p = (unsigned char *)s; p && *p; p++)
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
			*p = '?';
	return s;
}

int bl_fail(struct bl_error *e, int err, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return err;
	e->err = err;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	bl_scrub_controls(e->msg);
	return err;
}

void bl_fail_append(struct bl_error *e, const char *fmt, ...)
{
	size_t len;
	va_list ap;

	if (!e)
		return;
	len = strnlen(e->msg, sizeof(e->msg));
	if (len + 1 >= sizeof(e->msg))
		return;
	va_start(ap, fmt);
	vsnprintf(e->msg + len, sizeof(e->msg) - len, fmt, ap);
	va_end(ap);
	bl_scrub_controls(e->msg + len);
}

BL_API char *bl_strerror(int err, char *buf, size_t len)
{
	const char *sym;
	char tmp[128];

	if (err < 0)
		err = -err;
	sym = bl_errno_symbol(err);
	/* ENOTSUPP (524) is kernel-internal; strerror() does not know it. */
	if (err == 524)
		snprintf(tmp, sizeof(tmp), "Operation not supported by this kernel");
	else
		snprintf(tmp, sizeof(tmp), "%s", strerror(err));
	if (sym)
		snprintf(buf, len, "%s (%s)", sym, tmp);
	else
		snprintf(buf, len, "errno %d (%s)", err, tmp);
	return buf;
}
