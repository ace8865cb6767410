#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# usage.t - help at every level, --version, usage errors (exit 2 with a
# message and a pointer to --help), abbreviations.  Needs no kernel.

. "$(dirname "$0")/lib.sh"
require_binary

# status CMD...: run bpfload, keep stdout+stderr in $OUT, return its status
run() {
	OUT=$("$BPFLOAD" "$@" 2>&1)
}

# ---- help and version ----
run --help
is $? 0 "--help exits 0"
like "$OUT" '^Usage: bpfload ' "--help prints the usage"
for c in inspect load prog map; do
	like "$OUT" "^  $c " "--help lists $c"
done
run -h
is $? 0 "-h exits 0"
run help
is $? 0 "'help' exits 0"
like "$OUT" '^Usage: bpfload ' "'help' prints the usage"
run --version
is $? 0 "--version exits 0"
like "$OUT" '^bpfload [0-9]+\.[0-9]+\.[0-9]+' "--version prints the version"
run -V
is $? 0 "-V exits 0"

for c in "inspect" "load" "prog" "prog list" "prog show" "map" "map list" "map show" \
	 "map dump" "map lookup" "map update" "map delete" "map create"; do
	# shellcheck disable=SC2086
	run $c --help
	st=$?
	is $st 0 "'$c --help' exits 0"
	like "$OUT" "^Usage: bpfload ${c%% *}" "'$c --help' prints its usage"
done
run map help dump
like "$OUT" '^Usage: bpfload map dump ' "'map help dump' is 'map dump --help'"
run help load
like "$OUT" '^Usage: bpfload load ' "'help load' is 'load --help'"
run map dump -h
is $? 0 "-h works after a subcommand"

# ---- usage errors: exit 2, a message, a pointer to --help ----
usage_error() {
	local re=$1
	shift
	run "$@"
	is $? 2 "'bpfload $*' is a usage error (exit 2)"
	like "$OUT" "$re" "... saying: $re"
}
usage_error '^Usage: bpfload' 
usage_error "unknown command 'frobnicate'" frobnicate
usage_error "Try 'bpfload --help'" frobnicate
usage_error "unknown option '--bogus'" --bogus
usage_error "missing argument" inspect
usage_error "Try 'bpfload inspect --help'" inspect
usage_error "unexpected argument" inspect a.o b.o
usage_error "unknown option '--nope'" inspect --nope x.o
usage_error "unknown option '-z'" inspect -z x.o
usage_error "option '--pin-root' needs a value" load x.o --pin-root
usage_error "option '-P' needs a value" load x.o -P
usage_error "--log-level wants a number > 0" load x.o --log-level abc
usage_error "unknown command 'x'" map x
usage_error "'l' is ambiguous: list or lookup" map l
usage_error "^Usage: bpfload map " map
usage_error "^Usage: bpfload prog " prog
usage_error "missing argument" map dump
usage_error "Try 'bpfload map dump --help'" map dump
usage_error "--batch-size wants" map dump 1 --batch-size 0
usage_error "missing argument" map lookup 1
usage_error "missing argument" map update 1 00
usage_error "unexpected argument" map update 1 --from f 00
usage_error "--type and --max-entries are required" map create /sys/fs/bpf/x --type hash
usage_error "invalid value 'nosuch' for --type" map create /sys/fs/bpf/x --type nosuch \
	--max-entries 1
usage_error "invalid value 'no_prealloc,bogus' for --flags" map create /sys/fs/bpf/x --type hash \
	--max-entries 1 --flags no_prealloc,bogus
usage_error "unexpected argument" prog list 5

# ---- abbreviations ----
run ins --help
like "$OUT" '^Usage: bpfload inspect ' "'ins' abbreviates inspect"
run m du --help
like "$OUT" '^Usage: bpfload map dump ' "'m du' abbreviates map dump"

# ---- failures that are not usage errors exit 1 ----
run inspect /nonexistent/x.o
is $? 1 "a missing object is a failure (exit 1), not a usage error"
run map dump /tmp
is $? 1 "a path that is no pin is a failure (exit 1)"
like "$OUT" "not a pinned object" "... which says pins live on bpffs"

done_testing
