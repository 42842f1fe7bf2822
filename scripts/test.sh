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
  dotnet test "$(solution_file)" -c Release --no-build --filter "Category!=Faults" 2>&1 | tee -a "$STACK_DIR/logs/dotnet-test.log" || test_rc=$?
  log "dotnet test (category Faults, alone)"
  dotnet test "$REPO/tests/Platform.Eventing.Tests" -c Release --no-build --filter "Category=Faults" 2>&1 | tee -a "$STACK_DIR/logs/dotnet-test.log" || test_rc=$?
  # The same HTTP suites (every route's success and error cases, the authorization matrix, the
  # fuzzer) with each service launched by the test Functions host over the host protocol, as
  # `func start` and Azure run it. Tests of the app's own standalone behaviour are marked
  # Hosting=StandaloneOnly; functions-mode-coverage.sh then checks every function was called.
  log "dotnet test (HTTP suites again, every service under the test Functions host)"
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

extra_ok=0 extra_failed=0
for script in "$REPO"/scripts/test-extra.d/*.sh; do
  [[ -f $script && -x $script ]] || continue
  log "running ${script#"$REPO"/}"
  if "$script"; then
    extra_ok=$((extra_ok + 1))
  else
    extra_failed=$((extra_failed + 1))
    log "FAILED: ${script#"$REPO"/}"
  fi
done
rc=$test_rc
((rc == 0 && extra_failed > 0)) && rc=1

verdict=PASSED
((rc == 0)) || verdict=FAILED
log "$verdict in $((SECONDS - t0)) s (dotnet test exit code $test_rc; extra scripts: $extra_ok passed, $extra_failed failed)"
# The failed tests' names last, where a CI page that shows only the tail of the output still has them.
if ((failed > 0)); then
  echo "failed tests (details in $STACK_DIR/logs/dotnet-test.log):"
  grep -E '^ +Failed [A-Za-z_]' "$STACK_DIR/logs/dotnet-test.log" | sed -E 's/^ +Failed /  /' | sort -u | head -n 40
fi
echo "tests: $((passed + extra_ok)) passed, $((failed + extra_failed)) failed, $skipped skipped"
exit "$rc"
