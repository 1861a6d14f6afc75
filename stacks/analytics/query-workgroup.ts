import { AthenaPreparedStatement } from "@cdktf/provider-aws/lib/athena-prepared-statement";
import { AthenaWorkgroup } from "@cdktf/provider-aws/lib/athena-workgroup";
import { Construct } from "constructs";
import { SAVED_QUERIES } from "./saved-queries";

export interface QueryWorkgroupProps {
  /** The deployment's name prefix; the workgroup is named after it. */
  readonly namePrefix: string;
  /** The key query results are encrypted with: the deployment's. */
  readonly kmsKeyArn: string;
  /** The table the saved queries read, `database.table`. */
  readonly table: string;
}

/**
 * Where operators query the call records: an Athena workgroup whose results Athena keeps for 24 hours and
 * then deletes (managed query results), encrypted with the deployment's key, and the saved queries as
 * prepared statements. Managed results need no bucket: an existing output_bucket could not be given a
 * lifecycle rule by this stack, and results in the created bucket would need one of their own.
 */
export class QueryWorkgroup extends Construct {
  readonly workgroup: AthenaWorkgroup;

  constructor(scope: Construct, id: string, props: QueryWorkgroupProps) {
    super(scope, id);
    const workgroup = new AthenaWorkgroup(this, "workgroup", {
      name: `${props.namePrefix}-calls`,
      description: "Finds calls in the call records; results are kept 24 hours, encrypted with the recorder's key.",
      // Destroy also removes the query history and any named queries saved in the workgroup by hand.
      forceDestroy: true,
      configuration: {
        // A client cannot send results elsewhere or unencrypted.
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        engineVersion: { selectedEngineVersion: "Athena engine version 3" },
        managedQueryResultsConfiguration: { enabled: true, encryptionConfiguration: { kmsKey: props.kmsKeyArn } },
      },
    });
    workgroup.overrideLogicalId("calls");

    for (const query of SAVED_QUERIES) {
      new AthenaPreparedStatement(this, query.name, {
        name: query.name,
        workgroup: workgroup.name,
        description: query.description,
        queryStatement: query.sql(props.table),
      }).overrideLogicalId(query.name);
    }
    this.workgroup = workgroup;
  }
}
