#!/bin/sh
# A short pass of `make bench`'s SVA part (bench/lab-sva.sh) so the
# benchmark cannot rot: it runs to the end and prints a figure and a ratio
# for every row.  Nothing is timed or compared: TCG figures mean nothing here.
# lab-plan: 6
# lab-timeout: 600
cd /src || exit 1
. tests/lib/tap.sh
. tests/lab/bench-common.inc
bench_pass /tmp/bench-sva.out bench/lab-sva.sh 16 1
bench_rows /tmp/bench-sva.out "none" "riommu-top -P" "riommu-trace -P" "riommu-top + riommu-trace"
