# Shared settings for the lab scripts; sourced, not run.
# shellcheck shell=bash
RIOMMU_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RIOMMU_CACHE=${RIOMMU_CACHE:-/var/cache/riommu}
# The Debian mirror this machine's apt uses (its first archive that is not a
# security one), in one-line or deb822 sources; SID_MIRROR= overrides it.
apt_debian_mirror() {
	local d=${APT_ETC:-/etc/apt} f
	{
		for f in "$d/sources.list" "$d"/sources.list.d/*.list; do
			[ -f "$f" ] || continue
			awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i, $(i + 1); break } }' "$f"
		done
		for f in "$d"/sources.list.d/*.sources; do
			[ -f "$f" ] || continue
			awk 'BEGIN { RS = ""; FS = "\n" }
			/(^|\n)Types:[^\n]*deb([ \n]|$)/ && !/(^|\n)Enabled: *no/ {
				u = s = ""
				for (i = 1; i <= NF; i++) {
					if ($i ~ /^URIs:/) { split($i, a, " "); u = a[2] }
					if ($i ~ /^Suites:/) { split($i, a, " "); s = a[2] }
				}
				if (u != "") print u, s
			}' "$f"
		done
	} | awk '$2 !~ /security/ && $1 !~ /security/ &&
		$2 ~ /^(sid|unstable|testing|stable|oldstable|bookworm|trixie|forky|duke)/ { print $1; exit }' || true
}
SID_MIRROR=${SID_MIRROR:-$(apt_debian_mirror)}
SID_MIRROR=${SID_MIRROR%/}

# need_mirror: stop with one sentence when there is no archive to fetch from.
need_mirror() {
	if [ -z "$SID_MIRROR" ]; then
		echo "riommu: no Debian archive in this machine's apt sources; set SID_MIRROR=URL (a Debian mirror that serves sid)" >&2
		exit 2
	fi
}
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

# mmdebstrap_pinned WHAT LIST ARGS...: run mmdebstrap; when it fails because
# the archive no longer has a pinned PKG=VERSION from LIST, say which.
mmdebstrap_pinned() {
	local what=$1 list=$2 log rc=0
	shift 2
	log=$(mktemp)
	# (the callers run with pipefail: rc is mmdebstrap's)
	mmdebstrap "$@" 2>&1 | tee "$log" >&2 || rc=$?
	if [ "$rc" -ne 0 ]; then
		sed -n "s/.*Version '\([^']*\)' for '\([^']*\)' was not found.*/\2 \1/p" "$log" |
		while read -r pkg ver; do
			echo "$what: the archive ($SID_MIRROR) no longer has $pkg $ver, pinned in ${list#"$RIOMMU_TOP"/}; set the version sid has now (apt-cache policy $pkg) there, or SID_MIRROR= a snapshot mirror that has it" >&2
		done
	fi
	rm -f "$log"
	return "$rc"
}
