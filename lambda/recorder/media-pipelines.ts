import {
  type ChimeSDKMediaPipelinesClient,
  CreateMediaInsightsPipelineCommand,
  type CreateMediaInsightsPipelineCommandInput,
} from "@aws-sdk/client-chime-sdk-media-pipelines";
import { classifyAwsError, RetryableRecordingError } from "./errors";

export interface MediaPipelines {
  /** Returns the pipeline ARN; the request's token makes a repeated call return the same pipeline. */
  startRecording(callId: string, request: CreateMediaInsightsPipelineCommandInput): Promise<string>;
}

const OPERATION = "CreateMediaInsightsPipeline";

export function createMediaPipelines(client: ChimeSDKMediaPipelinesClient): MediaPipelines {
  return {
    async startRecording(callId, request) {
      let pipelineArn: string | undefined;
      try {
        const response = await client.send(new CreateMediaInsightsPipelineCommand(request));
        pipelineArn = response.MediaInsightsPipeline?.MediaPipelineArn;
      } catch (error) {
        throw classifyAwsError(error, { callId, operation: OPERATION });
      }
      if (pipelineArn === undefined) {
        throw new RetryableRecordingError(new Error("the response carries no MediaInsightsPipeline.MediaPipelineArn"), { callId, operation: OPERATION });
      }
      return pipelineArn;
    },
  };
}
