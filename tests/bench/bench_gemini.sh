#!/bin/sh
# Gemini benchmark: capsuled against molly-brown and against the floor of
# any OpenSSL server (bench_tls_floor), on the same content, the same pinned
# CPU, 127.0.0.1 only.  See tests/bench/README.md.
#
# The servers run side by side and take turns: every cell is run ROUNDS
# times, each server once per round, and the median round is reported, so
# that a shared machine's drift hits all columns alike.
#
# usage: tests/bench/bench_gemini.sh [BUILD_DIR]
# environment: DURATION (s per cell, 4), ROUNDS (3), CONNS ("1 16 64"),
#              IDLE (1000), HOLD (s, 3), SERVER_CPU (1), CLIENT_CPU (0),
#              SERVERS ("molly-brown openssl-floor capsuled"; with BASELINE
#              set, "capsuled-base" too), BASELINE (another capsuled binary,
#              e.g. main's, to compare a change with in the same run)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:-$repo/build-bench}
loadgen=$build/tests/bench/loadgen
floor=$build/tests/bench/bench_tls_floor
capsuled=$build/capsuled
duration=${DURATION:-4}
rounds=${ROUNDS:-3}
conns=${CONNS:-1 16 64}
idle=${IDLE:-1000}
hold=${HOLD:-3}
server_cpu=${SERVER_CPU:-1}
client_cpu=${CLIENT_CPU:-0}
baseline=${BASELINE:-}
if [ -n "$baseline" ]; then
	servers=${SERVERS:-molly-brown openssl-floor capsuled-base capsuled}
else
	servers=${SERVERS:-molly-brown openssl-floor capsuled}
fi

for tool in "$loadgen" "$floor" "$capsuled"; do
	[ -x "$tool" ] || { echo "build first: cmake --build $build --target loadgen bench_tls_floor capsuled" >&2; exit 1; }
done

. "$here/bench_lib.sh"
bench_tmpdir gemini

bench_root bench.gmi "# Benchmark page" "* line %d of a small static gemtext page"

port_of() {
	case $1 in
	molly-brown)	echo 19651 ;;
	capsuled)	echo 19652 ;;
	capsuled-base)	echo 19653 ;;
	openssl-floor)	echo 19654 ;;
	*)		echo "unknown server $1" >&2; return 1 ;;
	esac
}

# start SERVER: runs it pinned, records its pid in $tmp/SERVER.pid
start() {
	port=$(port_of "$1")
	case $1 in
	molly-brown)
		[ -f "$tmp/molly.crt" ] || openssl req -x509 -newkey ec \
		    -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/molly.key" \
		    -out "$tmp/molly.crt" -days 30 -subj /CN=localhost \
		    -addext subjectAltName=DNS:localhost 2>/dev/null
		cat >"$tmp/molly.conf" <<-EOF
		Port = $port
		Hostname = "localhost"
		CertPath = "$tmp/molly.crt"
		KeyPath = "$tmp/molly.key"
		DocBase = "$tmp/root/"
		AccessLog = "$tmp/molly.access"
		ErrorLog = "$tmp/molly.err"
		EOF
		taskset -c "$server_cpu" molly-brown -c "$tmp/molly.conf" \
		    >"$tmp/molly.out" 2>&1 &
		;;
	capsuled|capsuled-base)
		binary=$capsuled
		[ "$1" = capsuled-base ] && binary=$baseline
		mkdir -p "$tmp/$1-certs" "$tmp/$1-state"
		taskset -c "$server_cpu" "$binary" --root "$tmp/root" \
		    --listen 127.0.0.1 --port "$port" --gopher-port 0 \
		    --host localhost --cert-dir "$tmp/$1-certs" \
		    --state-dir "$tmp/$1-state" --workers 1 --user "" \
		    --log "$tmp/$1.log" >"$tmp/$1.out" 2>&1 &
		;;
	openssl-floor)
		mkdir -p "$tmp/floor-certs"
		taskset -c "$server_cpu" "$floor" "$tmp/root/bench.gmi" \
		    --root "$tmp/root" --port "$port" --host localhost \
		    --cert-dir "$tmp/floor-certs" >"$tmp/floor.out" 2>&1 &
		;;
	esac
	echo $! >"$tmp/$1.pid"
	pids="$pids $!"
	wait_port "$port"
}

stop() {
	pid=$(cat "$tmp/$1.pid")
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

url_of() {
	echo "gemini://localhost:$(port_of "$1")/bench.gmi"
}

# cell SERVER MODE CONNS: one timed run, its figures appended to $tmp/results
cell() {
	flags=""
	[ "$2" = resumed ] && flags=--resume
	pid=$(cat "$tmp/$1.pid")
	before=$(tree_ticks "$pid")
	out=$(taskset -c "$client_cpu" "$loadgen" --proto gemini --port "$(port_of "$1")" \
	    --url "$(url_of "$1")" -c "$3" -d "$duration" $flags)
	sleep 0.3
	after=$(tree_ticks "$pid")
	requests=$(field "$out" requests)
	cpu_us=$(awk -v t=$((after - before)) -v n="$requests" -v hz="$hz" \
	    'BEGIN { if (n > 0) printf "%.0f", t * 1e6 / hz / n; else print "-" }')
	echo "  $1 $2 c=$3: $out server_cpu_us_per_req=$cpu_us" >&2
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

# memory SERVER: a fresh server's resident memory idle, holding IDLE
# handshaken connections, and after they closed.  The floor serves one
# connection at a time, so only its idle figure means anything.
memory() {
	start "$1"
	if [ "$1" = openssl-floor ]; then
		sleep 1
		echo "$1 mem.rss_idle_kib $(awk '/^VmRSS:/ { print $2 }' /proc/"$(cat "$tmp/$1.pid")"/status)" \
		    >>"$tmp/results"
		echo "$1 mem.pss_idle_kib $(awk '/^Pss:/ { print $2 }' /proc/"$(cat "$tmp/$1.pid")"/smaps_rollup)" \
		    >>"$tmp/results"
	else
		mem=$(python3 "$here/memory_idle.py" --pid "$(cat "$tmp/$1.pid")" \
		    --loadgen "$loadgen" --port "$(port_of "$1")" --url "$(url_of "$1")" \
		    --idle "$idle" --hold "$hold" --cpu "$client_cpu")
		echo "  $1 memory: $mem" >&2
		for key in rss_idle_kib rss_held_kib rss_after_kib idle_ready idle_dropped per_conn_kib \
		    pss_idle_kib pss_held_kib pss_after_kib; do
			echo "$1 mem.$key $(field "$mem" "$key")" >>"$tmp/results"
		done
	fi
	stop "$1"
}

: >"$tmp/results"
ready=""
for server in $servers; do
	start "$server"
	warm=$("$loadgen" --proto gemini --port "$(port_of "$server")" --url "$(url_of "$server")" -n 1)
	check_warm "$server" "$warm" && ready="$ready $server"
done
for mode in new resumed; do
	for c in $conns; do
		round=1
		while [ "$round" -le "$rounds" ]; do
			for server in $ready; do
				cell "$server" "$mode" "$c"
			done
			round=$((round + 1))
		done
	done
done
for server in $ready; do
	stop "$server"
done
for server in $ready; do
	memory "$server"
done

echo
echo "Gemini, /bench.gmi (2 KiB), ${duration}s per cell, median of $rounds rounds," \
    "server on CPU $server_cpu, client on CPU $client_cpu"
awk -v servers="$ready" '
function median(key,    n, i, j, t, v) {
	n = count[key]
	for (i = 1; i <= n; i++)
		v[i] = sample[key, i]
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	return v[int((n + 1) / 2)]
}
{
	if (!($2 in seen)) { seen[$2] = 1; order[++rows] = $2 }
	key = $1 SUBSEP $2
	sample[key, ++count[key]] = $3
}
END {
	k = split(servers, s, " ")
	mine = 0
	for (i = 1; i <= k; i++)
		if (s[i] == "capsuled")
			mine = i
	printf "%-28s", "metric"
	for (i = 1; i <= k; i++)
		printf " %13s", s[i]
	for (i = 1; i <= k; i++)
		if (mine && i != mine)
			printf " %13s", "cap/" substr(s[i], 1, 5)
	printf "\n"
	for (j = 1; j <= rows; j++) {
		printf "%-28s", order[j]
		for (i = 1; i <= k; i++) {
			key = s[i] SUBSEP order[j]
			value[i] = (key in count) ? median(key) : "-"
			printf " %13s", value[i]
		}
		for (i = 1; i <= k; i++) {
			if (!mine || i == mine)
				continue
			if (value[i] + 0 > 0 && value[mine] != "-")
				printf " %13.2f", value[mine] / value[i]
			else
				printf " %13s", "-"
		}
		printf "\n"
	}
}' "$tmp/results"
