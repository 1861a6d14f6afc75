import type { TerraformJson } from "../support/synth";
import { type KnownBlocks, type Reference, rewriteTemplate } from "./hcl-references";
import { TwinWorkspace } from "./terraform";
import { providerFreeTwin } from "./twin";

/** The twin's own rules, on small configurations shaped as cdktf synthesizes them. */

describe("rewriting references in synthesized templates", () => {
  const known: KnownBlocks = {
    managed: (type, name) => type === "aws_sqs_queue" && name === "q",
    data: (type, name) => type === "aws_ami" && name === "image",
  };
  const seen: Reference[] = [];
  const rewrite = (text: string) =>
    rewriteTemplate(text, known, (ref) => {
      seen.push(ref);
      return `<${ref.mode}:${ref.type}.${ref.name}${ref.index}:${ref.attribute ?? ""}>`;
    });

  it("rewrites references inside interpolations, with their index and first attribute", () => {
    expect(rewrite("url=${aws_sqs_queue.q.url}, ${one(aws_sqs_queue.q[*].arn)} ${data.aws_ami.image[0].id}")).toBe(
      "url=${<managed:aws_sqs_queue.q:url>}, ${one(<managed:aws_sqs_queue.q[*]:arn>)} ${<data:aws_ami.image[0]:id>}",
    );
  });

  it("leaves literal text, escaped interpolations and string literals alone", () => {
    const text = 'aws_sqs_queue.q.url $${aws_sqs_queue.q.url} ${"aws_sqs_queue.q.url"} %%{ if x }';
    expect(rewrite(text)).toBe(text);
  });

  it("rewrites inside nested templates, index expressions and for expressions", () => {
    expect(rewrite('${[for k in aws_sqs_queue.q[count.index].tags : "${k}-${aws_sqs_queue.q.name}"]}')).toBe(
      '${[for k in <managed:aws_sqs_queue.q[count.index]:tags> : "${k}-${<managed:aws_sqs_queue.q:name>}"]}',
    );
  });

  it("leaves attributes named like resource types and unknown blocks alone", () => {
    expect(rewrite("${var.x.aws_sqs_queue.q} ${aws_sqs_queue.other.url} ${each.value.aws_sqs_queue}")).toBe(
      "${var.x.aws_sqs_queue.q} ${aws_sqs_queue.other.url} ${each.value.aws_sqs_queue}",
    );
  });

  it("rewrites self", () => {
    expect(rewrite("${self.triggers.region}")).toBe("${<self:.:triggers>.region}");
  });
});

/** A small stack: a parameter, a data source that refers to it, one that does not, and a queue. */
const small = (extra: Partial<TerraformJson> = {}): TerraformJson =>
  ({
    terraform: { required_providers: { aws: { source: "aws", version: "6.25.0" } }, required_version: ">= 1.9" },
    provider: { aws: [{ region: "${var.region}", default_tags: [{ tags: "${var.tags}" }] }] },
    variable: {
      region: { type: "string", default: "us-east-1" },
      tags: { type: "map(string)", default: {} },
    },
    locals: {},
    resource: {
      aws_ssm_parameter: { number: { name: "/demo/number", type: "String", value: "none", tags: { Name: "number" } } },
      aws_sqs_queue: { jobs: { name: "jobs" } },
    },
    data: {
      aws_ssm_parameter: {
        through_parameter: { name: "${aws_ssm_parameter.number.name}" },
        by_name: { name: "/demo/number" },
      },
    },
    output: {
      url: { value: "${aws_sqs_queue.jobs.url}" },
      number: { value: "${data.aws_ssm_parameter.by_name.insecure_value}" },
    },
    ...extra,
  }) as unknown as TerraformJson;

describe("the provider-free twin", () => {
  it("has no provider, and no provider requirement", () => {
    const { json } = providerFreeTwin(small());
    expect(json).not.toHaveProperty("provider");
    expect(json.terraform).toEqual({ required_version: ">= 1.9" });
  });

  it("fails naming a computed attribute it has no stand-in for", () => {
    const config = small({ output: { odd: { value: "${aws_sqs_queue.jobs.no_such_attribute}" } } });
    expect(() => providerFreeTwin(config)).toThrow(
      /no stand-in for the computed attribute aws_sqs_queue\.no_such_attribute \(referred to by output odd\)/,
    );
  });

  it("fails naming a block type it has no rules for", () => {
    const config = small({ resource: { aws_kinesis_stream: { s: { name: "s" } } } as TerraformJson["resource"] });
    expect(() => providerFreeTwin(config)).toThrow(/no entry for aws_kinesis_stream/);
  });

  it("applies offline, giving computed attributes their stand-ins", () => {
    const workspace = new TwinWorkspace(providerFreeTwin(small()));
    try {
      workspace.apply({});
      expect(workspace.state().outputs).toEqual({
        url: "https://sqs.us-east-1.amazonaws.com/123456789012/jobs",
        number: "+12025550123",
      });
    } finally {
      workspace.remove();
    }
  });

  it("defers a data source's read exactly when a resource it refers to has changes pending, as Terraform does", () => {
    const workspace = new TwinWorkspace(providerFreeTwin(small()));
    try {
      workspace.apply({});
      const changes = workspace.plan({ tags: { Team: "voice" } });
      const actions = (address: string) => changes.find((c) => c.address === address)?.actions;
      expect(actions("aws_ssm_parameter.number")).toEqual(["update"]);
      expect(actions("data.aws_ssm_parameter.through_parameter")).toEqual(["read"]);
      expect(actions("data.aws_ssm_parameter.by_name")).toBeUndefined();
    } finally {
      workspace.remove();
    }
  });

  it("expands a dynamic block into the blocks Terraform would generate, one per for_each element", () => {
    const config = small();
    (config.resource.aws_sqs_queue.jobs as Record<string, unknown>).dynamic = {
      rule: {
        for_each: '${{ for id, days in { "short" = 1, "long" = 30 } : id => days if days > 0 }}',
        iterator: "each",
        content: { id: "${each.key}", expiration: [{ days: "${each.value}" }] },
      },
    };
    const workspace = new TwinWorkspace(providerFreeTwin(config));
    try {
      workspace.apply({});
      expect(workspace.state().instances.get("aws_sqs_queue.jobs")?.rule).toEqual([
        { id: "long", expiration: [{ days: 30 }] },
        { id: "short", expiration: [{ days: 1 }] },
      ]);
    } finally {
      workspace.remove();
    }
  });

  it("keeps computed attributes known across an in-place update, unknown across a replacement", () => {
    const queueUrl = { url: { value: "${aws_sqs_queue.jobs.url}" } };
    const workspace = new TwinWorkspace(providerFreeTwin(small({ output: queueUrl })));
    try {
      workspace.apply({});
      const retagged = workspace.plan({ tags: { Team: "voice" } });
      expect(retagged.find((c) => c.address === "aws_sqs_queue.jobs")?.actions).toEqual(["update"]);
      expect(retagged.find((c) => c.address === "output.url")).toMatchObject({ actions: ["no-op"], unknown: false });
    } finally {
      workspace.remove();
    }
    const renamed = small({ output: queueUrl });
    const renaming = new TwinWorkspace(providerFreeTwin(renamed));
    try {
      renaming.apply({});
      (renamed.resource.aws_sqs_queue.jobs as Record<string, unknown>).name = "jobs-2";
      const again = new TwinWorkspace(providerFreeTwin(renamed));
      try {
        again.adoptStateOf(renaming);
        const changes = again.plan({});
        expect(changes.find((c) => c.address === "aws_sqs_queue.jobs")?.actions).toEqual(["delete", "create"]);
        expect(changes.find((c) => c.address === "output.url")).toMatchObject({ unknown: true });
      } finally {
        again.remove();
      }
    } finally {
      renaming.remove();
    }
  });
});
