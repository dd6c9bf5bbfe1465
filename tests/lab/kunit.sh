#!/bin/sh
# The series' KUnit suites ran at boot (drivers/iommu/riscv/iommu-pri-kunit.c,
# drivers/iommu/iopf-notify-kunit.c): every case is one check here, by name,
# and each suite's own verdict is one more.  A case that is missing or not
# "ok" fails (its KTAP lines go to the log).
# lab-plan: 14
cd /src || exit 1
. tests/lib/tap.sh

# suite SUITE CASE...: one check per case, then the suite's verdict
suite() {
	name=$1
	shift
	res=/sys/kernel/debug/kunit/$name/results
	if [ ! -r "$res" ]; then
		for c in "$@" suite; do
			fail "kunit: $name: $c" "no $res (CONFIG_KUNIT_DEBUGFS and the suite's option)"
		done
		return
	fi
	for c in "$@"; do
		line=$(grep -E "^[[:space:]]+(not )?ok [0-9]+ $c\$" "$res")
		case "$line" in
		*"not ok"*|"") fail "kunit: $name: $c" "$(grep -E 'Expected|ASSERT|not ok' "$res" | tr '\n' '|')" ;;
		*) pass "kunit: $name: $c" ;;
		esac
	done
	if grep -qE "^ok [0-9]+ $name\$" "$res"; then
		pass "kunit: $name: suite"
	else
		fail "kunit: $name: suite" "$(tail -n 3 "$res" | tr '\n' '|')"
	fi
}

suite riscv_iommu_pri pq_decode_all_fields pq_decode_no_pasid \
	pq_decode_reserved_bits_ignored pq_stop_marker prgr_no_pasid \
	prgr_pasid_segment prgr_dsv_segment0 ats_inval_ranges \
	ats_inval_pasid_segment
suite iommu_iopf_notify iopf_notify_no_callback iopf_notify_pasid_too_wide \
	iopf_notify_no_iommu
tap_exit
