/**
 * Small configurations that break one rule each, so every rule is shown able to fail. Each
 * names the rule it breaks and the address the violation must name.
 */
import type { TerraformConfig } from "./terraform-config";

export interface BadFixture {
  readonly rule: string;
  readonly title: string;
  /** The address the violation must name. */
  readonly address: string;
  readonly config: TerraformConfig;
}

const policy = (...Statement: object[]): string => JSON.stringify({ Version: "2012-10-17", Statement });
const allow = (Action: string | string[], Resource: string | string[] = "arn:aws:s3:::bucket/*"): object => ({
  Effect: "Allow",
  Action,
  Resource,
});
const rolePolicy = (statement: object): TerraformConfig => ({
  resource: { aws_iam_role_policy: { bad: { name: "bad", role: "${aws_iam_role.r.id}", policy: policy(statement) } } },
});

/** A bucket with every companion in order, to break one piece at a time. */
const goodBucket = (): Record<string, Record<string, Record<string, any>>> => ({
  aws_s3_bucket: { b: { bucket: "example", count: "${var.create ? 1 : 0}" } },
  aws_s3_bucket_public_access_block: {
    b: {
      count: "${var.create ? 1 : 0}",
      bucket: "${one(aws_s3_bucket.b[*].id)}",
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    },
  },
  aws_s3_bucket_server_side_encryption_configuration: {
    b: {
      count: "${var.create ? 1 : 0}",
      bucket: "${one(aws_s3_bucket.b[*].id)}",
      rule: [
        { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "${local.kms_key_arn}" } },
      ],
    },
  },
  aws_s3_bucket_policy: {
    b: {
      count: "${var.create ? 1 : 0}",
      bucket: "${one(aws_s3_bucket.b[*].id)}",
      policy: policy({
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: ["${one(aws_s3_bucket.b[*].arn)}", "${one(aws_s3_bucket.b[*].arn)}/*"],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
    },
  },
});

/** The good bucket with one change. */
const bucketWith = (change: (r: ReturnType<typeof goodBucket>) => void): TerraformConfig => {
  const resource = goodBucket();
  change(resource);
  return { resource };
};

export const GOOD_BUCKET: TerraformConfig = { resource: goodBucket() };

/** A key with rotation and its own policy holding these statements. */
const keyWith = (...statements: object[]): TerraformConfig => ({
  resource: {
    aws_kms_key: { k: { count: "${var.create ? 1 : 0}", enable_key_rotation: true } },
    aws_kms_key_policy: {
      k: { count: "${var.create ? 1 : 0}", key_id: "${one(aws_kms_key.k[*].key_id)}", policy: policy(...statements) },
    },
  },
});
const roleUses = (Action: string | string[], Condition?: object): object => ({
  Effect: "Allow",
  Principal: { AWS: "${aws_iam_role.recorder.arn}" },
  Action,
  Resource: "*",
  ...(Condition ? { Condition } : {}),
});

export const GOOD_KEY: TerraformConfig = keyWith(
  {
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::123456789012:root" },
    Action: ["kms:DescribeKey", "kms:PutKeyPolicy"],
    Resource: "*",
  },
  roleUses(["kms:Decrypt", "kms:GenerateDataKey"], { StringEquals: { "kms:ViaService": "sqs.${var.region}.amazonaws.com" } }),
  {
    Effect: "Allow",
    Principal: { Service: "events.amazonaws.com" },
    Action: ["kms:GenerateDataKey", "kms:Decrypt"],
    Resource: "*",
  },
);

export const BAD_FIXTURES: readonly BadFixture[] = [
  {
    rule: "kms-key-policy-named-principals",
    title: 'a key policy statement for Principal "*", even with a condition',
    address: "aws_kms_key_policy.k",
    config: keyWith({
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: { StringEquals: { "kms:CallerAccount": "123456789012", "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
    }),
  },
  {
    rule: "kms-key-policy-named-principals",
    title: "a key policy statement with NotPrincipal",
    address: "aws_kms_key_policy.k",
    config: keyWith({
      Effect: "Allow",
      NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" },
      Action: "kms:DescribeKey",
      Resource: "*",
    }),
  },
  {
    rule: "iam-no-action-wildcards",
    title: 'a key policy granting "kms:*"',
    address: "aws_kms_key_policy.k",
    config: keyWith({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" }),
  },
  {
    rule: "kms-key-data-use-scoped",
    title: "a role decrypting with the key directly, not through a service",
    address: "aws_kms_key_policy.k",
    config: keyWith(roleUses("kms:Decrypt")),
  },
  {
    rule: "kms-key-data-use-scoped",
    title: "the account creating grants without kms:ViaService",
    address: "aws_kms_key_policy.k",
    config: keyWith({
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:root" },
      Action: "kms:CreateGrant",
      Resource: "*",
    }),
  },
  {
    rule: "kms-key-data-use-scoped",
    title: "a service principal not known to need the key",
    address: "aws_kms_key_policy.k",
    config: keyWith({
      Effect: "Allow",
      Principal: { Service: "s3.amazonaws.com" },
      Action: "kms:GenerateDataKey",
      Resource: "*",
    }),
  },
  {
    rule: "kms-keys-rotate-with-own-policy",
    title: "a key without rotation",
    address: "aws_kms_key.k",
    config: { resource: { aws_kms_key: { k: { policy: policy({}) } } } },
  },
  {
    rule: "kms-keys-rotate-with-own-policy",
    title: "a key left with AWS's default policy",
    address: "aws_kms_key.k",
    config: { resource: { aws_kms_key: { k: { enable_key_rotation: true } } } },
  },
  {
    rule: "kms-keys-rotate-with-own-policy",
    title: "a key whose policy is created a different number of times",
    address: "aws_kms_key.k",
    config: {
      resource: {
        aws_kms_key: { k: { count: "${var.create ? 1 : 0}", enable_key_rotation: true } },
        aws_kms_key_policy: { k: { key_id: "${one(aws_kms_key.k[*].key_id)}", policy: policy({}) } },
      },
    },
  },
  {
    rule: "kms-customer-managed-key-everywhere",
    title: "a queue under SQS-managed encryption",
    address: "aws_sqs_queue.q",
    config: { resource: { aws_sqs_queue: { q: { sqs_managed_sse_enabled: true } } } },
  },
  {
    rule: "kms-customer-managed-key-everywhere",
    title: "a table under the AWS owned key",
    address: "aws_dynamodb_table.t",
    config: { resource: { aws_dynamodb_table: { t: { server_side_encryption: { enabled: true } } } } },
  },
  {
    rule: "kms-customer-managed-key-everywhere",
    title: "a bucket under SSE-S3",
    address: "aws_s3_bucket_server_side_encryption_configuration.b",
    config: bucketWith(
      (r) =>
        (r.aws_s3_bucket_server_side_encryption_configuration.b.rule = [
          { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
        ]),
    ),
  },
  {
    rule: "kms-customer-managed-key-everywhere",
    title: "a topic, a log group and a SecureString under AWS managed keys",
    address: "aws_ssm_parameter.p",
    config: {
      resource: {
        aws_sns_topic: { t: { kms_master_key_id: "alias/aws/sns" } },
        aws_cloudwatch_log_group: { g: { retention_in_days: 30 } },
        aws_ssm_parameter: { p: { type: "SecureString", value: "[]" } },
      },
    },
  },
  {
    rule: "iam-policies-readable",
    title: "a policy built with jsonencode()",
    address: "aws_iam_role_policy.bad",
    config: { resource: { aws_iam_role_policy: { bad: { policy: "${jsonencode({ Statement = [] })}" } } } },
  },
  {
    rule: "iam-no-action-wildcards",
    title: 'Action "*"',
    address: "aws_iam_role_policy.bad",
    config: rolePolicy(allow("*")),
  },
  {
    rule: "iam-no-action-wildcards",
    title: 'Action "s3:*"',
    address: "aws_iam_role_policy.bad",
    config: rolePolicy(allow("s3:*")),
  },
  {
    rule: "iam-no-action-wildcards",
    title: 'Action "s3:Get*" in a list',
    address: "aws_iam_role_policy.bad",
    config: rolePolicy(allow(["s3:PutObject", "s3:Get*"])),
  },
  {
    rule: "iam-no-action-wildcards",
    title: "NotAction in an Allow statement",
    address: "aws_iam_role_policy.bad",
    config: rolePolicy({ Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::bucket" }),
  },
  {
    rule: "iam-no-action-wildcards",
    title: "a wildcard in a data.aws_iam_policy_document",
    address: "data.aws_iam_policy_document.bad",
    config: {
      data: { aws_iam_policy_document: { bad: { statement: [{ actions: ["sqs:*"], resources: ["${aws_sqs_queue.q.arn}"] }] } } },
      resource: { aws_iam_policy: { p: { policy: "${data.aws_iam_policy_document.bad.json}" } } },
    },
  },
  {
    rule: "iam-no-action-wildcards",
    title: "a wildcard in a role's inline_policy",
    address: "aws_iam_role.bad",
    config: { resource: { aws_iam_role: { bad: { inline_policy: [{ name: "x", policy: policy(allow("dynamodb:*")) }] } } } },
  },
  {
    rule: "iam-resource-star-allow-list",
    title: 'Resource "*" for an action that has resource-level permissions',
    address: "aws_iam_role_policy.bad",
    config: rolePolicy(allow("s3:GetObject", "*")),
  },
  {
    rule: "iam-resource-star-allow-list",
    title: 'Resource "*" in a list, next to a listed action',
    address: "aws_iam_role_policy.bad",
    config: rolePolicy(allow(["cloudwatch:PutMetricData", "sqs:SendMessage"], ["*"])),
  },
  {
    rule: "iam-resource-star-allow-list",
    title: "NotResource in an Allow statement",
    address: "aws_iam_role_policy.bad",
    config: rolePolicy({ Effect: "Allow", Action: "s3:GetObject", NotResource: "arn:aws:s3:::secret/*" }),
  },
  {
    rule: "iam-no-public-principal",
    title: 'a queue policy allowing Principal "*" unconditionally',
    address: "aws_sqs_queue_policy.bad",
    config: {
      resource: {
        aws_sqs_queue_policy: {
          bad: {
            queue_url: "x",
            policy: policy({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sqs:SendMessage", Resource: "arn" }),
          },
        },
      },
    },
  },
  {
    rule: "iam-no-broad-managed-policies",
    title: "AdministratorAccess attached to a role",
    address: "aws_iam_role_policy_attachment.bad",
    config: {
      resource: {
        aws_iam_role_policy_attachment: { bad: { role: "r", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } },
      },
    },
  },
  {
    rule: "iam-no-broad-managed-policies",
    title: "AmazonS3FullAccess among a role's managed_policy_arns",
    address: "aws_iam_role.bad",
    config: { resource: { aws_iam_role: { bad: { managed_policy_arns: ["arn:aws:iam::aws:policy/AmazonS3FullAccess"] } } } },
  },
  {
    rule: "s3-bucket-public-access-blocked",
    title: "a bucket without a public access block",
    address: "aws_s3_bucket.b",
    config: bucketWith((r) => delete (r as any).aws_s3_bucket_public_access_block),
  },
  {
    rule: "s3-bucket-public-access-blocked",
    title: "a public access block with restrict_public_buckets false",
    address: "aws_s3_bucket.b",
    config: bucketWith((r) => (r.aws_s3_bucket_public_access_block.b.restrict_public_buckets = false)),
  },
  {
    rule: "s3-bucket-public-access-blocked",
    title: "a public access block with a different count",
    address: "aws_s3_bucket.b",
    config: bucketWith((r) => (r.aws_s3_bucket_public_access_block.b.count = 1)),
  },
  {
    rule: "s3-bucket-encrypted",
    title: "a bucket without an encryption configuration",
    address: "aws_s3_bucket.b",
    config: bucketWith((r) => delete (r as any).aws_s3_bucket_server_side_encryption_configuration),
  },
  {
    rule: "s3-bucket-encrypted",
    title: "an encryption configuration for another bucket",
    address: "aws_s3_bucket.b",
    config: bucketWith((r) => (r.aws_s3_bucket_server_side_encryption_configuration.b.bucket = "${aws_s3_bucket.b2.id}")),
  },
  {
    rule: "s3-bucket-tls-only",
    title: "a bucket without a bucket policy",
    address: "aws_s3_bucket.b",
    config: bucketWith((r) => delete (r as any).aws_s3_bucket_policy),
  },
  {
    rule: "s3-bucket-tls-only",
    title: "a TLS Deny that leaves out the objects",
    address: "aws_s3_bucket.b",
    config: bucketWith(
      (r) =>
        (r.aws_s3_bucket_policy.b.policy = policy({
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: "${one(aws_s3_bucket.b[*].arn)}",
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        })),
    ),
  },
  {
    rule: "s3-bucket-tls-only",
    title: "a bucket policy without the aws:SecureTransport condition",
    address: "aws_s3_bucket.b",
    config: bucketWith(
      (r) =>
        (r.aws_s3_bucket_policy.b.policy = policy({
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: ["${one(aws_s3_bucket.b[*].arn)}", "${one(aws_s3_bucket.b[*].arn)}/*"],
        })),
    ),
  },
  {
    rule: "sg-no-open-ingress",
    title: "an inline ingress block from 0.0.0.0/0",
    address: "aws_security_group.bad",
    config: {
      resource: {
        aws_security_group: {
          bad: {
            ingress: [{ from_port: 22, to_port: 22, protocol: "tcp", cidr_blocks: ["0.0.0.0/0"] }],
            egress: [{ from_port: 0, to_port: 0, protocol: "-1", cidr_blocks: ["0.0.0.0/0"] }],
          },
        },
      },
    },
  },
  {
    rule: "sg-no-open-ingress",
    title: "a dynamic ingress block from ::/0",
    address: "aws_security_group.bad",
    config: {
      resource: {
        aws_security_group: {
          bad: { dynamic: { ingress: { for_each: "${var.ports}", content: { ipv6_cidr_blocks: ["::/0"], from_port: 1 } } } },
        },
      },
    },
  },
  {
    rule: "sg-no-open-ingress",
    title: "an aws_security_group_rule of type ingress from 0.0.0.0/0",
    address: "aws_security_group_rule.bad",
    config: { resource: { aws_security_group_rule: { bad: { type: "ingress", cidr_blocks: ["10.0.0.0/8", "0.0.0.0/0"] } } } },
  },
  {
    rule: "sg-no-open-ingress",
    title: "an aws_vpc_security_group_ingress_rule from ::/0",
    address: "aws_vpc_security_group_ingress_rule.bad",
    config: { resource: { aws_vpc_security_group_ingress_rule: { bad: { cidr_ipv6: "::/0", ip_protocol: "udp" } } } },
  },
  {
    rule: "sg-no-open-ingress",
    title: "ingress rules made by for_each over a local that holds 0.0.0.0/0",
    address: "aws_vpc_security_group_ingress_rule.bad",
    config: {
      locals: {
        ingress: {
          "us-east-1": [
            { key: "sip", cidr: "3.80.16.0/23" },
            { key: "ssh", cidr: "0.0.0.0/0" },
          ],
        },
      },
      resource: {
        aws_vpc_security_group_ingress_rule: {
          bad: {
            for_each: "${{ for r in lookup(local.ingress, var.region, []) : r.key => r }}",
            cidr_ipv4: "${each.value.cidr}",
          },
        },
      },
    },
  },
  {
    rule: "sg-no-open-ingress",
    title: "an ingress rule from a variable whose default is ::/0",
    address: "aws_security_group_rule.bad",
    config: {
      variable: { admin_cidrs: { default: ["::/0"] } },
      resource: { aws_security_group_rule: { bad: { type: "ingress", ipv6_cidr_blocks: "${var.admin_cidrs}" } } },
    },
  },
  {
    rule: "ec2-imdsv2-required",
    title: "an instance without metadata_options",
    address: "aws_instance.bad",
    config: { resource: { aws_instance: { bad: { ami: "ami-1", instance_type: "t4g.small" } } } },
  },
  {
    rule: "ec2-imdsv2-required",
    title: 'a launch template with http_tokens "optional"',
    address: "aws_launch_template.bad",
    config: { resource: { aws_launch_template: { bad: { metadata_options: { http_tokens: "optional" } } } } },
  },
  {
    rule: "sqs-encrypted",
    title: "a queue without encryption",
    address: "aws_sqs_queue.bad",
    config: { resource: { aws_sqs_queue: { bad: { name: "q" } } } },
  },
  {
    rule: "sqs-encrypted",
    title: "a queue with sqs_managed_sse_enabled false",
    address: "aws_sqs_queue.bad",
    config: { resource: { aws_sqs_queue: { bad: { name: "q", sqs_managed_sse_enabled: false } } } },
  },
  {
    rule: "dynamodb-encrypted",
    title: "a table left to default encryption",
    address: "aws_dynamodb_table.bad",
    config: { resource: { aws_dynamodb_table: { bad: { name: "t", hash_key: "id" } } } },
  },
  {
    rule: "dynamodb-encrypted",
    title: "a table with server_side_encryption disabled",
    address: "aws_dynamodb_table.bad",
    config: { resource: { aws_dynamodb_table: { bad: { name: "t", server_side_encryption: { enabled: false } } } } },
  },
  {
    rule: "logs-retention",
    title: "a log group kept forever",
    address: "aws_cloudwatch_log_group.bad",
    config: { resource: { aws_cloudwatch_log_group: { bad: { name: "/aws/ec2/pbx" } } } },
  },
  {
    rule: "lambda-explicit-log-group",
    title: "a function without its log group",
    address: "aws_lambda_function.bad",
    config: {
      resource: {
        aws_lambda_function: { bad: { function_name: "${var.name_prefix}-fn" } },
        aws_cloudwatch_log_group: { other: { name: "/aws/lambda/${var.name_prefix}-other", retention_in_days: 7 } },
      },
    },
  },
  {
    rule: "lambda-explicit-log-group",
    title: "a function that does not depend on its log group",
    address: "aws_lambda_function.bad",
    config: {
      resource: {
        aws_lambda_function: { bad: { function_name: "fn" } },
        aws_cloudwatch_log_group: { fn: { name: "/aws/lambda/fn", retention_in_days: 7 } },
      },
    },
  },
];
