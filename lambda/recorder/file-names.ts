import { createHash } from "node:crypto";
import type { CallDetails } from "./call-record";
import type { RecordingFormat } from "./recording-check";

/**
 * How recordings and records are named: the `recording_file_name` template, the call id as a file
 * name, and the keys and destination built from them. The stack checks templates with the same
 * placeholders (stacks/variables.ts), so this module imports no SDK.
 */

/** The placeholders `recording_file_name` may use, in the order docs/recordings-and-records.md lists them. */
export const FILE_NAME_PLACEHOLDERS = ["callId", "transactionId", "date", "time", "fromNumber", "toNumber", "direction"] as const;
export type FileNamePlaceholder = (typeof FILE_NAME_PLACEHOLDERS)[number];

export const DEFAULT_FILE_NAME = "{callId}";

/** Characters a template may hold besides placeholders: those of the destination ARN's pattern. */
const TEMPLATE_LITERAL = /^[A-Za-z0-9._:/-]*$/;
/** What stands in for a value the events did not carry, e.g. the numbers of a call whose legs both failed. */
const UNKNOWN_VALUE = "unknown";

/**
 * Why `template` cannot name recordings, or null when it can. Terraform checks the same at plan time
 * (stacks/variables.ts); this guards a function whose environment was edited by hand.
 */
export function fileNameTemplateProblem(template: string): string | null {
  const names = [...template.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1]);
  const unknown = names.filter((name) => !(FILE_NAME_PLACEHOLDERS as readonly string[]).includes(name));
  if (unknown.length > 0) return `has unknown placeholders ${unknown.map((name) => `{${name}}`).join(", ")}`;
  const literal = template.replace(/\{[^{}]*\}/g, "");
  if (!TEMPLATE_LITERAL.test(literal)) return "has characters other than letters, digits, placeholders and . _ : / -";
  if (!names.includes("callId") && !names.includes("transactionId")) {
    return "names no {callId} or {transactionId}, so every call would write the same file";
  }
  if (template.startsWith("/") || template.endsWith("/") || template.includes("//")) {
    return "has an empty folder (a leading, trailing or doubled /)";
  }
  return null;
}

/** Bytes an S3 destination ARN holds as they are; every other byte is written `_XX` (hex). */
const KEY_SAFE = /[A-Za-z0-9.-]/;

/**
 * The call id as a file name an S3 destination ARN (^arn[\/\:\-\_\.a-zA-Z0-9]+$) accepts:
 * letters, digits, `.` and `-` stay, every other UTF-8 byte (`_` included, so that no two call
 * ids share a name) becomes `_` and two hex digits. A Chime UUID is unchanged.
 */
export function callFileName(callId: string): string {
  let name = "";
  for (const byte of Buffer.from(callId, "utf8")) {
    const char = String.fromCharCode(byte);
    name += KEY_SAFE.test(char) ? char : `_${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return name;
}

export interface FileNameFacts {
  callId: string;
  /** The call's start: the earliest leg's. */
  startMs: number;
  details: CallDetails;
}

/** A value as the destination ARN's pattern accepts it: numbers lose their `+`, the rest is encoded like the call id. */
function safe(value: string | null, isNumber = false): string {
  if (value === null || value === "") return UNKNOWN_VALUE;
  return callFileName(isNumber ? value.replace(/^\+/, "") : value);
}

/** The recording's file name (no extension) from the template; date and time are the call's start in UTC. */
export function recordingFileName(template: string, { callId, startMs, details }: FileNameFacts): string {
  const start = new Date(startMs).toISOString();
  const values: Record<FileNamePlaceholder, string> = {
    callId: callFileName(callId),
    transactionId: safe(details.transactionId),
    date: start.slice(0, 10),
    time: start.slice(11, 19).replaceAll(":", "-"),
    fromNumber: safe(details.fromNumber, true),
    toNumber: safe(details.toNumber, true),
    direction: safe(details.direction),
  };
  return template.replace(/\{([^{}]*)\}/g, (_, name: FileNamePlaceholder) => values[name]);
}

export const AUDIO_EXTENSION: Record<RecordingFormat, string> = { Wav: "wav", Opus: "ogg" };

export interface RecordLocation {
  /** The recording's key without surrounding slashes. */
  recordingPrefix: string;
  /** Where records go; "" puts each beside its recording. Without surrounding slashes. */
  metadataPrefix: string;
}

const join = (prefix: string, name: string): string => (prefix === "" ? name : `${prefix}/${name}`);

export function recordingKey(
  location: Pick<RecordLocation, "recordingPrefix">,
  fileName: string,
  format: RecordingFormat,
): string {
  return join(location.recordingPrefix, `${fileName}.${AUDIO_EXTENSION[format]}`);
}

/** The record's key: the recording's with `.json`, or the same file name under `metadataPrefix`. */
export function recordKey(location: RecordLocation, fileName: string): string {
  return join(location.metadataPrefix === "" ? location.recordingPrefix : location.metadataPrefix, `${fileName}.json`);
}

/** Where the pipeline writes recordings: the parts of its S3 destination ARN. */
export interface RecordingDestination {
  /** Wav or Opus: the file's format and extension. */
  recordingFormat: RecordingFormat;
  partition: string;
  recordingBucket: string;
  /** Already normalised: no leading, trailing or repeated slashes. */
  recordingPrefix: string;
}

/** `fileName` is recording_file_name filled in for the call (recordingFileName), without extension. */
export function recordingDestination(settings: RecordingDestination, fileName: string): string {
  return `arn:${settings.partition}:s3:::${settings.recordingBucket}/${recordingKey(settings, fileName, settings.recordingFormat)}`;
}

/**
 * The longest S3RecordingSinkRuntimeConfiguration.Destination the API takes (its shape `Arn`, max
 * 1024, in botocore's chime-sdk-media-pipelines 2021-07-15), which is also S3's limit on a key.
 */
export const MAX_DESTINATION_LENGTH = 1_024;
/** Hex digits of the hash that keeps shortened file names apart. */
const NAME_HASH_LENGTH = 16;

/**
 * `fileName`, or when the destination ARN or the record's key would be longer than 1,024
 * characters, its start followed by `-` and a hash of the whole name: still one name per call. A
 * 256-byte call id of `@`s is 768 characters encoded, so a long prefix and bucket can overflow.
 * The destination and the keys hold ASCII only, so characters are bytes.
 */
export function fitFileName(settings: RecordingDestination & RecordLocation, fileName: string): string {
  const room =
    MAX_DESTINATION_LENGTH -
    Math.max(recordingDestination(settings, "").length, recordKey(settings, "").length, recordingKey(settings, "", "Wav").length);
  if (fileName.length <= room) return fileName;
  const hash = createHash("sha256").update(fileName).digest("hex").slice(0, NAME_HASH_LENGTH);
  return `${fileName.slice(0, room - NAME_HASH_LENGTH - 1)}-${hash}`;
}
