/** The Athena side of the stack: the table over the records by day, the workgroup and its saved queries. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { glueType, RECORD_COLUMNS } from "../../stacks/analytics/record-columns";
import { executeExample, SAVED_QUERIES } from "../../stacks/analytics/saved-queries";
import { parseJsonLiteral, resource, synthesizeStack } from "../support/synth";

const config = synthesizeStack();
const table = resource(config, "aws_glue_catalog_table", "call_records");
const workgroup = resource(config, "aws_athena_workgroup", "calls");

describe("the call_records table", () => {
  it("lives in a database named after name_prefix, hyphens made underscores (Athena's database names)", () => {
    expect(resource(config, "aws_glue_catalog_database", "call_records").name).toBe('${replace(var.name_prefix, "-", "_")}');
    expect(table.database_name).toBe("${aws_glue_catalog_database.call_records.name}");
  });

  it("has one lower-case column per member of the record, typed from the same list DuckDB reads", () => {
    expect(table.storage_descriptor.columns.map((c: { name: string; type: string }) => [c.name, c.type])).toEqual(
      RECORD_COLUMNS.map((c) => [c.name.toLowerCase(), glueType(c.type)]),
    );
  });

  it("reads one JSON object per line with the OpenX SerDe, matching keys without regard to case", () => {
    expect(table.storage_descriptor).toMatchObject({
      input_format: "org.apache.hadoop.mapred.TextInputFormat",
      ser_de_info: { serialization_library: "org.openx.data.jsonserde.JsonSerDe", parameters: { "case.insensitive": "TRUE" } },
    });
  });

  it("projects start_day, a date partition by day from 2026-01-01 up to today, so no partition is ever added", () => {
    expect(table.partition_keys).toEqual([expect.objectContaining({ name: "start_day", type: "string" })]);
    expect(table.parameters).toMatchObject({
      "projection.enabled": "true",
      "projection.start_day.type": "date",
      "projection.start_day.format": "yyyy-MM-dd",
      "projection.start_day.range": "2026-01-01,NOW",
      "projection.start_day.interval": "1",
      "projection.start_day.interval.unit": "DAYS",
    });
  });

  it("finds each day under <records_by_day_prefix>/start_day=<day>/ in the recordings bucket ($$ leaves ${start_day} to Athena)", () => {
    expect(table.parameters["storage.location.template"]).toBe(
      "s3://${local.recording_bucket_name}/${local.records_by_day_prefix}/start_day=$${start_day}/",
    );
    expect(table.storage_descriptor.location).toBe("s3://${local.recording_bucket_name}/${local.records_by_day_prefix}/");
  });
});

describe("the query workgroup", () => {
  it("has Athena keep its results (24 hours, then deleted), encrypted with the recorder's key", () => {
    expect(workgroup.configuration.managed_query_results_configuration).toEqual({
      enabled: true,
      encryption_configuration: { kms_key: "${local.kms_key_arn}" },
    });
    expect(workgroup.configuration).not.toHaveProperty("result_configuration");
  });

  it("enforces its settings on every query, on engine version 3", () => {
    expect(workgroup.configuration).toMatchObject({
      enforce_workgroup_configuration: true,
      engine_version: { selected_engine_version: "Athena engine version 3" },
    });
  });

  it("is created once the key's policy lets the account use the key through Athena", () => {
    expect(workgroup.depends_on).toContain("aws_kms_key_policy.recordings");
    const statement = parseJsonLiteral(resource(config, "aws_kms_key_policy", "recordings").policy).Statement.find(
      (s: { Sid: string }) => s.Sid === "AccountQueriesCallRecordsThroughAthena",
    );
    expect(statement).toEqual({
      Sid: "AccountQueriesCallRecordsThroughAthena",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" },
      Action: ["kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"],
      Resource: "*",
      Condition: {
        StringEquals: {
          "kms:ViaService": "athena.${var.region}.amazonaws.com",
          "kms:CallerAccount": "${data.aws_caller_identity.current.account_id}",
        },
      },
    });
  });

  it.each(SAVED_QUERIES.map((q) => [q.name, q]))("saves %s as a prepared statement over the table", (name, query) => {
    expect(resource(config, "aws_athena_prepared_statement", name)).toEqual({
      name,
      workgroup: "${aws_athena_workgroup.calls.name}",
      description: query.description,
      query_statement: query.sql("${aws_glue_catalog_database.call_records.name}.${aws_glue_catalog_table.call_records.name}"),
    });
  });
});

describe("find_call's parameters", () => {
  const find = SAVED_QUERIES.find((q) => q.name === "find_call");

  it("are the number, the days to read and the window, whose times are examples of the form they describe", () => {
    expect(find?.parameters.map((p) => p.name)).toEqual(["number", "first_day", "last_day", "from_time", "to_time"]);
    for (const time of find?.parameters.slice(3) ?? []) {
      const value = time.example.slice(1, -1);
      // The records' own form, which string comparison needs: what toISOString() writes.
      expect(new Date(value).toISOString()).toBe(value);
      expect(time.description).toContain("YYYY-MM-DDTHH:MM:SS.sssZ");
    }
  });
});

describe("the outputs", () => {
  it.each([
    ["athena_workgroup", "${aws_athena_workgroup.calls.name}"],
    ["athena_database", "${aws_glue_catalog_database.call_records.name}"],
    ["call_records_table", "${aws_glue_catalog_table.call_records.name}"],
  ])("%s names the resource, with a description", (name, value) => {
    expect(config.output[name]).toEqual({ value, description: expect.stringMatching(/.{20}/) });
  });
});

describe("docs/finding-calls.md", () => {
  const page = readFileSync(join(__dirname, "..", "..", "docs", "finding-calls.md"), "utf8");

  it.each(SAVED_QUERIES.map((q) => [q.name, q]))("shows how to run %s with each of its values", (_name, query) => {
    expect(page).toContain(executeExample(query));
  });

  it("keeps the headings the recipe page links to", () => {
    expect(page).toMatch(/^## Find a call$/m);
    expect(page).toMatch(/^## Saved queries$/m);
  });
});
