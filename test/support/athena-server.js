"use strict";
/**
 * Amazon Athena as a loopback endpoint true to botocore's Athena model (JSON 1.1 protocol), for the
 * tests of `npm run calls` with the real AWS CLI: StartQueryExecution, GetQueryExecution and
 * GetQueryResults, refused unless the request conforms to the model, answered only with the model's
 * members. A query is QUEUED, then RUNNING over its first polls, then ends as the test set before
 * starting it: with a result set (first the row of column names, as Athena gives for a SELECT, then
 * the rows, in pages of MaxResults up to `pageSize`), FAILED with a StateChangeReason, or never.
 */
const { randomUUID } = require("node:crypto");
const { loadServiceModel, ServiceError, startModelEndpoint } = require("./model-endpoint");

const ATHENA_MODEL = loadServiceModel("athena", "2017-05-18");
/** GetQueryResults' default and largest page. */
const MAX_PAGE = 1000;

/** A modelled InvalidRequestException (Athena's answer to a request it cannot serve). */
const invalid = (message) => new ServiceError("InvalidRequestException", message);

/**
 * @param {{ queuedPolls?: number, runningPolls?: number, pageSize?: number, workGroups?: string[] }} [options]
 *   polls answered QUEUED, then RUNNING; rows per page at most; the workgroups that exist (any when omitted)
 */
async function startFakeAthena({ queuedPolls = 1, runningPolls = 1, pageSize = MAX_PAGE, workGroups } = {}) {
  /** What the next query does: { columns: [{ name, type }], rows } | { failure: reason } | { endless: true }. */
  let outcome = { columns: [], rows: [] };
  const executions = new Map();

  const execution = (id) => {
    const found = executions.get(id);
    if (found === undefined) throw invalid(`QueryExecution ${id} was not found`);
    return found;
  };
  const stateOf = ({ polls, outcome: end }) => {
    if (polls <= queuedPolls) return "QUEUED";
    if (polls <= queuedPolls + runningPolls || end.endless) return "RUNNING";
    return end.failure === undefined ? "SUCCEEDED" : "FAILED";
  };
  const statusOf = (query) => {
    const State = stateOf(query);
    const status = { State, SubmissionDateTime: query.submittedAt };
    if (State === "SUCCEEDED" || State === "FAILED") status.CompletionDateTime = new Date(query.submittedAt.getTime() + 850);
    if (State === "FAILED") {
      status.StateChangeReason = query.outcome.failure;
      status.AthenaError = { ErrorCategory: 2, Retryable: false, ErrorMessage: query.outcome.failure };
    }
    return status;
  };
  const pageToken = (id, offset) => Buffer.from(JSON.stringify({ id, offset })).toString("base64");
  const offsetOf = (id, token) => {
    if (token === undefined) return 0;
    const read = JSON.parse(Buffer.from(token, "base64").toString("utf8") || "{}");
    if (read.id !== id) throw invalid("The NextToken is not one of this query's");
    return read.offset;
  };

  const endpoint = await startModelEndpoint({
    services: [
      {
        model: ATHENA_MODEL,
        handlers: {
          StartQueryExecution(input) {
            const workGroup = input.WorkGroup ?? "primary";
            if (workGroups !== undefined && !workGroups.includes(workGroup))
              throw invalid(`WorkGroup ${workGroup} is not found.`);
            const id = randomUUID();
            executions.set(id, { id, queryString: input.QueryString, workGroup, outcome, polls: 0, submittedAt: new Date() });
            return { QueryExecutionId: id };
          },
          GetQueryExecution(input) {
            const query = execution(input.QueryExecutionId);
            query.polls += 1;
            const finished = ["SUCCEEDED", "FAILED"].includes(stateOf(query));
            return {
              QueryExecution: {
                QueryExecutionId: query.id,
                Query: query.queryString,
                StatementType: "DML",
                WorkGroup: query.workGroup,
                Status: statusOf(query),
                ...(finished && {
                  Statistics: {
                    EngineExecutionTimeInMillis: 640,
                    DataScannedInBytes: query.outcome.scannedBytes ?? 0,
                    TotalExecutionTimeInMillis: 850,
                  },
                }),
              },
            };
          },
          GetQueryResults(input) {
            const query = execution(input.QueryExecutionId);
            const state = stateOf(query);
            if (state !== "SUCCEEDED") throw invalid(`Query has not yet finished. Current state: ${state}`);
            const { columns, rows } = query.outcome;
            const table = [columns.map((column) => column.name), ...rows];
            const offset = offsetOf(query.id, input.NextToken);
            const end = offset + Math.min(input.MaxResults ?? MAX_PAGE, pageSize);
            return {
              UpdateCount: 0,
              ResultSet: {
                Rows: table
                  .slice(offset, end)
                  .map((row) => ({ Data: row.map((value) => (value === null ? {} : { VarCharValue: value })) })),
                ResultSetMetadata: {
                  ColumnInfo: columns.map((column) => ({
                    CatalogName: "hive",
                    Name: column.name,
                    Label: column.name,
                    Type: column.type,
                    Nullable: "UNKNOWN",
                    CaseSensitive: column.type === "varchar",
                  })),
                },
              },
              ...(end < table.length && { NextToken: pageToken(query.id, end) }),
            };
          },
        },
      },
    ],
  });

  const calls = (operation) => endpoint.requests.filter((request) => request.operation === operation);
  return {
    url: endpoint.url,
    /** What the queries started from now on do. */
    setOutcome(next) {
      outcome = next;
    },
    /** The queries started: query string and workgroup, in order. */
    get queries() {
      return calls("StartQueryExecution").map((request) => ({
        queryString: request.input.QueryString,
        workGroup: request.input.WorkGroup,
      }));
    },
    /** How many requests of the operation came in. */
    count: (operation) => calls(operation).length,
    /** Requests the endpoint refused as not conforming to the model. */
    get refused() {
      return endpoint.requests.flatMap((request) => request.problems);
    },
    verify: () => endpoint.verify(),
    close: () => endpoint.close(),
  };
}

module.exports = { ATHENA_MODEL, startFakeAthena };
