#!/usr/bin/env bash
# `npm test`: type check, lint, then every test with node's own runner. Integration
# tests start the real services they need (test/support/stack.ts) on loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== typecheck"; node node_modules/typescript/bin/tsc --noEmit
echo "== lint"; node node_modules/eslint/bin/eslint.js .
echo "== tests"
# One file at a time: the services and the wasm backend would otherwise fight over 2 cores.
# Node 20's runner takes no globs: list the files. TEST_FILTER narrows to paths matching a pattern.
mapfile -t files < <(find test -name '*.test.ts' | sort | grep -E "${TEST_FILTER:-.}")
exec node --import tsx --test --test-concurrency=1 "${files[@]}"
