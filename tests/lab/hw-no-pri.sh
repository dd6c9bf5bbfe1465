#!/bin/sh
# Page requests from a function whose device context does not enable PRI
# (DC.tc.EN_PRI = 0: no fault domain, only the default DMA domain) are not
# queued: the RISC-V IOMMU answers each group itself with Invalid Request
# and reports the message in the fault queue (cause 260, transaction type
# disallowed).  Requests without L get no response.
# lab-plan: 8
cd /src || exit 1
. tests/lib/tap.sh
PT=/src/build/riscv64/pri-testdev
IOMMU_DBG=/sys/kernel/debug/iommu/riscv/iommu0
TR=/sys/kernel/tracing

[ -x "$PT" ] || { fail "setup: $PT built" "run 'lab/sidrun make -C tests/lab/pri-testdev'"; exit 1; }
BDF=$($PT find 2>/dev/null | head -n 1)
[ -n "$BDF" ] || { fail "setup: riommu-pri-testdev (1b36:00f1) present" "boot with the patched QEMU"; exit 1; }
dev=/sys/bus/pci/devices/$BDF
# No driver: the function stays in its default DMA domain
[ -e "$dev/driver" ] && echo "$BDF" > "$dev/driver/unbind"
echo > "$dev/driver_override" 2>/dev/null
[ -e "$dev/driver" ] && { fail "setup: $BDF unbound"; exit 1; }
$PT -d "$BDF" master || { fail "setup: bus master on $BDF"; exit 1; }
# PRI on at the PCIe level, as a driver would, but not in the IOMMU
$PT -d "$BDF" pri-enable alloc=32 || { fail "setup: PRI enabled on $BDF"; exit 1; }
pass "setup: $BDF unbound, PRI enabled in its capability"

c0=$(awk '$1 == "consumed" { print $2 }' "$IOMMU_DBG/pq_stats")
dmesg -c > /dev/null
out=/tmp/no-pri.out
$PT -d "$BDF" run addr=0x10000000 count=10 group=3 perm=rw timeout=10 > $out
rc=$?
get() { awk -v n="$1" '$1 == n { print $2 }' $out; }
check_eq "burst completed" 0 "$rc"
check_eq "requests sent" 30 "$(get req_sent)"
check_eq "one response per group" 10 "$(get resp_total)"
check_eq "every response is Invalid Request" 10 "$(get resp_invalid)"
check_eq "no response for an unknown PRG index" 0 "$(get resp_unexpected)"
check_eq "page-request queue not used" "$c0" \
	"$(awk '$1 == "consumed" { print $2 }' "$IOMMU_DBG/pq_stats")"
sleep 0.2
check_ge "fault queue: cause 260 reported for the page request messages" 1 \
	"$(dmesg | grep -c 'Fault 260 ')"
$PT -d "$BDF" pri-disable
tap_exit
