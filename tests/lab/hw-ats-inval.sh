#!/bin/sh
# ATS.INVAL reaches the function: the RISC-V IOMMU driver invalidates the
# device's ATC (Address Translation Cache) when the function's device
# context changes -- the fault domain detached, attached again -- and page
# requests answered in between change nothing the device may have cached,
# so they send no invalidation.
# lab-plan: 10
cd /src || exit 1
. tests/lab/hw-common.inc
hw_setup
inval() { pt_status ats_inval; }

# a burst of page requests: answered, no invalidation
pt run addr=$GOOD count=16 group=2 perm=r prgi=1 timeout=10
check_eq "burst: one Success per group" "16 16" "$(pt_get resp_total) $(pt_get resp_success)"
check_eq "burst: no ATS invalidation" 0 "$(pt_get ats_inval)"

a0=$(inval)
echo 0 > "$RT/attach"
a1=$(inval)
check_ge "detach: ATS invalidation received" 1 $((a1 - a0))
st=$(pt_status status)
check_eq "detach: kernel disabled ATS and PRI (STATUS bits 3, 1)" 0 $(( st & 0xa ))

echo 1 > "$RT/attach"
a2=$(inval)
check_ge "attach again: ATS invalidation received" 1 $((a2 - a1))
st=$(pt_status status)
check_eq "attach again: ATS and PRI enabled" $(( 0xa )) $(( st & 0xa ))
pt run addr=$GOOD count=4 group=1 perm=r prgi=40 keep timeout=10
check_eq "attached again: 4 more Success, no further invalidation" "20 $a2" \
	"$(pt_get resp_success) $(pt_get ats_inval)"
hw_check_dmesg "ats-inval"
tap_exit
