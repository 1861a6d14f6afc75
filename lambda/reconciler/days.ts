/** Calendar days in UTC, as `YYYY-MM-DD`. */
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Whether `value` names a real calendar day, e.g. not 2026-02-30. */
export function isDay(value: unknown): value is string {
  if (typeof value !== "string" || !DAY.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}

/** The day `offset` days after `day` (negative: before). */
export function addDays(day: string, offset: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + offset * DAY_MS).toISOString().slice(0, 10);
}

/** Yesterday in UTC at `nowMs`: the day a scheduled run reconciles. */
export const yesterday = (nowMs: number): string => addDays(new Date(nowMs).toISOString().slice(0, 10), -1);

/** `YYYY/MM/DD`, as the detail records' folders spell a day. */
export const dayPath = (day: string): string => day.replaceAll("-", "/");
