// SPDX-License-Identifier: BSD-2-Clause
/*
 * list.c - map list, prog list: every kernel object of one kind, by id
 * (BPF_MAP_GET_NEXT_ID, BPF_PROG_GET_NEXT_ID), as a table or JSON array.
 */
#include <errno.h>
#include <unistd.h>

#include "cli/cli.h"

int cli_list(const struct cli_list *l)
{
	struct table t;
	struct json j;
	__u32 id = 0;
	int err, r = 0;

	/* the first call says whether we may enumerate at all */
	err = l->next_id(0, &id);
	if (err && err != -ENOENT) {
		cli_sys_error(err, "cannot enumerate %s (%s)", l->what, l->cmd);
		return 1;
	}
	table_init(&t, l->head, l->align);
	json_init(&j, stdout, cli.pretty);
	if (cli.json)
		json_array_begin(&j);
	for (; !err && !cli_interrupted; err = l->next_id(id, &id)) {
		int fd = l->fd_by_id(id);

		if (fd == -ENOENT)
			continue;	/* gone meanwhile */
		if (fd < 0) {
			cli_sys_error(fd, "cannot open %s %u", l->noun, id);
			r = fd;
			break;
		}
		r = l->row(fd, id, &t, &j);
		close(fd);
		if (r < 0)
			break;
	}
	if (err && err != -ENOENT)
		cli_sys_error(err, "cannot enumerate %s (%s)", l->what, l->cmd);
	if (cli.json) {
		json_array_end(&j);
		json_finish(&j);
	} else {
		table_print(&t, stdout, "");
	}
	table_free(&t);
	if (err && err != -ENOENT)
		return 1;
	return r < 0 ? -1 : 0;
}
