#!/bin/sh
# Traffic a driver must survive, from functions that behave like PCIe PRI
# functions: groups whose requests interleave, PRG indexes out of order,
# R/W/X mixed within a group, several PASIDs in one burst, a stop marker.  Every group gets
# exactly one response, and with the PASID its function needs: the first
# function sets "PRG Response PASID Required", the second does not (it
# counts a response that carries a PASID as wrong).  Then a burst far beyond
# any queue while the IOMMU answers everything itself: the guest's console
# keeps answering within a second and every group still gets one response.
# lab-plan: 37
# lab-timeout: 400
# lab-qemu-args: -device riommu-pri-testdev -device riommu-pri-testdev,prg-resp-pasid=off
cd /src || exit 1
. tests/lab/hw-common.inc
hw_setup

# $BDF: the function that requires the PASID in responses; $BDF2: the other
BDF2=$($PT find | grep -v "^$BDF\$" | head -n 1)
[ -n "$BDF2" ] || { fail "setup: a second riommu-pri-testdev"; exit 1; }
if [ "$(pt_status resp_pasid_required)" != 1 ]; then
	other=$BDF
	BDF=$BDF2
	BDF2=$other
	bind_rt "$BDF" || { fail "setup: riommu-test binds to $BDF"; exit 1; }
	RT=/sys/kernel/debug/riommu-test/$BDF
	DEVID=$(printf '0x%x' "$(cat "$RT/rid")")
	rt_setup $GOOD_SIZE
	$PT -d "$BDF" reset
fi
DEVID2=$(bdf_devid "$BDF2")
check_eq "setup: $BDF requires the PASID in responses, $BDF2 does not" "1 0" \
	"$(pt_status resp_pasid_required) $($PT -d "$BDF2" status | awk '$1 == "resp_pasid_required" { print $2 }')"

# prgis BASE STRIDE N: the PRG indexes of a burst, one per line, sorted
prgis() { awk -v b="$1" -v s="$2" -v n="$3" 'BEGIN { for (i = 0; i < n; i++) print (b + i * s) % 512 }' | sort -n; }

# 1. interleaved pairs of groups of 3, R/W/RW mixed, PRG index stride 37
trace_on riscv_iommu/pq_consume riscv_iommu/page_response
pt run addr=$GOOD count=64 group=3 perm=rw interleave mixed prgi=300 prgi-stride=37 timeout=30
check_eq "interleaved: burst completed" 0 "$?"
check_eq "interleaved: requests sent" 192 "$(pt_get req_sent)"
check_eq "interleaved: Success for every group" 64 "$(pt_get resp_success)"
check_eq "interleaved: one response per group" 64 "$(pt_get resp_total)"
check_eq "interleaved: no response for an unknown PRG index" 0 "$(pt_get resp_unexpected)"
check_eq "interleaved: nothing outstanding" 0 "$(pt_get outstanding)"
trace_off
prgis 300 37 64 > /tmp/want
trace_dev page_response | sed -n 's/.* prgi=\([0-9]*\) .*/\1/p' | sort -n > /tmp/got
check_cmd "interleaved: one ATS.PRGR per PRG index, the burst's 64" cmp -s /tmp/want /tmp/got
# flags: 0x2 R, 0x4 W, 0x20 L (docs/interfaces.md)
r=0 w=0 rw=0 l=0 ll=0 prev=0
for f in $(trace_dev pq_consume | flag_nums); do
	case $(( f & 0x6 )) in
	2) r=$((r + 1)) ;; 4) w=$((w + 1)) ;; 6) rw=$((rw + 1)) ;;
	esac
	# interleaved: the last requests of a pair of groups are adjacent
	if [ $(( f & 0x20 )) -ne 0 ]; then
		l=$((l + 1))
		[ "$prev" -eq 1 ] && ll=$((ll + 1))
		prev=1
	else
		prev=0
	fi
done
check_eq "interleaved: 64 last requests, in 32 adjacent pairs" "64 32" "$l $ll"
check_eq "mixed: R, W and RW requests (64 each)" "64 64 64" "$r $w $rw"

# 2. three PASIDs in one burst, X with R: no handler for them in Linux
# (riommu-test's domain is attached to the RID), so Invalid Request, each
# with its group's PASID
$PT -d "$BDF" pasid-enable || { fail "setup: PASID enabled on $BDF"; exit 1; }
echo 1 > "$RT/reset"
trace_on riscv_iommu/pq_consume riscv_iommu/page_response
pt run addr=$GOOD count=24 group=2 perm=rwx mixed interleave pasid=5 pasids=3 pasid-stride=4096 prgi=500 prgi-stride=3 timeout=30
check_eq "pasids: burst completed" 0 "$?"
check_eq "pasids: Invalid Request for every group" 24 "$(pt_get resp_invalid)"
check_eq "pasids: one response per group" 24 "$(pt_get resp_total)"
check_eq "pasids: every response carried a PASID" 0 "$(pt_get resp_no_pasid)"
check_eq "pasids: every response carried its group's PASID" 0 "$(pt_get resp_wrong_pasid)"
trace_off
for p in 5 4101 8197; do
	check_eq "pasids: 16 requests and 8 responses for PASID $p" "16 8" \
		"$(trace_dev pq_consume | grep -c " pasid=$p ") $(trace_dev page_response | grep -c " pasid=$p ")"
done
x=0
for f in $(trace_dev pq_consume | flag_nums); do
	[ $(( f & 0x8 )) -ne 0 ] && x=$((x + 1))
done
check_eq "pasids: X only on the requests with R (one per group)" 24 "$x"

# a Stop Marker, sent only on purpose: queued like a request (L, no R/W),
# dropped by the driver as a stop marker, never answered
trace_on riscv_iommu/pq_consume riscv_iommu/pq_report riscv_iommu/page_response
$PT -d "$BDF" stop-marker pasid=9 prgi=77 > /dev/null
check_eq "stop marker: sent" 0 "$?"
sleep 0.5
trace_off
check_eq "stop marker: consumed with PV and L, no R/W" 1 \
	"$(trace_dev pq_consume | grep ' pasid=9 ' | grep -c 'flags=PV|L ')"
check_eq "stop marker: not reported to the IOPF core, no response" "0 0" \
	"$(trace_dev pq_report | grep -c ' pasid=9 ') $(trace_dev page_response | grep -c ' pasid=9 ')"
$PT -d "$BDF" pasid-disable

# PRIV and EXEC travel with a PASID, and only when the PASID control enables
# them: with PASID off the function refuses such a burst and sends nothing
pt run addr=$GOOD count=1 group=1 perm=rx pasid=5 timeout=5
check_eq "exec without PASID enabled: burst refused (exit 2)" 2 "$?"
check_eq "exec without PASID enabled: err_pasid, nothing sent" "1 0" \
	"$(pt_get err_pasid) $(pt_get req_sent)"

# 3. the second function does not require a PASID in responses
if bind_rt "$BDF2"; then
	pass "setup: riommu-test binds to $BDF2"
else
	fail "setup: riommu-test binds to $BDF2"
	tap_exit
fi
RT2=/sys/kernel/debug/riommu-test/$BDF2
echo 0x10000000 > "$RT2/good_start"
echo $GOOD_SIZE > "$RT2/good_size"
$PT -d "$BDF2" reset
$PT -d "$BDF2" pasid-enable || { fail "setup: PASID enabled on $BDF2"; exit 1; }
trace_on riscv_iommu/page_response
$PT -d "$BDF2" run addr=$GOOD count=16 group=2 perm=r pasid=7 pasids=2 timeout=30 > $PT_OUT 2>&1
check_eq "no PASID required: burst completed" 0 "$?"
check_eq "no PASID required: one response per group" 16 "$(pt_get resp_total)"
check_eq "no PASID required: no response carried a PASID" 0 "$(pt_get resp_wrong_pasid)"
trace_off
check_eq "no PASID required: every ATS.PRGR without PV" 16 \
	"$(grep " page_response: " $TR/trace | grep "devid=$DEVID2 " | grep -c 'flags= ')"
$PT -d "$BDF2" pasid-disable

# 4. a flood the IOMMU answers itself: no PRI in the device context (no
# driver), PRI on in the function, far beyond the allocation
dev2=/sys/bus/pci/devices/$BDF2
echo "$BDF2" > "$dev2/driver/unbind"
echo > "$dev2/driver_override"
$PT -d "$BDF2" master
$PT -d "$BDF2" pri-enable alloc=32
$PT -d "$BDF2" run addr=0x10000000 count=400000000 group=1 perm=r ignore-alloc nowait > $PT_OUT 2>&1
up() { cut -d' ' -f1 /proc/uptime; }
worst=0
i=0
while [ $i -lt 20 ]; do
	t0=$(up)
	$PT -d "$BDF2" status > /dev/null
	sleep 0.1
	gap=$(awk -v a="$t0" -v b="$(up)" 'BEGIN { printf "%d", (b - a) * 1000 }')
	[ "$gap" -gt "$worst" ] && worst=$gap
	i=$((i + 1))
done
sent=$($PT -d "$BDF2" status | awk '$1 == "groups_sent" { print $2 }')
echo "# flood: $sent groups sent while measuring; worst console round trip ${worst} ms"
check_ge "flood: the device keeps sending" 1000 "$sent"
check_ge "flood: console round trip under a second (1000 - worst ms > 0)" 1 $((1000 - worst))
$PT -d "$BDF2" stop > /dev/null
$PT -d "$BDF2" wait timeout=10 > $PT_OUT 2>&1
check_eq "flood: every group answered after the stop" 0 "$?"
check_eq "flood: one response per group, all Invalid Request" \
	"$(pt_get groups_sent) $(pt_get groups_sent)" "$(pt_get resp_total) $(pt_get resp_invalid)"
check_eq "flood: no response for an unknown PRG index" 0 "$(pt_get resp_unexpected)"
$PT -d "$BDF2" pri-disable
hw_check_dmesg "pri-traffic"
tap_exit
