# Start of a host test tier (tests/host/run.sh, tests/bpf/run.sh); sourced,
# not run, by the tier script before anything else:
#	. "$(dirname "$0")/../lib/host-tier.sh"
# The build tools live in the sid root: outside it the tier re-executes
# itself there.  Inside, it leaves the tier at the top of the tree with
# tap.sh loaded and B=build/host.
# shellcheck shell=sh

top=$(cd "$(dirname "$0")/../.." && pwd)
if [ ! -f /.riommu-complete ]; then
	# the sid root sees the tree at /src: name the script from the top
	self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
	exec env SIDRUN_CWD="$top" "${SIDRUN:-$top/lab/sidrun}" sh "${self#"$top"/}" "$@"
fi
cd "$top" || exit 1
. tests/lib/tap.sh
B=build/host

# host_tier_build NAME: build the host tools and tests as one check; the
# tier cannot go on without them, so a failed build ends it.  The log goes
# to build/, which the host sees too (the sid root's /tmp is its own).
host_tier_build() {
	ht_log=build/$(basename "$(dirname "$0")")-build.log
	mkdir -p build
	if make -s -C tools host >"$ht_log" 2>&1; then
		pass "$1"
		return
	fi
	fail "$1" "see $ht_log: $(tail -3 "$ht_log" | tr '\n' ' ')"
	tap_exit
	exit 1
}

# host_tier_tap NAME CMD...: run a test program that prints TAP lines, pass
# its lines on and count its failures; an exit status other than 0 with no
# failing line is a failure of its own (NAME).  Its variables are ht_*:
# the callers' names are left alone.
host_tier_tap() {
	ht_name=$1
	shift
	ht_out=$("$@")
	ht_st=$?
	printf '%s\n' "$ht_out"
	ht_nfail=$(printf '%s\n' "$ht_out" | grep -c '^not ok')
	tap_fail_count=$((tap_fail_count + ht_nfail))
	[ "$ht_st" -eq 0 ] || [ "$ht_nfail" -gt 0 ] || fail "$ht_name" "exit $ht_st without a failing line"
}
