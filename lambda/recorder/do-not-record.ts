import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import type { CallDetails } from "./call-record";
import { classifyAwsError, preview, RejectedRecordingError } from "./errors";

const E164 = /^\+[1-9][0-9]{1,14}$/;

/** Which of the call's numbers is listed, by the event's member name; undefined when neither is. */
export type ListedParty = "fromNumber" | "toNumber";

export interface DoNotRecordList {
  /** Reads the list (at most once per cache period) and says which of the call's numbers is on it. */
  match(numbers: { fromNumber?: string; toNumber?: string }, callId: string): Promise<ListedParty | undefined>;
}

/** The numbers a stored call is matched by: those its events carried. */
export const numbersOf = (details: CallDetails): { fromNumber?: string; toNumber?: string } => ({
  fromNumber: details.fromNumber ?? undefined,
  toNumber: details.toNumber ?? undefined,
});

/** No parameter configured: nothing is listed, and SSM is never called. */
export const EMPTY_LIST: DoNotRecordList = { match: async () => undefined };

/** Characters written between a number's digits for reading only: spaces, "-", ".", "(" and ")". */
const VISUAL_SEPARATORS = /[\s\-.()]/g;

/**
 * The digits a number is compared by, however an event or the list writes it: without a `sip:`,
 * `sips:` or `tel:` scheme, angle brackets, anything from the first "@" (a SIP URI's host) or ";"
 * (URI parameters), visual separators and a leading "+". `sip:+12065550100@host` and
 * `tel:+1-206-555-0100` both give "12065550100". A number without "+" is not guessed into E.164
 * (no national prefix is added), so "2065550100" matches only a listed "+2065550100". Undefined when
 * nothing but digits remains to compare.
 */
export function comparableNumber(value: string): string | undefined {
  const bare = value
    .trim()
    .replace(/^<(.*)>$/, "$1")
    .replace(/^(sips?|tel):/i, "")
    .split(/[@;?]/)[0]
    .replace(VISUAL_SEPARATORS, "")
    .replace(/^\+/, "");
  return /^[0-9]+$/.test(bare) ? bare : undefined;
}

class InvalidDoNotRecordList extends Error {
  override readonly name = "InvalidDoNotRecordList";
}

/** The listed numbers' digits, without their "+": E.164 entries only, so nothing else needs normalising. */
function parseList(parameterName: string, value: string | undefined): Set<string> {
  const invalid = (problem: string) =>
    new InvalidDoNotRecordList(
      `parameter ${parameterName} ${problem} (got ${preview(value)}); expected a JSON array of E.164 numbers such as ["+12065550100"]`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(value ?? "");
  } catch {
    throw invalid("is not JSON");
  }
  if (!Array.isArray(parsed)) throw invalid("is not a JSON array");
  const wrong = parsed.filter((n) => typeof n !== "string" || !E164.test(n));
  if (wrong.length > 0) throw invalid(`holds entries that are not E.164 numbers: ${preview(wrong)}`);
  return new Set((parsed as string[]).map((number) => number.slice(1)));
}

/**
 * The do-not-record list from its SSM parameter (a SecureString holding a JSON array), reread once `cacheMs`
 * have passed: a change applies to calls whose ENDED arrives at most that long after it (docs/compliance.md). A list
 * that cannot be read or is malformed fails the event, which the queue delivers again: a call is never
 * recorded because its list was unknown, and its audio waits in Kinesis Video Streams meanwhile.
 */
export function createDoNotRecordList(
  client: SSMClient,
  parameterName: string,
  cacheMs: number,
  now: () => number,
): DoNotRecordList {
  let cached: { numbers: Set<string>; readAtMs: number } | undefined;

  async function numbers(callId: string): Promise<Set<string>> {
    if (cached && now() - cached.readAtMs < cacheMs) return cached.numbers;
    let value: string | undefined;
    try {
      const answer = await client.send(new GetParameterCommand({ Name: parameterName, WithDecryption: true }));
      value = answer.Parameter?.Value;
    } catch (error) {
      throw classifyAwsError(error, { callId, operation: "GetParameter" });
    }
    try {
      cached = { numbers: parseList(parameterName, value), readAtMs: now() };
    } catch (error) {
      throw new RejectedRecordingError(error, { callId, operation: "GetParameter" });
    }
    return cached.numbers;
  }

  return {
    async match({ fromNumber, toNumber }, callId) {
      const listed = await numbers(callId);
      const isListed = (number: string | undefined) => {
        const digits = number === undefined ? undefined : comparableNumber(number);
        return digits !== undefined && listed.has(digits);
      };
      if (isListed(fromNumber)) return "fromNumber";
      if (isListed(toNumber)) return "toNumber";
      return undefined;
    },
  };
}
