#!/bin/bash
# Build (once per input hash) the riscv64 root the lab guest mounts over 9p:
# Debian riscv64 packages plus busybox applets and the riommu init.
# Runs inside the sid root (via lab/sidrun).
set -euo pipefail
. "$(dirname "$0")/common.sh"

dir=$RIOMMU_CACHE/guest-$(inputs_hash "$RIOMMU_TOP/lab/guest-packages.txt" \
	"$RIOMMU_TOP/lab/guest-root.sh" "$RIOMMU_TOP/lab/guest-init")
exec 9> "$RIOMMU_CACHE/.guest-root.lock"
flock 9
if [ -f "$dir/.riommu-complete" ]; then
	echo "$dir"
	exit 0
fi
need_mirror
stage_begin "guest root: extracting riscv64 packages into $dir" >&2
rm -rf "$dir.tmp"
pkgs=$(grep -v '^#' "$RIOMMU_TOP/lab/guest-packages.txt" | grep . | paste -sd, -)
mmdebstrap_pinned "guest root" "$RIOMMU_TOP/lab/guest-packages.txt" \
	--mode=root --variant=extract --architectures=riscv64 \
	--aptopt="$APT_NOVALID" --include="$pkgs" \
	sid "$dir.tmp" "deb $SID_MIRROR sid main"
cd "$dir.tmp"
# Debian's merged /usr: packages ship under usr/ and expect these links.
for d in bin sbin lib; do
	if [ ! -e "$d" ]; then ln -s "usr/$d" "$d"; fi
done
mkdir -p proc sys dev tmp run src xfer root etc mnt
install -m 0755 "$RIOMMU_TOP/lab/guest-init" sbin/riommu-init
printf 'root:x:0:0:root:/root:/bin/sh\n' > etc/passwd
printf 'root:x:0:\n' > etc/group
echo riommu-lab > etc/hostname
touch .riommu-complete
cd /
mv "$dir.tmp" "$dir"
stage_end >&2
echo "$dir"
