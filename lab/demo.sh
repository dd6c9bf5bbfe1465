#!/bin/bash
# Host side of `make demo`: boot the lab with the console attached and run
# lab/demo-guest.sh there.  The kernel, guest root and tools are built by make.
set -euo pipefail
. "$(dirname "$0")/common.sh"
cd "$RIOMMU_TOP"
if [ ! -t 0 ] || [ ! -t 1 ]; then
	echo "demo: needs a terminal (riommu-top is a live screen); run 'make demo' in one" >&2
	exit 2
fi
echo "==> demo: booting the lab (QEMU virt, iommu-sys=on); Ctrl-C stops riommu-top and the guest"
qemu=$(lab/sidrun bash qemu/build.sh | tail -n 1)
exec lab/guest-run --interactive --qemu "$qemu" --qemu-args "-device riommu-pri-testdev" \
	-- sh lab/demo-guest.sh
