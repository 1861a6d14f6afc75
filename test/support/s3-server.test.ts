import {
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  type S3ServiceException,
} from "@aws-sdk/client-s3";
import { type S3Server, startS3Server } from "./s3-server";

// The real SDK client against loopback only, with dummy credentials.
let server: S3Server;
let s3: S3Client;

beforeAll(async () => {
  server = await startS3Server({ buckets: ["recordings"], canList: true });
  s3 = new S3Client({
    endpoint: server.url,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
});

afterEach(() => {
  expect(server.modelProblems).toEqual([]);
  server.reset();
});

afterAll(async () => {
  s3.destroy();
  await server.close();
});

const Bucket = "recordings";

describe("the loopback S3 server, driven by the real @aws-sdk/client-s3", () => {
  it("stores what PutObject sends and GetObject returns it with its ETag", async () => {
    const put = await s3.send(
      new PutObjectCommand({ Bucket, Key: "calls/a.json", Body: '{"a":1}', ContentType: "application/json" }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: "calls/a.json" }));
    expect([await got.Body?.transformToString(), got.ContentType, got.ETag]).toEqual(['{"a":1}', "application/json", put.ETag]);
  });

  it("answers a Range with those bytes and the object's size in ContentRange", async () => {
    server.put(Bucket, "a.wav", Buffer.from("0123456789"));
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: "a.wav", Range: "bytes=2-5" }));
    expect([await got.Body?.transformToString(), got.ContentRange, got.ContentLength]).toEqual(["2345", "bytes 2-5/10", 4]);
  });

  it("answers a range past the end with the bytes there are", async () => {
    server.put(Bucket, "a.wav", Buffer.from("0123456789"));
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: "a.wav", Range: "bytes=0-4095" }));
    expect(got.ContentRange).toBe("bytes 0-9/10");
  });

  it("answers a suffix range with the last bytes", async () => {
    server.put(Bucket, "a.opus", Buffer.from("0123456789"));
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: "a.opus", Range: "bytes=-3" }));
    expect(await got.Body?.transformToString()).toBe("789");
  });

  it("refuses a range of an empty object with 416 InvalidRange, as S3 does", async () => {
    server.put(Bucket, "empty.wav", Buffer.alloc(0));
    const error = await s3
      .send(new GetObjectCommand({ Bucket, Key: "empty.wav", Range: "bytes=0-4095" }))
      .catch((e: unknown) => e);
    expect([(error as S3ServiceException).name, (error as S3ServiceException).$metadata.httpStatusCode]).toEqual([
      "InvalidRange",
      416,
    ]);
  });

  it("answers GetObject of a missing key with the modelled NoSuchKey", async () => {
    await expect(s3.send(new GetObjectCommand({ Bucket, Key: "nothing.wav" }))).rejects.toBeInstanceOf(NoSuchKey);
  });

  it("answers HeadObject of a missing key with a bare 404 (NotFound)", async () => {
    await expect(s3.send(new HeadObjectCommand({ Bucket, Key: "nothing.wav" }))).rejects.toBeInstanceOf(NotFound);
  });

  describe("for a caller without s3:ListBucket (the default), as S3 does", () => {
    let unlisted: S3Server;
    let client: S3Client;
    beforeAll(async () => {
      unlisted = await startS3Server({ buckets: [Bucket] });
      client = new S3Client({
        endpoint: unlisted.url,
        region: "us-east-1",
        forcePathStyle: true,
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
        maxAttempts: 1,
      });
    });
    afterAll(async () => {
      client.destroy();
      await unlisted.close();
    });

    it("answers GetObject of a missing key with 403 AccessDenied", async () => {
      const error = (await client
        .send(new GetObjectCommand({ Bucket, Key: "nothing.wav" }))
        .catch((e: unknown) => e)) as S3ServiceException;
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(["AccessDenied", 403]);
    });

    it("answers HeadObject of a missing key with a bare 403", async () => {
      const error = (await client
        .send(new HeadObjectCommand({ Bucket, Key: "nothing.wav" }))
        .catch((e: unknown) => e)) as S3ServiceException;
      expect(error.$metadata.httpStatusCode).toBe(403);
    });

    it("still serves a key that exists", async () => {
      unlisted.put(Bucket, "a.wav", Buffer.alloc(44));
      expect((await client.send(new HeadObjectCommand({ Bucket, Key: "a.wav" }))).ContentLength).toBe(44);
    });
  });

  it("answers HeadObject with the size and no body", async () => {
    server.put(Bucket, "a.wav", Buffer.alloc(44));
    expect((await s3.send(new HeadObjectCommand({ Bucket, Key: "a.wav" }))).ContentLength).toBe(44);
  });

  it("answers an unknown bucket with NoSuchBucket", async () => {
    const error = await s3.send(new GetObjectCommand({ Bucket: "elsewhere", Key: "a.wav" })).catch((e: unknown) => e);
    expect((error as S3ServiceException).name).toBe("NoSuchBucket");
  });

  it("refuses a body whose CRC32 does not match the checksum sent", async () => {
    const error = await s3
      .send(new PutObjectCommand({ Bucket, Key: "a.json", Body: "{}", ChecksumCRC32: "AAAAAA==" }))
      .catch((e: unknown) => e);
    expect((error as S3ServiceException).name).toBe("BadDigest");
  });

  it("keeps keys with characters that need encoding as they were written", async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: "a84b4c76e66710_40pc33.atlanta.com.json", Body: "{}" }));
    expect(server.get(Bucket, "a84b4c76e66710_40pc33.atlanta.com.json")?.toString()).toBe("{}");
  });
});
