#!/usr/bin/env bash
# `npm test`: type check, lint, then every test with node's own runner, against one
# stack of real services (Kafka, S3, MLflow) on loopback ports that every test file shares.
#
# - Variables already set (KAFKA_BROKERS, MLFLOW_TRACKING_URI, AWS_ENDPOINT_URL) mean
#   "use these services": nothing is started for them. So a user with a running stack
#   can `eval "$(npm run -s services -- env)"; npm test`.
# - Otherwise the missing services start in the background while tsc and eslint run,
#   in `.state/services/test-<pid>/`, and are stopped when this script exits, however it exits.
# - TEST_FILTER=regex narrows the test files (e.g. TEST_FILTER=test/events); services
#   start only when a selected file uses test/support/stack.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

# Node 20's runner takes no globs: list the files.
mapfile -t files < <(find test -name '*.test.ts' | sort | grep -E "${TEST_FILTER:-.}" || true)
if [ "${#files[@]}" -eq 0 ]; then echo "no test files match TEST_FILTER=${TEST_FILTER:-}" >&2; exit 1; fi

parts=()
if grep -lq "support/stack" "${files[@]}" 2>/dev/null; then
  [ -n "${KAFKA_BROKERS:-}" ] || parts+=(kafka)
  [ -n "${AWS_ENDPOINT_URL:-}${MLFLOW_S3_ENDPOINT_URL:-}" ] || parts+=(s3)
  [ -n "${MLFLOW_TRACKING_URI:-}" ] || parts+=(mlflow)
fi

stack_pid=""
if [ "${#parts[@]}" -gt 0 ]; then
  stack="test-$$"
  stack_out="$(mktemp)"; stack_err="$(mktemp)"
  services() { node --import tsx scripts/services.ts "$@"; }
  stop_stack() {
    [ -z "$stack_pid" ] || wait "$stack_pid" 2>/dev/null || true
    services down --stack "$stack" >/dev/null 2>&1 || true
    rm -rf ".state/services/$stack" "$stack_out" "$stack_err"
  }
  trap stop_stack EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  echo "== services: starting ${parts[*]} in the background"
  services up --stack "$stack" --parts "$(IFS=,; echo "${parts[*]}")" >"$stack_out" 2>"$stack_err" &
  stack_pid=$!
fi

echo "== typecheck"; node node_modules/typescript/bin/tsc --noEmit
echo "== lint"; node node_modules/eslint/bin/eslint.js .

if [ -n "$stack_pid" ]; then
  echo "== services"
  if ! wait "$stack_pid"; then stack_pid=""; cat "$stack_err" >&2; exit 1; fi
  stack_pid=""
  cat "$stack_err"
  # Only what is not already set: services given by the caller win.
  while IFS= read -r line; do
    assignment="${line#export }"; name="${assignment%%=*}"
    [ -n "${!name:-}" ] || export "${assignment?}"
  done <"$stack_out"
fi

echo "== tests"
# One file at a time: the services and the wasm backend would otherwise fight over 2 cores.
node --import tsx --test --test-concurrency=1 "${files[@]}"
