/**
 * Security rules over the synthesized Terraform JSON. Each rule is a pure function from the
 * configuration to violation strings (`<address>: [<rule id>] <what is wrong>`), written over
 * resource types, so it covers resources added after it was written.
 */
import { type FoundPolicy, findPolicies, type Statement } from "./policies";
import {
  asList,
  type Block,
  type Body,
  nested,
  refersTo,
  resourcesOf,
  stringsIn,
  type TerraformConfig,
  violation,
  withReferencedValues,
} from "./terraform-config";

export interface SecurityRule {
  readonly id: string;
  /** What the rule demands, and why where it is not obvious. */
  readonly description: string;
  readonly check: (config: TerraformConfig) => string[];
}

/**
 * Actions that may be allowed on `Resource: "*"`, because IAM offers no resource-level
 * permission for them; each with the reason. An action not listed here must name its resources.
 */
export const RESOURCE_STAR_ACTIONS: Readonly<Record<string, string>> = {
  "cloudwatch:PutMetricData": "CloudWatch metrics have no ARN; scope it with a cloudwatch:namespace condition instead.",
  "xray:PutTraceSegments": "X-Ray trace segments have no resource-level permissions.",
  "xray:PutTelemetryRecords": "X-Ray telemetry has no resource-level permissions.",
  "ec2:DescribeInstances": "EC2 Describe* actions do not support resource-level permissions.",
  "ssm:DescribeParameters": "DescribeParameters lists parameters and supports no resource-level permissions.",
};

/** AWS managed policies too broad to attach: each grants `service:*` or more, which the wildcard rule forbids inline. */
const TOO_BROAD_MANAGED_POLICY =
  /^arn:aws[\w-]*:iam::aws:policy\/(?:.*\/)?(AdministratorAccess|PowerUserAccess|[\w-]*FullAccess[\w-]*)$/;

/** Condition keys that confine a `Principal: "*"` statement to this account, organisation, a source, or a network. */
const CONFINING_CONDITION_KEYS = [
  "aws:sourcearn",
  "aws:sourceaccount",
  "aws:sourceowner",
  "aws:principalaccount",
  "aws:principalarn",
  "aws:principalorgid",
  "aws:sourcevpc",
  "aws:sourcevpce",
];

const statementsOf = (policy: FoundPolicy): Statement[] => policy.statements;

/** Key policies: their `Resource: "*"` means the key itself, so the KMS rules below judge them instead. */
const KEY_POLICY_HOLDERS = ["aws_kms_key.", "aws_kms_key_policy.", "aws_kms_replica_key."];
const isKeyPolicy = (policy: FoundPolicy): boolean => KEY_POLICY_HOLDERS.some((prefix) => policy.address.startsWith(prefix));
const isAllow = (s: Statement): boolean => (s.Effect ?? "Allow") === "Allow";
const where = (policy: FoundPolicy, s: Statement, index: number): string =>
  `${policy.attribute} statement ${s.Sid ? `"${s.Sid}"` : `#${index + 1}`}`;

/** Every Allow statement of every readable policy, with where it is. */
function allowStatements(config: TerraformConfig): { policy: FoundPolicy; statement: Statement; at: string }[] {
  return findPolicies(config).flatMap((policy) =>
    statementsOf(policy)
      .map((statement, i) => ({ policy, statement, at: where(policy, statement, i) }))
      .filter(({ statement }) => isAllow(statement)),
  );
}

const policiesReadable: SecurityRule = {
  id: "iam-policies-readable",
  description:
    "Every policy is a JSON literal or a data.aws_iam_policy_document, so the rules below can read it (a jsonencode() or file() policy would escape them).",
  check: (config) =>
    findPolicies(config)
      .filter((p) => p.unreadable)
      .map((p) => violation(p.address, "iam-policies-readable", p.unreadable!)),
};

const noActionWildcards: SecurityRule = {
  id: "iam-no-action-wildcards",
  description:
    'Allow statements name every action: no "*", no "service:*", no "*" anywhere in an action, no NotAction. Deny statements may use wildcards (the buckets\' TLS-only Deny of "s3:*" is meant to cover every action).',
  check: (config) =>
    allowStatements(config).flatMap(({ policy, statement, at }) => {
      const found: string[] = [];
      const wild = asList(statement.Action).filter((a) => a.includes("*"));
      if (wild.length > 0) {
        found.push(violation(policy.address, "iam-no-action-wildcards", `${at} allows wildcard actions ${wild.join(", ")}`));
      }
      if (statement.NotAction !== undefined) {
        found.push(violation(policy.address, "iam-no-action-wildcards", `${at} allows everything but NotAction`));
      }
      return found;
    }),
};

const resourceStarOnlyWhereNeeded: SecurityRule = {
  id: "iam-resource-star-allow-list",
  description:
    'Allow statements with Resource "*" (or NotResource) hold only actions that have no resource-level permissions, each listed in RESOURCE_STAR_ACTIONS with its reason. Trust policies have no Resource and are not concerned.',
  check: (config) =>
    allowStatements(config).flatMap(({ policy, statement, at }) => {
      if (statement.NotResource !== undefined) {
        return [violation(policy.address, "iam-resource-star-allow-list", `${at} allows every resource but NotResource`)];
      }
      if (!asList(statement.Resource).includes("*") || isKeyPolicy(policy)) return [];
      const unlisted = asList(statement.Action).filter((a) => !(a in RESOURCE_STAR_ACTIONS));
      if (unlisted.length === 0) return [];
      return [
        violation(
          policy.address,
          "iam-resource-star-allow-list",
          `${at} allows ${unlisted.join(", ")} on Resource "*"; name the resources, or add the action to RESOURCE_STAR_ACTIONS with the reason it has no resource-level permissions`,
        ),
      ];
    }),
};

const noPublicPrincipal: SecurityRule = {
  id: "iam-no-public-principal",
  description:
    'Allow statements with Principal "*" (or AWS "*") carry a condition that confines them (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID, ...); otherwise anyone may use the resource.',
  check: (config) =>
    allowStatements(config).flatMap(({ policy, statement, at }) => {
      const p = statement.Principal as any;
      const everyone = p === "*" || asList(p?.AWS).includes("*");
      if (!everyone) return [];
      const keys = Object.values(statement.Condition ?? {}).flatMap((byKey) =>
        Object.keys(byKey ?? {}).map((k) => k.toLowerCase()),
      );
      if (keys.some((k) => CONFINING_CONDITION_KEYS.includes(k))) return [];
      return [
        violation(policy.address, "iam-no-public-principal", `${at} allows Principal "*" without a condition that confines it`),
      ];
    }),
};

const noBroadManagedPolicies: SecurityRule = {
  id: "iam-no-broad-managed-policies",
  description:
    "No AWS managed AdministratorAccess, PowerUserAccess or *FullAccess policy is attached to a role, user or group: each grants service-wide wildcards the inline-policy rules forbid.",
  check: (config) =>
    resourcesOf(config)
      .filter((b) => b.type.startsWith("aws_iam_"))
      .flatMap((b) =>
        [b.body.policy_arn, b.body.managed_policy_arns, b.body.policy_arns]
          .flatMap((v) => stringsIn(v))
          .filter((arn) => TOO_BROAD_MANAGED_POLICY.test(arn))
          .map((arn) => violation(b.address, "iam-no-broad-managed-policies", `attaches ${arn}`)),
      ),
};

/** Resources of `type` that refer to the bucket through their `bucket` argument. */
const companionsOf = (config: TerraformConfig, type: string, bucket: Block): Block[] =>
  resourcesOf(config, type).filter((c) => refersTo(c.body.bucket, bucket.type, bucket.name));

/** A companion must exist exactly as often as its bucket: the same count and for_each. */
const sameMultiplicity = (bucket: Block, companion: Block): boolean =>
  JSON.stringify(companion.body.count) === JSON.stringify(bucket.body.count) &&
  JSON.stringify(companion.body.for_each) === JSON.stringify(bucket.body.for_each);

const multiplicity = (b: Block): string =>
  b.body.for_each !== undefined ? `for_each ${JSON.stringify(b.body.for_each)}` : `count ${JSON.stringify(b.body.count ?? 1)}`;

const bucketPublicAccessBlocked: SecurityRule = {
  id: "s3-bucket-public-access-blocked",
  description:
    "Every created bucket has an aws_s3_bucket_public_access_block with all four settings true, created as often as the bucket (same count/for_each).",
  check: (config) =>
    resourcesOf(config, "aws_s3_bucket").flatMap((bucket) => {
      const blocks = companionsOf(config, "aws_s3_bucket_public_access_block", bucket);
      const flags = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];
      const good = blocks.filter((b) => flags.every((f) => b.body[f] === true) && sameMultiplicity(bucket, b));
      if (good.length > 0) return [];
      const detail =
        blocks.length === 0
          ? "has no aws_s3_bucket_public_access_block"
          : `has no aws_s3_bucket_public_access_block with ${flags.join(", ")} all true and the bucket's ${multiplicity(bucket)} (found ${blocks.map((b) => b.address).join(", ")})`;
      return [violation(bucket.address, "s3-bucket-public-access-blocked", detail)];
    }),
};

const bucketEncrypted: SecurityRule = {
  id: "s3-bucket-encrypted",
  description:
    "Every created bucket has an aws_s3_bucket_server_side_encryption_configuration with a default algorithm, created as often as the bucket.",
  check: (config) =>
    resourcesOf(config, "aws_s3_bucket").flatMap((bucket) => {
      const configurations = companionsOf(config, "aws_s3_bucket_server_side_encryption_configuration", bucket);
      const good = configurations.filter(
        (c) =>
          sameMultiplicity(bucket, c) &&
          nested(c.body.rule).some((r) =>
            nested(r.apply_server_side_encryption_by_default).some((d) => Boolean(d.sse_algorithm)),
          ),
      );
      if (good.length > 0) return [];
      return [
        violation(
          bucket.address,
          "s3-bucket-encrypted",
          `has no aws_s3_bucket_server_side_encryption_configuration with a default sse_algorithm and the bucket's ${multiplicity(bucket)}`,
        ),
      ];
    }),
};

/** A Deny of every S3 action to everyone when aws:SecureTransport is false, over the bucket and its objects. */
function deniesInsecureTransport(statement: Statement, bucket: Block): boolean {
  const p = statement.Principal as any;
  const everyone = p === "*" || asList(p?.AWS).includes("*");
  const secureTransport = statement.Condition?.Bool?.["aws:SecureTransport"];
  const resources = asList(statement.Resource).filter((r) => refersTo(r, bucket.type, bucket.name));
  return (
    statement.Effect === "Deny" &&
    everyone &&
    asList(statement.Action).some((a) => a === "s3:*" || a === "*") &&
    asList(secureTransport as string | string[]).some((v) => String(v) === "false") &&
    resources.some((r) => !r.endsWith("/*")) &&
    resources.some((r) => r.endsWith("/*"))
  );
}

const bucketTlsOnly: SecurityRule = {
  id: "s3-bucket-tls-only",
  description:
    'Every created bucket has a bucket policy, created as often as the bucket, that denies "s3:*" to "*" on the bucket and its objects when aws:SecureTransport is false.',
  check: (config) => {
    const policies = findPolicies(config);
    const documents = (b: Block): Statement[] => {
      const reference = /^\$\{data\.aws_iam_policy_document\.([\w-]+)\.(?:json|minified_json)\}$/.exec(String(b.body.policy));
      const address = reference ? `data.aws_iam_policy_document.${reference[1]}` : b.address;
      return policies.filter((p) => p.address === address).flatMap((p) => p.statements);
    };
    return resourcesOf(config, "aws_s3_bucket").flatMap((bucket) => {
      const good = companionsOf(config, "aws_s3_bucket_policy", bucket).filter(
        (p) => sameMultiplicity(bucket, p) && documents(p).some((s) => deniesInsecureTransport(s, bucket)),
      );
      if (good.length > 0) return [];
      return [
        violation(
          bucket.address,
          "s3-bucket-tls-only",
          `has no aws_s3_bucket_policy (with the bucket's ${multiplicity(bucket)}) denying s3:* to "*" on the bucket and its objects when aws:SecureTransport is false`,
        ),
      ];
    });
  },
};

const OPEN_CIDR = /(?<![\d.])0\.0\.0\.0\/0(?!\d)|(?<![0-9a-fA-F:])::\/0(?!\d)/;

const noOpenIngress: SecurityRule = {
  id: "sg-no-open-ingress",
  description:
    "No security group ingress from 0.0.0.0/0 or ::/0: inline ingress blocks (also dynamic ones) of aws_security_group, aws_security_group_rule of type ingress, aws_vpc_security_group_ingress_rule; CIDRs given through for_each, locals or variable defaults included.",
  check: (config) => {
    const open = (b: Block, where: string, values: unknown): string[] => [
      ...new Set(
        stringsIn(withReferencedValues(config, values))
          .filter((v) => OPEN_CIDR.test(v))
          .map((v) => violation(b.address, "sg-no-open-ingress", `${where} allows ingress from ${v}`)),
      ),
    ];
    return [
      ...resourcesOf(config, "aws_security_group").flatMap((b) => [
        ...open(b, "ingress", b.body.ingress),
        ...open(b, "dynamic ingress", b.body.dynamic?.ingress),
      ]),
      ...resourcesOf(config, "aws_security_group_rule")
        .filter((b) => b.body.type === "ingress")
        .flatMap((b) => open(b, "rule", [b.body.cidr_blocks, b.body.ipv6_cidr_blocks, b.body.for_each])),
      ...resourcesOf(config, "aws_vpc_security_group_ingress_rule").flatMap((b) =>
        open(b, "rule", [b.body.cidr_ipv4, b.body.cidr_ipv6, b.body.for_each]),
      ),
    ];
  },
};

const requiresImdsV2 = (body: Body): boolean =>
  nested(body.metadata_options).some((m) => m.http_tokens === "required" || m.http_endpoint === "disabled");

const imdsV2Required: SecurityRule = {
  id: "ec2-imdsv2-required",
  description:
    'Every aws_instance and aws_launch_template requires IMDSv2 (metadata_options.http_tokens = "required"), or disables the metadata endpoint; an instance may inherit it from its launch template.',
  check: (config) => {
    const templates = resourcesOf(config, "aws_launch_template");
    const inheritsImdsV2 = (instance: Block): boolean =>
      nested(instance.body.launch_template).some((lt) =>
        templates.some((t) => requiresImdsV2(t.body) && refersTo([lt.id, lt.name], t.type, t.name)),
      );
    return [...resourcesOf(config, "aws_instance"), ...templates]
      .filter((b) => !requiresImdsV2(b.body) && !(b.type === "aws_instance" && inheritsImdsV2(b)))
      .map((b) => violation(b.address, "ec2-imdsv2-required", 'does not set metadata_options.http_tokens = "required"'));
  },
};

const queuesEncrypted: SecurityRule = {
  id: "sqs-encrypted",
  description: "Every aws_sqs_queue is encrypted: sqs_managed_sse_enabled = true or a kms_master_key_id.",
  check: (config) =>
    resourcesOf(config, "aws_sqs_queue")
      .filter((q) => q.body.sqs_managed_sse_enabled !== true && !q.body.kms_master_key_id)
      .map((q) => violation(q.address, "sqs-encrypted", "sets neither sqs_managed_sse_enabled = true nor kms_master_key_id")),
};

const tablesEncrypted: SecurityRule = {
  id: "dynamodb-encrypted",
  description:
    "Every aws_dynamodb_table says how it is encrypted: server_side_encryption { enabled = true } (a KMS key), set explicitly rather than left to the default.",
  check: (config) =>
    resourcesOf(config, "aws_dynamodb_table")
      .filter((t) => !nested(t.body.server_side_encryption).some((e) => e.enabled === true))
      .map((t) => violation(t.address, "dynamodb-encrypted", "does not set server_side_encryption { enabled = true }")),
};

const logRetention: SecurityRule = {
  id: "logs-retention",
  description: "Every aws_cloudwatch_log_group has a retention period (retention_in_days set and not 0, which means forever).",
  check: (config) =>
    resourcesOf(config, "aws_cloudwatch_log_group")
      .filter((g) => [undefined, null, 0, "0", ""].includes(g.body.retention_in_days))
      .map((g) => violation(g.address, "logs-retention", "has no retention_in_days")),
};

const lambdaLogGroups: SecurityRule = {
  id: "lambda-explicit-log-group",
  description:
    "Every aws_lambda_function has its log group declared, named /aws/lambda/<function_name> (or its logging_config.log_group), and depends on it, so Lambda never creates the group itself without retention.",
  check: (config) => {
    const groups = resourcesOf(config, "aws_cloudwatch_log_group");
    return resourcesOf(config, "aws_lambda_function").flatMap((fn) => {
      const custom = nested(fn.body.logging_config)
        .map((c) => c.log_group)
        .filter(Boolean);
      const expected: string[] = custom.length > 0 ? custom : [`/aws/lambda/${fn.body.function_name}`];
      const group = groups.find((g) => expected.includes(g.body.name) || custom.some((c) => refersTo(c, g.type, g.name)));
      if (!group) {
        return [
          violation(fn.address, "lambda-explicit-log-group", `has no aws_cloudwatch_log_group named ${expected.join(" or ")}`),
        ];
      }
      const dependsOn =
        asList<string>(fn.body.depends_on).includes(group.address) || custom.some((c) => refersTo(c, group.type, group.name));
      return dependsOn
        ? []
        : [
            violation(
              fn.address,
              "lambda-explicit-log-group",
              `does not depend on ${group.address}, so Lambda may create the group first`,
            ),
          ];
    });
  },
};

/** KMS actions that use a key on data (or hand that use on, as a grant does). */
const KMS_DATA_ACTIONS =
  /^kms:(Encrypt|Decrypt|ReEncrypt\w*|GenerateDataKey\w*|CreateGrant|Sign|Verify|GenerateMac|VerifyMac|DeriveSharedSecret)$/;

/**
 * Service principals a key policy may let use the key on data without a kms:ViaService condition (they call KMS
 * themselves, not through another service), each with the reason and the condition that confines it, if any.
 */
export const KEY_SERVICE_PRINCIPALS: Readonly<Record<string, string>> = {
  "events.amazonaws.com":
    "EventBridge encrypts what it sends to an encrypted queue; AWS states its KMS requests carry no aws:SourceArn or aws:SourceAccount, and the queue's own policy admits only the recorder's rules.",
  "cloudwatch.amazonaws.com":
    "CloudWatch encrypts the alarm notifications it publishes to an encrypted topic; confined by aws:SourceAccount.",
  "logs.${var.region}.amazonaws.com":
    "CloudWatch Logs encrypts a log group's events; confined by the kms:EncryptionContext:aws:logs:arn of the recorder's log group.",
};

const keyPolicies = (config: TerraformConfig): FoundPolicy[] => findPolicies(config).filter(isKeyPolicy);

const principalsOf = (statement: Statement): string[] => {
  const p = statement.Principal as any;
  if (typeof p === "string") return [p];
  return Object.values(p ?? {}).flatMap((v) => asList(v as string | string[]));
};

const conditionKeys = (statement: Statement): string[] =>
  Object.values(statement.Condition ?? {}).flatMap((byKey) => Object.keys(byKey ?? {}).map((k) => k.toLowerCase()));

const keyPolicyNamesPrincipals: SecurityRule = {
  id: "kms-key-policy-named-principals",
  description:
    'Key policy statements name their principals: no "*" (even with conditions), no NotPrincipal. Whoever uses the key is named in its policy.',
  check: (config) =>
    keyPolicies(config).flatMap((policy) =>
      statementsOf(policy).flatMap((statement, i) => {
        const at = where(policy, statement, i);
        const found: string[] = [];
        if (principalsOf(statement).includes("*")) {
          found.push(violation(policy.address, "kms-key-policy-named-principals", `${at} names the principal "*"`));
        }
        if (statement.NotPrincipal !== undefined) {
          found.push(violation(policy.address, "kms-key-policy-named-principals", `${at} uses NotPrincipal`));
        }
        return found;
      }),
    ),
};

const keyDataUseScoped: SecurityRule = {
  id: "kms-key-data-use-scoped",
  description:
    "A key policy lets IAM principals (the account, roles) use the key on data only through named services (a kms:ViaService condition), and lets only the service principals of KEY_SERVICE_PRINCIPALS use it directly.",
  check: (config) =>
    keyPolicies(config).flatMap((policy) =>
      statementsOf(policy)
        .filter((statement) => isAllow(statement) && asList(statement.Action).some((a) => KMS_DATA_ACTIONS.test(a)))
        .flatMap((statement, i) => {
          const at = where(policy, statement, i);
          const p = statement.Principal as any;
          const services = asList<string>(p?.Service);
          const unlisted = services.filter((s) => !(s in KEY_SERVICE_PRINCIPALS));
          if (unlisted.length > 0) {
            return [
              violation(
                policy.address,
                "kms-key-data-use-scoped",
                `${at} lets ${unlisted.join(", ")} use the key on data; add the service to KEY_SERVICE_PRINCIPALS with the reason`,
              ),
            ];
          }
          if (asList(p?.AWS).length > 0 && !conditionKeys(statement).includes("kms:viaservice")) {
            return [
              violation(
                policy.address,
                "kms-key-data-use-scoped",
                `${at} lets ${asList(p.AWS).join(", ")} use the key on data without kms:ViaService`,
              ),
            ];
          }
          return [];
        }),
    ),
};

const keysRotateAndHavePolicies: SecurityRule = {
  id: "kms-keys-rotate-with-own-policy",
  description:
    "Every aws_kms_key rotates (enable_key_rotation = true) and has its own policy (a policy argument, or an aws_kms_key_policy created as often as the key): AWS's default key policy would give the whole account kms:*.",
  check: (config) =>
    resourcesOf(config, "aws_kms_key").flatMap((key) => {
      const found: string[] = [];
      if (key.body.enable_key_rotation !== true) {
        found.push(violation(key.address, "kms-keys-rotate-with-own-policy", "does not set enable_key_rotation = true"));
      }
      const policies = resourcesOf(config, "aws_kms_key_policy").filter(
        (p) => refersTo(p.body.key_id, key.type, key.name) && sameMultiplicity(key, p),
      );
      if (!key.body.policy && policies.length === 0) {
        found.push(
          violation(
            key.address,
            "kms-keys-rotate-with-own-policy",
            `has no policy and no aws_kms_key_policy with its ${multiplicity(key)}`,
          ),
        );
      }
      return found;
    }),
};

/** Where each kind of resource names its KMS key. */
const KEY_ARGUMENTS: Readonly<Record<string, (body: Body) => unknown>> = {
  aws_sqs_queue: (b) => b.kms_master_key_id,
  aws_sns_topic: (b) => b.kms_master_key_id,
  aws_cloudwatch_log_group: (b) => b.kms_key_id,
  aws_dynamodb_table: (b) => nested(b.server_side_encryption).map((e) => e.kms_key_arn)[0],
  aws_s3_bucket_server_side_encryption_configuration: (b) =>
    nested(b.rule).flatMap((r) => nested(r.apply_server_side_encryption_by_default).map((d) => d.kms_master_key_id))[0],
};

const customerManagedKeyEverywhere: SecurityRule = {
  id: "kms-customer-managed-key-everywhere",
  description:
    "Queues, topics, log groups, tables, bucket encryption and SecureString parameters are encrypted with the recorder's customer-managed key (local.kms_key_arn), not an AWS managed or owned key.",
  check: (config) => {
    const usesTheKey = (value: unknown): boolean => stringsIn(value).some((v) => v.includes("local.kms_key_arn"));
    return [
      ...Object.entries(KEY_ARGUMENTS).flatMap(([type, keyOf]) =>
        resourcesOf(config, type)
          .filter((b) => !usesTheKey(keyOf(b.body)))
          .map((b) => violation(b.address, "kms-customer-managed-key-everywhere", "is not encrypted with local.kms_key_arn")),
      ),
      ...resourcesOf(config, "aws_ssm_parameter")
        .filter((b) => b.body.type === "SecureString" && !usesTheKey(b.body.key_id))
        .map((b) =>
          violation(b.address, "kms-customer-managed-key-everywhere", "is a SecureString not encrypted with local.kms_key_arn"),
        ),
    ];
  },
};

export const RULES: readonly SecurityRule[] = [
  policiesReadable,
  noActionWildcards,
  resourceStarOnlyWhereNeeded,
  noPublicPrincipal,
  noBroadManagedPolicies,
  bucketPublicAccessBlocked,
  bucketEncrypted,
  bucketTlsOnly,
  noOpenIngress,
  imdsV2Required,
  queuesEncrypted,
  tablesEncrypted,
  logRetention,
  lambdaLogGroups,
  keyPolicyNamesPrincipals,
  keyDataUseScoped,
  keysRotateAndHavePolicies,
  customerManagedKeyEverywhere,
];
