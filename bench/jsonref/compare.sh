#!/usr/bin/env bash
# Measures the SDK's JSON codec against goccy/go-json and encoding/json in
# alternating rounds (every library once per round, ROUNDS rounds), so that
# the load of a shared machine falls on all of them alike. Output is in the
# format of go test -bench, for benchstat.
# Usage: bench/jsonref/compare.sh [ROUNDS] > results.txt
set -euo pipefail
cd "$(dirname "$0")"
rounds=${1:-10}
bin=$(mktemp)
trap 'rm -f "$bin"' EXIT
go test -c -o "$bin" .
for _ in $(seq "$rounds"); do
  "$bin" -test.run '^$' -test.bench . -test.count 1 -test.benchtime 100x | grep '^Benchmark'
done
