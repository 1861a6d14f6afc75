# The test PBX: an Asterisk PBX on EC2 with a phone number of its own, to call and hear recorded.
# For trying the recorder, not for keeping recordings: destroy deletes them (removal_policy below).
# Copy to terraform.tfvars, then `npm run check:tfvars -- terraform.tfvars` and `npm run deploy`.
# Walkthrough: docs/calls-into-the-connector.md ("Walkthrough: call the test PBX").

# The PBX's security group knows the voice connector's address ranges of us-east-1 and us-west-2
# only; the plan refuses another Region with build_asterisk = true.
region      = "us-east-1"
name_prefix = "call-recorder-test"

# The default: the stack creates the PBX, orders a phone number for it and points the voice
# connector at it. Ordering the number needs the AWS CLI v2 where Terraform runs.
build_asterisk = true

# Where the number is from: a US state, or an area code, which takes precedence when set.
phone_number_state     = "WA"
phone_number_area_code = ""

# A softphone may register with the PBX from these public ranges, e.g. your address as /32.
softphone_cidrs = []

# Who hears about calls that could not be recorded; the address must confirm the subscription.
# "" subscribes nobody.
alarm_email = ""

# DESTROY: `npm run destroy` empties and deletes the bucket, recordings included. Right for a test;
# set "RETAIN" to keep the recordings (docs/operations.md, "Keeping recordings on destroy").
removal_policy = "DESTROY"
# Test recordings expire after a week.
recording_retention_days = 7

# DEBUG logs every decision of the recorder, and every SIP message on the PBX.
log_level = "INFO"
