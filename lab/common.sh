# Shared settings for the lab scripts; sourced, not run.
# shellcheck shell=bash
RIOMMU_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RIOMMU_CACHE=${RIOMMU_CACHE:-/var/cache/riommu}
SID_MIRROR=${SID_MIRROR:-http://deb.debian.org/debian}
APT_NOVALID='Acquire::Check-Valid-Until "false";'

# Print a stage banner and remember when it started.
stage_begin() {
	STAGE_NAME=$1
	STAGE_T0=$(date +%s)
	printf '==> %s\n' "$STAGE_NAME"
}

stage_end() {
	printf '==> %s: done in %ss\n' "$STAGE_NAME" $(( $(date +%s) - STAGE_T0 ))
}

# Hash of files and strings given as arguments, short form for cache keys.
# Files count by content and path inside the repo, so every clone (and /src
# in the sid root) finds the same cache entries.
inputs_hash() {
	local f
	for f in "$@"; do
		if [ -d "$f" ]; then
			(cd "$f" && find . -type f ! -name '*.o' -print0 | LC_ALL=C sort -z |
				xargs -0 sha256sum)
		elif [ -f "$f" ]; then
			printf '%s  %s\n' "$(sha256sum < "$f" | cut -d' ' -f1)" "${f#"$RIOMMU_TOP"/}"
		else
			printf '%s\n' "$f"
		fi
	done | sha256sum | cut -c1-16
}

sid_root_dir() {
	echo "$RIOMMU_CACHE/sid-$(inputs_hash "$RIOMMU_TOP/lab/sid-packages.txt" "$RIOMMU_TOP/lab/sid-root.sh")"
}
