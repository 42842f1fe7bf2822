#!/usr/bin/env bash
# Which functions of each app were called in Functions mode (under the test Functions host, see
# tests/Platform.FunctionsHost), and with which statuses, from what the host recorded in
# $STACK_DIR/logs/functions-mode/ during scripts/test.sh (functions-*.tsv: app, function, methods,
# route, per instance; served-*.tsv: app, function or "-", method, status, per request).
# Prints a table per app; fails when a function of an app that ran was never called, if
# FUNCTIONS_COVERAGE_REQUIRED=1 (scripts/test.sh sets it for the full run; a filtered run only reports).
set -euo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

DIR="${STACK_DIR:-$REPO/.stack/test}/logs/functions-mode"
if ! compgen -G "$DIR/functions-*.tsv" >/dev/null; then
  log "functions-mode coverage: nothing recorded in $DIR (no Functions-mode test ran)"
  [[ ${FUNCTIONS_COVERAGE_REQUIRED:-0} == 1 ]] && die "the full run must run the Functions-mode tests"
  exit 0
fi

report="$(awk -F'\t' '
  FNR == 1 { kind = (FILENAME ~ /\/functions-[^\/]*$/) ? "functions" : "served" }
  kind == "functions" { known[$1 "\t" $2] = $4; apps[$1] = 1 }
  kind == "served" {
    requests[$1]++
    if ($2 == "-") { unmatched[$1]++; next }
    calls[$1 "\t" $2]++
    if (!(($1 "\t" $2 "\t" $4) in pair)) { pair[$1 "\t" $2 "\t" $4] = 1; statuses[$1 "\t" $2] = statuses[$1 "\t" $2] " " $4; pairs[$1]++ }
  }
  END {
    missing = 0
    for (app in apps) {
      n = 0; hit = 0
      for (key in known) {
        split(key, part, "\t")
        if (part[1] != app) continue
        n++
        if (calls[key] > 0) hit++
        else { missing++; printf "MISSING\t%s\t%s\t%s\n", app, part[2], known[key] }
      }
      printf "APP\t%s\t%d\t%d\t%d\t%d\t%d\n", app, n, hit, pairs[app], requests[app], unmatched[app]
    }
    for (key in statuses) { split(key, part, "\t"); printf "FUNC\t%s\t%s\t%d\t%s\n", part[1], part[2], calls[key], statuses[key] }
    printf "TOTAL\t%d\n", missing
  }' "$DIR"/functions-*.tsv "$DIR"/served-*.tsv /dev/null)"

printf '%-18s %9s %7s %20s %9s %18s\n' app functions called "(function,status)" requests "no function (404)"
grep '^APP' <<<"$report" | sort | while IFS=$'\t' read -r _ app n hit pairs requests unmatched; do
  printf '%-18s %9s %7s %20s %9s %18s\n' "$app" "$n" "$hit" "$pairs" "$requests" "${unmatched:-0}"
done
grep '^FUNC' <<<"$report" | sort >"$DIR/../functions-mode-statuses.tsv" || true
log "statuses per function: ${DIR%/*}/functions-mode-statuses.tsv"
missing="$(grep '^TOTAL' <<<"$report" | cut -f2)"
if ((missing > 0)); then
  grep '^MISSING' <<<"$report" | while IFS=$'\t' read -r _ app fn route; do log "never called in Functions mode: $app $fn ($route)"; done
  [[ ${FUNCTIONS_COVERAGE_REQUIRED:-0} == 1 ]] && die "$missing function(s) never called in Functions mode"
else
  log "functions-mode coverage: every function of every app that ran was called"
fi
