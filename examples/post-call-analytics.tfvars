# Post Call Analytics hand-off: recordings written into PCA's input bucket, named so that PCA reads
# the call id, the agent, the customer and the call's time out of each file name, for a connector
# that takes customers' calls (inbound). Combine it with the call source of another example
# (SIPREC, or your connectors); here the stack creates a connector you connect your own trunk to.
# Copy to terraform.tfvars, set output_bucket, then `npm run check:tfvars -- terraform.tfvars` and
# `npm run deploy`. Details: docs/recordings-and-records.md ("Use with Post Call Analytics").

# PCA's Region and account: media insights pipelines write only to buckets of their own.
region      = "us-east-1"
name_prefix = "call-recorder"

# A connector with no trunk settings, for the PBX or carrier you connect yourself.
build_asterisk = false

# PCA's input bucket (a stand-in name: replace it). This stack never modifies or deletes it, and
# adds no bucket notification (PCA installs its own).
output_bucket = "pca-input-bucket-name"
# PCA's default input prefix; PCA starts a job for every object created under it.
recording_bucket_prefix = "originalAudio"
# The preset PCA parses: the called number is the agent, the caller the customer. For calls agents
# place (outbound), swap {toNumber} and {fromNumber} and set PCA's SpeakerNames to "Agent | Caller".
recording_file_name = "{direction}_GUID_{callId}_AGENT_{toNumber}_CUST_{fromNumber}_DT_{date}T{time}"
# The per-call records go outside PCA's input prefix, or PCA would start a job for each of them.
metadata_prefix = "callRecords"
# PCA's Call Analytics mode needs two-channel WAV.
recording_format = "Wav"

# RETAIN keeps a bucket this stack creates; with output_bucket it creates none and never deletes
# PCA's. Set for every production deployment, so a later switch to a created bucket keeps it.
removal_policy = "RETAIN"

# Who hears about calls that could not be recorded; set it to an address someone reads.
alarm_email = ""
