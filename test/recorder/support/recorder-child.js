"use strict";
/**
 * Stands in for the Lambda runtime in its own process (one execution environment): loads the
 * bundle named in argv once, then runs one invocation per IPC request. stdout is forwarded line by
 * line over the same IPC channel, so every log line reaches the parent before its invocation's result.
 */

process.stdout.write = (chunk, encoding, callback) => {
  for (const line of String(chunk).split("\n")) {
    if (line !== "") process.send({ type: "log", line });
  }
  if (typeof encoding === "function") encoding();
  else if (typeof callback === "function") callback();
  return true;
};

const describeError = (error) => ({ name: error?.name ?? "Error", message: error?.message ?? String(error) });

let handler;
try {
  handler = require(process.argv[2]).handler;
  process.send({ type: "ready" });
} catch (error) {
  process.send({ type: "load-error", error: describeError(error) });
}

process.on("message", async ({ id, event, timeoutMs }) => {
  // As Lambda's context: the time left before the invocation's timeout.
  const deadline = Date.now() + timeoutMs;
  const context = { getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
  try {
    process.send({ type: "result", id, response: await handler(event, context) });
  } catch (error) {
    process.send({ type: "result", id, error: describeError(error) });
  }
});

process.on("disconnect", () => process.exit(0));
