#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# opensnoop_core.t - the opensnoop_core sample (struct open_how read by
# CO-RE) against the running kernel.
#
# A python3 helper (ctypes) makes the system calls with known values:
#   N openat2(path2, {O_WRONLY|O_CREAT|O_CLOEXEC, 0640}) -> exactly N lines
#     with those flags and mode (the struct read through CO-RE offsets);
#   M openat(path1, O_RDWR|O_CREAT|O_APPEND, 0600)       -> exactly M lines;
#   K openat(path3, O_RDONLY, 0777)                      -> K lines;
#   one openat2 whose open_how pointer is bad             -> "?" (tracepoints).
# Without kprobes (this host) opensnoop_core must say so and fall back to
# the syscall tracepoints, which show the values as passed.  With kprobes
# it reads the kernel's copy, where open and openat add O_LARGEFILE and
# a mode is kept only for a call that creates (so path3 shows 0000).  -t
# forces the tracepoints.  -p PID: only that process.  The VM test
# (t_core_opensnoop) checks the kprobe on Debian's 5.10, 6.1 and 6.12.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/samples/lib.sh

N=4
M=3
K=2

require_sample opensnoop_core "make user kern; needs /sys/kernel/btf/vmlinux"
require_root
require_python
[ -e /sys/kernel/btf/vmlinux ] ||
	skip_all "no /sys/kernel/btf/vmlinux: CO-RE needs the kernel's BTF"
require_tracefs

sample_tmpdir opensnoop_core

# opens.py KIND PATH COUNT FLAGS MODE: prints its pid, then COUNT calls of
# openat (KIND openat), openat2 (openat2) or openat2 with a bad open_how
# pointer (bad).  FLAGS: O_* names joined by |.
cat > "$TMP/opens.py" <<'EOF'
import ctypes, os, platform, sys

libc = ctypes.CDLL(None, use_errno=True)
nr_openat, nr_openat2 = {"x86_64": (257, 437), "aarch64": (56, 437)}[platform.machine()]
AT_FDCWD = -100


class OpenHow(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_uint64), ("mode", ctypes.c_uint64),
                ("resolve", ctypes.c_uint64)]


kind, path, count = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3])
flags = 0
for name in sys.argv[4].split("|"):
    flags |= getattr(os, name)
mode = int(sys.argv[5], 8)
print(os.getpid(), flush=True)
for _ in range(count):
    if kind == "openat2":
        how = OpenHow(flags, mode, 0)
        fd = libc.syscall(ctypes.c_long(nr_openat2), ctypes.c_long(AT_FDCWD), path,
                          ctypes.byref(how), ctypes.c_size_t(ctypes.sizeof(how)))
    elif kind == "bad":
        fd = libc.syscall(ctypes.c_long(nr_openat2), ctypes.c_long(AT_FDCWD), path,
                          ctypes.c_void_p(8), ctypes.c_size_t(24))
    else:
        fd = libc.syscall(ctypes.c_long(nr_openat), ctypes.c_long(AT_FDCWD), path,
                          ctypes.c_long(flags), ctypes.c_long(mode))
    if fd >= 0:
        os.close(fd)
    elif kind != "bad":
        sys.exit("%s %s: %s" % (kind, path, os.strerror(ctypes.get_errno())))
EOF

# opens KIND PATH COUNT FLAGS MODE: run opens.py, its pid in $opid.
opens() {
	opid=$("$PYTHON" "$TMP/opens.py" "$@")
	[ -n "$opid" ] || diag "opens.py $* failed"
}

# The values a line shows: as passed (tracepoints) or as the kernel keeps
# them in its open_how (kprobe: O_LARGEFILE added by open/openat, mode
# cleared unless creating).
expect() {
	if [ "$1" = kprobe ]; then
		want2='O_WRONLY\|O_CREAT\|O_LARGEFILE\|O_CLOEXEC +0640'
		want1='O_RDWR\|O_CREAT\|O_APPEND\|O_LARGEFILE +0600'
		want3='O_RDONLY\|O_LARGEFILE +0000'
		want_bad=0
	else
		want2='O_WRONLY\|O_CREAT\|O_CLOEXEC +0640'
		want1='O_RDWR\|O_CREAT\|O_APPEND +0600'
		want3='O_RDONLY +0777'
		want_bad=1
	fi
}

path1=$TMP/core-openat-$$
path2=$TMP/core-openat2-$$
path3=$TMP/core-nocreat-$$
pathbad=$TMP/core-bad-$$
echo data > "$path3"

out=$("$BIN/opensnoop_core" --help 2>&1)
ok $? "--help exits 0"
like "$out" "^usage: opensnoop_core" "--help prints the usage"

# run_all LABEL MODE ARGS...: the opens above under opensnoop_core ARGS.
run_all() {
	local label=$1 mode=$2 line
	shift 2
	start_sample opensnoop_core "$TMP/out" '^TIME\(s\) ' "$@"
	opens openat2 "$path2" $N "O_WRONLY|O_CREAT|O_CLOEXEC" 640
	local p2=$opid
	opens openat "$path1" $M "O_RDWR|O_CREAT|O_APPEND" 600
	local p1=$opid
	opens openat "$path3" $K "O_RDONLY" 777
	local p3=$opid
	opens bad "$pathbad" 1 "O_RDONLY" 0
	local pb=$opid
	sleep 0.3
	stop_pid $spid
	is $stopped 0 "$label: SIGINT ends opensnoop_core with status 0"
	out=$(cat "$TMP/out")
	expect "$mode"
	if [ "$mode" = kprobe ]; then
		like "$out" "^Tracing do_sys_openat2\\(\\) with a kprobe" \
			"$label: kprobe on do_sys_openat2"
	else
		like "$out" "^Tracing the open syscall tracepoints" "$label: the syscall tracepoints"
	fi
	like "$out" "^TIME\\(s\\) +COMM +PID +FLAGS +MODE +FILE\$" \
		"$label: header TIME(s) COMM PID FLAGS MODE FILE"
	line="^[0-9]+\\.[0-9]{9} +[^ ]+ +"
	is "$(count_lines "$out" " $path2\$")" "$N" "$label: $N openat2 calls -> $N lines"
	is "$(count_lines "$out" "$line$p2 +$want2 +$path2\$")" "$N" \
		"$label: ... each with its pid, flags and mode read from open_how"
	is "$(count_lines "$out" " $path1\$")" "$M" "$label: $M openat calls -> $M lines"
	is "$(count_lines "$out" "$line$p1 +$want1 +$path1\$")" "$M" \
		"$label: ... each with its pid, flags and mode"
	is "$(count_lines "$out" "$line$p3 +$want3 +$path3\$")" "$K" \
		"$label: $K openat calls without O_CREAT -> $K lines, mode ${want3##* +}"
	is "$(count_lines "$out" "$line$pb +\\? \\(open_how: Bad address\\) +\\? +$pathbad\$")" \
		"$want_bad" "$label: openat2 with a bad open_how pointer -> $want_bad '?' lines"
	[ "$_tap_failed" -eq 0 ] || diag "$(grep -F "$TMP" "$TMP/out" | head -20)"
}

if have_kprobes; then
	run_all "kprobe" kprobe
else
	run_all "no kprobes" tracepoint
	like "$out" "^opensnoop_core: this kernel has no kprobes \\(.*CONFIG_KPROBES" \
		"no kprobes here: opensnoop_core says so, and why"
	like "$out" "^opensnoop_core: falling back to the syscall tracepoints" \
		"... and that it falls back to the tracepoints"
fi
run_all "-t" tracepoint -t

# ---- -p PID: only that process ----
start_sample opensnoop_core "$TMP/out2" '^TIME\(s\) ' -p $$
for ((i = 0; i < N; i++)); do
	: < "$path3"
done
opens openat2 "$path3" $N "O_RDONLY" 0
sleep 0.3
stop_pid $spid
is $stopped 0 "-p $$: stops on SIGINT with status 0"
out=$(cat "$TMP/out2")
is "$(count_lines "$out" " $path3\$")" "$N" "-p $$: only the shell's $N opens of $path3"
is "$(count_lines "$out" '^[0-9]')" "$(count_lines "$out" "^[0-9.]+ +[^ ]+ +$$ ")" \
	"-p $$: every line is of pid $$"

done_testing
