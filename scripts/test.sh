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

# Inputs the fuzzers found before live in testdata/fuzz and run as regression tests in `go test`
# above (a failure there fails). A few seconds of new exploration may find a new input by chance: it is
# printed and saved for a fix, and fails the run only with FUZZ_STRICT=1, so that chance alone does not
# decide whether a change lands.
echo "== fuzz targets, briefly (${FUZZTIME:=4s} each)"
found=0
for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	for fz in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
		if ! out=$(go test -run='^$' -fuzz="^${fz}\$" -fuzztime="$FUZZTIME" "$pkg" 2>&1); then
			if ! grep -q 'Failing input written to' <<<"$out" && grep -q 'context deadline exceeded' <<<"$out"; then
				# The fuzzing engine's own deadline passed while it was minimising an input it found
				# interesting (seen on loaded machines): no failing input, nothing to fix.
				echo "ok   $pkg $fz (the engine's time ran out while minimising; no failing input)"
				continue
			fi
			echo "$out" | tail -30
			echo "NEW FUZZ FINDING $pkg $fz: the input is saved under $dir/testdata/fuzz/$fz"
			found=$((found + 1))
			continue
		fi
		echo "ok   $pkg $fz"
	done
done

if [ "$found" -gt 0 ]; then
	echo "$found fuzz target(s) found new failing inputs (see above)"
	[ "${FUZZ_STRICT:-0}" = 1 ] && exit 1
fi

echo "== evaluation floors (internal/evaluate/data/floors.json)"
shared="${SITREP_SHARED:-../shared}"
if [ -d "$shared/fixtures/seeds" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	go build -o "$tmp/sitrep" ./cmd/sitrep
	"$tmp/sitrep" eval seeds --check
	status=0
	"$tmp/sitrep" eval acled --check >"$tmp/acled.txt" 2>"$tmp/acled.err" || status=$?
	sed -n '1,14p' "$tmp/acled.txt"
	if [ "$status" -ne 0 ]; then
		grep -v 'text is empty' "$tmp/acled.err" || true
		exit "$status"
	fi
elif [ "${CI:-}" = "true" ]; then
	echo "the shared folder ($shared) is missing: CI needs the seeds and ACLED records"; exit 1
else
	echo "skipped: $shared not found (the seeds and ACLED records live beside the repository)"
fi
