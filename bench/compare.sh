#!/usr/bin/env bash
# bench/compare.sh: echofs against NFS-Ganesha on this machine, in the same run.
#
# Installs what is missing (JDK, Maven, nfs-ganesha + nfs-ganesha-vfs, rpcbind, libnfs-utils),
# builds the echofs jar, makes one scratch directory on one file system for both servers, starts
# NFS-Ganesha (FSAL VFS, NFSv3 over TCP on 127.0.0.1, through the team's peer scripts) and
# `echofs up --standalone` with default settings, then runs `echofs bench` against both:
# a warm-up round (every workload once, duration-bound ones for 3 s; reported as round 0, not
# counted), then every workload (the eleven NFS ones and nfs-cp up and down), alternating
# echofs, Ganesha, echofs, Ganesha ... over --rounds rounds (default 3), and prints one table: each workload's
# median for both and the ratio echofs/Ganesha, plus the peak RSS of both servers and the
# gateway's heap. Then (unless --no-heap-check) it restarts the gateway with -Xmx512m and runs
# the 1 GiB seq-write again, to show that the heap it needs stays within 512 MiB.
#
# Usage: bench/compare.sh [--rounds N] [--out DIR] [--scratch-parent DIR] [--keep-scratch]
#                         [--no-build] [--no-heap-check] [--no-warmup-round] [--jfr]
#                         [-- ECHOFS_BENCH_ARGS...]
#   --out DIR          where the table, JSON, logs go (default bench/results/UTC-STAMP)
#   --scratch-parent   where the scratch directory is made (default $TMPDIR or /var/tmp)
#   --jfr              record the gateway with JFR during the comparison (OUT/echofs.jfr)
#   ECHOFS_BENCH_ARGS  passed to `echofs bench` (e.g. --duration 5s --seq-size 256MiB)
# Needs root (package installation, Ganesha's loopback rpcbind). Exit status: that of
# `echofs bench` (0: every run succeeded), or 1 when something could not be set up.
# Env: PEERS_TOOLS (default ../shared/tools/peers beside the repository: ganesha-up.sh, ganesha-down.sh).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
PEERS_TOOLS=${PEERS_TOOLS:-$root/../shared/tools/peers}

rounds=3
out=
scratch_parent=${TMPDIR:-/var/tmp}
keep_scratch=
build=1
heap_check=1
warmup_round=(--warmup-round 3s)
jfr=
bench_args=()
while [ $# -gt 0 ]; do
    case $1 in
        --rounds) rounds=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --scratch-parent) scratch_parent=$2; shift 2 ;;
        --keep-scratch) keep_scratch=1; shift ;;
        --no-build) build=; shift ;;
        --no-heap-check) heap_check=; shift ;;
        --no-warmup-round) warmup_round=(); shift ;;
        --jfr) jfr=1; shift ;;
        --) shift; bench_args=("$@"); break ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "compare.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done

die() { echo "compare.sh: $*" >&2; exit 1; }
note() { echo "[$(date +%H:%M:%S)] $*" >&2; }

[ "$(id -u)" -eq 0 ] || die "run as root (installs packages; NFS-Ganesha needs a loopback rpcbind on port 111)"
[ -x "$PEERS_TOOLS/ganesha-up.sh" ] && [ -x "$PEERS_TOOLS/ganesha-down.sh" ] \
    || die "no ganesha-up.sh/ganesha-down.sh in $PEERS_TOOLS (set PEERS_TOOLS)"
# shellcheck source=/dev/null
source "$PEERS_TOOLS/common.sh"   # ensure_pkgs, port_busy, PEERS

# --- what the comparison needs ------------------------------------------------
need=()
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v jcmd >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
[ ${#need[@]} -gt 0 ] && ensure_pkgs $(printf '%s\n' "${need[@]}" | sort -u)
ensure_pkgs nfs-ganesha nfs-ganesha-vfs rpcbind libnfs-utils python3 iproute2 procps

jar=$root/cli/target/echofs.jar
if [ -n "$build" ] || [ ! -f "$jar" ]; then
    note "building $jar"
    (cd "$root" && mvn -B -q -DskipTests package) >&2 || die "the build failed"
fi

stamp=$(date -u +%Y%m%d-%H%M%S)
out=${out:-$root/bench/results/$stamp}
mkdir -p "$out"
out=$(cd "$out" && pwd)
mkdir -p "$scratch_parent"
scratch=$(mktemp -d "$scratch_parent/echofs-compare.XXXXXX")
# the gateway runs from a copy, so that rebuilding the checkout cannot pull the jar from under it
cp "$jar" "$scratch/echofs.jar"
echofs=(java -jar "$scratch/echofs.jar")

pick_port() {
    local p=$1
    while port_busy "$p" || port_busy $((p + 1)); do p=$((p + 2)); done
    echo "$p"
}
gport=$(pick_port 32049)
eport=$(pick_port $((gport + 2)))

cleanup() {
    set +e
    "${echofs[@]}" down --dir "$scratch/echofs" >/dev/null 2>&1
    "$PEERS_TOOLS/ganesha-down.sh" "$gport" >/dev/null 2>&1
    if [ -z "$keep_scratch" ]; then rm -rf "$scratch"; else note "scratch kept: $scratch"; fi
}
trap cleanup EXIT

status_field() { # status_field JSON_FILE FIELD
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["nodes"][0][sys.argv[2]])' "$1" "$2"
}

start_echofs() {
    "${echofs[@]}" up --standalone --dir "$scratch/echofs" --nfs-port "$eport" >"$out/echofs-up.txt" 2>&1 \
        || { cat "$out/echofs-up.txt" >&2; die "echofs did not start"; }
    "${echofs[@]}" status --json --dir "$scratch/echofs" >"$out/echofs-status.json"
    epid=$(status_field "$out/echofs-status.json" pid)
    eurl=$(status_field "$out/echofs-status.json" url)
    emetrics=$(status_field "$out/echofs-status.json" metrics)
}

# --- servers ------------------------------------------------------------------
note "scratch $scratch (one file system for both servers: $(df -P "$scratch" | awk 'NR==2 {print $1}'))"
note "starting NFS-Ganesha (FSAL VFS) on 127.0.0.1:$gport (MOUNT $((gport + 1)))"
gpid=$(FSAL=VFS "$PEERS_TOOLS/ganesha-up.sh" "$scratch/ganesha" "$gport" 2>"$out/ganesha-up.log") \
    || { cat "$out/ganesha-up.log" >&2; die "NFS-Ganesha did not start"; }
gurl=$(cat "$PEERS/ganesha-$gport/url")
note "starting echofs up --standalone (default settings) on 127.0.0.1:$eport"
start_echofs

{
    echo "date:      $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "host:      $(uname -srm)"
    echo "cpu:       $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo "memory:    $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
    echo "scratch:   $scratch on $(df -PT "$scratch" | awk 'NR==2 {print $1" ("$2")"}')"
    echo "java:      $(java -version 2>&1 | head -1)"
    echo "ganesha:   $(ganesha.nfsd -v 2>/dev/null | sed 's/.*= //' | head -1) ($(dpkg-query -W -f='${Version}' nfs-ganesha))"
    echo "libnfs:    $(dpkg-query -W -f='${Version}' libnfs-utils)"
    echo "echofs:    $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo '?') ($eurl, pid $epid)"
    echo "ganesha:   $gurl (pid $gpid)"
    echo "load:      $(cut -d' ' -f1-3 /proc/loadavg) at start"
} | tee "$out/machine.txt" >&2

if [ -n "$jfr" ]; then
    jcmd "$epid" JFR.start name=compare settings=profile filename="$out/echofs.jfr" >/dev/null \
        || die "jcmd JFR.start failed"
fi

# --- the comparison -------------------------------------------------------------
# --settle: a pause before each run, so that no run starts on the memory the previous run just
# freed (on this virtual machine freed pages go back to the host within seconds, and a writer
# that gets them before that writes into the page cache several times faster)
settle=(--settle 3s)
for a in "${bench_args[@]}"; do case "$a" in --settle|--settle=*) settle=() ;; esac; done
cmd=("${echofs[@]}" bench --rounds "$rounds" "${warmup_round[@]}" -w all --sync-between "${settle[@]}"
     --watch-pid "echofs=$epid" --watch-pid "ganesha=$gpid" --watch-metrics "echofs=$emetrics"
     --save "$out/compare.json" "${bench_args[@]}" "echofs=$eurl" "ganesha=$gurl")
echo "bench/compare.sh --rounds $rounds ${bench_args[*]}  ->  ${cmd[*]}" >"$out/command.txt"
note "running: echofs bench --rounds $rounds ${warmup_round[*]} -w all ... (progress in $out/progress.log)"
set +e
"${cmd[@]}" 2> >(tee "$out/progress.log" | grep -v '^  \[' >&2) | tee "$out/compare.txt"
status=${PIPESTATUS[0]}
set -e
echo "load:      $(cut -d' ' -f1-3 /proc/loadavg) at end" | tee -a "$out/machine.txt" >&2
[ -n "$jfr" ] && jcmd "$epid" JFR.stop name=compare >/dev/null

# --- heap bound: the 1 GiB seq-write with a 512 MiB heap -----------------------------
if [ -n "$heap_check" ]; then
    note "heap check: restarting the gateway with -Xmx512m and running seq-write"
    "${echofs[@]}" down --dir "$scratch/echofs" >/dev/null
    export JAVA_TOOL_OPTIONS="-Xmx512m"   # inherited by the gateway process that `up` starts
    start_echofs
    unset JAVA_TOOL_OPTIONS
    set +e
    "${echofs[@]}" bench -w seq-write --watch-pid "echofs-512m=$epid" --watch-metrics "echofs-512m=$emetrics" \
        --save "$out/heapcheck.json" "${bench_args[@]}" "echofs-512m=$eurl" >"$out/heapcheck.txt" 2>"$out/heapcheck.log"
    hstatus=$?
    set -e
    alive=no
    kill -0 "$epid" 2>/dev/null && alive=yes
    python3 - "$out/heapcheck.json" "$hstatus" "$alive" <<'EOF' | tee -a "$out/compare.txt"
import json, os, sys
status, alive = sys.argv[2], sys.argv[3]
r = json.load(open(sys.argv[1])) if os.path.exists(sys.argv[1]) else None
if r is None or not r["runs"]:
    print("Heap check (-Xmx512m, seq-write): could not run (exit %s)" % status)
    sys.exit(0)
run = r["runs"][0]
res = r["resources"].get("echofs-512m", {})
ok = status == "0" and alive == "yes"
print("Heap check: gateway with -Xmx512m, seq-write of %d MiB: %s, %.0f MB/s, heap used peak %.0f MiB, "
      "peak RSS %.0f MiB%s" % (r["settings"]["seqSize"] >> 20, "passed" if ok else "FAILED",
      run.get("mbPerSecond", 0), res.get("heapUsedPeakBytes", 0) / 1048576, res.get("peakRssBytes", 0) / 1048576,
      "" if alive == "yes" else " (the gateway died: see its log)"))
EOF
fi
note "results in $out"
exit "$status"
