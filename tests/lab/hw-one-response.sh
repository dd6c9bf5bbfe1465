#!/bin/sh
# Every page request group the device sends gets exactly one response, with
# the code riommu-test's handler chose: Success inside its window, Invalid
# Request or Response Failure (fail_code) outside; multi-request groups get
# one response, not one per request; PRG indexes are reused past 512.
# lab-plan: 55
cd /src || exit 1
. tests/lab/hw-common.inc
hw_setup

# burst NAME EXPECT_FIELD ARGS...: run, check one response per group
burst() {
	name=$1 field=$2
	shift 2
	r0=$(trace_dev page_response | wc -l)
	pt run "$@" timeout=30
	rc=$?
	n=$(pt_get count)
	check_eq "$name: burst completed" 0 "$rc"
	check_eq "$name: $field for every group" "$n" "$(pt_get "$field")"
	check_eq "$name: one response per group" "$n" "$(pt_get resp_total)"
	check_eq "$name: no response for an unknown PRG index" 0 "$(pt_get resp_unexpected)"
	check_eq "$name: nothing left outstanding" 0 "$(pt_get outstanding)"
	check_eq "$name: one ATS.PRGR per group" "$n" $(( $(trace_dev page_response | wc -l) - r0 ))
	# Per PRG index, not only in total (a double answer and a missing one
	# would cancel): group i used index (prgi + i) % 512.
	base=$(echo "$*" | sed -n 's/.*prgi=\([0-9]*\).*/\1/p')
	awk -v b="${base:-0}" -v n="$n" 'BEGIN { for (i = 0; i < n; i++) print (b + i) % 512 }' |
		sort -n | uniq -c > /tmp/prgi.want
	trace_dev page_response | tail -n +$((r0 + 1)) | sed -n 's/.* prgi=\([0-9]*\) .*/\1/p' |
		sort -n | uniq -c > /tmp/prgi.got
	check_cmd "$name: one ATS.PRGR per PRG index use" cmp -s /tmp/prgi.want /tmp/prgi.got
}

trace_on riscv_iommu/page_response

# 600 groups: PRG indexes 0..511 then 0..87 again
burst "success x600" resp_success addr=$GOOD count=600 group=1 perm=r
check_eq "success x600: requests sent" 600 "$(pt_get req_sent)"

burst "groups of 8" resp_success addr=$GOOD count=40 group=8 perm=rw prgi=500
check_eq "groups of 8: requests sent" 320 "$(pt_get req_sent)"

echo 1 > "$RT/fail_code"
burst "invalid x30" resp_invalid addr=$BAD count=30 group=2 perm=w
check_eq "invalid x30: PRGR code Invalid Request traced" 30 \
	"$(trace_dev page_response | grep -c 'code=Invalid')"

echo 2 > "$RT/fail_code"
burst "failure x20" resp_failure addr=$BAD count=20 group=1 perm=r
check_eq "failure x20: PRGR code Response Failure traced" 20 \
	"$(trace_dev page_response | grep -c 'code=Failure')"
echo 1 > "$RT/fail_code"

# PCIe: after Response Failure the function sets RF and sends nothing more
# until software resets PRI
check_eq "failure x20: PRI status RF set" 1 "$(pt_status rf)"
pt run addr=$GOOD count=1 group=1 perm=r timeout=5
check_eq "after Response Failure: the next burst stops (exit 3)" 3 "$?"
check_eq "after Response Failure: no request sent" 0 "$(pt_get req_sent)"
$PT -d "$BDF" pri-reset
check_eq "after PRI reset: RF clear" 0 "$(pt_status rf)"

# A group straddling the window end fails as a whole: one Invalid response
end=$(( GOOD + GOOD_SIZE - 4096 * 2 ))
burst "straddling group" resp_invalid addr=$(printf '0x%x' $end) count=1 group=4 perm=r

# DMA after Success goes through the IOMMU into riommu-test's domain: one
# write per Success, and each one that faults is in the fault queue
dmesg -c > /dev/null
burst "dma after success" resp_success addr=$GOOD count=4 group=1 perm=w dma=0x5a5a0000
sleep 0.3
ok=$(pt_status dma_ok)
bad=$(pt_status dma_fail)
check_eq "dma after success: one DMA write per Success" 4 $((ok + bad))
dev=$(printf '0x%x' $((DEVID)))
check_eq "dma after success: every faulting write in the fault queue" "$bad" \
	"$(dmesg | grep "devid: $dev iotval: 1000[0-3]000 " | grep -c 'Fault ')"

trace_off
hw_check_dmesg "one-response"
tap_exit
