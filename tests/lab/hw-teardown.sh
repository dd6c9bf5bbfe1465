#!/bin/sh
# Groups the device sent that are still waiting in riommu-test's handler
# when its fault domain is detached are answered by the IOMMU core
# (teardown): the device receives exactly one response per group, Invalid
# Request, and none later when the handler's delay would have run out.
# lab-plan: 15
# lab-variants: lab debug
cd /src || exit 1
. tests/lab/hw-common.inc
hw_setup

N=6
echo 2000000 > "$RT/delay_us"	# the handler answers only after 2 s
echo 1 > "$RT/reset"
pt run addr=$GOOD count=$N group=2 perm=r prgi=1 nowait
wait_stat pending $N
check_eq "$N groups pending in the handler" $N "$(rt_stat pending)"
check_eq "device: no response yet" 0 "$(pt_status resp_total)"

echo 0 > "$RT/attach"
check_eq "detach: nothing pending" 0 "$(rt_stat pending)"
check_eq "detach: $N teardown failures reported" $N "$(rt_stat teardown)"
$PT -d "$BDF" wait timeout=5 > "$PT_OUT" 2>&1
check_eq "device: burst finished" 0 $?
check_eq "device: one response per group" $N "$(pt_get resp_total)"
check_eq "device: every response Invalid Request" $N "$(pt_get resp_invalid)"
check_eq "device: nothing outstanding" 0 "$(pt_get outstanding)"
sleep 2.5	# past the handler's delay: its answers must not come now
check_eq "device: still one response per group after the delay" "$N 0" \
	"$(pt_status resp_total) $(pt_status resp_unexpected)"
check_eq "handler answered none of them" "0 0" "$(rt_stat answered_success) $(rt_stat answered_fail)"

# attached again, the device's next group is answered by the handler
echo 0 > "$RT/delay_us"
echo 1 > "$RT/attach"
check_eq "attach again" 1 "$(cat "$RT/attach")"
pt run addr=$GOOD count=1 group=1 perm=r prgi=20 timeout=5
check_eq "attached again: Success for the next group" "1 1" "$(pt_get resp_total) $(pt_get resp_success)"
hw_check_dmesg "teardown"
tap_exit
