import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  type S3ServiceException,
} from "@aws-sdk/client-s3";
import { type S3Server, type S3ServerOptions, startS3Server } from "./s3-server";

/** The real SDK client against loopback only, with dummy credentials. */
const clientOf = (target: S3Server) =>
  new S3Client({
    endpoint: target.url,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });

let server: S3Server;
let s3: S3Client;

beforeAll(async () => {
  server = await startS3Server({ buckets: ["recordings"], canList: true });
  s3 = clientOf(server);
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

/** The error's name and status, or the answer when there was none. */
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    (answer) => answer,
    (error: S3ServiceException) => [error.name, error.$metadata.httpStatusCode],
  );

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
      client = clientOf(unlisted);
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

    it("refuses ListObjectsV2 with 403 AccessDenied", async () => {
      unlisted.put(Bucket, "a.wav", Buffer.alloc(44));
      expect(await refusal(client.send(new ListObjectsV2Command({ Bucket, Prefix: "a.wav" })))).toEqual(["AccessDenied", 403]);
      expect(unlisted.modelProblems).toEqual([]);
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

  describe("ListObjectsV2", () => {
    it("lists the keys under a prefix in UTF-8 binary order, with their ETag, size and storage class", async () => {
      server.put(Bucket, "calls/b.wav", Buffer.alloc(44));
      server.put(Bucket, "calls/a.wav", Buffer.alloc(10));
      server.put(Bucket, "calls/B.wav", Buffer.alloc(5));
      server.put(Bucket, "other/c.wav", Buffer.alloc(1));
      const listed = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: "calls/" }));
      expect(listed).toMatchObject({
        Name: Bucket,
        Prefix: "calls/",
        KeyCount: 3,
        MaxKeys: 1000,
        IsTruncated: false,
        Contents: [
          { Key: "calls/B.wav", Size: 5 },
          { Key: "calls/a.wav", ETag: server.objects.get(`${Bucket}/calls/a.wav`)?.etag, Size: 10, StorageClass: "STANDARD" },
          { Key: "calls/b.wav", ETag: server.objects.get(`${Bucket}/calls/b.wav`)?.etag, Size: 44, StorageClass: "STANDARD" },
        ],
      });
      expect(listed.Contents?.[1].LastModified).toBeInstanceOf(Date);
      expect(listed.NextContinuationToken).toBeUndefined();
    });

    it("lists a key asked for as Prefix=<key>, MaxKeys=1", async () => {
      server.put(Bucket, "recordings/c1.wav", Buffer.alloc(44));
      const listed = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: "recordings/c1.wav", MaxKeys: 1 }));
      expect([listed.KeyCount, listed.Contents?.map((object) => object.Key)]).toEqual([1, ["recordings/c1.wav"]]);
      expect(server.requests.map((request) => [request.operation, request.prefix, request.status])).toEqual([
        ["ListObjectsV2", "recordings/c1.wav", 200],
      ]);
    });

    it("answers KeyCount 0 and no Contents for a prefix that holds no key", async () => {
      server.put(Bucket, "recordings/c1.wav", Buffer.alloc(44));
      const listed = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: "recordings/c2.wav", MaxKeys: 1 }));
      expect([listed.KeyCount, listed.Contents, listed.IsTruncated]).toEqual([0, undefined, false]);
    });

    it("lists a longer key under a missing key's name, as a prefix does: the caller compares the Key", async () => {
      server.put(Bucket, "recordings/c1.wav.part", Buffer.alloc(1));
      const listed = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: "recordings/c1.wav", MaxKeys: 1 }));
      expect(listed.Contents?.map((object) => object.Key)).toEqual(["recordings/c1.wav.part"]);
    });

    it("pages with MaxKeys: IsTruncated and NextContinuationToken until the last page", async () => {
      for (const name of ["c", "a", "b"]) server.put(Bucket, `calls/${name}.wav`, Buffer.alloc(1));
      const pages: [(string | undefined)[] | undefined, boolean | undefined][] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: "calls/", MaxKeys: 2, ContinuationToken }));
        pages.push([page.Contents?.map((object) => object.Key), page.IsTruncated]);
        ContinuationToken = page.NextContinuationToken;
      } while (ContinuationToken !== undefined);
      expect(pages).toEqual([
        [["calls/a.wav", "calls/b.wav"], true],
        [["calls/c.wav"], false],
      ]);
    });

    it("starts after StartAfter", async () => {
      for (const name of ["a", "b", "c"]) server.put(Bucket, `calls/${name}.wav`, Buffer.alloc(1));
      const listed = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: "calls/", StartAfter: "calls/a.wav" }));
      expect([listed.StartAfter, listed.Contents?.map((object) => object.Key)]).toEqual([
        "calls/a.wav",
        ["calls/b.wav", "calls/c.wav"],
      ]);
    });

    it("lists keys with characters XML escapes as they were written", async () => {
      server.put(Bucket, "calls/a&b'<c>\".wav", Buffer.alloc(1));
      const listed = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: "calls/a&" }));
      expect(listed.Contents?.map((object) => object.Key)).toEqual(["calls/a&b'<c>\".wav"]);
    });

    it("answers an unknown bucket with NoSuchBucket", async () => {
      expect(await refusal(s3.send(new ListObjectsV2Command({ Bucket: "elsewhere" })))).toEqual(["NoSuchBucket", 404]);
    });

    it("refuses a Delimiter, which it does not implement, with 501 NotImplemented rather than a wrong answer", async () => {
      expect(await refusal(s3.send(new ListObjectsV2Command({ Bucket, Delimiter: "/" })))).toEqual(["NotImplemented", 501]);
    });

    it.each([
      ["a max-keys that is no integer", "max-keys=ten"],
      ["a negative max-keys", "max-keys=-1"],
      ["a query parameter outside the model", "marker=calls%2F"],
      ["a continuation token it did not give", "continuation-token=bm9wZQ"],
    ])("refuses %s with 400 InvalidArgument", async (_, query) => {
      const response = await fetch(`${server.url}/${Bucket}?list-type=2&${query}`);
      expect([response.status, await response.text()]).toEqual([400, expect.stringContaining("<Code>InvalidArgument</Code>")]);
    });
  });

  describe("for a caller whose s3:ListBucket carries an s3:prefix condition (listPrefix)", () => {
    let conditioned: S3Server;
    let client: S3Client;
    const start = async (options: S3ServerOptions) => {
      conditioned = await startS3Server({ buckets: [Bucket], listPrefix: "recordings/", ...options });
      client = clientOf(conditioned);
    };
    afterEach(async () => {
      expect(conditioned.modelProblems).toEqual([]);
      client.destroy();
      await conditioned.close();
    });

    it("lists under the prefix, and refuses a list outside it with 403 AccessDenied", async () => {
      await start({});
      conditioned.put(Bucket, "records/c1.json", "{}");
      conditioned.put(Bucket, "recordings/c1.wav", Buffer.alloc(44));
      expect((await client.send(new ListObjectsV2Command({ Bucket, Prefix: "recordings/" }))).KeyCount).toBe(1);
      expect(await refusal(client.send(new ListObjectsV2Command({ Bucket, Prefix: "records/" })))).toEqual(["AccessDenied", 403]);
      expect(await refusal(client.send(new ListObjectsV2Command({ Bucket })))).toEqual(["AccessDenied", 403]);
    });

    it("answers GetObject of a missing key with NoSuchKey by default", async () => {
      await start({});
      expect(await refusal(client.send(new GetObjectCommand({ Bucket, Key: "recordings/c1.wav" })))).toEqual(["NoSuchKey", 404]);
    });

    it("with missingKeyStatus 403, refuses GetObject of a missing key while a list of that key answers KeyCount 0", async () => {
      await start({ missingKeyStatus: 403 });
      const Key = "recordings/c1.wav";
      expect(await refusal(client.send(new GetObjectCommand({ Bucket, Key })))).toEqual(["AccessDenied", 403]);
      expect(await refusal(client.send(new HeadObjectCommand({ Bucket, Key })))).toEqual([expect.any(String), 403]);
      const listed = await client.send(new ListObjectsV2Command({ Bucket, Prefix: Key, MaxKeys: 1 }));
      expect([listed.KeyCount, listed.Contents]).toEqual([0, undefined]);
    });
  });
});
