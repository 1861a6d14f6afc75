import {
  type ChimeSDKMediaPipelinesClient,
  CreateMediaInsightsPipelineCommand,
  type CreateMediaInsightsPipelineCommandInput,
} from "@aws-sdk/client-chime-sdk-media-pipelines";
import { classifyAwsError } from "./errors";

export interface MediaPipelines {
  /**
   * Starts the pipeline and returns its ARN when the response names it. A success means the
   * pipeline exists, ARN or not; the request's token makes a repeated call return the same one.
   */
  startRecording(callId: string, request: CreateMediaInsightsPipelineCommandInput): Promise<string | undefined>;
}

export function createMediaPipelines(client: ChimeSDKMediaPipelinesClient): MediaPipelines {
  return {
    async startRecording(callId, request) {
      try {
        const response = await client.send(new CreateMediaInsightsPipelineCommand(request));
        return response.MediaInsightsPipeline?.MediaPipelineArn;
      } catch (error) {
        throw classifyAwsError(error, { callId, operation: "CreateMediaInsightsPipeline" });
      }
    },
  };
}
