// The three AWS CLI steps of one Athena query: start it in a workgroup, wait until it has finished,
// read its result set page by page. The CLI runs without a shell (execFile), so the query string
// reaches Athena exactly as built; credentials, region and endpoint come from the environment as
// for any `aws` command (AWS_PROFILE, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL...).
import { execFile } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

/** Athena or the CLI said no; the script exits 1 with the message. */
export class QueryError extends Error {}

/** Rows per `get-query-results` call: GetQueryResults' largest page, so one call is one request. */
const PAGE_ITEMS = "1000";
const FIRST_POLL_MS = 200;
const LONGEST_POLL_MS = 5000;
const FINISHED = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

/** `aws athena <operation> <args> --output json`, parsed. */
function athena(operation, args) {
  return new Promise((resolve, reject) => {
    execFile(
      "aws",
      ["athena", operation, ...args, "--output", "json"],
      // AWS_PAGER: the CLI v2 would otherwise page its output through `less`.
      { env: { ...process.env, AWS_PAGER: "" }, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error?.code === "ENOENT") {
          reject(new QueryError("The AWS CLI (aws) is not on PATH: install it and configure credentials for the account."));
        } else if (error) {
          reject(new QueryError(`aws athena ${operation} failed: ${stderr.trim() || error.message}`));
        } else {
          try {
            resolve(JSON.parse(stdout));
          } catch {
            reject(new QueryError(`aws athena ${operation} printed no JSON: ${stdout.slice(0, 200)}`));
          }
        }
      },
    );
  });
}

/** Starts the query in the workgroup (whose settings say where results go); its execution id. */
export async function startQuery(workGroup, queryString) {
  const { QueryExecutionId } = await athena("start-query-execution", ["--work-group", workGroup, "--query-string", queryString]);
  return QueryExecutionId;
}

/**
 * Polls until the query is SUCCEEDED, FAILED or CANCELLED, waiting 0.2 s, then twice as long each
 * time up to 5 s; the final QueryExecution. A query still going at the deadline is left to run.
 */
export async function waitForQuery(id, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let pause = FIRST_POLL_MS;
  for (;;) {
    const { QueryExecution } = await athena("get-query-execution", ["--query-execution-id", id]);
    const state = QueryExecution.Status?.State;
    if (FINISHED.has(state)) return QueryExecution;
    if (Date.now() + pause > deadline) {
      throw new QueryError(
        `Query ${id} is still ${state} after ${timeoutMs / 1000} s (--timeout); it goes on in Athena. ` +
          `See it with: aws athena get-query-execution --query-execution-id ${id}; ` +
          `stop it with: aws athena stop-query-execution --query-execution-id ${id}`,
      );
    }
    await sleep(pause);
    pause = Math.min(pause * 2, LONGEST_POLL_MS);
  }
}

/** Whether a row is the column names, which Athena puts first in a SELECT's result set. */
const isHeader = (row, columns) => row.length === columns.length && row.every((value, i) => value === columns[i].name);

/**
 * Reads every page of a finished query's results, following the CLI's NextToken, and hands each to
 * `onPage(columns, rows)`: columns as { name, type }, rows as lists of strings (null for NULL),
 * without the row of column names.
 */
export async function readResults(id, onPage) {
  let token;
  let columns;
  let first = true;
  do {
    const page = await athena("get-query-results", [
      "--query-execution-id",
      id,
      "--max-items",
      PAGE_ITEMS,
      ...(token === undefined ? [] : ["--starting-token", token]),
    ]);
    columns ??= (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((column) => ({ name: column.Name, type: column.Type }));
    const rows = (page.ResultSet?.Rows ?? []).map((row) => (row.Data ?? []).map((datum) => datum.VarCharValue ?? null));
    onPage(columns, first && rows.length > 0 && isHeader(rows[0], columns) ? rows.slice(1) : rows);
    first = false;
    token = page.NextToken;
  } while (token !== undefined);
}
