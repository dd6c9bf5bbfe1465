#!/bin/sh
# A short pass of `make bench`'s lab part (bench/lab-throughput.sh) so the
# benchmark cannot rot: it runs to the end and prints a figure and a ratio
# for every row.  Nothing is timed or compared: TCG figures mean nothing here.
# lab-plan: 9
# lab-timeout: 600
cd /src || exit 1
. tests/lib/tap.sh
. tests/lab/bench-common.inc
bench_pass /tmp/bench.out bench/lab-throughput.sh 300 1
bench_rows /tmp/bench.out "none" "3 empty programs (floor)" "riommu-top" "riommu-trace (histograms)" "riommu-top + riommu-trace"
for tool in riommu-top riommu-trace; do
	check_cmd "bench: $tool's programs' own run time per group printed (BPF statistics)" \
		grep -q "^# $tool  *[1-9][0-9]* ns/group in its programs" /tmp/bench.out
done
