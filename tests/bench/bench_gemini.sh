#!/bin/sh
# Gemini benchmark: capsuled against molly-brown on the same content, the
# same pinned CPU, 127.0.0.1 only.  See tests/bench/README.md.
#
# usage: tests/bench/bench_gemini.sh [BUILD_DIR]
# environment: DURATION (s per cell, 5), CONNS ("1 16 64"), IDLE (1000),
#              HOLD (s, 3), SERVER_CPU (1), CLIENT_CPU (0),
#              SERVERS ("molly-brown capsuled")
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:-$repo/build-bench}
loadgen=$build/tests/bench/loadgen
capsuled=$build/capsuled
duration=${DURATION:-5}
conns=${CONNS:-1 16 64}
idle=${IDLE:-1000}
hold=${HOLD:-3}
server_cpu=${SERVER_CPU:-1}
client_cpu=${CLIENT_CPU:-0}
servers=${SERVERS:-molly-brown capsuled}
molly_port=19651
capsuled_port=19652

[ -x "$loadgen" ] || { echo "build loadgen first: cmake --build $build --target loadgen" >&2; exit 1; }

. "$here/bench_lib.sh"
bench_tmpdir gemini

# Same documents for both servers: the repository capsule plus a 2 KiB page.
mkdir -p "$tmp/root"
cp -R "$repo/capsule/." "$tmp/root/"
awk 'BEGIN { s = "# Benchmark page\n\n"
	for (i = 0; length(s) < 2048; i++)
		s = s "* line " i " of a small static gemtext page\n"
	printf "%s", substr(s, 1, 2048) }' >"$tmp/root/bench.gmi"

start_molly() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$tmp/molly.key" -out "$tmp/molly.crt" -days 30 \
	    -subj /CN=localhost -addext subjectAltName=DNS:localhost 2>/dev/null
	cat >"$tmp/molly.conf" <<-EOF
	Port = $molly_port
	Hostname = "localhost"
	CertPath = "$tmp/molly.crt"
	KeyPath = "$tmp/molly.key"
	DocBase = "$tmp/root/"
	AccessLog = "$tmp/molly.access"
	ErrorLog = "$tmp/molly.err"
	EOF
	taskset -c "$server_cpu" molly-brown -c "$tmp/molly.conf" \
	    >"$tmp/molly.out" 2>&1 &
	server_pid=$!
	port=$molly_port
	url=gemini://localhost:$port/bench.gmi
}

start_capsuled() {
	[ -x "$capsuled" ] || { echo "no $capsuled: cmake --build $build --target capsuled" >&2; return 1; }
	mkdir -p "$tmp/cap-certs" "$tmp/cap-state"
	taskset -c "$server_cpu" "$capsuled" --root "$tmp/root" \
	    --listen 127.0.0.1 --port "$capsuled_port" --gopher-port 0 \
	    --host localhost --cert-dir "$tmp/cap-certs" \
	    --state-dir "$tmp/cap-state" --workers 1 --user "" \
	    --log "$tmp/capsuled.log" >"$tmp/capsuled.out" 2>&1 &
	server_pid=$!
	port=$capsuled_port
	url=gemini://localhost:$port/bench.gmi
}

# cell SERVER MODE CONNS: one timed run, results kept in $tmp/results
cell() {
	flags=""
	[ "$2" = resumed ] && flags=--resume
	before=$(tree_ticks "$server_pid")
	out=$(taskset -c "$client_cpu" "$loadgen" --proto gemini --port "$port" \
	    --url "$url" -c "$3" -d "$duration" $flags)
	sleep 0.3
	after=$(tree_ticks "$server_pid")
	requests=$(field "$out" requests)
	cpu_us=$(awk -v t=$((after - before)) -v n="$requests" -v hz="$hz" \
	    'BEGIN { if (n > 0) printf "%.0f", t * 1e6 / hz / n; else print "-" }')
	echo "  $2 c=$3: $out server_cpu_us_per_req=$cpu_us" >&2
	{
		echo "$1 $2.c$3.rps $(field "$out" rps)"
		echo "$1 $2.c$3.p50_ms $(field "$out" p50_ms)"
		echo "$1 $2.c$3.p99_ms $(field "$out" p99_ms)"
		echo "$1 $2.c$3.cpu_us_per_req $cpu_us"
		echo "$1 $2.c$3.client_cpu $(field "$out" client_cpu)"
		echo "$1 $2.c$3.bad_status $(field "$out" bad_status)"
		echo "$1 $2.c$3.errors+truncated $(($(field "$out" errors) + $(field "$out" truncated)))"
		echo "$1 $2.c$3.resumed_pct $(awk -v r="$(field "$out" resumed)" -v n="$requests" \
		    'BEGIN { if (n > 0) printf "%.0f", 100 * r / n; else print "-" }')"
	} >>"$tmp/results"
}

bench_server() {
	echo "== $1" >&2
	case $1 in
	molly-brown)	start_molly ;;
	capsuled)	start_capsuled || return 0 ;;
	*)		echo "unknown server $1" >&2; return 1 ;;
	esac
	pids="$pids $server_pid"
	wait_port "$port"
	warm=$("$loadgen" --proto gemini --port "$port" --url "$url" -n 1)
	check_warm "$1" "$warm" || return 0
	for mode in new resumed; do
		for c in $conns; do
			cell "$1" "$mode" "$c"
		done
	done
	mem=$(python3 "$here/memory_idle.py" --pid "$server_pid" \
	    --loadgen "$loadgen" --port "$port" --url "$url" --idle "$idle" \
	    --hold "$hold" --cpu "$client_cpu")
	echo "  memory: $mem" >&2
	for key in rss_idle_kib rss_held_kib rss_after_kib idle_ready idle_dropped per_conn_kib; do
		echo "$1 mem.$key $(field "$mem" "$key")" >>"$tmp/results"
	done
	kill "$server_pid"
	wait "$server_pid" 2>/dev/null || true
}

: >"$tmp/results"
for server in $servers; do
	bench_server "$server"
done

echo
echo "Gemini, /bench.gmi (2 KiB), ${duration}s per cell, server on CPU $server_cpu, client on CPU $client_cpu"
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
