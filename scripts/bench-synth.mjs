// Synthesis speed and memory, measured in one run on this machine:
//   - the baseline: loading the whole AWS provider package (`require('@cdktf/provider-aws')`);
//   - the app command from cdktf.json (build + synthesize), which imports per resource;
//   - `npm run synth` end to end (cdktf-cli, app command, output).
// Peak memory is each node process's own max RSS, reported through a preloaded hook.
import { execSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const appCommand = JSON.parse(fs.readFileSync(path.join(root, "cdktf.json"), "utf8")).app;
const hook = path.join(os.tmpdir(), "bench-synth-rusage.cjs");
fs.writeFileSync(
  hook,
  `process.on("exit", () => require("node:fs").appendFileSync(process.env.BENCH_RUSAGE_FILE, process.resourceUsage().maxRSS + "\\n"));\n`,
);

/** Runs a shell command RUNS times; returns the median wall time and the largest peak RSS of any node process. */
function measure(command) {
  const times = [];
  let peakKb = 0;
  for (let i = 0; i < RUNS; i++) {
    const rusageFile = path.join(os.tmpdir(), `bench-synth-${process.pid}-${i}.txt`);
    fs.writeFileSync(rusageFile, "");
    const env = { ...process.env, BENCH_RUSAGE_FILE: rusageFile, NODE_OPTIONS: `--require ${hook}`, CHECKPOINT_DISABLE: "1" };
    const start = process.hrtime.bigint();
    execSync(command, { cwd: root, env, stdio: "ignore", shell: "/bin/bash" });
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
    const rss = fs.readFileSync(rusageFile, "utf8").trim().split("\n").filter(Boolean).map(Number);
    peakKb = Math.max(peakKb, ...rss);
    fs.rmSync(rusageFile);
  }
  times.sort((a, b) => a - b);
  return { seconds: times[Math.floor(times.length / 2)], peakMb: peakKb / 1024 };
}

const baseline = measure(`node -e "require('@cdktf/provider-aws')"`);
const app = measure(appCommand);
const synth = measure("npm run --silent synth");

const row = (name, m) => `| ${name} | ${m.seconds.toFixed(2)} s | ${m.peakMb.toFixed(0)} MB |`;
console.log(`Median of ${RUNS} runs on ${os.cpus().length} cores, node ${process.version}\n`);
console.log("| what | time | peak memory |\n| --- | --- | --- |");
console.log(row("`require('@cdktf/provider-aws')` alone (baseline)", baseline));
console.log(row(`app command \`${appCommand}\``, app));
console.log(row("`npm run synth` end to end", synth));
const speedup = baseline.seconds / app.seconds;
console.log(
  `\napp command: ${speedup.toFixed(1)}x faster than the baseline (target >= 2x), peak ${app.peakMb.toFixed(0)} MB (target < 300 MB)`,
);
console.log(`npm run synth: ${synth.seconds.toFixed(1)} s (target < 15 s)`);
const met = speedup >= 2 && app.peakMb < 300 && synth.seconds < 15;
console.log(met ? "all targets met" : "TARGETS MISSED");
process.exitCode = met ? 0 : 1;
