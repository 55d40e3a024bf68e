#!/usr/bin/env bash
# Pre-job hook (ACTIONS_RUNNER_HOOK_JOB_STARTED): checks this runner before a job's first step.
# The job's checkout is not there yet, so this checks the machine (tools, disk, onnxruntime's
# providers, GPUs, MODELGATE_DEVICE); the workflow's own `npx modelgate doctor` step, after
# `npm ci`, checks the project's training commands too.
set -euo pipefail
if ! command -v modelgate >/dev/null; then
  echo "modelgate doctor: the toolkit is not installed in this runner image (build it with MODELGATE_PACKAGE); skipping" >&2
  exit 0
fi
exec modelgate doctor
