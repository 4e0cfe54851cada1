#!/bin/bash
# The fresh-machine check: the README's Quick start, exactly as written, on a
# minimal Debian bookworm, in a clean clone of the commit under test with
# nothing beside it; and the Debian package of that commit installed there.
# Run as root (CI runs it after the normal suite):
#
#   tests/fresh/run.sh [ORDER...]     default: serve,test,serve,test
#   tests/fresh/run.sh serve,test test,serve,test deb
#
# Each ORDER is one fresh root, in which its commands run in turn (the
# default is the README's order, then both again: neither undoes the other):
#   serve  `sh tools/bootstrap.sh serve` in the background until ports 1965
#          and 7070 answer; the home page and the seed article over Gemini
#          (TLS, the certificate it generated) and Gopher (probe.py); then
#          SIGTERM to its PID, and it must exit 0.
#   test   `sh tools/bootstrap.sh test`: it must pass, and ctest's summary
#          must show only the conversion-quality check skipped.
#   deb    the package, as "Deploying on a VPS" has it.  Made once per run on
#          this host (which must be a bookworm with what `sh tools/bootstrap.sh
#          test` installs), in a clean clone of the commit: cmake (Release),
#          `cpack -G DEB`, then tests/dist/check_dist.sh on that very .deb
#          (lintian, dpkg-deb --contents...).  In the root: `apt-get install
#          ./capsuled_*.deb` (apt fetches its Depends, recommends left out);
#          postinst must succeed, make the capsuled user and enable
#          capsuled.service (deb-systemd-helper's link) without starting
#          anything.  Then `/usr/sbin/capsuled --check-config -c
#          /etc/capsuled/capsuled.ini`, the sample capsule/ copied to
#          /srv/gemini, and the installed binary started as root with the
#          installed configuration and loopback test ports (--host localhost
#          --listen 127.0.0.1 --port 1965 --gopher-port 7070): the pages over
#          TLS and Gopher as for serve, every capsuled process running as
#          capsuled, everything under /var/lib/capsuled and /var/log/capsuled
#          the user's and the key mode 0600; SIGTERM, exit 0.  Last `dpkg
#          --remove` (state and configuration kept) and `dpkg --purge`
#          (nothing named capsuled left in /etc, /usr, /var).
#
# The base is `debootstrap --variant=minbase bookworm`, kept in
# CAPSULED_FRESH_CACHE (default /var/cache/capsuled-fresh, outside the
# checkout) and rebuilt when missing or a week old.  Nothing is installed into
# it: each root is an overlay on it, thrown away after, given only what a
# fresh install has beyond debootstrap (/etc/hosts, today's
# /etc/resolv.conf, the apt sources of bookworm, its updates and security)
# and a clone of HEAD in /root/capsuled.  bootstrap.sh (or apt, for deb)
# installs everything else; apt's download folder is kept in
# CACHE/apt-archives, so a package already downloaded is not fetched again
# (it is still installed by apt).
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
DEB_WAIT=60
DEB_FLAGS=(--host localhost --listen 127.0.0.1 --port 1965 --gopher-port 7070)
CHROOT_ENV=(HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM=xterm)

say() { printf 'fresh: %s\n' "$*"; }
die() {
	printf 'fresh: FAILED: %s\n' "$*" >&2
	exit 1
}
now() { date +%s; }

# --- on the host ---------------------------------------------------------

need_host_tools() { # need_host_tools ORDER...
	[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap, overlay and chroot need it)"
	local tool
	for tool in git python3 unshare chroot flock; do
		command -v "$tool" >/dev/null || die "$tool is needed on the host"
	done
	[[ " $* " != *deb* ]] || need_package_tools
	command -v debootstrap >/dev/null && return 0
	say "installing debootstrap on the host"
	apt-get update -q >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >/dev/null
}

# deb makes the package here: a bookworm package, with its checks' tools.
need_package_tools() {
	local tool
	grep -qx 'VERSION_CODENAME=bookworm' /etc/os-release ||
		die "deb builds the package on this host, which must be Debian bookworm"
	for tool in cc cmake cpack pkg-config dpkg-shlibdeps file lintian mandoc systemd-analyze logrotate; do
		command -v "$tool" >/dev/null ||
			die "deb builds and checks the package on this host: $tool is missing (sh tools/bootstrap.sh test installs it)"
	done
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
		[[ $order =~ ^(serve|test|deb)(,(serve|test|deb))*$ ]] ||
			die "bad order '$order': serve, test and deb, comma-separated"
	done
	need_host_tools "$@"
	prepare_cache
	# --kill-child: should unshare be killed, the namespace goes with it.
	unshare --mount --pid --fork --kill-child --mount-proc --propagation private \
		"$BASH" "$HERE/run.sh" --inside "$RUN" "$@" || status=$?
	print_timings
	[ "$status" -eq 0 ] || die "$* on a fresh bookworm: see above"
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

# COMMAND in ROOT in the background, as root; once ports 1965 and 7070
# answer, the pages it serves are probed.  SERVER_PID is then its PID.
serve_and_probe() { # serve_and_probe ROOT LABEL NAME WAIT CERTS CAPSULE COMMAND...
	local root=$1 label=$2 name=$3 wait=$4 certs=$5 capsule=$6 start
	shift 6
	python3 "$HERE/probe.py" free
	start=$(now)
	# Started directly (not through in_root), so that $! is the chroot,
	# which execs in turn what ends as the server: its PID.
	chroot "$root" /usr/bin/env -i "${CHROOT_ENV[@]}" "$@" > >(sed -u "s/^/$label $name| /") 2>&1 &
	SERVER_PID=$!
	python3 "$HERE/probe.py" wait "$SERVER_PID" "$wait" || die "$label: $name did not come up"
	timing "$label" "$name:answers" "$start"
	python3 "$HERE/probe.py" check "$root$certs" "$root$capsule" || die "$label: $name answers wrongly"
}

step_serve() { # step_serve ROOT LABEL
	local root=$1 label=$2
	say "$label: sh tools/bootstrap.sh serve (in the background)"
	serve_and_probe "$root" "$label" serve "$SERVE_WAIT" /root/capsuled/certs /root/capsuled/capsule \
		/bin/sh -c "cd /root/capsuled && exec sh tools/bootstrap.sh serve"
	stop_server "$SERVER_PID" "$label"
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

# --- deb: the package of the commit under test --------------------------------

# Once per run, on the host (the root must not get the build packages: the
# package's Depends alone must be enough there): a clean clone, built and
# packed as "Deploying on a VPS" says, then checked whole.
build_deb() {
	local src="$RUN/deb-src" log="$RUN/deb-build.log" start status=0
	start=$(now)
	say "host: the package of $COMMIT: cmake (Release), cpack -G DEB, in a clean clone"
	clone "$src"
	{ cmake -S "$src" -B "$src/build" -DCMAKE_BUILD_TYPE=Release -DCAPSULED_TESTS=OFF &&
		cmake --build "$src/build" -j "$(nproc)" && (cd "$src/build" && cpack -G DEB); } >"$log" 2>&1 ||
		{ tail -n 40 "$log" >&2; die "host: the package did not build (above)"; }
	DEB=$(sed -n 's/^CPack: - package: \(.*\.deb\) generated\.$/\1/p' "$log")
	[ -f "$DEB" ] || die "host: cpack named no package (log: $log)"
	timing host deb:build "$start"
	say "host: ${DEB##*/}, $(stat -c %s "$DEB") bytes; Depends: $(dpkg-deb --field "$DEB" Depends)"
	start=$(now)
	sh "$src/tests/dist/check_dist.sh" "$DEB" 2>&1 | sed -u "s/^/host check_dist| /" || status=$?
	timing host deb:check_dist "$start"
	[ "$status" -eq 0 ] || die "host: tests/dist/check_dist.sh finds fault with the package"
}

step_deb() { # step_deb ROOT LABEL
	[ -n "$DEB" ] || build_deb
	deb_install "$1" "$2"
	deb_serve "$1" "$2"
	deb_remove "$1" "$2"
}

# As on a VPS (`apt install ./capsuled_*.deb`), apt fetching the Depends from
# the archive; without recommends, so that Depends alone must be enough.
deb_install() { # deb_install ROOT LABEL
	local root=$1 label=$2 name=${DEB##*/} start status=0 wants
	start=$(now)
	install -m 0644 "$DEB" "$root/tmp/$name"
	say "$label: apt-get install ./$name"
	in_root "$root" "apt-get update -q && cd /tmp && DEBIAN_FRONTEND=noninteractive \\
		apt-get install -y -q --no-install-recommends ./$name" 2>&1 | sed -u "s/^/$label apt| /" ||
		status=$?
	timing "$label" "deb:install" "$start"
	[ "$status" -eq 0 ] || die "$label: apt-get install ./$name failed"
	[ "$(in_root "$root" "dpkg-query -W -f='\${Status}' capsuled")" = "install ok installed" ] ||
		die "$label: capsuled is not 'install ok installed' (did postinst fail?)"
	[ -z "$(capsuled_pids)" ] || die "$label: installing the package started capsuled"
	wants="$root/etc/systemd/system/multi-user.target.wants"
	[ "$(readlink "$wants/capsuled.service")" = /lib/systemd/system/capsuled.service ] ||
		die "$label: postinst did not enable capsuled.service (no link in ${wants#"$root"})"
	[ -z "$(find "$root/etc/systemd/system" -name 'capsuled-*.socket')" ] ||
		die "$label: postinst enabled the sockets, which only the administrator should"
	say "$label: installed; capsuled.service enabled (${wants#"$root"}), nothing started;" \
		"user $(in_root "$root" "getent passwd capsuled")"
	in_root "$root" "stat -c '%U:%G %a %n' /var/lib/capsuled /var/log/capsuled" | sed "s/^/fresh:   /"
}

# The installed binary and configuration, started as root as an
# administrator would by hand (no systemd in a chroot), on test ports.
deb_serve() { # deb_serve ROOT LABEL
	local root=$1 label=$2 status=0
	in_root "$root" "mkdir -p /srv/gemini && cp -R capsule/. /srv/gemini/"
	say "$label: /usr/sbin/capsuled --check-config -c /etc/capsuled/capsuled.ini"
	in_root "$root" "/usr/sbin/capsuled --check-config -c /etc/capsuled/capsuled.ini" >"$RUN/check-config" 2>&1 ||
		status=$?
	sed "s/^/$label check-config| /" "$RUN/check-config"
	[ "$status" -eq 0 ] || die "$label: the installed configuration does not check"
	say "$label: /usr/sbin/capsuled -c /etc/capsuled/capsuled.ini ${DEB_FLAGS[*]} (as root, in the background)"
	serve_and_probe "$root" "$label" deb "$DEB_WAIT" /var/lib/capsuled/certs /srv/gemini \
		/usr/sbin/capsuled -c /etc/capsuled/capsuled.ini "${DEB_FLAGS[@]}"
	check_dropped "$root" "$label"
	check_state_owned "$root" "$label"
	stop_server "$SERVER_PID" "$label"
}

capsuled_pids() { # the processes named capsuled in this PID namespace
	local comm
	for comm in /proc/[0-9]*/comm; do
		[ "$(cat "$comm" 2>/dev/null)" != capsuled ] || basename "$(dirname "$comm")"
	done
}

# Every process (main, key, server) as capsuled, with no other group.
check_dropped() { # check_dropped ROOT LABEL
	local root=$1 label=$2 uid gid pid want got n=0
	uid=$(in_root "$root" "id -u capsuled")
	gid=$(in_root "$root" "id -g capsuled")
	want="Uid: $uid $uid $uid $uid; Gid: $gid $gid $gid $gid; Groups:"
	for pid in $(capsuled_pids); do
		got=$(awk '/^(Uid|Gid|Groups):/ { $1 = $1; print }' "/proc/$pid/status" | paste -sd ';' | sed 's/;/; /g')
		[ "$got" = "$want" ] || die "$label: capsuled pid $pid has $got; capsuled is $uid:$gid"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || die "$label: no capsuled process"
	say "$label: $n capsuled processes, each with capsuled's uid and gid ($uid:$gid), no other group"
}

# Made as root before the drop, or by capsuled after it: all capsuled's.
check_state_owned() { # check_state_owned ROOT LABEL
	local root=$1 label=$2 list="$RUN/state"
	in_root "$root" "find /var/lib/capsuled /var/log/capsuled -printf '%u:%g %m %p\n'" >"$list"
	say "$label: under /var/lib/capsuled and /var/log/capsuled:"
	sed "s/^/fresh:   /" "$list"
	[ -z "$(awk '$1 != "capsuled:capsuled"' "$list")" ] || die "$label: files there not owned by capsuled"
	grep -qx 'capsuled:capsuled 600 /var/lib/capsuled/certs/localhost.key' "$list" ||
		die "$label: no /var/lib/capsuled/certs/localhost.key of mode 0600"
}

# remove keeps the configuration and the state; purge leaves nothing but
# the capsuled user (Debian's system users stay) and /srv/gemini (the
# administrator's).
deb_remove() { # deb_remove ROOT LABEL
	local root=$1 label=$2 left
	in_root "$root" "dpkg --remove capsuled" 2>&1 | sed -u "s/^/$label dpkg| /" ||
		die "$label: dpkg --remove capsuled failed"
	[ ! -e "$root/usr/sbin/capsuled" ] || die "$label: dpkg --remove left /usr/sbin/capsuled"
	{ [ -f "$root/etc/capsuled/capsuled.ini" ] && [ -f "$root/var/lib/capsuled/certs/localhost.key" ]; } ||
		die "$label: dpkg --remove took the configuration or the state"
	say "$label: removed: the binary gone, the configuration and the state kept"
	in_root "$root" "dpkg --purge capsuled" 2>&1 | sed -u "s/^/$label dpkg| /" ||
		die "$label: dpkg --purge capsuled failed"
	! in_root "$root" "dpkg -s capsuled" >/dev/null 2>&1 || die "$label: dpkg still knows capsuled after --purge"
	left=$(cd "$root" && find etc usr var -xdev -name '*capsuled*')
	[ -z "$left" ] || die "$label: dpkg --purge left: ${left//$'\n'/ }"
	in_root "$root" "getent passwd capsuled" >/dev/null || die "$label: the purge took the capsuled user"
	say "$label: purged: nothing named capsuled left in /etc, /usr, /var (the user stays)"
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
	DEB=""
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
