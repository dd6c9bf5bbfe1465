# TAP helpers for shell tests (host and guest); sourced, not run.
# Every check prints exactly one "ok - NAME" or "not ok - NAME # why" line;
# tests/run counts those lines across all tiers.
# shellcheck shell=sh

tap_fail_count=0

# RIOMMU_TAP_PREFIX names the run (e.g. "debug: ") when the same checks
# run twice, on two kernels.
pass() {
	echo "ok - ${RIOMMU_TAP_PREFIX:-}$1"
}

fail() {
	echo "not ok - ${RIOMMU_TAP_PREFIX:-}$1 # ${2:-failed}"
	tap_fail_count=$((tap_fail_count + 1))
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "expected '$2', got '$3'"
	fi
}

# check_ge NAME MIN ACTUAL (integers)
check_ge() {
	if [ "$3" -ge "$2" ] 2>/dev/null; then
		pass "$1"
	else
		fail "$1" "expected >= $2, got '$3'"
	fi
}

# check_cmd NAME CMD...: passes when CMD exits 0
check_cmd() {
	name=$1
	shift
	if "$@"; then
		pass "$name"
	else
		fail "$name" "command failed: $*"
	fi
}

# Exit status for the end of a test script.
tap_exit() {
	[ "$tap_fail_count" -eq 0 ]
}
