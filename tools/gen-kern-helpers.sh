#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# gen-kern-helpers.sh - write include/bpfload/kern_helpers.h from the uapi
# <linux/bpf.h>.
#
#   tools/gen-kern-helpers.sh [UAPI_BPF_H] > include/bpfload/kern_helpers.h
#
# UAPI_BPF_H defaults to /usr/include/linux/bpf.h.  The output is
# committed, so building kern programs never runs this script; rerun it
# when moving to a newer uapi header and review the diff.
#
# Where the facts come from:
#   - which helpers exist and their ids: the FN(name) entries of
#     __BPF_FUNC_MAPPER, which generates enum bpf_func_id (BPF_FUNC_<name>):
#     the id is the entry's position (6.1) or spelled out in it (6.2+).
#     The header writes the number, not the enum name: helper ids never
#     change, and a vmlinux.h from an older kernel, whose enum lacks the
#     newer helpers, then still compiles with it;
#   - prototypes: the doc comment above it, where every helper starts
#     with a line " * <ret> bpf_<name>(<args>)" directly followed by a
#     " *<tab>Description" line (with or without a space before the tab).
#
# The documented prototypes are written from the kernel's side, so they
# are rewritten into what a BPF program sees:
#   - u32/s64/... become the __u32/__s64 types of <linux/types.h>, size_t
#     becomes unsigned long (64 bits on BPF);
#   - "struct bpf_map *" becomes "void *": programs pass the address of
#     their map definition, whose type is an anonymous struct (BTF maps)
#     or struct bpf_map_def (legacy maps);
#   - the kernel's context types become the uapi context types that
#     programs receive: sk_buff -> __sk_buff, xdp_buff -> xdp_md,
#     sk_msg_buff -> sk_msg_md;
#   - a helper documented with several prototypes (one per program type)
#     gets "void *" for the parameters whose types differ.
# Every struct named in the output is forward-declared at file scope, so
# no kernel header is needed and none is pulled in.

set -euo pipefail

UAPI=${1:-/usr/include/linux/bpf.h}
[ -r "$UAPI" ] || { echo "gen-kern-helpers.sh: cannot read $UAPI" >&2; exit 1; }

awk -v src="$UAPI" '
function trim(s) {
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	return s
}

# Kernel-side type spelling -> BPF-program-side spelling.
function fixtype(s,    w) {
	s = " " s " "
	gsub(/[(]/, " ( ", s)
	gsub(/[)]/, " ) ", s)
	gsub(/[*]/, " * ", s)
	gsub(/,/, " , ", s)
	gsub(/[ \t]+/, " ", s)
	for (w = 1; w <= nints; w++)
		while (sub(" " ints[w] " ", " __" ints[w] " ", s))
			;
	gsub(/ size_t /, " unsigned long ", s)
	gsub(/ struct bpf_map \* /, " void * ", s)
	gsub(/ struct sk_buff /, " struct __sk_buff ", s)
	gsub(/ struct xdp_buff /, " struct xdp_md ", s)
	gsub(/ struct sk_msg_buff /, " struct sk_msg_md ", s)
	# back to normal C spacing: "type *name", "type **name", "(a, b)"
	gsub(/ +/, " ", s)
	gsub(/\* /, "*", s)
	gsub(/ ,/, ",", s)
	gsub(/\( /, "(", s)
	gsub(/ \)/, ")", s)
	return trim(s)
}

# Split one parameter "const void *key" into its type and its name.
function pname(p) {
	if (p == "..." || p == "void")
		return ""
	if (match(p, /[A-Za-z_][A-Za-z0-9_]*$/))
		return substr(p, RSTART)
	return ""
}
function ptype(p,    n) {
	n = pname(p)
	if (n == "")
		return p
	return trim(substr(p, 1, length(p) - length(n)))
}

BEGIN {
	in_map = 0
	nfn = 0
	nints = split("u8 u16 u32 u64 s8 s16 s32 s64", ints, " ")
}

# --- the doc comment: remember "proto" lines followed by Description ---
{
	if (pending != "") {
		if ($0 ~ /^ \*[ \t]+Description[ \t]*$/) {
			name = pending_name
			nproto[name]++
			proto[name, nproto[name]] = pending
		}
		pending = ""
	}
}
/^ \* [A-Za-z_].*[ *]bpf_[a-z0-9_]+\(.*\)[ \t]*$/ {
	line = substr($0, 4)
	if (match(line, /bpf_[a-z0-9_]+\(/)) {
		pending_name = substr(line, RSTART + 4, RLENGTH - 5)
		pending = trim(line)
	}
	next
}

# --- the mapper: helper names in id order ---
# 6.1: "#define __BPF_FUNC_MAPPER(FN) \" with FN(name) entries;
# 6.2+: "#define ___BPF_FUNC_MAPPER(FN, ctx...) \" with FN(name, id, ##ctx)
/^#define _+BPF_FUNC_MAPPER\(FN[^)]*\)[ \t]*\\$/ { in_map = 1; next }
in_map && /FN\(/ {
	match($0, /FN\([a-z0-9_]+/)
	fn[nfn] = substr($0, RSTART + 3, RLENGTH - 3)
	# 6.2+ spells the id out; in 6.1 it is the position in the list
	id[nfn] = nfn
	if (match($0, /FN\([a-z0-9_]+, *[0-9]+/)) {
		s = substr($0, RSTART, RLENGTH)
		sub(/.*, */, "", s)
		id[nfn] = s + 0
	}
	nfn++
	next
}
in_map && !/\\[ \t]*$/ { in_map = 0 }

END {
	if (nfn < 2) {
		print "gen-kern-helpers.sh: no __BPF_FUNC_MAPPER in " src > "/dev/stderr"
		exit 1
	}
	nout = 0
	for (i = 0; i < nfn; i++) {
		name = fn[i]
		if (name == "unspec")
			continue
		if (!(name in nproto)) {
			print "gen-kern-helpers.sh: bpf_" name " is not documented, skipped" > "/dev/stderr"
			continue
		}
		# Prototype 1 gives return type and parameter names; extra
		# prototypes only widen differing parameters to void *.
		p = proto[name, 1]
		open_at = index(p, "bpf_" name "(")
		ret = fixtype(substr(p, 1, open_at - 1))
		args = substr(p, open_at + length(name) + 5)
		sub(/\)[ \t]*$/, "", args)
		na = split(args, a, ",")
		for (k = 1; k <= na; k++) {
			a[k] = fixtype(trim(a[k]))
			t[k] = ptype(a[k]); n[k] = pname(a[k])
			delete cnt
			cnt[n[k]] = 1; best[k] = n[k]; bestc = 1
			for (v = 2; v <= nproto[name]; v++) {
				q = proto[name, v]
				q = substr(q, index(q, "bpf_" name "(") + length(name) + 5)
				sub(/\)[ \t]*$/, "", q)
				split(q, b, ",")
				b[k] = fixtype(trim(b[k]))
				if (ptype(b[k]) != t[k])
					t[k] = "void *"
				# the most common parameter name wins
				if (++cnt[pname(b[k])] > bestc) {
					bestc = cnt[pname(b[k])]
					best[k] = pname(b[k])
				}
			}
			n[k] = best[k]
		}
		out = ""
		for (k = 1; k <= na; k++) {
			if (n[k] == "")
				s = t[k]
			else if (t[k] ~ /\*$/)
				s = t[k] n[k]
			else
				s = t[k] " " n[k]
			out = out (k > 1 ? ", " : "") s
		}
		if (ret !~ /\*$/)
			ret = ret " "
		decl[nout] = "static " ret "(* const bpf_" name ")(" out ") = (void *) " id[i] ";"
		nout++
		# collect struct tags for the forward declarations
		all = ret " " out
		while (match(all, /struct [A-Za-z_][A-Za-z0-9_]*/)) {
			tag[substr(all, RSTART + 7, RLENGTH - 7)] = 1
			all = substr(all, RSTART + RLENGTH)
		}
	}

	print "/* SPDX-License-Identifier: BSD-2-Clause */"
	print "/*"
	print " * bpfload/kern_helpers.h - every BPF helper of the uapi <linux/bpf.h>."
	print " *"
	print " * GENERATED by tools/gen-kern-helpers.sh from the uapi header; do not"
	print " * edit by hand, rerun the script instead."
	print " *"
	print " * A helper call is the instruction \"call imm\" where imm is the helper"
	print " * id (BPF_FUNC_<name> of enum bpf_func_id).  Declaring each helper as a"
	print " * constant function pointer whose value is that id makes clang emit"
	print " * exactly that: at -O2 the load of the constant folds into the call,"
	print " * and a declaration that is never called emits no code and no data."
	print " * The ids are written as numbers: they are ABI and never change, and"
	print " * so a vmlinux.h of an older kernel, whose enum lacks newer helpers,"
	print " * compiles with this header (tests/unit/t_helpers.c checks the ids)."
	print " *"
	print " * Parameter types follow the uapi documentation, seen from the BPF side:"
	print " * maps are passed as void * (a pointer to the map definition) and"
	print " * context pointers use the uapi context structs (struct __sk_buff,"
	print " * struct xdp_md, ...)."
	print " */"
	print "#ifndef BPFLOAD_KERN_HELPERS_H"
	print "#define BPFLOAD_KERN_HELPERS_H"
	print ""
	print "/* A vmlinux.h included first has the types. */"
	print "#ifndef __VMLINUX_H__"
	print "#include <linux/bpf.h>"
	print "#include <linux/types.h>"
	print "#endif"
	print ""
	print "/*"
	print " * Types the helpers take only by pointer.  Declared here at file scope"
	print " * so that a struct first named in a parameter list does not get a"
	print " * scope of its own; re-declaring a struct that a header already"
	print " * defined is harmless."
	print " */"
	ntag = 0
	for (x in tag)
		tags[++ntag] = x
	# insertion sort: keep the output stable across awk implementations
	for (k = 2; k <= ntag; k++) {
		v = tags[k]
		for (j = k - 1; j >= 1 && tags[j] > v; j--)
			tags[j + 1] = tags[j]
		tags[j + 1] = v
	}
	for (k = 1; k <= ntag; k++)
		print "struct " tags[k] ";"
	print ""
	for (k = 0; k < nout; k++)
		print decl[k]
}
' "$UAPI"

# Hand-written conveniences, kept here so the header stays one generated
# file.  Quoted heredoc: nothing in it is expanded by the shell.
cat <<'TRAILER'

/* ---- hand-written conveniences ------------------------------------------ */

/*
 * bpf_printk(fmt, ...) - printf to the trace pipe
 * (/sys/kernel/tracing/trace_pipe), at most 3 arguments.
 *
 * bpf_trace_printk() wants the format in memory the verifier can read,
 * with its size; a char array on the stack works on every kernel (a
 * string literal would live in .rodata, which needs global-data support
 * in both kernel and loader).  The array costs stack space: keep formats
 * short.
 */
#define bpf_printk(fmt, ...)						\
({									\
	char ___bl_fmt[] = fmt;						\
	bpf_trace_printk(___bl_fmt, sizeof(___bl_fmt), ##__VA_ARGS__);	\
})

#endif /* BPFLOAD_KERN_HELPERS_H */
TRAILER
