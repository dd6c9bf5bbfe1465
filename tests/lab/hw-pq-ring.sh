#!/bin/sh
# Real page requests: N groups sent by riommu-pri-testdev arrive through the
# RISC-V IOMMU's page-request queue and its interrupt (not the injector),
# each is traced once by riscv_iommu:pq_consume, answered once with an
# ATS.PRGR, and the device receives exactly N Success responses.
# lab-plan: 18
cd /src || exit 1
. tests/lab/hw-common.inc
hw_setup

N=64
c0=$(pq_stat consumed)
r0=$(pq_stat responses)
iommu_irqs > /tmp/irq0
trace_on riscv_iommu/pq_consume riscv_iommu/page_response
pt run addr=$GOOD count=$N group=1 perm=rw timeout=20
rc=$?
trace_off
iommu_irqs > /tmp/irq1

check_eq "device: burst completed (pri-testdev exit)" 0 "$rc"
check_eq "device: groups sent" "$N" "$(pt_get groups_sent)"
check_eq "device: Success responses" "$N" "$(pt_get resp_success)"
check_eq "device: responses in total (one per group)" "$N" "$(pt_get resp_total)"
check_eq "device: responses for unknown PRG indexes" 0 "$(pt_get resp_unexpected)"
check_eq "device: groups left outstanding" 0 "$(pt_get outstanding)"
check_eq "device: requests refused" 0 "$(pt_get send_errors)"

check_eq "pq_stats: consumed grew by N" "$N" $(( $(pq_stat consumed) - c0 ))
check_eq "pq_stats: responses grew by N" "$N" $(( $(pq_stat responses) - r0 ))
trace_dev pq_consume > /tmp/consume
check_eq "trace: pq_consume events for devid $DEVID" "$N" "$(wc -l < /tmp/consume)"
# flags bit 0x40: the record came from the injector
inj=0
for f in $(flag_nums < /tmp/consume); do
	[ $(( f & 0x40 )) -ne 0 ] && inj=$((inj + 1))
done
check_eq "trace: no injected records" 0 "$inj"
check_eq "trace: distinct PRG indexes consumed" "$N" \
	"$(sed 's/.* prgi=\([0-9]*\).*/\1/' /tmp/consume | sort -u | wc -l)"
check_eq "trace: page_response Success for devid $DEVID" "$N" \
	"$(trace_dev page_response | grep -c 'code=Success')"

# The records were consumed in the PQ interrupt's thread
comm=$(head -n 1 /tmp/consume | awk '{ print $1 }')
case "$comm" in
irq/*) pass "trace: records consumed in an IRQ thread ($comm)" ;;
*) fail "trace: records consumed in an IRQ thread" "task '$comm'" ;;
esac
irq=${comm#irq/}
irq=${irq%%-*}
before=$(awk -v i="$irq" '$1 == i { print $2 }' /tmp/irq0)
after=$(awk -v i="$irq" '$1 == i { print $2 }' /tmp/irq1)
check_ge "interrupts: IOMMU line $irq fired during the burst" 1 $(( ${after:-0} - ${before:-0} ))

hw_check_dmesg "pq-ring"
tap_exit
