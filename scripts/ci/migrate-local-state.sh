#!/usr/bin/env bash
# Moves the state of a stack deployed with `npm run deploy` (cdktf's local backend) into the S3
# state bucket CI uses, once. Terraform migrates from a copy of the stack folder, removed on exit,
# so CI's backend override never lands in the stack folder. The local state file is then renamed
# (LOCAL_STATE.migrated), so a later `npm run deploy` cannot act on a copy that no longer changes.
#
#   scripts/ci/migrate-local-state.sh [STACK_DIR]
#
# Environment: as terraform-init.sh (TF_STATE_BUCKET, TF_STATE_KEY, TF_STATE_REGION).
set -euo pipefail

stack_dir=${1:-cdktf.out/stacks/call-recorder}
here=$(dirname "${BASH_SOURCE[0]}")
if [[ ! -f "$stack_dir/.terraform/terraform.tfstate" ]]; then
  echo "migrate-local-state: $stack_dir is not initialised with the local backend; run npm run deploy (or npm run synth and terraform init there) first" >&2
  exit 1
fi
local_state=$(node -e 'const c = require(process.argv[1]); console.log(c.terraform?.backend?.local?.path ?? "")' "$(realpath "$stack_dir/cdk.tf.json")")
# cdktf writes an absolute path; a relative one would be read from the copy, which holds no state.
if [[ "$local_state" != /* ]]; then
  echo "migrate-local-state: the local backend path \"$local_state\" in cdk.tf.json is not absolute" >&2
  exit 1
fi
if [[ ! -f "$local_state" ]]; then
  echo "migrate-local-state: no local state file $local_state to migrate" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/migrate-state.XXXXXX")
trap 'rm -rf "$work"' EXIT
# With .terraform/, which records the local backend Terraform migrates from.
cp -R "$stack_dir/." "$work/"

bash "$here/terraform-init.sh" "$work" -migrate-state -force-copy
mv "$local_state" "$local_state.migrated"
echo "migrate-local-state: state is in s3://$TF_STATE_BUCKET/$TF_STATE_KEY; the local copy is now $local_state.migrated"
