#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, starts a fresh test stack (its own
# directory, ports and node, so it never clashes with a running dev platform), builds, migrates
# every service, runs `dotnet test` (extra arguments are passed on, e.g. --filter X), runs the HTTP
# suites a second time with every service under the test Functions host (PLATFORM_TEST_HOSTING=
# functions; skipped when arguments are given), then each executable scripts/test-extra.d/*.sh, and
# tears the stack down (KEEP_STACK=1 leaves it up).
# Exits with dotnet test's exit code (1 if only an extra script failed).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

t0=$SECONDS
# Fixed on purpose: a shell that has the dev stack's env exported must not point tests at it.
export STACK_DIR="$REPO/.stack/test" PG_PORT=15442 AMQP_PORT=5683 RABBIT_NODE=test@localhost \
  PG_FAST=1 RABBIT_MANAGEMENT=0
# CI fails on a known-vulnerable package (NuGet audit NU1901-NU1904 as errors, Directory.Build.props);
# every other build (func start, azd's hook, compose) keeps them warnings.
export StrictNuGetAudit=true
STACK="$REPO/scripts/stack.sh"
cd "$REPO"

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  finish_stack_up >/dev/null 2>&1 || true # never leave a half-started stack behind
  if [[ ${KEEP_STACK:-0} == 1 ]]; then
    log "KEEP_STACK=1: the test stack stays up; STACK_DIR=$STACK_DIR scripts/stack.sh env|down"
  else
    "$STACK" down || true
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ensure_packages postgresql rabbitmq-server openssl curl
"$STACK" destroy # every run starts from empty databases and queues
start_stack_async
build_solution
finish_stack_up || die "the test stack did not start"
eval "$("$STACK" env)"
export PLATFORM_BUILD_CONFIGURATION=Release PLATFORM_STACK_SCRIPT="$STACK" PLATFORM_STACK_DIR="$STACK_DIR"
migrate_services
rm -rf "$STACK_DIR/logs/functions-mode"

test_rc=0
: >"$STACK_DIR/logs/dotnet-test.log"
if (($# > 0)); then
  log "dotnet test $*"
  dotnet test "$(solution_file)" -c Release --no-build "$@" 2>&1 | tee -a "$STACK_DIR/logs/dotnet-test.log" || test_rc=$?
else
  # Tests in category Faults stop the shared broker or database: they run last, alone, so that
  # no other test project loses its broker in the middle of a test.
  log "dotnet test (every project, in parallel; category Faults excluded)"
  echo "=== pass: standalone" >>"$STACK_DIR/logs/dotnet-test.log"
  dotnet test "$(solution_file)" -c Release --no-build --filter "Category!=Faults" 2>&1 | tee -a "$STACK_DIR/logs/dotnet-test.log" || test_rc=$?
  log "dotnet test (category Faults, alone)"
  echo "=== pass: faults" >>"$STACK_DIR/logs/dotnet-test.log"
  dotnet test "$REPO/tests/Platform.Eventing.Tests" -c Release --no-build --filter "Category=Faults" 2>&1 | tee -a "$STACK_DIR/logs/dotnet-test.log" || test_rc=$?
  # The same HTTP suites (every route's success and error cases, the authorization matrix, the
  # fuzzer) with each service launched by the test Functions host over the host protocol, as
  # `func start` and Azure run it. Tests of the app's own standalone behaviour are marked
  # Hosting=StandaloneOnly; functions-mode-coverage.sh then checks every function was called.
  log "dotnet test (HTTP suites again, every service under the test Functions host)"
  echo "=== pass: functions host" >>"$STACK_DIR/logs/dotnet-test.log"
  PLATFORM_TEST_HOSTING=functions dotnet test "$(solution_file)" -c Release --no-build \
    --filter "(FullyQualifiedName~DonationService.Tests|FullyQualifiedName~RequestService.Tests|FullyQualifiedName~CampaignService.Tests|FullyQualifiedName~MessagingService.Tests|FullyQualifiedName~Platform.SystemTests)&Category!=Faults&Hosting!=StandaloneOnly" \
    2>&1 | tee -a "$STACK_DIR/logs/dotnet-test.log" || test_rc=$?
  export FUNCTIONS_COVERAGE_REQUIRED=1
fi

# Totals from the per-assembly lines "Passed!  - Failed: 0, Passed: 12, Skipped: 1, Total: 13, ..."
# (VSTest) or "Test summary: total: 13, failed: 0, succeeded: 12, skipped: 1, ..." (Testing Platform).
read -r passed failed skipped < <(awk '
  /(Passed|Failed)! +- +Failed:|^Test summary: total:/ {
    gsub(/,/, "")
    for (i = 1; i < NF; i++) {
      k = tolower($i)
      if (k == "failed:") f += $(i + 1)
      if (k == "passed:" || k == "succeeded:") p += $(i + 1)
      if (k == "skipped:") s += $(i + 1)
    }
  }
  END { print p + 0, f + 0, s + 0 }' "$STACK_DIR/logs/dotnet-test.log")

extra_ok=0 extra_failed=0 extra_failed_names=()
for script in "$REPO"/scripts/test-extra.d/*.sh; do
  [[ -f $script && -x $script ]] || continue
  log "running ${script#"$REPO"/}"
  if "$script" 2>&1 | tee "$STACK_DIR/logs/extra-$(basename "$script" .sh).log"; then
    extra_ok=$((extra_ok + 1))
  else
    extra_failed=$((extra_failed + 1))
    extra_failed_names+=("${script#"$REPO"/}")
    log "FAILED: ${script#"$REPO"/}"
  fi
done
rc=$test_rc
((rc == 0 && extra_failed > 0)) && rc=1

verdict=PASSED
((rc == 0)) || verdict=FAILED
log "$verdict in $((SECONDS - t0)) s (dotnet test exit code $test_rc; extra scripts: $extra_ok passed, $extra_failed failed)"
# The failed tests last, where a CI page that shows only the tail of the output still has them: each
# one's name, the pass it failed in, and the first lines of its message (at most 10 tests).
if ((failed > 0)); then
  echo "failed tests (details in $STACK_DIR/logs/dotnet-test.log):"
  awk '
    /^=== pass: / { pass = substr($0, 11); next }
    /^ +Failed [A-Za-z_]/ {
      if (++n > 10) exit
      name = $0; sub(/^ +Failed /, "", name)
      print "  " name " (" (pass == "" ? "dotnet test" : pass) ")"
      inmsg = 0; shown = 0; next
    }
    /^ +Error Message:/ { inmsg = 1; next }
    /^ +Stack Trace:/ { inmsg = 0; next }
    inmsg && shown < 6 { line = $0; sub(/^ +/, "", line); print "      " substr(line, 1, 400); shown++ }
  ' "$STACK_DIR/logs/dotnet-test.log"
fi
# And each failed extra script's last lines (a fault-injection report, say, is followed by other scripts' output).
for name in "${extra_failed_names[@]}"; do
  echo "failed: $name; its last lines (all of it in $STACK_DIR/logs/extra-$(basename "$name" .sh).log):"
  tail -n 15 "$STACK_DIR/logs/extra-$(basename "$name" .sh).log" | cut -c1-300 | sed 's/^/  | /'
done
echo "tests: $((passed + extra_ok)) passed, $((failed + extra_failed)) failed, $skipped skipped"
exit "$rc"
