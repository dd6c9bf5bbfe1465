#!/bin/sh
# One invalidation, two functions: a process bound to two PRI test
# functions through riommu-test (one mm, so one SVA domain with two bonds on
# the one IOMMU) unmaps a page.  Both functions get an ATS.INVAL for it
# with the mm's PASID, after the IOTLB invalidation and its IOFENCE.C, and
# the driver waits for both with a single IOFENCE.C after the second, not
# one fence per function.  The IOMMU's commands come from QEMU's
# riscv_iommu_cmd trace (-D below: the host's build/, the guest's
# /src/build/).
# lab-qemu-args: -device riommu-pri-testdev -device riommu-pri-testdev -trace riscv_iommu_cmd -D /src/build/hw-ats-batch.cmds
# lab-plan: 8
# lab-variants: lab debug
cd /src || exit 1
. tests/lab/hw-common.inc
CMDS=/src/build/hw-ats-batch.cmds
hw_setup_two
RID1=$(($(cat "/sys/kernel/debug/riommu-test/$B1/rid")))
RID2=$(($(cat "/sys/kernel/debug/riommu-test/$B2/rid")))
if [ ! -s "$CMDS" ]; then
	fail "setup: QEMU traces the IOMMU's commands to $CMDS" "boot with the scenario's lab-qemu-args"
	exit 1
fi
pass "setup: $B1 (RID $RID1) and $B2 (RID $RID2) bound to riommu-test, commands traced"

$PT -d "$B1" sva-pair other="$B2" count=1 > "$PT_OUT" 2>&1
check_eq "sva-pair: both bound, the page unmapped" "0 1" "$? $(pt_get unmapped)"
PASID=$(pt_get sva_pasid)
BUF=$(pt_get sva_buf)
check_eq "sva-pair: one mm, one PASID for both functions" "$PASID" "$(pt_get sva_pasid_other)"

# The commands as "opcode|func3<<7 RID PV PID payload", oldest first.  The
# trace prints each command's two doublewords ("command 0xD0 0xD1").
sed -n 's/.*command \(0x[0-9a-f]*\) \(0x[0-9a-f]*\).*/\1 \2/p' "$CMDS" |
	while read -r d0 d1; do
		echo "$((d0 & 0x3ff)) $(((d0 >> 40) & 0xffff)) $(((d0 >> 32) & 1))" \
			"$(((d0 >> 12) & 0xfffff)) $((d1))"
	done > /tmp/cmds.txt
# ATS.INVAL (opcode 4, func3 0) of the unmapped page with the PASID: a
# single 4 KiB page is its address with S = 0 (PCIe ATS Invalidate Request)
ATS_INVAL=4
IOFENCE_C=2
IOTINVAL_VMA=1
awk -v a=$ATS_INVAL -v p="$PASID" -v buf=$((BUF)) \
	'$1 == a && $3 == 1 && $4 == p && $5 == buf { print NR, $2 }' /tmp/cmds.txt > /tmp/page.txt
check_eq "unmap: ATS.INVAL of the page, with the PASID, to both functions' RIDs" \
	"$(printf '%s\n' "$RID1" "$RID2" | sort -n | paste -s -d' ')" \
	"$(awk '{ print $2 }' /tmp/page.txt | sort -n | paste -s -d' ')"
first=$(head -n 1 /tmp/page.txt | cut -d' ' -f1)
last=$(tail -n 1 /tmp/page.txt | cut -d' ' -f1)
first=${first:-1}
last=${last:-0}
# what came before the first ATS.INVAL: the IOTLB's invalidation, fenced
before=$(awk -v f="$first" 'NR < f { print $1 }' /tmp/cmds.txt | tail -n 2 | paste -s -d' ')
check_eq "unmap: IOTINVAL.VMA then IOFENCE.C before the ATCs are invalidated" \
	"$IOTINVAL_VMA $IOFENCE_C" "$before"
check_eq "unmap: no IOFENCE.C between the two functions' ATS.INVAL (one wait for both)" 0 \
	"$(awk -v f="$first" -v l="$last" -v c=$IOFENCE_C \
		'NR > f && NR < l && $1 == c { n++ } END { print n + 0 }' /tmp/cmds.txt)"
check_eq "unmap: an IOFENCE.C right after the second ATS.INVAL" "$IOFENCE_C" \
	"$(awk -v l="$last" 'NR == l + 1 { print $1 }' /tmp/cmds.txt)"
hw_check_dmesg "ats-batch"
tap_exit
