#!/bin/sh
# Page requests with a PASID: the PQ record carries it (PV, PID), and since
# riommu-test's fault domain is attached to the RID only, Linux has no
# handler for that PASID and answers Invalid Request, once per group, with
# the PASID in the response (the function sets "PRG Response PASID
# Required"), which reaches the device.
# lab-plan: 15
cd /src || exit 1
. tests/lab/hw-common.inc
hw_setup

$PT -d "$BDF" pasid-enable || { fail "setup: PASID enabled on $BDF"; exit 1; }
check_ge "setup: device sees PASID enabled" 1 $(( $(pt_status status) >> 2 & 1 ))
echo 1 > "$RT/reset"
N=8
trace_on riscv_iommu/pq_consume riscv_iommu/page_response
pt run addr=$GOOD count=$N group=2 perm=rw pasid=5 timeout=20
rc=$?
trace_off
check_eq "burst completed" 0 "$rc"
check_eq "device: one response per group" "$N" "$(pt_get resp_total)"
check_eq "device: Invalid Request (no handler for PASID 5)" "$N" "$(pt_get resp_invalid)"
check_eq "device: no response for an unknown PRG index" 0 "$(pt_get resp_unexpected)"
trace_dev pq_consume > /tmp/consume
check_eq "trace: pq_consume for PASID 5" $((N * 2)) "$(grep -c ' pasid=5 ' /tmp/consume)"
pv=0
for f in $(flag_nums < /tmp/consume); do
	[ $(( f & 0x1 )) -ne 0 ] && pv=$((pv + 1))
done
check_eq "trace: every record has PV" $((N * 2)) "$pv"
check_eq "trace: page_response with PASID 5, Invalid Request" "$N" \
	"$(trace_dev page_response | grep ' pasid=5 ' | grep -c 'code=Invalid')"
check_eq "riommu-test: groups reported without a handler" "$N" \
	"$(awk '$1 == "no_handler" { print $2 }' "$RT/stats")"

# A flood beyond the queue: the IOMMU answers the groups it drops itself
# (Success, since Linux answers PASID 5 with Invalid Request), and those
# responses carry the PASID only because the device context has PRPR,
# mirroring the function's "PRG Response PASID Required".
pt run addr=$GOOD count=512 group=16 perm=rw pasid=5 ignore-alloc batch=8192 timeout=60
check_eq "flood with PASID: one response per group" 512 "$(pt_get resp_total)"
check_ge "flood with PASID: groups answered by the IOMMU (Success)" 1 "$(pt_get resp_success)"
check_eq "flood with PASID: every response carries the PASID (DC.tc.PRPR)" 0 "$(pt_get resp_no_pasid)"

$PT -d "$BDF" pasid-disable
hw_check_dmesg "pasid"
tap_exit
