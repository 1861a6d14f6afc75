import type { EndedLeg } from "./call";
import type { CallState } from "./call-state";
import {
  fitFileName,
  type RecordingDestination,
  type RecordLocation,
  recordingFileName,
  recordingKey,
  recordKey,
} from "./file-names";

/** What names a call's files: the template, where recordings and records go, and their format. */
export interface FileSettings extends RecordingDestination, RecordLocation {
  /** recording_file_name, already checked (fileNameTemplateProblem). */
  recordingFileName: string;
}

/**
 * The call's file name from recording_file_name, fitted to the destination's limit; its date and
 * time are the earliest start of `streams`, or without them of every known leg. A call without legs
 * has no start: the time it is closed (`now`) stands in.
 */
export function fileNameOf(
  settings: FileSettings,
  state: Pick<CallState, "callId" | "legs" | "details">,
  streams: readonly EndedLeg[],
  now: () => number,
): string {
  const legs = streams.length > 0 ? streams : [...state.legs.ended, ...state.legs.open];
  const startMs = legs.length === 0 ? now() : Math.min(...legs.map((leg) => leg.startMs));
  return fitFileName(
    settings,
    recordingFileName(settings.recordingFileName, { callId: state.callId, startMs, details: state.details }),
  );
}

/** Where the recording named `fileName` and its record go. */
export function keysOf(settings: FileSettings, fileName: string): { recordingKey: string; recordKey: string } {
  return {
    recordingKey: recordingKey(settings, fileName, settings.recordingFormat),
    recordKey: recordKey(settings, fileName),
  };
}
