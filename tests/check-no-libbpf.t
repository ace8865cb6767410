#!/usr/bin/env bash
# TAP: bpfload is built on the raw bpf() system call alone.  No libbpf
# anywhere: not included by any source, not linked by the Makefile, not a
# dependency of the built library or programs, not a symbol they need.
# And the object layer (loader/object/) is pure: it makes no system call
# into the kernel, so it can be unit tested and fuzzed without one.
#
# Needs no privileges.  Checks on build products are skipped (with the
# reason) when those were not built yet.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
build=${BPFLOAD_BUILD:-$top/build}
self=tests/check-no-libbpf.t
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0

ok() {		# ok NAME: pass
	n=$((n + 1))
	echo "ok $n - $1"
}
not_ok() {	# not_ok NAME FILE: fail, showing FILE's first lines
	n=$((n + 1))
	echo "not ok $n - $1"
	sed 's/^/#   /' "$2" | head -n 20
}
skip() {	# skip NAME REASON
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}
# none NAME FILE: passes when FILE (the offending lines) is empty
none() {
	if [ -s "$2" ]; then not_ok "$1" "$2"; else ok "$1"; fi
}

# ---- sources ------------------------------------------------------------

# An #include of a libbpf header: anything under bpf/ (<bpf/libbpf.h>,
# <bpf/bpf_helpers.h>, "bpf/btf.h" ...) or a libbpf header by its name.
inc_re='^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]'
inc_re+='((.*/)?bpf/|(.*/)?(libbpf[A-Za-z0-9_]*|bpf_helpers|bpf_helper_defs|bpf_tracing|'
inc_re+='bpf_core_read|bpf_endian|usdt\.bpf|[A-Za-z0-9_]+\.skel|skel_internal)\.h[>"])'

# The pattern itself must catch what it is meant to, and not our headers.
printf '%s\n' '#include <bpf/libbpf.h>' '# include "bpf/bpf_helpers.h"' \
	'#include <bpf_tracing.h>' '#include "prog.skel.h"' '#include <libbpf.h>' >"$tmp/bad"
printf '%s\n' '#include <bpfload.h>' '#include <bpfload/kern_helpers.h>' \
	'#include <linux/bpf.h>' '#include <linux/btf.h>' '#include "bpf_load.h"' >"$tmp/good"
if [ "$(grep -cE "$inc_re" "$tmp/bad")" = 5 ] && ! grep -qE "$inc_re" "$tmp/good"; then
	ok "the include pattern finds libbpf headers and spares ours"
else
	not_ok "the include pattern finds libbpf headers and spares ours" "$tmp/bad"
fi

dirs=()
for d in loader include kern user tests; do
	[ -d "$d" ] && dirs+=("$d")
done
find "${dirs[@]}" -type f \( -name '*.c' -o -name '*.h' -o -name '*.S' -o -name '*.cc' \
	-o -name '*.cpp' \) ! -path "$self" -print0 >"$tmp/srcs"
nsrc=$(tr -cd '\0' <"$tmp/srcs" | wc -c)
if [ "$nsrc" -gt 0 ]; then
	ok "$nsrc C sources and headers under ${dirs[*]}"
else
	echo "no sources found" >"$tmp/err"
	not_ok "C sources found under ${dirs[*]}" "$tmp/err"
fi
xargs -0 -r grep -nHE "$inc_re" <"$tmp/srcs" >"$tmp/incs"
none "no source includes a libbpf header (bpf/*.h, libbpf*.h, *.skel.h ...)" "$tmp/incs"

# No copy of libbpf in the tree either.
find "${dirs[@]}" \( -iname 'libbpf*' -o -path '*/bpf/libbpf*' \) ! -name 'libbpfload*' \
	-print >"$tmp/files"
none "no libbpf file in the source tree" "$tmp/files"

# ---- the build ------------------------------------------------------------

# -lbpf (but -lbpfload is ours), and libbpf by name (but libbpfload is ours).
grep -nE -- '-lbpf([^A-Za-z0-9_]|$)|libbpf([^l]|$)|pkg-config[^#]*[[:space:]]libbpf' \
	Makefile >"$tmp/mk" || true
none "the Makefile links no -lbpf and names no libbpf" "$tmp/mk"
for f in tests/*/Makefile* */Makefile* .ci/run; do
	[ -f "$f" ] || continue
	grep -nHE -- '-lbpf([^A-Za-z0-9_]|$)|libbpf-dev' "$f" >>"$tmp/mk2" || true
done
touch "$tmp/mk2"
none "no other build or CI file asks for libbpf" "$tmp/mk2"

# ---- build products -------------------------------------------------------

is_elf_prog() {		# an ELF file other than a relocatable object
	[ -f "$1" ] && [ "$(head -c 4 "$1" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ] &&
		case "$1" in *.o) false ;; *) true ;; esac
}

if ! command -v ldd >/dev/null; then
	skip "ldd shows no libbpf" "no ldd on this machine"
else
	progs=()
	for f in "$build/lib/libbpfload.so" "$build"/bin/* "$build"/tests/kernel/t_*; do
		is_elf_prog "$f" && progs+=("$f")
	done
	if [ ${#progs[@]} -eq 0 ]; then
		skip "ldd shows no libbpf" "nothing built in $build (run make)"
	else
		: >"$tmp/ldd"
		for f in "${progs[@]}"; do
			ldd "$f" 2>&1 | grep -iE 'libbpf([^l]|$)' | sed "s|^|$f: |" >>"$tmp/ldd"
		done
		none "ldd of ${#progs[@]} built libraries and programs shows no libbpf" "$tmp/ldd"
	fi
fi

# libbpf's API by name: its object API, its low-level bpf() wrappers.
sym_re='^(bpf_object__|bpf_program__|bpf_map__|bpf_link__|bpf_prog_linfo__|btf__|btf_ext__|'
sym_re+='btf_dump__|ring_buffer__|user_ring_buffer__|perf_buffer__|bpf_linker__|'
sym_re+='bpf_tc_|bpf_xdp_|libbpf_|bpf_map_create$|bpf_prog_load$|bpf_btf_load$|'
sym_re+='bpf_map_(lookup|update|delete)_elem$|bpf_map_get_next_key$|bpf_obj_(pin|get)$|'
sym_re+='bpf_obj_get_info_by_fd$|bpf_link_create$|bpf_prog_attach$|bpf_prog_test_run_opts$|'
sym_re+='bpf_raw_tracepoint_open$)'
if printf '%s\n' bpf_object__open bpf_program__attach libbpf_get_error bpf_map_create |
	grep -cE "$sym_re" | grep -qx 4 && ! printf '%s\n' bl_sys_map_create bpf_load_file |
	grep -qE "$sym_re"; then
	ok "the symbol pattern finds libbpf's API and spares ours"
else
	echo "sym_re: $sym_re" >"$tmp/err"
	not_ok "the symbol pattern finds libbpf's API and spares ours" "$tmp/err"
fi
if ! command -v nm >/dev/null; then
	skip "nm shows no libbpf symbol" "no nm on this machine"
elif [ ! -f "$build/lib/libbpfload.a" ]; then
	skip "libbpfload.a needs no libbpf symbol" "$build/lib/libbpfload.a not built (run make)"
else
	nm "$build/lib/libbpfload.a" 2>/dev/null | awk '$1 == "U" { print $2 }' | sort -u >"$tmp/u"
	nm --defined-only "$build/lib/libbpfload.a" 2>/dev/null | awk 'NF == 3 { print $3 }' |
		sort -u >"$tmp/d"
	comm -23 "$tmp/u" "$tmp/d" >"$tmp/undef"
	if [ -s "$tmp/undef" ]; then
		ok "libbpfload.a: $(wc -l <"$tmp/undef") undefined symbols to check"
	else
		echo "nm found no undefined symbol at all" >"$tmp/err"
		not_ok "libbpfload.a: nm lists its undefined symbols" "$tmp/err"
	fi
	grep -E "$sym_re" "$tmp/undef" >"$tmp/bad" || true
	none "libbpfload.a needs no libbpf symbol (bpf_object__*, bpf_program__*, libbpf_* ...)" \
		"$tmp/bad"
	if [ -f "$build/lib/libbpfload.so" ]; then
		nm -D --undefined-only "$build/lib/libbpfload.so" 2>/dev/null |
			awk '{ print $NF }' | sed 's/@.*//' | grep -E "$sym_re" >"$tmp/bad" || true
		none "libbpfload.so needs no libbpf symbol" "$tmp/bad"
	else
		skip "libbpfload.so needs no libbpf symbol" "$build/lib/libbpfload.so not built"
	fi
fi

# ---- the object layer is pure -----------------------------------------------

pure_re='^(bl_sys_.*|bl_trace_bpf|bl_trace_perf_event_open|bl_trace_perf_ioctl|syscall|ioctl|'
pure_re+='perf_event_open|bpf|mmap|mmap64|mount|setrlimit)$'
objs=("$build"/loader/object/*.o)
if ! command -v nm >/dev/null; then
	skip "loader/object makes no system call into the kernel" "no nm on this machine"
elif [ ! -f "${objs[0]}" ]; then
	skip "loader/object makes no system call into the kernel" \
		"$build/loader/object/*.o not built (run make lib)"
else
	for f in "${objs[@]}"; do
		nm -u "$f" 2>/dev/null | awk '{ print $NF }' | grep -E "$pure_re" |
			sed "s|^|$(basename "$f"): |" || true
	done >"$tmp/impure"
	# the same look at the kernel layer must find its system calls
	for f in "$build"/loader/kernel/*.o; do
		[ -f "$f" ] && nm -u "$f" 2>/dev/null | awk '{ print $NF }' | grep -E "$pure_re"
	done >"$tmp/kernel"
	if [ -s "$tmp/kernel" ]; then
		ok "control: the same look at loader/kernel/*.o finds $(sort -u "$tmp/kernel" |
			wc -l) such symbols"
	else
		echo "no bl_sys_*/syscall/ioctl symbol found in loader/kernel/*.o" >"$tmp/err"
		not_ok "control: the same look at loader/kernel/*.o finds system calls" "$tmp/err"
	fi
	none "loader/object/*.o (${#objs[@]} files) call no bl_sys_*, syscall, ioctl, perf_event_open, mmap" \
		"$tmp/impure"
fi

echo "1..$n"
