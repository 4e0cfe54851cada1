#!/bin/bash
# The fresh-machine check: the README's Quick start, exactly as written, on a
# minimal Debian bookworm, in a clean clone of the commit under test with
# nothing beside it.  Run as root (CI runs it after the normal suite):
#
#   tests/fresh/run.sh [ORDER...]     default: serve,test,serve,test
#   tests/fresh/run.sh serve,test test,serve,test
#
# Each ORDER is one fresh root, in which its commands run in turn (the
# default is the README's order, then both again: neither undoes the other):
#   serve  `sh tools/bootstrap.sh serve` in the background until ports 1965
#          and 7070 answer; the home page and the seed article over Gemini
#          (TLS, the certificate it generated) and Gopher (probe.py); then
#          SIGTERM to its PID, and it must exit 0.
#   test   `sh tools/bootstrap.sh test`: it must pass, and ctest's summary
#          must show only the conversion-quality check skipped.
#
# The base is `debootstrap --variant=minbase bookworm`, kept in
# CAPSULED_FRESH_CACHE (default /var/cache/capsuled-fresh, outside the
# checkout) and rebuilt when missing or a week old.  Nothing is installed into
# it: each root is an overlay on it, thrown away after, given only what a
# fresh install has beyond debootstrap (/etc/hosts, today's
# /etc/resolv.conf, the apt sources of bookworm, its updates and security)
# and a clone of HEAD in /root/capsuled.  bootstrap.sh installs everything
# else; apt's download folder is kept in CACHE/apt-archives, so a package
# already downloaded is not fetched again (it is still installed by apt).
# Everything runs in its own mount and PID namespaces: whatever happens,
# its mounts and processes end with it.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${CAPSULED_FRESH_CACHE:-/var/cache/capsuled-fresh}
MIRROR=http://deb.debian.org/debian
SECURITY_MIRROR=http://deb.debian.org/debian-security
BASE_MAX_DAYS=7
SERVE_WAIT=${CAPSULED_FRESH_SERVE_WAIT:-1200}
CHROOT_ENV=(HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM=xterm)

say() { printf 'fresh: %s\n' "$*"; }
die() {
	printf 'fresh: FAILED: %s\n' "$*" >&2
	exit 1
}
now() { date +%s; }

# --- on the host ---------------------------------------------------------

need_host_tools() {
	[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap, overlay and chroot need it)"
	local tool
	for tool in git python3 unshare chroot flock; do
		command -v "$tool" >/dev/null || die "$tool is needed on the host"
	done
	command -v debootstrap >/dev/null && return 0
	say "installing debootstrap on the host"
	apt-get update -q >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >/dev/null
}

base_is_fresh() {
	[ -d "$CACHE/base" ] && [ -n "$(find "$CACHE/base" -maxdepth 0 -mtime -"$BASE_MAX_DAYS")" ]
}

# Built under a temporary name and renamed, so that a killed build never
# leaves half a base; debootstrap's own mounts die with its namespace.
build_base() {
	local tmp="$CACHE/base.new.$$" start
	start=$(now)
	say "building the base: debootstrap --variant=minbase bookworm $MIRROR"
	if ! unshare --mount --propagation private \
		debootstrap --variant=minbase bookworm "$tmp" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1; then
		tail -n 30 "$CACHE/debootstrap.log" >&2
		rm -rf --one-file-system "$tmp"
		die "debootstrap failed (log: $CACHE/debootstrap.log)"
	fi
	touch "$tmp"
	if [ -d "$CACHE/base" ]; then
		mv "$CACHE/base" "$CACHE/base.old.$$"
	fi
	mv "$tmp" "$CACHE/base"
	rm -rf --one-file-system "$CACHE/base.old.$$"
	echo "base debootstrap $(($(now) - start))" >>"$TIMINGS"
}

# Under the exclusive lock no other run is using the cache: what a killed
# run left behind can go, and the base can be replaced.
prepare_cache() {
	mkdir -p "$CACHE/apt-archives/partial"
	exec 9>"$CACHE/lock"
	flock -x 9
	rm -rf --one-file-system "$CACHE"/base.new.* "$CACHE"/base.old.* "$CACHE"/run.*
	RUN=$(mktemp -d "$CACHE/run.XXXXXX")
	trap 'rm -rf --one-file-system "$RUN"' EXIT
	trap 'die "interrupted"' HUP INT TERM
	TIMINGS="$RUN/timings"
	base_is_fresh || build_base
	say "base: $CACHE/base, built $(date -r "$CACHE/base" '+%F %T')"
	flock -s 9
}

print_timings() {
	[ -s "$TIMINGS" ] || return 0
	say "timings (seconds):"
	awk '{ printf "fresh:   %-6s %-22s %5d\n", $1, $2, $3 }' "$TIMINGS"
}

main() {
	local status=0 order
	[ $# -gt 0 ] || set -- serve,test,serve,test
	for order in "$@"; do
		[[ $order =~ ^(serve|test)(,(serve|test))*$ ]] || die "bad order '$order': serve and test, comma-separated"
	done
	need_host_tools
	prepare_cache
	# --kill-child: should unshare be killed, the namespace goes with it.
	unshare --mount --pid --fork --kill-child --mount-proc --propagation private \
		"$BASH" "$HERE/run.sh" --inside "$RUN" "$@" || status=$?
	print_timings
	[ "$status" -eq 0 ] || die "the Quick start failed on a fresh bookworm (see above)"
	say "passed: $*"
}

# --- inside the namespaces (this shell is PID 1) ----------------------------

prepare_root() { # prepare_root ROOT
	local root=$1
	cat >"$root/etc/hosts" <<EOF
127.0.0.1	localhost
127.0.1.1	$(cat /proc/sys/kernel/hostname)
::1	localhost ip6-localhost ip6-loopback
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
EOF
	cp -L /etc/resolv.conf "$root/etc/resolv.conf"
	cat >"$root/etc/apt/sources.list" <<EOF
deb $MIRROR bookworm main
deb $SECURITY_MIRROR bookworm-security main
deb $MIRROR bookworm-updates main
EOF
	mount -t proc proc "$root/proc"
	mount -t sysfs -o ro sysfs "$root/sys"
	mount --rbind /dev "$root/dev"
	mount --bind "$CACHE/apt-archives" "$root/var/cache/apt/archives"
	clone "$root/root/capsuled"
}

# A clone as a user makes one; on the commit under test even when that is
# not the tip of a branch (a detached CI checkout).
clone() { # clone DEST
	git clone -q "$REPO" "$1"
	[ "$(git -C "$1" rev-parse HEAD)" = "$COMMIT" ] && return 0
	git -C "$1" fetch -q "$REPO" HEAD
	git -C "$1" checkout -q --detach FETCH_HEAD
	[ "$(git -C "$1" rev-parse HEAD)" = "$COMMIT" ] || die "cannot clone commit $COMMIT of $REPO"
}

in_root() { # in_root ROOT COMMAND: COMMAND in the checkout, as a root login would
	chroot "$1" /usr/bin/env -i "${CHROOT_ENV[@]}" /bin/sh -c "cd /root/capsuled && $2"
}

running() { # running PID: neither gone nor a zombie
	[ -r "/proc/$1/stat" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" | cut -d ' ' -f 1)" != Z ]
}

timing() { # timing LABEL STEP START
	echo "$1 $2 $(($(now) - $3))" >>"$TIMINGS"
	say "$1: $2 took $(($(now) - $3)) s"
}

stop_server() { # stop_server PID LABEL
	local pid=$1 waited=0 status=0
	[ "$(cat "/proc/$pid/comm")" = capsuled ] || die "$2: pid $pid is not capsuled"
	kill -TERM "$pid"
	while running "$pid" && [ $waited -lt 30 ]; do
		sleep 1
		waited=$((waited + 1))
	done
	[ $waited -lt 30 ] || {
		kill -KILL "$pid"
		die "$2: the server did not stop within 30 s of SIGTERM"
	}
	wait "$pid" || status=$?
	[ "$status" -eq 0 ] || die "$2: the server exited with status $status after SIGTERM"
	say "$2: stopped by SIGTERM to pid $pid, exit status 0"
}

step_serve() { # step_serve ROOT LABEL
	local root=$1 label=$2 start pid
	python3 "$HERE/probe.py" free
	start=$(now)
	say "$label: sh tools/bootstrap.sh serve (in the background)"
	# Started directly (not through a function), so that $! is the chroot
	# that execs, in turn, sh, bootstrap.sh and the server: its PID.
	chroot "$root" /usr/bin/env -i "${CHROOT_ENV[@]}" /bin/sh -c \
		"cd /root/capsuled && exec sh tools/bootstrap.sh serve" > >(sed -u "s/^/$label serve| /") 2>&1 &
	pid=$!
	python3 "$HERE/probe.py" wait "$pid" "$SERVE_WAIT" || die "$label: serve did not come up"
	timing "$label" "serve:answers" "$start"
	python3 "$HERE/probe.py" check "$root/root/capsuled" || die "$label: serve answers wrongly"
	stop_server "$pid" "$label"
	say "$label: what the first run left behind:"
	in_root "$root" "stat -c '%U:%G %a %n' certs certs/* var var/*" | sed "s/^/fresh:   /"
}

step_test() { # step_test ROOT LABEL
	local root=$1 label=$2 start log status=0 skipped passed
	log="$RUN/$label.test.log"
	start=$(now)
	say "$label: sh tools/bootstrap.sh test"
	in_root "$root" "exec sh tools/bootstrap.sh test" 2>&1 | tee "$log" | sed -u "s/^/$label test| /" ||
		status=$?
	timing "$label" "test" "$start"
	[ "$status" -eq 0 ] || die "$label: sh tools/bootstrap.sh test failed"
	skipped=$(grep -c 'integration/test_conversion_quality (Skipped)' "$log" || true)
	passed=$(grep -c '^100% tests passed' "$log" || true)
	if [ "$skipped" -ne 2 ] || [ "$passed" -ne 2 ]; then
		die "$label: ctest should show every test passed and the quality check skipped, in both builds"
	fi
	[ "$(grep -c '(Skipped)' "$log")" -eq 2 ] || die "$label: a test other than the quality check was skipped"
	check_inner_skips "$root/root/capsuled" "$label"
}

# A Python test that finds a client missing skips itself and its ctest
# entry still passes: what bootstrap.sh forgot to install would go unseen.
# Skips that depend on the machine (running as root, the kernel) are shown.
check_inner_skips() { # check_inner_skips CHECKOUT LABEL
	local skips
	skips=$(grep -h -e "\.\.\. skipped '" -e '\[  SKIPPED \]' "$1"/build/Testing/Temporary/LastTest.log \
		"$1"/build-asan/Testing/Temporary/LastTest.log |
		grep -v -e "needs the corpus and scorer of ../shared" -e "test(s), listed below" |
		sort | uniq -c | sed 's/^/fresh:   /' || true)
	[ -z "$skips" ] || say "$2: skipped inside passing tests (count over both builds):"$'\n'"$skips"
	if grep -q "skipped 'needs" <<<"$skips"; then
		die "$2: a test skipped for want of something bootstrap.sh should install"
	fi
}

# Between roots and at the end: every process but this shell, then the mounts.
end_root() { # end_root ROOT
	kill -KILL -1 2>/dev/null || true
	umount -R "$1" 2>/dev/null || umount -R -l "$1"
}

one_root() { # one_root N ORDER
	local label="root$1" order=$2 dir="$RUN/$1" step start
	mkdir -p "$dir/upper" "$dir/work" "$dir/root"
	start=$(now)
	mount -t overlay overlay -o "lowerdir=$CACHE/base,upperdir=$dir/upper,workdir=$dir/work" "$dir/root"
	CURRENT_ROOT="$dir/root"
	prepare_root "$dir/root"
	timing "$label" "overlay+clone" "$start"
	say "$label: ${order//,/ then } in a clone of $COMMIT"
	for step in ${order//,/ }; do
		"step_$step" "$dir/root" "$label"
	done
	end_root "$dir/root"
	CURRENT_ROOT=""
}

inside() { # inside RUN ORDER...
	RUN=$1
	TIMINGS="$RUN/timings"
	shift
	[ "$$" -eq 1 ] || die "not in a PID namespace of its own"
	CURRENT_ROOT=""
	trap '[ -z "$CURRENT_ROOT" ] || end_root "$CURRENT_ROOT"' EXIT
	trap 'exit 1' HUP INT TERM
	COMMIT=$(git -C "$REPO" rev-parse HEAD)
	[ -z "$(git -C "$REPO" status --porcelain --untracked-files=no)" ] ||
		say "note: $REPO has uncommitted changes; the check runs the commit $COMMIT"
	local n=0 order
	for order in "$@"; do
		n=$((n + 1))
		one_root "$n" "$order"
	done
}

if [ "${1:-}" = "--inside" ]; then
	shift
	inside "$@"
else
	main "$@"
fi
