"use strict";
/**
 * Runs the built bundle in a child process per instance, as Lambda runs it in a fresh execution
 * environment: its own module state, its own clients, configuration read at load. A child process
 * (rather than Jest's module registry) also lets the SDK's dynamic import() work unchanged.
 */
const { fork } = require("node:child_process");
const path = require("node:path");
const { RECORDER_VARIABLES } = require("./recorder-env");

const BUNDLE = path.resolve(__dirname, "../../../dist/recorder/index.js");
const CHILD = path.join(__dirname, "recorder-child.js");

/**
 * @param {Record<string, string>} env the recorder's environment, added to this process's own
 * @returns {Promise<{ handler: (event: object, options?: { timeoutMs?: number }) => Promise<any>, logs: object[], close: () => Promise<void> }>}
 */
function startRecorderProcess(env) {
  const inherited = { ...process.env };
  for (const name of RECORDER_VARIABLES) delete inherited[name];
  const child = fork(CHILD, [BUNDLE], { env: { ...inherited, ...env }, stdio: ["ignore", "inherit", "inherit", "ipc"] });

  /** Parsed JSON log lines (raw strings for anything else), in the order they were written. */
  const logs = [];
  const pending = new Map();
  let nextId = 0;
  let exited = false;

  const failPending = (error) => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };

  return new Promise((resolve, reject) => {
    const instance = {
      handler(event, { timeoutMs = 60_000 } = {}) {
        if (exited) return Promise.reject(new Error("the recorder process has exited"));
        const id = nextId++;
        return new Promise((resolveCall, rejectCall) => {
          pending.set(id, { resolve: resolveCall, reject: rejectCall });
          child.send({ id, event, timeoutMs });
        });
      },
      logs,
      close() {
        if (exited) return Promise.resolve();
        return new Promise((resolveClose) => {
          child.once("exit", () => resolveClose());
          child.disconnect();
        });
      },
    };

    child.on("message", (message) => {
      if (message.type === "log") {
        try {
          logs.push(JSON.parse(message.line));
        } catch {
          logs.push(message.line);
        }
      } else if (message.type === "ready") {
        resolve(instance);
      } else if (message.type === "load-error") {
        reject(Object.assign(new Error(`the bundle failed to load: ${message.error.message}`), { logs }));
        child.disconnect();
      } else if (message.type === "result") {
        const call = pending.get(message.id);
        pending.delete(message.id);
        if (message.error === undefined) call.resolve(message.response);
        else call.reject(Object.assign(new Error(message.error.message), { name: message.error.name }));
      }
    });
    child.on("exit", (code) => {
      exited = true;
      const error = new Error(`the recorder process exited with code ${code}`);
      failPending(error);
      reject(error);
    });
  });
}

module.exports = { startRecorderProcess, BUNDLE };
