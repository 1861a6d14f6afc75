import type { ServiceModel } from "./model-endpoint";

export declare const ATHENA_MODEL: ServiceModel;

export interface ResultColumn {
  name: string;
  /** Athena's type name, e.g. varchar, bigint. */
  type: string;
}
/** What a query does once it has been QUEUED and RUNNING for its polls. */
export type QueryOutcome =
  | { columns: ResultColumn[]; rows: (string | null)[][]; scannedBytes?: number }
  | { failure: string }
  | { endless: true };

export interface StartedQuery {
  queryString: string;
  workGroup: string | undefined;
}

export interface FakeAthena {
  readonly url: string;
  setOutcome(outcome: QueryOutcome): void;
  readonly queries: StartedQuery[];
  count(operation: "StartQueryExecution" | "GetQueryExecution" | "GetQueryResults"): number;
  readonly refused: string[];
  verify(): void;
  close(): Promise<void>;
}

export declare function startFakeAthena(options?: {
  queuedPolls?: number;
  runningPolls?: number;
  pageSize?: number;
  workGroups?: string[];
}): Promise<FakeAthena>;
