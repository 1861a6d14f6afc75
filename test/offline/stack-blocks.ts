/**
 * The synthesized stack's blocks by what deploys them, without instance keys (blocksOf in terraform.ts): the
 * resource sets the deployment modes are specified by.
 */

/** The recorder itself: every deployment has these, whichever connectors it records (and whatever else all share). */
export const RECORDER = [
  "aws_chimesdkmediapipelines_media_insights_pipeline_configuration.recording",
  "aws_cloudwatch_event_rule.call_streams_ended",
  "aws_cloudwatch_event_rule.pipeline_permanent_failure",
  "aws_cloudwatch_event_rule.sweep_pending_calls",
  "aws_cloudwatch_event_target.call_streams_ended",
  "aws_cloudwatch_event_target.pipeline_permanent_failure",
  "aws_cloudwatch_event_target.sweep_pending_calls",
  "aws_cloudwatch_log_group.recorder",
  "aws_cloudwatch_metric_alarm.calls_not_recorded",
  "aws_cloudwatch_metric_alarm.recording_pipelines_failed",
  "aws_dynamodb_table.calls",
  "aws_iam_role.media_pipeline_access",
  "aws_iam_role.recorder",
  "aws_iam_role_policy.media_pipeline_access",
  "aws_iam_role_policy.recorder",
  "aws_lambda_event_source_mapping.recorder",
  "aws_lambda_function.recorder",
  "aws_sns_topic.recorder_alarms",
  "aws_sqs_queue.recorder",
  "aws_sqs_queue.recorder_dead_letter",
  "aws_sqs_queue_policy.recorder",
  "data.aws_caller_identity.current",
];
/** The voice connector the stack creates unless voice_connector_ids names the operator's own. */
export const CREATED_CONNECTOR = [
  "aws_chime_voice_connector.recorded",
  "aws_chime_voice_connector_logging.recorded",
  "aws_chime_voice_connector_streaming.recorded",
];
/** Streaming on each of the operator's own connectors (voice_connector_ids). */
export const GIVEN_STREAMING = ["aws_chime_voice_connector_streaming.given"];
export const CREATED_BUCKET = [
  "aws_s3_bucket.recordings",
  "aws_s3_bucket_ownership_controls.recordings",
  "aws_s3_bucket_policy.recordings",
  "aws_s3_bucket_public_access_block.recordings",
  "aws_s3_bucket_server_side_encryption_configuration.recordings",
];
export const RETAIN_GUARD = ["terraform_data.retain_recordings", "terraform_data.retain_key"];
export const CREATED_KEY = ["aws_kms_alias.recordings", "aws_kms_key.recordings", "aws_kms_key_policy.recordings"];
export const OBJECT_LOCK = [
  "aws_s3_bucket_object_lock_configuration.recordings",
  "aws_s3_bucket_versioning.recordings",
  "terraform_data.retain_object_lock",
];
export const EXPIRY = ["aws_s3_bucket_lifecycle_configuration.recordings"];
export const GIVEN_KEY_READ = ["data.aws_kms_key.given"];
export const PBX = [
  "aws_eip.pbx",
  "aws_iam_instance_profile.pbx",
  "aws_iam_role.pbx",
  "aws_iam_role_policy_attachment.pbx_session_manager",
  "aws_instance.pbx",
  "aws_internet_gateway.pbx",
  "aws_network_interface.pbx",
  "aws_route.pbx_internet",
  "aws_route_table.pbx_public",
  "aws_route_table_association.pbx_public",
  "aws_security_group.pbx",
  "aws_subnet.pbx_public",
  "aws_vpc.pbx",
  "aws_vpc_security_group_egress_rule.pbx_outbound",
  "aws_vpc_security_group_ingress_rule.pbx_from_voice_connector",
  "data.aws_ec2_instance_type_offerings.pbx_instance_type",
];
export const PBX_IMAGE = /^data\.aws_ami\./;
export const PHONE_NUMBER = [
  "aws_ssm_parameter.phone_number",
  "data.aws_ssm_parameter.phone_number",
  "null_resource.phone_number",
];
export const SOFTPHONE = ["aws_vpc_security_group_ingress_rule.pbx_from_softphone"];
export const ORIGINATION = ["aws_chime_voice_connector_origination.recorded"];
export const TERMINATION = ["aws_chime_voice_connector_termination.recorded"];
