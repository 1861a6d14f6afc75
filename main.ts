import * as path from "node:path";
import { App } from "cdktf";
import { CallRecorderStack } from "./stacks/call-recorder-stack";

const app = new App();
new CallRecorderStack(app, "call-recorder", {
  recorderBundleDir: path.resolve("dist", "recorder"),
  reconcilerBundleDir: path.resolve("dist", "reconciler"),
});
app.synth();
