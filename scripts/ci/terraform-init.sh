#!/usr/bin/env bash
# Initialises the synthesized stack against the S3 remote state, for plan and apply alike.
#
#   scripts/ci/terraform-init.sh STACK_DIR [TERRAFORM_INIT_ARGS...]
#
# Environment: TF_STATE_BUCKET, TF_STATE_KEY, TF_STATE_REGION (the workflows set them from
# repository variables and the environment's name).
#
# The synthesized configuration keeps cdktf's local backend, so `cdktf deploy` works without any
# setup. CI swaps in the S3 backend with an override file (Terraform merges *_override.tf.json over
# the configuration, and a backend block there replaces the original one) and passes its settings
# with -backend-config. use_lockfile: S3-native locking (a .tflock object), no DynamoDB table.
set -euo pipefail

stack_dir=${1:?usage: terraform-init.sh STACK_DIR [TERRAFORM_INIT_ARGS...]}
shift
: "${TF_STATE_BUCKET:?set TF_STATE_BUCKET (repository variable) to the state bucket}"
: "${TF_STATE_KEY:?set TF_STATE_KEY to the state object key}"
: "${TF_STATE_REGION:?set TF_STATE_REGION (repository variable) to the state bucket region}"

if [[ ! -f "$stack_dir/cdk.tf.json" ]]; then
  echo "terraform-init: $stack_dir/cdk.tf.json not found; run npm run synth first" >&2
  exit 1
fi

printf '%s\n' '{"terraform":{"backend":{"s3":{}}}}' >"$stack_dir/backend_override.tf.json"

terraform -chdir="$stack_dir" init -input=false -no-color \
  -backend-config="bucket=$TF_STATE_BUCKET" \
  -backend-config="key=$TF_STATE_KEY" \
  -backend-config="region=$TF_STATE_REGION" \
  -backend-config="use_lockfile=true" \
  -backend-config="encrypt=true" \
  "$@"
