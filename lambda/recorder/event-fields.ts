import type { LegRole } from "./call";
import { MalformedEventError } from "./errors";

/** Reading an event's fields: one missing or of the wrong form is a MalformedEventError that names it. */

export type Json = Record<string, unknown>;

/**
 * callId is opaque: AWS's own example shows it equal to the SIP Call-ID, which (RFC 3261) usually
 * holds `@` and other characters an S3 key or ARN cannot take, so it is encoded where it is used.
 * The bound keeps ids sane; a file name that would still make the destination ARN too long is
 * shortened with a hash (fitFileName).
 */
const CALL_ID_MAX_BYTES = 256;
const CALL_ID_FORM = `a non-empty string of at most ${CALL_ID_MAX_BYTES} bytes (UTF-8)`;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;
const TIMESTAMP_FORM = "an ISO-8601 timestamp such as 2023-04-05T22:14:17.788Z";

export const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

export function malformed(field: string, value: unknown, problem: string, accepted: string): MalformedEventError {
  return new MalformedEventError({ field, value, problem, accepted });
}

export function parseJson(body: string): Json {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw malformed("body", body, "is not JSON", "an EventBridge event as a JSON object");
  }
  if (!isObject(parsed)) throw malformed("body", parsed, "is not a JSON object", "an EventBridge event as a JSON object");
  return parsed;
}

export function detailOf(event: Json): Json {
  const detail = event.detail;
  if (!isObject(detail)) throw malformed("detail", detail, "is missing or not an object", "an object with the event's fields");
  return detail;
}

export function callIdOf(detail: Json): string {
  const value = detail.callId;
  if (typeof value !== "string" || value === "") throw malformed("detail.callId", value, "is missing or empty", CALL_ID_FORM);
  if (Buffer.byteLength(value, "utf8") > CALL_ID_MAX_BYTES) throw malformed("detail.callId", value, "is too long", CALL_ID_FORM);
  return value;
}

export function nonEmptyString(detail: Json, name: string, accepted: string): string {
  const value = detail[name];
  if (typeof value !== "string" || value === "") throw malformed(`detail.${name}`, value, "is missing or empty", accepted);
  return value;
}

export function timeOf(detail: Json, name: string): number {
  const value = detail[name];
  const ms = typeof value === "string" && ISO_8601.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw malformed(`detail.${name}`, value, "is not a timestamp", TIMESTAMP_FORM);
  return ms;
}

/** Absent for SIPREC from an SBC that sends no RFC 7865 recording metadata: the role is unknown. */
export function roleOf(detail: Json): LegRole | undefined {
  const value = detail.isCaller;
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") throw malformed("detail.isCaller", value, "is not a boolean", "true, false or absent");
  return value ? "caller" : "callee";
}

export const optionalString = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
