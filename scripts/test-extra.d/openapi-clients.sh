#!/usr/bin/env bash
# Uses each service's OpenAPI document as a frontend developer would (scripts/test.sh runs it after
# dotnet test; it also runs alone):
#   1. installs its tools, pinned and cached in $REPO/.stack/tools (NuGet and npm only; not under
#      $STACK_DIR, which scripts/test.sh destroys at every run; OPENAPI_TOOLS_DIR overrides it):
#      Kiota $KIOTA_VERSION (a dotnet tool-path tool) and the Redocly CLI (npm; node and npm come
#      from apt when missing): $REDOCLY_VERSION, or $REDOCLY_VERSION_OLD_NODE where node is older
#      than 20.19 (Debian 12's own node is 18, which Redocly 2 does not support);
#   2. builds the apps whose sources changed since their last build, and has each write the
#      document it serves at GET /api/openapi.json with `<App>.dll openapi FILE` (no database,
#      broker or settings);
#   3. for each document: `kiota generate -l typescript` must exit 0 and write TypeScript files,
#      and `redocly lint` (rules in redocly.yaml at the repository root) must report 0 errors.
# Prints per document the files Kiota wrote, its warnings, Redocly's errors and warnings, and the
# time taken. KEEP_CLIENTS=1 keeps the documents and clients (the folder is printed).
set -euo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

KIOTA_VERSION=1.38.0
REDOCLY_VERSION=2.77.0
REDOCLY_VERSION_OLD_NODE=1.34.20
t0=$SECONDS
TOOLS="${OPENAPI_TOOLS_DIR:-$REPO/.stack/tools}"

# Neither tool sends telemetry (the test machine reaches only the package registries; Kiota's
# update check fails fast and is not counted as a warning).
export KIOTA_CLI_TELEMETRY_OPTOUT=true KIOTA_TUTORIAL_ENABLED=false \
  KIOTA_CONSOLE_COLORS_ENABLED=false REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  NO_COLOR=1

# --- the tools --------------------------------------------------------------------------------
kiota="$TOOLS/kiota-$KIOTA_VERSION/kiota"
if [[ ! -x $kiota ]]; then
  log "installing Kiota $KIOTA_VERSION (dotnet tool, into $TOOLS/kiota-$KIOTA_VERSION)"
  install_log="$(mktemp)"
  dotnet tool install --tool-path "$TOOLS/kiota-$KIOTA_VERSION" Microsoft.OpenApi.Kiota --version "$KIOTA_VERSION" >"$install_log" 2>&1 ||
    { cat "$install_log" >&2; die "dotnet tool install Microsoft.OpenApi.Kiota $KIOTA_VERSION failed"; }
  rm -f "$install_log"
fi
[[ -x $kiota ]] || die "Kiota is not at $kiota after its installation"

command -v node >/dev/null && command -v npm >/dev/null || ensure_packages nodejs npm
node_version="$(node -p 'process.versions.node')"
redocly_version=$REDOCLY_VERSION
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
  redocly_version=$REDOCLY_VERSION_OLD_NODE
fi
redocly_dir="$TOOLS/redocly-$redocly_version"
redocly="$redocly_dir/node_modules/.bin/redocly"
if [[ ! -x $redocly ]]; then
  log "installing @redocly/cli $redocly_version (npm, node $node_version, into $redocly_dir)"
  install_log="$(mktemp)"
  mkdir -p "$redocly_dir"
  npm install --prefix "$redocly_dir" --no-audit --no-fund --no-save --save-exact "@redocly/cli@$redocly_version" >"$install_log" 2>&1 ||
    { cat "$install_log" >&2; die "npm install @redocly/cli@$redocly_version failed"; }
  rm -f "$install_log"
fi
[[ -x $redocly ]] || die "the Redocly CLI is not at $redocly after its installation"

# --- the documents ----------------------------------------------------------------------------
work="$(mktemp -d)"
if [[ ${KEEP_CLIENTS:-0} == 1 ]]; then
  trap 'log "documents and clients kept in $work"' EXIT
else
  trap 'rm -rf "$work"' EXIT
fi

mapfile -t services < <(existing_services | awk '{ print $1 }')
((${#services[@]} > 0)) || die "no service under functions/"
# An app is built (Release) unless its assembly is newer than every source it is built from
# (scripts/test.sh has just built the solution; even a no-op build of an app takes a minute here).
stale=()
for name in "${services[@]}"; do
  dll="$(service_dll "$name")"
  if [[ ! -f $dll ]] || [[ -n "$(find "$REPO/functions/$name" "$REPO/shared" "$REPO"/Directory.* \
    -path '*/bin' -prune -o -path '*/obj' -prune -o -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' \) \
    -newer "$dll" -print -quit)" ]]; then
    stale+=("$name")
  fi
done
if ((${#stale[@]} > 0)); then
  log "building ${stale[*]} (Release)"
  build_log="$(mktemp)"
  for name in "${stale[@]}"; do
    dotnet build "$REPO/functions/$name/$name.csproj" -c Release -v q -nologo -tl:off -clp:ErrorsOnly >"$build_log" 2>&1 ||
      { grep -v '^\s*$' "$build_log" >&2; die "the build of $name failed"; }
  done
  rm -f "$build_log"
fi

for name in "${services[@]}"; do
  dll="$(service_dll "$name")"
  out="$work/$name.openapi.json"
  (cd "$(dirname "$dll")" && dotnet "$dll" openapi "$out") || die "$name did not write its OpenAPI document (dotnet $dll openapi)"
  [[ -s $out ]] || die "$name wrote an empty OpenAPI document"
done

# --- Kiota and Redocly on each ----------------------------------------------------------------
failures=0
fail() {
  log "FAIL: $*"
  failures=$((failures + 1))
}

summary=()
for name in "${services[@]}"; do
  doc="$work/$name.openapi.json"
  client="$work/clients/$name"

  # Kiota: exit 0, TypeScript files written, and no OpenAPI warning but "the format uri is not
  # supported ... the string type will be used" (a URL is a string in TypeScript anyway), which is
  # counted and shown. Any other warning fails: e.g. "a polymorphic type but does not define a
  # discriminator. This will result in serialization errors" means a client that cannot read a response.
  kiota_out="$work/$name.kiota.log"
  rc=0
  "$kiota" generate --language typescript --openapi "$doc" --output "$client" \
    --class-name "${name}Client" --clean-output --log-level Warning >"$kiota_out" 2>&1 || rc=$?
  ts_files=0
  [[ -d $client ]] && ts_files="$(find "$client" -type f -name '*.ts' | wc -l)"
  kiota_warnings="$(grep -c 'OpenAPI warning:' "$kiota_out" || true)"
  if ((rc != 0)) || ((ts_files == 0)); then
    cat "$kiota_out" >&2
    fail "$name: kiota generate -l typescript exited $rc and wrote $ts_files .ts files"
  elif ((kiota_warnings > 0)); then
    grep -o 'OpenAPI warning:.*' "$kiota_out" | sed "s/^/  $name kiota: /" >&2
    kiota_other="$(grep 'OpenAPI warning:' "$kiota_out" | grep -vc 'The format uri is not supported by Kiota' || true)"
    ((kiota_other == 0)) || fail "$name: Kiota warned $kiota_other times about something other than the uri format (above)"
  fi

  # Redocly: 0 errors; warnings are printed (those left on purpose are explained in redocly.yaml).
  lint_json="$work/$name.redocly.json"
  rc=0
  (cd "$REPO" && "$redocly" lint --config "$REPO/redocly.yaml" --format json "$doc" >"$lint_json" 2>"$work/$name.redocly.err") || rc=$?
  if ! counts="$(node -e '
      const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      const t = r.totals || {};
      for (const p of r.problems || []) {
        const at = (p.location || []).map(l => l.pointer).join(" ");
        console.error(`  ${process.argv[2]} redocly: ${p.severity} ${p.ruleId}: ${p.message} ${at}`);
      }
      console.log(`${t.errors ?? -1} ${t.warnings ?? -1}`);' "$lint_json" "$name")"; then
    cat "$lint_json" "$work/$name.redocly.err" >&2
    fail "$name: redocly lint exited $rc without a readable report"
    continue
  fi
  read -r lint_errors lint_warnings <<<"$counts"
  if ((lint_errors != 0)) || ((rc != 0 && lint_errors == 0)); then
    fail "$name: redocly lint found $lint_errors errors (exit $rc)"
  fi
  summary+=("$(printf '%-17s kiota: %3d .ts files, %d warnings   redocly: %d errors, %d warnings' \
    "$name" "$ts_files" "$kiota_warnings" "$lint_errors" "$lint_warnings")")
done

for line in "${summary[@]}"; do
  log "$line"
done
((failures == 0)) || die "$failures OpenAPI client check(s) failed ($((SECONDS - t0)) s)"
log "Kiota $KIOTA_VERSION generated a TypeScript client from each of the ${#services[@]} documents and Redocly $redocly_version (node $node_version) found no error, in $((SECONDS - t0)) s"
