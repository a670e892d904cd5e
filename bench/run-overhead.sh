#!/usr/bin/env bash
# Overhead per action of `run --executor local`, excluding the scripts' own time: a 20-action pipeline of
# trivial Python scripts (each needs the one before), run in one process with -c 1.
#   overhead/action = (run_all time - JVM start-up (`--version`) - 20 x a bare `python -c pass`) / 20
# Medians of RUNS runs (default 5). Goal: <= 100 ms per action. Usage: bash bench/run-overhead.sh [PYTHON]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=server/target/opensafely-lsp.jar
PY=${1:-/usr/bin/python3}
RUNS=${RUNS:-5}
N=20
[ -f "$JAR" ] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 2; }
STUDY=$(mktemp -d)
trap 'rm -rf "$STUDY"' EXIT
mkdir -p "$STUDY/analysis"
{
  echo "version: 5"
  echo "actions:"
  for i in $(seq 1 $N); do
    echo "  a$i:"
    echo "    run: python:v2 python analysis/a$i.py"
    [ "$i" -gt 1 ] && echo "    needs: [a$((i - 1))]"
    echo "    outputs:"
    echo "      moderately_sensitive:"
    echo "        t: output/a$i.csv"
  done
} > "$STUDY/project.yaml"
for i in $(seq 1 $N); do
  printf 'import os\nos.makedirs("output", exist_ok=True)\nopen("output/a%s.csv", "w").write("n\\n1\\n")\n' "$i" > "$STUDY/analysis/a$i.py"
done

ms() { local s e; s=$(date +%s%N); "$@" > /dev/null 2>&1 || true; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }

jvm=$(for _ in $(seq "$RUNS"); do ms java -jar "$JAR" --version; done | median)
py=$(for _ in $(seq "$RUNS"); do ms "$PY" -c pass; done | median)
total=$(for _ in $(seq "$RUNS"); do ms java -jar "$JAR" run run_all -f -c 1 --executor local --python "$PY" --project-dir "$STUDY"; done | median)
java -jar "$JAR" run run_all -c 1 --executor local --python "$PY" --project-dir "$STUDY" | grep -q "All actions already completed" \
  || { echo "the pipeline did not run clean" >&2; exit 1; }
per=$(( (total - jvm - N * py) / N ))
echo "run_all of $N actions: ${total} ms (median of $RUNS); JVM start-up ${jvm} ms; python -c pass ${py} ms"
echo "overhead per action (excluding the scripts' own time): ${per} ms (goal <= 100 ms)"
