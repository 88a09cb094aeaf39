#!/usr/bin/env bash
# bench/profile.sh: where the standalone gateway spends its time, per workload.
#
# Starts `echofs up --standalone` (default settings) over a scratch directory, records it with
# JFR (settings=profile: CPU samples every 10-20 ms, file I/O, fsync, lock and park events) while
# `echofs bench` runs the chosen workloads against it, then summarises the recording separately
# for the measured part of each run (bench/JfrTop.java: CPU by thread, self and inclusive time per
# method, hottest stacks, waits).
#
# Usage: bench/profile.sh [--workloads LIST] [--out DIR] [--scratch-parent DIR] [--no-build]
#                         [-- ECHOFS_BENCH_ARGS...]
#   --workloads LIST   as echofs bench -w (default: standard)
#   --out DIR          default bench/results/profile-UTC-STAMP; holds echofs.jfr, profile.json,
#                      profile.txt (the bench report) and profile-WORKLOAD.txt per run
# Exit status: that of `echofs bench`, or 1 when something could not be set up.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
workloads=standard
out=
scratch_parent=${TMPDIR:-/var/tmp}
build=1
bench_args=()
while [ $# -gt 0 ]; do
    case $1 in
        --workloads|-w) workloads=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --scratch-parent) scratch_parent=$2; shift 2 ;;
        --no-build) build=; shift ;;
        --) shift; bench_args=("$@"); break ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "profile.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
die() { echo "profile.sh: $*" >&2; exit 1; }
note() { echo "[$(date +%H:%M:%S)] $*" >&2; }

command -v jcmd >/dev/null 2>&1 || die "jcmd is missing (apt-get install openjdk-17-jdk-headless)"
command -v python3 >/dev/null 2>&1 || die "python3 is missing"
"$root/bin/echofs" --version >/dev/null   # installs the JDK and Maven and builds the jar when missing
jar=$root/cli/target/echofs.jar
if [ -n "$build" ]; then
    note "building $jar"
    (cd "$root" && mvn -B -q -DskipTests package) >&2 || die "the build failed"
fi

out=${out:-$root/bench/results/profile-$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
mkdir -p "$scratch_parent"
scratch=$(mktemp -d "$scratch_parent/echofs-profile.XXXXXX")
cp "$jar" "$scratch/echofs.jar"
echofs=(java -jar "$scratch/echofs.jar")
cleanup() {
    set +e
    "${echofs[@]}" down --dir "$scratch/echofs" >/dev/null 2>&1
    rm -rf "$scratch"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# DebugNonSafepoints: without it JFR attributes samples in inlined code to the wrong frames
JAVA_TOOL_OPTIONS="${JAVA_TOOL_OPTIONS:-} -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints" \
    "${echofs[@]}" up --standalone --dir "$scratch/echofs" --nfs-port "$port" >"$out/echofs-up.txt" 2>&1 \
    || { cat "$out/echofs-up.txt" >&2; die "echofs did not start"; }
"${echofs[@]}" status --json --dir "$scratch/echofs" >"$out/echofs-status.json"
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["nodes"][0][sys.argv[2]])' "$out/echofs-status.json" "$1"; }
pid=$(field pid)
url=$(field url)

jcmd "$pid" JFR.start name=profile settings=profile filename="$out/echofs.jfr" >/dev/null || die "JFR.start failed"
note "profiling gateway pid $pid; load $(cut -d' ' -f1-3 /proc/loadavg)"
set +e
"${echofs[@]}" bench -w "$workloads" --save "$out/profile.json" "${bench_args[@]}" "echofs=$url" \
    >"$out/profile.txt" 2> >(grep -v '^  \[' >&2)
status=$?
set -e
jcmd "$pid" JFR.stop name=profile >/dev/null || die "JFR.stop failed"
note "load $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$out/profile.json" <<'EOF' | while read -r w from to; do
import json, sys
for r in json.load(open(sys.argv[1]))["runs"]:
    if r.get("fromMillis"):
        print(r["workload"], r["fromMillis"], r["toMillis"])
EOF
    java "$here/JfrTop.java" "$out/echofs.jfr" --from "$from" --to "$to" >"$out/profile-$w.txt" 2>&1 \
        || note "JfrTop failed for $w"
    note "$w: $(head -1 "$out/profile-$w.txt")"
done
cat "$out/profile.txt"
note "results in $out"
exit "$status"
