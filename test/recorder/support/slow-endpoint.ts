import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface SlowEndpoint {
  url: string;
  close(): Promise<void>;
}

export interface Holding {
  /** Resolves when the request may go on; `null` holds it forever (the endpoint never answers). */
  hold(operation: string): Promise<unknown> | null;
  /** Answer with DynamoDB's 500 InternalServerError (a member of its model) instead of forwarding. */
  fails?(operation: string): boolean;
}

/**
 * A loopback endpoint in front of `target` that holds each request as `holding` says, then forwards
 * it or fails it. The operation is the JSON protocol's X-Amz-Target action, or the REST request's path.
 */
export async function startSlowEndpoint(target: string, holding: Holding): Promise<SlowEndpoint> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      const operation =
        String(request.headers["x-amz-target"] ?? request.url)
          .split(".")
          .at(-1) ?? "";
      const held = holding.hold(operation);
      if (held === null) return;
      await held;
      if (holding.fails?.(operation)) {
        response.writeHead(500, { "content-type": "application/x-amz-json-1.0" });
        response.end(JSON.stringify({ __type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message: "held" }));
        return;
      }
      const forwarded = http.request(
        `${target}${request.url}`,
        { method: request.method, headers: request.headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      forwarded.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
