#!/bin/sh
# The latency the device measures itself (first request to response, on
# QEMU's virtual clock) and the one tracefs shows (first pq_consume of a
# group to its page_response) agree in order of magnitude, and both include
# the delay riommu-test's handler adds before answering.
# lab-plan: 12
cd /src || exit 1
. tests/lab/hw-common.inc
hw_setup

N=20
DELAY_US=20000
echo $DELAY_US > "$RT/delay_us"
trace_on riscv_iommu/pq_consume riscv_iommu/page_response
pt run addr=$GOOD count=$N group=2 perm=r rate=25 timeout=30
rc=$?
trace_off
echo 0 > "$RT/delay_us"

check_eq "burst completed" 0 "$rc"
check_eq "device: one Success per group" "$N" "$(pt_get resp_success)"
check_eq "device: latency measured for every group" "$N" "$(pt_get lat_count)"
dev_avg=$(pt_get lat_avg_ns)
dev_min=$(pt_get lat_min_ns)
dev_max=$(pt_get lat_max_ns)
echo "# device latency ns: min $dev_min avg $dev_avg max $dev_max"
check_ge "device: min latency covers the handler delay" $((DELAY_US * 1000)) "$dev_min"
check_ge "device: max >= avg >= min" 1 $(( dev_max >= dev_avg && dev_avg >= dev_min ))

# tracefs: per PRG index, first pq_consume -> page_response (seconds.usecs)
grep -E ' (pq_consume|page_response): ' $TR/trace | grep "devid=$DEVID " |
	sed -n 's/.* \([0-9]*\.[0-9]*\): \([a-z_]*\): .* prgi=\([0-9]*\) .*/\1 \2 \3/p' > /tmp/lat
tr_stats=$(awk '
	$2 == "pq_consume" && !($3 in t0) { t0[$3] = $1 }
	$2 == "page_response" && ($3 in t0) {
		d = ($1 - t0[$3]) * 1e9; n++; s += d; delete t0[$3] }
	END { if (n) printf "%d %d\n", n, s / n; else print "0 0" }' /tmp/lat)
tr_n=${tr_stats% *}
tr_avg=${tr_stats#* }
echo "# tracefs latency ns: groups $tr_n avg $tr_avg"
check_eq "trace: every group paired" "$N" "$tr_n"
check_ge "trace: latency covers the handler delay" $((DELAY_US * 1000)) "$tr_avg"
# Same order of magnitude: within a factor of 10 either way; the device's
# includes the interrupt and command-queue legs, so it is not smaller
if [ "$tr_avg" -gt 0 ] && [ $((dev_avg * 10)) -ge "$tr_avg" ] && [ $((tr_avg * 10)) -ge "$dev_avg" ]; then
	pass "device ($dev_avg ns) and tracefs ($tr_avg ns) agree within 10x"
else
	fail "device and tracefs latency agree within 10x" "device $dev_avg ns, tracefs $tr_avg ns"
fi
# The device's clock is QEMU's virtual clock, tracefs the guest's: they are
# compared on a 20 ms delay with a relative margin, not to the nanosecond.
check_ge "device latency >= 95% of tracefs latency" 1 $(( dev_avg * 100 >= tr_avg * 95 ))

hw_check_dmesg "latency"
tap_exit
