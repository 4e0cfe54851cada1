#!/bin/sh
# Gopher benchmark: capsuled's Gopher port against gophernicus (run per
# connection by socat, as inetd would) on the same content, the same pinned
# CPU, 127.0.0.1 only.  See tests/bench/README.md.
#
# usage: tests/bench/bench_gopher.sh [BUILD_DIR]
# environment: DURATION (s per cell, 5), CONNS ("1 16 64"), SERVER_CPU (1),
#              CLIENT_CPU (0), SERVERS ("gophernicus capsuled"),
#              MENU ("/"), ARTICLE ("/bench.txt")
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:-$repo/build-bench}
loadgen=$build/tests/bench/loadgen
capsuled=$build/capsuled
duration=${DURATION:-5}
conns=${CONNS:-1 16 64}
server_cpu=${SERVER_CPU:-1}
client_cpu=${CLIENT_CPU:-0}
servers=${SERVERS:-gophernicus capsuled}
menu=${MENU:-/}
article=${ARTICLE:-/bench.txt}
gophernicus_port=17071
capsuled_port=17072
capsuled_gemini_port=19653	# capsuled cannot disable Gemini

[ -x "$loadgen" ] || { echo "build loadgen first: cmake --build $build --target loadgen" >&2; exit 1; }

. "$here/bench_lib.sh"
bench_tmpdir gopher

bench_root bench.txt "Benchmark article" "Line %d of a small plain-text article for the benchmark."

# socat forks one gophernicus per connection; the listen backlog is raised
# so that 64 connecting clients are not dropped into SYN retries.
start_gophernicus() {
	taskset -c "$server_cpu" socat \
	    "TCP-LISTEN:$gophernicus_port,bind=127.0.0.1,reuseaddr,fork,backlog=1024" \
	    EXEC:"/usr/sbin/gophernicus -h localhost -p $gophernicus_port -r $tmp/root -nf -nr -ns -i 2000000000 -k 2000000000 -l $tmp/gophernicus.log" \
	    >"$tmp/gophernicus.out" 2>&1 &
	server_pid=$!
	port=$gophernicus_port
}

start_capsuled() {
	[ -x "$capsuled" ] || { echo "no $capsuled: cmake --build $build --target capsuled" >&2; return 1; }
	mkdir -p "$tmp/cap-certs" "$tmp/cap-state"
	taskset -c "$server_cpu" "$capsuled" --root "$tmp/root" \
	    --listen 127.0.0.1 --port "$capsuled_gemini_port" \
	    --gopher-port "$capsuled_port" --host localhost \
	    --cert-dir "$tmp/cap-certs" --state-dir "$tmp/cap-state" \
	    --workers 1 --user "" --log "$tmp/capsuled.log" \
	    >"$tmp/capsuled.out" 2>&1 &
	server_pid=$!
	port=$capsuled_port
}

# cell SERVER NAME SELECTOR CONNS: one timed run, results in $tmp/results
cell() {
	before=$(tree_ticks "$server_pid")
	out=$(taskset -c "$client_cpu" "$loadgen" --proto gopher --port "$port" \
	    --selector "$3" -c "$4" -d "$duration")
	# socat reaps its children on SIGCHLD: let the last ones be counted.
	sleep 0.3
	after=$(tree_ticks "$server_pid")
	requests=$(field "$out" requests)
	cpu_us=$(awk -v t=$((after - before)) -v n="$requests" -v hz="$hz" \
	    'BEGIN { if (n > 0) printf "%.0f", t * 1e6 / hz / n; else print "-" }')
	echo "  $2 c=$4: $out server_cpu_us_per_req=$cpu_us" >&2
	{
		echo "$1 $2.c$4.rps $(field "$out" rps)"
		echo "$1 $2.c$4.p50_ms $(field "$out" p50_ms)"
		echo "$1 $2.c$4.p99_ms $(field "$out" p99_ms)"
		echo "$1 $2.c$4.cpu_us_per_req $cpu_us"
		echo "$1 $2.c$4.client_cpu $(field "$out" client_cpu)"
		echo "$1 $2.c$4.errors $(field "$out" errors)"
		echo "$1 $2.c$4.bytes_per_req $((requests > 0 ? $(field "$out" bytes) / requests : 0))"
	} >>"$tmp/results"
}

bench_server() {
	echo "== $1" >&2
	case $1 in
	gophernicus)	start_gophernicus ;;
	capsuled)	start_capsuled || return 0 ;;
	*)		echo "unknown server $1" >&2; return 1 ;;
	esac
	pids="$pids $server_pid"
	wait_port "$port"
	for selector in "$menu" "$article"; do
		warm=$("$loadgen" --proto gopher --port "$port" \
		    --selector "$selector" -n 1)
		check_warm "$1 $selector" "$warm" || return 0
	done
	for c in $conns; do
		cell "$1" menu "$menu" "$c"
	done
	for c in $conns; do
		cell "$1" article "$article" "$c"
	done
	kill "$server_pid"
	wait "$server_pid" 2>/dev/null || true
}

: >"$tmp/results"
for server in $servers; do
	bench_server "$server"
done

echo
echo "Gopher, menu $menu, article $article, ${duration}s per cell, server on CPU $server_cpu, client on CPU $client_cpu"
awk -v servers="$servers" '
{
	if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 }
	value[$1, $2] = $3
}
END {
	k = split(servers, s, " ")
	printf "%-28s", "metric"
	for (i = 1; i <= k; i++)
		printf " %14s", s[i]
	if (k == 2)
		printf " %14s", s[2] "/" substr(s[1], 1, 5)
	printf "\n"
	for (j = 1; j <= n; j++) {
		printf "%-28s", order[j]
		for (i = 1; i <= k; i++)
			printf " %14s", ((s[i], order[j]) in value) ? value[s[i], order[j]] : "-"
		if (k == 2) {
			a = value[s[1], order[j]]; b = value[s[2], order[j]]
			if (a + 0 > 0 && b != "" && b != "-")
				printf " %14.2f", b / a
			else
				printf " %14s", "-"
		}
		printf "\n"
	}
}' "$tmp/results"

# The project's aim: capsuled <= 1/20 of gophernicus CPU per request and
# <= 100 us per request.
awk '$2 ~ /cpu_us_per_req/ { v[$1, $2] = $3; keys[$2] = 1 }
END {
	for (k in keys)
		if (("capsuled", k) in v && ("gophernicus", k) in v) {
			c = v["capsuled", k]; g = v["gophernicus", k]
			printf "aim %-26s capsuled %s us, gophernicus/20 = %.0f us: %s\n", k, c, g / 20,
			    (c <= 100 && c <= g / 20) ? "met" : "NOT met"
		}
}' "$tmp/results" | sort
