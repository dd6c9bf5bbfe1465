#!/bin/sh
# Guest side of "make bench": page-request throughput of the PQ path with
# and without the riommu tools attached, as a ratio.  Prints figures; it is
# not a test.  Each round is one injector write of N one-request groups
# from an unknown RID: the driver consumes, reports and answers (PRGR)
# each, so every group runs the consume, report and response tracepoints.
#   sh bench/lab-throughput.sh [GROUPS [ROUNDS]]
# Under TCG the absolute figures are those of an emulated CPU; the ratio
# is the point.
cd /src || exit 1
N=${1:-20000}
ROUNDS=${2:-3}
BIN=${RIOMMU_BIN:-/src/build/riscv64}
INJ=/sys/kernel/debug/iommu/riscv/iommu0/pq_inject
[ -w "$INJ" ] || { echo "bench: no injector at $INJ (CONFIG_RISCV_IOMMU_PRI_INJECT)" >&2; exit 1; }
RATE=$BIN/inject-rate
[ -x "$RATE" ] || { echo "bench: $RATE not built (make -C bench lab)" >&2; exit 1; }

# best_rate: groups per second of the fastest of ROUNDS writes
best_rate() {
	best=0
	r=0
	while [ $r -lt "$ROUNDS" ]; do
		out=$("$RATE" -i "$INJ" "$N") || exit 1
		rate=$(echo "$out" | awk '{ print $6 }')
		[ "$rate" -gt $best ] && best=$rate
		r=$((r + 1))
	done
	echo $best
}

# A tool's links appear during its start-up (how many depends on its
# mode) and go away a little after it exits: wait on the link count.
links() { bpftool link list 2>/dev/null | grep -c '^[0-9]'; }
BASE_LINKS=$(links)
PIDS=
# attach CMD...: start one more tool; done when it has added links and the
# count has stayed the same for two seconds
attach() {
	n0=$(links)
	"$@" > /dev/null 2>&1 &
	PIDS="$PIDS $!"
	i=0
	while [ "$(links)" -le "$n0" ] && [ $i -lt 240 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	[ $i -lt 240 ] || { echo "bench: $1 did not attach" >&2; exit 1; }
	n=$(links)
	while sleep 2; [ "$(links)" -ne "$n" ]; do
		n=$(links)
	done
}
detach() {
	# shellcheck disable=SC2086
	kill -INT $PIDS 2>/dev/null
	wait
	PIDS=
	i=0
	while [ "$(links)" -ne "$BASE_LINKS" ] && [ $i -lt 60 ]; do
		sleep 0.5
		i=$((i + 1))
	done
}

echo "# injector throughput, $N one-request groups per write, best of $ROUNDS"
best_rate > /dev/null || exit 1	# warm-up: first-run costs stay out of the figures
base=$(best_rate) || exit 1
printf '%-28s %12s %7s %12s\n' "tools attached" "groups/s" "ratio" "+ns/group"
# ratio to none, and the time each group costs more than with none
row() {
	awk -v n="$1" -v a="$2" -v b="$base" \
		'BEGIN { printf "%-28s %12d %7.3f %12.0f\n", n, a, a / b, 1e9 / a - 1e9 / b }'
}
row "none" "$base"
attach "$BIN/riommu-top" -j 1
best_rate > /dev/null
row "riommu-top" "$(best_rate)"
detach
attach "$BIN/riommu-trace" 1
best_rate > /dev/null
row "riommu-trace (histograms)" "$(best_rate)"
attach "$BIN/riommu-top" -j 1
best_rate > /dev/null
row "riommu-top + riommu-trace" "$(best_rate)"
detach
