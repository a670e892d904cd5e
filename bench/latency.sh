#!/usr/bin/env bash
# Issue #15's keystroke latency, as a user sees it: edit → publishDiagnostics of that version over JSON-RPC
# to the real jar, debounce included. See bench/README.md ("Keystroke latency").
#
#   bash bench/latency.sh                         # the server jar of this worktree
#   JAR=/tmp/before.jar LABEL=before bash bench/latency.sh
#
# Knobs: SESSIONS (3), EDITS (200 measured keystrokes per kind and session), WARMUP_EDITS (40), ACTIONS (2500),
# LINES (1500), BENCH_WORK (scratch folder), JAR, LABEL, JVM_FLAGS.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$REPO/bench"
JAR="${JAR:-$REPO/server/target/opensafely-lsp.jar}"
HARNESS="$BENCH/target/opensafely-lsp-bench.jar"
CORPUS="${CORPUS:-$REPO/../shared/corpus/post-covid-neurodegenerative}"
[ -d "$CORPUS" ] || CORPUS=/work/shared/corpus/post-covid-neurodegenerative
SESSIONS="${SESSIONS:-3}"
EDITS="${EDITS:-200}"
WARMUP_EDITS="${WARMUP_EDITS:-40}"
ACTIONS="${ACTIONS:-2500}"
LINES="${LINES:-1500}"
LABEL="${LABEL:-$(git -C "$REPO" rev-parse --short HEAD)}"
JVM_FLAGS="${JVM_FLAGS:-}"
RESULTS="$BENCH/results"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$RESULTS/latency-$STAMP.md"
mkdir -p "$RESULTS"

[ -f "$JAR" ] || (cd "$REPO" && mvn -B -q -DskipTests package)
[ -f "$HARNESS" ] || mvn -B -q -DskipTests -f "$BENCH/pom.xml" package

WORK="${BENCH_WORK:-$(mktemp -d /tmp/opensafely-latency.XXXXXX)}"
[ -d "$WORK/corpus" ] || java -jar "$HARNESS" corpus "$CORPUS" "$WORK/corpus"
[ -d "$WORK/gen$ACTIONS" ] || java -jar "$HARNESS" generate "$ACTIONS" "$WORK/gen$ACTIONS"
[ -d "$WORK/study$LINES" ] || java -jar "$HARNESS" generate-study "$LINES" "$WORK/study$LINES"
[ -d "$WORK/dataset$LINES" ] || java -jar "$HARNESS" generate-dataset "$LINES" "$WORK/dataset$LINES"

{
  echo "# keystroke → publishDiagnostics, $LABEL, $STAMP"
  echo
  echo "Jar $(sha256sum "$JAR" | cut -c1-12); $(nproc) CPUs; load before: $(cut -d' ' -f1-3 /proc/loadavg);" \
       "$SESSIONS sessions × $EDITS measured keystrokes per row (after $WARMUP_EDITS); JVM flags: ${JVM_FLAGS:-default}."
  echo
  echo "| input | edit | sessions × keystrokes | p50 (median of sessions) | p95 (median of sessions) | spread of session p95 | target | meets |"
  echo "|---|---|---|---|---|---|---|---|"
} | tee "$OUT"
NOTES=()
run() { # input file target
  local rows
  rows="$(java -jar "$HARNESS" latency --input "$1" --jar "$JAR" --study "$WORK/$1" --file "$2" --target-ms "$3" \
    --sessions "$SESSIONS" --edits "$EDITS" --warmup-edits "$WARMUP_EDITS" --jvm-flags "$JVM_FLAGS" \
    --log "$RESULTS/latency-server-$STAMP.log")"
  grep '^|' <<<"$rows" | tee -a "$OUT"
  NOTES+=("$(grep '^NOTE' <<<"$rows" | sed 's/^NOTE /- /')")
}
run corpus project.yaml 100
run "gen$ACTIONS" project.yaml 100
run "study$LINES" analysis/study_definition.py 150
run "dataset$LINES" analysis/dataset_definition.py 150
{ echo; printf '%s\n' "${NOTES[@]}"; } | tee -a "$OUT"
echo "[latency] written to $OUT (scratch: $WORK)" >&2
