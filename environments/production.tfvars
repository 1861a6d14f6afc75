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
build_asterisk = false
# TLS signalling (port 5061) and SRTP media only: the SBCs must offer both.
require_encryption = true
# The public IPv4 ranges your SBCs send SIPREC from, each /27 or narrower, at most 10: the voice
# connector admits no one else. These are documentation addresses (RFC 5737) standing for a
# primary and a standby SBC: the plan refuses them, naming siprec_cidrs, until you replace them
# with yours, so CI cannot deploy a connector no SBC can reach.
siprec_cidrs = [
  "198.51.100.0/28", # primary SBC pair
  "203.0.113.32/32", # standby SBC
]
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
