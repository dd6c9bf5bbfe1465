#!/bin/sh
# The RISC-V IOMMU brings its page-request queue up at boot (the lab IOMMU
# implements ATS), exposes the root-only debugfs files of the contract with
# all counters at zero, and registers the four riscv_iommu tracepoints with
# the documented fields: the IOMMU's name, then the scalars in TP_PROTO
# order, flags and response codes printed by name.
# lab-plan: 15
cd /src || exit 1
. tests/lab/riscv-pq-common.inc

line=$(dmesg | grep 'page request queue enabled')
if [ -n "$line" ]; then
	pass "dmesg: page request queue enabled"
else
	fail "dmesg: page request queue enabled" "$(dmesg | grep -i iommu | tail -n 5 | tr '\n' '|')"
fi
entries=$(echo "$line" | sed -n 's/.*enabled, \([0-9]*\) entries.*/\1/p')
check_ge "PQ has at least 2 entries" 2 "${entries:-0}"
check_eq "PQ size is a power of two" 0 $(( ${entries:-3} & (${entries:-3} - 1) ))

check_cmd "debugfs: iommu0 directory" test -d "$PQD"
check_eq "debugfs: pq_inject mode" 200 "$(stat -c %a "$INJ" 2>/dev/null)"
check_eq "debugfs: pq_stats mode" 400 "$(stat -c %a "$STATS" 2>/dev/null)"
check_eq "pq_stats: counter names in order" \
	"consumed reported stop_markers unknown_devid report_errors responses injected_responses overflows mem_faults" \
	"$(awk '{ printf "%s%s", sep, $1; sep = " " }' "$STATS")"
check_eq "pq_stats: all zero at boot" "0 0 0 0 0 0 0 0 0" \
	"$(awk '{ printf "%s%s", sep, $2; sep = " " }' "$STATS")"

# fields EVENT: the event's own fields (after common_*), in order
fields() {
	sed -n 's/^\tfield:[^;]* \([a-z_]*\);.*/\1/p' "$TR/events/riscv_iommu/$1/format" |
		grep -v '^common_' | tr '\n' ' ' | sed 's/ $//'
}
# one event class: the same record for the three page request events
for e in pq_consume pq_report page_response; do
	check_eq "tracepoint $e fields" "name iommu devid pasid flags prgi addr result" "$(fields $e)"
done
check_eq "tracepoint pq_error fields" "name iommu errors head tail" "$(fields pq_error)"
check_cmd "pq_consume prints its flags by name" \
	grep -q '^print fmt: .*__print_flags(REC->flags, "|",.*"PV".*"INJ"' \
	"$TR/events/riscv_iommu/pq_consume/format"
check_cmd "page_response prints its code by name" \
	grep -q '^print fmt: .*__print_symbolic(REC->result,.*"Success".*"Invalid".*"Failure"' \
	"$TR/events/riscv_iommu/page_response/format"

# No page request arrived at boot, so nothing was answered either
check_eq "no responses sent at boot" 0 "$(pqs responses)"

tap_exit
