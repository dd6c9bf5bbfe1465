#!/bin/bash
# Build the lab kernel: linux-source-7.2 (or KDIR) + driver/overlay +
# driver/patches + driver/lab.config.  Runs inside the sid root.
# Output: $RIOMMU_CACHE/kernel-<variant>-<hash>/{Image,vmlinux,config}.
# The hash covers every input, so an unchanged tree rebuilds nothing; a
# changed one rebuilds incrementally in a persistent O= directory.
set -euo pipefail
. "$(dirname "$0")/common.sh"

variant=${KVARIANT:-lab}
frags=("$RIOMMU_TOP/driver/lab.config")
[ "$variant" = debug ] && frags+=("$RIOMMU_TOP/driver/lab-debug.config")
src_id=${KDIR:-$(dpkg-query -W -f='${Version}' linux-source-7.2)}
hash=$(inputs_hash "$RIOMMU_TOP/driver/overlay" "$RIOMMU_TOP/driver/patches" \
	"${frags[@]}" "$RIOMMU_TOP/lab/kernel-build.sh" "$src_id" \
	${KDIR:+$(git -C "$KDIR" rev-parse HEAD 2>/dev/null || date +%s)})
art=$RIOMMU_CACHE/kernel-$variant-$hash
if [ -f "$art/Image" ]; then
	echo "$art"
	exit 0
fi

stage=$RIOMMU_CACHE/kernel-src-stage
tree=$RIOMMU_CACHE/kernel-src-$variant
out=$RIOMMU_CACHE/kernel-out-$variant
kmake=(make -s ARCH=riscv LLVM=1 -C "$tree" O="$out")

stage_begin "kernel: preparing sources (${KDIR:-linux-source-7.2 $src_id})" >&2
rm -rf "$stage"
mkdir -p "$stage"
if [ -n "${KDIR:-}" ]; then
	rsync -a --exclude .git "$KDIR/" "$stage/"
else
	tar -C "$stage" --strip-components=1 -xJf /usr/src/linux-source-7.2.tar.xz
fi
if [ -d "$RIOMMU_TOP/driver/overlay" ]; then
	cp -r "$RIOMMU_TOP/driver/overlay/." "$stage/"
fi
for p in "$RIOMMU_TOP"/driver/patches/*.patch; do
	[ -e "$p" ] || continue
	echo "    applying $(basename "$p")" >&2
	patch -s -p1 -d "$stage" < "$p" >&2
done
# Copy only changed files so make's timestamps see a minimal change.
mkdir -p "$tree" "$out"
rsync -a --checksum --delete "$stage/" "$tree/"
rm -rf "$stage"
stage_end >&2

stage_begin "kernel: configuring ($variant)" >&2
"${kmake[@]}" tinyconfig >&2
(cd "$out" && "$tree/scripts/kconfig/merge_config.sh" -m -O . .config "${frags[@]}" >/dev/null)
"${kmake[@]}" olddefconfig >&2
missing=0
for f in "${frags[@]}"; do
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=n) opt=${line%%=*}
			grep -q "^$opt=" "$out/.config" && { echo "    $opt should be off" >&2; missing=1; } ;;
		CONFIG_*=*) grep -qx "$line" "$out/.config" || { echo "    not applied: $line" >&2; missing=1; } ;;
		esac
	done < "$f"
done
if [ "$missing" = 1 ] && [ -z "${KCONFIG_ALLOW_MISSING:-}" ]; then
	echo "kernel: the fragment did not apply (see above); set KCONFIG_ALLOW_MISSING=1 to go on" >&2
	exit 1
fi
stage_end >&2

stage_begin "kernel: building Image (incremental, -j$(nproc))" >&2
"${kmake[@]}" -j"$(nproc)" Image >&2
stage_end >&2

mkdir -p "$art.tmp"
cp "$out/arch/riscv/boot/Image" "$out/vmlinux" "$art.tmp/"
cp "$out/.config" "$art.tmp/config"
rm -rf "$art"
mv "$art.tmp" "$art"
ln -sfn "$(basename "$art")" "$RIOMMU_CACHE/kernel-$variant-current"
echo "$art"
