#!/bin/sh
# The kernel's own iommufd suite (tools/testing/selftests/iommu: iommufd and
# iommufd_fail_nth, on the IOMMUFD_TEST mock driver), built from the same
# patched tree as the kernel (lab/kernel-build.sh).  Every kselftest result
# becomes one check; a skip passes only when EXPLAINED_SKIPS below says why
# it cannot run here, and each binary must report every test its plan names.
# lab-variants: lab debug
# lab-plan: 257
# lab-timeout: 1500
cd /src || exit 1
. tests/lib/tap.sh
bin=build/riscv64/selftests

# name-pattern|why: skips that are right here (and on every architecture).
EXPLAINED_SKIPS='iommufd_viommu.no_viommu.*|the test needs a vIOMMU object and this fixture variant has none by design'

# The harness's per-test limit is 300 s in the lab's build (lab/kernel-build.sh):
# the debug kernel under TCG ran basic_fail_nth.map_two_domains close to the
# upstream 30 s.
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

# The hugepage variants map MAP_HUGETLB buffers of up to 128 MiB (64 pages
# of 2 MiB) one test at a time; reserve them as the kernel's own mm
# selftests do before they run.
HUGEPAGES=72
echo $HUGEPAGES > /proc/sys/vm/nr_hugepages
check_eq "setup: $HUGEPAGES huge pages reserved" $HUGEPAGES "$(cat /proc/sys/vm/nr_hugepages)"

kself iommufd "$bin/iommufd"
kself iommufd_fail_nth "$bin/iommufd_fail_nth"
