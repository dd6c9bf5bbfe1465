#!/bin/bash
# Run the patched QEMU's kernel-free qtest of PCIe PRI and ATS in the
# riscv-iommu model (tests/qtest/riscv-iommu-pri-test from qemu/patches),
# inside the sid root, as TAP lines "ok - qtest: NAME" / "not ok - ...".
set -uo pipefail
. "$(dirname "$0")/../lab/common.sh"

if [ -z "${RIOMMU_IN_SID:-}" ]; then
	exec "$RIOMMU_TOP/lab/sidrun" bash /src/qemu/qtest.sh "$@"
fi

bin=$(bash "$RIOMMU_TOP/qemu/build.sh" | tail -n 1) || bin=
qtest=${bin%/*}/riscv-iommu-pri-test
if [ -z "$bin" ] || [ ! -x "$qtest" ]; then
	echo "not ok - qtest: the patched QEMU or its qtest did not build"
	exit 1
fi
out=$(mktemp)
# qtest sockets go to /tmp; a hung QEMU ends in the timeout, not a stuck tier
QTEST_QEMU_BINARY=$bin timeout 300 "$qtest" --tap > "$out" 2>&1
rc=$?
# TAP 14 "ok 3 /riscv64/..." -> the project's "ok - qtest: /riscv64/..."
sed -n 's/^\(not ok\|ok\) [0-9]* \(.*\)/\1 - qtest: \2/p' "$out"
planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out" | head -n 1)
ran=$(grep -c '^\(not \)\{0,1\}ok [0-9]' "$out")
if [ "$rc" -ne 0 ] || [ -z "$planned" ] || [ "$ran" -ne "$planned" ]; then
	echo "not ok - qtest: riscv-iommu-pri-test exit $rc, ran ${ran:-0} of ${planned:-?}"
	grep -v '^# starting QEMU' "$out" | tail -n 15 | sed 's/^/# /'
fi
rm -f "$out"
