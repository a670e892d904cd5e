#!/usr/bin/env bash
# Benchmark of `dummy-data` (issue 10): a cohort-extractor study definition of 50 columns (10 each of dates,
# flags, ints, floats, categories), written to .csv.gz and to an Arrow IPC file (.feather: the same writer
# as ehrQL's .arrow), for 10,000 and 1,000,000 patients. See bench/README.md, "Dummy data".
#
#   bash bench/dummy-data.sh
#   RUNS=5 SIZES="10000 1000000" bash bench/dummy-data.sh
#   SIZES= SEL_SIZES="10000 100000" bash bench/dummy-data.sh   # only the selective-definition rows
#
# Second table (issue 10's "selective definition"): two ehrQL dataset definitions with the same five columns,
# one whose population is every registered patient, one whose population is women aged 90+ with a code from a
# 20-code codelist in a one-month window (well under 1 % of random patients: a generator that filters random
# patients would need ~100× the draws). Time per 10,000 patients = median wall time × 10,000 / patients
# (JVM start-up included, so the larger size shows the steady rate).
#
# Per row: the median and min-max of RUNS wall times of the whole `java -jar ... dummy-data` process (JVM
# start-up included) and its peak RSS (/usr/bin/time's maximum resident set). Baselines, the same bytes
# written without generating them: for .csv.gz, `gzip -<level>` of the same CSV (cohort-extractor's level 9;
# the CSV is made once, uncompressed, beforehand); for .feather, copying the file's bytes (`cat > file`).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$REPO/server/target/opensafely-lsp.jar"
RUNS="${RUNS:-3}"
SIZES="${SIZES-10000 1000000}"
SEL_SIZES="${SEL_SIZES-10000 100000}"
LEVEL=9 # OutputFormat.Language.COHORT_EXTRACTOR's gzip level
WORK="${BENCH_WORK:-$(mktemp -d /tmp/opensafely-dummy-bench.XXXXXX)}"
RESULTS="$REPO/bench/results"
OUT="$RESULTS/dummy-data-$(date -u +%Y%m%dT%H%M%SZ).md"
mkdir -p "$RESULTS" "$WORK/analysis"

log() { echo "[bench] $*" >&2; }
[ -f "$JAR" ] || (cd "$REPO" && mvn -B -q -DskipTests package)

# The study definition: 50 generated columns.
{
  echo 'from cohortextractor import StudyDefinition, patients, codelist'
  echo ''
  echo 'study = StudyDefinition('
  echo '    default_expectations={"date": {"earliest": "2000-01-01", "latest": "2024-12-31"}, "rate": "exponential_increase", "incidence": 0.7},'
  echo '    index_date="2024-01-01",'
  echo '    population=patients.registered_as_of("index_date"),'
  for i in $(seq 1 10); do
    echo "    d$i=patients.with_these_clinical_events(codelist([\"X$i\"], system=\"ctv3\"), returning=\"date\", date_format=\"YYYY-MM-DD\"),"
    echo "    f$i=patients.with_these_clinical_events(codelist([\"Y$i\"], system=\"ctv3\"), returning=\"binary_flag\"),"
    echo "    n$i=patients.with_these_clinical_events(codelist([\"Z$i\"], system=\"ctv3\"), returning=\"number_of_matches_in_period\", return_expectations={\"int\": {\"distribution\": \"poisson\", \"mean\": 3}}),"
    echo "    v$i=patients.with_these_clinical_events(codelist([\"W$i\"], system=\"ctv3\"), returning=\"numeric_value\", return_expectations={\"float\": {\"distribution\": \"normal\", \"mean\": 28, \"stddev\": 4}}),"
    echo "    c$i=patients.sex(return_expectations={\"rate\": \"universal\", \"category\": {\"ratios\": {\"M\": 0.49, \"F\": 0.5, \"U\": 0.01}}}),"
  done
  echo ')'
} > "$WORK/analysis/study_definition.py"

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m}'; }
minmax() { sort -n | awk 'NR==1{lo=$1} {hi=$1} END {printf "%.2f–%.2f", lo, hi}'; }

# time_runs LABEL COMMAND...: RUNS timed runs; prints "median|min-max|peak RSS MB (max)".
time_runs() {
  local label="$1"; shift
  local times=() rss=()
  for r in $(seq 1 "$RUNS"); do
    /usr/bin/time -f '%e %M' -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/stderr.txt" || { cat "$WORK/stderr.txt" >&2; exit 1; }
    read -r t m < "$WORK/time.txt"
    times+=("$t"); rss+=("$m")
  done
  local med mm peak
  med=$(printf '%s\n' "${times[@]}" | median)
  mm=$(printf '%s\n' "${times[@]}" | minmax)
  peak=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
  log "$label: median ${med}s ($mm), peak RSS $((peak / 1024)) MB"
  echo "$med|$mm|$((peak / 1024))"
}

{
  echo "# dummy-data benchmark, $(date -u +%FT%TZ)"
  echo
  echo "50 columns; $RUNS runs per row; java $(java -version 2>&1 | head -1 | cut -d'"' -f2); $(nproc) CPUs; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| patients | output | size | dummy-data median s (min–max) | peak RSS MB | baseline | baseline median s | ratio |"
  echo "|---:|---|---:|---:|---:|---|---:|---:|"
} > "$OUT"

cd "$WORK"
for n in $SIZES; do
  java -jar "$JAR" dummy-data analysis/study_definition.py --population "$n" --output plain.csv 2>/dev/null
  for fmt in csv.gz feather; do
    IFS='|' read -r med mm peak < <(time_runs "$n $fmt" java -jar "$JAR" dummy-data analysis/study_definition.py --population "$n" --output "out.$fmt")
    size=$(du -m "out.$fmt" | cut -f1)
    if [ "$fmt" = csv.gz ]; then
      baseline="gzip -$LEVEL of the same CSV"
      IFS='|' read -r bmed _ _ < <(time_runs "$n gzip" sh -c "gzip -$LEVEL -c plain.csv > base.csv.gz")
    else
      baseline="copying the same bytes"
      IFS='|' read -r bmed _ _ < <(time_runs "$n copy" sh -c "cat out.feather > base.feather")
    fi
    ratio=$(awk -v a="$med" -v b="$bmed" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    echo "| $n | .$fmt | ${size} MB | $med ($mm) | $peak | $baseline | $bmed | ${ratio}× |" >> "$OUT"
  done
  rm -f plain.csv base.csv.gz base.feather
done

# The selective-definition rows: ehrQL, .csv.gz, unselective vs selective population.
mkdir -p "$WORK/codelists"
# A study folder, so the codelist path resolves as ehrQL resolves it (from the folder holding project.yaml).
printf "version: '4.0'\nactions: {}\n" > "$WORK/project.yaml"
{ echo "code,term"; for i in $(seq 1 20); do echo "$((1000000 + i * 7)),Bench code $i"; done; } > "$WORK/codelists/bench-20.csv"
ehrql_definition() { # $1: the population expression
  cat <<PY
from ehrql import codelist_from_csv, create_dataset
from ehrql.tables.core import clinical_events, patients, practice_registrations

codes = codelist_from_csv("codelists/bench-20.csv", column="code")
events = clinical_events.where(clinical_events.snomedct_code.is_in(codes)).where(
    clinical_events.date.is_on_or_between("2024-01-01", "2024-01-31")
)
age = patients.age_on("2024-01-01")
registered = practice_registrations.for_patient_on("2024-01-01").exists_for_patient()

dataset = create_dataset()
dataset.define_population($1)
dataset.age = age
dataset.sex = patients.sex
dataset.first_event = events.sort_by(clinical_events.date).first_for_patient().date
dataset.n_events = events.count_for_patient()
dataset.last_code = clinical_events.sort_by(clinical_events.date).last_for_patient().snomedct_code
PY
}
ehrql_definition 'registered' > "$WORK/analysis/unselective.py"
ehrql_definition '(patients.sex == "female") & (age >= 90) & events.exists_for_patient()' > "$WORK/analysis/selective.py"
if [ -n "$SEL_SIZES" ]; then
  {
    echo
    echo "## Selective definition (ehrQL, .csv.gz, 5 columns)"
    echo
    echo "| patients | definition | median s (min–max) | s per 10,000 patients | peak RSS MB | selective ÷ unselective |"
    echo "|---:|---|---:|---:|---:|---:|"
  } >> "$OUT"
  for n in $SEL_SIZES; do
    declare -A per
    for def in unselective selective; do
      IFS='|' read -r med mm peak < <(time_runs "$n $def" java -jar "$JAR" dummy-data "analysis/$def.py" --population "$n" --output "$def.csv.gz")
      per[$def]=$(awk -v a="$med" -v n="$n" 'BEGIN { printf "%.3f", a * 10000 / n }')
      ratio=""
      [ "$def" = selective ] && ratio=$(awk -v a="${per[selective]}" -v b="${per[unselective]}" 'BEGIN { printf "%.2f×", (b > 0 ? a / b : 0) }')
      echo "| $n | $def | $med ($mm) | ${per[$def]} | $peak | $ratio |" >> "$OUT"
    done
  done
fi

echo >> "$OUT"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT"
cat "$OUT"
log "results in $OUT; scratch in $WORK"
