// SPDX-License-Identifier: BSD-2-Clause
/*
 * t_helpers.c - every helper declared in <bpfload/kern_helpers.h> carries
 * the id the uapi gives it.
 *
 * kern_helpers.h writes helper ids as plain numbers (so that it compiles
 * next to a vmlinux.h whose enum bpf_func_id is older); this checks each
 * of them against BPF_FUNC_<name> of the installed uapi <linux/bpf.h>,
 * walking the uapi's own list of helpers, __BPF_FUNC_MAPPER.  A helper
 * missing from the header fails to compile here.  The header is plain C,
 * so the host compiler reads it too: a helper's "address" is its id.
 */
#include <linux/bpf.h>
#include <stdint.h>
#include <string.h>

#include <bpfload/kern_helpers.h>

#include "tap.h"

/* id 0, BPF_FUNC_unspec, is not a helper; give the list its entry */
static void *(* const bpf_unspec)(void) = (void *) 0;

struct helper_id {
	const char *name;
	long declared;		/* the value kern_helpers.h gives bpf_<name> */
	long uapi;		/* BPF_FUNC_<name> */
};

/* The mapper expands to "FN(a), FN(b), ...": an initializer list. */
#define HELPER_ID(name, ...) { #name, (long)(intptr_t)bpf_##name, BPF_FUNC_##name }

int main(void)
{
	const struct helper_id ids[] = { __BPF_FUNC_MAPPER(HELPER_ID) };
	int checked = sizeof(ids) / sizeof(ids[0]), wrong = 0;

	for (int i = 0; i < checked; i++) {
		if (ids[i].declared == ids[i].uapi)
			continue;
		wrong++;
		tap_diag("bpf_%s: kern_helpers.h says %ld, the uapi BPF_FUNC_%s is %ld",
			 ids[i].name, ids[i].declared, ids[i].name, ids[i].uapi);
	}
	is_int(wrong, 0, "all %d helper ids of kern_helpers.h match the uapi enum", checked);
	is_int(checked, __BPF_FUNC_MAX_ID, "... and that is every id below __BPF_FUNC_MAX_ID");
	is_int((long)(intptr_t)bpf_map_lookup_elem, 1, "bpf_map_lookup_elem is helper 1");
	is_int((long)(intptr_t)bpf_trace_printk, 6, "bpf_trace_printk is helper 6");
	is_int((long)(intptr_t)bpf_ringbuf_output, 130, "bpf_ringbuf_output is helper 130");
	return tap_done();
}
