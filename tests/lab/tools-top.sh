#!/bin/sh
# riommu-top -j reports a known workload (two PRI test devices, one with a
# PASID, multi-request groups, failures; injected unknown RIDs, a stop
# marker, a stuck group, a PQ error) with exact counts, agreeing with the
# driver's pq_stats, and its latency figures agree with tracefs timestamps
# of the same events.
# lab-qemu-args: -device riommu-pri-testdev -device riommu-pri-testdev
# lab-smp: 2
# lab-plan: 71
cd /src || exit 1
. tests/lab/tools-common.inc
tools_setup
STATS=/sys/kernel/debug/iommu/riscv/iommu0/pq_stats
stat0() { awk -v n="$1" '$1 == n { print $2 }' $STATS; }
c0=$(stat0 consumed)
s0=$(stat0 stop_markers)

$BIN/riommu-top -j -P -t 1 1 > $TMP/top.json 2> $TMP/top.err &
top=$!
i=0
while [ ! -s $TMP/top.json ] && [ $i -lt 120 ]; do sleep 1; i=$((i + 1)); done
if [ ! -s $TMP/top.json ]; then
	fail "riommu-top -j starts" "$(cat $TMP/top.err)"
	kill $top
	exit 1
fi
pass "riommu-top -j starts"
# a partial group the PQ error of the workload discards (counted, not stuck)
U4=0x48
echo "devid=$U4 prgi=31 addr=0xb000 perm=r" > "$INJ"
tools_workload
sleep 3	# the unanswered group ages past -t 1
kill -INT $top
wait $top
check_eq "riommu-top exits 0 on SIGINT" 0 $?
tools_trace_stop
check_eq "riommu-top: nothing on stderr" "" "$(cat $TMP/top.err)"

d1=$((D1))
d2=$((D2))
u1=$((U1))
u2=$((U2))
u3=$((U3))
# sum FIELD RID PASID over the row records ("null" for none)
sum() {
	jq -s --arg f "$1" --arg r "$2" --arg p "$3" \
		'[.[] | select(.type == "row" and (.rid | tostring) == $r and (.pasid | tostring) == $p) | .[$f]] | add // 0' \
		$TMP/top.json
}
expect() { # RID PASID "field=value ..."
	r=$1 p=$2
	for fv in $3; do
		f=${fv%%=*}
		check_eq "top rid $r pasid $p: $f" "${fv#*=}" "$(sum "$f" "$r" "$p")"
	done
}
check_eq "top: every record has schema 1" 0 "$(jq -s '[.[] | select(.schema != 1)] | length' $TMP/top.json)"
expect $u3 null "requests=1 groups=1 resp_invalid=1 lat_count=1 unknown_devid=1"
expect $u3 7 "requests=1 groups=1 resp_invalid=1 lat_count=1 unknown_devid=1"
expect $d1 null "requests=6 groups=2 resp_success=1 resp_invalid=1 resp_failure=0 failures=1 lat_count=2 stop_markers=0 unknown_devid=0"
expect $d2 5 "requests=12 groups=4 resp_success=0 resp_invalid=4 failures=4 lat_count=4"
expect $d2 null "requests=2 groups=2 resp_success=2 resp_invalid=0 failures=0 lat_count=2"
expect $u1 6 "requests=2 groups=2 resp_invalid=2 lat_count=2 stop_markers=1 unknown_devid=2 failures=0"
expect $u2 null "requests=2 groups=1 lat_count=0 resp_invalid=0"
expect $((U4)) null "requests=1 groups=1 lat_count=0 resp_invalid=0"
check_eq "top: IOMMU row pq_errors" "$PQERR" "$(sum pq_errors null null)"
check_eq "top: no other requester" "" "$(jq -s -r --arg a $d1 --arg b $d2 --arg c $u1 --arg d $u2 --arg e $u3 --arg f $((U4)) \
	'[.[] | select(.type == "row" and .rid != null and ((.rid | tostring) as $r | [$a, $b, $c, $d, $e, $f] | index($r) | not)) | .rid] | unique | .[]' $TMP/top.json)"

# cross-check with the driver's own counters
c1=$(stat0 consumed)
s1=$(stat0 stop_markers)
all=$(jq -s '[.[] | select(.type == "row") | .requests] | add' $TMP/top.json)
check_eq "top: requests = pq_stats consumed - stop_markers" "$((c1 - c0 - (s1 - s0)))" "$all"

last=$(jq -s -c '[.[] | select(.type == "summary")] | last' $TMP/top.json)
check_eq "top: no drops" "0 0 0" "$(echo "$last" | jq -r '"\(.drop_group_table_full) \(.drop_response_without_request) \(.drop_stats_table_full)"')"
check_eq "top: one group in flight at the end" 1 "$(echo "$last" | jq .inflight)"
check_eq "top: the partial group from before the PQ error counted discarded" "$PQERR 0" \
	"$(echo "$last" | jq -r '"\(.groups_discarded) \(.groups_unanswered)"')"
check_eq "top: stuck group reported with its RID, PASID, PRG index" "$u2 null 30 2" \
	"$(jq -s -r '[.[] | select(.type == "stuck")] | last | "\(.rid) \(.pasid) \(.prgi) \(.requests)"' $TMP/top.json)"
check_eq "top: only that group stuck at the end" "$u2/30" \
	"$(jq -s -r '[.[] | select(.type == "stuck")] | group_by(.time) | last | map("\(.rid)/\(.prgi)") | unique | join(" ")' $TMP/top.json)"

# latency: tracefs timestamps of the same pq_consume/page_response events
tr_latencies > $TMP/lat.txt
check_eq "tracefs: 12 answered groups" 12 "$(wc -l < $TMP/lat.txt)"
# per (rid, pasid): sum and max in ns
trmax() { awk -v d="$1" -v p="$2" '$2 == d && $4 == p && $6 > m { m = $6 } END { printf "%.0f\n", m }' $TMP/lat.txt; }
near "top rid $d1: latency sum agrees with tracefs" "$(trsum $d1 0)" "$(sum lat_sum_ns $d1 null)"
within "top rid $d1: 2 groups, each delayed ${DELAY_US} us by the handler" \
	$((2 * DELAY_NS)) $((3 * DELAY_NS)) "$(sum lat_sum_ns $d1 null)"
undelayed "top rid $d2 pasid 5: 4 groups without a handler, answered before any delay" \
	"$(trsum $d2 5)" "$(sum lat_sum_ns $d2 5)"
near "top rid $d2: latency sum agrees with tracefs" "$(trsum $d2 0)" "$(sum lat_sum_ns $d2 null)"
undelayed "top rid $u1 pasid 6: unknown RID, answered by the driver at once" \
	"$(trsum $u1 6)" "$(sum lat_sum_ns $u1 6)"
topmax=$(jq -s --arg r $d1 '[.[] | select(.type == "row" and (.rid | tostring) == $r) | .lat_max_us] | max * 1000 | floor' $TMP/top.json)
near "top rid $d1: max latency agrees with tracefs" "$(trmax $d1 0)" "$topmax"
check_dmesg_clean tools-top
tap_exit
