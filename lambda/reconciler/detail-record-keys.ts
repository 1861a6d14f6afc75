import { dayPath } from "./days";

/**
 * The keys Chime writes detail records under, per voice connector and day (Chime SDK administrator
 * guide, "Managing global settings"): `Amazon-Chime-Voice-Connector-<SDRs|CDRs>/json/<connector>/
 * <yyyy>/<mm>/<dd>/<hh.mm.ss.mmm>_<transaction id>`. The guide's example puts `_` before the
 * transaction id and its pattern line `-`: both are read. The key alone names the call, so the
 * streaming detail records are compared without reading one.
 */
export type DetailRecordKind = "streaming" | "call";

export const DETAIL_RECORD_FOLDERS: Record<DetailRecordKind, string> = {
  streaming: "Amazon-Chime-Voice-Connector-SDRs",
  call: "Amazon-Chime-Voice-Connector-CDRs",
};

export interface DetailRecordKey {
  kind: DetailRecordKind;
  key: string;
  voiceConnectorId: string;
  /** The day of the folder it is in. */
  day: string;
  transactionId: string;
}

/** One connector's detail records of one kind and day, ending in "/". */
export const detailRecordPrefix = (kind: DetailRecordKind, voiceConnectorId: string, day: string): string =>
  `${DETAIL_RECORD_FOLDERS[kind]}/json/${voiceConnectorId}/${dayPath(day)}/`;

/** The time of day, then `_` or `-`, then the transaction id (letters, digits and `-`). */
const NAME = /^\d{2}\.\d{2}\.\d{2}\.\d{3}[_-]([A-Za-z0-9][A-Za-z0-9-]*)$/;

/** The detail record `key` listed under `detailRecordPrefix(kind, connector, day)`, or null for a key of another shape. */
export function parseDetailRecordKey(
  kind: DetailRecordKind,
  voiceConnectorId: string,
  day: string,
  key: string,
): DetailRecordKey | null {
  const prefix = detailRecordPrefix(kind, voiceConnectorId, day);
  if (!key.startsWith(prefix)) return null;
  const match = NAME.exec(key.slice(prefix.length));
  return match === null ? null : { kind, key, voiceConnectorId, day, transactionId: match[1] };
}

/**
 * A transaction id as the comparison matches it: lower-cased, since whether the detail records' keys
 * and the streaming events spell it in the same case is unconfirmed. Reports keep it as written.
 */
export const sameCall = (transactionId: string): string => transactionId.toLowerCase();
