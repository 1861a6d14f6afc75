# Production: the values CI plans on every pull request and applies from main
# (.github/workflows/terraform-plan.yml, called by pull-request.yml and main.yml).
# Every variable, its default and its rules: terraform.tfvars.example and the README's
# Configuration table. A test plans this file against the variable rules (test/docs/tfvars.test.ts).

region      = "us-east-1"
name_prefix = "call-recorder-prod"
tags = {
  Environment = "production"
}

# Production records the calls of your own SIPREC SBCs; the Asterisk test PBX is for demos.
build_asterisk     = false
require_encryption = true
# Your SBCs' public IPv4 CIDRs, each /27 or narrower, at most 10, e.g. ["198.51.100.0/27"].
siprec_cidrs    = []
calling_regions = ["US"]

# Recordings outlive a destroy; expire them under your retention policy (0 keeps them).
removal_policy           = "RETAIN"
recording_retention_days = 0
# Or write into Post Call Analytics' input bucket:
# output_bucket           = "pca-input-bucket-name"
# recording_bucket_prefix = "originalAudio"

data_retention_hours     = 24
recorder_max_concurrency = 5
call_ttl_days            = 7

log_level          = "INFO"
log_retention_days = 90
# Who hears about calls that could not be recorded ("" = nobody).
alarm_email = ""
