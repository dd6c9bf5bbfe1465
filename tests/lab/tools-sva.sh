#!/bin/sh
# riommu-top -P and riommu-trace -P on SVA traffic: a process binds its mm
# through riommu-test's character device and its function writes 64 pages
# it never touched (ATS mode, the mm's PASID): 64 page requests, each
# answered Success by the core's SVA handler after handle_mm_fault().  Then
# a process writes 4 pages of a read-only mapping: 4 Invalid, 4 failures.
# The tools must show that traffic in the rows of the PASIDs the processes
# got, with one latency per group (now including the page-fault handling)
# and the same counts as the device and tracefs.
# lab-qemu-args: -device riommu-pri-testdev
# lab-plan: 17
cd /src || exit 1
. tests/lab/hw-common.inc
BIN=${RIOMMU_BIN:-/src/build/riscv64}
TMP=/tmp/riommu-tools-sva
mkdir -p $TMP
hw_setup

N=64
$BIN/riommu-top -j -P 1 > $TMP/top.json 2> $TMP/top.err &
top=$!
$BIN/riommu-trace -j -P > $TMP/hist.json 2> $TMP/hist.err &
hist=$!
i=0
while [ ! -s $TMP/top.json ] && [ $i -lt 120 ]; do sleep 1; i=$((i + 1)); done
check_ge "riommu-top -j started" 1 "$(wc -l < $TMP/top.json)"
sleep 2		# riommu-trace attached too (it prints nothing before the end)
trace_on riscv_iommu/pq_consume riscv_iommu/page_response
$PT -d "$BDF" sva count=$N perm=w value=0x9000 > $TMP/ok.pt 2>&1
rc1=$?
$PT -d "$BDF" sva count=4 perm=w value=0xa000 readonly > $TMP/ro.pt 2>&1
trace_off
sleep 2
kill -INT $top $hist
wait $top
r1=$?
wait $hist
r2=$?
check_eq "tools exit 0 on SIGINT" "0 0" "$r1 $r2"
check_eq "tools: nothing on stderr" "" "$(cat $TMP/top.err $TMP/hist.err)"

v() { awk -v n="$2" '$1 == n { print $2 }' "$TMP/$1.pt"; }
P1=$(v ok sva_pasid)
P2=$(v ro sva_pasid)
check_eq "workload: $N pages written after $N Success" "0 $N $N" "$rc1 $(v ok pages_ok) $(v ok resp_success)"
check_eq "workload: the read-only pages got 4 Invalid" 4 "$(v ro resp_invalid)"
check_eq "tracefs: $N + 4 page responses for the function" $((N + 4)) \
	"$(trace_dev page_response | wc -l)"

# rows FIELD: sum over riommu-top's row records of our RID and the two PASIDs
rows() {
	jq -s --arg f "$1" --argjson r "$((DEVID))" --argjson a "$P1" --argjson b "$P2" \
		'[.[] | select(.type == "row" and .rid == $r and (.pasid == $a or .pasid == $b)) | .[$f]] | add // 0' \
		$TMP/top.json
}
pasid_rows() { # FIELD PASID
	jq -s --arg f "$1" --argjson r "$((DEVID))" --argjson p "$2" \
		'[.[] | select(.type == "row" and .rid == $r and .pasid == $p) | .[$f]] | add // 0' \
		$TMP/top.json
}
last_summary() { jq -s -r --arg f "$1" '[.[] | select(.type == "summary")] | last | .[$f]' $TMP/top.json; }
if [ "$P1" != "$P2" ]; then
	check_eq "top: PASID $P1 (the $N pages): groups, Success, latencies" "$N $N $N" \
		"$(pasid_rows groups "$P1") $(pasid_rows resp_success "$P1") $(pasid_rows lat_count "$P1")"
	check_eq "top: PASID $P2 (read-only): groups, Invalid, failures" "4 4 4" \
		"$(pasid_rows groups "$P2") $(pasid_rows resp_invalid "$P2") $(pasid_rows failures "$P2")"
else	# the second mm got the first one's freed PASID back
	check_eq "top: PASID $P1: groups, Success, latencies" "$((N + 4)) $N $((N + 4))" \
		"$(pasid_rows groups "$P1") $(pasid_rows resp_success "$P1") $(pasid_rows lat_count "$P1")"
	check_eq "top: PASID $P1: Invalid and failures of the read-only pages" "4 4" \
		"$(pasid_rows resp_invalid "$P1") $(pasid_rows failures "$P1")"
fi
check_eq "top: requests of the two PASIDs equal the device's" $((N + 4)) "$(rows requests)"
check_eq "top: no row without PASID for our RID" 0 \
	"$(jq -s --argjson r "$((DEVID))" '[.[] | select(.type == "row" and .rid == $r and .pasid == null) | .requests] | add // 0' $TMP/top.json)"
check_eq "top: no response without request, nothing in flight or stuck" "0 0 0" \
	"$(last_summary drop_response_without_request) $(last_summary inflight) $(last_summary stuck)"
check_ge "top: a latency was measured (the fault handling included)" 1 "$(rows lat_sum_ns)"
check_eq "trace -P: the PASIDs' histograms count every group" $((N + 4)) \
	"$(jq -s --argjson r "$((DEVID))" --argjson a "$P1" --argjson b "$P2" \
		'[.[] | select(.type == "hist" and .rid == $r and (.pasid == $a or .pasid == $b)) | .count] | add // 0' $TMP/hist.json)"
check_eq "trace -P: no response without request" 0 \
	"$(jq -s '[.[] | select(.type == "drops") | .drop_response_without_request] | add // -1' $TMP/hist.json)"
hw_check_dmesg "tools-sva"
tap_exit
