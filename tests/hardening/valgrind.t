#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# valgrind.t - `bpfload inspect` under valgrind on every BPF object the
# build makes and on a corpus of broken objects.
#
# Objects: build/tests/objs/*.o, build/bin/*_kern.o and the fuzzer's
# regression inputs (tests/fuzz/regressions/).  Broken corpus:
# tests/hardening/mkbroken.pl damages copies of five test objects
# (truncations, ELF and section headers, symbols, BTF and BTF.ext,
# relocations, random bytes: about 500 files); the CLI's first error line
# (numbers and names taken out) sorts them by the check they hit, and the
# first file of each kind is run under valgrind, about 40 in all (each
# valgrind run costs about a second, every file would take minutes).
# On-disk broken corpora in tests/unit/broken/ or tests/broken/, if
# present, are added whole.
#
# Each run: valgrind --leak-check=full, definite/indirect/possible leaks
# and every memory error are errors; --error-exitcode=99 (not 1, which is
# what inspect returns for a broken object).  A pass is exit status 0 or
# 1, no valgrind error.  Runs in parallel, one per CPU.
#
# Environment: VALGRIND (default valgrind), V=1 shows every valgrind log.
. "$(dirname "$0")/lib.sh"

VALGRIND=${VALGRIND:-valgrind}
command -v "$VALGRIND" >/dev/null 2>&1 || skip_all "valgrind is not installed"
command -v perl >/dev/null 2>&1 || skip_all "perl is not installed"
[ -x "$BPFLOAD" ] || skip_all "$BPFLOAD not built: run make"
for o in btf_maps legacy_maps globals subprogs bad_prog; do
	[ -f "$OBJS/$o.o" ] || skip_all "$OBJS/$o.o not built: run make"
done

tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
mkdir "$tmp/broken" "$tmp/run" "$tmp/logs"

# ---- the broken corpus ---------------------------------------------------------
made=$(perl tests/hardening/mkbroken.pl "$tmp/broken" "$OBJS"/btf_maps.o "$OBJS"/legacy_maps.o \
	"$OBJS"/globals.o "$OBJS"/subprogs.o "$OBJS"/bad_prog.o)
ok $? "mkbroken.pl wrote $made broken objects"

# "FILE<TAB>first error line" for each, then the first file of each kind
for f in "$tmp"/broken/*.o; do
	msg=$("$BPFLOAD" inspect "$f" 2>&1 >/dev/null)
	printf '%s\t%s\n' "$f" "${msg%%$'\n'*}"
done >"$tmp/kinds"
mapfile -t broken < <(sed -E "s/\tbpfload: [^:]*: /\t/; s/0x[0-9a-f]+/N/g; s/[0-9]+/N/g;
	s/'[^']*'/Q/g" "$tmp/kinds" | paste - "$tmp/kinds" | awk -F'\t' '!seen[$2]++ { print $3 }')
ok 0 "${#broken[@]} kinds of failure among them (one file of each runs under valgrind)"

files=("$OBJS"/*.o)
for f in "$BUILD"/bin/*_kern.o tests/fuzz/regressions/* tests/unit/broken/* tests/broken/*; do
	[ -f "$f" ] && files+=("$f")
done
files+=("${broken[@]}")

# ---- under valgrind, in parallel -----------------------------------------------
# one job per file: writes run/N (exit status) and logs/N (valgrind's log)
cat >"$tmp/job" <<JOB
#!/usr/bin/env bash
i=\$1 f=\$2
"$VALGRIND" -q --error-exitcode=99 --leak-check=full \\
	--errors-for-leak-kinds=definite,indirect,possible \\
	--show-leak-kinds=definite,indirect,possible --log-file="$tmp/logs/\$i" \\
	"$BPFLOAD" inspect "\$f" >/dev/null 2>"$tmp/logs/\$i.err"
echo \$? >"$tmp/run/\$i"
JOB
chmod +x "$tmp/job"
for i in "${!files[@]}"; do
	printf '%s\0%s\0' "$i" "${files[$i]}"
done | xargs -0 -n 2 -P "$(nproc 2>/dev/null || echo 2)" "$tmp/job"

failed=0
for i in "${!files[@]}"; do
	f=${files[$i]}
	rc=$(cat "$tmp/run/$i" 2>/dev/null || echo missing)
	name=${f#"$hd_top"/}
	name=${name#"$tmp"/}
	if { [ "$rc" = 0 ] || [ "$rc" = 1 ]; } && [ ! -s "$tmp/logs/$i" ]; then
		ok 0 "inspect $name: exit $rc, valgrind clean"
	else
		ok 1 "inspect $name: exit $rc$([ "$rc" = 99 ] && echo ' (valgrind errors)')"
		diag "$(head -n 40 "$tmp/logs/$i" "$tmp/logs/$i.err" 2>/dev/null)"
		failed=$((failed + 1))
	fi
	if [ "${V:-0}" = 1 ] && [ -s "$tmp/logs/$i" ]; then
		diag "$(cat "$tmp/logs/$i")"
	fi
done

done_testing
