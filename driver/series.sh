#!/bin/bash
# The kernel series as a git tree, for editing it the way kernel developers
# do: commits in a branch, then `git format-patch` back into driver/patches.
#
#   driver/series.sh tree     make (or refresh) the tree: linux-source-7.2 as
#                             the base commit (tag v7.2.13-debian), branch
#                             riommu with driver/patches applied by `git am`
#   driver/series.sh export   regenerate driver/patches/ from branch riommu,
#                             the cover letter's text from driver/cover-letter.txt
#   driver/series.sh path     print the tree's path
#
# The tree is $KTREE, by default $RIOMMU_CACHE/kernel-git.  `tree` refuses to
# touch a tree whose riommu branch has commits or changes that are not in
# driver/patches (export them first, or pass --force to drop them).
# Runs on the host (git is not in the sid root).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/lab/common.sh"
KTREE=${KTREE:-$RIOMMU_CACHE/kernel-git}
patches=$top/driver/patches
base_tag=v7.2.13-debian
prefix="PATCH v2"
export GIT_COMMITTER_NAME="riommu developers" GIT_COMMITTER_EMAIL="riommu@example.org"

die() { echo "series: $*" >&2; exit 2; }

series_files() { ls "$patches"/[0-9][0-9][0-9][0-9]-*.patch | grep -v '/0000-'; }

# The base commit is made from the tarball with fixed names and dates, so
# every machine gets the same commit id for it.
make_base() {
	local src tar=/usr/src/linux-source-7.2.tar.xz
	src=$(ls -d "$RIOMMU_CACHE"/linux-source-*/ 2>/dev/null | tail -n 1)
	src=${src%/}
	rm -rf "$KTREE"
	mkdir -p "$KTREE"
	if [ -n "$src" ] && [ -f "$src/.riommu-complete" ]; then
		cp -a "$src/." "$KTREE/"
		rm -f "$KTREE/.riommu-complete"
	elif [ -f "$tar" ]; then
		tar -C "$KTREE" --strip-components=1 -xJf "$tar"
	else
		die "no kernel source: run 'make kernel' first (it unpacks linux-source-7.2)"
	fi
	# Debian's tarball ignores every top-level entry; a work tree needs
	# `git status` to see new files.
	sed -i '/^# Debian packaging/,$d' "$KTREE/.gitignore"
	sed -i '${/^#$/d}' "$KTREE/.gitignore"
	git -C "$KTREE" init -q -b base
	git -C "$KTREE" add -A
	GIT_AUTHOR_DATE=2026-01-01T00:00:00Z GIT_COMMITTER_DATE=2026-01-01T00:00:00Z \
	git -C "$KTREE" -c user.name=riommu -c user.email=riommu@example.org \
		commit -q -m "Linux 7.2.13 (Debian linux-source-7.2 7.2.13-1)

The linux-source-7.2 tarball, with only the Debian packaging block of the
top-level .gitignore dropped (it ignores every top-level entry)."
	git -C "$KTREE" tag -f "$base_tag" >/dev/null
	git -C "$KTREE" config user.name "$GIT_COMMITTER_NAME"
	git -C "$KTREE" config user.email "$GIT_COMMITTER_EMAIL"
}

# Commits of branch riommu that differ from driver/patches, or a dirty tree.
tree_has_own_work() {
	[ -d "$KTREE/.git" ] || return 1
	git -C "$KTREE" rev-parse -q --verify riommu >/dev/null || return 1
	[ -n "$(git -C "$KTREE" status --porcelain --untracked-files=no)" ] && return 0
	local tmp rc=1
	tmp=$(mktemp -d)
	format_into "$tmp" >/dev/null
	if ! diff -rq -x '0000-*' "$tmp" "$patches" >/dev/null 2>&1; then
		rc=0
	fi
	rm -rf "$tmp"
	return $rc
}

format_into() { # format_into DIR
	git -C "$KTREE" -c core.abbrev=12 format-patch -q --zero-commit --no-signature \
		--subject-prefix="$prefix" --cover-letter -o "$1" "$base_tag"..riommu
}

cmd_tree() {
	local force=${1:-}
	if [ "$force" != --force ] && tree_has_own_work; then
		die "$KTREE has work that is not in driver/patches: run 'driver/series.sh export' (or 'tree --force' to drop it)"
	fi
	if ! git -C "$KTREE" rev-parse -q --verify "$base_tag" >/dev/null 2>&1; then
		echo "==> series: making the base commit in $KTREE (once, about a minute)"
		make_base
	fi
	git -C "$KTREE" am --abort >/dev/null 2>&1 || true
	git -C "$KTREE" checkout -q -f -B riommu "$base_tag"
	git -C "$KTREE" clean -q -fd
	local p
	for p in $(series_files); do
		git -C "$KTREE" am -q --committer-date-is-author-date "$p" ||
			die "$(basename "$p") does not apply (git am; see 'git -C $KTREE am --show-current-patch')"
	done
	echo "$KTREE: branch riommu, $(git -C "$KTREE" rev-list --count "$base_tag"..riommu) patches on $base_tag"
}

cmd_export() {
	[ -d "$KTREE/.git" ] || die "no tree at $KTREE: run 'driver/series.sh tree' first"
	[ -z "$(git -C "$KTREE" status --porcelain --untracked-files=no)" ] ||
		die "$KTREE has uncommitted changes: commit them to branch riommu first"
	local tmp subject
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' RETURN
	format_into "$tmp"
	# Cover letter: first line of driver/cover-letter.txt is the subject,
	# the rest the text above the shortlog.
	# It is dated like the last patch, so an unchanged series exports the
	# same file.
	subject=$(head -n 1 "$top/driver/cover-letter.txt")
	python3 - "$tmp/0000-cover-letter.patch" "$top/driver/cover-letter.txt" "$subject" \
		"$(git -C "$KTREE" log -1 --format=%aD riommu)" <<'EOF'
import re, sys
path, txt, subject, date = sys.argv[1:]
body = open(txt).read().split("\n", 1)[1].strip("\n")
s = open(path).read()
s = s.replace("*** SUBJECT HERE ***", subject).replace("*** BLURB HERE ***", body)
s = re.sub(r"^Date: .*$", "Date: " + date, s, count=1, flags=re.M)
open(path, "w").write(s)
EOF
	rm -f "$patches"/*.patch
	cp "$tmp"/*.patch "$patches/"
	echo "driver/patches: $(series_files | wc -l) patches and the cover letter from $KTREE"
}

case "${1:-}" in
tree) cmd_tree "${2:-}" ;;
export) cmd_export ;;
path) echo "$KTREE" ;;
*) sed -n '2,16s/^# \{0,1\}//p' "$0"; exit 2 ;;
esac
