#!/bin/sh
# SVA with two processes at once, each bound to its own PRI test function
# through riommu-test's character device: two mms, two PASIDs, page
# requests of both in the queue at the same time, every page of each
# process written by its function.  Then the function goes away (PCI
# remove) while a process still holds its SVA file with a read pending:
# the binding is dropped with the device, the reader wakes with ENODEV,
# nothing is touched after it is freed (the debug kernel runs this with
# KASAN and lockdep), and after a rescan the function binds processes
# again.
# lab-qemu-args: -device riommu-pri-testdev -device riommu-pri-testdev
# lab-plan: 11
# lab-variants: lab debug
cd /src || exit 1
. tests/lab/hw-common.inc
hw_setup_two
pass "setup: $B1 and $B2 bound to riommu-test"
v() { awk -v n="$2" '$1 == n { print $2 }' "$1"; }

N=200
$PT -d "$B1" sva count=$N perm=w value=0x100000 timeout=60 > /tmp/sva-p1.out 2>&1 &
p1=$!
$PT -d "$B2" sva count=$N perm=w value=0x200000 timeout=60 > /tmp/sva-p2.out 2>&1 &
p2=$!
wait $p1
r1=$?
wait $p2
r2=$?
check_eq "two processes: both done, every page holds its own function's write" \
	"0 $N 0 $N" "$r1 $(v /tmp/sva-p1.out pages_ok) $r2 $(v /tmp/sva-p2.out pages_ok)"
check_eq "two processes: $N page requests answered Success each" "$N $N" \
	"$(v /tmp/sva-p1.out resp_success) $(v /tmp/sva-p2.out resp_success)"
check_eq "two processes: no response for an unknown PRG index" "0 0" \
	"$(v /tmp/sva-p1.out resp_unexpected) $(v /tmp/sva-p2.out resp_unexpected)"
pa=$(v /tmp/sva-p1.out sva_pasid)
pb=$(v /tmp/sva-p2.out sva_pasid)
check_eq "two processes: two PASIDs ($pa, $pb)" 1 \
	"$([ -n "$pa" ] && [ -n "$pb" ] && [ "$pa" != "$pb" ] && echo 1)"
# Both functions share QEMU's virtual clock: each burst began before the
# other's last response
s1=$(v /tmp/sva-p1.out first_send_ns)
e1=$(v /tmp/sva-p1.out last_resp_ns)
s2=$(v /tmp/sva-p2.out first_send_ns)
e2=$(v /tmp/sva-p2.out last_resp_ns)
check_eq "two processes: the bursts overlapped in time" 1 \
	"$(awk -v s1="$s1" -v e1="$e1" -v s2="$s2" -v e2="$e2" 'BEGIN { print (s1 < e2 && s2 < e1) ? 1 : 0 }')"

# A reader blocked on the SVA file when its function is removed
cat "/dev/riommu-test-$B2" > /tmp/sva-cat.out 2> /tmp/sva-cat.err &
reader=$!
sleep 1
check_eq "reader: the binding's record" "bound pasid=" "$(sed 's/[0-9]*$//' /tmp/sva-cat.out)"
echo 1 > "/sys/bus/pci/devices/$B2/remove"
i=0
while kill -0 $reader 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 $reader 2>/dev/null; then
	kill $reader
	woke=no
else
	woke=yes
fi
wait $reader
check_eq "removal wakes the reader with ENODEV" "yes 1" \
	"$woke $(grep -c 'No such device' /tmp/sva-cat.err)"
echo 1 > /sys/bus/pci/rescan
sleep 1
bind_rt "$B2"
check_eq "rescan: riommu-test bound to $B2 again" 1 "$([ -e "/dev/riommu-test-$B2" ] && echo 1)"
$PT -d "$B2" sva count=8 perm=w value=0x300000 > /tmp/sva-p3.out 2>&1
check_eq "rescan: a process binds again, 8 pages written" "0 8" "$? $(v /tmp/sva-p3.out pages_ok)"
hw_check_dmesg "sva-procs"
tap_exit
