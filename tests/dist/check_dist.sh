#!/bin/sh
# Checks what a server installs: the Debian package and the files it carries.
#   tests/dist/check_dist.sh [BUILD_DIR | PACKAGE.deb]     (default: ./build)
# Given a build folder it first makes the package there (cpack -G DEB). Then:
# the package's files, modes, control fields, conffiles and maintainer
# scripts (dpkg-deb --contents, --info); lintian (no error, no warning); the
# systemd units (systemd-analyze verify, and security: exposure <= 2.0); the
# man pages (mandoc -T lint); the logrotate snippet (logrotate -d); the packaged
# binary reading the packaged configuration (--check-config).
# Needs dpkg-dev, lintian, mandoc, logrotate, systemd (tools/bootstrap.sh
# TEST_PACKAGES). Prints "check_dist: N passed, N failed"; exits 1 on a failure.
set -eu

source_dir=$(cd "$(dirname "$0")/../.." && pwd)
target=${1:-$source_dir/build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { # check DESCRIPTION COMMAND...: passes when the command succeeds
	description=$1
	shift
	if "$@" >"$work/out" 2>&1; then pass "$description"; else fail "$description"; sed 's/^/  /' "$work/out"; fi
}
silent() { # silent COMMAND...: succeeds when the command succeeds and prints nothing
	"$@" >"$work/said" 2>&1 && status=0 || status=$?
	cat "$work/said"
	[ "$status" -eq 0 ] && ! grep -q . "$work/said"
}

for tool in dpkg-deb lintian mandoc systemd-analyze logrotate; do
	command -v "$tool" >/dev/null || { echo "check_dist: $tool is missing (sh tools/bootstrap.sh test installs it)"; exit 1; }
done

if [ -d "$target" ]; then
	(cd "$target" && cpack -G DEB) >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; exit 1; }
	deb=$(sed -n 's/^CPack: - package: \(.*\.deb\) generated\.$/\1/p' "$work/cpack.log")
else
	deb=$target
fi
[ -f "$deb" ] || { echo "check_dist: no package at '$deb'"; exit 1; }
echo "check_dist: $deb"
root=$work/root
dpkg-deb -x "$deb" "$root"
dpkg-deb -e "$deb" "$work/control"
field() { dpkg-deb --field "$deb" "$1"; }

# ---- Files: exactly these, root's, with these modes ----
cat >"$work/expected" <<'EOF'
-rw-r--r-- ./etc/capsuled/capsuled.ini
-rw-r--r-- ./etc/logrotate.d/capsuled
-rw-r--r-- ./lib/systemd/system/capsuled-gemini.socket
-rw-r--r-- ./lib/systemd/system/capsuled-gopher.socket
-rw-r--r-- ./lib/systemd/system/capsuled.service
-rwxr-xr-x ./usr/sbin/capsuled
-rw-r--r-- ./usr/share/doc/capsuled/README.md
-rw-r--r-- ./usr/share/doc/capsuled/changelog.gz
-rw-r--r-- ./usr/share/doc/capsuled/copyright
-rw-r--r-- ./usr/share/doc/capsuled/examples/capsuled.ini
-rw-r--r-- ./usr/share/man/man5/capsuled.ini.5.gz
-rw-r--r-- ./usr/share/man/man8/capsuled.8.gz
EOF
dpkg-deb --contents "$deb" | awk '$1 !~ /^d/ { print $1, $6 }' | sort -k2 >"$work/files"
check "dpkg-deb --contents: the expected files and modes" diff "$work/expected" "$work/files"
check "dpkg-deb --contents: everything owned by root" \
	sh -c "! dpkg-deb --contents '$deb' | awk '{ print \$2 }' | grep -v '^root/root\$'"
check "the installed configuration is dist/capsuled.ini" cmp "$root/etc/capsuled/capsuled.ini" "$source_dir/dist/capsuled.ini"
check "the example configuration is dist/capsuled.ini" \
	cmp "$root/usr/share/doc/capsuled/examples/capsuled.ini" "$source_dir/dist/capsuled.ini"
check "the unit runs /usr/sbin/capsuled with /etc/capsuled/capsuled.ini" \
	grep -qx 'ExecStart=/usr/sbin/capsuled -c /etc/capsuled/capsuled.ini' "$root/lib/systemd/system/capsuled.service"

# ---- Control: fields, conffiles, maintainer scripts ----
check "Package is capsuled" test "$(field Package)" = capsuled
changelog_version=$(zcat "$root/usr/share/doc/capsuled/changelog.gz" | sed -n '1s/^capsuled (\([^)]*\)).*/\1/p')
check "Version $(field Version) is the changelog's" test "$(field Version)" = "$changelog_version"
for dependency in adduser procps 'libc6 ' 'libssl3 ' 'libsqlite3-0 ' 'libevent-core'; do
	check "Depends names ${dependency% }" \
		sh -c "dpkg-deb --field '$deb' Depends | tr ',' '\n' | grep -q '^ *$dependency'"
done
printf '/etc/capsuled/capsuled.ini\n/etc/logrotate.d/capsuled\n' >"$work/conffiles"
check "conffiles: the configuration and the logrotate snippet" diff "$work/conffiles" "$work/control/conffiles"
for script in postinst prerm postrm; do
	check "$script: executable shell, syntax OK" sh -c "test -x '$work/control/$script' && sh -n '$work/control/$script'"
	check "$script is dist/debian/$script" cmp "$work/control/$script" "$source_dir/dist/debian/$script"
done
dpkg-deb --info "$deb" | sed -n '/^ Architecture:/,$p'

# ---- lintian ----
lintian --fail-on error,warning --display-level '>=info' "$deb" >"$work/lintian" 2>&1 && status=0 || status=$?
grep -v '^running with root privileges' "$work/lintian" | sed 's/^/  lintian: /'
check "lintian: no error, no warning" test "$status" -eq 0

# ---- systemd: verify and security, on the units as packaged ----
# verify wants ExecStart's binary in place: point it at the extracted one.
mkdir "$work/units"
for unit in "$root"/lib/systemd/system/*; do
	sed "s|^ExecStart=/usr/sbin/capsuled|ExecStart=$root/usr/sbin/capsuled|" "$unit" >"$work/units/${unit##*/}"
done
check "systemd-analyze verify: nothing to say" silent systemd-analyze verify --man=no "$work"/units/*
for page in $(grep -ho 'man:[^ ]*' "$work"/units/* | sort -u); do
	name=${page#man:}
	section=${name#*(}
	section=${section%)}
	check "Documentation=$page is in the package" test -f "$root/usr/share/man/man$section/${name%%(*}.$section.gz"
done
systemd-analyze security --offline=true "$work/units/capsuled.service" >"$work/security" 2>&1 || true
score=$(sed -n 's/.*Overall exposure level for capsuled.service: \([0-9.]*\).*/\1/p' "$work/security")
grep '✗' "$work/security" | sed 's/^/  security: /'
check "systemd-analyze security: exposure ${score:-?} <= 2.0" \
	awk -v s="${score:-99}" 'BEGIN { exit !(s <= 2.0) }'

# ---- man pages, logrotate, the packaged binary ----
for page in "$root"/usr/share/man/man*/*.gz; do
	check "mandoc -T lint ${page##*/}: clean" silent mandoc -T lint -W warning "$page"
done
check "logrotate -d: the snippet parses" \
	sh -c "! logrotate -d -s '$work/logrotate.state' '$root/etc/logrotate.d/capsuled' 2>&1 | grep -i 'error'"
check "the packaged binary loads the packaged configuration" \
	"$root/usr/sbin/capsuled" --check-config -c "$root/etc/capsuled/capsuled.ini"

echo "check_dist: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
