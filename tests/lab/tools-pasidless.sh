#!/bin/sh
# A function that does not require the PASID in page responses (its "PRG
# Response PASID Required" bit clear, prg-resp-pasid=off) sends groups with
# PASID 5; the driver answers each without a PASID.  The tools must still
# close every group its requests opened: riommu-top counts the responses and
# latencies in PASID 5's row, nothing as "response without request", nothing
# stuck; riommu-trace's histogram holds every group, also under --pasid 5.
# lab-qemu-args: -device riommu-pri-testdev,prg-resp-pasid=off
# lab-plan: 20
cd /src || exit 1
. tests/lab/hw-common.inc
BIN=${RIOMMU_BIN:-/src/build/riscv64}
TMP=/tmp/riommu-pasidless
mkdir -p $TMP
hw_setup

$PT -d "$BDF" pasid-enable || { fail "setup: PASID enabled on $BDF"; exit 1; }
N=10
$BIN/riommu-top -j -P 1 > $TMP/top.json 2> $TMP/top.err &
top=$!
$BIN/riommu-trace -j -P > $TMP/hist.json 2> $TMP/hist.err &
hist=$!
$BIN/riommu-trace -j --pasid 5 > $TMP/hist5.json 2> $TMP/hist5.err &
hist5=$!
i=0
while [ ! -s $TMP/top.json ] && [ $i -lt 120 ]; do sleep 1; i=$((i + 1)); done
check_ge "riommu-top -j started" 1 "$(wc -l < $TMP/top.json)"
sleep 2		# riommu-trace attached too (it prints nothing before the end)
trace_on riscv_iommu/pq_consume riscv_iommu/page_response
pt run addr=$GOOD count=$N group=2 perm=rw pasid=5 timeout=20
rc=$?
trace_off
sleep 2
kill -INT $top $hist $hist5
wait $top; r1=$?
wait $hist; r2=$?
wait $hist5; r3=$?
check_eq "tools exit 0 on SIGINT" "0 0 0" "$r1 $r2 $r3"
check_eq "tools: nothing on stderr" "" "$(cat $TMP/top.err $TMP/hist.err $TMP/hist5.err)"

check_eq "burst completed" 0 "$rc"
check_eq "device: one response per group" "$N" "$(pt_get resp_total)"
check_eq "device: no response for an unknown PRG index" 0 "$(pt_get resp_unexpected)"
check_eq "trace: $N groups of PASID 5 consumed (last requests)" "$N" \
	"$(trace_dev pq_consume | grep ' pasid=5 ' | flag_nums | awk 'int($1 / 16) == 2' | wc -l)"
check_eq "trace: $N page responses, none with a PASID" "$N 0" \
	"$(trace_dev page_response | wc -l) $(trace_dev page_response | grep -vc ' pasid=0 ')"

rows() { # FIELD PASID: sum over riommu-top's row records of our RID
	jq -s --arg f "$1" --arg p "$2" --argjson r "$((DEVID))" \
		'[.[] | select(.type == "row" and .rid == $r and (.pasid | tostring) == $p) | .[$f]] | add // 0' \
		$TMP/top.json
}
last_summary() { jq -s -r --arg f "$1" '[.[] | select(.type == "summary")] | last | .[$f]' $TMP/top.json; }
check_eq "top: PASID 5 groups" "$N" "$(rows groups 5)"
check_eq "top: PASID 5 responses (Invalid: no handler for the PASID)" "$N" "$(rows resp_invalid 5)"
check_eq "top: PASID 5 latencies" "$N" "$(rows lat_count 5)"
check_eq "top: no row without PASID for our RID" 0 "$(rows requests null)"
check_eq "top: no response without request" 0 "$(last_summary drop_response_without_request)"
check_eq "top: nothing in flight or stuck at the end" "0 0" \
	"$(last_summary inflight) $(last_summary stuck)"
check_eq "trace -P: PASID 5 histogram counts every group" "$N" \
	"$(jq -s --argjson r "$((DEVID))" '[.[] | select(.type == "hist" and .rid == $r and .pasid == 5) | .count] | add // 0' $TMP/hist.json)"
check_eq "trace -P: no response without request" 0 \
	"$(jq -s '[.[] | select(.type == "drops") | .drop_response_without_request] | add // -1' $TMP/hist.json)"
check_eq "trace --pasid 5: the histogram counts every group" "$N" \
	"$(jq -s '[.[] | select(.type == "hist") | .count] | add // 0' $TMP/hist5.json)"
$PT -d "$BDF" pasid-disable
hw_check_dmesg "pasidless"
tap_exit
