#!/bin/sh
# Unregistering riommu-test's failure notifier stops delivery (the tracepoint
# still fires), registering again resumes it, a notifier for another RID gets
# nothing, and toggling the notifier while failures flow is safe.
# lab-plan: 20
# lab-variants: lab debug
cd /src || exit 1
. tests/lab/notify-common.inc
setup_or_bail

rt_setup 0x100000
trace_start
rid=$((DEVID))

inject prgi=1 addr=0x20000000 perm=r last
wait_stat total 1
check_eq "registered: failure delivered" 1 "$(rt_stat total)"

echo 0 > "$RT/notifier"
check_eq "notifier reads 0 after unregistering" 0 "$(cat "$RT/notifier")"
inject prgi=2 addr=0x20000000 perm=r groups=3
wait_stat answered_fail 4
check_eq "unregistered: handler still answered the 3 groups" 4 "$(rt_stat answered_fail)"
sleep 0.3
check_eq "unregistered: nothing delivered" 1 "$(rt_stat total)"
check_eq "unregistered: tracepoint still fires" 4 "$(trace_lines | wc -l)"

echo 1 > "$RT/notifier"
check_eq "notifier reads 1 after registering again" 1 "$(cat "$RT/notifier")"
inject prgi=9 addr=0x20000000 perm=r last
wait_stat total 2
check_eq "registered again: delivery resumes" 2 "$(rt_stat total)"
check_eq "registered again: fields" 9 "$(rt_last grpid)"

# Registered for a RID that is not the function's
echo 0 > "$RT/notifier"
printf '0x%x\n' $((rid + 1)) > "$RT/rid"
echo 1 > "$RT/notifier"
inject prgi=10 addr=0x20000000 perm=r last
wait_stat answered_fail 6
sleep 0.3
check_eq "other RID: nothing delivered" 2 "$(rt_stat total)"
echo 0 > "$RT/notifier"
printf '0x%x\n' $rid > "$RT/rid"
echo 1 > "$RT/notifier"
inject prgi=11 addr=0x20000000 perm=r last
wait_stat total 3
check_eq "own RID again: delivered" 3 "$(rt_stat total)"

# Toggle the notifier while 2000 failing groups are injected
inject prgi=100 addr=0x20000000 perm=r groups=2000 rate=4000 &
pid=$!
n=0
while kill -0 $pid 2>/dev/null; do
	echo 0 > "$RT/notifier"
	echo 1 > "$RT/notifier"
	n=$((n + 1))
done
wait $pid
check_eq "injection during toggling succeeded" 0 $?
check_ge "notifier toggled while failures flowed" 2 $n
wait_stat answered_fail 2007 100
check_eq "all 2000 groups answered" 2007 "$(rt_stat answered_fail)"
tot=$(rt_stat total)
check_ge "some failures delivered while toggling" 4 "$tot"
check_ge "no more deliveries than failures" 0 "$((2003 - tot))"
check_eq "notifier registered at the end" 1 "$(cat "$RT/notifier")"

check_dmesg_clean notify-unregister
tap_exit
