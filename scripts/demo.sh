#!/usr/bin/env bash
# The README's first command: installs what is missing, builds adrestore, and walks through
# validating the example runbooks and one broken plan.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh
bash scripts/build.sh dev >/dev/null
bin="$root/build/dev/adrestore"

step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "$2"; }

step "Validate the example runbooks" "adrestore validate plans/"
"$bin" validate plans/

step "A broken plan: every error with file:line:col, field and a fix" "adrestore validate doc/examples/broken-plan.yaml"
"$bin" validate doc/examples/broken-plan.yaml || echo "(exit code $?: the plan is invalid)"
