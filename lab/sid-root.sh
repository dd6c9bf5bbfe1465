#!/bin/bash
# Create (once) the Debian sid root that holds every build tool riommu uses.
# Bookworm lacks the RISC-V IOMMU kernel source, QEMU with iommu-sys and a
# recent clang/libbpf, so all builds and the lab run inside this root.
set -euo pipefail
. "$(dirname "$0")/common.sh"

root=$(sid_root_dir)
# One creator at a time; later callers wait, then find it done.
mkdir -p "$RIOMMU_CACHE"
exec 9> "$RIOMMU_CACHE/.sid-root.lock"
flock 9
if [ -f "$root/.riommu-complete" ]; then
	echo "$root"
	exit 0
fi

need_mirror
stage_begin "sid root: creating $root (one time, several minutes)" >&2
if ! command -v mmdebstrap >/dev/null; then
	apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >&2
fi
mkdir -p "$RIOMMU_CACHE"
rm -rf "$root.tmp"
pkgs=$(grep -v '^#' "$RIOMMU_TOP/lab/sid-packages.txt" | grep . | paste -sd, -)
mmdebstrap_pinned "sid root" "$RIOMMU_TOP/lab/sid-packages.txt" \
	--mode=root --variant=apt --architectures=amd64,riscv64 \
	--aptopt="$APT_NOVALID" \
	--include="$pkgs" sid "$root.tmp" "deb $SID_MIRROR sid main"
printf '%s\n' "$APT_NOVALID" > "$root.tmp/etc/apt/apt.conf.d/99riommu-novalid"
touch "$root.tmp/.riommu-complete"
mv "$root.tmp" "$root"
stage_end >&2
echo "$root"
