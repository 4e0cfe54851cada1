#!/bin/sh
# capsuled's front door on Debian bookworm (run as root, or with sudo):
#   sh tools/bootstrap.sh serve [FLAGS...]  install what is missing, build, serve ./capsule
#   sh tools/bootstrap.sh test              install what is missing, build, run every test
# Installs only Debian packages that are not there yet, and names every one
# it needs: a minimal bookworm (debootstrap --variant=minbase) is enough to
# start from, and tests/fresh/run.sh proves it.
# Each command has its own build folders and passes every option each time,
# so that serve and test, in any order and repeated, never undo each other:
#   build-serve/  Release, no tests (serve)
#   build/        Release, -Werror, tests     build-asan/  clang, ASan+UBSan, tests
#   build-fuzz/   clang, libFuzzer targets
set -eu
cd "$(dirname "$0")/.."

BUILD_PACKAGES="build-essential cmake pkg-config libssl-dev libevent-dev libgumbo-dev
libmd4c-dev libsqlite3-dev libzstd-dev libmagic-dev libinih-dev libidn2-dev libyaml-dev libjansson-dev
libseccomp-dev openssl ca-certificates"
# clang only recommends its sanitizer and libFuzzer runtimes
# (libclang-rt-14-dev); llvm-14 holds the llvm-symbolizer that turns
# sanitizer reports into file:line.  Both are named here.
TEST_PACKAGES="clang libclang-rt-14-dev llvm-14 libcmocka-dev python3 haproxy libxml2-utils curl lynx
sacc gopher tmux amfora dpkg-dev file lintian mandoc logrotate systemd procps strace"
JOBS=$(nproc 2>/dev/null || echo 2)

install_missing() {
	missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "bootstrap: installing$missing"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -q
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
}

build() { # build DIR [--target T] -- CMAKE-ARGS...
	dir=$1
	shift
	target=""
	if [ "${1:-}" = "--target" ]; then
		target="--target $2"
		shift 2
	fi
	cmake -S . -B "$dir" "$@" >/dev/null
	cmake --build "$dir" -j "$JOBS" $target
}

# Each fuzzer runs briefly with a fixed seed: CI then replays a prefix of
# the longer runs made before landing, and a red run is a real regression.
# Explore further with other seeds by hand (see README).
run_fuzzers() {
	seconds=${FUZZ_SECONDS:-15}
	passed=0
	for target in build-fuzz/fuzz/fuzz_*; do
		[ -x "$target" ] || continue
		name=$(basename "$target")
		corpus=$(find tests/fuzz -type d -name "corpus_${name#fuzz_*_}" | head -n 1)
		work=$(mktemp -d)
		[ -n "$corpus" ] && cp -r "$corpus"/. "$work"/
		echo "fuzz: $name for ${seconds}s"
		"$target" -seed=1 -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
			-print_final_stats=1 "$work" 2>"$work.log" || {
			tail -n 60 "$work.log"
			echo "fuzz: $name FAILED"
			return 1
		}
		grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work.log" | sed "s/^/  $name /"
		rm -rf "$work" "$work.log"
		passed=$((passed + 1))
	done
	echo "fuzzers: $passed passed, 0 failed"
}

# A folder with no tests would let ctest pass while running nothing.
run_tests() {
	ctest --test-dir "$1" --output-on-failure --no-tests=error -j 2
}

case "${1:-}" in
serve)
	shift
	install_missing $BUILD_PACKAGES
	build build-serve --target capsuled -DCMAKE_BUILD_TYPE=Release -DCAPSULED_WERROR=OFF \
		-DCAPSULED_SANITIZE=OFF -DCAPSULED_FUZZ=OFF -DCAPSULED_TESTS=OFF
	# As root in someone's checkout, serve as that someone: certs/ and var/
	# are then theirs (to reuse unprivileged, to delete), not nobody's.
	owner=$(stat -c %U .)
	if [ "$(id -u)" -eq 0 ] && [ "$owner" != root ] && id -u "$owner" >/dev/null 2>&1; then
		set -- --user "$owner" "$@"
	fi
	exec ./build-serve/capsuled "$@"
	;;
test)
	install_missing $BUILD_PACKAGES $TEST_PACKAGES
	echo "== Release build (-Werror), every test"
	build build -DCMAKE_BUILD_TYPE=Release -DCAPSULED_WERROR=ON -DCAPSULED_SANITIZE=OFF \
		-DCAPSULED_FUZZ=OFF -DCAPSULED_TESTS=ON
	run_tests build
	echo "== ASan+UBSan build (clang, -Werror), every test"
	build build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DCAPSULED_WERROR=ON \
		-DCAPSULED_SANITIZE=ON -DCAPSULED_FUZZ=OFF -DCAPSULED_TESTS=ON
	run_tests build-asan
	echo "== libFuzzer targets, ${FUZZ_SECONDS:-15}s each"
	build build-fuzz --target fuzzers -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
		-DCAPSULED_WERROR=OFF -DCAPSULED_SANITIZE=OFF -DCAPSULED_FUZZ=ON -DCAPSULED_TESTS=ON
	run_fuzzers
	;;
*)
	echo "usage: sh tools/bootstrap.sh serve [FLAGS...] | test" >&2
	exit 2
	;;
esac
