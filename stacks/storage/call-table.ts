import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { Construct } from "constructs";
import { CALL_TABLE_SCHEMA } from "../../lambda/recorder/table-schema";

export interface CallTableProps {
  /** Table name. */
  readonly name: string;
  /** The customer-managed key the table is encrypted with. */
  readonly kmsKeyArn: string;
}

/**
 * Pairs the two legs of each call until its recording has started. Items are small and
 * short-lived (TTL); the sparse index lists calls still waiting for a leg.
 */
export class CallTable extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: CallTableProps) {
    super(scope, id);
    const { partitionKey, ttlAttribute, pendingIndex } = CALL_TABLE_SCHEMA;
    this.table = new DynamodbTable(this, "table", {
      name: props.name,
      billingMode: "PAY_PER_REQUEST",
      hashKey: partitionKey,
      attribute: [
        { name: partitionKey, type: "S" },
        { name: pendingIndex.partitionKey, type: "S" },
        { name: pendingIndex.sortKey, type: "N" },
      ],
      globalSecondaryIndex: [
        {
          name: pendingIndex.name,
          hashKey: pendingIndex.partitionKey,
          rangeKey: pendingIndex.sortKey,
          projectionType: "ALL",
        },
      ],
      ttl: { attributeName: ttlAttribute, enabled: true },
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: props.kmsKeyArn },
    });
    this.table.overrideLogicalId("calls");
  }
}
