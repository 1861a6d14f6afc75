import {
  type IResolvable,
  type TerraformDataSource,
  TerraformLocal,
  type TerraformResource,
  type TerraformVariable,
  Token,
} from "cdktf";
import type { Construct } from "constructs";

// cdktf's Fn/Op helpers render "" as `undefined` and escape nested expressions, so compound
// expressions are written as HCL here and handed to cdktf as tokens.

/** A Terraform expression embedded in a synthesized string. */
export const hcl = (expression: string): string => `\${${expression}}`;

/** A numeric Terraform expression, e.g. for `count`. */
export const hclNumber = (expression: string): number => Token.asNumber(hcl(expression));

/** A boolean Terraform expression. */
export const hclBool = (expression: string): IResolvable => Token.asAny(hcl(expression));

/** A list-valued Terraform expression. */
export const hclList = (expression: string): string[] => Token.asList(hcl(expression));

/** A map-valued Terraform expression. */
export const hclMap = (expression: string): Record<string, string> => Token.asStringMap(hcl(expression));

/** How HCL refers to a variable: `var.<name>`. */
export const varRef = (variable: TerraformVariable): string => `var.${variable.friendlyUniqueId}`;

/** The resource's address as a plan shows it, e.g. `aws_s3_bucket.recordings`. */
export const addressOf = (resource: TerraformResource): string =>
  `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;

/** HCL for an attribute of a resource created with `count` 0 or 1: its value, or null. */
export const countedAttribute = (resource: TerraformResource, attribute: string): string =>
  `one(${addressOf(resource)}[*].${attribute})`;

/** HCL for an attribute of a data source read with `count` 0 or 1: its value, or null. */
export const countedDataAttribute = (dataSource: TerraformDataSource, attribute: string): string =>
  `one(data.${dataSource.terraformResourceType}.${dataSource.friendlyUniqueId}[*].${attribute})`;

/** A local named `name` in the JSON (`local.<name>`), whichever construct declares it; its value as a token. */
export function namedLocal(scope: Construct, name: string, expression: string): string {
  const local = new TerraformLocal(scope, name, hcl(expression));
  local.overrideLogicalId(name);
  return local.asString;
}

/**
 * A policy's Resource list of each voice connector's call streams (`stream/ChimeVoiceConnector-<id>-*`),
 * `ids` being an HCL list expression. A local `name` joins the ARNs with `","`, so that the one-element
 * list `["${local.name}"]` in the policy's JSON renders as the whole list, and the policy stays a JSON
 * literal the plan shows and the tests read. `partition`, `region` and `accountId` may be tokens.
 */
export function connectorStreams(
  scope: Construct,
  name: string,
  ids: string,
  arn: { partition: string; region: string; accountId: string },
): string[] {
  // In an expression a token renders as a bare reference, so the ARN is put together with format().
  const streamArn = `format("arn:%s:kinesisvideo:%s:%s:stream/ChimeVoiceConnector-%s-*", ${arn.partition}, ${arn.region}, ${arn.accountId}, id)`;
  new TerraformLocal(scope, name, hcl(`join("\\",\\"", [for id in ${ids} : ${streamArn}])`)).overrideLogicalId(name);
  return [hcl(`local.${name}`)];
}

/** An IAM policy statement; JSON keys as AWS spells them. */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: unknown;
  readonly Action: string | readonly string[];
  /** Absent in trust policies. */
  readonly Resource?: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

/**
 * A policy document as a JSON literal with any tokens inside as `${...}`, so the plan shows it
 * verbatim and tests can parse it.
 */
export const policyDocument = (statements: readonly PolicyStatement[]): string =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements });
