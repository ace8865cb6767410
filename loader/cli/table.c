// SPDX-License-Identifier: BSD-2-Clause
/*
 * table.c - human output in aligned columns.
 *
 * Rows are collected first and printed at the end, each column as wide as
 * its widest cell; text columns are left-aligned, numbers right-aligned.
 * The last column is not padded, so lines carry no trailing blanks.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

void table_init(struct table *t, const char *const *head, const char *align)
{
	memset(t, 0, sizeof(*t));
	t->head = head;
	t->align = align;
	while (head[t->ncols])
		t->ncols++;
	t->col = t->ncols;
}

static void out_of_memory(void)
{
	cli_error("out of memory");
	exit(1);
}

static void finish_row(struct table *t)
{
	/* cells the caller did not fill stay empty */
	while (t->nrows && t->col < t->ncols)
		table_cell(t, "%s", "");
}

void table_row(struct table *t)
{
	finish_row(t);
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **cells = realloc(t->cells, cap * t->ncols * sizeof(*cells));

		if (!cells)
			out_of_memory();
		t->cells = cells;
		t->cap = cap;
	}
	t->nrows++;
	t->col = 0;
}

void table_cell(struct table *t, const char *fmt, ...)
{
	char *s;
	va_list ap;

	if (!t->nrows || t->col >= t->ncols)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		out_of_memory();
	va_end(ap);
	t->cells[(t->nrows - 1) * t->ncols + t->col++] = cli_printable(s);
}

static void print_line(const struct table *t, FILE *f, const char *indent,
		       const char *const *cells, const size_t *width)
{
	fputs(indent, f);
	for (size_t c = 0; c < t->ncols; c++) {
		bool last = c + 1 == t->ncols;
		int w = (int)width[c];

		if (t->align[c] == 'r')
			fprintf(f, "%*s", w, cells[c]);
		else if (last)
			fputs(cells[c], f);
		else
			fprintf(f, "%-*s", w, cells[c]);
		if (!last)
			fputs("  ", f);
	}
	fputc('\n', f);
}

void table_print(struct table *t, FILE *f, const char *indent)
{
	size_t *width = calloc(t->ncols, sizeof(*width));

	if (!width)
		out_of_memory();
	finish_row(t);
	for (size_t c = 0; c < t->ncols; c++) {
		width[c] = strlen(t->head[c]);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t l = strlen(t->cells[r * t->ncols + c]);

			if (l > width[c])
				width[c] = l;
		}
	}
	print_line(t, f, indent, t->head, width);
	for (size_t r = 0; r < t->nrows; r++)
		print_line(t, f, indent, (const char *const *)&t->cells[r * t->ncols], width);
	free(width);
}

void table_free(struct table *t)
{
	finish_row(t);
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
}
