/**
 * A DuckDB result set as Athena's GetQueryResults gives it: each column with Athena's type name, each
 * value as its VarCharValue text (null for NULL). Nested values are written as Trino writes them
 * (`[{attempt=1, failurereason=...}]`, field names lower-cased as the Glue table names them): that exact
 * text is unconfirmed against Athena, and only the fake Athena of the `npm run calls` tests shows it.
 */
import type { ResultColumn } from "../../support/athena-server";
import type { DuckDbResultSet } from "./records-in-duckdb";

export interface AthenaResultSet {
  columns: ResultColumn[];
  rows: (string | null)[][];
}

/** Athena's name of a DuckDB type: arrays and rows by their kind alone, scalars lower-cased. */
export function athenaType(duckdbType: string): string {
  if (duckdbType.endsWith("[]")) return "array";
  if (duckdbType.startsWith("STRUCT")) return "row";
  if (duckdbType.startsWith("MAP")) return "map";
  return duckdbType.toLowerCase();
}

/** A value as Athena's text: NULL inside a value as `null`, an array as `[a, b]`, a row as `{name=value}`. */
function text(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `[${value.map(text).join(", ")}]`;
  if (typeof value === "object") {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([name, member]) => `${name.toLowerCase()}=${text(member)}`)
      .join(", ")}}`;
  }
  return String(value);
}

export function athenaResultSet(result: DuckDbResultSet): AthenaResultSet {
  return {
    columns: result.columns.map((column) => ({ name: column.name, type: athenaType(column.type) })),
    rows: result.rows.map((row) => row.map((value) => (value === null ? null : text(value)))),
  };
}
