#!/usr/bin/env bash
# Plans the initialised stack with one environment's tfvars and saves the plan for apply.
#
#   scripts/ci/terraform-plan.sh STACK_DIR TFVARS_FILE
#
# Writes STACK_DIR/tfplan (the saved plan) and STACK_DIR/plan.txt (its text, for review), sets
# the step output has-changes=true|false, and adds the plan to the job summary.
set -euo pipefail

stack_dir=${1:?usage: terraform-plan.sh STACK_DIR TFVARS_FILE}
tfvars=${2:?usage: terraform-plan.sh STACK_DIR TFVARS_FILE}
if [[ ! -f "$tfvars" ]]; then
  echo "terraform-plan: tfvars file $tfvars not found" >&2
  exit 1
fi
# -chdir makes relative paths relative to the stack folder.
tfvars=$(realpath "$tfvars")

status=0
terraform -chdir="$stack_dir" plan -input=false -no-color -lock-timeout=5m \
  -var-file="$tfvars" -out=tfplan -detailed-exitcode || status=$?
# -detailed-exitcode: 0 no changes, 1 error, 2 changes.
if [[ $status -eq 1 ]]; then
  exit 1
fi

terraform -chdir="$stack_dir" show -no-color tfplan >"$stack_dir/plan.txt"

has_changes=false
[[ $status -eq 2 ]] && has_changes=true
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  echo "has-changes=$has_changes" >>"$GITHUB_OUTPUT"
fi

if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  {
    echo "### Terraform plan: $(basename "$tfvars")"
    echo
    grep -E '^(Plan:|No changes\.)' "$stack_dir/plan.txt" || true
    echo
    echo '<details><summary>Plan</summary>'
    echo
    echo '```text'
    head -c 900000 "$stack_dir/plan.txt"
    echo '```'
    echo '</details>'
  } >>"$GITHUB_STEP_SUMMARY"
fi
