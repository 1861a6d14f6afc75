import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import type { CallRecord } from "./call-record";
import { classifyAwsError } from "./errors";
import type { RangedRead } from "./recording-check";

/** Reads recordings by range and writes the per-call records, in one bucket. */
export interface RecordingStore {
  /** Ranged reads of the object at `key`, as the check takes them. */
  reader(key: string): RangedRead;
  /** One PutObject of the record as UTF-8 JSON. */
  putRecord(key: string, record: CallRecord): Promise<void>;
}

/** `bytes 0-4095/123456`: the last number is the object's whole size. */
const CONTENT_RANGE = /^bytes \d+-\d+\/(\d+)$/;

export function createRecordingStore(client: S3Client, bucket: string): RecordingStore {
  async function exists(key: string): Promise<boolean> {
    try {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }));
      return (listed.Contents ?? []).some((object) => object.Key === key);
    } catch (error) {
      throw classifyAwsError(error, { operation: "ListObjectsV2" });
    }
  }

  return {
    reader(key) {
      return async (range) => {
        const Range = "from" in range ? `bytes=${range.from}-${range.from + range.length - 1}` : `bytes=-${range.last}`;
        try {
          const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range }));
          const bytes = (await answer.Body?.transformToByteArray()) ?? new Uint8Array();
          const size = CONTENT_RANGE.exec(answer.ContentRange ?? "")?.[1];
          return { bytes, objectBytes: size === undefined ? bytes.byteLength : Number(size) };
        } catch (error) {
          if (error instanceof S3ServiceException && error.name === "NoSuchKey") return null;
          // Whether S3 answers 404 or 403 for a missing key when s3:ListBucket holds only for a prefix is
          // unconfirmed: a listing of the key itself, which that grant allows, tells absent from refused.
          if (error instanceof S3ServiceException && error.name === "AccessDenied" && !(await exists(key))) return null;
          // S3 refuses any range of a zero-byte object (416): the object is there, and empty.
          if (error instanceof S3ServiceException && error.name === "InvalidRange" && "from" in range && range.from === 0) {
            return { bytes: new Uint8Array(), objectBytes: 0 };
          }
          throw classifyAwsError(error, { operation: "GetObject" });
        }
      };
    },

    async putRecord(key, record) {
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            // One object on one line, as Athena's JSON SerDes read records.
            Body: `${JSON.stringify(record)}\n`,
            ContentType: "application/json; charset=utf-8",
          }),
        );
      } catch (error) {
        throw classifyAwsError(error, { operation: "PutObject" });
      }
    },
  };
}
