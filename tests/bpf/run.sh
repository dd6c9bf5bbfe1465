#!/bin/sh
# Host BPF tests: build, load every program on the host kernel, drive the
# aggregation with BPF_PROG_TEST_RUN (tests/bpf/bpf_test.c), and check that
# the tools fail with one sentence on a kernel without the riommu tracepoints.
# Runs inside the sid root as root (tests/lib/host-tier.sh takes it there).
. "$(dirname "$0")/../lib/host-tier.sh"

host_tier_build "bpf: host build (tools, BPF objects, skeletons)"
host_tier_tap "bpf: bpf_test exit status" $B/tests/bpf_test

# One sentence, non-zero exit, no libbpf noise: host kernel has no tracepoints.
empty=$(mktemp -d)
mkdir -p "$empty/events"
fake=$(mktemp -d)
for e in pq_consume pq_report page_response pq_error; do
	mkdir -p "$fake/events/riscv_iommu/$e"
done
for tool in riommu-top riommu-trace; do
	for how in btf tracefs; do
		if [ $how = tracefs ]; then
			err=$(RIOMMU_TRACEFS=$empty $B/$tool 1 1 2>&1 >/dev/null)
		else
			err=$($B/$tool 1 1 2>&1 >/dev/null)
		fi
		st=$?
		check_eq "$tool: exits 1 without tracepoints ($how check)" 1 "$st"
		check_eq "$tool: one line on stderr ($how check)" 1 "$(printf '%s\n' "$err" | wc -l)"
		case $err in
		*"riscv_iommu:pq_consume"*"CONFIG_RISCV_IOMMU_PRI"*) pass "$tool: message names the tracepoint and the fix ($how)" ;;
		*) fail "$tool: message names the tracepoint and the fix ($how)" "got: $err" ;;
		esac
	done
	# events listed in tracefs but not in the kernel: attach fails, one line
	err=$(RIOMMU_TRACEFS=$fake $B/$tool 1 1 2>&1 >/dev/null)
	st=$?
	check_eq "$tool: attach failure exits 1" 1 "$st"
	check_eq "$tool: attach failure is one line" 1 "$(printf '%s\n' "$err" | wc -l)"
	# attach type: -v names it; a forced tp_btf this kernel cannot do is one line
	err=$(RIOMMU_TRACEFS=$fake $B/$tool -v 1 1 2>&1 >/dev/null)
	case $err in
	*"$tool: attach type raw_tp (no btf_trace_pq_consume in the kernel's BTF)"*)
		pass "$tool -v: says raw_tp and why" ;;
	*) fail "$tool -v: says raw_tp and why" "$(printf '%s\n' "$err" | grep 'attach type')" ;;
	esac
	for v in tp_btf bogus; do
		err=$(RIOMMU_ATTACH=$v RIOMMU_TRACEFS=$fake $B/$tool 1 1 2>&1 >/dev/null)
		st=$?
		check_eq "$tool: RIOMMU_ATTACH=$v refused here, exit 1" 1 "$st"
		case $err in
		"$tool: RIOMMU_ATTACH"*) check_eq "$tool: RIOMMU_ATTACH=$v: one line" 1 \
			"$(printf '%s\n' "$err" | wc -l)" ;;
		*) fail "$tool: RIOMMU_ATTACH=$v: one line" "got: $err" ;;
		esac
	done
done
rm -rf "$empty" "$fake"

# End to end: the tools load their programs without attaching
# (RIOMMU_TEST_NOATTACH), tests/bpf/drive feeds tests/bpf/scenario.txt through
# BPF_PROG_TEST_RUN, and e2e.py checks the NDJSON against the known answer.
tmp=$(mktemp -d)
drive_when_loaded() {
	i=0
	until echo wait | $B/tests/drive "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || return 1
		sleep 0.1
	done
	$B/tests/drive "$1" < tests/bpf/scenario.txt
}
e2e() {
	name=$1 kind=$2 prog=$3
	shift 3
	RIOMMU_TEST_NOATTACH=1 "$@" > "$tmp/$name.out" 2> "$tmp/$name.err" &
	pid=$!
	if drive_when_loaded "$prog"; then
		pass "e2e $name: scenario driven"
	else
		fail "e2e $name: scenario driven" "drive failed"
	fi
	sleep 1.5
	kill -INT $pid 2>/dev/null
	wait $pid
	check_eq "e2e $name: exits 0 on SIGINT" 0 $?
	host_tier_tap "e2e $name: e2e.py exit status" python3 tests/bpf/e2e.py "$kind" "$tmp/$name.out"
}
e2e top top top $B/riommu-top -j -P -t 0.5 1
e2e hist hist trace $B/riommu-trace -j -P -L 1000 1
e2e events events trace $B/riommu-trace -e -j
host_tier_tap "e2e clock records" sh -c "python3 tests/bpf/e2e.py clock $tmp/top.out riommu-top &&
	python3 tests/bpf/e2e.py clock $tmp/events.out riommu-trace"
# the same scenario as CSV: fixed columns, the NDJSON records' values
csv_run() { # NAME PROG ARGS...
	name=$1 prog=$2
	shift 2
	RIOMMU_TEST_NOATTACH=1 "$@" > "$tmp/$name.csv" 2> "$tmp/$name.err" &
	pid=$!
	drive_when_loaded "$prog" >/dev/null 2>&1
	sleep 1.5
	kill -INT $pid 2>/dev/null
	wait $pid
	check_eq "e2e $name: exits 0 on SIGINT, nothing on stderr" "0 " "$? $(cat "$tmp/$name.err")"
}
csv_run events-csv trace $B/riommu-trace -e --csv
csv_run hist-csv trace $B/riommu-trace -P --csv 1
host_tier_tap "e2e trace --csv: e2e.py exit status" sh -c \
	"python3 tests/bpf/e2e.py csv $tmp/events.out $tmp/events-csv.csv event &&
	python3 tests/bpf/e2e.py csv $tmp/hist.out $tmp/hist-csv.csv hist"
# -T: event lines start with today's wall-clock time
RIOMMU_TEST_NOATTACH=1 $B/riommu-trace -e -T > "$tmp/T.out" 2>/dev/null &
pid=$!
drive_when_loaded trace >/dev/null 2>&1
sleep 0.5
kill -INT $pid; wait $pid
now=$(date +'%H %M %S' | awk '{ print $1 * 3600 + $2 * 60 + $3 }')
bad=$(awk -v now="$now" 'NR > 1 {
	split($1, t, /[:.]/)
	if ($1 !~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9][.][0-9][0-9][0-9]$/) { print; next }
	d = now - (t[1] * 3600 + t[2] * 60 + t[3]); if (d < 0) d += 86400
	if (d > 60) print
}' "$tmp/T.out" | head -n 3)
check_eq "e2e trace -e -T: header starts with TIME" "TIME" "$(head -1 "$tmp/T.out" | cut -c1-4)"
check_eq "e2e trace -e -T: 19 event lines" 19 "$(($(wc -l < "$tmp/T.out") - 1))"
check_eq "e2e trace -e -T: every line starts with the time of the run" "" "$bad"
# text modes run and print the right number of lines
RIOMMU_TEST_NOATTACH=1 $B/riommu-trace -f > "$tmp/f.out" 2>/dev/null &
pid=$!
drive_when_loaded trace >/dev/null 2>&1
sleep 0.5
kill -INT $pid; wait $pid
check_eq "e2e trace -f: header + one failure line" 2 "$(wc -l < "$tmp/f.out")"
case $(tail -1 "$tmp/f.out") in
*"0x000010"*"7"*"0x4000"*"rw-"*"Failure"*"handler"*) pass "e2e trace -f: failure line fields" ;;
*) fail "e2e trace -f: failure line fields" "$(tail -1 "$tmp/f.out")" ;;
esac
# stdout is a file: no screen clearing even without -C
RIOMMU_TEST_NOATTACH=1 $B/riommu-top -P -t 0.5 1 > "$tmp/t.out" 2>/dev/null &
pid=$!
drive_when_loaded top >/dev/null 2>&1
sleep 1.5
kill -INT $pid; wait $pid
grep -q '^STUCK groups' "$tmp/t.out" && grep -q 'rid 0x000040 pasid - prgi 9 requests 2' "$tmp/t.out"
check_eq "e2e top table: stuck group listed" 0 $?
grep -q '^ *0 0x000008 *6 ' "$tmp/t.out"
check_eq "e2e top table: per-PASID row" 0 $?
check_eq "e2e top table: no escape sequences when stdout is not a terminal" 0 \
	"$(grep -c "$(printf '\033')" "$tmp/t.out")"
# a terminal: cleared each interval, unless -C
for c in "" -C; do
	# shellcheck disable=SC2086
	RIOMMU_TEST_NOATTACH=1 python3 -c 'import pty, sys; pty.spawn(sys.argv[1:])' \
		$B/riommu-top $c 0.3 2 > "$tmp/tty$c.out" 2>&1
done
check_eq "e2e top on a terminal: screen cleared each interval, not with -C" "2 0" \
	"$(grep -c "$(printf '\033')\\[2J" "$tmp/tty.out") $(grep -c "$(printf '\033')\\[2J" "$tmp/tty-C.out")"
RIOMMU_TEST_NOATTACH=1 $B/riommu-top --csv 1 2 > "$tmp/c.out" 2>/dev/null &
pid=$!
drive_when_loaded top >/dev/null 2>&1
wait $pid
check_eq "e2e top --csv: header starts with schema" "schema,type" "$(head -1 "$tmp/c.out" | cut -d, -f1,2)"
n=$(awk -F, 'NR > 1 && $1 != 1' "$tmp/c.out" | wc -l)
check_eq "e2e top --csv: every record has schema 1" 0 "$n"
# Every NDJSON/CSV record type has exactly the fields its man page lists.
host_tier_tap "riommu-top: man-fields.py exit status" \
	python3 tests/bpf/man-fields.py docs/man/riommu-top.8 "$tmp/top.out" "$tmp/c.out"
host_tier_tap "riommu-trace: man-fields.py exit status" \
	python3 tests/bpf/man-fields.py docs/man/riommu-trace.8 "$tmp/hist.out" "$tmp/events.out" \
	"$tmp/events-csv.csv" "$tmp/hist-csv.csv"

# --prometheus: the scenario's counters served at /metrics (e2e.py prom)
RIOMMU_TEST_NOATTACH=1 $B/riommu-top --prometheus 127.0.0.1:19464 -P 0.3 > "$tmp/p.out" 2> "$tmp/p.err" &
pid=$!
drive_when_loaded top >/dev/null 2>&1
sleep 1
host_tier_tap "e2e top --prometheus: e2e.py exit status" python3 tests/bpf/e2e.py prom http://127.0.0.1:19464
if command -v promtool >/dev/null; then
	python3 -c 'import urllib.request, sys; sys.stdout.write(urllib.request.urlopen("http://127.0.0.1:19464/metrics").read().decode())' > "$tmp/metrics.txt"
	promtool check metrics < "$tmp/metrics.txt" > "$tmp/promtool.out" 2>&1
	check_eq "e2e top --prometheus: promtool check metrics finds no problem" "0 " "$? $(cat "$tmp/promtool.out")"
else
	fail "e2e top --prometheus: promtool check metrics finds no problem" "no promtool in the sid root"
fi
kill -INT $pid; wait $pid
check_eq "e2e top --prometheus: exits 0, prints nothing but the banner" "0 0" \
	"$? $(wc -c < "$tmp/p.out")"

. tests/bpf/bpftrace-rate.sh

# A short pass of `make bench`'s host part, so the benchmark cannot rot: it
# runs and prints its figures (nothing is timed or compared).
$B/riommu-bench -n 2000 -r 1 > "$tmp/bench.out" 2>&1
check_eq "bench: riommu-bench -n 2000 -r 1 exits 0" 0 $?
sed 's/^/# /' "$tmp/bench.out"
check_cmd "bench: prints a per-lifecycle cost in ns" grep -q '[0-9] *ns' "$tmp/bench.out"
# 64 groups in flight + 1000 warming up + 2000 timed, all answered
check_cmd "bench: the minimal pairing (the machine's floor) paired all 3064 groups" \
	grep -q 'paired 3064 of 3064 groups' "$tmp/bench.out"
rm -rf "$tmp"
tap_exit
