import { type AttributeValue, type DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import type { Item } from "./call-item";
import { classifyAwsError, isConditionalCheckFailure } from "./errors";
import { ATTRIBUTES } from "./table-schema";

export interface Change {
  expression: string;
  condition?: string;
  names: Record<string, string>;
  values?: Record<string, AttributeValue>;
  returnValues?: "ALL_NEW" | "ALL_OLD";
}

/** One conditional UpdateItem of a call: the item it returns (empty without ReturnValues), or null when its condition failed. */
export type TableUpdate = (callId: string, change: Change) => Promise<Item | null>;

export function createTableUpdate(client: DynamoDBClient, TableName: string): TableUpdate {
  return async (callId, change) => {
    try {
      const { Attributes } = await client.send(
        new UpdateItemCommand({
          TableName,
          Key: { [ATTRIBUTES.callId]: { S: callId } },
          UpdateExpression: change.expression,
          ConditionExpression: change.condition,
          ExpressionAttributeNames: change.names,
          ExpressionAttributeValues:
            change.values === undefined || Object.keys(change.values).length === 0 ? undefined : change.values,
          ReturnValues: change.returnValues,
        }),
      );
      return Attributes ?? {};
    } catch (error) {
      if (isConditionalCheckFailure(error)) return null;
      throw classifyAwsError(error, { callId, operation: "UpdateItem" });
    }
  };
}
