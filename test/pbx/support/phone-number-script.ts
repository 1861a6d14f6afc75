import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PHONE_NUMBER_SCRIPT } from "../../../stacks/connector/phone-number";
import { type AwsSandbox, awsSandbox, commandPath } from "../../support/aws-sandbox";
import { type ErrorCodePlacement, type ModelEndpoint, startModelEndpoint } from "../../support/model-endpoint";
import {
  PARAMETER_NAME,
  type PhoneNumberWorld,
  type PhoneNumberWorldOptions,
  phoneNumberWorld,
  VOICE_CONNECTOR_ID,
} from "./phone-number-service";

export { PARAMETER_NAME, VOICE_CONNECTOR_ID };

/**
 * The real AWS CLI's own executable. A pyenv shim needs pyenv on PATH, so it is resolved to the
 * interpreter-bound script it runs; the CLI v2 resolves to its installed binary.
 */
function realAwsCli(): string {
  const found = commandPath("aws");
  const head = Buffer.alloc(512);
  const fd = fs.openSync(found, "r");
  fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  if (!head.toString("latin1").includes("pyenv")) return fs.realpathSync(found);
  const resolved = spawnSync("pyenv", ["which", "aws"], { encoding: "utf8" }).stdout.trim();
  if (!resolved) throw new Error(`${found} is a pyenv shim, and pyenv cannot say which aws it runs`);
  return resolved;
}

export const AWS_CLI = realAwsCli();
// What the script runs besides the CLI: sleep to poll, mktemp and rm for the CLI's stderr.
const TOOLS = { bash: commandPath("bash"), sleep: commandPath("sleep"), mktemp: commandPath("mktemp"), rm: commandPath("rm") };
export const TERRAFORM = commandPath("terraform");

/** How the sandbox's `aws` behaves: the real CLI, the real CLI after a warning on stderr, or none. */
export type AwsCli = "real" | "warning" | "absent";

/** A sandbox with the tools the script runs; its AWS CLI talks to `endpoint` only. */
export function phoneNumberSandbox(endpoint: string, aws: AwsCli = "real"): AwsSandbox {
  const sandbox = awsSandbox({ ...TOOLS, ...(aws === "real" ? { aws: AWS_CLI } : {}) }, endpoint);
  if (aws === "warning") {
    // CLIs warn on stderr on successful calls too (deprecations, Python's own warnings): the same
    // real CLI, with a warning every time whatever its version.
    fs.writeFileSync(
      path.join(sandbox.dir, "bin", "aws"),
      `#!${TOOLS.bash}\necho "WARNING: this version of the AWS CLI is deprecated" >&2\nexec ${JSON.stringify(AWS_CLI)} "$@"\n`,
      { mode: 0o755 },
    );
  }
  return sandbox;
}

export interface ProcessResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command without blocking the event loop, which the in-process endpoint needs. */
export function runProcess(
  command: string,
  args: string[],
  options: { cwd?: string; env: Record<string, string> },
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** A phone-number world served on a loopback endpoint, and a sandbox whose AWS CLI talks to it. */
export interface PhoneNumberLab {
  readonly world: PhoneNumberWorld;
  readonly endpoint: ModelEndpoint;
  readonly sandbox: AwsSandbox;
  /** Fails the test when the simulation answered outside the model; then stops everything. */
  readonly close: () => Promise<void>;
}

export async function phoneNumberLab(
  options: PhoneNumberWorldOptions,
  lab: { errorCodeIn?: ErrorCodePlacement; aws?: AwsCli } = {},
): Promise<PhoneNumberLab> {
  const world = phoneNumberWorld(options);
  const endpoint = await startModelEndpoint({ services: world.services, errorCodeIn: lab.errorCodeIn });
  const sandbox = phoneNumberSandbox(endpoint.url, lab.aws);
  return {
    world,
    endpoint,
    sandbox,
    close: async () => {
      sandbox.remove();
      await endpoint.close();
      endpoint.verify();
    },
  };
}

export interface ScriptRun extends ProcessResult {
  readonly world: PhoneNumberWorld;
  /** Requests the endpoint refused as not conforming to the model. */
  readonly refused: string[];
}

/** Runs scripts/phone-number.sh with the real AWS CLI against a simulated account. */
export async function runPhoneNumberScript(
  action: string,
  options: PhoneNumberWorldOptions,
  env: Record<string, string> = {},
  lab: { errorCodeIn?: ErrorCodePlacement; aws?: AwsCli } = {},
): Promise<ScriptRun> {
  const { world, endpoint, sandbox, close } = await phoneNumberLab(options, lab);
  try {
    const result = await runProcess("bash", [PHONE_NUMBER_SCRIPT, action], {
      env: {
        ...sandbox.env,
        AWS_REGION: "us-east-1",
        VOICE_CONNECTOR_ID,
        PARAMETER_NAME,
        AREA_CODE: "",
        STATE: "WA",
        POLL_SECONDS: "0",
        // Bounds, so that a script that never sees what it waits for fails the test instead of hanging it.
        ORDER_TIMEOUT_SECONDS: "10",
        RELEASE_TIMEOUT_SECONDS: "10",
        ...env,
      },
    });
    const refused = endpoint.requests.flatMap((request) => request.problems);
    return { ...result, world, refused };
  } finally {
    await close();
  }
}
