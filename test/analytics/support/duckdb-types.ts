/**
 * The record's columns as DuckDB's JSON reader takes them, for the tests' view standing in for the Glue
 * table (stacks/analytics/record-columns.ts renders the same list for Glue).
 */
import { type ColumnType, RECORD_COLUMNS, type ScalarType } from "../../../stacks/analytics/record-columns";

const DUCKDB_SCALARS: Record<ScalarType, string> = {
  string: "VARCHAR",
  int: "INTEGER",
  bigint: "BIGINT",
  double: "DOUBLE",
  boolean: "BOOLEAN",
};

/** The DuckDB type, names as the JSON spells them: its JSON reader matches keys by exact name. */
export function duckdbType(type: ColumnType): string {
  if (typeof type === "string") return DUCKDB_SCALARS[type];
  if ("struct" in type) return `STRUCT(${type.struct.map((m) => `"${m.name}" ${duckdbType(m.type)}`).join(", ")})`;
  if ("array" in type) return `${duckdbType(type.array)}[]`;
  return "MAP(VARCHAR, VARCHAR)";
}

/** The `columns` argument of DuckDB's read_json for the record, as SQL. */
export function duckdbJsonColumns(): string {
  return `{${RECORD_COLUMNS.map((c) => `'${c.name}': '${duckdbType(c.type).replaceAll("'", "''")}'`).join(", ")}}`;
}
