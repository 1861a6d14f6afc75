# The voice connectors you already run: record the calls of connectors that carry production calls
# today, with their own numbers, trunks and SBCs managed elsewhere. The stack creates no connector,
# trunk, PBX or number, and changes nothing on your connectors but their streaming configuration.
# Copy to terraform.tfvars, set the ids, then `npm run check:tfvars -- terraform.tfvars` and
# `npm run deploy`. Walkthrough: docs/calls-into-the-connector.md ("Walkthrough: record the voice
# connectors you already run"), which shows how to read each connector's streaming configuration.

# The connectors' own Region: a connector in another Region would stay silent.
region      = "us-east-1"
name_prefix = "call-recorder"

# Its default, true, needs a connector this stack creates.
build_asterisk = false
# Each connector's id, 22 lower-case letters and digits (`aws chime-sdk-voice list-voice-connectors`),
# at most 10. This one is a stand-in: replace it with yours.
voice_connector_ids = ["abcdefghij0123456789ab"]
# The stack replaces each connector's whole streaming configuration. Carry over what the current
# one holds that another consumer relies on, keyed by the connector's id: SNS or SQS notification
# targets, an attached media insights configuration, a longer retention. {} keeps nothing.
voice_connector_streaming = {
  "abcdefghij0123456789ab" = { notification_targets = [] }
}
# true where each connector streams already: the first plan then shows an update of its streaming
# configuration rather than a create. Import fails on a connector that does not stream yet.
import_voice_connector_streaming = false

# Keep the bucket and its recordings when the stack is destroyed (docs/operations.md, "Keeping
# recordings on destroy").
removal_policy = "RETAIN"

# Who hears about calls that could not be recorded; set it to an address someone reads.
alarm_email = ""
