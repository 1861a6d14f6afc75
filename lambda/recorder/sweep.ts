/**
 * The message the stack's EventBridge schedule puts on the queue (as the target's constant input) to
 * make the recorder settle calls whose second leg never reported. The stack imports these, so the
 * schedule and the function cannot drift apart. This module must stay free of imports.
 */
export const SWEEP_SOURCE = "call-recorder.sweep";
export const SWEEP_DETAIL_TYPE = "Sweep pending calls";

/** `JSON.stringify(SWEEP_EVENT)` is the exact message body. */
export const SWEEP_EVENT = { source: SWEEP_SOURCE, "detail-type": SWEEP_DETAIL_TYPE } as const;
