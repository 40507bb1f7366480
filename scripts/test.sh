#!/usr/bin/env bash
# The project's test command (README.md names it; .ci/run calls it): static checks, every test,
# a brief run of every fuzz target, and the evaluation floors on the seeds and the ACLED dev records.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== gofmt and go vet"
unformatted=$(gofmt -l . | grep -v '^node_modules/' || true)
if [ -n "$unformatted" ]; then
	echo "gofmt needed on:"; echo "$unformatted"; exit 1
fi
go vet ./...

echo "== go test"
go test -count=1 ./...

echo "== fuzz targets, briefly (${FUZZTIME:=4s} each)"
for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	for fz in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
		go test -run='^$' -fuzz="^${fz}\$" -fuzztime="$FUZZTIME" "$pkg" >/dev/null
		echo "ok   $pkg $fz"
	done
done
