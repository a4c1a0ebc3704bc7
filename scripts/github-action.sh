#!/usr/bin/env bash
# The run step of licheck's GitHub Action (action.yml), kept here so it can be tested.
#
# One licheck run writes three outputs: the SARIF report ($SARIF), the workflow annotations
# (stdout, which the runner reads) and the Markdown review report, appended to the job
# summary ($GITHUB_STEP_SUMMARY). The exit code goes to $GITHUB_OUTPUT as `exit-code`; this
# script itself exits 0 so the SARIF can be uploaded before a later step fails the job.
#
# Inputs (environment): TARGETS (space-separated), CONTEXT, CONFIG, FAIL_ON, OFFLINE, STRICT
# ("true"/"false"), SARIF (path), LICHECK (the command; default: licheck).
set -uo pipefail

licheck=${LICHECK:-licheck}
args=(check --fail-on "${FAIL_ON:-error}" -o "sarif=${SARIF:-licheck.sarif}" -o "github=-")
summary=""
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  summary=$(mktemp "${RUNNER_TEMP:-/tmp}/licheck-summary.XXXXXX")
  args+=(-o "markdown=$summary")
fi
[ -n "${CONTEXT:-}" ] && args+=(--context "$CONTEXT")
[ -n "${CONFIG:-}" ] && args+=(--config "$CONFIG")
[ "${OFFLINE:-false}" = "true" ] && args+=(--offline)
[ "${STRICT:-false}" = "true" ] && args+=(--strict)
# TARGETS is split on whitespace on purpose (one input, several targets).
# shellcheck disable=SC2206
targets=(${TARGETS:-})

# shellcheck disable=SC2086
$licheck "${args[@]}" "${targets[@]}"
code=$?

if [ -n "$summary" ]; then
  if [ -s "$summary" ]; then
    cat "$summary" >> "$GITHUB_STEP_SUMMARY"
  elif [ "$code" -eq 2 ]; then
    printf '## licheck could not run\n\nSee the step log: licheck exited 2 (bad arguments or input).\n' \
      >> "$GITHUB_STEP_SUMMARY"
  fi
  rm -f "$summary"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "exit-code=$code" >> "$GITHUB_OUTPUT"
  if [ -s "${SARIF:-licheck.sarif}" ]; then
    echo "sarif-written=true" >> "$GITHUB_OUTPUT"
  else
    echo "sarif-written=false" >> "$GITHUB_OUTPUT"
  fi
fi
exit 0
