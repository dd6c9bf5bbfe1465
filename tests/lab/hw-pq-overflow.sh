#!/bin/sh
# The device floods the real page-request queue (4096 records) with 512
# groups of 16 requests, beyond the PRI allocation.  The IOMMU sets PQOF and
# answers the groups it had to drop itself (Success, so the device retries);
# Linux counts the overflow, answers the rest, and the queue works after.
# Every group still gets exactly one response.
# lab-plan: 18
cd /src || exit 1
. tests/lab/hw-common.inc
hw_setup

o0=$(pq_stat overflows)
r0=$(pq_stat responses)
trace_on riscv_iommu/pq_error riscv_iommu/page_response riscv_iommu/pq_consume
pt run addr=$GOOD count=512 group=16 perm=rw ignore-alloc batch=8192 timeout=60
rc=$?
check_eq "flood: burst completed" 0 "$rc"
check_eq "flood: requests sent" 8192 "$(pt_get req_sent)"
check_eq "flood: one response per group" 512 "$(pt_get resp_total)"
check_eq "flood: all Success (handler or IOMMU)" 512 "$(pt_get resp_success)"
check_eq "flood: no response for an unknown PRG index" 0 "$(pt_get resp_unexpected)"
check_eq "flood: nothing left outstanding" 0 "$(pt_get outstanding)"

check_ge "pq_stats: overflow counted" 1 $(( $(pq_stat overflows) - o0 ))
check_ge "trace: pq_error with PQOF" 1 \
	"$(grep ' pq_error: ' $TR/trace | grep -cE 'errors=OF(\|MF)? ')"
sw=$(trace_dev page_response | wc -l)
check_ge "some groups answered by Linux" 1 "$sw"
if [ "$sw" -lt 512 ]; then
	pass "some groups answered by the IOMMU itself ($((512 - sw)) of 512)"
else
	fail "some groups answered by the IOMMU itself" "Linux answered all $sw"
fi
check_eq "pq_stats: responses match the traced ATS.PRGRs" "$sw" $(( $(pq_stat responses) - r0 ))
trace_off

# The queue survived: a normal burst goes through it again
trace_on riscv_iommu/pq_consume riscv_iommu/page_response
pt run addr=$GOOD count=32 group=1 perm=r prgi=100 timeout=20
check_eq "after: burst completed" 0 "$?"
check_eq "after: Success for every group" 32 "$(pt_get resp_success)"
check_eq "after: one response per group" 32 "$(pt_get resp_total)"
check_eq "after: records consumed from the ring" 32 "$(trace_dev pq_consume | wc -l)"
trace_off

hw_check_dmesg "pq-overflow"
tap_exit
