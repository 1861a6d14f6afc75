#!/usr/bin/env node
// `npm run calls -- <query> [options]`: runs one of the deployment's Athena prepared statements over
// the call records and prints its rows. It does what a person would with the AWS CLI:
// `aws athena start-query-execution --work-group W --query-string "EXECUTE <statement> USING ..."`,
// `aws athena get-query-execution` until the query has finished, then `aws athena get-query-results`
// for every page. Messages go to stderr, rows to stdout. Exit status: 0 with the rows, 1 when Athena
// or the CLI failed, 2 when the command line or the workgroup is wrong (nothing was sent).
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { executeStatement, parseCommand, UsageError } from "./query-calls/arguments.mjs";
import { QueryError, readResults, startQuery, waitForQuery } from "./query-calls/athena.mjs";
import { formatTable, jsonLine } from "./query-calls/output.mjs";
import { ENVIRONMENT_VARIABLE, resolveWorkgroup } from "./query-calls/workgroup.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export const USAGE = `Usage: npm run calls -- <query> [options]

Queries (prepared statements of the deployment's Athena workgroup):
  find --number N --from TIME --to TIME
      Calls from or to the number N that started from the first time up to, not
      including, the second (find_call); the range may cross midnight.
      N in E.164 (+12065550100; spaces, dashes, dots and parentheses are dropped);
      TIME as 2026-12-06T13:50:00Z (UTC) or 2026-12-06T14:50:00+01:00.
  missed --day DAY | --from DAY --to DAY
      Calls not recorded or not verified on those days, and why (unrecorded_calls).
  by-outcome --day DAY | --from DAY --to DAY
      Calls per day by connector and outcome (calls_per_day).
  DAY is YYYY-MM-DD in UTC; --to is the last day, included.

Options:
  --workgroup NAME  the Athena workgroup; else $${ENVIRONMENT_VARIABLE}; else the athena_workgroup
                    output of the deployment (terraform output in cdktf.out/stacks/call-recorder)
  --json            one JSON object per row instead of a table
  --timeout SECONDS how long to wait for the query (default 300)
  -h, --help        this text

The AWS CLI runs with your credentials and region (AWS_PROFILE, AWS_DEFAULT_REGION, ...).`;

/** Runs the query and prints its rows; the exit status. */
async function run(command, env) {
  for (const note of command.notes) console.error(note);
  const workgroup = resolveWorkgroup(command.workgroup, env, root);
  const queryString = executeStatement(command.statement, command.parameters);
  console.error(`Workgroup ${workgroup.name} (from ${workgroup.source}): ${queryString}`);
  const id = await startQuery(workgroup.name, queryString);
  const execution = await waitForQuery(id, command.timeoutMs);
  const { State, StateChangeReason } = execution.Status;
  if (State !== "SUCCEEDED") {
    console.error(`Query ${id} ${State}: ${StateChangeReason ?? "Athena gave no reason"}`);
    return 1;
  }
  const scanned = execution.Statistics?.DataScannedInBytes;
  console.error(`Query ${id} SUCCEEDED${scanned === undefined ? "" : `, ${scanned} bytes scanned`}.`);
  // A table needs every row for its widths; JSON lines go out page by page.
  let columns = [];
  const rows = [];
  let count = 0;
  await readResults(id, (pageColumns, pageRows) => {
    columns = pageColumns;
    count += pageRows.length;
    if (command.json) for (const row of pageRows) console.log(jsonLine(columns, row));
    else rows.push(...pageRows);
  });
  if (!command.json) console.log(formatTable(columns, rows));
  console.error(`${count} ${count === 1 ? "row" : "rows"}.`);
  return 0;
}

async function main(args, env) {
  try {
    const command = parseCommand(args);
    if (command.help) {
      console.log(USAGE);
      return 0;
    }
    return await run(command, env);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\nSee: npm run calls -- --help`);
      return 2;
    }
    if (error instanceof QueryError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2), process.env);
}
