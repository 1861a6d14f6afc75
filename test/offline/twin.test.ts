import type { TerraformJson } from "../support/synth";
import { type KnownBlocks, type Reference, referencedNames, rewriteTemplate } from "./hcl-references";
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

  it("names every value a template refers to, but not a for expression's own variables", () => {
    expect(
      referencedNames(
        '${{ for k, v in var.ids : k => "${v.id}-${local.suffix}" }}${each.key}${data.aws_ami.image.id}${upper(x)}',
      ),
    ).toEqual(["var.ids", "local.suffix", "each.key", "data.aws_ami.image"]);
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

/**
 * Terraform's own output in a twin workspace, for what plan() and state() leave out (moves, diagnostics): through
 * the workspace's private runner, so that it runs with the environment its plan and apply use.
 */
const terraformIn = (workspace: TwinWorkspace, args: string[]): string =>
  (workspace as unknown as { terraform(args: string[]): string }).terraform(args);

/** The warnings of a `-json` run (plan or apply), as "<block>: <summary>: <detail>". */
const warningsOf = (jsonLines: string): string[] =>
  jsonLines
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((message) => message.type === "diagnostic" && message.diagnostic.severity === "warning")
    .map(({ diagnostic }) => `${diagnostic.snippet?.context}: ${diagnostic.summary}: ${diagnostic.detail}`);

describe("moved blocks in the twin", () => {
  const moved = [
    { from: "aws_sqs_queue.jobs", to: "aws_sqs_queue.jobs[0]" },
    { from: "aws_ssm_parameter.number", to: 'aws_ssm_parameter.number["main"]' },
  ];
  /**
   * The small stack after the queue gained count and the parameter for_each, with the moves that keep them.
   * Terraform itself moves `x` to `x[0]` when count appears, moved block or not; for_each keys it moves only as told.
   */
  const counted = (): TerraformJson => {
    const config = small({
      output: { url: { value: "${aws_sqs_queue.jobs[0].url}" }, arn: { value: '${aws_ssm_parameter.number["main"].arn}' } },
      moved,
    } as Partial<TerraformJson>);
    Object.assign(config.resource.aws_sqs_queue.jobs, { count: 1 });
    Object.assign(config.resource.aws_ssm_parameter.number, { for_each: '${{ "main" = "/demo/number" }}' });
    config.data.aws_ssm_parameter.through_parameter.name = '${aws_ssm_parameter.number["main"].name}';
    return config;
  };

  it("move each twin resource, and its companion along with it", () => {
    expect(providerFreeTwin(counted()).json.moved).toEqual([
      { from: "terraform_data.aws_sqs_queue__jobs", to: "terraform_data.aws_sqs_queue__jobs[0]" },
      { from: "terraform_data.aws_sqs_queue__jobs__computed", to: "terraform_data.aws_sqs_queue__jobs__computed[0]" },
      { from: "terraform_data.aws_ssm_parameter__number", to: 'terraform_data.aws_ssm_parameter__number["main"]' },
      {
        from: "terraform_data.aws_ssm_parameter__number__computed",
        to: 'terraform_data.aws_ssm_parameter__number__computed["main"]',
      },
    ]);
  });

  it("refuse what the twin cannot move as the provider would: another type, a module", () => {
    expect(() => providerFreeTwin(small({ moved: [{ from: "aws_sqs_queue.a", to: "aws_sns_topic.a" }] } as any))).toThrow(
      /moved from aws_sqs_queue\.a to aws_sns_topic\.a: a move across resource types/,
    );
    expect(() => providerFreeTwin(small({ moved: [{ from: "module.a", to: "module.b" }] } as any))).toThrow(
      /moved from "module\.a": the twin moves resources and their instances only/,
    );
  });

  it("keep the deployed resources when they gain count or for_each: the plan moves them, creating and destroying nothing", () => {
    const before = small({
      output: { url: { value: "${aws_sqs_queue.jobs.url}" }, arn: { value: "${aws_ssm_parameter.number.arn}" } },
    });
    const deployed = new TwinWorkspace(providerFreeTwin(before));
    try {
      deployed.apply({});
      const after = new TwinWorkspace(providerFreeTwin(counted()));
      try {
        after.adoptStateOf(deployed);
        const changes = after.plan({});
        const plan = JSON.parse(terraformIn(after, ["show", "-json", "twin.tfplan"]));
        const moves = plan.resource_changes
          .filter((change: any) => change.previous_address !== undefined)
          .map((change: any) => `${change.previous_address} -> ${change.address}: ${change.change.actions}`);
        expect(moves.sort()).toEqual([
          "terraform_data.aws_sqs_queue__jobs -> terraform_data.aws_sqs_queue__jobs[0]: no-op",
          "terraform_data.aws_sqs_queue__jobs__computed -> terraform_data.aws_sqs_queue__jobs__computed[0]: no-op",
          'terraform_data.aws_ssm_parameter__number -> terraform_data.aws_ssm_parameter__number["main"]: no-op',
          'terraform_data.aws_ssm_parameter__number__computed -> terraform_data.aws_ssm_parameter__number__computed["main"]: no-op',
        ]);
        const acting = plan.resource_changes.filter((change: any) => !change.change.actions.every((a: string) => a === "no-op"));
        expect(acting.map((change: any) => `${change.address}: ${change.change.actions}`)).toEqual([]);
        expect(changes.filter((c) => c.address.startsWith("output."))).toEqual([
          { address: "output.arn", actions: ["no-op"], unknown: false },
          { address: "output.url", actions: ["no-op"], unknown: false },
        ]);
      } finally {
        after.remove();
      }
    } finally {
      deployed.remove();
    }
  });
});

describe("check blocks in the twin", () => {
  const checks = {
    named: { assert: [{ condition: '${aws_sqs_queue.jobs.name == "jobs"}', error_message: "the queue is misnamed" }] },
    misnamed: {
      assert: [
        {
          condition: '${aws_sqs_queue.jobs.name == "other"}',
          error_message: "queue ${aws_sqs_queue.jobs.name} in ${var.region}",
        },
      ],
    },
    reachable: {
      assert: {
        condition: '${aws_sqs_queue.jobs.url == "https://sqs.${var.region}.amazonaws.com/123456789012/jobs"}',
        error_message: "the queue is at ${aws_sqs_queue.jobs.url}",
      },
    },
    number_stored: {
      data: { aws_ssm_parameter: { in_check: { name: "${aws_ssm_parameter.number.name}" } } },
      assert: [
        {
          condition: '${data.aws_ssm_parameter.in_check.insecure_value == "+12025550123"}',
          error_message: "the number is ${data.aws_ssm_parameter.in_check.insecure_value}",
        },
      ],
    },
  };

  it("stay checks, with their references rewritten and a scoped data source as a scoped remote state", () => {
    const { json } = providerFreeTwin(small({ check: checks } as Partial<TerraformJson>));
    const twinChecks = json.check as Record<string, any>;
    expect(twinChecks.misnamed.assert[0]).toEqual({
      condition: '${terraform_data.aws_sqs_queue__jobs.input.name == "other"}',
      error_message: "queue ${terraform_data.aws_sqs_queue__jobs.input.name} in ${var.region}",
    });
    expect(twinChecks.reachable.assert.condition).toMatch(/^\$\{terraform_data\.aws_sqs_queue__jobs__computed\.output\.url == /);
    expect(Object.keys(twinChecks.number_stored.data.terraform_remote_state)).toEqual(["aws_ssm_parameter__in_check"]);
    expect(twinChecks.number_stored.assert[0].condition).toBe(
      '${data.terraform_remote_state.aws_ssm_parameter__in_check.outputs.insecure_value == "+12025550123"}',
    );
  });

  it("warn of a failed assertion at plan and apply, which still succeeds, and say nothing of those that hold", () => {
    const workspace = new TwinWorkspace(providerFreeTwin(small({ check: checks } as Partial<TerraformJson>)));
    try {
      const args = ["-json", "-input=false", "-lock=false"];
      const failed = "check.misnamed.assert[0]: Check block assertion failed: queue jobs in us-east-1";
      const planned = warningsOf(terraformIn(workspace, ["plan", ...args]));
      // The URL is a stand-in of the companion, unknown until it is created: as with the provider's URL.
      expect(planned.sort()).toEqual(
        [
          failed,
          "check.reachable.assert: Check block assertion known after apply: " +
            "The condition could not be evaluated at this time, a result will be known when this plan is applied.",
          // The scoped data source waits for the parameter it names, to be created.
          "check.number_stored.assert[0]: Check block assertion known after apply: " +
            "The condition could not be evaluated at this time, a result will be known when this plan is applied.",
        ].sort(),
      );
      expect(warningsOf(terraformIn(workspace, ["apply", "-auto-approve", ...args]))).toEqual([failed]);
      expect(workspace.state().instances.has("aws_sqs_queue.jobs")).toBe(true);
      expect(warningsOf(terraformIn(workspace, ["plan", ...args]))).toEqual([failed]);
    } finally {
      workspace.remove();
    }
  });
});

describe("import blocks in the twin", () => {
  /** The small stack with a local made of a variable, a local made of a resource, and parameters by for_each. */
  const importing = (imports: unknown[]): TerraformJson => {
    const config = small({ import: imports } as Partial<TerraformJson>);
    config.locals = {
      queue_id: "https://sqs.${var.region}.amazonaws.com/123456789012/jobs",
      queue_url: "${aws_sqs_queue.jobs.url}",
    };
    config.variable.parameters = { type: "map(string)", default: { a: "/demo/a" } } as any;
    config.resource.aws_ssm_parameter.by_key = {
      for_each: "${var.parameters}",
      name: "${each.value}",
      type: "String",
      value: "x",
    };
    return config;
  };
  const valid = [
    { to: "aws_sqs_queue.jobs", id: "${local.queue_id}", provider: "aws" },
    { for_each: "${var.parameters}", to: "aws_ssm_parameter.by_key[each.key]", id: "${each.value}" },
    { to: 'aws_ssm_parameter.by_key["a"]', id: "/demo/a" },
  ];

  it("are left out once checked: Terraform could import only an empty terraform_data", () => {
    const { json } = providerFreeTwin(importing(valid));
    expect(json).not.toHaveProperty("import");
    expect(Object.keys(json.resource as object)).toEqual(["terraform_data"]);
  });

  it.each([
    [
      { to: "aws_sqs_queue.missing", id: "q" },
      /import to aws_sqs_queue\.missing: the configuration has no resource aws_sqs_queue\.missing/,
    ],
    [{ to: "data.aws_ssm_parameter.by_name", id: "p" }, /"to" must be a managed resource of the configuration/],
    [{ to: "aws_ssm_parameter.by_key", id: "p" }, /has count or for_each, so "to" must name one of its instances/],
    [{ to: "aws_ssm_parameter.by_key[0]", id: "p" }, /aws_ssm_parameter\.by_key has no count to index by 0/],
    [{ to: "aws_ssm_parameter.by_key[each.key]", id: "p" }, /an instance key that is an expression needs the import's for_each/],
    [
      { to: "aws_sqs_queue.jobs", id: "${aws_sqs_queue.jobs.url}" },
      /import to aws_sqs_queue\.jobs \(its id\) refers to aws_sqs_queue\.jobs, which Terraform may not know while planning/,
    ],
    [
      { to: "aws_sqs_queue.jobs", id: "${local.queue_url}" },
      /import to aws_sqs_queue\.jobs \(its id\) through local\.queue_url refers to aws_sqs_queue\.jobs/,
    ],
    [{ to: "aws_sqs_queue.jobs", id: "${each.value}" }, /\(its id\) refers to each\.value/],
    [
      {
        for_each: "${data.aws_ssm_parameter.by_name.insecure_value}",
        to: "aws_ssm_parameter.by_key[each.key]",
        id: "${each.value}",
      },
      /\(its for_each\) refers to data\.aws_ssm_parameter\.by_name/,
    ],
    [
      { for_each: "${var.parameters}", to: "aws_sqs_queue.jobs", id: "${each.value}" },
      /an import with for_each must name each instance by each\.key or each\.value/,
    ],
  ])("are refused when Terraform refuses them, or may at some plan: %j", (block, message) => {
    expect(() => providerFreeTwin(importing([...valid, block]))).toThrow(message);
  });
});
