#!/bin/bash
# Build (once) a qemu-system-riscv64 with the riommu patches (qemu/patches:
# PCIe PRI in the RISC-V IOMMU model, and the riommu-pri-testdev endpoint)
# and print its path.  The result is cached in $RIOMMU_CACHE/qemu-<hash>,
# keyed by the patches, this script and the Debian source version; an
# unchanged tree reuses it at once.
#
#   qemu/build.sh            build if needed, print .../bin/qemu-system-riscv64
#
# Source: Debian's qemu source package, fetched with apt-get source inside
# the sid root.  The archive only serves the source of some versions (the
# .dsc of sid's current 1:11.1.3+ds-1 binaries is not there), so the version
# is pinned here; QEMU_DEB_VERSION overrides it (the patches may then need
# a refresh).  Builds run under nice -n 19 with -j2 (QEMU_JOBS).
set -euo pipefail
. "$(dirname "$0")/../lab/common.sh"

QEMU_DEB_VERSION=${QEMU_DEB_VERSION:-1:10.2.2+ds-1}
QEMU_JOBS=${QEMU_JOBS:-2}
# Relative paths: the same key on the host (/work/...) and in the root (/src)
key=$(cd "$RIOMMU_TOP" && inputs_hash qemu/patches qemu/build.sh "$QEMU_DEB_VERSION")
out=$RIOMMU_CACHE/qemu-$key
bin=$out/bin/qemu-system-riscv64

if [ -f "$out/.riommu-complete" ] && [ -x "$bin" ]; then
	echo "$bin"
	exit 0
fi

if [ -z "${RIOMMU_IN_SID:-}" ]; then
	# On the host: build inside the sid root, where the toolchain lives.
	"$RIOMMU_TOP/lab/sidrun" /src/qemu/build.sh >&2
	[ -x "$bin" ] || { echo "qemu/build.sh: no $bin after the build" >&2; exit 1; }
	echo "$bin"
	exit 0
fi

# One builder at a time; a second caller waits and then finds the result.
mkdir -p "$RIOMMU_CACHE"
exec 9> "$RIOMMU_CACHE/.qemu-build.lock"
flock 9
if [ -f "$out/.riommu-complete" ] && [ -x "$bin" ]; then
	echo "$bin"
	exit 0
fi

t_all=$(date +%s)
dl=$RIOMMU_CACHE/qemu-dl
upver=${QEMU_DEB_VERSION#*:}          # 10.2.2+ds-1
dsc=$dl/qemu_$upver.dsc
mkdir -p "$dl"

stage_begin "qemu: source $QEMU_DEB_VERSION" >&2
if [ ! -f "$dsc" ]; then
	src_list=/etc/apt/sources.list.d/riommu-deb-src.list
	if ! grep -qs '^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources 2>/dev/null; then
		echo "deb-src $SID_MIRROR sid main" > "$src_list"
	fi
	if ! apt-cache showsrc qemu 2>/dev/null | grep -qx "Version: $QEMU_DEB_VERSION"; then
		apt-get update -qq >&2
	fi
	(cd "$dl" && apt-get source -qq --download-only "qemu=$QEMU_DEB_VERSION") >&2 || {
		echo "qemu/build.sh: cannot fetch the source of qemu $QEMU_DEB_VERSION;" \
			"versions the archive lists:" >&2
		apt-cache showsrc qemu | sed -n 's/^Version: /  /p' >&2
		exit 1
	}
fi
stage_end >&2

work=$out.tmp
rm -rf "$work"
mkdir -p "$work"
stage_begin "qemu: unpack and patch" >&2
dpkg-source --no-check -x "$dsc" "$work/src" > "$work/unpack.log" 2>&1 ||
	{ cat "$work/unpack.log" >&2; exit 1; }
for p in "$RIOMMU_TOP"/qemu/patches/*.patch; do
	echo "  $(basename "$p")" >&2
	patch -d "$work/src" -p1 --quiet --no-backup-if-mismatch < "$p" >&2
done
stage_end >&2

stage_begin "qemu: configure (riscv64-softmmu only)" >&2
mkdir -p "$work/src/build"
# Only what the lab uses: TCG, FDT, virtio-9p for the guest's file systems,
# slirp for user networking.  Firmware comes from the root's qemu-system-data.
(cd "$work/src/build" && ../configure \
	--prefix="$out" \
	--target-list=riscv64-softmmu \
	--without-default-features \
	--enable-fdt=system --enable-virtfs --enable-attr --enable-slirp \
	--disable-docs --disable-install-blobs --disable-debug-info \
	--disable-werror --firmwarepath=/usr/share/qemu) > "$work/configure.log" 2>&1 ||
	{ tail -n 30 "$work/configure.log" >&2; exit 1; }
stage_end >&2

stage_begin "qemu: build (nice -n 19, -j$QEMU_JOBS)" >&2
t_build=$(date +%s)
nice -n 19 ninja -C "$work/src/build" -j"$QEMU_JOBS" qemu-system-riscv64 > "$work/build.log" 2>&1 ||
	{ tail -n 40 "$work/build.log" >&2; exit 1; }
build_s=$(( $(date +%s) - t_build ))
stage_end >&2

install -D -m 0755 "$work/src/build/qemu-system-riscv64" "$bin"
"$bin" -device help 2>/dev/null | grep -q '"riommu-pri-testdev"' ||
	{ echo "qemu/build.sh: built QEMU lacks riommu-pri-testdev" >&2; exit 1; }
{
	echo "debian_version $QEMU_DEB_VERSION"
	echo "patches $(cd "$RIOMMU_TOP/qemu/patches" && ls ./*.patch | xargs -n1 basename | paste -sd' ')"
	echo "build_seconds $build_s"
	echo "total_seconds $(( $(date +%s) - t_all ))"
	echo "built $(date -u +%FT%TZ)"
} > "$out/build-info.txt"
rm -rf "$work"
touch "$out/.riommu-complete"
echo "qemu: $(cat "$out/build-info.txt" | paste -sd' ')" >&2
echo "$bin"
