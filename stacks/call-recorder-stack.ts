import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { NullProvider } from "@cdktf/provider-null/lib/provider";
import { dependable, TerraformLocal, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { ConnectorVariables } from "./connector/connector-variables";
import { GivenConnectors } from "./connector/given-connectors";
import { PhoneNumber } from "./connector/phone-number";
import { SipTrunk } from "./connector/sip-trunk";
import { VoiceConnector } from "./connector/voice-connector";
import { addressOf, countedAttribute, hcl, hclMap, hclNumber, varRef } from "./hcl";
import { LossAlarms } from "./observability/loss-alarms";
import { OperationsDashboard } from "./observability/operations-dashboard";
import { RecorderAlarms } from "./observability/recorder-alarms";
import { RecordingAlarms } from "./observability/recording-alarms";
import { AsteriskPbx } from "./pbx/asterisk-pbx";
import { PbxNetwork } from "./pbx/pbx-network";
import { ReconcilerFunction } from "./reconciliation/reconciler-function";
import { ReconciliationAlarms } from "./reconciliation/reconciliation-alarms";
import { ReconciliationSchedule } from "./reconciliation/reconciliation-schedule";
import { ReconciliationVariables } from "./reconciliation/reconciliation-variables";
import { DoNotRecordList } from "./recorder/do-not-record-list";
import { MediaInsightsPipeline } from "./recorder/media-insights-pipeline";
import { RecorderEvents } from "./recorder/recorder-events";
import { RecorderFunction } from "./recorder/recorder-function";
import { RecorderQueue } from "./recorder/recorder-queue";
import { CallTable } from "./storage/call-table";
import { EncryptionKey } from "./storage/encryption-key";
import { RecordingBucket } from "./storage/recording-bucket";
import { rootVariable, Variables } from "./variables";

export interface CallRecorderStackProps {
  /** Folder holding the built recorder bundle (`dist/recorder`). */
  readonly recorderBundleDir: string;
  /** Folder holding the built reconciler bundle (`dist/reconciler`). */
  readonly reconcilerBundleDir: string;
}

/** The whole recorder in one Terraform configuration; every per-environment choice is a variable. */
export class CallRecorderStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: CallRecorderStackProps) {
    super(scope, id);
    this.addOverride("terraform.required_version", ">= 1.9");
    const vars = new Variables(this, "variables");
    const connectorVars = new ConnectorVariables(this, "connector-variables", { vars });
    const reconciliationVars = new ReconciliationVariables(this, "reconciliation-variables");

    new AwsProvider(this, "aws", {
      region: vars.region.stringValue,
      defaultTags: [
        { tags: hclMap(`merge({ Application = "chime-call-recorder", ManagedBy = "terraform" }, ${varRef(vars.tags)})`) },
      ],
    });
    // Runs the phone number script (local-exec); no settings.
    new NullProvider(this, "null");
    const account = new DataAwsCallerIdentity(this, "account");
    account.overrideLogicalId("current");
    const accountId = account.accountId;
    const region = vars.region.stringValue;
    const namePrefix = vars.namePrefix.stringValue;

    const local = (name: string, expression: string): string => {
      const l = new TerraformLocal(this, name, hcl(expression));
      l.overrideLogicalId(name);
      return l.asString;
    };
    // "/a//b/" and "a/b" are the same prefix; "" means the bucket root.
    const recordingPrefix = local("recording_prefix", `join("/", compact(split("/", ${varRef(vars.recordingBucketPrefix)})))`);
    // Records go under metadata_prefix, or beside the recordings when it is "".
    const metadataPrefix = local("record_prefix", `join("/", compact(split("/", ${varRef(vars.metadataPrefix)})))`);
    const recordKeyPrefix = local(
      "record_key_prefix",
      `local.record_prefix == "" ? local.recording_key_prefix : "\${local.record_prefix}/"`,
    );
    const recordingKeyPrefix = local("recording_key_prefix", `local.recording_prefix == "" ? "" : "\${local.recording_prefix}/"`);

    // Stand-ins for the records by day's own variable and local, which supersede these two.
    rootVariable(this, "record_index_prefix", {
      type: "string",
      default: "call-records-by-day",
      description: "Key prefix of the records by day in the records' bucket.",
      rules: [
        {
          condition: `length(compact(split("/", var.record_index_prefix))) > 0 && can(regex("^[A-Za-z0-9._:/-]+$", var.record_index_prefix))`,
          errorMessage:
            'record_index_prefix: "${var.record_index_prefix}" is not a key prefix; use letters, digits and . _ : / -, at least one segment.',
        },
      ],
    });
    const recordsByDayPrefix = local("records_by_day_prefix", `join("/", compact(split("/", var.record_index_prefix)))`);

    const key = new EncryptionKey(this, "encryption-key", {
      kmsKeyArn: vars.kmsKeyArn,
      accountId,
      region,
      namePrefix,
      removalPolicy: vars.removalPolicy,
      outputBucket: vars.outputBucket,
    });

    const bucket = new RecordingBucket(this, "recording-bucket", {
      kmsKeyArn: key.keyArn,
      lockMode: vars.recordingLockMode,
      lockDays: vars.recordingLockDays,
      outputBucket: vars.outputBucket,
      recordingKeyPrefix,
      recordKeyPrefix,
      removalPolicy: vars.removalPolicy,
      retentionDays: vars.recordingRetentionDays,
      createdBucketName: `${namePrefix}-recordings-${accountId}-${region}`,
    });

    const calls = new CallTable(this, "call-table", { name: `${namePrefix}-calls`, kmsKeyArn: key.keyArn });
    const doNotRecordName = `/${namePrefix}/recorder/do-not-record-numbers`;
    const doNotRecord = new DoNotRecordList(this, "do-not-record-list", {
      name: doNotRecordName,
      numbers: vars.doNotRecordNumbers,
      kmsKeyArn: key.keyArn,
    });

    // A connector is created unless the operator's own are recorded (voice_connector_ids).
    const givenIds = varRef(connectorVars.voiceConnectorIds);
    const voiceConnector = new VoiceConnector(this, "voice-connector", {
      count: hclNumber(`length(${givenIds}) > 0 ? 0 : 1`),
      name: namePrefix,
      awsRegion: region,
      requireEncryption: vars.requireEncryption.booleanValue,
      dataRetentionHours: vars.dataRetentionHours.numberValue,
    });
    new GivenConnectors(this, "given-connectors", { connectorVars, dataRetentionHours: vars.dataRetentionHours });
    const createdConnectorId = hcl(countedAttribute(voiceConnector.connector, "id"));
    const createdConnectorHost = hcl(countedAttribute(voiceConnector.connector, "outbound_host_name"));
    // Every recorded connector: the given ones (known at plan time), or the created one, so rules and
    // policies name exactly these.
    local("recorded_connector_ids", `length(${givenIds}) > 0 ? ${givenIds} : ${addressOf(voiceConnector.connector)}[*].id`);
    const recordedIds = "local.recorded_connector_ids";

    const phoneNumber = new PhoneNumber(this, "phone-number", {
      buildAsterisk: vars.buildAsterisk,
      region: vars.region,
      areaCode: vars.phoneNumberAreaCode,
      state: vars.phoneNumberState,
      voiceConnectorId: createdConnectorId,
      parameterName: `/${namePrefix}/pbx/phone-number`,
    });
    const pbx = new AsteriskPbx(this, "asterisk-pbx", {
      buildAsterisk: vars.buildAsterisk,
      instanceType: vars.asteriskInstanceType,
      logLevel: vars.logLevel,
      namePrefix,
      network: new PbxNetwork(this, "pbx-network", {
        buildAsterisk: vars.buildAsterisk,
        region: vars.region,
        instanceType: vars.asteriskInstanceType,
        softphoneCidrs: vars.softphoneCidrs,
        namePrefix,
      }),
      voiceConnectorHost: createdConnectorHost,
      phoneNumber: phoneNumber.number,
    });
    const trunk = new SipTrunk(this, "sip-trunk", {
      voiceConnector: voiceConnector.connector,
      requireEncryption: vars.requireEncryption,
      buildAsterisk: vars.buildAsterisk,
      siprecCidrs: vars.siprecCidrs,
      callingRegions: vars.callingRegions,
      pbxPublicIp: pbx.publicIp,
    });

    const pipeline = new MediaInsightsPipeline(this, "media-insights-pipeline", {
      name: `${namePrefix}-recording`,
      accountId,
      region,
      bucketArn: bucket.bucketArn,
      recordingObjectsArn: bucket.recordingObjectsArn,
      kmsKeyArn: key.keyArn,
      voiceConnectorIds: recordedIds,
    });

    const recorderQueue = new RecorderQueue(this, "recorder-queue", { namePrefix, kmsKeyArn: key.keyArn });
    new RecorderEvents(this, "recorder-events", {
      namePrefix,
      voiceConnectorIds: recordedIds,
      queue: recorderQueue.queue,
    });
    const recorder = new RecorderFunction(this, "recorder-function", {
      functionName: `${namePrefix}-recorder`,
      bundleDir: props.recorderBundleDir,
      accountId,
      region,
      queue: recorderQueue.queue,
      deadLetterQueue: recorderQueue.deadLetterQueue,
      dataRetentionHours: vars.dataRetentionHours.numberValue,
      callTable: calls.table,
      recordingBucket: bucket.bucketName,
      recordingPrefix,
      pipelineConfigurationArn: pipeline.configuration.arn,
      voiceConnectorIds: recordedIds,
      logLevel: vars.logLevel.stringValue,
      logRetentionDays: vars.logRetentionDays.numberValue,
      callTtlDays: vars.callTtlDays.numberValue,
      maxConcurrency: vars.recorderMaxConcurrency.numberValue,
      kmsKeyArn: key.keyArn,
      recordingFormat: vars.recordingFormat.stringValue,
      doNotRecordParameter: { name: doNotRecord.parameter.name, arn: doNotRecord.parameter.arn },
      recordingFileName: vars.recordingFileName.stringValue,
      metadataPrefix,
      recordingObjectsArn: bucket.recordingObjectsArn,
      recordingBucketArn: bucket.bucketArn,
      recordingKeyPrefix,
      recordObjectsArn: `${bucket.bucketArn}/${recordKeyPrefix}*.json`,
    });
    const reconciler = new ReconcilerFunction(this, "reconciler-function", {
      functionName: `${namePrefix}-reconciler`,
      bundleDir: props.reconcilerBundleDir,
      callDetailRecordsBucket: reconciliationVars.callDetailRecordsBucket,
      detailRecords: reconciliationVars.detailRecords,
      recordsBucket: bucket.bucketName,
      recordsBucketArn: bucket.bucketArn,
      recordsByDayPrefix,
      voiceConnectorIds: recordedIds,
      callTableName: calls.table.name,
      callTableArn: calls.table.arn,
      kmsKeyArn: key.keyArn,
      region,
      accountId,
      logLevel: vars.logLevel.stringValue,
      logRetentionDays: vars.logRetentionDays.numberValue,
    });
    const keyPolicy = key.addPolicy({
      reconcilerRoleArn: reconciler.role.arn,
      reconcilerLogGroupArn: `arn:aws:logs:${region}:${accountId}:log-group:/aws/lambda/${namePrefix}-reconciler`,
      pipelineRoleArn: pipeline.resourceAccessRole.arn,
      recorderRoleArn: recorder.role.arn,
      logGroupArn: `arn:aws:logs:${region}:${accountId}:log-group:/aws/lambda/${namePrefix}-recorder`,
      parameterArn: `arn:aws:ssm:${region}:${accountId}:parameter${doNotRecordName}`,
    });
    // CloudWatch Logs and DynamoDB use the key as soon as these are created; the parameter is encrypted as it is written.
    for (const user of [recorder.logGroup, calls.table, doNotRecord.parameter, reconciler.logGroup]) {
      user.dependsOn = [...(user.dependsOn ?? []), dependable(keyPolicy)];
    }
    const alarms = new RecorderAlarms(this, "recorder-alarms", {
      namePrefix,
      deadLetterQueue: recorderQueue.deadLetterQueue,
      alarmEmail: vars.alarmEmail,
      kmsKeyArn: key.keyArn,
    });
    new RecordingAlarms(this, "recording-alarms", {
      namePrefix,
      queue: recorderQueue.queue,
      topic: alarms.topic,
    });
    new LossAlarms(this, "loss-alarms", {
      namePrefix,
      topic: alarms.topic,
    });
    new ReconciliationSchedule(this, "reconciliation-schedule", {
      namePrefix,
      callDetailRecordsBucket: reconciliationVars.callDetailRecordsBucket,
      hour: reconciliationVars.reconciliationHour,
      reconciler: reconciler.function,
    });
    new ReconciliationAlarms(this, "reconciliation-alarms", {
      namePrefix,
      callDetailRecordsBucket: reconciliationVars.callDetailRecordsBucket,
      topic: alarms.topic,
    });
    const dashboard = new OperationsDashboard(this, "operations-dashboard", {
      namePrefix,
      region,
      queue: recorderQueue.queue,
      deadLetterQueue: recorderQueue.deadLetterQueue,
      recorder: recorder.function,
      logGroup: recorder.logGroup,
    });

    const output = (name: string, description: string, value: string): void => {
      new TerraformOutput(this, name, { description, value }).overrideLogicalId(name);
    };
    output(
      "recorded_voice_connector_ids",
      "IDs of the voice connectors whose calls are recorded: the given voice_connector_ids, or the one this stack created.",
      hcl(recordedIds),
    );
    output(
      "voice_connector_id",
      "ID of the voice connector this stack created and records. null when it records voice_connector_ids instead (see voice_connector_ids).",
      createdConnectorId,
    );
    output(
      "voice_connector_host",
      "Host name of the created voice connector (<id>.voiceconnector.chime.aws): where a PBX or SBC sends calls. null with voice_connector_ids.",
      createdConnectorHost,
    );
    output(
      "phone_number",
      "Phone number of the test PBX (E.164): call it to hear the echo test, recorded. null when build_asterisk = false.",
      hcl(phoneNumber.number),
    );
    output(
      "pbx_public_ip",
      "Elastic IP of the test PBX: the voice connector's origination target and a softphone's SIP server. null when build_asterisk = false.",
      hcl(pbx.publicIp),
    );
    output(
      "pbx_session_command",
      "Opens a shell on the test PBX through Session Manager; the softphone's account is in /root/softphone.txt there. null when build_asterisk = false.",
      hcl(`${varRef(vars.buildAsterisk)} ? "aws ssm start-session --target ${hcl(pbx.instanceId)} --region ${region}" : null`),
    );
    output(
      "siprec_destination",
      "Where your SBC sends SIPREC: the voice connector's host, the transports it accepts and the sources it admits. null without siprec_cidrs.",
      hcl(trunk.siprecDestination),
    );
    output("recording_bucket_name", "Bucket the recordings are written to.", bucket.bucketName);
    output(
      "recording_location",
      "Where each call's recording lands: <location><recording_file_name>.wav (.ogg for Opus), caller leg on the first channel, and its JSON record beside it unless metadata_prefix is set.",
      `s3://${bucket.bucketName}/${recordingKeyPrefix}`,
    );
    output("call_table_name", "DynamoDB table pairing the two legs of each call.", calls.table.name);
    output(
      "media_insights_pipeline_configuration_arn",
      "ARN of the media insights pipeline configuration recordings are started from.",
      pipeline.configuration.arn,
    );
    output("recorder_function_name", "Lambda function that starts the recordings.", recorder.function.functionName);
    output("recorder_log_group", "CloudWatch log group of the recorder: one JSON line per event.", recorder.logGroup.name);
    output(
      "dashboard_name",
      "CloudWatch dashboard of the recorder: calls by outcome, recordings by check status, refused pipeline requests, late legs, inferred ends and pipeline retries, the queue, dead letters and the function.",
      dashboard.dashboard.dashboardName,
    );
    output(
      "dead_letter_queue_url",
      "Calls that could not be recorded after every retry; redrive them once the cause is fixed.",
      recorderQueue.deadLetterQueue.url,
    );
  }
}
