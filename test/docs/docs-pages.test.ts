import { synthesizeStack } from "../support/synth";
import { readPage } from "./support/doc-pages";

// What docs/ pages say about the stack that the stack can confirm: every alarm it creates is
// described in docs/operations.md with what to do about it, and docs/costs.md counts the alarms
// and the dashboard the stack deploys and quotes the recorder's requests per call as the benchmark
// in docs/development.md measured them. (readme.test.ts checks every page's links, commands and
// file names.)

const config = synthesizeStack();
const operations = readPage("docs/operations.md");
const costs = readPage("docs/costs.md");
const development = readPage("docs/development.md");

/** Each alarm's name without the name prefix, e.g. `calls-not-recorded`. */
const alarms = Object.values(config.resource.aws_cloudwatch_metric_alarm ?? {}).map((alarm) =>
  String(alarm.alarm_name).replace(/^\$\{var\.name_prefix\}-/, ""),
);

describe("docs/operations.md", () => {
  it("names every alarm the stack creates, with what it watches", () => {
    expect(alarms.length).toBeGreaterThan(0);
    expect(alarms.filter((name) => !new RegExp(`\`<name_prefix>-${name}\`\\s+\\(`).test(operations))).toEqual([]);
  });

  it("says, for every alarm, its cause and fix in the troubleshooting table", () => {
    expect(alarms.filter((name) => !operations.includes(`\n| \`${name}\` alarm | `))).toEqual([]);
  });
});

describe("docs/costs.md", () => {
  it("counts the alarms and dashboards the stack deploys", () => {
    const dashboards = Object.keys(config.resource.aws_cloudwatch_dashboard ?? {}).length;
    expect(costs).toContain(`| CloudWatch alarms | ${alarms.length} standard-resolution alarms |`);
    expect(costs).toContain(`| CloudWatch dashboard | ${dashboards} |`);
  });

  it("quotes the recorder's requests per call as the benchmark measured them", () => {
    const benchmark: [string, RegExp, RegExp][] = [
      ["Lambda invocations", /\| Lambda invocations per call \| 0\.40 /, /0\.40 invocations per call/],
      [
        "DynamoDB requests",
        /\| DynamoDB requests per call with its recording check \(250 calls\) \| 7\.0 /,
        /7\.0 writes per call/,
      ],
      ["S3 requests", /\| S3 requests per call \| 2\.0 /, /2\.0 per call by the recorder/],
      ["pipelines", /\| `CreateMediaInsightsPipeline` requests per call \| 1\.0;/, /1,000 pipelines/],
    ];
    expect(
      benchmark.filter(([, measured, quoted]) => !measured.test(development) || !quoted.test(costs)).map(([what]) => what),
    ).toEqual([]);
  });

  it("marks what it could not confirm, and names the page of every price", () => {
    expect(costs).toContain("**unconfirmed**");
    const sources = costs.slice(costs.indexOf("## Sources"));
    for (const page of [
      "kinesis/video-streams",
      "kms",
      "cloudwatch",
      "lambda",
      "sqs",
      "eventbridge",
      "dynamodb",
      "s3",
      "chime",
    ]) {
      expect(sources).toContain(`https://aws.amazon.com/${page}`);
    }
  });
});
