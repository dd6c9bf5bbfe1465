#!/bin/sh
# Groups still pending when riommu-test's domain goes away -- detach, unbind,
# or removal of the PCI function -- are answered by the IOMMU core
# (iopf_queue_remove_device) and reported once each as teardown failures, the
# handler's own delayed answers never run afterwards, and nothing is used
# after it is freed (run with KVARIANT=debug for KASAN and lockdep).
# lab-qemu-args: -device riommu-pri-testdev
# lab-plan: 36
# lab-variants: lab debug
cd /src || exit 1
. tests/lab/notify-common.inc
setup_or_bail

rt_setup 0x100000
trace_start
teardowns() { trace_lines | grep -c "$BDF rid=.* reason=$R_TEARDOWN"; }
no_handlers() { trace_lines | grep -c "$BDF rid=.* reason=$R_NO_HANDLER"; }

# pend: two failing groups and one good one, answered only after 3 s
pend() {
	echo 3000000 > "$RT/delay_us"
	inject prgi=$1 addr=0x20000000 perm=r groups=2
	inject prgi=$(($1 + 2)) addr=0x10000000 perm=rw last
}

# 1. Detach through debugfs
pend 1
check_eq "detach: 3 groups pending" 3 "$(rt_stat pending)"
echo 0 > "$RT/attach"
check_eq "detach: domain detached" 0 "$(cat "$RT/attach")"
check_eq "detach: nothing pending" 0 "$(rt_stat pending)"
check_eq "detach: 3 teardown failures" 3 "$(rt_stat teardown)"
check_eq "detach: 3 failures in all" 3 "$(rt_stat total)"
check_eq "detach: reason of the last" $R_TEARDOWN "$(rt_last reason)"
check_eq "detach: code of the last (Invalid)" 1 "$(rt_last code)"
sleep 3.5
check_eq "detach: the handler never answered the cancelled groups" 0 "$(($(rt_stat answered_fail) + $(rt_stat answered_success)))"
check_eq "detach: still 3 failures after the delay" 3 "$(rt_stat total)"
check_eq "detach: 3 teardown trace events" 3 "$(teardowns)"

# 2. Without a domain the core answers by itself
inject prgi=10 addr=0x10000000 perm=r last
wait_stat total 4
check_eq "detached: in-window request fails without a handler" 1 "$(rt_stat no_handler)"
check_eq "detached: reason no_handler" $R_NO_HANDLER "$(rt_last reason)"

# 3. Attach again: answers as before
echo 0 > "$RT/delay_us"
echo 1 > "$RT/attach"
check_eq "attach again" 1 "$(cat "$RT/attach")"
inject prgi=11 addr=0x10000000 perm=r last
wait_stat answered_success 1
check_eq "attached again: in-window group answered Success" 1 "$(rt_stat answered_success)"
check_eq "attached again: no new failure" 4 "$(rt_stat total)"

# 4. Unbind with groups pending
pend 20
check_eq "unbind: 3 groups pending" 3 "$(rt_stat pending)"
echo "$BDF" > /sys/bus/pci/drivers/riommu-test/unbind
check_cmd "unbind: driver gone" test ! -e "/sys/bus/pci/devices/$BDF/driver"
check_cmd "unbind: debugfs directory gone" test ! -d "$RT"
check_eq "unbind: 3 more teardown trace events" 6 "$(teardowns)"
check_cmd "unbind: driver reported them" sh -c "dmesg | grep -q 'riommu-test.*removed after 7 failures (6 at teardown)'"
inject prgi=30 addr=0x20000000 perm=r last
check_eq "unbound: the core still answers and traces" 2 "$(no_handlers)"
sleep 3.5
check_eq "unbind: no late answers" 6 "$(teardowns)"

# 5. Remove the function with groups pending
bind_rt "$BDF"
check_eq "rebind" 1 "$(cat "$RT/attach")"
rt_setup 0x100000
pend 40
check_eq "remove: 3 groups pending" 3 "$(rt_stat pending)"
echo 1 > "/sys/bus/pci/devices/$BDF/remove"
check_cmd "remove: function gone" test ! -e "/sys/bus/pci/devices/$BDF"
check_eq "remove: 3 more teardown trace events" 9 "$(teardowns)"
check_cmd "remove: driver reported them" sh -c "dmesg | grep -q 'riommu-test.*removed after 3 failures (3 at teardown)'"
# The IOMMU driver no longer knows the RID; it answers by itself
inject prgi=50 addr=0x20000000 perm=r last
check_eq "removed: the core sees nothing" 9 "$(teardowns)"
sleep 3.5
check_eq "remove: no late answers" 9 "$(teardowns)"

# 6. The function comes back and works
echo 1 > /sys/bus/pci/rescan
sleep 0.5
check_cmd "rescan: function back" test -e "/sys/bus/pci/devices/$BDF"
if bind_rt "$BDF"; then
	pass "rescan: riommu-test binds again"
	rt_setup 0x100000
	inject prgi=60 addr=0x20000000 perm=r last
	wait_stat total 1
	check_eq "rescan: failure delivered" 1 "$(rt_stat total)"
else
	fail "rescan: riommu-test binds again"
fi

check_dmesg_clean notify-teardown
tap_exit
