import {
  type ChimeSDKMediaPipelinesClient,
  CreateMediaInsightsPipelineCommand,
  type CreateMediaInsightsPipelineCommandInput,
  GetMediaPipelineCommand,
} from "@aws-sdk/client-chime-sdk-media-pipelines";
import { classifyAwsError } from "./errors";

export interface MediaPipelines {
  /**
   * Starts the pipeline and returns its ARN when the response names it. A success means the
   * pipeline exists, ARN or not; the request's token makes a repeated call return the same one.
   */
  startRecording(callId: string, request: CreateMediaInsightsPipelineCommandInput): Promise<string | undefined>;
  /** The pipeline's status (`Failed`, `Stopped`, `InProgress`, ...), or `NotFound` when the service no longer knows it. */
  pipelineStatus(callId: string, pipelineArn: string): Promise<string>;
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

    async pipelineStatus(callId, pipelineArn) {
      // The ARN ends with the pipeline's id: arn:aws:chime:<region>:<account>:media-pipeline/<id>.
      const MediaPipelineId = pipelineArn.slice(pipelineArn.lastIndexOf("/") + 1);
      try {
        const response = await client.send(new GetMediaPipelineCommand({ MediaPipelineId }));
        return response.MediaPipeline?.MediaInsightsPipeline?.Status ?? "Unknown";
      } catch (error) {
        if (error instanceof Error && error.name === "NotFoundException") return "NotFound";
        throw classifyAwsError(error, { callId, operation: "GetMediaPipeline" });
      }
    },
  };
}
