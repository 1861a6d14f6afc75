/**
 * The calls docs/finding-calls.md shows `npm run calls` finding: records written by the recorder's own
 * callRecord(), on one connector over 2026-12-05 to 2026-12-07 (UTC). The fake Athena of the script's
 * tests answers with what the saved queries return over them in DuckDB.
 */
import { type CallDetails, callRecord, type RecordInput } from "../../../lambda/recorder/call-record";

export const CONNECTOR = "abcdefghijklmnopqrstuv";
export const NUMBER = "+12065550100";
const OFFICE = "+14155550123";
const BUCKET = "call-recorder-recordings-111122223333-us-east-1";
const ACCOUNT = "111122223333";
/** When the records were written: the day a record without a start is filed under. */
export const WRITTEN_AT_MS = Date.parse("2026-12-06T23:40:00.000Z");

const at = (iso: string) => Date.parse(iso);

interface ExampleCall {
  callId: string;
  transactionId: string;
  direction: "Inbound" | "Outbound";
  from: string;
  to: string;
  /** The legs' start and end; none for a call whose legs all failed. */
  legs: [startIso: string, endIso: string][];
  decided: RecordInput["decided"];
  verification?: { status: "verified" | "missing"; checkedAtIso: string };
  failureReason?: string;
  failedLegEvents?: number;
}

function record(call: ExampleCall) {
  const details: CallDetails = {
    transactionId: call.transactionId,
    direction: call.direction,
    fromNumber: call.from,
    toNumber: call.to,
    siprecMetadata: null,
    inviteHeaders: null,
  };
  const roles = ["caller", "callee"] as const;
  const channels = call.legs.map(([start, end], index) => ({
    role: roles[index],
    streamArn: `arn:aws:kinesisvideo:us-east-1:${ACCOUNT}:stream/ChimeVoiceConnector-${CONNECTOR}-${roles[index]}/${at(start)}`,
    startMs: at(start),
    endMs: at(end),
  }));
  const requestedAtMs = channels.length === 0 ? null : Math.max(...channels.map((channel) => channel.endMs)) + 1_000;
  const pipelineArn = requestedAtMs === null ? null : `arn:aws:chime:us-east-1:${ACCOUNT}:media-pipeline/${call.callId}`;
  const audio = call.verification?.status === "verified";
  const lasted = channels.length === 0 ? null : (requestedAtMs ?? 0) - 1_000 - Math.min(...channels.map((c) => c.startMs));
  return callRecord({
    callId: call.callId,
    voiceConnectorId: CONNECTOR,
    details,
    decided: call.decided,
    channels,
    recording: { bucket: BUCKET, key: `recordings/${call.callId}.wav`, format: "Wav", pipelineArn, requestedAtMs },
    verification:
      call.verification === undefined
        ? null
        : {
            status: call.verification.status,
            checkedAtMs: at(call.verification.checkedAtIso),
            bytes: audio && lasted !== null ? 44 + lasted * 32 : null,
            channels: audio ? 2 : null,
            sampleRateHz: audio ? 8_000 : null,
            durationSeconds: audio && lasted !== null ? lasted / 1000 : null,
            reason: audio ? null : "no object at the recording's key",
          },
    failedLegEvents: call.failedLegEvents ?? 0,
    attempts:
      call.failureReason === undefined ? [] : [{ attempt: 1, pipelineArn, requestedAtMs, failureReason: call.failureReason }],
  });
}

export const EXAMPLE_RECORDS = [
  record({
    callId: "a41c9e07-2b3d-4f58-9e61-7d0c8b5a4f32",
    transactionId: "5d2e8f10-6a7b-4c9d-8e0f-1a2b3c4d5e6f",
    direction: "Inbound",
    from: NUMBER,
    to: OFFICE,
    legs: [
      ["2026-12-05T09:30:01.020Z", "2026-12-05T09:34:12.480Z"],
      ["2026-12-05T09:30:00.120Z", "2026-12-05T09:34:12.300Z"],
    ],
    decided: "recorded",
    verification: { status: "verified", checkedAtIso: "2026-12-05T09:39:13.480Z" },
  }),
  record({
    callId: "6f1e2d3c-4b5a-4987-8a6b-5c4d3e2f1a0b",
    transactionId: "7f6e5d4c-3b2a-4908-b7e6-d5c4b3a29180",
    direction: "Inbound",
    from: NUMBER,
    to: OFFICE,
    legs: [
      ["2026-12-06T14:05:13.100Z", "2026-12-06T14:10:24.700Z"],
      ["2026-12-06T14:05:12.345Z", "2026-12-06T14:10:24.845Z"],
    ],
    decided: "recorded",
    verification: { status: "verified", checkedAtIso: "2026-12-06T14:15:25.845Z" },
  }),
  record({
    callId: "3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b",
    transactionId: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
    direction: "Outbound",
    from: OFFICE,
    to: NUMBER,
    legs: [
      ["2026-12-06T14:11:40.002Z", "2026-12-06T14:13:15.250Z"],
      ["2026-12-06T14:11:40.910Z", "2026-12-06T14:13:15.100Z"],
    ],
    decided: "recorded",
    verification: { status: "missing", checkedAtIso: "2026-12-06T14:18:16.250Z" },
    failureReason: "Access denied when assuming resource access role",
  }),
  record({
    callId: "0c9b8a7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d",
    transactionId: "2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091",
    direction: "Inbound",
    from: "+12065550177",
    to: OFFICE,
    legs: [],
    decided: "no_audio",
    failedLegEvents: 2,
  }),
  record({
    callId: "c7d8e9f0-1a2b-4c3d-8e4f-5a6b7c8d9e0f",
    transactionId: "e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7",
    direction: "Inbound",
    from: NUMBER,
    to: OFFICE,
    legs: [
      ["2026-12-06T23:58:10.500Z", "2026-12-07T00:04:41.120Z"],
      ["2026-12-06T23:58:09.870Z", "2026-12-07T00:04:41.300Z"],
    ],
    decided: "recorded",
    verification: { status: "verified", checkedAtIso: "2026-12-07T00:09:42.300Z" },
  }),
  record({
    callId: "d2e3f4a5-b6c7-4d8e-9f01-a2b3c4d5e6f7",
    transactionId: "f0e1d2c3-b4a5-4697-8877-665544332211",
    direction: "Outbound",
    from: OFFICE,
    to: NUMBER,
    legs: [
      ["2026-12-07T00:06:30.400Z", "2026-12-07T00:08:02.050Z"],
      ["2026-12-07T00:06:31.220Z", "2026-12-07T00:08:01.900Z"],
    ],
    decided: "recorded",
    verification: { status: "verified", checkedAtIso: "2026-12-07T00:13:03.050Z" },
  }),
];
