#!/bin/bash
# Host side of the lab tier: boot the lab guest for each scenario and run it
# there.  Scenarios named hw-*.sh need the patched QEMU and its test device.
#   lab/lab-tests.sh [SCENARIO.sh...]     (default: tests/lab/*-*.sh)
set -uo pipefail
. "$(dirname "$0")/common.sh"
cd "$RIOMMU_TOP"

if [ $# -gt 0 ]; then
	all=("$@")
else
	mapfile -t all < <(ls tests/lab/*-*.sh 2>/dev/null)
fi
rc=0
qemu=
for t in "${all[@]}"; do
	extra=()
	case "$(basename "$t")" in
	hw-*)
		if [ -z "$qemu" ]; then
			qemu=$(lab/sidrun bash qemu/build.sh | tail -n 1) || qemu=
		fi
		if [ -z "$qemu" ]; then
			echo "not ok - $(basename "$t" .sh) # the patched QEMU did not build"
			rc=1
			continue
		fi
		extra=(--qemu "$qemu" --qemu-args "${RIOMMU_HW_QEMU_ARGS:--device riommu-pri-testdev}")
		;;
	esac
	# One boot per scenario: each starts from a fresh kernel, so leftovers
	# of one (a removed device, a full queue) cannot change another's answer.
	lab/guest-run --timeout 900 "${extra[@]}" -- sh tests/lab/run.sh "$t" || rc=1
done
exit $rc
