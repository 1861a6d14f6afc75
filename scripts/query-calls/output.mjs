// How `npm run calls` prints rows: an aligned text table for people, or one JSON object per row
// (--json) for jq and scripts. Values stay as Athena gives them: text, or null for NULL.

const NUMERIC = /^(tinyint|smallint|integer|int|bigint|real|double|float|decimal)/i;

/** A value on one line of the table: NULL shown empty, line breaks and tabs as spaces. */
const cell = (value) => (value === null ? "" : value.replace(/[\r\n\t]/g, " "));

/** The rows under their column names, each column as wide as its widest value; numbers right-aligned. */
export function formatTable(columns, rows) {
  const lines = [columns.map((column) => column.name), ...rows.map((row) => row.map(cell))];
  const widths = columns.map((_, i) => Math.max(...lines.map((line) => [...(line[i] ?? "")].length)));
  const pad = (text, i) => {
    const fill = " ".repeat(widths[i] - [...text].length);
    return NUMERIC.test(columns[i].type ?? "") ? fill + text : text + fill;
  };
  const render = (line) =>
    columns
      .map((_, i) => pad(line[i] ?? "", i))
      .join("  ")
      .trimEnd();
  return [render(lines[0]), widths.map((width) => "-".repeat(width)).join("  "), ...lines.slice(1).map(render)].join("\n");
}

/** One row as a JSON object keyed by column name. */
export function jsonLine(columns, row) {
  return JSON.stringify(Object.fromEntries(columns.map((column, i) => [column.name, row[i] ?? null])));
}
