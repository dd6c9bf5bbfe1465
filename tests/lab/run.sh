#!/bin/sh
# Guest side: run lab scenarios and print their TAP lines.  A scenario that
# fails without saying why still counts as one failure.  Exit status: 0 only
# when every scenario passed every check.
#   sh tests/lab/run.sh SCENARIO.sh...
cd /src || exit 1
. tests/lib/tap.sh
failed=0
for t in "$@"; do
	name=$(basename "$t" .sh)
	echo "# scenario $name"
	start=$(date +%s)
	out=/tmp/$name.tap
	# Live, not at the end: checks made before a panic still reach the host.
	{ timeout "${RIOMMU_SCENARIO_TIMEOUT:-300}" sh "$t" 2>&1; echo $? > "$out.rc"; } | tee "$out"
	rc=$(cat "$out.rc")
	if grep -q '^not ok' "$out"; then
		failed=1
	elif [ "$rc" -ne 0 ]; then
		fail "$name" "exited with status $rc without a failed check"
	fi
	if ! grep -q '^ok\|^not ok' "$out"; then
		fail "$name" "ran no check"
	fi
	echo "# scenario $name: exit ${rc} in $(( $(date +%s) - start ))s"
done
tap_exit && [ "$failed" -eq 0 ]
