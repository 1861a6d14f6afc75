import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { NO_PHONE_NUMBER, PHONE_NUMBER_SCRIPT } from "../../stacks/phone-number";
import { resource, synthesizeStack } from "../support/synth";
import { fakeAws, operations, PARAMETER_NAME, runPhoneNumberScript, VOICE_CONNECTOR_ID } from "./support/phone-number-script";
import { shellcheck } from "./support/shellcheck";

const NUMBER = "+14155550100";
const config = synthesizeStack();
const order = resource(config, "null_resource", "phone_number");
const [create, destroy] = (order.provisioner as Record<string, any>[]).map((p) => p["local-exec"]);

describe("the phone number in Terraform", () => {
  it("is ordered only with build_asterisk", () => {
    expect(order.count).toBe("${var.build_asterisk ? 1 : 0}");
  });

  it("is ordered by the script on create and released by it on destroy", () => {
    expect(create.command).toMatch(/^bash assets\/[\w-]+\/[0-9A-F]+\/phone-number\.sh order$/);
    expect(create).not.toHaveProperty("when");
    expect(destroy.command).toBe(create.command.replace(/ order$/, " release"));
    expect(destroy.when).toBe("destroy");
  });

  it("gives the script only values kept in the triggers, as destroy provisioners must", () => {
    for (const provisioner of [create, destroy]) {
      for (const value of Object.values(provisioner.environment)) {
        expect(value).toMatch(/^\$\{self\.triggers\.(\w+)\}$/);
        expect(order.triggers).toHaveProperty(String(value).replace(/^\$\{self\.triggers\.(\w+)\}$/, "$1"));
      }
    }
  });

  it("keeps what the number depends on in its triggers: a change releases it and orders another", () => {
    expect(order.triggers).toEqual({
      region: "${var.region}",
      voice_connector_id: "${aws_chime_voice_connector.recorded.id}",
      parameter_name: "${one(aws_ssm_parameter.phone_number[*].name)}",
      area_code: "${var.phone_number_area_code}",
      state: "${var.phone_number_state}",
    });
  });

  it("refers to the voice connector, so it is released before the connector is deleted", () => {
    expect(order.triggers.voice_connector_id).toContain("aws_chime_voice_connector.recorded.id");
  });

  it("is kept in an SSM parameter Terraform creates and whose value it leaves to the script", () => {
    expect(resource(config, "aws_ssm_parameter", "phone_number")).toMatchObject({
      count: "${var.build_asterisk ? 1 : 0}",
      name: "/${var.name_prefix}/pbx/phone-number",
      type: "String",
      value: NO_PHONE_NUMBER,
      lifecycle: { ignore_changes: ["value"] },
    });
    expect(fs.readFileSync(PHONE_NUMBER_SCRIPT, "utf8")).toContain(`readonly NO_PHONE_NUMBER="${NO_PHONE_NUMBER}"`);
  });

  it("is read back after the order through the order's id, not depends_on", () => {
    const stored = config.data.aws_ssm_parameter.phone_number;
    expect(stored.name).toBe('${null_resource.phone_number[0].id == "" ? "" : aws_ssm_parameter.phone_number[0].name}');
    expect(stored).not.toHaveProperty("depends_on");
  });
});

describe("scripts/phone-number.sh", () => {
  it("passes shellcheck", () => {
    expect(shellcheck(fs.readFileSync(PHONE_NUMBER_SCRIPT, "utf8"), "phone-number.sh")).toBe("");
  });

  describe("order", () => {
    it("searches, orders for the voice connector, waits, associates and stores the number", () => {
      const run = runPhoneNumberScript("order", {
        available: [NUMBER],
        orderStatuses: ["Processing", "Processing", "Successful"],
      });
      expect(run.status).toBe(0);
      expect(operations(run.aws.calls)).toEqual([
        "chime-sdk-voice search-available-phone-numbers",
        "chime-sdk-voice create-phone-number-order",
        "chime-sdk-voice get-phone-number-order",
        "chime-sdk-voice get-phone-number-order",
        "chime-sdk-voice get-phone-number-order",
        "chime-sdk-voice associate-phone-numbers-with-voice-connector",
        "ssm put-parameter",
      ]);
      expect(run.aws.calls[1]).toContain(`--product-type VoiceConnector --e164-phone-numbers ${NUMBER}`);
      expect(run.aws.associatedWith).toBe(VOICE_CONNECTOR_ID);
      expect(run.aws.parameter).toBe(NUMBER);
    });

    it.each([
      [{ AREA_CODE: "415", STATE: "" }, "--area-code 415 "],
      [{ AREA_CODE: "", STATE: "WA" }, "--state WA "],
      [{ AREA_CODE: "", STATE: "" }, "--country US --phone-number-type Local "],
    ])("searches by %j", (criteria, options) => {
      const run = runPhoneNumberScript("order", { available: [NUMBER] }, criteria);
      expect(run.aws.calls[0]).toContain(`search-available-phone-numbers ${options}`);
    });

    it("orders nothing and says what to change when no number is available", () => {
      const run = runPhoneNumberScript("order", { available: [] }, { AREA_CODE: "907" });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(
        "no phone number is available for --area-code 907; set another phone_number_area_code or phone_number_state",
      );
      expect(operations(run.aws.calls)).not.toContain("chime-sdk-voice create-phone-number-order");
    });

    it("gives up after ORDER_TIMEOUT_SECONDS with the order's last status, and releases the number", () => {
      const run = runPhoneNumberScript(
        "order",
        { available: [NUMBER], orderStatuses: ["Processing"] },
        { ORDER_TIMEOUT_SECONDS: "0" },
      );
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(`order order-1 of ${NUMBER} is still Processing after 0 seconds`);
      expect(operations(run.aws.calls)).toContain("chime-sdk-voice delete-phone-number");
    });

    it("stops when the order fails, and releases the number", () => {
      const run = runPhoneNumberScript("order", { available: [NUMBER], orderStatuses: ["Processing", "Failed"] });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain("phone number order order-1 ended as Failed");
      expect(run.aws.numbers[NUMBER].status).toBe("DeleteInProgress");
    });

    it("releases the number when it cannot be associated, and stores nothing", () => {
      const run = runPhoneNumberScript("order", { available: [NUMBER], associateErrors: "VoiceConnectorNotFound" });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(`could not associate ${NUMBER} with voice connector ${VOICE_CONNECTOR_ID}`);
      expect(run.aws.numbers[NUMBER].status).toBe("DeleteInProgress");
      expect(run.aws.parameter).toBe(NO_PHONE_NUMBER);
    });

    it("says the AWS CLI is missing when it is", () => {
      const run = runPhoneNumberScript("order", {}, {}, { awsInstalled: false });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain("the AWS CLI v2 (aws) is not on PATH");
    });
  });

  describe("release", () => {
    const assigned = { parameter: NUMBER, numbers: { [NUMBER]: { status: "Assigned", associations: 1 } } };

    it("disassociates, waits until the number is free, deletes it and clears the parameter", () => {
      const run = runPhoneNumberScript("release", { ...assigned, disassociationPolls: 3 });
      expect(run.status).toBe(0);
      expect(operations(run.aws.calls)).toEqual([
        "ssm get-parameter",
        "chime-sdk-voice get-phone-number",
        "chime-sdk-voice get-phone-number",
        "chime-sdk-voice disassociate-phone-numbers-from-voice-connector",
        "chime-sdk-voice get-phone-number",
        "chime-sdk-voice get-phone-number",
        "chime-sdk-voice get-phone-number",
        "chime-sdk-voice delete-phone-number",
        "ssm put-parameter",
      ]);
      expect(run.aws.numbers[NUMBER].status).toBe("DeleteInProgress");
      expect(run.aws.parameter).toBe(NO_PHONE_NUMBER);
    });

    it("fails with what to do when the number stays associated", () => {
      const run = runPhoneNumberScript("release", { ...assigned, disassociationPolls: 1000 }, { RELEASE_TIMEOUT_SECONDS: "0" });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(`${NUMBER} is still associated after 0 seconds`);
    });

    it.each([
      ["holds no number", { parameter: NO_PHONE_NUMBER }],
      ["does not exist", { parameter: null }],
    ])("does nothing when the parameter %s", (_case, aws) => {
      const run = runPhoneNumberScript("release", aws);
      expect(run.status).toBe(0);
      expect(operations(run.aws.calls)).toEqual(["ssm get-parameter"]);
    });

    it("accepts a number that is already gone", () => {
      const run = runPhoneNumberScript("release", { parameter: NUMBER, numbers: {} });
      expect(run.status).toBe(0);
      expect(operations(run.aws.calls)).not.toContain("chime-sdk-voice delete-phone-number");
      expect(run.aws.parameter).toBe(NO_PHONE_NUMBER);
    });

    it("fails rather than leave the number attached when the parameter cannot be read", () => {
      const run = runPhoneNumberScript("release", { ...assigned, failOn: "get-parameter" });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(`could not read ${PARAMETER_NAME}`);
    });
  });
});

describe("terraform running the script", () => {
  // The null provider cannot be downloaded here; terraform_data runs the same provisioners, with
  // its `input` in place of the triggers.
  const asTerraformData = JSON.parse(
    JSON.stringify({
      input: {
        region: "us-east-1",
        voice_connector_id: VOICE_CONNECTOR_ID,
        parameter_name: PARAMETER_NAME,
        area_code: "415",
        state: "",
      },
      provisioner: order.provisioner,
    }).replace(/self\.triggers\./g, "self.input."),
  );

  it("orders the number on apply and releases it on destroy", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phone-number-terraform-"));
    const aws = fakeAws({ available: [NUMBER] });
    try {
      fs.writeFileSync(
        path.join(dir, "main.tf.json"),
        JSON.stringify({ resource: { terraform_data: { phone_number: asTerraformData } } }),
      );
      // The script where cdktf puts the asset: next to cdk.tf.json, where terraform runs.
      const scriptPath = path.join(dir, create.command.split(" ")[1]);
      fs.mkdirSync(path.dirname(scriptPath), { recursive: true });
      fs.copyFileSync(PHONE_NUMBER_SCRIPT, scriptPath);
      fs.writeFileSync(path.join(dir, "terraformrc"), "");
      const env = {
        ...aws.env,
        TF_CLI_CONFIG_FILE: path.join(dir, "terraformrc"),
        TF_IN_AUTOMATION: "1",
        CHECKPOINT_DISABLE: "1",
      };
      const terraform = (...args: string[]) =>
        execFileSync("terraform", [...args, "-input=false", "-no-color"], { cwd: dir, env, stdio: "pipe" });

      terraform("init");
      terraform("apply", "-auto-approve");
      expect(aws.state()).toMatchObject({ associatedWith: VOICE_CONNECTOR_ID, parameter: NUMBER });
      expect(aws.state().calls[0]).toContain("search-available-phone-numbers --area-code 415 ");

      terraform("destroy", "-auto-approve");
      expect(aws.state().numbers[NUMBER].status).toBe("DeleteInProgress");
      expect(aws.state().parameter).toBe(NO_PHONE_NUMBER);
    } finally {
      aws.remove();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
