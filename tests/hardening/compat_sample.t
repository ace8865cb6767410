#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# compat_sample.t - an old samples/bpf-style user program, built unchanged
# against include/bpf_load.h, and run.
#
# user/legacy_trace_user.c uses only what the old samples used:
# load_bpf_file() on argv[0] + "_kern.o", map_fd[], prog_fd[], event_fd[],
# bpf_log_buf, bpf_map_get_next_key()/bpf_map_lookup_elem()/
# bpf_map_update_elem() and read_trace_pipe().  Here it is compiled the
# way an old sample would be, outside the project's Makefile (plain cc,
# -Iinclude, no project flags), against the static and the shared
# library, and the header alone is checked in C99 and C++.  Then:
#   - "legacy_trace 2" prints its map for 2 seconds, and its own process
#     is there with system calls counted;
#   - "legacy_trace -t" greets its getpid() calls through bpf_printk;
#     read_trace_pipe() shows them until SIGINT ends the process (status
#     130, as the old loop did); its programs are then gone.
. "$(dirname "$0")/lib.sh"

need_root
CC=${CC:-cc}
kern=$BUILD/bin/legacy_trace_kern.o
[ -f "$kern" ] || skip_all "$kern not built: run make"
[ -f "$BUILD/lib/libbpfload.a" ] || skip_all "$BUILD/lib/libbpfload.a not built: run make"

tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
on_exit '[ -n "${tpid:-}" ] && kill -KILL "$tpid"'

# ---- building ---------------------------------------------------------------
"$CC" -O2 -g -Wall -Wextra -Werror -Iinclude -o "$tmp/legacy_trace" \
	user/legacy_trace_user.c "$BUILD/lib/libbpfload.a" -lelf -lz -lpthread 2>"$tmp/cc.log"
ok $? "legacy_trace_user.c builds with -Wall -Wextra -Werror against include/bpf_load.h" \
	"and libbpfload.a"
[ -s "$tmp/cc.log" ] && diag "$(cat "$tmp/cc.log")"

if [ -f "$BUILD/lib/libbpfload.so" ]; then
	"$CC" -O2 -Wall -Werror -Iinclude -o "$tmp/legacy_trace_so" user/legacy_trace_user.c \
		-L"$BUILD/lib" -lbpfload -Wl,-rpath,"$BUILD/lib" 2>"$tmp/cc2.log"
	ok $? "and against libbpfload.so"
	[ -s "$tmp/cc2.log" ] && diag "$(cat "$tmp/cc2.log")"
else
	skip "libbpfload.so not built" "and against libbpfload.so"
fi

printf '#include "bpf_load.h"\nint main(void) { return map_fd[0] + prog_cnt; }\n' >"$tmp/c99.c"
"$CC" -std=c99 -pedantic -Wall -Wextra -Werror -Iinclude -fsyntax-only "$tmp/c99.c" \
	2>"$tmp/c99.log"
ok $? "bpf_load.h compiles alone with -std=c99 -pedantic -Werror"
[ -s "$tmp/c99.log" ] && diag "$(head -n 20 "$tmp/c99.log")"
if command -v g++ >/dev/null 2>&1; then
	g++ -Wall -Wextra -Werror -Iinclude -fsyntax-only -x c++ "$tmp/c99.c" 2>"$tmp/cxx.log"
	ok $? "bpf_load.h compiles as C++"
	[ -s "$tmp/cxx.log" ] && diag "$(head -n 20 "$tmp/cxx.log")"
else
	skip "no g++" "bpf_load.h compiles as C++"
fi

[ -x "$tmp/legacy_trace" ] || { done_testing; exit 0; }
cp "$kern" "$tmp/legacy_trace_kern.o"

# ---- the map ----------------------------------------------------------------
"$tmp/legacy_trace" 2 >"$tmp/run.out" 2>"$tmp/run.err"
rc=$?
is "$rc" 0 "legacy_trace 2 exits 0"
out=$(cat "$tmp/run.out")
has "$out" "loaded $tmp/legacy_trace_kern.o: 2 programs"
ok $? "it loaded its _kern.o next to argv[0]: 2 programs"
has "$out" "second 2:"
ok $? "it printed its map twice"
self=$(grep '(legacy_trace itself)' "$tmp/run.out" | tail -n 1 | awk '{ print $2 }')
[ -n "$self" ] && [ "$self" -gt 0 ]
ok $? "its own process is in the map with system calls counted (${self:-none})"
[ $rc -ne 0 ] && diag "$(cat "$tmp/run.err" "$tmp/run.out" | head -n 20)"

# ---- read_trace_pipe() until SIGINT ------------------------------------------
# (job control on: without it bash starts background jobs with SIGINT
# ignored; and env resets SIGINT in case this test itself inherited it
# ignored, which bash cannot undo)
set -m
env --default-signal=INT "$tmp/legacy_trace" -t >"$tmp/tp.out" 2>"$tmp/tp.err" &
tpid=$!
set +m
wait_for "$tmp/tp.out" "legacy_trace: getpid() by $tpid" 10
ok $? "read_trace_pipe() prints the program's bpf_printk lines (getpid() by $tpid)"
ids=$(prog_ids_of "$tpid")
[ -n "$ids" ]
ok $? "the process holds its programs (ids: $(echo $ids))"
kill -INT "$tpid"
for ((i = 0; i < 400; i++)); do
	kill -0 "$tpid" 2>/dev/null || break
	sleep 0.05
done
kill -0 "$tpid" 2>/dev/null && { diag "still running 20 s after SIGINT: SIGKILL"; kill -KILL "$tpid"; }
wait "$tpid"
rc=$?
pid_was=$tpid
tpid=
is "$rc" 130 "SIGINT ends it (status 130: killed by SIGINT, as the old loop was)"
gone_progs $ids
ok $? "its programs are gone after it ended"
is "$(our_events "$pid_was")" 0 "no tracefs probe event is left"
[ -s "$tmp/tp.err" ] && diag "stderr: $(head -n 5 "$tmp/tp.err")"

done_testing
