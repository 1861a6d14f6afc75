import { GlueCatalogDatabase } from "@cdktf/provider-aws/lib/glue-catalog-database";
import { GlueCatalogTable } from "@cdktf/provider-aws/lib/glue-catalog-table";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { glueType, RECORD_COLUMNS, RECORDS_TABLE } from "./record-columns";

export interface CallRecordsTableProps {
  /** Bucket the records are written to. */
  readonly bucketName: string;
  /** Where the records by day live: no surrounding slashes, never empty. */
  readonly recordIndexPrefix: string;
  /** The deployment's name prefix; the database is named after it. */
  readonly namePrefix: string;
}

/**
 * The records by day as an Athena table: a Glue database and the table `call_records`, one row per call,
 * partitioned by the call's start day (UTC). Partition projection computes each day's location, so no
 * crawler or partition upkeep, and a query that names its days reads only their prefixes.
 */
export class CallRecordsTable extends Construct {
  readonly databaseName: string;
  readonly tableName: string;

  constructor(scope: Construct, id: string, props: CallRecordsTableProps) {
    super(scope, id);
    const database = new GlueCatalogDatabase(this, "database", {
      // Athena's database names take letters, digits and underscores: name_prefix's hyphens become underscores.
      name: Fn.replace(props.namePrefix, "-", "_"),
      description: "Call records of the Chime call recorder, for Athena.",
    });
    database.overrideLogicalId("call_records");

    const day = RECORDS_TABLE.partitionColumn;
    const root = `s3://${props.bucketName}/${props.recordIndexPrefix}`;
    const table = new GlueCatalogTable(this, "table", {
      databaseName: database.name,
      name: RECORDS_TABLE.name,
      description: "One row per call: its JSON record (schema version 2), filed under the day the call started (UTC).",
      tableType: "EXTERNAL_TABLE",
      parameters: {
        EXTERNAL: "TRUE",
        classification: "json",
        "projection.enabled": "true",
        [`projection.${day}.type`]: "date",
        [`projection.${day}.format`]: RECORDS_TABLE.dayFormat,
        [`projection.${day}.range`]: `${RECORDS_TABLE.firstDay},NOW`,
        [`projection.${day}.interval`]: "1",
        [`projection.${day}.interval.unit`]: "DAYS",
        // "$${" is Terraform's escape for a literal "${": Athena fills in the day. Only the days' prefixes are read,
        // so the reconciliation reports beside them (<prefix>/reconciliation/) never count as records.
        "storage.location.template": `${root}/${day}=$\${${day}}/`,
      },
      partitionKeys: [{ name: day, type: "string", comment: "the call's start day (UTC), YYYY-MM-DD" }],
      storageDescriptor: {
        location: `${root}/`,
        inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
        outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        serDeInfo: {
          name: "call-record-json",
          // Lower-cases the record's camelCase keys at every level to match the lower-case columns.
          serializationLibrary: "org.openx.data.jsonserde.JsonSerDe",
          parameters: { "case.insensitive": "TRUE" },
        },
        columns: RECORD_COLUMNS.map((column) => ({
          name: column.name.toLowerCase(),
          type: glueType(column.type),
          ...(column.comment === undefined ? {} : { comment: column.comment }),
        })),
      },
    });
    table.overrideLogicalId("call_records");
    this.databaseName = database.name;
    this.tableName = table.name;
  }
}
