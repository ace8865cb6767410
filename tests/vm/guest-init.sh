#!/bin/sh
# shellcheck disable=SC3043 # busybox sh has local
# /init of the VM test initramfs (busybox sh).  Mounts the kernel file
# systems, runs each test of /t/list in /t with a timeout, and prints on
# the serial console, for the host (tests/vm/run) to parse:
#
#   @@BPFLOAD-VM-BEGIN <uname -r>
#   @@BPFLOAD-TEST-START <name>
#   ...the test's TAP (stdout and stderr)...
#   @@BPFLOAD-TEST-END <name> rc=<exit status>
#   @@BPFLOAD-VM-END tests=<n> failed=<n>
#
# then leaves QEMU through isa-debug-exit: code 0 if every test exited 0,
# else 1 (QEMU exits 1 or 3).  Kernel command line: bpfload.timeout=S is
# the per-test timeout (default 60).

export PATH=/bin:/sbin
export HOME=/root

mounts() {
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	mount -t tracefs tracefs /sys/kernel/tracing
	mount -t debugfs debugfs /sys/kernel/debug
	mount -t bpf bpf /sys/fs/bpf
	mount -t cgroup2 cgroup2 /sys/fs/cgroup
	mount -t tmpfs tmpfs /tmp
}

cmdline_timeout() {
	local w
	# shellcheck disable=SC2013 # words, not lines
	for w in $(cat /proc/cmdline); do
		case "$w" in
		bpfload.timeout=*) echo "${w#*=}"; return ;;
		esac
	done
	echo 60
}

run_tests() {
	local tmo="$1" name args rc n=0 failed=0
	while read -r name args; do
		case "$name" in
		''|'#'*) continue ;;
		esac
		n=$((n + 1))
		echo "@@BPFLOAD-TEST-START $name"
		# shellcheck disable=SC2086 # args split on purpose
		(cd /t && exec timeout -s KILL "$tmo" "./$name" $args </dev/null 2>&1)
		rc=$?
		# A test whose last line lacks a newline must not eat the marker.
		echo
		echo "@@BPFLOAD-TEST-END $name rc=$rc"
		[ "$rc" -eq 0 ] || failed=$((failed + 1))
	done </t/list
	echo "@@BPFLOAD-VM-END tests=$n failed=$failed"
	[ "$failed" -eq 0 ]
}

/bin/busybox --install -s /bin
mounts
exec </dev/console >/dev/console 2>&1
ip link set lo up 2>/dev/null
echo "@@BPFLOAD-VM-BEGIN $(uname -r)"
if run_tests "$(cmdline_timeout)"; then
	guest-exit 0
else
	guest-exit 1
fi
# guest-exit does not return; if it does, the host sees no exit code.
echo "@@BPFLOAD-VM-EXIT-FAILED"
poweroff -f
