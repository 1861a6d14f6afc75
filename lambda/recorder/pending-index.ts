import { type DynamoDBClient, QueryCommand } from "@aws-sdk/client-dynamodb";
import { type Item, n, s } from "./call-item";
import { classifyAwsError } from "./errors";
import { ATTRIBUTES as A, CALL_TABLE_SCHEMA } from "./table-schema";

/** Items of one partition of the pending index, the earliest due first, up to `dueBy` and `limit` items when given. */
export async function queryIndex(
  client: DynamoDBClient,
  TableName: string,
  partition: string,
  dueBy: number | undefined,
  limit?: number,
): Promise<Item[]> {
  const items: Item[] = [];
  let ExclusiveStartKey: Item | undefined;
  try {
    do {
      const page = await client.send(
        new QueryCommand({
          TableName,
          IndexName: CALL_TABLE_SCHEMA.pendingIndex.name,
          KeyConditionExpression: dueBy === undefined ? "#pending = :pending" : "#pending = :pending AND #since <= :dueBy",
          ExpressionAttributeNames: { "#pending": A.pending, ...(dueBy === undefined ? {} : { "#since": A.since }) },
          ExpressionAttributeValues: { ":pending": s(partition), ...(dueBy === undefined ? {} : { ":dueBy": n(dueBy) }) },
          Limit: limit === undefined ? undefined : limit - items.length,
          ExclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey !== undefined && (limit === undefined || items.length < limit));
  } catch (error) {
    throw classifyAwsError(error, { operation: "Query" });
  }
  return items;
}
