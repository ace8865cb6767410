#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# privileges.t - build/bin/bpfload without CAP_BPF, CAP_SYS_ADMIN,
# CAP_PERFMON and CAP_NET_ADMIN.
#
# Every command that needs the kernel must fail cleanly: exit status 1
# (not a crash, not a signal, not a usage error), with a message that
# names the missing capability (CAP_BPF) and the sysctls that decide
# what unprivileged users may do (kernel.unprivileged_bpf_disabled,
# kernel.perf_event_paranoid).  `inspect` needs no kernel and must still
# work.  Two ways to lose the capabilities, both with setpriv(1) (from
# util-linux; capsh is not needed):
#   root-nocaps   uid 0, the four capabilities dropped from the bounding
#                 set (so root's effective set lacks them)
#   nobody        uid/gid 65534, no capabilities at all
# A map, a program and pins made beforehand as root give the commands
# real ids and paths to work on.
. "$(dirname "$0")/lib.sh"

need_root
command -v setpriv >/dev/null 2>&1 || skip_all "setpriv (util-linux) is not installed"
[ -x "$BPFLOAD" ] || skip_all "$BPFLOAD not built: run make"
[ -f "$OBJS/sock_xdp.o" ] || skip_all "$OBJS/sock_xdp.o not built: run make"
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf 2>/dev/null ||
	skip_all "bpffs is not mounted at /sys/fs/bpf"

tmp=$(mktemp -d)
chmod 755 "$tmp"
on_exit rm -rf "$tmp"
pins=/sys/fs/bpf/bpfload-priv-$$
mkdir -p "$pins"
on_exit rm -rf "$pins"

# copies everyone can read, and the CLI itself
cp "$OBJS/sock_xdp.o" "$OBJS/globals.o" "$tmp/"
cp "$BPFLOAD" "$tmp/bpfload"
chmod 755 "$tmp/bpfload"
chmod 644 "$tmp"/*.o

# ---- what the commands work on, made as root ---------------------------------
map_id=$("$BPFLOAD" --json map create "$pins/priv_map" --type hash --key-size 4 \
	--value-size 4 --max-entries 8 2>"$tmp/create.err" |
	sed -n 's/.*"id": *\([0-9]*\).*/\1/p')
[ -n "$map_id" ] || { cat "$tmp/create.err" >&2; echo "Bail out! map create failed"; exit 1; }
"$BPFLOAD" pin "$OBJS/sock_xdp.o" --pin-root "$pins" >/dev/null 2>"$tmp/pin.err"
prog_pin=$(ls "$pins"/prog_* 2>/dev/null | head -n 1)
prog_id=$("$BPFLOAD" --json prog show "$prog_pin" 2>/dev/null |
	sed -n 's/^{ *"id": *\([0-9]*\).*/\1/p; s/.*"id":\([0-9]*\),.*/\1/p' | head -n 1)
[ -n "$prog_id" ] || prog_id=1
diag "root made map $map_id and program $prog_id (pinned under $pins)"

bounding=-bpf,-sys_admin,-perfmon,-net_admin
as_root_nocaps() {
	setpriv --inh-caps=-all --bounding-set="$bounding" -- "$@"
}
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		--bounding-set="$bounding" -- "$@"
}

# the drop works: no CAP_BPF in the effective set
eff=$(as_root_nocaps awk '/^CapEff/ { print $2 }' /proc/self/status)
[ $(( (0x$eff >> 39) & 1 )) -eq 0 ] && [ $(( (0x$eff >> 21) & 1 )) -eq 0 ]
ok $? "setpriv drops CAP_BPF and CAP_SYS_ADMIN from uid 0 (CapEff $eff)"

bl=$tmp/bpfload
commands=(
	"load|load $tmp/sock_xdp.o"
	"prog list|prog list"
	"prog show|prog show $prog_id"
	"map list|map list"
	"map show|map show $map_id"
	"map dump|map dump $map_id"
	"map lookup|map lookup $map_id 01000000"
	"map update|map update $map_id 01000000 02000000"
	"map delete|map delete $map_id 01000000"
	"map create|map create $pins/priv_new --type array --key-size 4 --value-size 4 --max-entries 1"
	"run|run $tmp/globals.o --duration 1"
	"pin|pin $tmp/sock_xdp.o --pin-root $pins"
)

check_cmd() {	# check_cmd WHO NAME ARGS...
	local who=$1 name=$2 rc out err
	shift 2
	"as_$who" "$bl" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	err=$(cat "$tmp/err")
	if [ $rc -eq 1 ]; then
		ok 0 "$who: $name fails with exit status 1"
	else
		ok 1 "$who: $name fails with exit status 1 (got $rc$([ $rc -ge 128 ] &&
			echo ": killed by signal $((rc - 128))"))"
	fi
	# the library's message (load, pin, run) and the CLI's own hint
	# (every other command) both name the capabilities and the sysctls
	if has "$err" "CAP_BPF"; then
		ok 0 "$who: $name names CAP_BPF"
	else
		ok 1 "$who: $name names CAP_BPF"
	fi
	if has "$err" "kernel.unprivileged_bpf_disabled"; then
		ok 0 "$who: $name names kernel.unprivileged_bpf_disabled"
	else
		ok 1 "$who: $name names kernel.unprivileged_bpf_disabled"
	fi
	if has "$err" "kernel.perf_event_paranoid"; then
		ok 0 "$who: $name names kernel.perf_event_paranoid"
	else
		ok 1 "$who: $name names kernel.perf_event_paranoid"
	fi
	[ $rc -ne 1 ] || ! has "$err" "CAP_BPF" || ! has "$err" "perf_event_paranoid" &&
		diag "$who \$ bpfload $*" && diag "$(head -n 6 "$tmp/err")"
}

for who in root_nocaps nobody; do
	for c in "${commands[@]}"; do
		name=${c%%|*}
		# shellcheck disable=SC2086
		check_cmd "$who" "$name" ${c#*|}
	done
	"as_$who" "$bl" inspect "$tmp/sock_xdp.o" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 0 ] && grep -q '^Programs (2)' "$tmp/out"
	ok $? "$who: inspect still works (exit $rc)"
	"as_$who" "$bl" --json inspect "$tmp/globals.o" >"$tmp/out" 2>"$tmp/err"
	ok $? "$who: inspect --json still works"
done

# nothing was created by the unprivileged attempts
[ ! -e "$pins/priv_new" ]
ok $? "no map was created by the attempts"
"$BPFLOAD" map show "$map_id" >/dev/null 2>&1
ok $? "root's map $map_id is still there"

done_testing
