#!/bin/sh
# Device id lookup against concurrent release and probe: page requests keep
# arriving for a function while it is removed from the PCI bus and found
# again by a rescan.  Every group must be answered exactly once, by whoever
# owns it at that moment (the fault handler, the IOPF teardown, the core
# without a handler, or the driver for an unknown device id), and the kernel
# must not warn.  Afterwards the function's device id routes again.
# lab-qemu-args: -device riommu-pri-testdev
# lab-plan: 10
# lab-variants: lab debug
cd /src || exit 1
. tests/lab/riscv-pq-common.inc
pq_require

pq_setup_testdev 0x40000000
trace_stop

N=20000
c0=$(pqs consumed)
r0=$(pqs injected_responses)
u0=$(pqs unknown_devid)
dmesg -c > /dev/null

( inj "devid=$DEV prgi=0 addr=0x10000000 perm=r groups=$N rate=5000"; echo $? > /tmp/riscv-pq-hp.rc ) &
inj_pid=$!
sleep 1
echo 1 > "/sys/bus/pci/devices/$BDF/remove"
if [ -e "/sys/bus/pci/devices/$BDF" ]; then
	fail "function removed while requests flow"
else
	pass "function removed while requests flow"
fi
sleep 1
echo 1 > /sys/bus/pci/rescan
sleep 0.5
if [ -e "/sys/bus/pci/devices/$BDF" ]; then
	pass "function found again by rescan"
else
	fail "function found again by rescan"
fi
wait "$inj_pid"
check_eq "injection ran through the hotplug" 0 "$(cat /tmp/riscv-pq-hp.rc)"

wait_pqs injected_responses $((r0 + N)) 100
check_eq "consumed every record" "$N" $(( $(pqs consumed) - c0 ))
check_eq "every group answered exactly once" "$N" $(( $(pqs injected_responses) - r0 ))
check_ge "some requests found no device while it was gone" 1 $(( $(pqs unknown_devid) - u0 ))

# After the rescan the device id routes to the new struct device again:
# riommu-test binds to the PRI test function by its ID, and its handler
# answers Success (default window)
ri=$(pqs injected_responses)
trace_start
inj "devid=$DEV prgi=7 addr=0x10000000 perm=r last"
wait_pqs injected_responses $((ri + 1))
trace_snap
check_eq "devid routes again after rescan" 1 "$(tcount pq_report "devid=$DEV " "prgi=7 " "ret=0")"
check_eq "and is answered once, Success" 1 "$(tcount page_response "devid=$DEV " "prgi=7 " "code=Success")"
trace_stop

if dmesg | grep -q -e 'WARNING:' -e 'BUG:' -e 'KASAN' -e 'possible circular' -e 'illegal:1'; then
	fail "kernel log clean" "$(dmesg | grep -e 'WARNING:' -e 'BUG:' -e 'KASAN' -e 'circular' -e 'illegal' | head -n 3 | tr '\n' '|')"
else
	pass "kernel log clean"
fi
tap_exit
