/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uprobe_target - a small program for the uprobe sample to trace.
 *
 *	uprobe_target [COUNT [INTERVAL_MS]]
 *
 * Calls compute(i, i * 1000000007, i odd ? "odd" : "even") for i = 1 ..
 * COUNT (default 5), INTERVAL_MS apart (default 200), and prints each
 * call with its result, in the form the uprobe sample prints them:
 *
 *	uprobe_target 4242: compute(a=1, b=1000000007, tag="odd") = 13
 *
 * compute() is a plain exported function that is never inlined, so that
 * its symbol is in the ELF symbol table and every call really enters it:
 * that is what a uprobe needs ("uprobe_target:compute").  Built with
 * -O0 -g like every helper program of user/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int compute(int a, long b, const char *tag);

/* Something of each argument goes into the result, so that the sample's
 * output can be checked: 3a + (b mod 1000) + strlen(tag). */
__attribute__((noinline, used)) int compute(int a, long b, const char *tag)
{
	return a * 3 + (int)(b % 1000) + (int)strlen(tag);
}

int main(int argc, char **argv)
{
	long count = argc > 1 ? strtol(argv[1], NULL, 10) : 5;
	long interval_ms = argc > 2 ? strtol(argv[2], NULL, 10) : 200;
	struct timespec ts = { interval_ms / 1000, (interval_ms % 1000) * 1000000L };

	if (argc > 3 || count < 0 || interval_ms < 0 || (argc > 1 && !strcmp(argv[1], "-h"))) {
		fprintf(stderr, "Usage: %s [COUNT [INTERVAL_MS]]\n"
			"Call compute(i, i * 1000000007, \"odd\"/\"even\") for i = 1..COUNT"
			" (default 5), INTERVAL_MS apart (default 200).\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (long i = 1; i <= count; i++) {
		const char *tag = i % 2 ? "odd" : "even";
		long b = i * 1000000007L;
		int r = compute((int)i, b, tag);

		printf("uprobe_target %d: compute(a=%ld, b=%ld, tag=\"%s\") = %d\n",
		       (int)getpid(), i, b, tag, r);
		if (i < count && interval_ms)
			nanosleep(&ts, NULL);
	}
	return 0;
}
