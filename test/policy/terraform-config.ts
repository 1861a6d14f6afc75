/**
 * Just enough of the synthesized Terraform JSON to walk it generically: rules look at resource
 * types, never at today's resource names, so new constructs are covered as they appear.
 */

/** A block's body as synthesized (snake_case keys, `${...}` expressions as strings). */
export type Body = Record<string, any>;

/** The parts of a synthesized configuration the rules read. */
export interface TerraformConfig {
  resource?: Record<string, Record<string, Body>>;
  data?: Record<string, Record<string, Body>>;
  locals?: Record<string, unknown>;
  variable?: Record<string, { default?: unknown }>;
}

/** One resource or data source, with its address as a plan prints it. */
export interface Block {
  readonly type: string;
  readonly name: string;
  /** `type.name` for resources, `data.type.name` for data sources. */
  readonly address: string;
  readonly body: Body;
}

/** Every resource of a type (every resource when no type is given). */
export function resourcesOf(config: TerraformConfig, type?: string): Block[] {
  return blocks(config.resource, "", type);
}

/** Every data source of a type. */
export function dataSourcesOf(config: TerraformConfig, type: string): Block[] {
  return blocks(config.data, "data.", type);
}

function blocks(section: TerraformConfig["resource"], prefix: string, type?: string): Block[] {
  const found: Block[] = [];
  for (const [blockType, byName] of Object.entries(section ?? {})) {
    if (type !== undefined && blockType !== type) continue;
    for (const [name, body] of Object.entries(byName ?? {})) {
      found.push({ type: blockType, name, address: `${prefix}${blockType}.${name}`, body: body ?? {} });
    }
  }
  return found;
}

/** A violation as every rule reports it: the resource's address, the rule, what is wrong. */
export const violation = (address: string, ruleId: string, message: string): string => `${address}: [${ruleId}] ${message}`;

/**
 * A nested block: cdktf writes single blocks as objects and repeated blocks as arrays. Returns
 * the blocks as a list either way.
 */
export function nested(value: unknown): Body[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is Body => typeof v === "object" && v !== null);
}

/** One value or a list of values as a list. */
export function asList<T>(value: T | readonly T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? [...value] : [value as T];
}

/** Every string inside a value, at any depth. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Whether an expression refers to the resource `type.name` (any attribute, any index). */
export function refersTo(expression: unknown, type: string, name: string): boolean {
  const reference = new RegExp(`(?<![\\w.])${escapeRegExp(type)}\\.${escapeRegExp(name)}(?![\\w-])`);
  return stringsIn(expression).some((s) => reference.test(s));
}

/**
 * The value and, for every `local.x` and `var.x` it refers to, that local's value and that
 * variable's default, followed transitively: what an expression can evaluate to, as far as the
 * configuration alone tells (tfvars may still set other values, which variable validation covers).
 */
export function withReferencedValues(config: TerraformConfig, value: unknown): unknown[] {
  const values: unknown[] = [value];
  const seen = new Set<string>();
  for (let i = 0; i < values.length; i++) {
    for (const s of stringsIn(values[i])) {
      for (const [, kind, name] of s.matchAll(/(?<![\w.])(local|var)\.([\w-]+)/g)) {
        const key = `${kind}.${name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (kind === "local" && config.locals && name in config.locals) values.push(config.locals[name]);
        if (kind === "var" && config.variable?.[name]?.default !== undefined) values.push(config.variable[name].default);
      }
    }
  }
  return values;
}
