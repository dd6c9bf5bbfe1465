#!/bin/bash
# Build (once) a qemu-system-riscv64 with the riommu patches (qemu/patches:
# PCIe PRI in the RISC-V IOMMU model, and the riommu-pri-testdev endpoint)
# and print its path.  The result is cached in $RIOMMU_CACHE/qemu-<hash>,
# keyed by the patches, this script and the Debian source version; an
# unchanged tree reuses it at once.
#
#   qemu/build.sh            build if needed, print .../bin/qemu-system-riscv64
#
# The kernel-free qtest of the PRI/ATS paths (tests/qtest/riscv-iommu-pri-test,
# from the patches) is built too and installed next to the binary;
# qemu/qtest.sh runs it.
#
# Source: Debian's qemu source package, unpacked with dpkg-source inside the
# sid root.  Sid's qemu-system-riscv binary is 1:11.1.3+ds-1, but the
# archive answers 404 for that source (and for 1:11.1.2); 1:11.1.1+ds-1 is
# the newest 11.1 source it serves.  It is still in the pool but in no
# Sources index, so apt-get source cannot fetch it: it is downloaded from the
# pool with apt-helper (apt's own proxy settings, no extra package), and
# trusted through the SHA256 of its .dsc pinned below (the .dsc's signature
# by its uploader, Michael Tokarev, was checked against debian-keyring
# 2026.06.27 when it was pinned); dpkg-source -x then checks the tarballs
# against the .dsc.  QEMU_DEB_VERSION=... builds another version through
# apt-get source (the versions the archive lists; the patches may then need
# a refresh).  Builds run under nice -n 19 with -j2 (QEMU_JOBS).
set -euo pipefail
. "$(dirname "$0")/../lab/common.sh"

QEMU_DEB_VERSION=${QEMU_DEB_VERSION:-1:11.1.1+ds-1}
QEMU_JOBS=${QEMU_JOBS:-2}

# Versions fetched straight from the pool, and the SHA256 of their .dsc.
pool_dsc_sha256() {
	case $1 in
	1:11.1.1+ds-1) echo dfd4fbdd38517e2467002091bbcd938bbff8b2c851cc3f56b019236c7d1f21da ;;
	esac
}

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
upver=${QEMU_DEB_VERSION#*:}          # 11.1.1+ds-1
dsc=$dl/qemu_$upver.dsc
mkdir -p "$dl"

stage_begin "qemu: source $QEMU_DEB_VERSION" >&2
dsc_sha256=$(pool_dsc_sha256 "$QEMU_DEB_VERSION")
if [ -n "$dsc_sha256" ]; then
	# Not in any Sources index: the pinned hash is the only trust anchor,
	# so a cached .dsc is checked again on every build.
	if ! echo "$dsc_sha256  $dsc" | sha256sum -c --status 2>/dev/null; then
		pool=$SID_MIRROR/pool/main/q/qemu
		part=$dl/.pool-part
		rm -rf "$part"
		mkdir -p "$part"
		fetch() {	# URL FILE SHA256
			/usr/lib/apt/apt-helper -o APT::Sandbox::User=root \
				download-file "$1" "$2" "SHA256:$3" >&2 || {
				echo "qemu/build.sh: cannot fetch $1" >&2
				exit 1
			}
		}
		fetch "$pool/${dsc##*/}" "$part/${dsc##*/}" "$dsc_sha256"
		# The tarballs, with the hashes the (now trusted) .dsc names.
		awk '/^Checksums-Sha256:/ { f = 1; next } /^[^ ]/ { f = 0 }
			f && NF == 3 { print $1, $3 }' "$part/${dsc##*/}" |
		while read -r sum name; do
			if echo "$sum  $dl/$name" | sha256sum -c --status 2>/dev/null; then
				continue
			fi
			fetch "$pool/$name" "$part/$name" "$sum"
		done
		mv -f "$part"/* "$dl"/
		rmdir "$part"
	fi
elif [ ! -f "$dsc" ]; then
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
# Checks the tarballs against the .dsc (no keyring in the root: its
# signature is only reported as unverifiable).
dpkg-source -x "$dsc" "$work/src" > "$work/unpack.log" 2>&1 ||
	{ cat "$work/unpack.log" >&2; exit 1; }
for p in "$RIOMMU_TOP"/qemu/patches/*.patch; do
	echo "  $(basename "$p")" >&2
	patch -d "$work/src" -p1 --quiet --no-backup-if-mismatch < "$p" >&2
done
stage_end >&2

stage_begin "qemu: configure (riscv64-softmmu only)" >&2
mkdir -p "$work/src/build"
# Only the devices the lab, the demo and the qtest attach: the virt board
# (it selects the RISC-V IOMMU, its PCIe host bridge and virtio-mmio), the
# test endpoints, virtio-9p for the guest's file systems and virtio-net for
# the Prometheus scrape; no other board, no default PCI, USB or display device.
cat > "$work/src/configs/devices/riscv64-softmmu/riommu-lab.mak" <<'EOF'
CONFIG_RISCV_VIRT=y
CONFIG_PCI_TESTDEV=y
CONFIG_RIOMMU_PRI_TESTDEV=y
CONFIG_VIRTIO_9P=y
CONFIG_VIRTIO_NET=y
EOF
# Only what the lab uses: TCG, FDT, virtio-9p for the guest's file systems,
# slirp for user networking.  Firmware comes from the root's qemu-system-data.
(cd "$work/src/build" && ../configure \
	--prefix="$out" \
	--target-list=riscv64-softmmu \
	--without-default-features \
	--without-default-devices --with-devices-riscv64=riommu-lab \
	--enable-fdt=system --enable-virtfs --enable-attr --enable-slirp \
	--disable-docs --disable-install-blobs --disable-debug-info \
	--disable-werror --firmwarepath=/usr/share/qemu) > "$work/configure.log" 2>&1 ||
	{ tail -n 30 "$work/configure.log" >&2; exit 1; }
stage_end >&2

stage_begin "qemu: build (nice -n 19, -j$QEMU_JOBS)" >&2
t_build=$(date +%s)
nice -n 19 ninja -C "$work/src/build" -j"$QEMU_JOBS" qemu-system-riscv64 \
	tests/qtest/riscv-iommu-pri-test > "$work/build.log" 2>&1 ||
	{ tail -n 40 "$work/build.log" >&2; exit 1; }
build_s=$(( $(date +%s) - t_build ))
stage_end >&2

install -D -m 0755 "$work/src/build/qemu-system-riscv64" "$bin"
install -D -m 0755 "$work/src/build/tests/qtest/riscv-iommu-pri-test" \
	"$out/bin/riscv-iommu-pri-test"
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
