# Shared by bench_gemini.sh and bench_gopher.sh (sourced, POSIX sh): the
# scratch folder and its clean-up, the served tree, CPU accounting,
# loadgen output fields.

hz=$(getconf CLK_TCK)

# bench_tmpdir NAME: a scratch folder in $tmp, removed (and every pid in
# $pids killed) on exit or Ctrl-C.
bench_tmpdir() {
	tmp=$(mktemp -d "/tmp/bench-$1.XXXXXX")
	pids=""
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
}

bench_cleanup() {
	for pid in $pids; do
		kill "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}

# Sum of utime+stime+cutime+cstime (ticks) over PID and its descendants:
# reaped children are in their parent's cutime/cstime, live ones counted
# directly, so a fork-per-connection server is measured whole.
tree_ticks() {
	# cat, not awk, opens the files: a process may exit meanwhile.
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v root="$1" '
	{
		pid = $1
		line = $0
		sub(/^.*\) /, "", line)
		split(line, f, " ")
		parent[pid] = f[2]
		ticks[pid] = f[12] + f[13] + f[14] + f[15]
	}
	END {
		for (pid in ticks) {
			p = pid
			while (p != "" && p != root && p > 1)
				p = parent[p]
			if (p == root)
				total += ticks[pid]
		}
		print total + 0
	}'
}

# bench_root FILE HEADING LINE: $tmp/root, a copy of the repository's
# capsule/ plus FILE, exactly 2 KiB: HEADING, then "LINE N" lines
# (%d in LINE stands for N), so every server gets the same documents.
bench_root() {
	mkdir -p "$tmp/root"
	cp -R "$repo/capsule/." "$tmp/root/"
	awk -v heading="$2" -v line="$3" 'BEGIN { s = heading "\n\n"
		for (i = 0; length(s) < 2048; i++)
			s = s sprintf(line, i) "\n"
		printf "%s", substr(s, 1, 2048) }' >"$tmp/root/$1"
}

wait_port() {
	i=0
	until ss -Hltn "sport = :$1" | grep -q LISTEN; do
		i=$((i + 1))
		[ "$i" -lt 100 ] || { echo "server on port $1 did not start" >&2; return 1; }
		sleep 0.1
	done
}

# key=value field of a loadgen line
field() {
	printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# A benchmark of error responses measures nothing: stop at the first one.
check_warm() {
	echo "  warm-up: $2" >&2
	[ "$(field "$2" requests)" = 1 ] && [ "$(field "$2" bad_status)" = 0 ] &&
	    return 0
	echo "$1: the first request failed; skipped" >&2
	return 1
}
