#!/usr/bin/env bash
# Plans on a laptop exactly as CI does (terraform-init.sh, then terraform-plan.sh), in a copy of
# the synthesized stack. CI's backend override and S3-initialised .terraform/ stay in the copy, which
# is removed on exit, so the stack folder keeps cdktf's local backend and `npm run deploy` works next.
#
#   scripts/ci/plan-locally.sh TFVARS_FILE [STACK_DIR]
#
# Environment: as terraform-init.sh (TF_STATE_BUCKET, TF_STATE_KEY, TF_STATE_REGION). The plan's
# text is kept as STACK_DIR/../plan-<tfvars name>.txt.
set -euo pipefail

tfvars=${1:?usage: plan-locally.sh TFVARS_FILE [STACK_DIR]}
stack_dir=${2:-cdktf.out/stacks/call-recorder}
here=$(dirname "${BASH_SOURCE[0]}")
if [[ ! -f "$stack_dir/cdk.tf.json" ]]; then
  echo "plan-locally: $stack_dir/cdk.tf.json not found; run npm run synth first" >&2
  exit 1
fi
if [[ ! -f "$tfvars" ]]; then
  echo "plan-locally: tfvars file $tfvars not found" >&2
  exit 1
fi
tfvars=$(realpath "$tfvars")

work=$(mktemp -d "${TMPDIR:-/tmp}/plan-locally.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Everything terraform reads, without the local backend's initialisation.
tar -C "$stack_dir" --exclude=./.terraform --exclude=./backend_override.tf.json -cf - . | tar -C "$work" -xf -

bash "$here/terraform-init.sh" "$work"
bash "$here/terraform-plan.sh" "$work" "$tfvars"
plan_text="$(dirname "$stack_dir")/plan-$(basename "$tfvars" .tfvars).txt"
cp "$work/plan.txt" "$plan_text"
echo "plan-locally: plan text in $plan_text"
