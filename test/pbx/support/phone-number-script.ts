import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PHONE_NUMBER_SCRIPT } from "../../../stacks/phone-number";

/** What the fake AWS CLI knows and remembers (see fake-aws.js). */
export interface FakeAwsState {
  /** Numbers the search finds. */
  available: string[];
  /** Successive answers of get-phone-number-order; the last one repeats. */
  orderStatuses: string[];
  /** PhoneNumberErrors of the association, as text; "" for none. */
  associateErrors: string;
  /** The SSM parameter's value; null when it does not exist. */
  parameter: string | null;
  /** Numbers in the account, by E.164. */
  numbers: Record<string, { status: string; associations: number }>;
  /** Looks at a number's associations before a disassociation shows. */
  disassociationPolls?: number;
  /** An operation that fails. */
  failOn?: string;
  /** Every call, as its arguments. */
  calls: string[];
  ordered?: string;
  associatedWith?: string;
}

export const VOICE_CONNECTOR_ID = "abcdefghij0123456789ab";
export const PARAMETER_NAME = "/call-recorder/pbx/phone-number";

/** A fake AWS CLI in a folder of its own, first on PATH of `env`. */
export interface FakeAws {
  /** PATH with the fake first, then only the tools the script uses (a real aws is never reached). */
  readonly env: Record<string, string>;
  /** The fake's state now. */
  readonly state: () => FakeAwsState;
  readonly remove: () => void;
}

export function fakeAws(initial: Partial<FakeAwsState>, options: { installed?: boolean } = {}): FakeAws {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-aws-"));
  const stateFile = path.join(dir, "aws-state.json");
  const state: FakeAwsState = {
    available: [],
    orderStatuses: ["Successful"],
    associateErrors: "",
    parameter: "none",
    numbers: {},
    calls: [],
    ...initial,
  };
  fs.writeFileSync(stateFile, JSON.stringify(state));
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  if (options.installed !== false) {
    const fake = JSON.stringify(path.join(__dirname, "fake-aws.js"));
    fs.writeFileSync(path.join(bin, "aws"), `#!/bin/sh\nexec node ${fake} "$@"\n`, { mode: 0o755 });
  }
  const tools = ["bash", "node", "sleep", "sh", "terraform"].map((tool) => path.dirname(installed(tool)));
  return {
    env: { PATH: [bin, ...new Set(tools)].join(":"), FAKE_AWS_STATE: stateFile },
    state: () => JSON.parse(fs.readFileSync(stateFile, "utf8")),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

function installed(tool: string): string {
  const found = spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
  if (!found) throw new Error(`${tool} is not installed`);
  return found;
}

export interface ScriptRun {
  readonly status: number | null;
  readonly stderr: string;
  /** The fake's state afterwards. */
  readonly aws: FakeAwsState;
}

/** Runs scripts/phone-number.sh against a fake AWS CLI. */
export function runPhoneNumberScript(
  action: string,
  aws: Partial<FakeAwsState>,
  env: Record<string, string> = {},
  options: { awsInstalled?: boolean } = {},
): ScriptRun {
  const fake = fakeAws(aws, { installed: options.awsInstalled });
  try {
    const result = spawnSync("bash", [PHONE_NUMBER_SCRIPT, action], {
      encoding: "utf8",
      env: {
        ...fake.env,
        AWS_REGION: "us-east-1",
        VOICE_CONNECTOR_ID,
        PARAMETER_NAME,
        AREA_CODE: "",
        STATE: "",
        POLL_SECONDS: "0",
        ...env,
      },
    });
    if (result.error) throw result.error;
    return { status: result.status, stderr: result.stderr, aws: fake.state() };
  } finally {
    fake.remove();
  }
}

/** The operations called, e.g. "chime-sdk-voice create-phone-number-order". */
export const operations = (calls: string[]): string[] => calls.map((c) => c.split(" ").slice(0, 2).join(" "));
