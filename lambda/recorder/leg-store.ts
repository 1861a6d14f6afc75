import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { EndedLeg, OpenLeg } from "./call";
import { endedLegValue, legAttribute, n, openLegValue, s } from "./call-item";
import type { CallDetails } from "./call-record";
import { type CallState, stateOf } from "./call-state";
import type { LegEnd } from "./leg-end";
import { ATTRIBUTES as A, PENDING } from "./table-schema";
import type { TableUpdate } from "./table-update";

export interface LegStoreOptions {
  /** The connector of items written before the connector was kept (one connector was recorded then). */
  defaultVoiceConnectorId: string;
  callTtlDays: number;
  legWaitSeconds: number;
}

/** What one event adds to the call item, besides what every event writes (storeEvent). */
interface EventChange {
  set: string;
  add?: string;
  names: Record<string, string>;
  values: Record<string, AttributeValue>;
}

/** Writes what the legs' events say, and what scans of open legs' streams found, into the call item. */
export function createLegStore(update: TableUpdate, options: LegStoreOptions) {
  const ttlSeconds = options.callTtlDays * 86_400;
  const legWaitMs = options.legWaitSeconds * 1000;

  /**
   * Stores what one event says. A call not yet claimed is (again) due LEG_WAIT_SECONDS after this,
   * its latest event; a claimed call keeps its place in the index, and its state tells what the
   * event means (a late leg, a redelivery).
   */
  async function storeEvent(callId: string, voiceConnectorId: string, nowMs: number, change: EventChange): Promise<CallState> {
    const set = `${change.set}, #connector = if_not_exists(#connector, :connector), #expires = if_not_exists(#expires, :expires), #first = if_not_exists(#first, :now), #last = :now`;
    const add = `ADD #version :one${change.add ?? ""}`;
    const names = {
      ...change.names,
      "#connector": A.voiceConnector,
      "#expires": A.expiresAt,
      "#first": A.firstEvent,
      "#last": A.lastEvent,
      "#version": A.version,
    };
    const values = {
      ...change.values,
      ":connector": s(voiceConnectorId),
      ":expires": n(Math.floor(nowMs / 1000) + ttlSeconds),
      ":now": n(nowMs),
      ":one": n(1),
    };
    for (let tries = 0; tries < 2; tries++) {
      const open = await update(callId, {
        expression: `SET ${set}, #pending = :pending, #since = :due ${add}`,
        condition: "attribute_not_exists(#claim) AND attribute_not_exists(#recorded)",
        names: { ...names, "#pending": A.pending, "#since": A.since, "#claim": A.claim, "#recorded": A.recorded },
        values: { ...values, ":pending": s(PENDING), ":due": n(nowMs + legWaitMs) },
        returnValues: "ALL_NEW",
      });
      if (open !== null) return stateOf(callId, open, options.defaultVoiceConnectorId);
      // Claimed, so the item exists: the condition keeps one that expired meanwhile from coming back as a stub.
      const claimed = await update(callId, {
        expression: `SET ${set} ${add}`,
        condition: "attribute_exists(#callId)",
        names: { ...names, "#callId": A.callId },
        values,
        returnValues: "ALL_NEW",
      });
      if (claimed !== null) return stateOf(callId, claimed, options.defaultVoiceConnectorId);
    }
    throw new Error(`call ${callId} expired while its event was stored`);
  }

  return {
    /** A leg's STARTED: kept unless its ENDED (or an inferred end) is there already. Details are written once. */
    storeStarted(
      callId: string,
      voiceConnectorId: string,
      leg: OpenLeg,
      details: CallDetails,
      nowMs: number,
    ): Promise<CallState> {
      return storeEvent(callId, voiceConnectorId, nowMs, {
        set: "#leg = if_not_exists(#leg, :leg), #details = if_not_exists(#details, :details)",
        names: { "#leg": legAttribute(leg), "#details": A.details },
        values: { ":leg": openLegValue(leg), ":details": s(JSON.stringify(details)) },
      });
    },

    /** A leg's ENDED replaces what the leg held (its STARTED, an inferred end); a redelivery carries the same values. */
    storeEnded(callId: string, voiceConnectorId: string, leg: EndedLeg, details: CallDetails, nowMs: number): Promise<CallState> {
      return storeEvent(callId, voiceConnectorId, nowMs, {
        set: "#leg = :leg, #details = if_not_exists(#details, :details)",
        names: { "#leg": legAttribute(leg), "#details": A.details },
        values: { ":leg": endedLegValue(leg), ":details": s(JSON.stringify(details)) },
      });
    },

    /**
     * A FAILED: its fail time and event id join sets, so a redelivery counts once while two legs
     * failing in the same millisecond count twice. Items of earlier versions hold fail times only.
     */
    storeFailure(
      callId: string,
      voiceConnectorId: string,
      failedMs: number,
      eventKey: string,
      details: CallDetails,
      nowMs: number,
    ): Promise<CallState> {
      return storeEvent(callId, voiceConnectorId, nowMs, {
        set: "#failedDetails = if_not_exists(#failedDetails, :details)",
        add: ", #failed :failed, #failedEvents :failedEvents",
        names: { "#failed": A.failedAt, "#failedEvents": A.failedEvents, "#failedDetails": A.failedDetails },
        values: {
          ":failed": { NS: [String(failedMs)] },
          ":failedEvents": { SS: [eventKey] },
          ":details": s(JSON.stringify(details)),
        },
      });
    },

    /**
     * Keeps what a scan of open legs' streams found: an inferred end, or how far the stream was read.
     * Null when a leg changed meanwhile (its ENDED came): the caller decides again later.
     */
    async storeScan(callId: string, scans: readonly { name: string; leg: OpenLeg; end: LegEnd }[]): Promise<CallState | null> {
      const names: Record<string, string> = { "#version": A.version, "#state": "state" };
      const values: Record<string, AttributeValue> = { ":one": n(1), ":started": s("STARTED") };
      const sets: string[] = [];
      scans.forEach(({ name, leg, end }, i) => {
        names[`#leg${i}`] = name;
        if (end.state === "ended") {
          sets.push(`#leg${i} = :leg${i}`);
          values[`:leg${i}`] = endedLegValue({ ...leg, endMs: end.endMs, endSource: "inferred" });
        } else {
          names["#scanned"] = "scanned_to_ms";
          sets.push(`#leg${i}.#scanned = :scanned${i}`);
          values[`:scanned${i}`] = n(end.scannedToMs);
        }
      });
      const item = await update(callId, {
        expression: `SET ${sets.join(", ")} ADD #version :one`,
        condition: scans.map((_, i) => `#leg${i}.#state = :started`).join(" AND "),
        names,
        values,
        returnValues: "ALL_NEW",
      });
      return item === null ? null : stateOf(callId, item, options.defaultVoiceConnectorId);
    },
  };
}
