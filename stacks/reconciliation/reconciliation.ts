import type { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import type { TerraformResource } from "cdktf";
import { Construct } from "constructs";
import type { RecordingStorage } from "../storage/recording-storage";
import { ReconcilerFunction } from "./reconciler-function";
import { ReconciliationAlarms } from "./reconciliation-alarms";
import { ReconciliationSchedule } from "./reconciliation-schedule";
import type { ReconciliationVariables } from "./reconciliation-variables";

export interface ReconciliationProps {
  readonly vars: ReconciliationVariables;
  readonly storage: RecordingStorage;
  /** HCL of the recorded connectors' ids (a list). */
  readonly voiceConnectorIds: string;
  readonly bundleDir: string;
  readonly logLevel: string;
  readonly logRetentionDays: number;
  /** The topic the recorder's alarms notify. */
  readonly topic: SnsTopic;
  readonly namePrefix: string;
  readonly accountId: string;
  readonly region: string;
}

/** The daily comparison of the connectors' detail records with the call records: function, schedule and alarms. */
export class Reconciliation extends Construct {
  /** What the storage key's policy must name for the reconciler. */
  readonly keyUsers: { readonly reconcilerRoleArn: string; readonly reconcilerLogGroupArn: string };
  /** Resources whose service uses the storage key as soon as they are created. */
  readonly keyUsersOnCreation: readonly TerraformResource[];

  constructor(scope: Construct, id: string, props: ReconciliationProps) {
    super(scope, id);
    const { vars, storage, namePrefix, accountId, region } = props;
    const functionName = `${namePrefix}-reconciler`;
    const reconciler = new ReconcilerFunction(this, "reconciler-function", {
      functionName,
      bundleDir: props.bundleDir,
      callDetailRecordsBucket: vars.callDetailRecordsBucket,
      detailRecords: vars.detailRecords,
      recordsBucket: storage.bucket.bucketName,
      recordsBucketArn: storage.bucket.bucketArn,
      recordsByDayPrefix: storage.recordIndexPrefix,
      voiceConnectorIds: props.voiceConnectorIds,
      callTableName: storage.calls.table.name,
      callTableArn: storage.calls.table.arn,
      kmsKeyArn: storage.key.keyArn,
      region,
      accountId,
      logLevel: props.logLevel,
      logRetentionDays: props.logRetentionDays,
    });
    new ReconciliationSchedule(this, "reconciliation-schedule", {
      namePrefix,
      callDetailRecordsBucket: vars.callDetailRecordsBucket,
      hour: vars.reconciliationHour,
      reconciler: reconciler.function,
    });
    new ReconciliationAlarms(this, "reconciliation-alarms", {
      namePrefix,
      callDetailRecordsBucket: vars.callDetailRecordsBucket,
      topic: props.topic,
    });
    this.keyUsers = {
      reconcilerRoleArn: reconciler.role.arn,
      reconcilerLogGroupArn: `arn:aws:logs:${region}:${accountId}:log-group:/aws/lambda/${functionName}`,
    };
    this.keyUsersOnCreation = [reconciler.logGroup];
  }
}
