#!/bin/sh
# A short pass of `make bench`'s lab part (bench/lab-throughput.sh) so the
# benchmark cannot rot: it runs to the end and prints a figure and a ratio
# for every row.  Nothing is timed or compared: TCG figures mean nothing here.
# lab-plan: 6
# lab-timeout: 600
cd /src || exit 1
. tests/lib/tap.sh
out=/tmp/bench.out
sh bench/lab-throughput.sh 300 1 > "$out" 2>&1
rc=$?
sed 's/^/# /' "$out"
check_eq "bench/lab-throughput.sh ran to the end" 0 "$rc"
for row in "none" "riommu-top" "riommu-trace (histograms)" "riommu-top + riommu-trace"; do
	# rows are "%-28s groups/s ratio +ns/group"
	figures=$(awk -v n="$row" '{ name = substr($0, 1, 28); sub(/ +$/, "", name) }
		name == n { print substr($0, 29); exit }' "$out")
	if echo "$figures" | awk 'NF == 3 && $1 > 0 && $2 ~ /^[0-9]+\.[0-9]+$/ { ok = 1 } END { exit !ok }'; then
		pass "bench row '$row' printed its figures"
	else
		fail "bench row '$row' printed its figures" "'$figures'"
	fi
done
check_eq "no tool left attached" "$(bpftool link list 2>/dev/null | grep -c '^[0-9]')" 0
