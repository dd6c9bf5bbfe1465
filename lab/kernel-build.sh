#!/bin/bash
# Build the lab kernel: linux-source-7.2 (or KDIR) + driver/patches (the
# cover letter aside) + driver/lab.config.  Runs inside the sid root.
# Output: $RIOMMU_CACHE/kernel-<variant>-<hash>/{Image,vmlinux,config} and
# selftests/{iommufd,iommufd_fail_nth} (tools/testing/selftests/iommu).
# The hash covers every input, so an unchanged tree rebuilds nothing; a
# changed one rebuilds incrementally in a persistent O= directory.
#   lab/kernel-build.sh          build (if needed), print the artifact directory
#   lab/kernel-build.sh --path   only print it: the kernel this tree names
set -euo pipefail
. "$(dirname "$0")/common.sh"
path_only=
[ "${1:-}" = --path ] && path_only=1

variant=${KVARIANT:-lab}
frags=("$RIOMMU_TOP/driver/lab.config")
[ "$variant" = debug ] && frags+=("$RIOMMU_TOP/driver/lab-debug.config")
patches=()
for p in "$RIOMMU_TOP"/driver/patches/[0-9][0-9][0-9][0-9]-*.patch; do
	case "$p" in */0000-*) ;; *) patches+=("$p") ;; esac
done
# "pristine": the source with only the fixes the series starts with
# (RIOMMU_PRISTINE_PATCHES, default 0001-*), to measure what
# the series changes (docs/selftests.md); the series' own options are absent.
if [ "$variant" = pristine ]; then
	patches=("$RIOMMU_TOP"/driver/patches/${RIOMMU_PRISTINE_PATCHES:-0001-*})
	KCONFIG_ALLOW_MISSING=1
fi
src_id=${KDIR:-$(dpkg-query -W -f='${Version}' linux-source-7.2)}
hash=$(inputs_hash "${patches[@]}" \
	"${frags[@]}" "$RIOMMU_TOP/lab/kernel-build.sh" "$src_id" \
	${KDIR:+$(git -C "$KDIR" rev-parse HEAD 2>/dev/null || date +%s)})
art=$RIOMMU_CACHE/kernel-$variant-$hash
if [ -n "$path_only" ] || [ -f "$art/Image" ]; then
	echo "$art"
	exit 0
fi

# One build per variant at a time: the source and O= trees are shared.  A
# second caller waits, then finds the artifact if the inputs were the same.
exec 9> "$RIOMMU_CACHE/.kernel-build-$variant.lock"
flock 9
if [ -f "$art/Image" ]; then
	echo "$art"
	exit 0
fi

tree=$RIOMMU_CACHE/kernel-src-$variant
out=$RIOMMU_CACHE/kernel-out-$variant
# GCC, as Debian builds its kernels: it compiles this tree about a quarter
# faster than clang here (mm/ and kernel/bpf/: 45 s against 60 s, -j2).
# driver/check-series.sh still builds every patch with clang and W=1.
kmake=(make -s ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- -C "$tree" O="$out")

stage_begin "kernel: preparing sources (${KDIR:-linux-source-7.2 $src_id})" >&2
if [ -n "${KDIR:-}" ]; then
	pristine=$KDIR
else
	pristine=$RIOMMU_CACHE/linux-source-$src_id
	# Every variant reads it: one extracts, the others wait (make -j test).
	exec 8> "$RIOMMU_CACHE/.linux-source.lock"
	flock 8
	if [ ! -f "$pristine/.riommu-complete" ]; then
		rm -rf "$pristine"
		mkdir -p "$pristine"
		tar -C "$pristine" --strip-components=1 -xJf /usr/src/linux-source-7.2.tar.xz
		touch "$pristine/.riommu-complete"
	fi
	flock -u 8
fi
# Only the files driver/ touches are built in a scratch tree; the rest is
# synced by size and mtime.  Touched files are copied into the build tree
# only when their content changed, so make rebuilds just what depends on them.
scratch=$(mktemp -d "$RIOMMU_CACHE/kernel-scratch.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
touched=$scratch/touched
cat "${patches[@]}" 2>/dev/null | sed -n 's|^+++ b/||p' | cut -f1 | sort -u > "$touched"
mkdir -p "$scratch/t"
(cd "$pristine" && rsync -a --files-from="$touched" --ignore-missing-args . "$scratch/t/")
for p in "${patches[@]}"; do
	[ -e "$p" ] || continue
	echo "    applying $(basename "$p")" >&2
	patch -s -p1 -d "$scratch/t" < "$p" >&2
done
mkdir -p "$tree" "$out"
sed 's|^|/|' "$touched" > "$scratch/exclude"
rsync -a --delete --exclude=/.riommu-complete --exclude-from="$scratch/exclude" \
	"$pristine/" "$tree/"
while IFS= read -r f; do
	if ! cmp -s "$scratch/t/$f" "$tree/$f"; then
		mkdir -p "$(dirname "$tree/$f")"
		cp "$scratch/t/$f" "$tree/$f"
	fi
done < "$touched"
stage_end >&2

# Kconfig files the series touches count too: a patch may add options.
mapfile -t touched_kconfig < <(grep -E '(^|/)Kconfig' "$touched" | sed "s|^|$tree/|")
config_key=$(inputs_hash "${frags[@]}" "$src_id" "$RIOMMU_TOP/lab/kernel-build.sh" "${touched_kconfig[@]}")
if [ -f "$out/.config" ] && [ "$(cat "$out/.riommu-config-key" 2>/dev/null)" = "$config_key" ]; then
	echo "==> kernel: configuration unchanged ($variant)" >&2
else
stage_begin "kernel: configuring ($variant)" >&2
rm -f "$out/.riommu-config-key"
"${kmake[@]}" tinyconfig >&2
(cd "$out" && "$tree/scripts/kconfig/merge_config.sh" -m -O . .config "${frags[@]}" >/dev/null)
"${kmake[@]}" olddefconfig >&2
# Every option's last setting across the fragments must be in .config (a
# later fragment overrides an earlier one, as merge_config.sh does).
missing=0
declare -A want=()
for f in "${frags[@]}"; do
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*) want[${line%%=*}]=$line ;;
		esac
	done < "$f"
done
for opt in "${!want[@]}"; do
	line=${want[$opt]}
	case "$line" in
	*=n) grep -q "^$opt=" "$out/.config" && { echo "    $opt should be off" >&2; missing=1; } ;;
	*) grep -qx "$line" "$out/.config" || { echo "    not applied: $line" >&2; missing=1; } ;;
	esac
done
if [ "$missing" = 1 ] && [ -z "${KCONFIG_ALLOW_MISSING:-}" ]; then
	echo "kernel: the fragment did not apply (see above); set KCONFIG_ALLOW_MISSING=1 to go on" >&2
	exit 1
fi
echo "$config_key" > "$out/.riommu-config-key"
stage_end >&2
fi

stage_begin "kernel: building Image (incremental, -j$(nproc))" >&2
# resolve_btfids names every kfunc tinyconfig leaves out; that is expected.
"${kmake[@]}" -j"$(nproc)" Image 2>&1 |
	{ grep -v 'resolve_btfids: unresolved symbol' || true; } >&2
stage_end >&2

# The kernel's own iommufd suite, from this same tree (the mock driver's
# uapi comes with it), static for the guest.
stage_begin "kernel: selftests/iommu (riscv64, static)" >&2
"${kmake[@]}" headers >&2
# The kselftest harness stops a test at 30 s of wall clock.  Under TCG the
# debug kernel (KASAN, lockdep) runs iommufd_fail_nth's loops many times
# slower than hardware, near that limit, so the lab's build allows 300 s;
# the tree is synced from the pristine source again at the next build.
harness=$tree/tools/testing/selftests/kselftest_harness.h
sed -i 's/^#define TEST_TIMEOUT_DEFAULT 30$/#define TEST_TIMEOUT_DEFAULT 300/' "$harness"
if ! grep -q '^#define TEST_TIMEOUT_DEFAULT 300$' "$harness"; then
	echo "kernel: $harness no longer defines TEST_TIMEOUT_DEFAULT 30; set the lab's selftest limit in lab/kernel-build.sh anew" >&2
	exit 1
fi
rm -rf "$out/selftests-iommu"
mkdir -p "$out/selftests-iommu"
make -s -C "$tree/tools/testing/selftests/iommu" OUTPUT="$out/selftests-iommu" \
	ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- KHDR_INCLUDES="-isystem $out/usr/include" \
	LDFLAGS="-static -L/usr/lib/riscv64-linux-gnu" >&2
stage_end >&2

rm -rf "$art.tmp"
mkdir -p "$art.tmp/selftests"
cp "$out/selftests-iommu/iommufd" "$out/selftests-iommu/iommufd_fail_nth" "$art.tmp/selftests/"
cp "$out/arch/riscv/boot/Image" "$out/vmlinux" "$art.tmp/"
cp "$out/.config" "$art.tmp/config"
rm -rf "$art"
mv "$art.tmp" "$art"
echo "$art"
