export declare const PIPELINE_CONFIGURATION_ARN: string;
export declare const RECORDING_BUCKET: string;
export declare const RECORDER_VARIABLES: readonly string[];
export interface RecorderTargets {
  tableEndpoint: string;
  tableName: string;
  pipelinesUrl: string;
  deadLetterQueueUrl: string;
  /** The loopback S3 holding the recordings and the records. */
  s3Url: string;
  voiceConnectorId: string;
}
export declare function recorderEnv(targets: RecorderTargets, overrides?: Record<string, string>): Record<string, string>;
