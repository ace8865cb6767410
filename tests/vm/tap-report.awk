# tap-report.awk - one guest's console log (CRs stripped) to TAP lines.
#
# Used by tests/vm/run.  Variables: K (kernel label), base (first test
# number), tmo (per-test timeout), tests (test names, space separated, in run order), qrc (QEMU's
# exit status under timeout), ms (run time), errfile (QEMU's stderr).
# Prints, numbered from base, one line per test and then one saying
# whether the guest ran to its end; exits 1 if any is "not ok".
# The guest's markers are documented in guest-init.sh.  POSIX awk (mawk).

function diag(s) {
	print "# " s > "/dev/stderr"
}

# Lines from..upto of the log, at most the last n, as diagnostics.
function tail_diag(from, upto, n, what,    i) {
	diag(K ": " what)
	if (upto - n + 1 > from)
		from = upto - n + 1
	for (i = from; i <= upto; i++)
		if (line[i] != "")
			diag("  | " line[i])
}

# A crash: the console from the kernel's first complaint after line
# `from` (at most 30 lines), else its last 20 lines.
function crash_diag(from, what,    i, n) {
	for (i = from; i <= NR; i++)
		if (line[i] ~ /Kernel panic|BUG:|Oops|general protection|double fault|WARNING:|Call Trace/)
			break
	if (i > NR) {
		tail_diag(from, NR, 20, what)
		return
	}
	diag(K ": " what)
	for (n = 0; i <= NR && n < 30; i++)
		if (line[i] != "") {
			diag("  | " line[i])
			n++
		}
	if (i <= NR)
		diag("  | ... (" NR - i + 1 " more lines)")
}

# What became of QEMU, for messages.
function qemu_end() {
	if (qrc == 124 || qrc == 137)
		return "QEMU killed by the host's timeout after " ms " ms"
	if (qrc == 0)
		return "QEMU exit 0 after " ms " ms: a panic or a power-off"
	return "QEMU exit " qrc " after " ms " ms"
}

function tap(ok, name, extra) {
	print (ok ? "ok " : "not ok ") num " - " K ": " name extra
	num++
	if (!ok)
		failed++
}

# Judge test t's TAP, lines first..last; sets verdict and skip.
function judge(t, first, last,    i, s, plan, nok, nnot, bail) {
	plan = -1; nok = 0; nnot = 0; bail = 0; skip = ""
	for (i = first; i <= last; i++) {
		s = line[i]
		if (plan < 0 && s ~ /^1\.\.[0-9]+/) {
			plan = s; sub(/^1\.\./, "", plan); sub(/[^0-9].*/, "", plan)
			plan += 0
			if (plan == 0 && s ~ /#[ \t]*[Ss][Kk][Ii][Pp]/) {
				skip = s; sub(/^[^#]*#[ \t]*[Ss][Kk][Ii][Pp][^ \t]*[ \t]*/, "", skip)
				if (skip == "")
					skip = "skipped"
			}
		} else if (s ~ /^ok([ \t]|$)/) {
			nok++
		} else if (s ~ /^not ok([ \t]|$)/) {
			if (s ~ /#[ \t]*[Tt][Oo][Dd][Oo]/)
				nok++
			else
				nnot++
		} else if (s ~ /^Bail out!/) {
			bail = 1
		}
	}
	if (trc[t] != 0)
		verdict = trc[t] == 137 ? "killed after the " tmo " s timeout (exit 137)" \
					: "exit status " trc[t]
	else if (bail)
		verdict = "bailed out"
	else if (plan < 0)
		verdict = "printed no TAP plan"
	else if (nnot > 0)
		verdict = nnot " of " nok + nnot " checks failed"
	else if (nok != plan)
		verdict = "ran " nok " of " plan " planned checks"
	else
		verdict = ""
}

BEGIN {
	nt = split(tests, T, " ")
	num = base
	failed = 0
}

{ line[NR] = $0 }
/^@@BPFLOAD-VM-BEGIN / { begun = NR; uname = $2; next }
/^@@BPFLOAD-TEST-START / { start[$2] = NR; next }
/^@@BPFLOAD-TEST-END / {
	endl[$2] = NR; trc[$2] = $3; sub(/^rc=/, "", trc[$2]); trc[$2] += 0
	next
}
/^@@BPFLOAD-VM-END / { ended = NR; next }

END {
	rcs = 0
	lost = 0
	for (i = 1; i <= nt; i++) {
		t = T[i]
		print "# Subtest: " K ": " t
		if (t in start) {
			last = (t in endl) ? endl[t] - 1 : NR
			for (j = start[t] + 1; j <= last; j++)
				if (line[j] != "")
					print "    " line[j]
		}
		if (!(t in start)) {
			tap(0, t, "")
			if (!lost)
				crash_diag(1, "guest ended before " t " started (" qemu_end() "); console:")
			else
				diag(K ": " t ": not run")
			lost = 1
		} else if (!(t in endl)) {
			tap(0, t, "")
			crash_diag(start[t], t ": no end marker: the guest crashed or hung (" \
				   qemu_end() "); console:")
			lost = 1
		} else {
			judge(t, start[t] + 1, endl[t] - 1)
			if (trc[t] != 0)
				rcs++
			if (verdict != "") {
				tap(0, t, "")
				tail_diag(start[t] + 1, endl[t] - 1, 15, t ": " verdict "; its last lines:")
			} else {
				tap(1, t, skip != "" ? " # SKIP " skip : "")
			}
		}
	}
	# QEMU exits (code << 1) | 1 on guest-exit CODE: 1 all passed, 3 not.
	if (qrc == 124 || qrc == 137)
		why = "QEMU timed out"
	else if (!begun)
		why = "the guest never reached /init"
	else if (!ended)
		why = "no end marker"
	else if (qrc != 1 && qrc != 3)
		why = "unexpected QEMU exit status"
	else if ((qrc == 1) != (rcs == 0))
		why = "QEMU exit " qrc " disagrees with the tests' exit statuses"
	else
		why = ""
	if (why == "") {
		tap(1, "guest ran to the end", " (" uname ", " sprintf("%.1f", ms / 1000) " s)")
	} else {
		tap(0, "guest ran to the end", "")
		if (lost)
			diag(K ": " why " (" qemu_end() "): see above")
		else
			tail_diag(1, NR, 20, why " (" qemu_end() "); last console lines:")
		while ((getline s < errfile) > 0)
			diag(K ": qemu: " s)
	}
	exit failed ? 1 : 0
}
