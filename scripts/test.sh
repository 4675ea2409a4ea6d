#!/usr/bin/env bash
# The one test command (README, .ci/run). It installs what the tests need so a
# fresh machine works: Debian tools the interop tests run for real, the npm
# dependencies, the bundle. Tests that need a tool fail (never skip) when
# CI=true and the tool is missing; see test/helpers/tools.ts.
set -euo pipefail
cd "$(dirname "$0")/.."

need_debs=()
command -v age >/dev/null || need_debs+=(age)
command -v ssh-keygen >/dev/null || need_debs+=(openssh-client)
command -v nix-instantiate >/dev/null || need_debs+=(nix-bin)
command -v git >/dev/null || need_debs+=(git)
command -v tmux >/dev/null || need_debs+=(tmux)
command -v pre-commit >/dev/null || need_debs+=(pre-commit)
# --- packaging: shells the completion tests type into (test/packaging/completion.test.ts)
command -v zsh >/dev/null || need_debs+=(zsh)
command -v fish >/dev/null || need_debs+=(fish)
# and groff, which renders the generated manual pages (test/packaging/docs.test.ts)
command -v groff >/dev/null || need_debs+=(groff-base)
# --- end packaging
if [ ${#need_debs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "nixsec test: installing Debian packages: ${need_debs[*]}" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_debs[@]}" >/dev/null
  else
    echo "nixsec test: missing tools (${need_debs[*]}); install them or expect failures in CI" >&2
  fi
fi

# Go age 1.3 with its test plugins (age-plugin-tagtest, -batchpass) for the
# plugin interop tests: Debian unstable's package, fetched with a private apt
# configuration into .work/ and unpacked there, never installed.
node scripts/fetch-go-age.mjs >/dev/null || echo "nixsec test: Go age 1.3 unavailable; the plugin interop tests will fail in CI" >&2

# --- npm dependencies (packaging) ---------------------------------------------
# Exactly the locked tree. npm ci refuses a lock that disagrees with
# package.json (test/packaging/lock.test.ts keeps it agreeing, with no
# `resolved` registry URLs).
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
# --- end npm dependencies ------------------------------------------------------
npm run --silent build
npx tsc -p tsconfig.json --noEmit
npx vitest run "$@"
