#!/bin/sh
# The traffic `make demo` shows (real PRI device plus injector): riommu-top
# must see it interval after interval, with Success responses for the
# endpoint and failures for the PASID and unknown-RID requests, and SVA
# page faults answered Success in the row of the process's PASID (-P).
# lab-plan: 9
. tests/lib/tap.sh
. lab/demo-traffic.sh

check_cmd "demo endpoints bound" demo_setup
rid=$DEMO_RID
rm -f /tmp/demo-sva.pt
demo_traffic_loop > /tmp/traffic.log 2>&1 &
traffic=$!
build/riscv64/riommu-top -j -P 1 5 > /tmp/top.json 2> /tmp/top.err
top_rc=$?
kill "$traffic"
wait "$traffic" 2>/dev/null
check_eq "riommu-top -j exits 0" 0 "$top_rc"
[ "$top_rc" -eq 0 ] || sed 's/^/# /' /tmp/top.err

rid_dec=$((rid))
rows() { jq -c "select(.type == \"row\" and .rid == $rid_dec)" /tmp/top.json; }
# over EXPR AGG: AGG of EXPR across the endpoint's rows
over() { rows | jq -s "map($1) | $2"; }
check_ge "endpoint RID has requests in >= 3 of 5 intervals" 3 "$(over 'select(.requests > 0) | .time' 'unique | length')"
check_ge "Success responses seen" 1 "$(over .resp_success 'add // 0')"
check_ge "failed responses seen" 1 "$(over '.resp_invalid + .resp_failure' 'add // 0')"
check_ge "failure notifications seen" 1 "$(over .failures 'add // 0')"
check_ge "request-to-PRGR latency reflects the 2 ms handler delay" 2000 "$(over .lat_max_us 'max // 0 | floor')"
sva_pasid=$(awk '$1 == "sva_pasid" { print $2 }' /tmp/demo-sva.pt 2>/dev/null)
check_ge "SVA: the process's PASID ${sva_pasid:-?} row has Success responses" 1 \
	"$(over "select(.pasid == ${sva_pasid:--1}) | .resp_success" 'add // 0')"
# the device paces on QEMU's virtual clock, so request counts alone may
# repeat from one interval to the next; latency sums do not
check_ge "numbers change between intervals" 2 "$(over '[.requests, .lat_sum_ns]' 'unique | length')"
tap_exit
