#!/bin/bash
# Check that the kernel series builds patch by patch and is checkpatch clean.
#
#   driver/check-series.sh [--base DIR] [--work DIR] [--target T] [--from N]
#                          [--no-build] [--no-checkpatch]
#
# Copies a configured kernel tree (--base; by default a tinyconfig tree made
# from the pristine source that `make kernel` unpacks) to a work directory
# once, then on every run: restores the pristine sources there and applies
# driver/patches/*.patch (the cover letter aside) one at a time, as `git am`
# would.  After each patch it merges driver/lab.config (so options appear as
# their Kconfig entries do) and builds incrementally: --target (default
# drivers/iommu/) plus a W=1 build of drivers/iommu/riscv/ whose warnings are
# reported.  Steps before --from N (patch number) are applied without
# building.  Every patch, cover letter included, goes through
# checkpatch.pl --strict.
# Exit status: non-zero if a patch fails to apply or build, a W=1 warning
# shows up in drivers/iommu/riscv, or checkpatch reports anything.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/lab/common.sh"

base=
work=$RIOMMU_CACHE/check-series
# The pristine linux-source-7.2 tree lab/kernel-build.sh keeps.
ref=$(ls -d "$RIOMMU_CACHE"/linux-source-*/ 2>/dev/null | tail -n 1)
ref=${ref%/}
target=drivers/iommu/
from=0
build=1
checkpatch=1
while [ $# -gt 0 ]; do
	case "$1" in
	--base) base=$2; shift 2 ;;
	--work) work=$2; shift 2 ;;
	--target) target=$2; shift 2 ;;
	--from) from=$((10#$2)); shift 2 ;;
	--no-build) build=; shift ;;
	--no-checkpatch) checkpatch=; shift ;;
	-h|--help) sed -n '2,18s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "check-series: unknown option '$1'" >&2; exit 2 ;;
	esac
done

# checkpatch's SPDX check runs scripts/spdxcheck.py with the first python3
# on PATH; it needs ply and GitPython (Debian: python3-ply, python3-git).
if ! /usr/bin/python3 -c 'import ply, git' 2>/dev/null; then
	echo "==> installing python3-ply python3-git for checkpatch's SPDX check"
	apt-get install -y -q python3-ply python3-git >/dev/null 2>&1 ||
		echo "check-series: could not install python3-ply python3-git; SPDX lines go unchecked" >&2
fi
export PATH=/usr/bin:$PATH

tree=$work/tree
log=$work/log
fail=0
bad() { echo "not ok - $*"; fail=1; }
good() { echo "ok - $*"; }

if [ ! -f "$ref/.riommu-complete" ]; then
	echo "check-series: no pristine kernel source in $RIOMMU_CACHE: run 'make kernel' first" >&2
	exit 2
fi
mkdir -p "$work" "$log"
if [ ! -d "$tree" ]; then
	if [ -n "$base" ]; then
		[ -f "$base/.config" ] || { echo "check-series: no configured tree at $base" >&2; exit 2; }
		echo "==> copying $base to $tree (once)"
		nice -n 10 cp -a "$base" "$tree" || exit 2
	else
		echo "==> making a tinyconfig tree at $tree (once; the first build is a full one)"
		nice -n 10 cp -a "$ref" "$tree" || exit 2
		"$top/lab/sidrun" make -s -C "$tree" ARCH=riscv LLVM=1 tinyconfig || exit 2
	fi
fi

# Undo the previous run: pristine sources back (only changed files are
# copied, with a new mtime so make rebuilds what depends on them), files the
# patches added removed.
echo "==> restoring pristine sources"
nice -n 10 "$top/lab/sidrun" rsync -rl --checksum "$ref/" "$tree/" || exit 2
if [ -f "$work/added.list" ]; then
	while IFS= read -r f; do
		[ -e "$ref/$f" ] || rm -f "$tree/$f"
	done < "$work/added.list"
fi
cat "$top"/driver/patches/*.patch | sed -n 's|^+++ b/||p' | cut -f1 | sort -u > "$work/added.list"

kmake() {
	nice -n 10 "$top/lab/sidrun" make -s -C "$tree" ARCH=riscv LLVM=1 -j"$(nproc)" "$@"
}

configure() {
	nice -n 10 "$top/lab/sidrun" bash -c "cd '$tree' &&
		scripts/kconfig/merge_config.sh -m -O . .config /src/driver/lab.config >/dev/null &&
		make -s ARCH=riscv LLVM=1 olddefconfig >/dev/null"
}

build_step() { # build_step NAME
	local name=$1 out=$log/$1.log
	if ! configure > "$out" 2>&1; then
		bad "$name: configure (see $out)"
		return
	fi
	if ! kmake "$target" >> "$out" 2>&1; then
		bad "$name: build $target (see $out)"
		return
	fi
	if ! kmake W=1 drivers/iommu/riscv/ > "$out.w1" 2>&1; then
		bad "$name: W=1 build of drivers/iommu/riscv (see $out.w1)"
		return
	fi
	if grep -q 'drivers/iommu/riscv/.*warning:' "$out.w1"; then
		bad "$name: W=1 warnings in drivers/iommu/riscv (see $out.w1)"
		return
	fi
	good "$name: builds"
}

for p in "$top"/driver/patches/*.patch; do
	[ -e "$p" ] || continue
	name=$(basename "$p" .patch)
	num=$((10#${name%%-*}))
	if [ "$num" -eq 0 ]; then
		if [ -n "$checkpatch" ]; then
			if (cd "$tree" && perl scripts/checkpatch.pl --strict -q "$p") > "$log/$name.checkpatch" 2>&1; then
				good "$name: checkpatch --strict"
			else
				bad "$name: checkpatch --strict (see $log/$name.checkpatch)"
			fi
		fi
		continue
	fi
	if ! patch -s -p1 -d "$tree" < "$p" > "$log/$name.apply" 2>&1; then
		bad "$name: does not apply (see $log/$name.apply)"
		break
	fi
	if [ -n "$checkpatch" ]; then
		# The tree is linux-source's tarball, not a git clone: the Fixes:
		# commit ids cannot be looked up in it.  New files need no
		# MAINTAINERS line when an existing entry covers them, which
		# get_maintainer.pl checks below instead.
		if (cd "$tree" && perl scripts/checkpatch.pl --strict -q \
			--ignore UNKNOWN_COMMIT_ID,FILE_PATH_CHANGES "$p") > "$log/$name.checkpatch" 2>&1; then
			good "$name: checkpatch --strict"
		else
			bad "$name: checkpatch --strict (see $log/$name.checkpatch)"
		fi
		for f in $(awk '/^--- \/dev\/null/ { getline; sub(/^\+\+\+ b\//, ""); print }' "$p"); do
			if (cd "$tree" && perl scripts/get_maintainer.pl --no-git --no-rolestats -f "$f") 2>/dev/null |
				grep -q 'iommu@lists.linux.dev'; then
				good "$name: $f has maintainers (MAINTAINERS)"
			else
				bad "$name: no MAINTAINERS entry covers $f"
			fi
		done
	fi
	if [ -n "$build" ] && [ "$num" -ge "$from" ]; then
		build_step "$name"
	fi
done

exit $fail
