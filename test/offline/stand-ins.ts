/**
 * What the provider-free twin must know of each AWS (and null) block type that Terraform itself cannot tell
 * without the provider: the values of computed attributes, and which arguments replace the resource when they
 * change. Deterministic values; addresses are documentation addresses (RFC 5737), the account is AWS's
 * documentation account.
 *
 * Placeholders in stand-in strings: `<region>` is the provider's region expression, `<account>` the account,
 * `<self.ARG>` the resource's own configured argument ARG (so a queue's URL carries its configured name).
 *
 * `replacedBy` follows the AWS provider's documentation ("forces new resource") for the arguments this stack
 * sets; an argument missing here is treated as updatable in place, which only makes the twin miss a replacement.
 */
export interface BlockRules {
  /** Computed attributes and their stand-in values. */
  readonly computed?: Readonly<Record<string, unknown>>;
  /** Arguments whose change replaces the resource (managed resources only). */
  readonly replacedBy?: readonly string[];
}

export const ACCOUNT = "123456789012";

const arn = (service: string, resource: string, region = "<region>") => `arn:aws:${service}:${region}:<account>:${resource}`;

export const BLOCK_RULES: Readonly<Record<string, BlockRules>> = {
  aws_athena_prepared_statement: { computed: { id: "<self.workgroup>/<self.name>" }, replacedBy: ["name", "workgroup"] },
  aws_athena_workgroup: {
    computed: { id: "<self.name>", arn: arn("athena", "workgroup/<self.name>") },
    replacedBy: ["name"],
  },
  aws_chime_voice_connector: {
    computed: {
      id: "abcdefghij0123456789ab",
      arn: arn("chime", "vc/abcdefghij0123456789ab"),
      outbound_host_name: "abcdefghij0123456789ab.voiceconnector.chime.aws",
    },
    replacedBy: ["aws_region"],
  },
  aws_chime_voice_connector_logging: { computed: { id: "abcdefghij0123456789ab" }, replacedBy: ["voice_connector_id"] },
  aws_chime_voice_connector_origination: { computed: { id: "abcdefghij0123456789ab" }, replacedBy: ["voice_connector_id"] },
  aws_chime_voice_connector_streaming: { computed: { id: "abcdefghij0123456789ab" }, replacedBy: ["voice_connector_id"] },
  aws_chime_voice_connector_termination: { computed: { id: "abcdefghij0123456789ab" }, replacedBy: ["voice_connector_id"] },
  aws_chimesdkmediapipelines_media_insights_pipeline_configuration: {
    computed: {
      id: "<self.name>",
      arn: arn("chime", "media-insights-pipeline-configuration/<self.name>"),
    },
    replacedBy: ["name"],
  },
  aws_cloudwatch_dashboard: {
    computed: { id: "<self.dashboard_name>", dashboard_arn: arn("cloudwatch", "dashboard/<self.dashboard_name>", "") },
    replacedBy: ["dashboard_name"],
  },
  aws_cloudwatch_event_rule: {
    computed: { id: "<self.name>", arn: arn("events", "rule/<self.name>") },
    replacedBy: ["name", "name_prefix", "event_bus_name"],
  },
  aws_cloudwatch_event_target: { computed: { id: "<self.rule>-target" }, replacedBy: ["rule", "target_id", "event_bus_name"] },
  aws_cloudwatch_log_group: {
    computed: { id: "<self.name>", arn: arn("logs", "log-group:<self.name>") },
    replacedBy: ["name", "name_prefix"],
  },
  aws_cloudwatch_metric_alarm: {
    computed: { id: "<self.alarm_name>", arn: arn("cloudwatch", "alarm:<self.alarm_name>") },
    replacedBy: ["alarm_name"],
  },
  aws_dynamodb_table: {
    computed: { id: "<self.name>", arn: arn("dynamodb", "table/<self.name>") },
    replacedBy: ["name", "hash_key", "range_key"],
  },
  aws_eip: {
    computed: { id: "eipalloc-0123456789abcdef0", allocation_id: "eipalloc-0123456789abcdef0", public_ip: "198.51.100.10" },
    replacedBy: ["domain"],
  },
  aws_glue_catalog_database: {
    computed: { id: "<account>:<self.name>", arn: arn("glue", "database/<self.name>") },
    replacedBy: ["name", "catalog_id"],
  },
  aws_glue_catalog_table: {
    computed: { id: "<account>:<self.database_name>:<self.name>", arn: arn("glue", "table/<self.database_name>/<self.name>") },
    replacedBy: ["name", "database_name", "catalog_id"],
  },
  aws_iam_instance_profile: {
    computed: { id: "<self.name>", arn: arn("iam", "instance-profile/<self.name>", "") },
    replacedBy: ["name", "name_prefix", "path"],
  },
  aws_iam_role: {
    computed: { id: "<self.name>", arn: arn("iam", "role/<self.name>", ""), unique_id: "AROAEXAMPLE0123456789" },
    replacedBy: ["name", "name_prefix"],
  },
  aws_iam_role_policy: { computed: { id: "<self.role>:<self.name>" }, replacedBy: ["name", "name_prefix", "role"] },
  aws_iam_role_policy_attachment: { computed: { id: "<self.role>-attachment" }, replacedBy: ["role", "policy_arn"] },
  aws_instance: {
    computed: {
      id: "i-0123456789abcdef0",
      arn: arn("ec2", "instance/i-0123456789abcdef0"),
      private_ip: "10.20.0.10",
      public_ip: "198.51.100.10",
    },
    replacedBy: ["ami", "availability_zone", "subnet_id", "primary_network_interface", "key_name"],
  },
  aws_internet_gateway: { computed: { id: "igw-0123456789abcdef0", arn: arn("ec2", "internet-gateway/igw-0123456789abcdef0") } },
  aws_kms_alias: {
    computed: {
      id: "<self.name>",
      arn: arn("kms", "<self.name>"),
      target_key_arn: arn("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab"),
    },
    replacedBy: ["name", "name_prefix"],
  },
  aws_kms_key: {
    computed: {
      id: "1234abcd-12ab-34cd-56ef-1234567890ab",
      key_id: "1234abcd-12ab-34cd-56ef-1234567890ab",
      arn: arn("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab"),
    },
    replacedBy: ["customer_master_key_spec", "key_usage", "multi_region", "custom_key_store_id", "xks_key_id"],
  },
  aws_kms_key_policy: { computed: { id: "<self.key_id>" }, replacedBy: ["key_id"] },
  aws_lambda_event_source_mapping: {
    computed: { id: "00000000-0000-4000-8000-000000000000", uuid: "00000000-0000-4000-8000-000000000000" },
    replacedBy: ["event_source_arn", "starting_position"],
  },
  aws_lambda_function: {
    computed: {
      id: "<self.function_name>",
      arn: arn("lambda", "function:<self.function_name>"),
      invoke_arn:
        "arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/arn:aws:lambda:<region>:<account>:function:<self.function_name>/invocations",
      version: "$LATEST",
    },
    replacedBy: ["function_name"],
  },
  // Every argument of a permission forces a new one.
  aws_lambda_permission: {
    computed: { id: "<self.statement_id>" },
    replacedBy: ["action", "function_name", "principal", "source_arn", "statement_id", "qualifier"],
  },
  aws_network_interface: {
    computed: {
      id: "eni-0123456789abcdef0",
      private_ip: "10.20.0.10",
      arn: arn("ec2", "network-interface/eni-0123456789abcdef0"),
    },
    replacedBy: ["subnet_id"],
  },
  aws_route: { computed: { id: "r-rtb-0123456789abcdef0" }, replacedBy: ["route_table_id", "destination_cidr_block"] },
  aws_route_table: {
    computed: { id: "rtb-0123456789abcdef0", arn: arn("ec2", "route-table/rtb-0123456789abcdef0") },
    replacedBy: ["vpc_id"],
  },
  aws_route_table_association: { computed: { id: "rtbassoc-0123456789abcdef0" }, replacedBy: ["subnet_id", "gateway_id"] },
  aws_s3_bucket: {
    computed: {
      id: "<self.bucket>",
      arn: "arn:aws:s3:::<self.bucket>",
      bucket_regional_domain_name: "<self.bucket>.s3.<region>.amazonaws.com",
    },
    replacedBy: ["bucket", "bucket_prefix", "object_lock_enabled"],
  },
  aws_s3_bucket_lifecycle_configuration: { computed: { id: "<self.bucket>" }, replacedBy: ["bucket", "expected_bucket_owner"] },
  aws_s3_bucket_object_lock_configuration: {
    computed: { id: "<self.bucket>" },
    replacedBy: ["bucket", "expected_bucket_owner", "object_lock_enabled"],
  },
  aws_s3_bucket_ownership_controls: { computed: { id: "<self.bucket>" }, replacedBy: ["bucket"] },
  aws_s3_bucket_policy: { computed: { id: "<self.bucket>" }, replacedBy: ["bucket"] },
  aws_s3_bucket_public_access_block: { computed: { id: "<self.bucket>" }, replacedBy: ["bucket"] },
  aws_s3_bucket_server_side_encryption_configuration: {
    computed: { id: "<self.bucket>" },
    replacedBy: ["bucket", "expected_bucket_owner"],
  },
  aws_s3_bucket_versioning: { computed: { id: "<self.bucket>" }, replacedBy: ["bucket", "expected_bucket_owner"] },
  aws_security_group: {
    computed: { id: "sg-0123456789abcdef0", arn: arn("ec2", "security-group/sg-0123456789abcdef0") },
    replacedBy: ["name", "name_prefix", "description", "vpc_id"],
  },
  aws_sns_topic: {
    computed: { id: arn("sns", "<self.name>"), arn: arn("sns", "<self.name>") },
    replacedBy: ["name", "name_prefix"],
  },
  aws_sns_topic_subscription: {
    computed: { id: arn("sns", "subscription"), arn: arn("sns", "subscription") },
    replacedBy: ["endpoint", "protocol", "topic_arn"],
  },
  aws_sqs_queue: {
    computed: {
      id: "https://sqs.<region>.amazonaws.com/<account>/<self.name>",
      arn: arn("sqs", "<self.name>"),
      url: "https://sqs.<region>.amazonaws.com/<account>/<self.name>",
    },
    replacedBy: ["name", "name_prefix", "fifo_queue"],
  },
  aws_sqs_queue_policy: { computed: { id: "<self.queue_url>" }, replacedBy: ["queue_url"] },
  aws_ssm_parameter: {
    computed: { id: "<self.name>", arn: arn("ssm", "parameter<self.name>"), version: 1 },
    replacedBy: ["name"],
  },
  aws_subnet: {
    computed: { id: "subnet-0123456789abcdef0", arn: arn("ec2", "subnet/subnet-0123456789abcdef0") },
    replacedBy: ["vpc_id", "cidr_block", "availability_zone"],
  },
  aws_vpc: {
    computed: { id: "vpc-0123456789abcdef0", arn: arn("ec2", "vpc/vpc-0123456789abcdef0") },
    replacedBy: ["cidr_block"],
  },
  aws_vpc_security_group_egress_rule: {
    computed: { id: "sgr-0123456789abcdef0", arn: arn("ec2", "security-group-rule/sgr-0123456789abcdef0") },
    replacedBy: ["security_group_id"],
  },
  aws_vpc_security_group_ingress_rule: {
    computed: { id: "sgr-0123456789abcdef1", arn: arn("ec2", "security-group-rule/sgr-0123456789abcdef1") },
    replacedBy: ["security_group_id"],
  },
  null_resource: { computed: { id: "1234567890123456789" }, replacedBy: ["triggers"] },

  "data.aws_ami": {
    computed: { id: "ami-0123456789abcdef0", image_id: "ami-0123456789abcdef0", architecture: "arm64" },
  },
  "data.aws_caller_identity": {
    computed: { id: "<account>", account_id: "<account>", arn: "arn:aws:iam::<account>:user/deployer", user_id: "AIDAEXAMPLE" },
  },
  "data.aws_partition": {
    computed: { id: "aws", partition: "aws", dns_suffix: "amazonaws.com", reverse_dns_prefix: "com.amazonaws" },
  },
  "data.aws_ec2_instance_type_offerings": {
    computed: { id: "<region>", locations: ["<region>b", "<region>a"], location_types: ["availability-zone"] },
  },
  "data.aws_kms_key": {
    // A key as the plan reads it when it can serve: symmetric, enabled, customer managed.
    computed: {
      id: "<self.key_id>",
      arn: "<self.key_id>",
      key_spec: "SYMMETRIC_DEFAULT",
      key_usage: "ENCRYPT_DECRYPT",
      enabled: true,
      key_state: "Enabled",
      key_manager: "CUSTOMER",
    },
  },
  "data.aws_ssm_parameter": {
    // A fictional number (555-01xx), as the order script would have stored it.
    computed: { id: "<self.name>", arn: arn("ssm", "parameter<self.name>"), insecure_value: "+12025550123", version: 2 },
  },
};
