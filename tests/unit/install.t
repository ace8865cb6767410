#!/usr/bin/env bash
# TAP: `make install` honours PREFIX and DESTDIR, installs the headers,
# both libraries, a working pkg-config file and the CLI, and a program
# builds against the installed copy (statically, as embedded users do).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
t() {	# t NAME COMMAND...: one test point
	local name=$1
	shift
	n=$((n + 1))
	if "$@" >"$tmp/out" 2>&1; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		sed 's/^/# /' "$tmp/out" | tail -n 20
	fi
}

dest=$tmp/dest
t "make install PREFIX=/opt/bl DESTDIR=..." make -s -C "$top" install PREFIX=/opt/bl DESTDIR="$dest"
for f in include/bpfload.h include/bpf_load.h include/bpfload/sys.h include/bpfload/uapi.h \
	 include/bpfload/kern.h lib/libbpfload.a lib/libbpfload.so lib/pkgconfig/bpfload.pc bin/bpfload; do
	t "installed /opt/bl/$f" test -e "$dest/opt/bl/$f"
done
t "the pkg-config file points at PREFIX" grep -qx 'prefix=/opt/bl' "$dest/opt/bl/lib/pkgconfig/bpfload.pc"
cat >"$tmp/user.c" <<'C'
#include <bpfload.h>
#include <stdio.h>
int main(int argc, char **argv)
{
	struct bl_error err;
	struct bl_object *obj = bl_object_open(argv[1], NULL, &err);

	if (!obj) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	printf("%zu programs\n", bl_object_program_count(obj));
	bl_object_close(obj);
	return 0;
}
C
t "a program builds statically against the installed library" \
	cc -static -I"$dest/opt/bl/include" "$tmp/user.c" -o "$tmp/user" -L"$dest/opt/bl/lib" -lbpfload -lelf -lz
t "and reads an object with it" sh -c "'$tmp/user' '$top/build/tests/objs/multi_prog.o' | grep -qx '5 programs'"
t "make uninstall removes it all" sh -c "make -s -C '$top' uninstall PREFIX=/opt/bl DESTDIR='$dest' && ! find '$dest' -type f | grep -q ."
echo "1..$n"
