import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { readDetails } from "../recorder/call-item";
import { queryIndex } from "../recorder/pending-index";
import { CHECK_DUE, PENDING } from "../recorder/table-schema";

/**
 * Transaction ids of every call with no record yet, as the recorder reads its items: waiting for its
 * recording (PENDING), or recording started but not yet checked (CHECK_DUE; the record is written once
 * it is checked).
 */
export async function pendingTransactionIds(client: DynamoDBClient, tableName: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const partition of [PENDING, CHECK_DUE]) {
    for (const item of await queryIndex(client, tableName, partition, undefined)) {
      const id = readDetails(item).transactionId;
      if (id !== null && id !== "") ids.add(id);
    }
  }
  return ids;
}
