import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { type IndexedRecord, RECORD_INDEX, recordIndexKey } from "../../../lambda/recorder/record-index";
import { RECORDS_TABLE } from "../../../stacks/analytics/record-columns";
import type { SavedQuery } from "../../../stacks/analytics/saved-queries";
import { duckdbJsonColumns } from "./duckdb-types";

export interface RecordsDatabase {
  /** `database.table`, as the stack names it for the prepared statements. */
  readonly table: string;
  /** Runs a saved query's SQL as it is, its parameters bound in order as strings (as `EXECUTE ... USING '...'`). */
  run(query: SavedQuery, parameters: readonly string[]): Promise<Record<string, unknown>[]>;
  /** The same, as a result set: each column's name and DuckDB type (e.g. `VARCHAR`, `STRUCT(...)[]`), then the rows. */
  resultSet(query: SavedQuery, parameters: readonly string[]): Promise<DuckDbResultSet>;
  /** The view's columns and their DuckDB types. */
  describe(): Promise<{ name: string; type: string }[]>;
  close(): void;
}

export interface DuckDbResultSet {
  columns: { name: string; type: string }[];
  /** Values as DuckDB gives them in JSON: lists as arrays, structs as objects, BIGINT as text. */
  rows: unknown[][];
}

/**
 * The records laid out as in S3 (`<prefix>/start_day=<day>/<connector>.<transaction>.<call>.json`, one line each)
 * in a temporary folder, and a DuckDB view over them named like the Glue table: the columns typed from the same
 * list, the day read from the folder name as Athena's projection reads it from the key.
 */
export async function recordsInDuckDb(
  records: readonly (IndexedRecord & Record<string, unknown>)[],
  writtenAtMs: number,
  database = "call_recorder",
): Promise<RecordsDatabase> {
  const root = mkdtempSync(join(tmpdir(), "records-by-day-"));
  const prefix = RECORD_INDEX.defaultPrefix;
  for (const record of records) {
    const file = join(root, recordIndexKey(prefix, record, writtenAtMs));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(record)}\n`);
  }
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const table = `${database}.${RECORDS_TABLE.name}`;
  const day = RECORDS_TABLE.partitionColumn;
  await connection.run(`CREATE SCHEMA ${database}`);
  await connection.run(
    `CREATE VIEW ${table} AS SELECT * FROM read_json('${root}/${prefix}/${day}=*/*.json', ` +
      `format = 'newline_delimited', hive_partitioning = true, hive_types = {'${day}': 'VARCHAR'}, columns = ${duckdbJsonColumns()})`,
  );
  const execute = async (query: SavedQuery, parameters: readonly string[]) => {
    const statement = await connection.prepare(query.sql(table));
    parameters.forEach((value, index) => {
      statement.bindVarchar(index + 1, value);
    });
    return statement.runAndReadAll();
  };
  return {
    table,
    async run(query, parameters) {
      return (await execute(query, parameters)).getRowObjectsJson() as Record<string, unknown>[];
    },
    async resultSet(query, parameters) {
      const reader = await execute(query, parameters);
      const types = reader.columnTypes();
      return {
        columns: reader.columnNames().map((name, index) => ({ name, type: types[index].toString() })),
        rows: reader.getRowsJson(),
      };
    },
    async describe() {
      const rows = (await connection.runAndReadAll(`DESCRIBE ${table}`)).getRowObjectsJson();
      return rows.map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
    },
    close() {
      connection.closeSync();
      instance.closeSync();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
