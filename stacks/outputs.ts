import type { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { TerraformOutput, type TerraformStack, type TerraformVariable } from "cdktf";
import type { CallRecordsTable } from "./analytics/call-records-table";
import type { QueryWorkgroup } from "./analytics/query-workgroup";
import type { RecordedConnectors } from "./connector/recorded-connectors";
import type { SipTrunk } from "./connector/sip-trunk";
import { hcl, varRef } from "./hcl";
import type { AsteriskPbx } from "./pbx/asterisk-pbx";
import type { CallRecorder } from "./recorder/call-recorder";
import type { RecordingStorage } from "./storage/recording-storage";

/** What the outputs report, from each concern of the stack. */
export interface OutputSources {
  readonly connectors: RecordedConnectors;
  readonly trunk: SipTrunk;
  /** The test PBX's phone number (null without it). */
  readonly phoneNumber: string;
  readonly pbx: AsteriskPbx;
  readonly buildAsterisk: TerraformVariable;
  readonly region: string;
  readonly storage: RecordingStorage;
  readonly recorder: CallRecorder;
  readonly dashboard: CloudwatchDashboard;
  readonly records: CallRecordsTable;
  readonly queries: QueryWorkgroup;
}

/**
 * The stack's outputs, each with the description `terraform output` and the README's generated table show. Declared on the stack
 * itself, so their names are the outputs' names in `cdktf output` too.
 */
export function declareOutputs(stack: TerraformStack, from: OutputSources): void {
  const { connectors, pbx, storage, recorder } = from;
  const output = (name: string, description: string, value: string): void => {
    new TerraformOutput(stack, name, { description, value }).overrideLogicalId(name);
  };
  output(
    "recorded_voice_connector_ids",
    "IDs of the voice connectors whose calls are recorded: the given voice_connector_ids, or the one this stack created.",
    hcl(connectors.recordedIds),
  );
  output(
    "voice_connector_id",
    "ID of the voice connector this stack created and records. null when it records voice_connector_ids instead (see voice_connector_ids).",
    connectors.createdId,
  );
  output(
    "voice_connector_host",
    "Host name of the created voice connector (<id>.voiceconnector.chime.aws): where a PBX or SBC sends calls. null with voice_connector_ids.",
    connectors.createdHost,
  );
  output(
    "phone_number",
    "Phone number of the test PBX (E.164): call it to hear the echo test, recorded. null when build_asterisk = false.",
    hcl(from.phoneNumber),
  );
  output(
    "pbx_public_ip",
    "Elastic IP of the test PBX: the voice connector's origination target and a softphone's SIP server. null when build_asterisk = false.",
    hcl(pbx.publicIp),
  );
  output(
    "pbx_session_command",
    "Opens a shell on the test PBX through Session Manager; the softphone's account is in /root/softphone.txt there. null when build_asterisk = false.",
    hcl(`${varRef(from.buildAsterisk)} ? "aws ssm start-session --target ${hcl(pbx.instanceId)} --region ${from.region}" : null`),
  );
  output(
    "siprec_destination",
    "Where your SBC sends SIPREC: the voice connector's host, the transports it accepts and the sources it admits. null without siprec_cidrs.",
    hcl(from.trunk.siprecDestination),
  );
  output("recording_bucket_name", "Bucket the recordings are written to.", storage.bucket.bucketName);
  output(
    "recording_location",
    "Where each call's recording lands: <location><recording_file_name>.wav (.ogg for Opus), caller leg on the first channel, and its JSON record beside it unless metadata_prefix is set.",
    `s3://${storage.bucket.bucketName}/${storage.recordingKeyPrefix}`,
  );
  output("call_table_name", "DynamoDB table pairing the two legs of each call.", storage.calls.table.name);
  output(
    "media_insights_pipeline_configuration_arn",
    "ARN of the media insights pipeline configuration recordings are started from.",
    recorder.pipelineConfigurationArn,
  );
  output("recorder_function_name", "Lambda function that starts the recordings.", recorder.function.functionName);
  output("recorder_log_group", "CloudWatch log group of the recorder: one JSON line per event.", recorder.logGroup.name);
  output(
    "dashboard_name",
    "CloudWatch dashboard of the recorder: calls by outcome, recordings by check status, refused pipeline requests, late legs, inferred ends and pipeline retries, the queue, dead letters and the function.",
    from.dashboard.dashboardName,
  );
  output(
    "athena_workgroup",
    "Athena workgroup that runs the saved queries (find_call, unrecorded_calls, calls_per_day); results kept 24 hours, encrypted with the recorder's key.",
    from.queries.workgroup.name,
  );
  output("athena_database", "Glue database holding the call_records table.", from.records.databaseName);
  output(
    "call_records_table",
    "Athena table of the call records, one row per call, partitioned by start_day (the call's start day in UTC).",
    from.records.tableName,
  );
  output(
    "dead_letter_queue_url",
    "Calls that could not be recorded after every retry; redrive them once the cause is fixed.",
    recorder.deadLetterQueue.url,
  );
}
