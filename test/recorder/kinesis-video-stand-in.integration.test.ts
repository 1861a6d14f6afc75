/**
 * The Kinesis Video Streams stand-in, driven by the real SDK v3 clients the way a reader of a call
 * leg's stream drives AWS: GetDataEndpoint for LIST_FRAGMENTS, then ListFragments at the endpoint
 * it answered. What these tests pin down is what the quiet-leg inference may rely on.
 */
import { type APIName, GetDataEndpointCommand, KinesisVideoClient } from "@aws-sdk/client-kinesis-video";
import {
  type Fragment,
  type FragmentSelector,
  KinesisVideoArchivedMediaClient,
  ListFragmentsCommand,
  type ListFragmentsCommandInput,
  paginateListFragments,
} from "@aws-sdk/client-kinesis-video-archived-media";
import { type FakeKinesisVideo, type StoredFragment, startFakeKinesisVideo } from "./support/fake-kinesis-video";

const ARN_PREFIX = "arn:aws:kinesisvideo:us-east-1:111122223333:stream";
const STREAM = `${ARN_PREFIX}/ChimeVoiceConnector-abc-caller/1700000000000`;
const OTHER_STREAM = `${ARN_PREFIX}/ChimeVoiceConnector-abc-callee/1700000000001`;
const MISSING_STREAM = `${ARN_PREFIX}/ChimeVoiceConnector-abc-gone/1700000000002`;
/** 2023-11-14T22:13:20Z, a whole second, so that the ranges below read as offsets. */
const T0 = 1_700_000_000_000;

/** Keeps the developer's AWS profile and the instance metadata service out of the run, and the SDK's Node notice out of the output, as recorder-env does. */
const ISOLATION: Record<string, string> = {
  AWS_CONFIG_FILE: "/nonexistent/aws-config",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
  AWS_EC2_METADATA_DISABLED: "true",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
};
const savedEnv = Object.fromEntries(Object.keys(ISOLATION).map((name) => [name, process.env[name]]));

/** One attempt: a refusal must reach the test as the service gave it, not after retries. */
const CLIENT = {
  region: "us-east-1",
  credentials: { accessKeyId: "AKIDTESTKINESISVIDEO", secretAccessKey: "test-secret" },
  maxAttempts: 1,
};

let fake: FakeKinesisVideo;
let control: KinesisVideoClient;
const readers: KinesisVideoArchivedMediaClient[] = [];

beforeAll(async () => {
  Object.assign(process.env, ISOLATION);
  fake = await startFakeKinesisVideo();
  control = new KinesisVideoClient({ ...CLIENT, endpoint: fake.url });
});

afterAll(async () => {
  control.destroy();
  await fake.close();
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

afterEach(() => {
  for (const reader of readers.splice(0)) reader.destroy();
  expect(fake.modelProblems).toEqual([]);
});

/** A client for the data endpoint GetDataEndpoint answers for the stream, as AWS requires. */
async function readerOf(stream: string): Promise<KinesisVideoArchivedMediaClient> {
  const { DataEndpoint } = await control.send(new GetDataEndpointCommand({ StreamARN: stream, APIName: "LIST_FRAGMENTS" }));
  const reader = new KinesisVideoArchivedMediaClient({ ...CLIENT, endpoint: DataEndpoint });
  readers.push(reader);
  return reader;
}

const selector = (startMs: number, endMs: number, type: "PRODUCER_TIMESTAMP" | "SERVER_TIMESTAMP" = "PRODUCER_TIMESTAMP") =>
  ({
    FragmentSelectorType: type,
    TimestampRange: { StartTimestamp: new Date(startMs), EndTimestamp: new Date(endMs) },
  }) satisfies FragmentSelector;

/** Every page of a listing, asking again with the whole input and the token, as the SDK's paginator does. */
async function pagesOf(reader: KinesisVideoArchivedMediaClient, input: ListFragmentsCommandInput): Promise<Fragment[][]> {
  const pages: Fragment[][] = [];
  let NextToken: string | undefined;
  do {
    const output = await reader.send(new ListFragmentsCommand({ ...input, NextToken }));
    pages.push(output.Fragments ?? []);
    NextToken = output.NextToken;
  } while (NextToken !== undefined);
  return pages;
}

const producerMs = (fragment: Fragment) => fragment.ProducerTimestamp!.getTime();
const numbersOf = (fragments: (Fragment | StoredFragment)[]) =>
  fragments.map((fragment) => ("fragmentNumber" in fragment ? fragment.fragmentNumber : fragment.FragmentNumber!));
const ascending = (values: number[]) => [...values].sort((a, b) => a - b);

describe("a reader that keeps to the models", () => {
  beforeEach(() => fake.reset());

  afterEach(() => {
    expect(fake.requestProblems).toEqual([]);
  });

  it("GetDataEndpoint answers the stand-in's own URL, by StreamARN and by StreamName", async () => {
    fake.addStream(STREAM);
    const byArn = await control.send(new GetDataEndpointCommand({ StreamARN: STREAM, APIName: "LIST_FRAGMENTS" }));
    const byName = await control.send(
      new GetDataEndpointCommand({ StreamName: "ChimeVoiceConnector-abc-caller", APIName: "LIST_FRAGMENTS" }),
    );
    expect([byArn.DataEndpoint, byName.DataEndpoint]).toEqual([fake.url, fake.url]);
    expect(fake.requests[0]).toEqual({
      operation: "GetDataEndpoint",
      stream: STREAM,
      body: { StreamARN: STREAM, APIName: "LIST_FRAGMENTS" },
      status: 200,
    });
  });

  it("ListFragments at that endpoint returns exactly the stream's fragments whose producer timestamp lies in the range, both ends included", async () => {
    const added = fake.addFragments(STREAM, { fromMs: T0, toMs: T0 + 60_000 });
    fake.addFragments(OTHER_STREAM, { fromMs: T0, toMs: T0 + 60_000 });
    const reader = await readerOf(STREAM);
    const { Fragments = [], NextToken } = await reader.send(
      new ListFragmentsCommand({ StreamARN: STREAM, FragmentSelector: selector(T0 + 1_000, T0 + 10_000) }),
    );
    expect(NextToken).toBeUndefined();
    expect(ascending(Fragments.map(producerMs))).toEqual([2_000, 4_000, 6_000, 8_000, 10_000].map((offset) => T0 + offset));
    const stored = added.filter((fragment) => fragment.producerMs >= T0 + 1_000 && fragment.producerMs <= T0 + 10_000);
    expect(new Set(numbersOf(Fragments))).toEqual(new Set(numbersOf(stored)));
    for (const fragment of Fragments) {
      expect(fragment).toEqual({
        FragmentNumber: expect.stringMatching(/^[0-9]+$/),
        FragmentSizeInBytes: 32_000,
        ProducerTimestamp: fragment.ProducerTimestamp,
        ServerTimestamp: new Date(producerMs(fragment) + 300),
        FragmentLengthInMilliseconds: 2_000,
      });
    }
  });

  it("SERVER_TIMESTAMP selects by the server's timestamp, to the millisecond the SDK sends as fractional epoch seconds", async () => {
    fake.addFragments(STREAM, { fromMs: T0, toMs: T0 + 10_000 });
    const reader = await readerOf(STREAM);
    const list = async (startMs: number, endMs: number) => {
      const output = await reader.send(
        new ListFragmentsCommand({ StreamARN: STREAM, FragmentSelector: selector(startMs, endMs, "SERVER_TIMESTAMP") }),
      );
      return (output.Fragments ?? []).map(producerMs);
    };
    expect(await list(T0 + 2_300, T0 + 4_299)).toEqual([T0 + 2_000]);
    expect(await list(T0 + 2_301, T0 + 4_300)).toEqual([T0 + 4_000]);
    expect(fake.requests.at(-1)?.body.FragmentSelector.TimestampRange).toEqual({
      StartTimestamp: 1_700_000_002.301,
      EndTimestamp: 1_700_000_004.3,
    });
  });

  it("the last fragment ends where the added range does, and a stream without fragments lists none", async () => {
    fake.addFragments(STREAM, { fromMs: T0, toMs: T0 + 4_500 });
    fake.addStream(OTHER_STREAM);
    const reader = await readerOf(STREAM);
    const cut = await reader.send(new ListFragmentsCommand({ StreamARN: STREAM, FragmentSelector: selector(T0, T0 + 60_000) }));
    const sorted = [...(cut.Fragments ?? [])].sort((a, b) => producerMs(a) - producerMs(b));
    expect(sorted.map((fragment) => [fragment.FragmentLengthInMilliseconds, fragment.FragmentSizeInBytes])).toEqual([
      [2_000, 32_000],
      [2_000, 32_000],
      [500, 8_000],
    ]);
    const empty = await reader.send(
      new ListFragmentsCommand({ StreamARN: OTHER_STREAM, FragmentSelector: selector(T0, T0 + 60_000) }),
    );
    expect(empty.Fragments).toEqual([]);
    expect(empty.NextToken).toBeUndefined();
  });
});

describe("paging 1,500 fragments 100 at a time", () => {
  const whole = selector(T0, T0 + 3_000_000);
  let added: StoredFragment[];

  beforeEach(() => {
    fake.reset({ pageSize: 100, seed: 7 });
    added = fake.addFragments(STREAM, { fromMs: T0, toMs: T0 + 3_000_000 });
  });

  afterEach(() => {
    expect(fake.requestProblems).toEqual([]);
  });

  it("holds at most the page size in a page, even when MaxResults asks for 1000, and the pages together hold every fragment once, in no order", async () => {
    const reader = await readerOf(STREAM);
    const pages = await pagesOf(reader, { StreamARN: STREAM, MaxResults: 1000, FragmentSelector: whole });
    expect(added).toHaveLength(1_500);
    expect(pages.map((page) => page.length)).toEqual(Array(15).fill(100));
    const numbers = numbersOf(pages.flat());
    expect(new Set(numbers).size).toBe(1_500);
    expect(new Set(numbers)).toEqual(new Set(numbersOf(added)));
    // Unordered across pages too: the first page is not the earliest hundred, nor the last the latest.
    const first = pages[0].map(producerMs);
    const last = pages[14].map(producerMs);
    expect(Math.max(...first)).toBeGreaterThan(Math.min(...last));
    expect(first).not.toEqual(ascending(first));
  });

  it("bounds a page by MaxResults when it is below the page size", async () => {
    const reader = await readerOf(STREAM);
    const pages = await pagesOf(reader, { StreamARN: STREAM, MaxResults: 7, FragmentSelector: selector(T0, T0 + 38_000) });
    expect(pages.map((page) => page.length)).toEqual([7, 7, 6]);
  });

  it("continues a listing from the token alone, and answers a repeated token with the same page", async () => {
    const reader = await readerOf(STREAM);
    const first = await reader.send(new ListFragmentsCommand({ StreamARN: STREAM, FragmentSelector: whole }));
    expect(first.NextToken).toMatch(/^[a-zA-Z0-9+/]+={0,2}$/);
    const second = await reader.send(new ListFragmentsCommand({ StreamARN: STREAM, NextToken: first.NextToken }));
    const again = await reader.send(new ListFragmentsCommand({ StreamARN: STREAM, NextToken: first.NextToken }));
    expect(numbersOf(again.Fragments ?? [])).toEqual(numbersOf(second.Fragments ?? []));
    expect(new Set([...numbersOf(first.Fragments ?? []), ...numbersOf(second.Fragments ?? [])]).size).toBe(200);
  });

  it("orders a listing the same way for the same seed, and differently for another", async () => {
    const order = async () =>
      numbersOf((await pagesOf(await readerOf(STREAM), { StreamARN: STREAM, FragmentSelector: whole })).flat());
    const seven = await order();
    fake.reset({ pageSize: 100, seed: 7 });
    added = fake.addFragments(STREAM, { fromMs: T0, toMs: T0 + 3_000_000 });
    expect(await order()).toEqual(seven);
    fake.reset({ pageSize: 100, seed: 8 });
    added = fake.addFragments(STREAM, { fromMs: T0, toMs: T0 + 3_000_000 });
    expect(await order()).not.toEqual(seven);
  });

  it("serves the SDK's paginateListFragments, which repeats the selector with every token", async () => {
    const reader = await readerOf(STREAM);
    const pages: Fragment[][] = [];
    for await (const page of paginateListFragments(
      { client: reader, pageSize: 1000 },
      { StreamARN: STREAM, FragmentSelector: whole },
    )) {
      pages.push(page.Fragments ?? []);
    }
    expect(pages).toHaveLength(15);
    expect(new Set(numbersOf(pages.flat()))).toEqual(new Set(numbersOf(added)));
    expect(fake.stats).toEqual({ GetDataEndpoint: 1, ListFragments: 15 });
    const continued = fake.requests.filter((request) => request.operation === "ListFragments").slice(1);
    expect(
      continued.every((request) => request.body.NextToken !== undefined && request.body.FragmentSelector !== undefined),
    ).toBe(true);
  });
});

describe("errors", () => {
  beforeEach(() => fake.reset({ pageSize: 2 }));

  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => "resolved",
      (error: Error & { $metadata: { httpStatusCode?: number } }) => [error.name, error.$metadata.httpStatusCode],
    );

  it("an unknown stream is ResourceNotFoundException (404), to GetDataEndpoint and to ListFragments", async () => {
    fake.addStream(STREAM);
    const reader = await readerOf(STREAM);
    expect(await failure(readerOf(MISSING_STREAM))).toEqual(["ResourceNotFoundException", 404]);
    expect(
      await failure(
        reader.send(new ListFragmentsCommand({ StreamARN: MISSING_STREAM, FragmentSelector: selector(T0, T0 + 1_000) })),
      ),
    ).toEqual(["ResourceNotFoundException", 404]);
    expect(fake.requestProblems).toEqual([]);
  });

  it.each([
    ["ListFragments", "ClientLimitExceededException", 400],
    ["GetDataEndpoint", "ClientLimitExceededException", 400],
    ["GetDataEndpoint", "NotAuthorizedException", 401],
  ] as const)("a forced %s %s surfaces with that name and the model's status, once", async (operation, errorName, status) => {
    fake.addFragments(STREAM, { fromMs: T0, toMs: T0 + 4_000 });
    const reader = operation === "ListFragments" ? await readerOf(STREAM) : undefined;
    const call = () =>
      reader === undefined
        ? readerOf(STREAM)
        : reader.send(new ListFragmentsCommand({ StreamARN: STREAM, FragmentSelector: selector(T0, T0 + 4_000) }));
    fake.failNext(operation, errorName);
    expect(await failure(call())).toEqual([errorName, status]);
    expect(await failure(call())).toBe("resolved");
    expect(fake.requestProblems).toEqual([]);
  });

  it("forces only errors the model lists for the operation", () => {
    expect(() => fake.failNext("ListFragments", "ThrottlingException" as never)).toThrow(
      "ThrottlingException is not an error of ListFragments in kinesis-video-archived-media-2017-09-30",
    );
  });

  it.each([0, 1001])("refuses MaxResults %i as InvalidArgumentException and records why", async (MaxResults) => {
    fake.addStream(STREAM);
    const reader = await readerOf(STREAM);
    const listing = reader.send(
      new ListFragmentsCommand({ StreamARN: STREAM, MaxResults, FragmentSelector: selector(T0, T0 + 1_000) }),
    );
    expect(await failure(listing)).toEqual(["InvalidArgumentException", 400]);
    expect(fake.requestProblems).toEqual([
      expect.stringMatching(/^ListFragments input\.MaxResults: the value \d+ is (below|above)/),
    ]);
  });

  it("refuses an APIName outside the model's enum", async () => {
    fake.addStream(STREAM);
    const request = control.send(new GetDataEndpointCommand({ StreamARN: STREAM, APIName: "LIST_FRAGMENT" as APIName }));
    expect(await failure(request)).toEqual(["InvalidArgumentException", 400]);
    expect(fake.requestProblems).toEqual([expect.stringContaining('APIName: "LIST_FRAGMENT" is not one of PUT_MEDIA')]);
    expect(fake.requests[0]).toMatchObject({ operation: "GetDataEndpoint", status: 400, errorType: "InvalidArgumentException" });
  });

  it("refuses a stream named both ways or not at all, and a listing with neither FragmentSelector nor NextToken", async () => {
    fake.addStream(STREAM);
    const both = control.send(
      new GetDataEndpointCommand({ StreamARN: STREAM, StreamName: "ChimeVoiceConnector-abc-caller", APIName: "LIST_FRAGMENTS" }),
    );
    expect(await failure(both)).toEqual(["InvalidArgumentException", 400]);
    expect(await failure(control.send(new GetDataEndpointCommand({ APIName: "LIST_FRAGMENTS" })))).toEqual([
      "InvalidArgumentException",
      400,
    ]);
    const reader = await readerOf(STREAM);
    expect(await failure(reader.send(new ListFragmentsCommand({ StreamARN: STREAM })))).toEqual([
      "InvalidArgumentException",
      400,
    ]);
    expect(fake.requestProblems).toEqual([
      "GetDataEndpoint input: specify either StreamName or StreamARN",
      "GetDataEndpoint input: specify either StreamName or StreamARN",
      "ListFragments input: FragmentSelector is required when NextToken is not passed",
    ]);
  });

  it("refuses a NextToken presented for another stream or with another selector", async () => {
    fake.addFragments(STREAM, { fromMs: T0, toMs: T0 + 10_000 });
    fake.addFragments(OTHER_STREAM, { fromMs: T0, toMs: T0 + 10_000 });
    const reader = await readerOf(STREAM);
    const range = selector(T0, T0 + 10_000);
    const { NextToken } = await reader.send(new ListFragmentsCommand({ StreamARN: STREAM, FragmentSelector: range }));
    expect(NextToken).toBeDefined();
    const elsewhere = reader.send(new ListFragmentsCommand({ StreamARN: OTHER_STREAM, NextToken, FragmentSelector: range }));
    expect(await failure(elsewhere)).toEqual(["InvalidArgumentException", 400]);
    const shifted = reader.send(
      new ListFragmentsCommand({ StreamARN: STREAM, NextToken, FragmentSelector: selector(T0 + 1, T0 + 10_000) }),
    );
    expect(await failure(shifted)).toEqual(["InvalidArgumentException", 400]);
    expect(fake.requestProblems).toEqual([
      "ListFragments input: NextToken belongs to another stream",
      "ListFragments input: FragmentSelector differs from the one NextToken continues",
    ]);
  });
});
