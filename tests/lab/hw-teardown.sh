#!/bin/sh
# Groups the device sent that are still waiting in riommu-test's handler
# when its fault domain is detached are answered by the IOMMU core
# (teardown): the device receives exactly one response per group, Invalid
# Request, and none later when the handler's delay would have run out.
# Groups whose handler runs on the fault queue's workqueue (as SVA's does)
# are waited for at detach: one answer each, the handler's.
# lab-plan: 19
# lab-variants: lab debug
cd /src || exit 1
. tests/lab/hw-common.inc
hw_setup

N=6
# The handler answers only after HOLD s: long enough that the checks before
# the detach run first on a slow guest too (2 s was not, on the debug kernel
# with another guest beside it).
HOLD=5
echo $((HOLD * 1000000)) > "$RT/delay_us"
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
sleep $HOLD.5	# past the handler's delay: its answers must not come now
check_eq "device: still one response per group after the delay" "$N 0" \
	"$(pt_status resp_total) $(pt_status resp_unexpected)"
check_eq "handler answered none of them" "0 0" "$(rt_stat answered_success) $(rt_stat answered_fail)"

# attached again, the device's next group is answered by the handler
echo 0 > "$RT/delay_us"
echo 1 > "$RT/attach"
check_eq "attach again" 1 "$(cat "$RT/attach")"
pt run addr=$GOOD count=1 group=1 perm=r prgi=20 timeout=5
check_eq "attached again: Success for the next group" "1 1" "$(pt_get resp_total) $(pt_get resp_success)"

# Handlers that answer from the fault queue's workqueue (as SVA's does):
# detach waits for them (iopf_queue_flush_dev) before the core forgets the
# device, so each group gets the handler's one answer and no teardown one.
M=3
$PT -d "$BDF" reset
echo 1 > "$RT/in_queue"
echo 1500000 > "$RT/delay_us"
echo 1 > "$RT/reset"
pt run addr=$GOOD count=$M group=1 perm=r prgi=40 nowait
wait_stat handled $M
check_eq "in_queue: $M groups in the queue's handler" $M "$(rt_stat handled)"
echo 0 > "$RT/attach"
$PT -d "$BDF" wait timeout=5 > "$PT_OUT" 2>&1
check_eq "in_queue detach: one Success per group, from the handler" "$M $M 0" \
	"$(pt_get resp_total) $(pt_get resp_success) $(pt_get resp_unexpected)"
check_eq "in_queue detach: no teardown answer" 0 "$(rt_stat teardown)"
sleep 2
check_eq "in_queue: still one response per group later" "$M 0" \
	"$(pt_status resp_total) $(pt_status resp_unexpected)"
echo 0 > "$RT/in_queue"
hw_check_dmesg "teardown"
tap_exit
