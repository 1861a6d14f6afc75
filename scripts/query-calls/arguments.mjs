// What `npm run calls` is asked: which prepared statement to run and with which values, read from the
// command line. A value that cannot be meant is refused before anything reaches AWS, with a message
// naming the value, the problem and the accepted form.
import { parseArgs } from "node:util";

/** A command line that cannot run; the script exits 2 with the message. */
export class UsageError extends Error {}

/**
 * Each query: the prepared statement it runs, the statement's parameters in order (held equal to
 * stacks/analytics/saved-queries.ts by test/docs/query-calls.test.ts, as a script cannot import
 * TypeScript) and the options that give their values.
 */
export const QUERIES = {
  find: {
    statement: "find_call",
    parameters: ["number", "first_day", "last_day", "from_time", "to_time"],
    options: ["number", "from", "to"],
  },
  missed: { statement: "unrecorded_calls", parameters: ["first_day", "last_day"], options: ["day", "from", "to"] },
  "by-outcome": { statement: "calls_per_day", parameters: ["first_day", "last_day"], options: ["day", "from", "to"] },
};

const NUMBER_FORM = 'E.164: "+", the country code and the number, e.g. +12065550100';
const TIME_FORM = "YYYY-MM-DDTHH:MM[:SS]Z in UTC, or with an offset such as +01:00, e.g. 2026-12-06T13:50:00Z";
const DAY_FORM = "YYYY-MM-DD, e.g. 2026-12-06";

const OPTIONS = {
  number: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  day: { type: "string" },
  workgroup: { type: "string" },
  timeout: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

/** A SQL string literal: single quotes, a quote inside doubled (Trino's and so Athena's rule). */
export function sqlString(value) {
  return `'${value.replaceAll("'", "''")}'`;
}

/** The query string that runs a prepared statement with these string values. */
export function executeStatement(statement, values) {
  return values.length === 0 ? `EXECUTE ${statement}` : `EXECUTE ${statement} USING ${values.map(sqlString).join(", ")}`;
}

/** The number in E.164; spaces, dashes, dots and parentheses are dropped, and a leading 00 is "+". */
export function e164(option, text) {
  const compact = text.replace(/[\s().-]/g, "");
  const number = compact.startsWith("00") ? `+${compact.slice(2)}` : compact;
  if (/^\+[1-9]\d{1,14}$/.test(number)) return number;
  const problem = /^\d+$/.test(number)
    ? "has no country code"
    : /^\+\d{16,}$/.test(number)
      ? "has more than the 15 digits E.164 allows"
      : "is not a phone number";
  throw new UsageError(`--${option} ${JSON.stringify(text)} ${problem}: write it in ${NUMBER_FORM}.`);
}

const isCalendarDay = (year, month, day) => {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
};

/** A day as YYYY-MM-DD, checked against the calendar. */
export function calendarDay(option, text) {
  const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!parts) throw new UsageError(`--${option} ${JSON.stringify(text)} is not a day: write it as ${DAY_FORM}.`);
  if (!isCalendarDay(Number(parts[1]), Number(parts[2]), Number(parts[3]))) {
    throw new UsageError(`--${option} ${JSON.stringify(text)} is not a day of the calendar: write it as ${DAY_FORM}.`);
  }
  return text;
}

const TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;

/** An instant, returned in UTC as the records write theirs (2026-12-06T13:50:00.000Z). */
export function utcTime(option, text) {
  const parts = TIME.exec(text);
  const refuse = (problem) => new UsageError(`--${option} ${JSON.stringify(text)} ${problem}: write it as ${TIME_FORM}.`);
  if (!parts) throw refuse("is not a time");
  const [, year, month, day, hour, minute, second = "0", zone] = parts;
  if (zone === undefined) throw refuse("has no time zone (Z for UTC)");
  const offset = /^[+-](\d{2}):(\d{2})$/.exec(zone);
  const valid =
    isCalendarDay(Number(year), Number(month), Number(day)) &&
    Number(hour) <= 23 &&
    Number(minute) <= 59 &&
    Number(second) <= 59 &&
    (offset === null || (Number(offset[1]) <= 14 && Number(offset[2]) <= 59));
  if (!valid) throw refuse("is not a valid date and time");
  return new Date(text).toISOString();
}

/** --day D, or --from and --to (the first and the last day, in order): the two days. */
function dayRange(values) {
  if (values.day !== undefined) {
    if (values.from !== undefined || values.to !== undefined) {
      throw new UsageError("Give either --day, or --from and --to, not both.");
    }
    const day = calendarDay("day", values.day);
    return [day, day];
  }
  if (values.from === undefined || values.to === undefined) {
    throw new UsageError("Give the days: --day YYYY-MM-DD, or --from YYYY-MM-DD and --to YYYY-MM-DD (the last day included).");
  }
  const [first, last] = [calendarDay("from", values.from), calendarDay("to", values.to)];
  if (first > last) throw new UsageError(`--from ${first} is after --to ${last}: give the first day, then the last.`);
  return [first, last];
}

/** The UTC day of an instant in the records' form. */
const dayOf = (instant) => instant.slice(0, 10);

/**
 * --number, --from, --to: the number in E.164, the days the range covers (that of its start, and that of
 * its last millisecond: an end at midnight adds no day) and the range's start and end in UTC.
 */
function callSearch(values, notes) {
  for (const option of ["number", "from", "to"]) {
    if (values[option] === undefined) throw new UsageError(`find needs --${option}: find --number N --from TIME --to TIME.`);
  }
  const number = e164("number", values.number);
  if (number !== values.number) notes.push(`Searching for ${number}: ${JSON.stringify(values.number)} in E.164.`);
  const [from, to] = [utcTime("from", values.from), utcTime("to", values.to)];
  if (from >= to) throw new UsageError(`--from ${values.from} is not before --to ${values.to}: the range would be empty.`);
  return [number, dayOf(from), dayOf(new Date(Date.parse(to) - 1).toISOString()), from, to];
}

/** How long to wait for the query, in milliseconds. */
function timeoutMs(text) {
  if (text === undefined) return 300_000;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 3600) {
    throw new UsageError(`--timeout ${JSON.stringify(text)} is not a wait: give whole seconds from 1 to 3600, e.g. 300.`);
  }
  return Number(text) * 1000;
}

/**
 * The command line read: { help } alone, or the query, its statement, the values in the statement's
 * order, and the workgroup option, --json and the timeout; `notes` say what was read differently from
 * how it was typed.
 */
export function parseCommand(args) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's own advice on positionals that start with "-" does not apply here.
    throw new UsageError(`${error.message.split(". ")[0]}.`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  const [query, ...extra] = positionals;
  const names = Object.keys(QUERIES).join(", ");
  if (query === undefined) throw new UsageError(`Name a query: ${names}.`);
  if (!(query in QUERIES)) throw new UsageError(`${JSON.stringify(query)} is not a query: use one of ${names}.`);
  if (extra.length > 0)
    throw new UsageError(`Unexpected ${JSON.stringify(extra[0])}: values are given with options, e.g. --day.`);
  const { statement, options } = QUERIES[query];
  const foreign = ["number", "from", "to", "day"].filter((name) => values[name] !== undefined && !options.includes(name));
  if (foreign.length > 0) {
    throw new UsageError(`${query} takes ${options.map((name) => `--${name}`).join(", ")}, not --${foreign[0]}.`);
  }
  const notes = [];
  const parameters = query === "find" ? callSearch(values, notes) : dayRange(values);
  return {
    query,
    statement,
    parameters,
    notes,
    workgroup: values.workgroup,
    json: values.json === true,
    timeoutMs: timeoutMs(values.timeout),
  };
}
