import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { AWS_CLI, runProcess, TERRAFORM } from "../pbx/support/phone-number-script";
import { type QueryOutcome, startFakeAthena } from "../support/athena-server";
import { awsSandbox, DEAD_ENDPOINT } from "../support/aws-sandbox";

// `npm run calls` (scripts/query-calls.mjs) runs as a process with the real AWS CLI, whose every
// request goes to a loopback Athena true to botocore's model (test/support/athena-server.js): dummy
// credentials, an empty configuration, and a dead proxy for anything else. Nothing reaches AWS.

jest.setTimeout(180_000);

const root = path.resolve(__dirname, "..", "..");
const SCRIPT = path.join(root, "scripts", "query-calls.mjs");
const WORKGROUP = "call-recorder-calls";
const CALL_ID = "6f1e2d3c-4b5a-4987-8a6b-5c4d3e2f1a0b";

/** What find_call answers, as the fake's result set (the saved query's real columns may differ). */
const FOUND_CALLS: QueryOutcome = {
  columns: ["call_id", "start_time", "from_number", "to_number", "outcome", "duration_seconds", "recording"].map((name) => ({
    name,
    type: name === "duration_seconds" ? "double" : "varchar",
  })),
  rows: [
    [
      CALL_ID,
      "2026-12-06T14:05:12.345Z",
      "+12065550100",
      "+14155550123",
      "recorded",
      "312.5",
      `s3://call-recorder-recordings/${CALL_ID}.wav`,
    ],
    ["0c9b8a7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d", "2026-12-06T14:11:40.002Z", "+14155550123", "+12065550100", "no_audio", null, null],
  ],
  scannedBytes: 48_213,
};

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

/** Calls one export of a module of scripts/query-calls/ in a fresh node (the modules are ES modules). */
function call(module: string, name: string, ...args: unknown[]): any {
  const code =
    "const [url, name, args] = JSON.parse(process.argv[1]);" +
    "import(url).then((m) => console.log(JSON.stringify(m[name](...args))));";
  const url = pathToFileURL(path.join(root, "scripts", "query-calls", module)).href;
  const result = spawnSync(process.execPath, ["-e", code, JSON.stringify([url, name, args])], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${name} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

describe("npm run calls", () => {
  it("is scripts/query-calls.mjs", () => {
    expect(JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts.calls).toBe(
      "node scripts/query-calls.mjs",
    );
  });

  it("prints its usage with --help, naming each query's prepared statement, and sends nothing", async () => {
    const run = await runCalls(["--help"]);
    expect(run.status).toBe(0);
    for (const text of ["find --number N --from TIME --to TIME", "(find_call)", "(calls_not_recorded)", "(calls_by_outcome)"]) {
      expect(run.stdout).toContain(text);
    }
    expect(run.queries).toEqual([]);
  });
});

describe("find: a call by number and time range", () => {
  it("sends EXECUTE find_call with the number in E.164 and both times in UTC, polls until SUCCEEDED and prints a table", async () => {
    const run = await runCalls(
      ["find", "--number", "+1 (206) 555-0100", "--from", "2026-12-06T13:50:00Z", "--to", "2026-12-06T15:20:00+01:00"],
      { env: { CALL_RECORDER_WORKGROUP: WORKGROUP }, fake: { queuedPolls: 1, runningPolls: 2 } },
    );
    expect(run.queries).toEqual([
      {
        queryString: "EXECUTE find_call USING '+12065550100', '2026-12-06T13:50:00.000Z', '2026-12-06T14:20:00.000Z'",
        workGroup: WORKGROUP,
      },
    ]);
    // QUEUED, RUNNING, RUNNING, SUCCEEDED: it asked until the query had finished, and not after.
    expect(run.polls).toBe(4);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('Searching for +12065550100: "+1 (206) 555-0100" in E.164.');
    expect(run.stderr).toMatch(/Query [\w-]+ SUCCEEDED, 48213 bytes scanned\.\n2 rows\.\n$/);
    expect(run.stdout).toBe(
      [
        "call_id                               start_time                from_number   to_number     outcome   duration_seconds  recording",
        `------------------------------------  ------------------------  ------------  ------------  --------  ----------------  ${"-".repeat(70)}`,
        `${CALL_ID}  2026-12-06T14:05:12.345Z  +12065550100  +14155550123  recorded             312.5  s3://call-recorder-recordings/${CALL_ID}.wav`,
        "0c9b8a7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d  2026-12-06T14:11:40.002Z  +14155550123  +12065550100  no_audio",
        "",
      ].join("\n"),
    );
  });

  it("--json prints one object per row, values as Athena gives them and null for NULL", async () => {
    const range = ["--from", "2026-12-06T13:50:00Z", "--to", "2026-12-06T14:20:00Z"];
    const run = await runCalls(["find", "--number", "+12065550100", ...range, "--json", "--workgroup", WORKGROUP]);
    expect(run.stderr).not.toContain("Searching for");
    expect(
      run.stdout
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line)),
    ).toEqual([
      {
        call_id: CALL_ID,
        start_time: "2026-12-06T14:05:12.345Z",
        from_number: "+12065550100",
        to_number: "+14155550123",
        outcome: "recorded",
        duration_seconds: "312.5",
        recording: `s3://call-recorder-recordings/${CALL_ID}.wav`,
      },
      {
        call_id: "0c9b8a7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d",
        start_time: "2026-12-06T14:11:40.002Z",
        from_number: "+14155550123",
        to_number: "+12065550100",
        outcome: "no_audio",
        duration_seconds: null,
        recording: null,
      },
    ]);
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
  const CONNECTOR = "abcdefghij0123456789ab";
  const MISSED: QueryOutcome = {
    columns: ["start_day", "voice_connector_id", "call_id", "start_time", "from_number", "to_number", "outcome"].map((name) => ({
      name,
      type: "varchar",
    })),
    rows: [
      [
        "2026-12-06",
        CONNECTOR,
        "0c9b8a7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d",
        "2026-12-06T14:11:40.002Z",
        "+14155550123",
        "+12065550100",
        "no_audio",
      ],
      [
        "2026-12-06",
        CONNECTOR,
        "3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b",
        "2026-12-06T21:47:03.918Z",
        "+12065550177",
        "+14155550123",
        "missing",
      ],
    ],
  };
  const BY_OUTCOME: QueryOutcome = {
    columns: [
      { name: "start_day", type: "varchar" },
      { name: "voice_connector_id", type: "varchar" },
      { name: "outcome", type: "varchar" },
      { name: "calls", type: "bigint" },
    ],
    rows: [
      ["2026-12-05", CONNECTOR, "recorded", "1388"],
      ["2026-12-05", CONNECTOR, "single_leg", "4"],
      ["2026-12-06", CONNECTOR, "recorded", "1412"],
      ["2026-12-06", CONNECTOR, "missing", "1"],
      ["2026-12-06", CONNECTOR, "no_audio", "1"],
    ],
  };

  it("missed --day sends EXECUTE calls_not_recorded with that day as the first and the last", async () => {
    const run = await runCalls(["missed", "--day", "2026-12-06", "--workgroup", WORKGROUP], { outcome: MISSED });
    expect([run.status, run.queries]).toEqual([
      0,
      [{ queryString: "EXECUTE calls_not_recorded USING '2026-12-06', '2026-12-06'", workGroup: WORKGROUP }],
    ]);
    expect(run.stdout).toBe(
      [
        "start_day   voice_connector_id      call_id                               start_time                from_number   to_number     outcome",
        "----------  ----------------------  ------------------------------------  ------------------------  ------------  ------------  --------",
        `2026-12-06  ${CONNECTOR}  0c9b8a7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d  2026-12-06T14:11:40.002Z  +14155550123  +12065550100  no_audio`,
        `2026-12-06  ${CONNECTOR}  3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b  2026-12-06T21:47:03.918Z  +12065550177  +14155550123  missing`,
        "",
      ].join("\n"),
    );
  });

  it("by-outcome --from --to sends EXECUTE calls_by_outcome with the first and the last day; counts are right-aligned", async () => {
    const run = await runCalls(["by-outcome", "--from", "2026-12-05", "--to", "2026-12-06", "--workgroup", WORKGROUP], {
      outcome: BY_OUTCOME,
    });
    expect(run.queries.map((query) => query.queryString)).toEqual(["EXECUTE calls_by_outcome USING '2026-12-05', '2026-12-06'"]);
    expect(run.stdout).toBe(
      [
        "start_day   voice_connector_id      outcome     calls",
        "----------  ----------------------  ----------  -----",
        `2026-12-05  ${CONNECTOR}  recorded     1388`,
        `2026-12-05  ${CONNECTOR}  single_leg      4`,
        `2026-12-06  ${CONNECTOR}  recorded     1412`,
        `2026-12-06  ${CONNECTOR}  missing         1`,
        `2026-12-06  ${CONNECTOR}  no_audio        1`,
        "",
      ].join("\n"),
    );
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
    expect(call("arguments.mjs", "executeStatement", "calls_by_outcome", [])).toBe("EXECUTE calls_by_outcome");
  });

  it("can hold no quote of the user's: every value is a validated number, time or day", () => {
    expect(call("arguments.mjs", "e164", "number", "0044 20 7946 0018")).toBe("+442079460018");
    expect(call("arguments.mjs", "utcTime", "from", "2026-12-06T13:50Z")).toBe("2026-12-06T13:50:00.000Z");
    expect(() => call("arguments.mjs", "calendarDay", "day", "2026-12-06'; DROP TABLE x")).toThrow("is not a day");
  });
});

describe("results", () => {
  it("reads every page, following the CLI's NextToken, and drops only the first page's row of column names", async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => [`call-${String(i).padStart(4, "0")}`, String(i)]);
    const outcome: QueryOutcome = {
      columns: [
        { name: "call_id", type: "varchar" },
        { name: "n", type: "bigint" },
      ],
      rows,
    };
    // Athena's pages hold up to 1,000 rows; 400 here, so pages and the script's 1,000-row calls do not align.
    const run = await runCalls(["missed", "--day", "2026-12-06", "--json", "--workgroup", WORKGROUP], {
      outcome,
      fake: { pageSize: 400 },
    });
    expect(run.status).toBe(0);
    const printed = run.stdout.trimEnd().split("\n");
    expect(printed).toEqual(rows.map(([id, n]) => JSON.stringify({ call_id: id, n })));
    // 2,501 rows with the names: 7 pages of 400, and the CLI asks again where a 1,000-row call ended mid-page.
    expect(run.pages).toBeGreaterThanOrEqual(7);
    expect(run.stderr).toContain("2500 rows.");
  });

  it("prints the header alone for no rows", async () => {
    const run = await runCalls(["missed", "--day", "2026-12-06", "--workgroup", WORKGROUP], {
      outcome: { columns: [{ name: "call_id", type: "varchar" }], rows: [] },
    });
    expect([run.status, run.stdout]).toEqual([0, "call_id\n-------\n"]);
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
      "Workgroup from-option (from --workgroup): EXECUTE calls_not_recorded USING '2026-12-06', '2026-12-06'",
      "Workgroup from-environment (from CALL_RECORDER_WORKGROUP): EXECUTE calls_not_recorded USING '2026-12-06', '2026-12-06'",
      "Workgroup from-terraform (from terraform output athena_workgroup): EXECUTE calls_not_recorded USING '2026-12-06', '2026-12-06'",
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
