#!/bin/sh
# The series' KUnit suite (drivers/iommu/riscv/iommu-pri-kunit.c) ran at
# boot: every case of riscv_iommu_pri is one check here, by name, and the
# suite's own verdict is one more.  A case that is missing or not "ok"
# fails (its KTAP lines go to the log).
# lab-plan: 10
cd /src || exit 1
. tests/lib/tap.sh

RES=/sys/kernel/debug/kunit/riscv_iommu_pri/results
CASES="pq_decode_all_fields pq_decode_no_pasid pq_decode_reserved_bits_ignored
pq_stop_marker prgr_no_pasid prgr_pasid_segment prgr_dsv_segment0
ats_inval_ranges ats_inval_pasid_segment"

if [ ! -r "$RES" ]; then
	fail "kunit: riscv_iommu_pri results in debugfs" "no $RES (CONFIG_RISCV_IOMMU_PRI_KUNIT_TEST, CONFIG_KUNIT_DEBUGFS)"
	tap_exit; exit
fi
for c in $CASES; do
	line=$(grep -E "^[[:space:]]+(not )?ok [0-9]+ $c\$" "$RES")
	case "$line" in
	*"not ok"*|"") fail "kunit: $c" "$(grep -B 20 " $c\$" "$RES" | grep -E 'EXPECT|Expected|ASSERT|==|not ok' | tr '\n' '|')" ;;
	*) pass "kunit: $c" ;;
	esac
done
if grep -qE '^ok [0-9]+ riscv_iommu_pri$' "$RES"; then
	pass "kunit: suite riscv_iommu_pri"
else
	fail "kunit: suite riscv_iommu_pri" "$(tail -n 3 "$RES" | tr '\n' '|')"
fi
tap_exit
