import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";

// What the tests of scripts/ci need: a loopback S3 for Terraform's S3 backend, a way to run a
// script without blocking that S3's event loop, and a snapshot of a folder to show any change.

export interface FakeS3 {
  readonly server: http.Server;
  readonly endpoint: string;
  /** Objects by `/<bucket>/<key>`. */
  readonly objects: Map<string, Buffer>;
}

/** Enough of S3 for Terraform's S3 backend (path-style): ListObjectsV2, Head/Get/Put/DeleteObject. */
export function fakeS3(bucket: string): Promise<FakeS3> {
  const objects = new Map<string, Buffer>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://s3");
    const xml = (status: number, body: string) => {
      res.writeHead(status, { "Content-Type": "application/xml" }).end(`<?xml version="1.0" encoding="UTF-8"?>${body}`);
    };
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method === "GET" && url.searchParams.get("list-type") === "2") {
        const prefix = url.searchParams.get("prefix") ?? "";
        const keys = [...objects.keys()].filter((k) => k.startsWith(`/${bucket}/${prefix}`));
        const contents = keys.map((k) => `<Contents><Key>${k.slice(bucket.length + 2)}</Key></Contents>`).join("");
        return xml(
          200,
          `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><KeyCount>${keys.length}</KeyCount><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`,
        );
      }
      const object = objects.get(url.pathname);
      if (req.method === "PUT") {
        objects.set(url.pathname, Buffer.concat(chunks));
        return res.writeHead(200, { ETag: '"1"' }).end();
      }
      if (req.method === "DELETE") {
        objects.delete(url.pathname);
        return res.writeHead(204).end();
      }
      if (!object)
        return req.method === "HEAD"
          ? res.writeHead(404).end()
          : xml(404, "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>");
      res.writeHead(200, { ETag: '"1"', "Content-Length": object.length }).end(req.method === "HEAD" ? undefined : object);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, objects, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

/** The state bucket and key the tests of scripts/ci use. */
export const STATE_BUCKET = "call-recorder-tfstate-test";
export const STATE_KEY = "call-recorder/production.tfstate";

/** What the real bucket needs no setting for: path-style addressing on loopback, no STS check. */
export const LOOPBACK_S3_INIT_ARGS =
  "-backend-config=use_path_style=true -backend-config=skip_credentials_validation=true -backend-config=skip_requesting_account_id=true";

/**
 * The environment CI's scripts run in under test: Terraform offline in `work`, the state bucket on
 * the loopback S3 at `endpoint`, and nothing able to reach AWS (loopback only, dummy credentials).
 */
export function ciScriptEnv(work: string, endpoint: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: work,
    TMPDIR: work,
    TF_CLI_CONFIG_FILE: path.join(work, "terraformrc"),
    TF_IN_AUTOMATION: "1",
    CHECKPOINT_DISABLE: "1",
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_EC2_METADATA_DISABLED: "true",
    TF_STATE_BUCKET: STATE_BUCKET,
    TF_STATE_KEY: STATE_KEY,
    TF_STATE_REGION: "us-east-1",
  };
}

export function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ ok: code === 0, output }));
  });
}

/** Every file under dir with its content, so any change shows. */
export function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else files[path.relative(dir, full)] = entry.isSymbolicLink() ? fs.readlinkSync(full) : fs.readFileSync(full, "utf8");
    }
  };
  walk(dir);
  return files;
}
