#!/usr/bin/env bash
# Start-up benchmark (issue #15): `--version`, `check` of a typical project.yaml and of the largest real one,
# as whole processes, for each way of running the tool, beside OpenSAFELY's own validator measured in the same
# run. Prints a markdown table and writes it to bench/results/startup-<UTC time>.md. See bench/README.md.
#
#   bash bench/startup.sh
#   RUNS=15 bash bench/startup.sh
#
# Knobs (environment): RUNS (timed rounds, 11), WARMUP (untimed rounds, 2), JAVA17 (the `java` of the
# java -jar and launcher-on-17 rows: java on PATH), JAVA25_HOME (/usr/lib/jvm/temurin-25-jdk-amd64; its rows
# are left out when missing), TYPICAL and LARGEST (study folders; default the waiting-list and
# post-covid-neurodegenerative studies of ../shared/corpus, laid out with an empty file for each path of
# files.txt), PIPELINE_SRC (a git folder of opensafely-core/pipeline; its rows are left out when missing),
# PYTHON (/usr/bin/python3, which needs Debian's python3-ruamel.yaml), BENCH_WORK (scratch folder).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$REPO/server/target/opensafely-lsp.jar"
LAUNCHER="$REPO/bin/opensafely-lsp"
SHARED="$REPO/../shared"
[ -d "$SHARED/corpus" ] || SHARED=/work/shared
RUNS="${RUNS:-11}"
WARMUP="${WARMUP:-2}"
JAVA17="${JAVA17:-$(command -v java)}"
JAVA25_HOME="${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
PIPELINE_SRC="${PIPELINE_SRC:-/work/.mirror/opensafely-core+pipeline/repo}"
PYTHON="${PYTHON:-/usr/bin/python3}"
WORK="${BENCH_WORK:-$(mktemp -d /tmp/opensafely-startup.XXXXXX)}"
RESULTS="$REPO/bench/results"
OUT="$RESULTS/startup-$(date -u +%Y%m%dT%H%M%SZ).md"
mkdir -p "$RESULTS" "$WORK"

log() { echo "[startup] $*" >&2; }

if [ ! -f "$JAR" ]; then
  log "building the server jar"
  (cd "$REPO" && mvn -B -q -DskipTests package)
fi

# A corpus entry as a study folder: its project.yaml and codelists, and an empty file for each path it lists,
# so that the checks of files named in `run:` do real look-ups.
layout() { # corpus-folder target
  mkdir -p "$2"
  cp "$1/project.yaml" "$2/"
  [ -d "$1/codelists" ] && cp -r "$1/codelists" "$2/"
  if [ -f "$1/files.txt" ]; then
    while IFS= read -r f; do
      case "$f" in ''|/*|*..*) continue ;; esac
      [ -e "$2/$f" ] && continue
      mkdir -p "$2/$(dirname "$f")" && : > "$2/$f"
    done < "$1/files.txt"
  fi
}
TYPICAL="${TYPICAL:-}"
LARGEST="${LARGEST:-}"
if [ -z "$TYPICAL" ]; then TYPICAL="$WORK/typical"; rm -rf "$TYPICAL"; layout "$SHARED/corpus/waiting-list" "$TYPICAL"; fi
if [ -z "$LARGEST" ]; then LARGEST="$WORK/largest"; rm -rf "$LARGEST"; layout "$SHARED/corpus/post-covid-neurodegenerative" "$LARGEST"; fi

# OpenSAFELY's validator: the pipeline library from its source, with Debian's ruamel.yaml standing in for
# ruyaml (the fork it imports; same API for what it uses): a two-file shim package, written here.
UPSTREAM=""
if [ -d "$PIPELINE_SRC" ] && [ -x "$PYTHON" ] && "$PYTHON" -c 'import ruamel.yaml' 2>/dev/null; then
  UPSTREAM="$WORK/upstream"
  rm -rf "$UPSTREAM" && mkdir -p "$UPSTREAM/ruyaml"
  if git -C "$PIPELINE_SRC" rev-parse --git-dir >/dev/null 2>&1; then
    git -C "$PIPELINE_SRC" archive HEAD pipeline | tar -x -C "$UPSTREAM"
    UPSTREAM_COMMIT="$(git -C "$PIPELINE_SRC" rev-parse --short HEAD)"
  else
    cp -r "$PIPELINE_SRC/pipeline" "$UPSTREAM/"
    UPSTREAM_COMMIT="(a copy)"
  fi
  printf 'from ruamel.yaml import *  # noqa\nfrom ruamel.yaml import YAML  # noqa\n' > "$UPSTREAM/ruyaml/__init__.py"
  printf 'from ruamel.yaml.error import *  # noqa\nfrom ruamel.yaml.error import %s  # noqa\n' \
    "MarkedYAMLError, MarkedYAMLFutureWarning, MarkedYAMLWarning, YAMLError, YAMLFutureWarning, YAMLStreamError, YAMLWarning" \
    > "$UPSTREAM/ruyaml/error.py"
  if ! (cd "$TYPICAL" && PYTHONPATH="$UPSTREAM" "$PYTHON" -W ignore -c 'from pipeline import load_pipeline; load_pipeline(open("project.yaml").read())'); then
    log "the pipeline library does not load its project.yaml; no upstream rows"
    UPSTREAM=""
  fi
else
  log "no pipeline source at $PIPELINE_SRC, or no $PYTHON with ruamel.yaml (apt-get install python3-ruamel.yaml python3-ruamel.yaml.clib): no upstream rows"
fi

# The launcher's start-up caches, made now so that every launcher row measures the cached route.
export OPENSAFELY_LSP_CACHE_DIR="$WORK/cache"
JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$JAVA17")")")" "$LAUNCHER" --make-aot-cache >&2
HAVE25=""
if [ -x "$JAVA25_HOME/bin/java" ]; then
  JAVA_HOME="$JAVA25_HOME" "$LAUNCHER" --make-aot-cache >&2
  HAVE25=1
fi
log "the launcher without JAVA_HOME: $(env -u JAVA_HOME "$LAUNCHER" --launcher-info | head -1)"
env -u JAVA_HOME "$LAUNCHER" --make-aot-cache >&2
J17_HOME="$(dirname "$(dirname "$(readlink -f "$JAVA17")")")"

# The rows: route|work|cwd|command, the command as words separated by tabs.
T=$'\t'
ROWS="$WORK/rows.txt"
: > "$ROWS"
add() { # route work cwd word...
  local route="$1" work="$2" cwd="$3"; shift 3
  local IFS="$T"
  printf '%s|%s|%s|%s\n' "$route" "$work" "$cwd" "$*" >> "$ROWS"
}
for w in version typical largest; do
  case $w in
    version) args=(--version); cwd="$WORK" ;;
    typical) args=(check project.yaml); cwd="$TYPICAL" ;;
    largest) args=(check project.yaml); cwd="$LARGEST" ;;
  esac
  add "java -jar (Java 17)" "$w" "$cwd" "$JAVA17" -jar "$JAR" "${args[@]}"
  add "bin/opensafely-lsp (Java 17)" "$w" "$cwd" env "JAVA_HOME=$J17_HOME" "$LAUNCHER" "${args[@]}"
  [ -n "$HAVE25" ] && add "bin/opensafely-lsp (Java 25)" "$w" "$cwd" env "JAVA_HOME=$JAVA25_HOME" "$LAUNCHER" "${args[@]}"
  # As the README tells a user to run it: no JAVA_HOME, so the launcher picks the Java (--launcher-info says which).
  add "bin/opensafely-lsp as documented (no JAVA_HOME)" "$w" "$cwd" env -u JAVA_HOME "$LAUNCHER" "${args[@]}"
  if [ -n "$UPSTREAM" ] && [ "$w" != version ]; then
    add "upstream pipeline library (Python)" "$w" "$cwd" env "PYTHONPATH=$UPSTREAM" "$PYTHON" -W ignore -c \
      'from pipeline import load_pipeline; load_pipeline(open("project.yaml").read())'
  fi
done
add "empty JVM (java -version, Java 17)" version "$WORK" "$JAVA17" -Xshare:auto -version

log "timing $(wc -l < "$ROWS") rows: $WARMUP untimed and $RUNS timed rounds, each round runs every row once"
# Rounds interleave the rows, so a change in the machine's load over the run touches every row alike.
"$PYTHON" - "$ROWS" "$RUNS" "$WARMUP" "${UPSTREAM_COMMIT:-}" > "$OUT" <<'PY'
import os, statistics, subprocess, sys, time

rows_file, runs, warmup, upstream_commit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rows = []
for line in open(rows_file, encoding="utf-8"):
    route, work, cwd, words = line.rstrip("\n").split("|", 3)
    rows.append((route, work, cwd, words.split("\t")))

def once(cwd, cmd):
    start = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)

walls = {i: [] for i in range(len(rows))}
cpus = {i: [] for i in range(len(rows))}
codes = {i: set() for i in range(len(rows))}
loads = []
for r in range(warmup + runs):
    loads.append(os.getloadavg()[0])
    for i, (route, work, cwd, cmd) in enumerate(rows):
        wall, cpu, code = once(cwd, cmd)
        if r >= warmup:
            walls[i].append(wall * 1000)
            cpus[i].append(cpu * 1000)
            codes[i].add(code)

upstream = {work: statistics.median(walls[i]) for i, (route, work, _, _) in enumerate(rows) if route.startswith("upstream")}
names = {"version": "`--version`", "typical": "`check` typical (waiting-list, 17 actions)",
         "largest": "`check` largest (post-covid-neurodegenerative, 1,211 actions, 1 MB)"}
print(f"Start-up, whole processes: median wall time of {runs} interleaved rounds after {warmup} untimed "
      f"(min–max), median CPU time (user+sys), and the ratio to upstream's median in the same run.\n")
print("| work | route | median ms | min–max ms | CPU ms | × upstream | exit |")
print("|---|---|---:|---:|---:|---:|---|")
for i, (route, work, cwd, cmd) in enumerate(rows):
    w = walls[i]
    ratio = f"{statistics.median(w) / upstream[work]:.2f}" if work in upstream else ""
    print(f"| {names.get(work, work)} | {route} | {statistics.median(w):.0f} | {min(w):.0f}–{max(w):.0f} | "
          f"{statistics.median(cpus[i]):.0f} | {ratio} | {','.join(map(str, sorted(codes[i])))} |")
print(f"\nLoad average (1 min) at the start of each round: {min(loads):.2f}–{max(loads):.2f} on {os.cpu_count()} CPUs "
      f"(above ~{os.cpu_count()} the box was shared and the figures are inflated)."
      + (f" Upstream: opensafely-core/pipeline {upstream_commit} with Debian's ruamel.yaml." if upstream_commit else ""))
PY
cat "$OUT"
log "written: $OUT"
