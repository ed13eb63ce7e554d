#!/usr/bin/env bash
# The test suite must pass while something else keeps both cores busy (issue 11). This runs the
# README's test command RUNS times in a row (default 3) under a CPU hog on every core —
# Debian's `stress-ng --cpu N` when installed, else N busy Python loops — and stops at the first
# red run. Run it from the checkout, with the virtual environment of the README's test command.
#   tools/suite_under_load.sh [RUNS] [extra pytest arguments...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs="${1:-3}"
shift || true
cores="$(nproc)"
if command -v stress-ng >/dev/null 2>&1; then
  stress-ng --cpu "$cores" --quiet &
  hog=$!
  echo "load: stress-ng --cpu $cores (pid $hog)"
else
  python3 -c 'import multiprocessing as m, itertools
def spin(_):
    for _ in itertools.count(): pass
with m.Pool('"$cores"') as p: p.map(spin, range('"$cores"'))' &
  hog=$!
  echo "load: $cores busy Python loops (pid $hog)"
fi
trap 'kill -- "$hog" 2>/dev/null || true; pkill -P "$hog" 2>/dev/null || true' EXIT
. .venv/bin/activate
for run in $(seq 1 "$runs"); do
  started=$(date +%s)
  if python -m pytest -q -p no:cacheprovider "$@"; then
    echo "run $run/$runs: green in $(( $(date +%s) - started )) s under load"
  else
    echo "run $run/$runs: RED after $(( $(date +%s) - started )) s under load" >&2
    exit 1
  fi
done
echo "all $runs runs green under load"
