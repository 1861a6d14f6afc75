import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { AwsRequestError } from "./errors";

/** The few S3 requests the job makes, across its two buckets. */
export interface ObjectStore {
  /** Every key under `prefix`, page after page (1,000 keys a page). */
  listKeys(bucket: string, prefix: string): Promise<string[]>;
  getText(bucket: string, key: string): Promise<string>;
  putJson(bucket: string, key: string, value: unknown): Promise<void>;
}

export function createObjectStore(client: S3Client): ObjectStore {
  return {
    async listKeys(bucket, prefix) {
      const keys: string[] = [];
      let ContinuationToken: string | undefined;
      try {
        do {
          const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }));
          for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
          ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (ContinuationToken !== undefined);
      } catch (error) {
        throw new AwsRequestError(error, "ListObjectsV2", `s3://${bucket}/${prefix}`);
      }
      return keys;
    },

    async getText(bucket, key) {
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return (await answer.Body?.transformToString("utf-8")) ?? "";
      } catch (error) {
        throw new AwsRequestError(error, "GetObject", `s3://${bucket}/${key}`);
      }
    },

    async putJson(bucket, key, value) {
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: `${JSON.stringify(value, null, 2)}\n`,
            ContentType: "application/json; charset=utf-8",
          }),
        );
      } catch (error) {
        throw new AwsRequestError(error, "PutObject", `s3://${bucket}/${key}`);
      }
    },
  };
}
