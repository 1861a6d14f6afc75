import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { classifyAwsError, preview, RejectedRecordingError } from "./errors";

const E164 = /^\+[1-9][0-9]{1,14}$/;

/** Which of the call's numbers is listed, by the event's member name; undefined when neither is. */
export type ListedParty = "fromNumber" | "toNumber";

export interface DoNotRecordList {
  /** Reads the list (at most once per cache period) and says which of the call's numbers is on it. */
  match(numbers: { fromNumber?: string; toNumber?: string }, callId: string): Promise<ListedParty | undefined>;
}

/** No parameter configured: nothing is listed, and SSM is never called. */
export const EMPTY_LIST: DoNotRecordList = { match: async () => undefined };

class InvalidDoNotRecordList extends Error {
  override readonly name = "InvalidDoNotRecordList";
}

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
  return new Set(parsed as string[]);
}

/**
 * The do-not-record list from its SSM parameter (a SecureString holding a JSON array), reread once `cacheMs`
 * have passed: a change applies to calls whose ENDED arrives at most that long after it (README). A list
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
      if (fromNumber !== undefined && listed.has(fromNumber)) return "fromNumber";
      if (toNumber !== undefined && listed.has(toNumber)) return "toNumber";
      return undefined;
    },
  };
}
