# SIPREC from your session border controller: the voice connector is the SBC's recording server,
# and the recorder stores each call. A production setup: the recordings outlive a destroy.
# Copy to terraform.tfvars, set siprec_cidrs and alarm_email, then `npm run check:tfvars --
# terraform.tfvars` and `npm run deploy`. Then hand the SBC's administrator the siprec_destination
# output. Walkthrough: docs/calls-into-the-connector.md ("Walkthrough: record SIPREC from your SBC").

# Any Region with call recording: us-east-1, us-west-2 or eu-central-1.
region      = "us-east-1"
name_prefix = "call-recorder"
tags = {
  Environment = "production"
}

# No test PBX: its default, true, cannot be combined with siprec_cidrs.
build_asterisk = false
# The public IPv4 ranges your SBCs send SIPREC from, each /27 or narrower, at most 10: the voice
# connector admits no one else. This is a documentation address (RFC 5737) standing for your SBC:
# the plan refuses it, naming siprec_cidrs, until you replace it with yours.
siprec_cidrs = ["198.51.100.0/28"]
# TLS signalling (port 5061) and SRTP media only: the SBC must offer both.
require_encryption = true
# Countries the connector may place outbound calls to.
calling_regions = ["US"]

# Keep the bucket and its recordings when the stack is destroyed (destroy then stops at the plan;
# docs/operations.md, "Keeping recordings on destroy"). Recordings are kept until you delete them:
# set recording_retention_days to expire them under your retention policy.
removal_policy           = "RETAIN"
recording_retention_days = 0

# Who hears about calls that could not be recorded; set it to an address someone reads.
alarm_email        = ""
log_retention_days = 90
