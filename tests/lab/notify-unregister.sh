#!/bin/sh
# Unregistering riommu-test's failure notifier stops delivery (the tracepoint
# still fires), registering again resumes it, notifiers are keyed by PASID
# (none, one, any; a second one for the same PASID is refused), and toggling
# the notifier while failures flow is safe.
# lab-qemu-args: -device riommu-pri-testdev
# lab-plan: 23
# lab-variants: lab debug
cd /src || exit 1
. tests/lab/notify-common.inc
setup_or_bail

rt_setup 0x100000
trace_start

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

# Keyed by device and PASID: a notifier for requests without a PASID does
# not get PASID 3's failures, one for PASID 3 gets only those; a second
# registration for the same PASID is refused (-EBUSY).
echo 0 > "$RT/notifier"
echo 0 > "$RT/pasid"
echo 1 > "$RT/notifier"
t0=$(trace_lines | wc -l)
inject pasid=3 prgi=10 addr=0x20000000 perm=r last
i=0
while [ "$(trace_lines | wc -l)" -le "$t0" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.2
check_eq "no-PASID notifier: a PASID 3 failure is not delivered" 2 "$(rt_stat total)"
inject prgi=11 addr=0x20000000 perm=r last
wait_stat total 3
check_eq "no-PASID notifier: a failure without PASID is delivered" 3 "$(rt_stat total)"
if echo 2 > "$RT/notifier" 2> /tmp/notify-again.err; then
	fail "second registration for the same PASID refused" "the write succeeded"
else
	check_cmd "second registration for the same PASID refused (EBUSY)" \
		grep -qi 'busy' /tmp/notify-again.err
fi
echo 0 > "$RT/notifier"
echo 3 > "$RT/pasid"
echo 1 > "$RT/notifier"
inject prgi=12 addr=0x20000000 perm=r last
wait_stat answered_fail 7
inject pasid=3 prgi=13 addr=0x20000000 perm=r last
wait_stat total 4
sleep 0.2
check_eq "PASID 3 notifier: only the PASID 3 failure is delivered" 4 "$(rt_stat total)"
check_eq "PASID 3 notifier: the report names PASID 3" "3 1 13" \
	"$(rt_last pasid) $(rt_last pv) $(rt_last grpid)"
echo 0 > "$RT/notifier"
echo 0xffffffff > "$RT/pasid"
echo 1 > "$RT/notifier"

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
check_ge "no more deliveries than failures" 0 "$((2004 - tot))"
check_eq "notifier registered at the end" 1 "$(cat "$RT/notifier")"

check_dmesg_clean notify-unregister
tap_exit
