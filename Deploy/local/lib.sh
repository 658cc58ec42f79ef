# Shared helpers for the Deploy/local scripts (sourced, not run).

# Runs `swift build ARGS…`, shows the lines of its output that match the extended regex FILTER
# (with a leading `!`: the lines that do not match), as they come, and returns the build's own
# exit status. The pipeline has no `||` after it: both statuses are saved from PIPESTATUS on the
# next line, and the build's is returned, so neither grep's (1 when it printed nothing) nor any
# later command can mask a failed build.
swift_build() {  # swift_build FILTER ARGS…  (call it as `swift_build … || handle`)
  local filter=$1 invert= statuses
  shift
  [ "${filter#!}" != "$filter" ] && { invert=-v; filter=${filter#!}; }
  # Both statuses are saved on the very next line, before any '||' or other command can replace
  # PIPESTATUS: the build's decides; grep's (1 when it printed nothing) does not.
  swift build "$@" 2>&1 | grep -E $invert -- "$filter"
  statuses=("${PIPESTATUS[@]}")
  return "${statuses[0]}"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_for_port() {  # wait_for_port PORT [SECONDS]
  local port=$1 deadline=$((SECONDS + ${2:-10}))
  until python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $port)))" 2>/dev/null; do
    [ $SECONDS -ge $deadline ] && { echo "nothing listens on 127.0.0.1:$port" >&2; return 1; }
    sleep 0.05
  done
}

# Starts mosquitto with the site config from Deploy/mosquitto made plain (anonymous, no TLS:
# Deploy/local/site-broker-config --plain) on PORT, state under DIR. The benchmarks' broker, so
# their figures stay comparable from run to run; bench-security measures the secure one beside it.
start_broker() {  # start_broker PORT DIR
  local port=$1 dir=$2
  mkdir -p "$dir"
  Deploy/local/site-broker-config "$dir/mosquitto.conf" --state "$dir" --port "$port" --plain
  mosquitto -c "$dir/mosquitto.conf" >/dev/null 2>&1 &
  BROKER_PID=$!
  wait_for_port "$port"
}

metric() {  # metric HTTP_PORT NAME[{labels}]
  curl -s "http://127.0.0.1:$1/metrics" | awk -v key="$2" '$1 == key { print $2 }'
}
