#!/usr/bin/env bash
# The main job on the example fleet in this repo: install, build, then show what
# nixsec knows and generates for secrets/ (see README "Try it").
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
bash scripts/demo-steps.sh
