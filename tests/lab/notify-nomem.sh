#!/bin/sh
# A page request group the IOMMU core cannot allocate is still answered,
# once, with Response Failure, and reported to the failure notifier with
# reason nomem; the next group is handled as usual.  The allocation failure
# comes from failslab's /proc/self/fail-nth: the injector consumes its
# records in the writing task, so the Nth slab allocation of the write is
# made to fail, for N = 1, 2, ... until it is the group's.
# lab-qemu-args: -device riommu-pri-testdev
# lab-plan: 13
# lab-variants: lab debug
cd /src || exit 1
. tests/lab/notify-common.inc
setup_or_bail
R_NOMEM=3
FS=/sys/kernel/debug/failslab
if [ ! -w /proc/self/fail-nth ] || [ ! -d $FS ]; then
	fail "setup: failslab and fail-nth" "build the kernel with CONFIG_FAILSLAB and CONFIG_FAULT_INJECTION_DEBUG_FS (driver/lab.config has them)"
	exit 1
fi
# count sleeping (GFP_KERNEL) allocations too; one line per forced failure
echo N > $FS/ignore-gfp-wait
echo 1 > $FS/verbose
rt_setup 0x100000
echo 0 > $TR/tracing_on
echo > $TR/trace
echo 1 > $TR/events/riscv_iommu/page_response/enable
echo 1 > $TR/tracing_on

n=1
hit=
while [ $n -le 40 ] && [ -z "$hit" ]; do
	echo $n > /proc/self/fail-nth
	echo "devid=$DEVID prgi=$n addr=0x10000000 perm=r last" > "$INJ" 2>/dev/null
	echo 0 > /proc/self/fail-nth
	[ "$(rt_stat nomem)" = 1 ] && hit=$n
	n=$((n + 1))
done
echo 0 > $TR/tracing_on
if [ -z "$hit" ]; then
	fail "a group allocation failed within 40 slab allocations" "$(rt_stat nomem) nomem"
	exit 1
fi
pass "the group allocation was slab allocation $hit of the write"
check_eq "one nomem failure" 1 "$(rt_stat nomem)"
check_eq "notified: rid, grpid, reason" "$((DEVID)) $hit $R_NOMEM" \
	"$(($(rt_last rid))) $(rt_last grpid) $(rt_last reason)"
check_eq "notified: code Response Failure" 2 "$(rt_last code)"
D=$(printf '0x%x' $((DEVID)))
resp=$(grep 'page_response:' $TR/trace | grep "devid=$D " | grep -c " prgi=$hit addr=")
check_eq "the group got exactly one response" 1 "$resp"
check_eq "that response is Response Failure (PRGR code 0xf)" 1 \
	"$(grep 'page_response:' $TR/trace | grep "devid=$D " | grep " prgi=$hit " | grep -c " code=Failure$")"
check_ge "failslab reported the forced failure" 1 "$(dmesg | grep -c 'FAULT_INJECTION: forcing a failure')"

# nothing else lost: the next group is answered by the handler
s0=$(rt_stat answered_success)
inject prgi=100 addr=0x10000000 perm=r last
wait_stat answered_success $((s0 + 1))
check_eq "next group answered Success" $((s0 + 1)) "$(rt_stat answered_success)"
check_eq "still one nomem failure" 1 "$(rt_stat nomem)"
check_dmesg_clean notify-nomem
tap_exit
