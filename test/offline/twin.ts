import * as fs from "node:fs";
import * as path from "node:path";
import type { TerraformJson } from "../support/synth";
import { type KnownBlocks, type Reference, referencedNames, rewriteExpression, rewriteTemplate } from "./hcl-references";
import { ACCOUNT, BLOCK_RULES } from "./stand-ins";

/**
 * The provider-free twin of a synthesized configuration: Terraform itself evaluates every expression, count,
 * for_each, depends_on, condition and output, plans and applies, with no provider to download.
 *
 * - Each resource becomes `terraform_data.<type>__<name>` whose `input` holds its arguments (plus `tags_all`,
 *   the provider's default tags merged with its own, for taggable types), and whose `triggers_replace` holds the
 *   arguments that replace the real resource (stand-ins.ts; `user_data` with `user_data_replace_on_change`).
 * - Computed attributes that something refers to come from a companion `terraform_data.<type>__<name>__computed`
 *   whose input is the stand-ins and which is replaced with its resource: so, as with a real provider, they are
 *   unknown while the resource is created or replaced and known across an in-place update.
 * - Each data source becomes `data.terraform_remote_state.<type>__<name>` reading an empty local state, its
 *   arguments and stand-ins given as `defaults`: Terraform reads it during plan, or defers it to apply exactly
 *   when it would defer the real one (unknown arguments, or pending changes in a resource it refers to).
 * - Provisioners only record their environment in `provisioner-records/`.
 * - `moved` blocks move the twin resources (and their companions) as Terraform would move the resources; `check`
 *   blocks stay checks, a scoped data source becoming a remote state like the others; `import` blocks are checked
 *   and left out (validateImports).
 */
export interface Twin {
  /** The configuration, as main.tf.json. */
  readonly json: Record<string, unknown>;
  /** Files the configuration reads, by path relative to its folder. */
  readonly files: Record<string, string>;
}

/** Twin resources are named `<type>__<name>`; their companions add this suffix. */
export const COMPUTED_SUFFIX = "__computed";
export const RECORDS_DIR = "provisioner-records";
const EMPTY_STATE = "empty.tfstate";

/**
 * The synthesized address a twin resource stands for, e.g. `aws_s3_bucket.recordings` (Terraform's own resources
 * stand for themselves), or undefined for companions.
 */
export function originalAddress(twinType: string, twinName: string, mode: "managed" | "data"): string | undefined {
  if (mode === "managed" && (twinType !== "terraform_data" || twinName.endsWith(COMPUTED_SUFFIX))) return undefined;
  const split = twinName.indexOf("__");
  if (split < 0) return `${twinType}.${twinName}`;
  const address = `${twinName.slice(0, split)}.${twinName.slice(split + 2)}`;
  return mode === "data" ? `data.${address}` : address;
}

const twinName = (type: string, name: string) => `${type}__${name}`;
/** Terraform's own resource types: kept as they are, they need no provider. */
const BUILTIN_TYPES = new Set(["terraform_data"]);
const META_ARGUMENTS = new Set(["count", "for_each", "depends_on", "lifecycle", "provider", "provisioner", "connection"]);

type Body = Record<string, any>;

/** Top-level blocks the twin understands; anything else (modules) fails loudly. */
const TOP_LEVEL = new Set([
  "terraform",
  "provider",
  "variable",
  "locals",
  "output",
  "resource",
  "data",
  "moved",
  "check",
  "import",
]);

/** The blocks of the synthesized configuration that TerraformJson leaves untyped. */
interface MoreBlocks {
  /** `{ from, to }` addresses; in JSON a list of blocks or a single one. */
  readonly moved?: Body | Body[];
  /** By check name: `assert` (a list of blocks or one) and at most one scoped `data` source. */
  readonly check?: Record<string, Body>;
  /** `{ to, id, for_each?, provider? }`; in JSON a list of blocks or a single one. */
  readonly import?: Body | Body[];
}

export function providerFreeTwin(config: TerraformJson): Twin {
  const unknownBlocks = Object.keys(config).filter((key) => !TOP_LEVEL.has(key));
  if (unknownBlocks.length > 0) {
    throw new Error(`the provider-free twin does not handle the top-level block(s) ${unknownBlocks.join(", ")} yet`);
  }
  const more = config as unknown as MoreBlocks;
  const resources = config.resource ?? {};
  const data = config.data ?? {};
  const checks = more.check ?? {};
  // Data sources scoped to a check share the module's namespace (Terraform refuses a duplicate name), so they are
  // looked up with the others; Terraform itself refuses references to them from outside their check.
  const scopedData: Record<string, Record<string, Body>> = {};
  for (const check of Object.values(checks)) {
    for (const [type, byName] of Object.entries((check.data ?? {}) as Record<string, Record<string, Body>>)) {
      scopedData[type] = { ...scopedData[type], ...byName };
    }
  }
  const dataSource = (type: string, name: string): Body | undefined => data[type]?.[name] ?? scopedData[type]?.[name];
  const known: KnownBlocks = {
    managed: (type, name) => !BUILTIN_TYPES.has(type) && resources[type]?.[name] !== undefined,
    data: (type, name) => dataSource(type, name) !== undefined,
  };
  validateImports(blockList(more.import), resources, (config.locals ?? {}) as Record<string, unknown>);
  const region = providerRegion(config);
  const arguments_ = (mode: "managed" | "data", type: string, name: string): Body =>
    (mode === "data" ? dataSource(type, name) : resources[type][name]) as Body;
  const isConfigured = (mode: "managed" | "data", type: string, name: string, attribute: string) =>
    !META_ARGUMENTS.has(attribute) && arguments_(mode, type, name)[attribute] !== undefined;

  const rulesOf = (mode: "managed" | "data", type: string) => {
    const key = mode === "data" ? `data.${type}` : type;
    const rules = BLOCK_RULES[key];
    if (!rules) {
      throw new Error(
        `test/offline/stand-ins.ts has no entry for ${key}: add its computed attributes the configuration refers to ` +
          `and, for a resource, the arguments that replace it (the AWS provider's "forces new resource").`,
      );
    }
    return rules;
  };
  const standIn = (mode: "managed" | "data", type: string, attribute: string, where: string): void => {
    if (rulesOf(mode, type).computed?.[attribute] === undefined) {
      const key = mode === "data" ? `data.${type}` : type;
      throw new Error(
        `test/offline/stand-ins.ts has no stand-in for the computed attribute ${key}.${attribute} ` +
          `(referred to by ${where}): add one to BLOCK_RULES["${key}"].computed.`,
      );
    }
  };

  // Resources whose computed attributes something refers to get a companion.
  const withCompanion = new Set<string>();

  /** The rewriter for expressions inside `where` (a block address, or "output x"/"local x"). */
  const rewriterFor = (where: string, self?: { mode: "managed" | "data"; type: string; name: string }) => (ref: Reference) => {
    if (ref.mode === "self") {
      if (!self) throw new Error(`"self" outside a resource in ${where}`);
      if (ref.attribute === undefined) throw new Error(`"self" without an attribute in ${where}`);
      if (self.mode === "data") return `self.outputs.${ref.attribute}`;
      if (isConfigured("managed", self.type, self.name, ref.attribute)) return `self.input.${ref.attribute}`;
      // The twin's own id: unknown until created and replaced with it, like the resource's.
      if (ref.attribute === "id") return "self.id";
      throw new Error(`${where} refers to self.${ref.attribute}, a computed attribute the twin cannot give "self"`);
    }
    const name = twinName(ref.type, ref.name);
    if (ref.mode === "data") {
      if (ref.attribute !== undefined && !isConfigured("data", ref.type, ref.name, ref.attribute)) {
        standIn("data", ref.type, ref.attribute, where);
      }
      const tail = ref.attribute === undefined ? "" : `.outputs.${ref.attribute}`;
      return `data.terraform_remote_state.${name}${ref.index}${tail}`;
    }
    if (ref.attribute === undefined) return `terraform_data.${name}${ref.index}`;
    if (isConfigured("managed", ref.type, ref.name, ref.attribute)) {
      return `terraform_data.${name}${ref.index}.input.${ref.attribute}`;
    }
    standIn("managed", ref.type, ref.attribute, where);
    withCompanion.add(`${ref.type}.${ref.name}`);
    return `terraform_data.${name}${COMPUTED_SUFFIX}${ref.index}.output.${ref.attribute}`;
  };

  /** Rewrites every string in a JSON value as a template. */
  const rewriteValue = (value: unknown, rewrite: (ref: Reference) => string | undefined): unknown => {
    if (typeof value === "string") return rewriteTemplate(value, known, rewrite);
    if (Array.isArray(value)) return value.map((item) => rewriteValue(item, rewrite));
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteValue(v, rewrite)]));
    }
    return value;
  };

  /** `depends_on` entries are bare addresses. */
  const rewriteDependsOn = (entries: unknown, where: string, extra: string[] = []): string[] | undefined => {
    const rewritten = ((entries as string[] | undefined) ?? []).map((entry) =>
      rewriteExpression(entry, known, rewriterFor(where)),
    );
    const all = [...new Set([...rewritten, ...extra])];
    return all.length > 0 ? all : undefined;
  };

  /** Managed resources an expression tree refers to directly, as twin addresses. */
  const managedReferences = (value: unknown): string[] => {
    const found: string[] = [];
    rewriteValue(value, (ref) => {
      if (ref.mode === "managed") found.push(`terraform_data.${twinName(ref.type, ref.name)}`);
      return undefined;
    });
    return found;
  };

  /** A stand-in value with its placeholders filled, as a JSON value holding templates. */
  const fillStandIn = (value: unknown, self: Body, where: string): unknown => {
    if (typeof value === "string") {
      const whole = /^<self\.(\w+)>$/.exec(value);
      if (whole) return selfArgument(self, whole[1], where);
      return value
        .replaceAll("<region>", region)
        .replaceAll("<account>", ACCOUNT)
        .replace(/<self\.(\w+)>/g, (_, argument: string) => {
          const configured = selfArgument(self, argument, where);
          if (typeof configured !== "string")
            throw new Error(`stand-in for ${where} uses <self.${argument}>, which is not a string`);
          return configured;
        });
    }
    if (Array.isArray(value)) return value.map((item) => fillStandIn(item, self, where));
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillStandIn(v, self, where)]));
    }
    return value;
  };

  const resourceTwins: Record<string, Body> = {};
  const dataTwins: Record<string, Body> = {};

  for (const [type, byName] of Object.entries(resources)) {
    if (BUILTIN_TYPES.has(type)) {
      for (const [name, body] of Object.entries(byName as Record<string, Body>)) {
        const address = `${type}.${name}`;
        const { depends_on: dependsOn, ...rest } = body;
        resourceTwins[name] = definedOnly({
          ...(rewriteValue(rest, rewriterFor(address)) as Body),
          depends_on: rewriteDependsOn(dependsOn, address),
        });
      }
      continue;
    }
    const rules = rulesOf("managed", type);
    const defaultTags = defaultTagsOf(config, type);
    for (const [name, body] of Object.entries(byName as Record<string, Body>)) {
      const address = `${type}.${name}`;
      const rewrite = rewriterFor(address, { mode: "managed", type, name });
      const input: Body = {};
      for (const [argument, value] of Object.entries(body)) {
        if (!META_ARGUMENTS.has(argument) && argument !== "dynamic") input[argument] = value;
      }
      for (const [block, spec] of Object.entries((body.dynamic ?? {}) as Record<string, Body>)) {
        input[block] = dynamicBlockAsList(spec, block);
      }
      if (defaultTags !== undefined) input.tags_all = `\${merge(${defaultTags}, ${toHcl(body.tags ?? {})})}`;
      const replacing = [...(rules.replacedBy ?? []), ...(body.user_data_replace_on_change === true ? ["user_data"] : [])];
      const triggers = Object.fromEntries(replacing.filter((a) => body[a] !== undefined).map((a) => [a, body[a]]));
      const lifecycle = body.lifecycle ?? {};
      const ignored = (lifecycle.ignore_changes as string[] | undefined) ?? [];
      const twin: Body = {
        count: body.count,
        for_each: body.for_each,
        input,
        triggers_replace: Object.keys(triggers).length > 0 ? triggers : undefined,
        lifecycle: definedOnly({
          create_before_destroy: lifecycle.create_before_destroy,
          prevent_destroy: lifecycle.prevent_destroy,
          ignore_changes:
            ignored.length === 0
              ? undefined
              : ignored.flatMap((a) =>
                  a === "all" ? ["all"] : [`input.${a}`, ...(a in triggers ? [`triggers_replace.${a}`] : [])],
                ),
          replace_triggered_by: lifecycle.replace_triggered_by,
          precondition: lifecycle.precondition,
          postcondition: lifecycle.postcondition,
        }),
        provisioner: body.provisioner ? recordingProvisioners(body.provisioner, twinName(type, name)) : undefined,
      };
      const rewritten = rewriteValue(definedOnly(twin), rewrite) as Body;
      if (lifecycle.replace_triggered_by) {
        rewritten.lifecycle.replace_triggered_by = (lifecycle.replace_triggered_by as string[]).map((e) =>
          rewriteExpression(e, known, rewrite),
        );
      }
      const dependsOn = rewriteDependsOn(body.depends_on, address);
      if (dependsOn) rewritten.depends_on = dependsOn;
      resourceTwins[twinName(type, name)] = rewritten;
    }
  }

  /** A data source (top-level or scoped to a check) as a remote state reading an empty state. */
  const dataTwinOf = (type: string, name: string, body: Body): Body => {
    const rules = rulesOf("data", type);
    const address = `data.${type}.${name}`;
    const rewrite = rewriterFor(address, { mode: "data", type, name });
    const configured: Body = {};
    for (const [argument, value] of Object.entries(body)) {
      if (!META_ARGUMENTS.has(argument)) configured[argument] = value;
    }
    const standIns = fillStandIn(rules.computed ?? {}, body, address) as Body;
    const lifecycle = body.lifecycle ?? {};
    const twin = definedOnly({
      count: body.count,
      for_each: body.for_each,
      backend: "local",
      config: { path: `\${path.root}/${EMPTY_STATE}` },
      defaults: { ...standIns, ...configured },
      lifecycle: definedOnly({ precondition: lifecycle.precondition, postcondition: lifecycle.postcondition }),
    });
    const rewritten = rewriteValue(twin, rewrite) as Body;
    // A data source waits for the resources it refers to, as if they were in its depends_on: keep that explicit so
    // references moved to a companion still wait on the resource itself.
    const { depends_on: declared, ...referring } = body;
    const dependsOn = rewriteDependsOn(declared, address, managedReferences(referring));
    if (dependsOn) rewritten.depends_on = dependsOn;
    return rewritten;
  };

  for (const [type, byName] of Object.entries(data)) {
    for (const [name, body] of Object.entries(byName as Record<string, Body>)) {
      dataTwins[twinName(type, name)] = dataTwinOf(type, name, body);
    }
  }

  const locals = rewriteValue(config.locals ?? {}, rewriterFor("locals"));
  const outputs = Object.fromEntries(
    Object.entries(config.output ?? {}).map(([name, output]) => {
      const { depends_on: dependsOn, ...rest } = output as Body;
      const rewritten = rewriteValue(rest, rewriterFor(`output ${name}`)) as Body;
      return [name, definedOnly({ ...rewritten, depends_on: rewriteDependsOn(dependsOn, `output ${name}`) })];
    }),
  );

  // Checks need no provider: Terraform evaluates their assertions at plan and apply and reports a failed one as a
  // warning. Their scoped data source stays scoped, so that it too only warns when it fails.
  const checkTwins = Object.fromEntries(
    Object.entries(checks).map(([name, check]) => {
      const { data: scoped, ...rest } = check;
      const rewritten = rewriteValue(rest, rewriterFor(`check ${name}`)) as Body;
      if (scoped !== undefined) {
        const twins = Object.entries(scoped as Record<string, Record<string, Body>>).flatMap(([type, byName]) =>
          Object.entries(byName).map(([source, body]) => [twinName(type, source), dataTwinOf(type, source, body)]),
        );
        rewritten.data = { terraform_remote_state: Object.fromEntries(twins) };
      }
      return [name, rewritten];
    }),
  );

  // Companions last: only now is it known which resources need one.
  for (const address of [...withCompanion].sort()) {
    const [type, name] = address.split(".");
    const body = resources[type][name] as Body;
    const main = twinName(type, name);
    const key = body.for_each !== undefined ? "[each.key]" : body.count !== undefined ? "[count.index]" : "";
    const companion = definedOnly({
      count: body.count,
      for_each: body.for_each,
      input: fillStandIn(BLOCK_RULES[type].computed ?? {}, body, address),
      triggers_replace: `\${terraform_data.${main}${key}.id}`,
    });
    resourceTwins[`${main}${COMPUTED_SUFFIX}`] = rewriteValue(companion, rewriterFor(address)) as Body;
  }

  // Moves last: each resource that has a companion moves it along, so its stand-ins stay known and nothing is
  // replaced. A move whose `from` is not in the state is a no-op to Terraform, so it can be emitted unconditionally.
  const moved = blockList(more.moved).flatMap((block) => {
    const from = movedAddress(block.from, "from");
    const to = movedAddress(block.to, "to");
    if (from.type !== to.type) {
      throw new Error(
        `moved from ${block.from} to ${block.to}: a move across resource types depends on the provider, which the twin ` +
          "cannot ask; the twin moves within a type only",
      );
    }
    const twinOf = (a: typeof from, suffix = "") =>
      BUILTIN_TYPES.has(a.type)
        ? `${a.type}.${a.name}${a.index}`
        : `terraform_data.${twinName(a.type, a.name)}${suffix}${a.index}`;
    const moves = [{ from: twinOf(from), to: twinOf(to) }];
    if (withCompanion.has(`${to.type}.${to.name}`)) {
      moves.push({ from: twinOf(from, COMPUTED_SUFFIX), to: twinOf(to, COMPUTED_SUFFIX) });
    }
    return moves;
  });

  const { required_providers: _providers, backend: _backend, ...terraform } = config.terraform as Body;
  const json = definedOnly({
    terraform,
    variable: config.variable,
    locals,
    output: outputs,
    resource: Object.keys(resourceTwins).length > 0 ? { terraform_data: resourceTwins } : undefined,
    data: Object.keys(dataTwins).length > 0 ? { terraform_remote_state: dataTwins } : undefined,
    check: checkTwins,
    moved: moved.length > 0 ? moved : undefined,
  });
  const emptyState = { version: 4, terraform_version: "1.11.4", serial: 1, lineage: "twin", outputs: {}, resources: [] };
  return { json, files: { [EMPTY_STATE]: `${JSON.stringify(emptyState)}\n` } };
}

/** Writes the twin's files into a folder. */
export function writeTwin(twin: Twin, dir: string): void {
  fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(twin.json, null, 2));
  for (const [file, text] of Object.entries(twin.files)) fs.writeFileSync(path.join(dir, file), text);
}

/** A block type without labels, which Terraform's JSON syntax accepts as one object or a list of them. */
function blockList(blocks: Body | Body[] | undefined): Body[] {
  if (blocks === undefined) return [];
  return Array.isArray(blocks) ? blocks : [blocks];
}

/** Resource address syntax, `type.name` with an optional instance key: `[0]`, `["key"]`, `[each.key]`. */
const RESOURCE_ADDRESS = /^([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)(\[.+\])?$/;

/**
 * A `moved` address. Terraform reads it as a static reference, not a template (`${...}` is refused), and only for
 * managed resources or modules; the twin has no modules.
 */
function movedAddress(address: unknown, side: "from" | "to"): { type: string; name: string; index: string } {
  const match = typeof address === "string" ? RESOURCE_ADDRESS.exec(address) : null;
  if (!match || match[1] === "module" || match[1] === "data") {
    throw new Error(`moved ${side} ${JSON.stringify(address)}: the twin moves resources and their instances only`);
  }
  return { type: match[1], name: match[2], index: match[3] ?? "" };
}

/** What an import's id and for_each may refer to: what Terraform knows before it plans anything. */
const PLANNABLE_ROOTS = new Set(["var", "local"]);

/**
 * `import` blocks, checked and then left out of the twin. terraform_data can be imported, but only as an object
 * without input: the twin would plan an update (a replacement, with triggers_replace) and a new companion where
 * the provider would read the real object. So the twin refuses what Terraform refuses before it asks the
 * provider (a target that is no resource of the configuration, an instance key that does not fit its count or
 * for_each, `each` without for_each) and what could fail or mislead at some plan: an import with for_each must
 * name each instance by `each` (otherwise Terraform 1.11 imports one of them and says nothing), and its id and
 * for_each may refer only to variables and locals made of them. Terraform also admits attributes of resources
 * already deployed, but refuses them while they are unknown, as they are at the first deployment.
 */
function validateImports(imports: Body[], resources: TerraformJson["resource"], locals: Record<string, unknown>): void {
  /** Throws unless every reference in `value` is a variable, `each` if allowed, or a local made of variables. */
  const plannable = (value: unknown, where: string, allowEach: boolean, seen: Set<string>): void => {
    for (const text of stringsIn(value)) {
      for (const name of referencedNames(text)) {
        const [root, key] = name.split(".");
        if (root === "each" && allowEach) continue;
        if (!PLANNABLE_ROOTS.has(root)) {
          throw new Error(
            `${where} refers to ${name}, which Terraform may not know while planning: an import's id and for_each ` +
              `may refer to variables${allowEach ? ", each" : ""} and locals made of variables only`,
          );
        }
        if (root === "local" && !seen.has(key)) {
          seen.add(key);
          if (!(key in locals)) throw new Error(`${where} refers to ${name}, which the configuration does not define`);
          plannable(locals[key], `${where} through ${name}`, false, seen);
        }
      }
    }
  };
  for (const block of imports) {
    const unexpected = Object.keys(block).filter((key) => !["to", "id", "for_each", "provider"].includes(key));
    if (unexpected.length > 0) throw new Error(`import block ${JSON.stringify(block)}: unexpected ${unexpected.join(", ")}`);
    const where = `import to ${block.to}`;
    const match = typeof block.to === "string" ? RESOURCE_ADDRESS.exec(block.to) : null;
    if (!match || match[1] === "module" || match[1] === "data") {
      throw new Error(`${where}: "to" must be a managed resource of the configuration, or one of its instances`);
    }
    const [, type, name, index] = match;
    const target = resources[type]?.[name];
    if (target === undefined) throw new Error(`${where}: the configuration has no resource ${type}.${name}`);
    const repeated = block.for_each !== undefined;
    const instanceKey = index?.slice(1, -1);
    if (instanceKey === undefined) {
      if (target.count !== undefined || target.for_each !== undefined) {
        throw new Error(`${where}: ${type}.${name} has count or for_each, so "to" must name one of its instances`);
      }
      if (repeated) throw new Error(`${where}: an import with for_each must name each instance by each.key or each.value`);
    } else if (/^\d+$/.test(instanceKey)) {
      if (target.count === undefined) throw new Error(`${where}: ${type}.${name} has no count to index by ${instanceKey}`);
    } else if (/^"[^"]*"$/.test(instanceKey)) {
      if (target.for_each === undefined) throw new Error(`${where}: ${type}.${name} has no for_each to key by ${instanceKey}`);
    } else {
      if (!repeated) throw new Error(`${where}: an instance key that is an expression needs the import's for_each`);
      if (target.count === undefined && target.for_each === undefined) {
        throw new Error(`${where}: ${type}.${name} has neither count nor for_each`);
      }
      plannable(`\${${instanceKey}}`, `${where} (its instance key)`, true, new Set());
    }
    if (typeof block.id !== "string") throw new Error(`${where}: "id" must be a string`);
    plannable(block.id, `${where} (its id)`, repeated, new Set());
    if (repeated) plannable(block.for_each, `${where} (its for_each)`, false, new Set());
  }
}

/** Every string in a JSON value. */
function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}

/** The expression of the provider's region (`var.region`), the only provider setting stand-ins use. */
function providerRegion(config: TerraformJson): string {
  const region = config.provider?.aws?.[0]?.region;
  if (typeof region !== "string") throw new Error("the synthesized configuration has no aws provider block with a region");
  return region;
}

/** For a taggable resource type, the provider's default tags as HCL ("{}" when none); undefined when untaggable. */
function defaultTagsOf(config: TerraformJson, type: string): string | undefined {
  const provider = type.slice(0, type.indexOf("_"));
  if (!providerSupportsTagsAll(provider, type)) return undefined;
  const block = config.provider?.[provider]?.[0] as Body | undefined;
  const tags = block?.default_tags?.[0]?.tags;
  return tags === undefined ? "{}" : toHcl(tags);
}

/** Whether the resource type has `tags_all`, from the cdktf provider bindings (generated from the provider schema). */
function providerSupportsTagsAll(provider: string, type: string): boolean {
  const folder = type.slice(provider.length + 1).replaceAll("_", "-");
  const file = require.resolve(`@cdktf/provider-${provider}/lib/${folder}/index.js`);
  const source = fs.readFileSync(file, "utf8");
  if (!source.includes(`tfResourceType = "${type}"`)) throw new Error(`${file} does not define ${type}`);
  return source.includes("'tags_all'");
}

/**
 * A `dynamic` block as the list of blocks Terraform would generate: a for expression over its for_each, with the
 * iterator's key and value as the for expression's variables.
 */
function dynamicBlockAsList(spec: Body, block: string): string {
  const iterator = (spec.iterator as string | undefined) ?? block;
  const forEach = /^\$\{([\s\S]*)\}$/.exec(spec.for_each as string)?.[1];
  if (forEach === undefined) throw new Error(`dynamic "${block}": for_each ${spec.for_each} is not one expression`);
  const content = toHcl(spec.content)
    .replace(new RegExp(`\\b${iterator}\\.key\\b`, "g"), "dynamic_key")
    .replace(new RegExp(`\\b${iterator}\\.value\\b`, "g"), "dynamic_value");
  return `\${[for dynamic_key, dynamic_value in ${forEach} : ${content}]}`;
}

/** A JSON value of the synthesized configuration as an HCL expression. */
function toHcl(value: unknown): string {
  if (typeof value === "string") {
    const whole = /^\$\{([\s\S]*)\}$/.exec(value);
    if (whole && !whole[1].includes("${")) return `(${whole[1]})`;
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(toHcl).join(", ")}]`;
  if (value && typeof value === "object") {
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)} = ${toHcl(v)}`)
      .join(", ")} }`;
  }
  return JSON.stringify(value);
}

function selfArgument(self: Body, argument: string, where: string): unknown {
  if (self[argument] === undefined || META_ARGUMENTS.has(argument)) {
    throw new Error(`a stand-in for ${where} uses <self.${argument}>, but ${where} does not set ${argument}`);
  }
  return self[argument];
}

/** Provisioners that only record their environment (and which script they stand for) in a file. */
function recordingProvisioners(provisioners: Body[], name: string): Body[] {
  return provisioners.map((provisioner) => {
    const [[kind, settings]] = Object.entries(provisioner) as [string, Body][];
    const when = settings.when === "destroy" ? "destroy" : "create";
    const file = `\${path.root}/${RECORDS_DIR}/${name}.${when}.\${self.id}.env`;
    return {
      "local-exec": definedOnly({
        command: `mkdir -p "\${path.root}/${RECORDS_DIR}" && env > "${file}"`,
        environment: { ...(settings.environment ?? {}), TWIN_PROVISIONER: `${kind}: ${settings.command ?? ""}` },
        when: settings.when,
        on_failure: settings.on_failure,
      }),
    };
  });
}

function definedOnly<T extends Body>(body: T): T {
  return Object.fromEntries(
    Object.entries(body).filter(([, v]) => v !== undefined && !(isPlainObject(v) && Object.keys(v).length === 0)),
  ) as T;
}

const isPlainObject = (v: unknown): v is Body => typeof v === "object" && v !== null && !Array.isArray(v);
