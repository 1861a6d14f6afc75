import type { CallActions } from "./call-actions";
import type { CallStore } from "./call-store";
import { createCallSweep } from "./call-sweep";
import type { Config } from "./config";
import type { Logger } from "./logger";
import type { MediaPipelines } from "./media-pipelines";
import type { Counters, CountMetric } from "./metrics";
import type { RecordingAuditor } from "./recording-audit";
import { createRecordingChecks } from "./recording-checks";
import type { RecordingLedger } from "./recording-ledger";
import type { StreamFragments } from "./stream-fragments";

export interface SweepPathDependencies {
  config: Config;
  store: CallStore;
  ledger: RecordingLedger;
  actions: CallActions;
  pipelines: MediaPipelines;
  fragments: StreamFragments;
  auditor: RecordingAuditor;
  now: () => number;
  emitMetric: (metric: CountMetric) => void;
  counters: Counters;
}

/**
 * What the scheduled sweep message does: records the calls whose events did not all come
 * (call-sweep.ts), then checks the recordings whose check is due (recording-checks.ts). A sweep
 * that fails is logged and counted; the next scheduled sweep tries again.
 */
export function createSweepPath(deps: SweepPathDependencies): (log: Logger, deadlineMs: number) => Promise<void> {
  const { config, store, ledger, actions, pipelines, fragments, auditor, now, emitMetric, counters } = deps;
  const { count, countTotal } = counters;
  const sweepCalls = createCallSweep({ config, store, actions, fragments, now, emitMetric, count });
  const checkRecordings = createRecordingChecks({ config, ledger, auditor, pipelines, actions, now, count });

  return (log, deadlineMs) =>
    sweepCalls(log, deadlineMs)
      .then(() => checkRecordings(log, deadlineMs))
      .catch((error: unknown) => {
        log.error("the sweep failed; the next scheduled sweep tries again", { error });
        countTotal("SweepFailures");
      });
}
