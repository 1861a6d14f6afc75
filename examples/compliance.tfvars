# Compliance: everything stored about calls under your own KMS key, recordings locked against
# deletion (S3 Object Lock), and numbers whose calls are never recorded. A production setup.
# Copy to terraform.tfvars, set the key, the lock and the numbers, then `npm run check:tfvars --
# terraform.tfvars` and `npm run deploy`. Details: docs/compliance.md.

# The key below must be in this Region: S3, DynamoDB, SQS, SNS and CloudWatch Logs use keys of
# their own Region only.
region      = "us-east-1"
name_prefix = "call-recorder"

# The call source: a connector for your own trunk, TLS and SRTP only. Combine with another
# example's source (SIPREC, or your connectors) as needed.
build_asterisk     = false
require_encryption = true

# Your symmetric KMS key in this Region, as an ARN (a stand-in: replace it). It encrypts the
# bucket, the call table, the queues, the alarm topic, the logs and the do-not-record list; its key
# policy must allow what docs/compliance.md lists. "" creates a key with yearly rotation.
kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

# Write-once retention of every recording and record for 7 years. GOVERNANCE lets users granted
# s3:BypassGovernanceRetention still delete; rehearse with it, in a deployment of its own, before
# COMPLIANCE, which nobody can undo or shorten. A lock cannot be turned off once on.
recording_lock_mode = "GOVERNANCE"
recording_lock_days = 2557
# Expire recordings once the lock has ended (at least recording_lock_days; 0 keeps them).
recording_retention_days = 2557
# A lock needs RETAIN: Terraform could not empty a locked bucket.
removal_policy = "RETAIN"

# Calls from or to these numbers (E.164) are never recorded; the recorder rereads the list within
# a minute of a deploy. These are fictional 555-01xx numbers: replace them with yours.
do_not_record_numbers = ["+12065550100", "+12065550101"]

# Who hears about calls that could not be recorded; set it to an address someone reads.
alarm_email        = ""
log_retention_days = 365
