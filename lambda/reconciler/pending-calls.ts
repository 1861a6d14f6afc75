import { type AttributeValue, type DynamoDBClient, QueryCommand } from "@aws-sdk/client-dynamodb";
import { CALL_TABLE_SCHEMA } from "../recorder/table-schema";
import { AwsRequestError } from "./errors";

/**
 * The pending index's partitions of calls with no record yet: waiting for their recording ("1"),
 * and recording started but not yet checked ("check"; the record is written once it is checked).
 */
export const PENDING_PARTITIONS = ["1", "check"] as const;

/** Where an item keeps what the events said of the call, as JSON: the STARTED/ENDED details, else the FAILED ones. */
const DETAILS_ATTRIBUTES = ["call_details", "failed_details"] as const;

type Item = Record<string, AttributeValue>;

/** The call's transaction id as the item's details name it, or null. */
export function transactionIdOf(item: Item): string | null {
  for (const attribute of DETAILS_ATTRIBUTES) {
    const json = item[attribute]?.S;
    if (json === undefined) continue;
    try {
      const id = (JSON.parse(json) as { transactionId?: unknown }).transactionId;
      if (typeof id === "string" && id !== "") return id;
    } catch {
      // An unreadable details attribute names no transaction: the other one may.
    }
  }
  return null;
}

/** Transaction ids of every call in the pending index, page after page. */
export async function pendingTransactionIds(client: DynamoDBClient, tableName: string): Promise<Set<string>> {
  const { name, partitionKey } = CALL_TABLE_SCHEMA.pendingIndex;
  const ids = new Set<string>();
  for (const partition of PENDING_PARTITIONS) {
    let ExclusiveStartKey: Item | undefined;
    try {
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: name,
            KeyConditionExpression: "#pending = :pending",
            ExpressionAttributeNames: { "#pending": partitionKey },
            ExpressionAttributeValues: { ":pending": { S: partition } },
            ExclusiveStartKey,
          }),
        );
        for (const item of page.Items ?? []) {
          const id = transactionIdOf(item);
          if (id !== null) ids.add(id);
        }
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey !== undefined);
    } catch (error) {
      throw new AwsRequestError(error, "Query", `${tableName}/index/${name}`);
    }
  }
  return ids;
}
