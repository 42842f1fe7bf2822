#!/usr/bin/env bash
# The docs stand alone: every relative link in the repository's Markdown files points at a file or
# folder inside the repository, and no document points at the design folder beside the project
# (someone who clones the project does not have it). Web links and in-page anchors are not checked.
set -euo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$REPO"

bad=0 checked=0
while IFS= read -r file; do
  if grep -n '\.\./shared' "$file" >/dev/null; then
    grep -n '\.\./shared' "$file" | while IFS= read -r line; do warn "$file:$line: points outside the repository"; done
    bad=$((bad + 1))
  fi
  dir="$(dirname "$file")"
  while IFS= read -r target; do
    target="${target%%#*}"
    [[ -z $target || $target == http://* || $target == https://* || $target == mailto:* ]] && continue
    checked=$((checked + 1))
    resolved="$(realpath -m "$dir/$target")"
    if [[ $resolved != "$REPO"/* && $resolved != "$REPO" ]]; then
      warn "$file: link '$target' leaves the repository"
      bad=$((bad + 1))
    elif [[ ! -e $resolved ]]; then
      warn "$file: link '$target' points at nothing"
      bad=$((bad + 1))
    fi
  done < <(grep -oE '\]\([^)[:space:]]+\)' "$file" | sed -E 's/^\]\((.*)\)$/\1/')
done < <(git ls-files --cached --others --exclude-standard '*.md')

((bad == 0)) || die "$bad broken or outside link(s) in the docs"
log "docs: $checked relative links checked, all inside the repository"
