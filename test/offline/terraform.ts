import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { synthesizeStack } from "../support/synth";
import { COMPUTED_SUFFIX, originalAddress, providerFreeTwin, RECORDS_DIR, type Twin, writeTwin } from "./twin";

let twin: Twin | undefined;

/** The twin of the synthesized stack, built once per test file. */
export function stackTwin(): Twin {
  twin ??= providerFreeTwin(synthesizeStack());
  return twin;
}

/** A folder holding the twin, with Terraform run the way CI runs it: offline, no prompts, nothing shared. */
export class TwinWorkspace {
  readonly dir: string;
  private readonly env: NodeJS.ProcessEnv;

  /** Writes the twin (the stack's by default) to a new temporary folder and runs `terraform init` there. */
  constructor(twin: Twin = stackTwin()) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "twin-"));
    writeTwin(twin, this.dir);
    const cliConfig = path.join(this.dir, "terraformrc");
    fs.writeFileSync(cliConfig, "");
    this.env = {
      PATH: process.env.PATH,
      HOME: this.dir,
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_DATA_DIR: path.join(this.dir, ".terraform"),
      TF_PLUGIN_CACHE_DIR: path.join(this.dir, "plugins"),
      TF_IN_AUTOMATION: "1",
      CHECKPOINT_DISABLE: "1",
    };
    fs.mkdirSync(this.env.TF_PLUGIN_CACHE_DIR as string);
    this.terraform(["init", "-input=false", "-no-color"]);
  }

  /** Applies with these variables; fails with Terraform's own message. */
  apply(tfvars: Record<string, unknown>): void {
    this.terraform(["apply", "-auto-approve", "-input=false", "-no-color", "-lock=false", this.varFile(tfvars)]);
  }

  /** Plans with these variables: each resource change by synthesized address, with its actions, and each output's. */
  plan(tfvars: Record<string, unknown>): PlannedChange[] {
    this.terraform(["plan", "-input=false", "-no-color", "-lock=false", "-out=twin.tfplan", this.varFile(tfvars)]);
    const plan = JSON.parse(this.terraform(["show", "-json", "twin.tfplan"]));
    const resources = (plan.resource_changes ?? []).flatMap((change: any) => {
      const address = originalAddress(change.type, change.name, change.mode);
      return address ? [{ address: `${address}${indexOf(change.index)}`, actions: change.change.actions as string[] }] : [];
    });
    const outputs = Object.entries(plan.output_changes ?? {}).map(([name, change]: [string, any]) => ({
      address: `output.${name}`,
      actions: change.actions as string[],
      unknown: change.after_unknown === true,
    }));
    return [...resources, ...outputs];
  }

  /** Why Terraform refuses to plan `tfvars`, with white space folded; "" when the plan succeeds. */
  planRefusal(tfvars: Record<string, unknown>): string {
    try {
      this.plan(tfvars);
      return "";
    } catch (error) {
      return String((error as Error).message).replace(/\s+/g, " ");
    }
  }

  /** The applied state: every resource and data source instance by synthesized address, with its arguments. */
  state(): AppliedState {
    const shown = JSON.parse(this.terraform(["show", "-json"]));
    const instances = new Map<string, Record<string, any>>();
    for (const resource of shown.values?.root_module?.resources ?? []) {
      const address = originalAddress(resource.type, resource.name, resource.mode);
      if (!address) continue;
      const values = resource.values;
      const argumentsOf =
        resource.mode === "data"
          ? values.outputs
          : resource.type === "terraform_data" && resource.name.includes("__")
            ? values.input
            : values;
      instances.set(`${address}${indexOf(resource.index)}`, argumentsOf ?? {});
    }
    const outputs = Object.fromEntries(Object.entries(shown.values?.outputs ?? {}).map(([k, v]: [string, any]) => [k, v.value]));
    return { instances, outputs };
  }

  /** Environments the provisioners recorded, by file name (`<type>__<name>.<create|destroy>.<id>.env`). */
  provisionerRecords(): Record<string, Record<string, string>> {
    const dir = path.join(this.dir, RECORDS_DIR);
    if (!fs.existsSync(dir)) return {};
    return Object.fromEntries(
      fs.readdirSync(dir).map((file) => {
        const lines = fs.readFileSync(path.join(dir, file), "utf8").split("\n").filter(Boolean);
        return [
          file,
          Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)])),
        ];
      }),
    );
  }

  /**
   * Plans with these variables and returns Terraform's warnings, failed check assertions among them, as
   * "<address>: <summary>: <detail>" with white space folded.
   */
  planWarnings(tfvars: Record<string, unknown>): string[] {
    const lines = this.terraform(["plan", "-json", "-input=false", "-lock=false", this.varFile(tfvars)]);
    return lines
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .filter((message) => message.type === "diagnostic" && message.diagnostic.severity === "warning")
      .map(({ diagnostic }) =>
        `${diagnostic.address ?? diagnostic.snippet?.context}: ${diagnostic.summary}: ${diagnostic.detail}`.replace(/\s+/g, " "),
      );
  }

  /**
   * `terraform state rm` of resource instances by synthesized address (`aws_chime_voice_connector_streaming.given["<id>"]`
   * stands for the twin's `terraform_data.aws_chime_voice_connector_streaming__given["<id>"]`), with their companions:
   * Terraform forgets them without destroying them.
   */
  stateRm(...addresses: string[]): void {
    const inState = this.stateList();
    const twinAddresses = addresses.flatMap((address) => {
      const found = twinInstances(address).filter((a) => inState.has(a));
      if (found.length === 0) throw new Error(`${address} is not in the state (${twinInstances(address)[0]})`);
      return found;
    });
    this.terraform(["state", "rm", "-lock=false", ...twinAddresses]);
  }

  /**
   * `terraform state mv` of a resource instance by synthesized address, with its companion: e.g. to give the state
   * the address a resource had in an earlier version of the configuration.
   */
  stateMv(from: string, to: string): void {
    const inState = this.stateList();
    const moves = twinInstances(from)
      .map((twin, i): [string, string] => [twin, twinInstances(to)[i]])
      .filter(([twin]) => inState.has(twin));
    if (moves.length === 0) throw new Error(`${from} is not in the state (${twinInstances(from)[0]})`);
    for (const [source, destination] of moves) this.terraform(["state", "mv", "-lock=false", source, destination]);
  }

  private stateList(): Set<string> {
    return new Set(this.terraform(["state", "list"]).split("\n").filter(Boolean));
  }

  /** Takes over another workspace's state, as a changed configuration meets the deployed one. */
  adoptStateOf(other: TwinWorkspace): void {
    fs.copyFileSync(path.join(other.dir, "terraform.tfstate"), path.join(this.dir, "terraform.tfstate"));
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private varFile(tfvars: Record<string, unknown>): string {
    const file = path.join(this.dir, "mode.tfvars.json");
    fs.writeFileSync(file, JSON.stringify(tfvars));
    return `-var-file=${file}`;
  }

  private terraform(args: string[]): string {
    const run = spawnSync("terraform", args, { cwd: this.dir, env: this.env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (run.status !== 0) throw new Error(`terraform ${args[0]} failed in ${this.dir}:\n${run.stdout}${run.stderr}`);
    return run.stdout;
  }
}

/** The twin instance addresses (the resource's, its companion's) that a synthesized instance address stands for. */
function twinInstances(address: string): [string, string] {
  const match = /^([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)(\[.+\])?$/.exec(address);
  if (!match) throw new Error(`${address} is not a resource address`);
  const [, type, name, index = ""] = match;
  const twin = `terraform_data.${type}__${name}`;
  return [`${twin}${index}`, `${twin}${COMPUTED_SUFFIX}${index}`];
}

/** The stack's twin applied with these variables in a workspace of its own, which is removed after: its state. */
export function appliedStackTwin(tfvars: Record<string, unknown>): AppliedState {
  const workspace = new TwinWorkspace();
  try {
    workspace.apply(tfvars);
    return workspace.state();
  } finally {
    workspace.remove();
  }
}

/** A planned change of a resource (by synthesized address) or of an output (`output.<name>`). */
export interface PlannedChange {
  readonly address: string;
  readonly actions: string[];
  /** For outputs: whether the value is known only after apply. */
  readonly unknown?: boolean;
}

export interface AppliedState {
  /** Arguments (and stand-in attributes for data sources) by instance address, e.g. `aws_instance.pbx[0]`. */
  readonly instances: Map<string, Record<string, any>>;
  readonly outputs: Record<string, unknown>;
}

/** Addresses without instance keys, sorted and distinct: the resource set of a mode. */
export const blocksOf = (state: AppliedState): string[] =>
  [...new Set([...state.instances.keys()].map((address) => address.replace(/\[.*\]$/, "")))].sort();

const indexOf = (index: unknown): string => (index === undefined ? "" : `[${JSON.stringify(index)}]`);

/** Terraform's version, to say which binary the figures were measured with. */
export const terraformVersion = (): string =>
  JSON.parse(
    execFileSync("terraform", ["version", "-json"], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, CHECKPOINT_DISABLE: "1" },
    }),
  ).terraform_version;
