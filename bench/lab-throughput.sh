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

# burst_rate: groups per second of one injector write
burst_rate() {
	out=$("$RATE" -i "$INJ" "$N") || return 1
	echo "$out" | awk '{ print $6 }'
}
best_rate() { best_of burst_rate; }

. bench/lab-tools.inc

echo "# injector throughput, $N one-request groups per write, best of $ROUNDS"
best_rate > /dev/null || exit 1	# warm-up: first-run costs stay out of the figures
base=$(best_rate) || exit 1
printf '%-28s %12s %7s %12s\n' "tools attached" "groups/s" "ratio" "+ns/group"
row "none" "$base"
# The floor: programs that do nothing, on riommu-top's three tracepoints:
# what any BPF tool there pays per group before its first instruction.
EMPTY=/sys/fs/bpf/riommu-bench-empty
grep -q ' /sys/fs/bpf ' /proc/mounts || mount -t bpf bpf /sys/fs/bpf
if bpftool prog loadall "$BIN/empty.bpf.o" $EMPTY autoattach; then
	best_rate > /dev/null
	row "3 empty programs (floor)" "$(best_rate)"
	rm -rf $EMPTY
	detach
fi
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

# Where a tool's time goes: its programs' own run time, from the kernel's
# BPF statistics (kernel.bpf_stats_enabled), in a pass of its own because
# the statistics add two clock reads per run.  What the row above adds per
# group beyond the programs' run time is the tracepoints' dispatch.
STATS=/proc/sys/kernel/bpf_stats_enabled
if [ -w $STATS ]; then
	echo "# BPF programs' own run time per group (kernel.bpf_stats_enabled, a separate pass)"
	for tool in "riommu-top -j" "riommu-trace"; do
		# shellcheck disable=SC2086
		attach "$BIN/"$tool 1
		echo 1 > $STATS
		best_rate > /dev/null
		bpf_runs > /tmp/bpf-runs.0
		best_rate > /dev/null
		bpf_runs > /tmp/bpf-runs.1
		echo 0 > $STATS
		bpf_runs_print /tmp/bpf-runs.0 /tmp/bpf-runs.1 "$((N * ROUNDS))" group "${tool%% *}"
		detach
	done
fi
