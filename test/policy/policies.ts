import { asList, type Block, type Body, dataSourcesOf, nested, resourcesOf, type TerraformConfig } from "./terraform-config";

/** An IAM policy statement, keys as AWS spells them. */
export interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** A policy found in the configuration, or why it could not be read. */
export interface FoundPolicy {
  /** Address of the block that holds the policy, e.g. `aws_iam_role.recorder`. */
  readonly address: string;
  /** Where in the block, e.g. `assume_role_policy` or `inline_policy[0].policy`. */
  readonly attribute: string;
  readonly statements: Statement[];
  /** Set when the policy is neither a JSON literal nor a policy document data source. */
  readonly unreadable?: string;
}

/** Attributes that hold a policy document, in any resource type (IAM, S3, SQS, SNS, KMS, ...). */
const POLICY_ATTRIBUTES = new Set(["policy", "assume_role_policy"]);

const POLICY_DOCUMENT_REFERENCE = /^\$\{data\.aws_iam_policy_document\.([\w-]+)\.(?:json|minified_json)\}$/;

/**
 * Every policy in the configuration: each `policy`/`assume_role_policy` attribute of every
 * resource (nested ones such as `inline_policy` too), and every `data.aws_iam_policy_document`
 * on its own (a resource that refers to one is not read twice).
 */
export function findPolicies(config: TerraformConfig): FoundPolicy[] {
  const found: FoundPolicy[] = [];
  for (const block of resourcesOf(config)) {
    for (const [attribute, value] of policyAttributes(block.body, "")) {
      found.push(readPolicy(block, attribute, value));
    }
  }
  for (const document of dataSourcesOf(config, "aws_iam_policy_document")) {
    found.push({ address: document.address, attribute: "statement", statements: fromPolicyDocument(document.body) });
  }
  return found;
}

function* policyAttributes(body: Body, path: string): Generator<[string, unknown]> {
  for (const [key, value] of Object.entries(body)) {
    if (key === "//") continue;
    const here = path ? `${path}.${key}` : key;
    if (POLICY_ATTRIBUTES.has(key) && (typeof value === "string" || typeof value === "object")) {
      yield [here, value];
    } else if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) {
        if (typeof item === "object" && item !== null) yield* policyAttributes(item, `${here}[${i}]`);
      }
    } else if (typeof value === "object" && value !== null) {
      yield* policyAttributes(value, here);
    }
  }
}

function readPolicy(block: Block, attribute: string, value: unknown): FoundPolicy {
  const at = { address: block.address, attribute };
  if (typeof value === "string" && POLICY_DOCUMENT_REFERENCE.test(value)) {
    // Read where the data source is listed; nothing to check here.
    return { ...at, statements: [] };
  }
  if (typeof value === "string") {
    try {
      const document = JSON.parse(value) as { Statement?: Statement | Statement[] };
      return { ...at, statements: asList(document.Statement) };
    } catch {
      // Falls through: an expression (jsonencode, file, templatefile) the rules cannot see into.
    }
  }
  return {
    ...at,
    statements: [],
    unreadable: `${attribute} is neither a JSON literal nor a data.aws_iam_policy_document reference, so its statements cannot be checked: ${String(JSON.stringify(value)).slice(0, 120)}`,
  };
}

/** A `data.aws_iam_policy_document` block's statements in IAM JSON form. */
export function fromPolicyDocument(body: Body): Statement[] {
  return nested(body.statement).map((s) => {
    const statement: Statement = { Effect: s.effect ?? "Allow" };
    if (s.sid !== undefined) statement.Sid = s.sid;
    if (s.actions !== undefined) statement.Action = asList(s.actions);
    if (s.not_actions !== undefined) statement.NotAction = asList(s.not_actions);
    if (s.resources !== undefined) statement.Resource = asList(s.resources);
    if (s.not_resources !== undefined) statement.NotResource = asList(s.not_resources);
    if (s.principals !== undefined) statement.Principal = principals(s.principals);
    if (s.not_principals !== undefined) statement.NotPrincipal = principals(s.not_principals);
    const conditions = nested(s.condition);
    if (conditions.length > 0) {
      statement.Condition = {};
      for (const c of conditions) {
        statement.Condition[c.test] = { ...statement.Condition[c.test], [c.variable]: c.values };
      }
    }
    return statement;
  });
}

function principals(value: unknown): unknown {
  const result: Record<string, string[]> = {};
  for (const p of nested(value)) {
    if (p.type === "*") return "*";
    result[p.type] = [...(result[p.type] ?? []), ...asList<string>(p.identifiers)];
  }
  return result;
}

/** One resource an action is allowed on, with the statement's condition if it has one. */
export type Grant = { resource: string; condition?: Statement["Condition"] };

/** What a policy allows: each action with every resource and condition it is allowed under. */
export function allowed(statements: Statement[]): Record<string, Grant[]> {
  const grants: Record<string, Grant[]> = {};
  for (const statement of statements.filter((s) => (s.Effect ?? "Allow") === "Allow")) {
    for (const action of asList(statement.Action)) {
      for (const resource of asList(statement.Resource)) {
        const grant = statement.Condition ? { resource, condition: statement.Condition } : { resource };
        grants[action] = [...(grants[action] ?? []), grant];
      }
    }
  }
  return grants;
}
