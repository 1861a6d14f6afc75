export declare const VOICE_CONNECTOR_ID: string;
export type Side = "caller" | "callee";
export type StreamingStatus = "STARTED" | "UPDATED" | "ENDED" | "FAILED";
export interface LegTimes {
  streamArn: string;
  startMs: number;
  endMs: number;
}
export interface Call {
  callId: string;
  voiceConnectorId: string;
  caller: LegTimes;
  callee: LegTimes;
}
export interface EventBridgeEvent {
  version: string;
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}
export declare function makeCall(callId: string, options?: { voiceConnectorId?: string; offsetMs?: number }): Call;
/** `makeCall` with the callee's stream starting `agoMs` before now. */
export declare function recentCall(callId: string, agoMs: number): Call;
export declare function streamingEvent(call: Call, side: Side, status: StreamingStatus): EventBridgeEvent;
export declare function callEvents(call: Call): EventBridgeEvent[];
export declare function permanentFailureEvent(options: {
  callId?: string;
  pipelineArn: string;
  failureReason?: string;
  /** The runtime metadata the pipeline was created with, echoed in `detail`. */
  metadata?: Record<string, string>;
}): EventBridgeEvent;
