import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { recordDay } from "../../lambda/recorder/record-index";
import { SAVED_QUERIES, UNRECORDED_REASONS } from "../../stacks/analytics/saved-queries";
import { type AthenaResultSet, athenaResultSet } from "../analytics/support/athena-results";
import { CONNECTOR, EXAMPLE_RECORDS, WRITTEN_AT_MS } from "../analytics/support/example-records";
import { type RecordsDatabase, recordsInDuckDb } from "../analytics/support/records-in-duckdb";
import { AWS_CLI, runProcess, TERRAFORM } from "../pbx/support/phone-number-script";
import { type QueryOutcome, startFakeAthena } from "../support/athena-server";
import { awsSandbox, DEAD_ENDPOINT } from "../support/aws-sandbox";

// `npm run calls` (scripts/query-calls.mjs) runs as a process with the real AWS CLI, whose every
// request goes to a loopback Athena true to botocore's model (test/support/athena-server.js): dummy
// credentials, an empty configuration, and a dead proxy for anything else. Nothing reaches AWS. The
// fake answers with what the saved query's own SQL returns in DuckDB over the example records of
// docs/finding-calls.md (test/analytics/support/example-records.ts), so its columns are the query's.

jest.setTimeout(180_000);

const root = path.resolve(__dirname, "..", "..");
const SCRIPT = path.join(root, "scripts", "query-calls.mjs");
const PAGE = fs.readFileSync(path.join(root, "docs", "finding-calls.md"), "utf8");
const WORKGROUP = "call-recorder-calls";
const CALL_ID = "6f1e2d3c-4b5a-4987-8a6b-5c4d3e2f1a0b";

const savedQuery = (name: string) => {
  const found = SAVED_QUERIES.find((query) => query.name === name);
  if (found === undefined) throw new Error(`no saved query ${name}`);
  return found;
};

/** The saved query's output aliases, read from its SQL: what Athena names the result's columns. */
function aliases(name: string): string[] {
  const sql = savedQuery(name).sql("db.t");
  const list = sql.slice(sql.indexOf("SELECT\n") + 7, sql.indexOf("\nFROM "));
  return list.split(",\n").map((item) => /(\w+)$/.exec(item.trim())?.[1] ?? item);
}

/** What Athena reads for days first to last: every record filed under them, one line each. */
const bytesOfDays = (first: string, last: string) =>
  EXAMPLE_RECORDS.filter((record) => first <= recordDay(record, WRITTEN_AT_MS) && recordDay(record, WRITTEN_AT_MS) <= last)
    .map((record) => Buffer.byteLength(`${JSON.stringify(record)}\n`))
    .reduce((sum, bytes) => sum + bytes, 0);

let db: RecordsDatabase;
/**
 * What the saved query answers over the example records, as Athena's result set, with the bytes of the
 * days it reads; its columns are the SQL's aliases, in order.
 */
async function answer(name: string, values: string[]): Promise<AthenaResultSet & QueryOutcome> {
  const result = athenaResultSet(await db.resultSet(savedQuery(name), values));
  expect(result.columns.map((column) => column.name)).toEqual(aliases(name));
  const [first, last] = name === "find_call" ? values.slice(1, 3) : values;
  return { ...result, scannedBytes: bytesOfDays(first, last) };
}

/** find_call's answer for the documented search: a call from the number, and one back to it. */
let FOUND_CALLS: QueryOutcome;

const executeStatement = (values: string[]) => `EXECUTE find_call USING ${values.map((v) => `'${v}'`).join(", ")}`;
const FIND_VALUES = ["+12065550100", "2026-12-06", "2026-12-06", "2026-12-06T13:50:00.000Z", "2026-12-06T14:20:00.000Z"];

beforeAll(async () => {
  db = await recordsInDuckDb(EXAMPLE_RECORDS, WRITTEN_AT_MS);
  FOUND_CALLS = await answer("find_call", FIND_VALUES);
});
afterAll(() => db?.close());

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The query strings started, each with its workgroup. */
  queries: { queryString: string; workGroup: string | undefined }[];
  polls: number;
  pages: number;
}

interface RunOptions {
  outcome?: QueryOutcome;
  fake?: Parameters<typeof startFakeAthena>[0];
  env?: Record<string, string>;
  /** The script to run: a copy in another project folder, for the workgroup from Terraform. */
  script?: string;
  withTerraform?: boolean;
}

/** Runs the script with the real AWS CLI against a fake Athena on loopback. */
async function runCalls(args: string[], options: RunOptions = {}): Promise<Run> {
  const fake = await startFakeAthena({ queuedPolls: 0, runningPolls: 0, ...options.fake });
  fake.setOutcome(options.outcome ?? FOUND_CALLS);
  const sandbox = awsSandbox({ aws: AWS_CLI, ...(options.withTerraform ? { terraform: TERRAFORM } : {}) }, fake.url);
  try {
    const result = await runProcess(process.execPath, [options.script ?? SCRIPT, ...args], {
      env: { ...sandbox.env, AWS_DEFAULT_REGION: "us-east-1", ...options.env },
    });
    expect(fake.refused).toEqual([]);
    return { ...result, queries: fake.queries, polls: fake.count("GetQueryExecution"), pages: fake.count("GetQueryResults") };
  } finally {
    sandbox.remove();
    await fake.close();
    fake.verify();
  }
}

/**
 * One export of a module of scripts/query-calls/, read in a fresh node (the modules are ES modules):
 * called with `args`, or its value when `args` is null.
 */
function fromModule(module: string, name: string, args: unknown[] | null): any {
  const code =
    "const [url, name, args] = JSON.parse(process.argv[1]);" +
    "import(url).then((m) => console.log(JSON.stringify(args === null ? m[name] : m[name](...args))));";
  const url = pathToFileURL(path.join(root, "scripts", "query-calls", module)).href;
  const result = spawnSync(process.execPath, ["-e", code, JSON.stringify([url, name, args])], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${name} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}
const call = (module: string, name: string, ...args: unknown[]) => fromModule(module, name, args);

/** A printed table read back by the columns its line of dashes marks: the names, then each row's values ("" for NULL). */
function readTable(stdout: string): string[][] {
  const [header, dashes, ...rows] = stdout.trimEnd().split("\n");
  const spans = [...dashes.matchAll(/-+/g)].map((m) => [m.index ?? 0, (m.index ?? 0) + m[0].length]);
  return [header, ...rows].map((line) => spans.map(([start, end]) => line.slice(start, end).trim()));
}

/** The table the script should print for a result set. */
const asTable = (outcome: QueryOutcome) =>
  "rows" in outcome ? [outcome.columns.map((c) => c.name), ...outcome.rows.map((row) => row.map((value) => value ?? ""))] : [];

/** The lines a run printed, as docs/finding-calls.md shows them: the command, stderr's and stdout's lines in order. */
const transcript = (command: string, run: Run) => {
  const [notes, summary] = [
    run.stderr.split("\n").filter((line) => !/^\d+ rows?\.$/.test(line) && line !== ""),
    /^\d+ rows?\.$/m.exec(run.stderr)?.[0],
  ];
  return [`$ ${command}`, ...notes, ...run.stdout.trimEnd().split("\n"), summary].join("\n");
};

/** The page's console block for the command, its query id made the one of the run. */
function documented(command: string, run: Run): string {
  const start = PAGE.indexOf(`$ ${command}\n`);
  if (start < 0) return `(the page has no "$ ${command}")`;
  const id = /Query ([\w-]+) /.exec(run.stderr)?.[1] ?? "";
  const block = PAGE.slice(start, PAGE.indexOf("\n```", start)).split(/\n(?=\$ )/)[0];
  return block.replace(/Query [\w-]+ /, `Query ${id} `);
}

describe("npm run calls", () => {
  it("is scripts/query-calls.mjs", () => {
    expect(JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts.calls).toBe(
      "node scripts/query-calls.mjs",
    );
  });

  it("runs the saved queries by their names, with their parameters in their order", () => {
    const queries: Record<string, { statement: string; parameters: string[] }> = fromModule("arguments.mjs", "QUERIES", null);
    expect(Object.values(queries).map((query) => [query.statement, query.parameters])).toEqual(
      SAVED_QUERIES.map((query) => [query.name, query.parameters.map((parameter) => parameter.name)]),
    );
  });

  it("prints its usage with --help, naming each query's prepared statement, and sends nothing", async () => {
    const run = await runCalls(["--help"]);
    expect(run.status).toBe(0);
    for (const text of ["find --number N --from TIME --to TIME", "(find_call)", "(unrecorded_calls)", "(calls_per_day)"]) {
      expect(run.stdout).toContain(text);
    }
    expect(run.queries).toEqual([]);
  });
});

describe("find: a call by number and time range", () => {
  const FIND = 'find --number "+1 (206) 555-0100" --from 2026-12-06T13:50:00Z --to 2026-12-06T15:20:00+01:00';

  it("sends EXECUTE find_call with the number in E.164, the days and both times in UTC, polls until SUCCEEDED and prints a table", async () => {
    const run = await runCalls(
      ["find", "--number", "+1 (206) 555-0100", "--from", "2026-12-06T13:50:00Z", "--to", "2026-12-06T15:20:00+01:00"],
      { env: { CALL_RECORDER_WORKGROUP: WORKGROUP }, fake: { queuedPolls: 1, runningPolls: 2 } },
    );
    expect(run.queries).toEqual([
      {
        queryString:
          "EXECUTE find_call USING '+12065550100', '2026-12-06', '2026-12-06', '2026-12-06T13:50:00.000Z', '2026-12-06T14:20:00.000Z'",
        workGroup: WORKGROUP,
      },
    ]);
    // QUEUED, RUNNING, RUNNING, SUCCEEDED: it asked until the query had finished, and not after.
    expect(run.polls).toBe(4);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('Searching for +12065550100: "+1 (206) 555-0100" in E.164.');
    expect(run.stderr).toMatch(/Query [\w-]+ SUCCEEDED, \d+ bytes scanned\.\n2 rows\.\n$/);
    expect(readTable(run.stdout)).toEqual(asTable(FOUND_CALLS));
    expect(readTable(run.stdout)[0]).toEqual(aliases("find_call"));
    expect(documented(`npm run calls -- ${FIND}`, run)).toBe(transcript(`npm run calls -- ${FIND}`, run));
  });

  it("is what the page's AWS CLI steps print for the same search, tab-separated with NULL for NULL", () => {
    const tsv = asTable(FOUND_CALLS).map((row) => row.map((value) => value || "NULL").join("\t"));
    expect(PAGE).toContain(`\n${tsv.join("\n")}\n`);
    expect(PAGE).toContain(`--query-string "${executeStatement(FIND_VALUES)}"`);
  });

  it("reads the days of a range across midnight, and not the day its end opens", async () => {
    const ACROSS = "find --number +12065550100 --from 2026-12-06T23:45:00Z --to 2026-12-07T00:15:00Z";
    const outcome = await answer("find_call", [
      "+12065550100",
      "2026-12-06",
      "2026-12-07",
      "2026-12-06T23:45:00.000Z",
      "2026-12-07T00:15:00.000Z",
    ]);
    const run = await runCalls(ACROSS.split(" "), { outcome, env: { CALL_RECORDER_WORKGROUP: WORKGROUP } });
    const atMidnight = await runCalls([
      "find",
      "--number",
      "+12065550100",
      "--from",
      "2026-12-06T23:45:00Z",
      "--to",
      "2026-12-07T00:00:00Z",
      "--workgroup",
      WORKGROUP,
    ]);
    expect([...run.queries, ...atMidnight.queries].map((query) => query.queryString)).toEqual([
      "EXECUTE find_call USING '+12065550100', '2026-12-06', '2026-12-07', '2026-12-06T23:45:00.000Z', '2026-12-07T00:15:00.000Z'",
      "EXECUTE find_call USING '+12065550100', '2026-12-06', '2026-12-06', '2026-12-06T23:45:00.000Z', '2026-12-07T00:00:00.000Z'",
    ]);
    expect(run.stdout.split("\n").map((line) => line.slice(0, 24).trimEnd())).toEqual([
      "start_time",
      "-".repeat(24),
      "2026-12-06T23:58:09.870Z",
      "2026-12-07T00:06:30.400Z",
      "",
    ]);
    expect(documented(`npm run calls -- ${ACROSS}`, run)).toBe(transcript(`npm run calls -- ${ACROSS}`, run));
  });

  it("--json prints one object per row, values as Athena gives them and null for NULL", async () => {
    const range = ["--from", "2026-12-06T13:50:00Z", "--to", "2026-12-06T14:20:00Z"];
    const run = await runCalls(["find", "--number", "+12065550100", ...range, "--json", "--workgroup", WORKGROUP]);
    expect(run.stderr).not.toContain("Searching for");
    const rows = run.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(rows.map((row) => Object.keys(row))).toEqual([aliases("find_call"), aliases("find_call")]);
    expect(rows[0]).toMatchObject({
      start_time: "2026-12-06T14:05:12.345Z",
      from_number: "+12065550100",
      outcome: "recorded",
      verification_status: "verified",
      recording: `s3://call-recorder-recordings-111122223333-us-east-1/recordings/${CALL_ID}.wav`,
      call_id: CALL_ID,
    });
    expect(rows[1]).toMatchObject({ to_number: "+12065550100", outcome: "missing", verification_status: "missing" });
  });

  it.each([
    [["--number", "206 555 0100"], '--number "206 555 0100" has no country code: write it in E.164'],
    [["--number", "+1 206 CALL NOW"], '--number "+1 206 CALL NOW" is not a phone number'],
    [["--from", "2026-12-06 13:50"], '--from "2026-12-06 13:50" is not a time: write it as YYYY-MM-DDTHH:MM[:SS]Z in UTC'],
    [
      ["--from", "2026-12-06T13:50:00"],
      '--from "2026-12-06T13:50:00" has no time zone (Z for UTC): write it as YYYY-MM-DDTHH:MM[:SS]Z',
    ],
    [["--to", "2026-02-30T14:20:00Z"], '--to "2026-02-30T14:20:00Z" is not a valid date and time'],
    [
      ["--to", "2026-12-06T13:00:00Z"],
      "--from 2026-12-06T13:50:00Z is not before --to 2026-12-06T13:00:00Z: the range would be empty",
    ],
  ])("refuses %j before sending anything: %s", async (change, message) => {
    const args: Record<string, string> = {
      "--number": "+12065550100",
      "--from": "2026-12-06T13:50:00Z",
      "--to": "2026-12-06T14:20:00Z",
    };
    args[change[0]] = change[1];
    const run = await runCalls(["find", ...Object.entries(args).flat(), "--workgroup", WORKGROUP]);
    expect([run.status, run.queries]).toEqual([2, []]);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain("See: npm run calls -- --help");
  });
});

describe("missed and by-outcome: the days' calls", () => {
  const env = { CALL_RECORDER_WORKGROUP: WORKGROUP };

  it("missed --day sends EXECUTE unrecorded_calls with that day as the first and the last, and prints why each call has no recording", async () => {
    const outcome = await answer("unrecorded_calls", ["2026-12-06", "2026-12-06"]);
    const run = await runCalls(["missed", "--day", "2026-12-06"], { outcome, env });
    expect([run.status, run.queries]).toEqual([
      0,
      [{ queryString: "EXECUTE unrecorded_calls USING '2026-12-06', '2026-12-06'", workGroup: WORKGROUP }],
    ]);
    expect(readTable(run.stdout)).toEqual(asTable(outcome));
    expect(readTable(run.stdout).map((row) => [row[2], row[6], row[7]])).toEqual([
      ["call_id", "outcome", "reason"],
      ["3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b", "missing", UNRECORDED_REASONS.missing],
      ["0c9b8a7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d", "no_audio", UNRECORDED_REASONS.no_audio],
    ]);
    expect(documented("npm run calls -- missed --day 2026-12-06", run)).toBe(
      transcript("npm run calls -- missed --day 2026-12-06", run),
    );
  });

  it("by-outcome --from --to sends EXECUTE calls_per_day with the first and the last day; counts are right-aligned", async () => {
    const outcome = await answer("calls_per_day", ["2026-12-05", "2026-12-06"]);
    const command = "by-outcome --from 2026-12-05 --to 2026-12-06";
    const [table, json] = [
      await runCalls(command.split(" "), { outcome, env }),
      await runCalls([...command.split(" "), "--json"], { outcome, env }),
    ];
    expect(table.queries.map((query) => query.queryString)).toEqual(["EXECUTE calls_per_day USING '2026-12-05', '2026-12-06'"]);
    expect(table.stdout).toBe(
      [
        "start_day   voice_connector_id      outcome   calls",
        "----------  ----------------------  --------  -----",
        `2026-12-05  ${CONNECTOR}  recorded      1`,
        `2026-12-06  ${CONNECTOR}  missing       1`,
        `2026-12-06  ${CONNECTOR}  no_audio      1`,
        `2026-12-06  ${CONNECTOR}  recorded      2`,
        "",
      ].join("\n"),
    );
    expect(json.stdout.split("\n")[0]).toBe(
      `{"start_day":"2026-12-05","voice_connector_id":"${CONNECTOR}","outcome":"recorded","calls":"1"}`,
    );
    for (const [args, run] of [
      [command, table],
      [`${command} --json`, json],
    ] as const) {
      expect(documented(`npm run calls -- ${args}`, run)).toBe(transcript(`npm run calls -- ${args}`, run));
    }
  });

  it.each([
    [["missed", "--day", "06/12/2026"], '--day "06/12/2026" is not a day: write it as YYYY-MM-DD, e.g. 2026-12-06.'],
    [["missed", "--day", "2026-12-32"], '--day "2026-12-32" is not a day of the calendar'],
    [["missed", "--day", "2026-12-06", "--from", "2026-12-01"], "Give either --day, or --from and --to, not both."],
    [["by-outcome", "--from", "2026-12-01"], "Give the days: --day YYYY-MM-DD, or --from YYYY-MM-DD and --to YYYY-MM-DD"],
    [["by-outcome", "--from", "2026-12-06", "--to", "2026-12-01"], "--from 2026-12-06 is after --to 2026-12-01"],
    [["missed", "--number", "+12065550100", "--day", "2026-12-06"], "missed takes --day, --from, --to, not --number."],
    [["missed", "--day", "2026-12-06", "--timeout", "0"], '--timeout "0" is not a wait: give whole seconds from 1 to 3600'],
    [["list"], '"list" is not a query: use one of find, missed, by-outcome.'],
    [[], "Name a query: find, missed, by-outcome."],
    [["missed", "--days", "2026-12-06"], "Unknown option '--days'."],
  ])("refuses %j before sending anything: %s", async (args, message) => {
    const run = await runCalls([...args, "--workgroup", WORKGROUP]);
    expect([run.status, run.queries]).toEqual([2, []]);
    expect(run.stderr).toContain(message);
  });
});

describe("the query string", () => {
  it("quotes every value as an SQL string literal, a single quote inside doubled", () => {
    expect(call("arguments.mjs", "executeStatement", "find_call", ["O'Brien's", "2026-12-06"])).toBe(
      "EXECUTE find_call USING 'O''Brien''s', '2026-12-06'",
    );
    expect(call("arguments.mjs", "executeStatement", "calls_per_day", [])).toBe("EXECUTE calls_per_day");
  });

  it("can hold no quote of the user's: every value is a validated number, time or day", () => {
    expect(call("arguments.mjs", "e164", "number", "0044 20 7946 0018")).toBe("+442079460018");
    expect(call("arguments.mjs", "utcTime", "from", "2026-12-06T13:50Z")).toBe("2026-12-06T13:50:00.000Z");
    expect(() => call("arguments.mjs", "calendarDay", "day", "2026-12-06'; DROP TABLE x")).toThrow("is not a day");
  });
});

describe("results", () => {
  it("reads every page, following the CLI's NextToken, and drops only the first page's row of column names", async () => {
    // by-outcome's columns over 2,500 connectors' days.
    const { columns } = await answer("calls_per_day", ["2026-12-06", "2026-12-06"]);
    const rows = Array.from({ length: 2500 }, (_, i) => [
      "2026-12-06",
      `connector${String(i).padStart(13, "0")}`,
      "recorded",
      String(i),
    ]);
    // Athena's pages hold up to 1,000 rows; 400 here, so pages and the script's 1,000-row calls do not align.
    const run = await runCalls(["by-outcome", "--day", "2026-12-06", "--json", "--workgroup", WORKGROUP], {
      outcome: { columns, rows },
      fake: { pageSize: 400 },
    });
    expect(run.status).toBe(0);
    const printed = run.stdout.trimEnd().split("\n");
    expect(printed).toEqual(
      rows.map(([day, connector, outcome, calls]) =>
        JSON.stringify({ start_day: day, voice_connector_id: connector, outcome, calls }),
      ),
    );
    // 2,501 rows with the names: 7 pages of 400, and the CLI asks again where a 1,000-row call ended mid-page.
    expect(run.pages).toBeGreaterThanOrEqual(7);
    expect(run.stderr).toContain("2500 rows.");
  });

  it("prints the header alone for no rows: a day without a call lacking its recording", async () => {
    const outcome = await answer("unrecorded_calls", ["2026-12-07", "2026-12-07"]);
    const run = await runCalls(["missed", "--day", "2026-12-07", "--workgroup", WORKGROUP], { outcome });
    const names = aliases("unrecorded_calls");
    expect([run.status, run.stdout]).toEqual([0, `${names.join("  ")}\n${names.map((n) => "-".repeat(n.length)).join("  ")}\n`]);
    expect(run.stderr).toContain("0 rows.");
  });

  it("on FAILED prints Athena's StateChangeReason, no rows, and exits 1", async () => {
    const reason = "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.call_recorder.call_records' does not exist";
    const run = await runCalls(["missed", "--day", "2026-12-06", "--workgroup", WORKGROUP], { outcome: { failure: reason } });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`Query [\\w-]+ FAILED: ${reason.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\n$`));
    expect([run.stdout, run.pages]).toEqual(["", 0]);
  });

  it("gives up at --timeout with the commands to see or stop the query, and exits 1", async () => {
    const run = await runCalls(["missed", "--day", "2026-12-06", "--timeout", "1", "--workgroup", WORKGROUP], {
      outcome: { endless: true },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/Query ([\w-]+) is still RUNNING after 1 s \(--timeout\); it goes on in Athena\./);
    expect(run.stderr).toMatch(/stop it with: aws athena stop-query-execution --query-execution-id [\w-]+/);
  });

  it("passes on the CLI's error, such as a workgroup that does not exist, and exits 1", async () => {
    const run = await runCalls(["missed", "--day", "2026-12-06", "--workgroup", "elsewhere"], {
      fake: { workGroups: [WORKGROUP] },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      "aws athena start-query-execution failed: An error occurred (InvalidRequestException) when calling the StartQueryExecution operation: WorkGroup elsewhere is not found.",
    );
  });
});

describe("the workgroup", () => {
  let work: string;
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "query-calls-"));
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  /**
   * A clone's scripts, and its stack folder as `npm run deploy` leaves it: initialised, with the local
   * state in the project folder holding `outputs`. Initialised here without providers (the test
   * is offline), which `terraform output` does not need.
   */
  function clone(name: string, outputs?: Record<string, string>): string {
    const dir = path.join(work, name);
    fs.mkdirSync(path.join(dir, "scripts"), { recursive: true });
    fs.copyFileSync(SCRIPT, path.join(dir, "scripts", "query-calls.mjs"));
    fs.cpSync(path.join(root, "scripts", "query-calls"), path.join(dir, "scripts", "query-calls"), { recursive: true });
    if (outputs === undefined) return dir;
    const stack = path.join(dir, "cdktf.out", "stacks", "call-recorder");
    const state = path.join(dir, "terraform.call-recorder.tfstate");
    fs.mkdirSync(stack, { recursive: true });
    const config = { terraform: { backend: { local: { path: state } } } };
    fs.writeFileSync(path.join(stack, "cdk.tf.json"), JSON.stringify(config));
    fs.writeFileSync(path.join(dir, "terraformrc"), "");
    const init = spawnSync(TERRAFORM, ["init", "-input=false", "-no-color"], {
      cwd: stack,
      encoding: "utf8",
      env: {
        PATH: path.dirname(TERRAFORM),
        HOME: dir,
        CHECKPOINT_DISABLE: "1",
        TF_CLI_CONFIG_FILE: path.join(dir, "terraformrc"),
        // Nothing to download without providers; were anything tried, it would meet a dead proxy.
        HTTPS_PROXY: DEAD_ENDPOINT,
        HTTP_PROXY: DEAD_ENDPOINT,
      },
    });
    expect(init.status).toBe(0);
    // The synthesized stack requires the AWS provider; after init, as after a deploy, the output is read without it.
    const required = { aws: { source: "aws", version: "6.25.0" } };
    fs.writeFileSync(
      path.join(stack, "cdk.tf.json"),
      JSON.stringify({ terraform: { ...config.terraform, required_providers: required } }),
    );
    const values = Object.fromEntries(Object.entries(outputs).map(([key, value]) => [key, { value, type: "string" }]));
    fs.writeFileSync(
      state,
      JSON.stringify({ version: 4, terraform_version: "1.11.4", serial: 1, lineage: CALL_ID, outputs: values, resources: [] }),
    );
    return dir;
  }

  const script = (dir: string) => path.join(dir, "scripts", "query-calls.mjs");
  const fake = { workGroups: ["from-option", "from-environment", "from-terraform"] };
  const day = ["missed", "--day", "2026-12-06"];

  it("is --workgroup, else CALL_RECORDER_WORKGROUP, else the deployment's athena_workgroup output", async () => {
    const deployed = script(clone("deployed", { athena_workgroup: "from-terraform" }));
    const both = { CALL_RECORDER_WORKGROUP: "from-environment" };
    const runs = [
      await runCalls([...day, "--workgroup", "from-option"], { script: deployed, env: both, fake, withTerraform: true }),
      await runCalls(day, { script: deployed, env: both, fake, withTerraform: true }),
      await runCalls(day, { script: deployed, fake, withTerraform: true }),
    ];
    expect(runs.map((run) => [run.status, run.queries.map((query) => query.workGroup)])).toEqual([
      [0, ["from-option"]],
      [0, ["from-environment"]],
      [0, ["from-terraform"]],
    ]);
    expect(runs.map((run) => /^Workgroup .*$/m.exec(run.stderr)?.[0])).toEqual([
      "Workgroup from-option (from --workgroup): EXECUTE unrecorded_calls USING '2026-12-06', '2026-12-06'",
      "Workgroup from-environment (from CALL_RECORDER_WORKGROUP): EXECUTE unrecorded_calls USING '2026-12-06', '2026-12-06'",
      "Workgroup from-terraform (from terraform output athena_workgroup): EXECUTE unrecorded_calls USING '2026-12-06', '2026-12-06'",
    ]);
  });

  it.each([
    ["a clone that deployed nothing", () => clone("undeployed"), true, "cdktf.out/stacks/call-recorder holds no deployment"],
    [
      "a deployment from before the workgroup",
      () => clone("older", { phone_number: "" }),
      true,
      'terraform output athena_workgroup failed in cdktf.out/stacks/call-recorder (Error: Output "athena_workgroup" not found)',
    ],
    ["no terraform", () => clone("no-terraform", { athena_workgroup: "x" }), false, "terraform could not run"],
  ])("is refused, naming the ways to give it, for %s", async (_, make, withTerraform, message) => {
    const run = await runCalls(day, { script: script(make()), fake, withTerraform });
    expect([run.status, run.queries]).toEqual([2, []]);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain(
      "Pass --workgroup NAME or set CALL_RECORDER_WORKGROUP (the deployment's athena_workgroup output).",
    );
  });

  it("is refused when it is no workgroup name, saying where it came from", async () => {
    const run = await runCalls(day, { env: { CALL_RECORDER_WORKGROUP: "my workgroup" } });
    expect([run.status, run.queries]).toEqual([2, []]);
    expect(run.stderr).toContain('The workgroup "my workgroup" (from CALL_RECORDER_WORKGROUP) is not a workgroup name');
  });
});
