#!/usr/bin/env bash
# Applies the plan saved by terraform-plan.sh, exactly as reviewed: a saved plan applies no more
# and no less, and Terraform refuses it if the state changed since it was made.
#
#   scripts/ci/terraform-apply.sh STACK_DIR
set -euo pipefail

stack_dir=${1:?usage: terraform-apply.sh STACK_DIR}
if [[ ! -f "$stack_dir/tfplan" ]]; then
  echo "terraform-apply: no saved plan at $stack_dir/tfplan" >&2
  exit 1
fi

terraform -chdir="$stack_dir" apply -input=false -no-color -lock-timeout=5m tfplan
