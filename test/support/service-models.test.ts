import {
  ChimeSDKMediaPipelinesClient,
  CreateMediaInsightsPipelineCommand,
  type CreateMediaInsightsPipelineCommandInput,
} from "@aws-sdk/client-chime-sdk-media-pipelines";
import {
  PARAMETER_NAME,
  phoneNumberWorld,
  SSM_MODEL,
  VOICE_CONNECTOR_ID,
  VOICE_MODEL,
} from "../pbx/support/phone-number-service";
import { startFakeKinesisVideo } from "../recorder/support/fake-kinesis-video";
import { startFakeMediaPipelines } from "../recorder/support/fake-media-pipelines";
import { ATHENA_MODEL, startFakeAthena } from "./athena-server";
import {
  loadServiceModel,
  operationProblems,
  ServiceError,
  type ServiceModel,
  shapeProblems,
  startModelEndpoint,
} from "./model-endpoint";

const NUMBER = "+14155550100";
const ORDER_ID = "0b8f9c3e-6a1d-4f6e-9d3b-2c5a7e8f1a2b";

describe("the model validator", () => {
  it("accepts an answer made of the model's members", () => {
    const answer = { PhoneNumberOrder: { PhoneNumberOrderId: ORDER_ID, Status: "Successful" } };
    expect(operationProblems(VOICE_MODEL, "GetPhoneNumberOrder", answer, "output")).toEqual([]);
  });

  it("refuses a member the API lacks, such as PhoneNumberOrder.OrderStatus", () => {
    const answer = { PhoneNumberOrder: { PhoneNumberOrderId: ORDER_ID, OrderStatus: "Successful" } };
    expect(operationProblems(VOICE_MODEL, "GetPhoneNumberOrder", answer, "output")).toEqual([
      expect.stringContaining("OrderStatus is not a member of PhoneNumberOrder"),
    ]);
  });

  it("refuses a value outside an enum", () => {
    expect(shapeProblems(VOICE_MODEL, "PhoneNumberOrderStatus", "Done")).toEqual([expect.stringContaining("is not one of")]);
  });

  it("refuses a value that does not match the pattern, such as an order id that is no GUID", () => {
    expect(shapeProblems(VOICE_MODEL, "GuidString", "order-1")).toEqual([expect.stringContaining("does not match the pattern")]);
  });

  it("refuses a request without a required member", () => {
    expect(operationProblems(VOICE_MODEL, "CreatePhoneNumberOrder", { E164PhoneNumbers: [NUMBER] })).toEqual([
      expect.stringContaining("the required member ProductType is missing"),
    ]);
  });

  it("refuses strings and lists outside their lengths, and numbers outside their range", () => {
    expect(shapeProblems(VOICE_MODEL, "TollFreePrefix", "8000")).toContainEqual(expect.stringContaining("above the maximum 3"));
    expect(shapeProblems(VOICE_MODEL, "PhoneNumberMaxResults", 0)).toEqual([expect.stringContaining("below the minimum 1")]);
    const media = loadServiceModel("chime-sdk-media-pipelines", "2021-07-15");
    const streams = media.shapes.KinesisVideoStreamRecordingSourceRuntimeConfiguration.members.Streams.shape;
    expect(shapeProblems(media, streams, [])).toEqual([expect.stringContaining("below the minimum 1")]);
  });

  it("says loudly when a model is missing", () => {
    expect(() => loadServiceModel("chime-sdk-voice", "1999-01-01")).toThrow(
      "the service model chime-sdk-voice/1999-01-01 is not in",
    );
  });
});

describe("the model endpoint", () => {
  const request = (url: string, path: string, init: RequestInit = {}) => fetch(`${url}${path}`, init);

  it("refuses a request that breaks the input shape with a 400 in the rest-json error form", async () => {
    const endpoint = await startModelEndpoint({ services: [{ model: VOICE_MODEL, handlers: {} }] });
    try {
      const response = await request(endpoint.url, "/phone-number-orders/order-1");
      expect(response.status).toBe(400);
      expect(response.headers.get("x-amzn-errortype")).toBe("BadRequestException");
      expect(await response.json()).toEqual({ message: expect.stringContaining("PhoneNumberOrderId") });
    } finally {
      await endpoint.close();
    }
  });

  it("refuses members the input shape lacks", async () => {
    const endpoint = await startModelEndpoint({ services: [{ model: VOICE_MODEL, handlers: {} }] });
    try {
      const body = JSON.stringify({ ProductType: "VoiceConnector", E164PhoneNumbers: [NUMBER], Quantity: 1 });
      const response = await request(endpoint.url, "/phone-number-orders", { method: "POST", body });
      expect(response.status).toBe(400);
      expect(endpoint.requests[0].problems).toEqual([
        "CreatePhoneNumberOrder: Quantity is not a body member of CreatePhoneNumberOrderRequest",
      ]);
    } finally {
      await endpoint.close();
    }
  });

  it("answers json 1.1 errors with __type in the body", async () => {
    const handlers = {
      GetParameter: () => {
        throw new ServiceError("ParameterNotFound", "no such parameter");
      },
    };
    const endpoint = await startModelEndpoint({ services: [{ model: SSM_MODEL, handlers }] });
    try {
      const response = await request(endpoint.url, "/", {
        method: "POST",
        headers: { "x-amz-target": "AmazonSSM.GetParameter", "content-type": "application/x-amz-json-1.1" },
        body: JSON.stringify({ Name: PARAMETER_NAME }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ __type: "ParameterNotFound", message: "no such parameter" });
    } finally {
      await endpoint.close();
    }
  });

  it("refuses a json 1.1 request that breaks the input shape with a ValidationException", async () => {
    const endpoint = await startModelEndpoint({ services: [{ model: SSM_MODEL, handlers: {} }] });
    try {
      const response = await request(endpoint.url, "/", {
        method: "POST",
        headers: { "x-amz-target": "AmazonSSM.GetParameter", "content-type": "application/x-amz-json-1.1" },
        body: JSON.stringify({ Name: "" }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        __type: "ValidationException",
        Message: expect.stringContaining("below the minimum 1"),
      });
      expect(endpoint.failures).toEqual([]);
    } finally {
      await endpoint.close();
    }
  });

  it.each([
    ["header", "NotFoundException", {}],
    ["__type", null, { __type: "NotFoundException" }],
    ["Code", null, { Code: "NotFound" }],
  ] as const)("puts a rest-json error code in the %s when told", async (errorCodeIn, header, body) => {
    const handlers = {
      GetPhoneNumber: () => {
        throw new ServiceError("NotFoundException", "gone");
      },
    };
    const endpoint = await startModelEndpoint({ services: [{ model: VOICE_MODEL, handlers }], errorCodeIn });
    try {
      const response = await request(endpoint.url, `/phone-numbers/${encodeURIComponent(NUMBER)}`);
      expect(response.status).toBe(404);
      expect(response.headers.get("x-amzn-errortype")).toBe(header);
      expect(await response.json()).toEqual({ message: "gone", ...body });
    } finally {
      await endpoint.close();
    }
  });

  it("fails the test when a handler answers with a member the API lacks", async () => {
    const handlers = { GetPhoneNumberOrder: () => ({ PhoneNumberOrder: { OrderStatus: "Successful" } }) };
    const endpoint = await startModelEndpoint({ services: [{ model: VOICE_MODEL, handlers }] });
    try {
      const response = await request(endpoint.url, `/phone-number-orders/${ORDER_ID}`);
      expect(response.status).toBe(500);
      expect(() => endpoint.verify()).toThrow("OrderStatus is not a member of PhoneNumberOrder");
    } finally {
      await endpoint.close();
    }
  });

  it("fails the test when a handler answers with an error the operation does not have", async () => {
    const handlers = {
      GetPhoneNumber: () => {
        throw new ServiceError("ResourceLimitExceededException", "no");
      },
    };
    const endpoint = await startModelEndpoint({ services: [{ model: VOICE_MODEL, handlers }] });
    try {
      await request(endpoint.url, `/phone-numbers/${encodeURIComponent(NUMBER)}`);
      expect(() => endpoint.verify()).toThrow("not an error of the operation");
    } finally {
      await endpoint.close();
    }
  });
});

/** Every answer of a handler, as the endpoint would check it: the output shape, or a modelled error. */
function answerProblems(model: ServiceModel, operation: string, answer: () => unknown): string[] {
  try {
    return operationProblems(model, operation, answer(), "output");
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    const modelled = model.operations[operation].errors.some((e: { shape: string }) => e.shape === error.code);
    return modelled
      ? shapeProblems(model, error.code, error.members)
      : [`${operation} answered ${error.code}, not one of its errors`];
  }
}

describe("the Chime SDK Voice and SSM simulation of the phone number tests", () => {
  const handlersOf = (world: ReturnType<typeof phoneNumberWorld>) => ({
    voice: world.services[0].handlers,
    ssm: world.services[1].handlers,
  });

  it("answers every operation, in every state the tests reach, with the models' members only", () => {
    const problems: string[] = [];
    for (const emptyAssociations of ["omitted", "[]"] as const) {
      for (const final of ["Successful", "Failed"] as const) {
        const world = phoneNumberWorld({ available: [NUMBER], orderStatuses: ["Processing", final], emptyAssociations });
        const { voice, ssm } = handlersOf(world);
        const check = (model: ServiceModel, handlers: typeof voice, operation: string, input: unknown) =>
          problems.push(...answerProblems(model, operation, () => handlers[operation](input, { headers: {} })));
        check(VOICE_MODEL, voice, "SearchAvailablePhoneNumbers", { State: "WA", MaxResults: 1 });
        check(VOICE_MODEL, voice, "SearchAvailablePhoneNumbers", {});
        check(VOICE_MODEL, voice, "CreatePhoneNumberOrder", { ProductType: "VoiceConnector", E164PhoneNumbers: [NUMBER] });
        const [orderId] = world.orders.keys();
        check(VOICE_MODEL, voice, "GetPhoneNumberOrder", { PhoneNumberOrderId: orderId });
        check(VOICE_MODEL, voice, "GetPhoneNumberOrder", { PhoneNumberOrderId: orderId });
        check(VOICE_MODEL, voice, "GetPhoneNumberOrder", { PhoneNumberOrderId: ORDER_ID });
        const association = { VoiceConnectorId: VOICE_CONNECTOR_ID, E164PhoneNumbers: [NUMBER] };
        check(VOICE_MODEL, voice, "AssociatePhoneNumbersWithVoiceConnector", { ...association, ForceAssociate: true });
        check(VOICE_MODEL, voice, "AssociatePhoneNumbersWithVoiceConnector", { ...association, VoiceConnectorId: "other" });
        check(VOICE_MODEL, voice, "GetPhoneNumber", { PhoneNumberId: NUMBER });
        check(VOICE_MODEL, voice, "DeletePhoneNumber", { PhoneNumberId: NUMBER });
        check(VOICE_MODEL, voice, "DisassociatePhoneNumbersFromVoiceConnector", association);
        check(VOICE_MODEL, voice, "GetPhoneNumber", { PhoneNumberId: NUMBER });
        check(VOICE_MODEL, voice, "DeletePhoneNumber", { PhoneNumberId: NUMBER });
        check(VOICE_MODEL, voice, "GetPhoneNumber", { PhoneNumberId: "+14155550199" });
        check(SSM_MODEL, ssm, "GetParameter", { Name: PARAMETER_NAME });
        check(SSM_MODEL, ssm, "PutParameter", { Name: PARAMETER_NAME, Value: NUMBER, Overwrite: true });
        check(SSM_MODEL, ssm, "PutParameter", { Name: PARAMETER_NAME, Value: NUMBER });
        check(SSM_MODEL, ssm, "GetParameter", { Name: "/elsewhere" });
      }
    }
    const world = phoneNumberWorld({
      associateErrors: [{ PhoneNumberId: NUMBER, ErrorCode: "BadRequest", ErrorMessage: "no" }],
      failOn: { operation: "GetParameter", code: "InternalServerError" },
    });
    const { voice, ssm } = handlersOf(world);
    const association = { VoiceConnectorId: VOICE_CONNECTOR_ID, E164PhoneNumbers: [NUMBER] };
    problems.push(
      ...answerProblems(VOICE_MODEL, "AssociatePhoneNumbersWithVoiceConnector", () =>
        voice.AssociatePhoneNumbersWithVoiceConnector(association, { headers: {} }),
      ),
    );
    problems.push(
      ...answerProblems(SSM_MODEL, "GetParameter", () => ssm.GetParameter({ Name: PARAMETER_NAME }, { headers: {} })),
    );
    expect(problems).toEqual([]);
  });

  it("answers only operations the models have", () => {
    const world = phoneNumberWorld();
    expect(Object.keys(world.services[0].handlers).filter((name) => !(name in VOICE_MODEL.operations))).toEqual([]);
    expect(Object.keys(world.services[1].handlers).filter((name) => !(name in SSM_MODEL.operations))).toEqual([]);
  });

  it("refuses a search for US numbers without an area code, city, state or toll-free prefix", () => {
    const { voice } = handlersOf(phoneNumberWorld({ available: [NUMBER] }));
    expect(() => voice.SearchAvailablePhoneNumbers({ Country: "US", PhoneNumberType: "Local" }, { headers: {} })).toThrow(
      "US searches must name at least one of AreaCode, City, State or TollFreePrefix",
    );
  });
});

describe("the media pipelines fake of the recorder tests", () => {
  const valid = (token: string): CreateMediaInsightsPipelineCommandInput => ({
    MediaInsightsPipelineConfigurationArn: "arn:aws:chime:us-east-1:111122223333:media-insights-pipeline-configuration/recorder",
    KinesisVideoStreamRecordingSourceRuntimeConfiguration: {
      Streams: [{ StreamArn: "arn:aws:kinesisvideo:us-east-1:111122223333:stream/ChimeVoiceConnector-abc-1/1" }],
      FragmentSelector: {
        FragmentSelectorType: "ProducerTimestamp",
        TimestampRange: { StartTimestamp: new Date(1_700_000_000_000), EndTimestamp: new Date(1_700_000_060_000) },
      },
    },
    S3RecordingSinkRuntimeConfiguration: { Destination: "arn:aws:s3:::recordings/call.wav", RecordingFileFormat: "Wav" },
    ClientRequestToken: token,
    MediaInsightsRuntimeMetadata: { callId: token, voiceConnectorId: "abc" },
  });

  it("answers created, replayed, refused, throttled and limited requests with the model's members only", async () => {
    const fake = await startFakeMediaPipelines({ maxActive: 1, runMs: 60_000 });
    const client = new ChimeSDKMediaPipelinesClient({
      endpoint: fake.url,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });
    const outcome = (input: CreateMediaInsightsPipelineCommandInput) =>
      client.send(new CreateMediaInsightsPipelineCommand(input)).then(
        (output) => output.MediaInsightsPipeline?.Status,
        (error: Error) => error.name,
      );
    try {
      expect(await outcome(valid("call-1"))).toBe("InProgress");
      expect(await outcome(valid("call-1"))).toBe("InProgress");
      expect(await outcome(valid("call-2"))).toBe("ResourceLimitExceededException");
      expect(await outcome({ ...valid("call-3"), S3RecordingSinkRuntimeConfiguration: undefined })).toBe("BadRequestException");
      expect(await outcome({ ...valid("x"), ClientRequestToken: "x" })).toBe("BadRequestException");
      fake.reset({ throttleRatio: 1 });
      expect(await outcome(valid("call-4"))).toBe("ThrottledClientException");
      fake.reset({ failWith: () => "ForbiddenException" });
      expect(await outcome(valid("call-5"))).toBe("ForbiddenException");
      expect(fake.modelProblems).toEqual([]);
    } finally {
      client.destroy();
      await fake.close();
    }
  });

  it("refuses a request member the model lacks", async () => {
    const fake = await startFakeMediaPipelines();
    try {
      const response = await fetch(`${fake.url}/media-insights-pipelines`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...valid("call-1"), Tags: undefined, Priority: "high" }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { Message: string }).Message).toContain(
        "Priority is not a member of CreateMediaInsightsPipelineRequest",
      );
    } finally {
      await fake.close();
    }
  });
});

describe("the Kinesis Video Streams stand-in of the recorder tests", () => {
  const KINESIS_VIDEO = loadServiceModel("kinesisvideo", "2017-09-30");
  const ARCHIVED_MEDIA = loadServiceModel("kinesis-video-archived-media", "2017-09-30");
  const STREAM = "arn:aws:kinesisvideo:us-east-1:111122223333:stream/ChimeVoiceConnector-abc-caller/1700000000000";
  const T0 = 1_700_000_000_000;
  const range = {
    FragmentSelectorType: "PRODUCER_TIMESTAMP",
    TimestampRange: { StartTimestamp: T0 / 1000, EndTimestamp: T0 / 1000 + 60 },
  };

  /** Calls the operation at the route its model gives, and reads the answer as a restJson1 client does. */
  async function call(url: string, model: ServiceModel, operation: string, body: unknown) {
    const { method, requestUri } = model.operations[operation].http;
    const response = await fetch(`${url}${requestUri}`, {
      method,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, errorType: response.headers.get("x-amzn-errortype"), body: (await response.json()) as any };
  }

  /** An answer is the output shape with a 200, or an error the operation lists, with its shape and its status. */
  function answerProblemsOf(model: ServiceModel, operation: string, answer: Awaited<ReturnType<typeof call>>): string[] {
    if (answer.errorType === null) {
      return answer.status === 200
        ? operationProblems(model, operation, answer.body, "output")
        : [`${operation} answered ${answer.status} without an error type`];
    }
    const modelled = model.operations[operation].errors.some((e: { shape: string }) => e.shape === answer.errorType);
    if (!modelled) return [`${operation} answered ${answer.errorType}, not one of its errors`];
    const status = model.shapes[answer.errorType].error.httpStatusCode;
    return [
      ...(answer.status === status ? [] : [`${operation} answered ${answer.errorType} with ${answer.status}, not ${status}`]),
      ...shapeProblems(model, answer.errorType, answer.body),
    ];
  }

  it("answers endpoints, pages of fragments in epoch seconds, and errors at the models' routes with their members and statuses", async () => {
    const fake = await startFakeKinesisVideo({ pageSize: 10 });
    const problems: string[] = [];
    const check = async (model: ServiceModel, operation: string, body: unknown) => {
      const answer = await call(fake.url, model, operation, body);
      problems.push(...answerProblemsOf(model, operation, answer));
      return answer;
    };
    try {
      fake.addFragments(STREAM, { fromMs: T0, toMs: T0 + 60_000 });
      const endpoint = await check(KINESIS_VIDEO, "GetDataEndpoint", { StreamARN: STREAM, APIName: "LIST_FRAGMENTS" });
      expect(endpoint.body).toEqual({ DataEndpoint: fake.url });
      const first = await check(ARCHIVED_MEDIA, "ListFragments", { StreamARN: STREAM, FragmentSelector: range });
      expect(first.body.Fragments).toHaveLength(10);
      expect(first.body.Fragments.every((fragment: any) => typeof fragment.ProducerTimestamp === "number")).toBe(true);
      await check(ARCHIVED_MEDIA, "ListFragments", { StreamARN: STREAM, NextToken: first.body.NextToken });
      const missing = STREAM.replace("caller", "gone");
      expect((await check(KINESIS_VIDEO, "GetDataEndpoint", { StreamARN: missing, APIName: "GET_MEDIA" })).errorType).toBe(
        "ResourceNotFoundException",
      );
      expect((await check(ARCHIVED_MEDIA, "ListFragments", { StreamARN: missing, FragmentSelector: range })).errorType).toBe(
        "ResourceNotFoundException",
      );
      fake.failNext("ListFragments", "ClientLimitExceededException");
      expect((await check(ARCHIVED_MEDIA, "ListFragments", { StreamARN: STREAM, FragmentSelector: range })).status).toBe(400);
      const refused = await check(ARCHIVED_MEDIA, "ListFragments", { StreamARN: STREAM, MaxResults: 0, FragmentSelector: range });
      expect(refused.errorType).toBe("InvalidArgumentException");
      expect(problems).toEqual([]);
      expect(fake.modelProblems).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it("refuses a request member the model lacks with InvalidArgumentException, and records why", async () => {
    const fake = await startFakeKinesisVideo();
    try {
      fake.addStream(STREAM);
      const answer = await call(fake.url, ARCHIVED_MEDIA, "ListFragments", {
        StreamARN: STREAM,
        FragmentSelector: range,
        Priority: "high",
      });
      expect([answer.status, answer.errorType]).toEqual([400, "InvalidArgumentException"]);
      expect(answer.body.Message).toContain("Priority is not a member of ListFragmentsInput");
      expect(fake.requestProblems).toEqual([expect.stringContaining("Priority is not a member of ListFragmentsInput")]);
    } finally {
      await fake.close();
    }
  });
});

describe("the Athena fake of the npm run calls tests", () => {
  /** Calls the operation as a json 1.1 client does, and checks the answer: the output shape, or an error the operation lists. */
  async function call(url: string, operation: string, body: unknown, problems: string[]) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "x-amz-target": `AmazonAthena.${operation}`, "content-type": "application/x-amz-json-1.1" },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as any;
    if (response.status === 200) {
      problems.push(...operationProblems(ATHENA_MODEL, operation, answer, "output"));
      return answer;
    }
    const { __type: code, ...members } = answer;
    const modelled = ATHENA_MODEL.operations[operation].errors.some((e: { shape: string }) => e.shape === code);
    problems.push(
      ...(modelled ? shapeProblems(ATHENA_MODEL, code, members) : [`${operation} answered ${code}, not one of its errors`]),
    );
    return { error: code, ...members };
  }

  it("answers a query's every state, its pages and its errors with the model's members only", async () => {
    const fake = await startFakeAthena({ queuedPolls: 1, runningPolls: 1, workGroups: ["calls"] });
    const problems: string[] = [];
    try {
      fake.setOutcome({ columns: [{ name: "outcome", type: "varchar" }], rows: [["recorded"], [null], ["missing"]] });
      const { QueryExecutionId: id } = await call(
        fake.url,
        "StartQueryExecution",
        { QueryString: "EXECUTE calls_by_outcome USING '2026-12-06', '2026-12-06'", WorkGroup: "calls" },
        problems,
      );
      const states = [];
      for (let poll = 0; poll < 3; poll++) {
        const { QueryExecution } = await call(fake.url, "GetQueryExecution", { QueryExecutionId: id }, problems);
        states.push(QueryExecution.Status.State);
      }
      expect(states).toEqual(["QUEUED", "RUNNING", "SUCCEEDED"]);
      const first = await call(fake.url, "GetQueryResults", { QueryExecutionId: id, MaxResults: 2 }, problems);
      const second = await call(fake.url, "GetQueryResults", { QueryExecutionId: id, NextToken: first.NextToken }, problems);
      expect([...first.ResultSet.Rows, ...second.ResultSet.Rows]).toEqual([
        { Data: [{ VarCharValue: "outcome" }] },
        { Data: [{ VarCharValue: "recorded" }] },
        { Data: [{}] },
        { Data: [{ VarCharValue: "missing" }] },
      ]);
      expect(second.NextToken).toBeUndefined();

      fake.setOutcome({ failure: "TABLE_NOT_FOUND: line 1:15: Table 'call_records' does not exist" });
      const failed = await call(
        fake.url,
        "StartQueryExecution",
        { QueryString: "EXECUTE find_call", WorkGroup: "calls" },
        problems,
      );
      for (let poll = 0; poll < 3; poll++)
        await call(fake.url, "GetQueryExecution", { QueryExecutionId: failed.QueryExecutionId }, problems);
      const errors = [
        await call(fake.url, "GetQueryResults", { QueryExecutionId: failed.QueryExecutionId }, problems),
        await call(fake.url, "GetQueryExecution", { QueryExecutionId: "no-such-query" }, problems),
        await call(fake.url, "StartQueryExecution", { QueryString: "EXECUTE find_call", WorkGroup: "elsewhere" }, problems),
      ];
      expect(errors.map((answer) => answer.error)).toEqual([
        "InvalidRequestException",
        "InvalidRequestException",
        "InvalidRequestException",
      ]);
      expect(problems).toEqual([]);
      // The endpoint's own refusal of a request outside the model, which Athena's errors do not list.
      const refusal = { QueryString: "EXECUTE find_call", WorkGroup: "calls", Priority: 1 };
      expect((await call(fake.url, "StartQueryExecution", refusal, [])).error).toBe("ValidationException");
      expect(fake.refused).toEqual([expect.stringContaining("Priority is not a member of StartQueryExecutionInput")]);
      fake.verify();
    } finally {
      await fake.close();
    }
  });
});
