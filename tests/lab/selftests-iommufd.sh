#!/bin/sh
# The kernel's own iommufd suite (tools/testing/selftests/iommu: iommufd and
# iommufd_fail_nth, on the IOMMUFD_TEST mock driver), built from the same
# patched tree as the kernel (lab/kernel-build.sh).  Every kselftest result
# becomes one check; a skip passes only when EXPLAINED_SKIPS below says why
# it cannot run here, and each binary must report every test its plan names.
# lab-variants: lab debug
# lab-plan: 0
# lab-timeout: 1500
cd /src || exit 1
. tests/lib/tap.sh
bin=build/riscv64/selftests

# name-pattern|why: skips that are right on this machine.
EXPLAINED_SKIPS=''

# kself NAME BIN: run one kselftest binary and turn its TAP into ours.
kself() {
	suite=$1
	out=/tmp/$suite.tap
	if [ ! -x "$2" ]; then
		fail "$suite: built" "no $2: run 'make tools'"
		return
	fi
	"$2" > "$out" 2>&1
	echo "# $suite exited $?"
	sed 's/^/# /' "$out"
	planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out" | head -n 1)
	results=$(grep -c '^\(not \)\{0,1\}ok [0-9]' "$out")
	check_eq "$suite: reported every test it planned" "${planned:-none}" "$results"
	grep '^\(not \)\{0,1\}ok [0-9]' "$out" > "$out.results"
	while IFS= read -r line; do
		name=$(echo "$line" | sed 's/^\(not \)\{0,1\}ok [0-9]* \([^ ]*\).*/\2/')
		case "$line" in
		not\ ok*)
			fail "$suite: $name" "$(echo "$line" | sed -n 's/.* # //p')" ;;
		*'# SKIP'*)
			why=$(echo "$EXPLAINED_SKIPS" | while IFS='|' read -r pat reason; do
				case "$name" in $pat) echo "$reason"; break ;; esac
			done)
			if [ -n "$why" ]; then
				pass "$suite: $name (skipped: $why)"
			else
				fail "$suite: $name" "skipped without an explanation: ${line#*# SKIP}"
			fi ;;
		*)
			pass "$suite: $name" ;;
		esac
	done < "$out.results"
}

kself iommufd "$bin/iommufd"
kself iommufd_fail_nth "$bin/iommufd_fail_nth"
