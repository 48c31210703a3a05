#!/usr/bin/env bash
# The GitHub Action's step (action.yml): check the links of INPUT_FILES, print workflow
# annotations on the records' lines, and append a Markdown summary to $GITHUB_STEP_SUMMARY.
# Inputs arrive as INPUT_* environment variables; the exit code is papercite's (0, 1, 2).
set -uo pipefail

read -r -a files <<< "${INPUT_FILES:?the files input is required}"
args=(--format github --fail-on "${INPUT_FAIL_ON:-broken}")
if [ -n "${INPUT_ACCEPT:-}" ]; then
  args+=(--accept "$INPUT_ACCEPT")
fi
while IFS= read -r pattern; do
  if [ -n "$pattern" ]; then
    args+=(--exclude "$pattern")
  fi
done <<< "${INPUT_EXCLUDE:-}"

summary="$(mktemp "${RUNNER_TEMP:-/tmp}/papercite-summary.XXXXXX")"
# "--": a file named like an option ("--exclude=.*", "-oX.json") is still a file.
papercite check-links "${args[@]}" --report "markdown:$summary" -- "${files[@]}"
status=$?
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -s "$summary" ]; then
  cat "$summary" >> "$GITHUB_STEP_SUMMARY"
fi
rm -f "$summary"
exit "$status"
