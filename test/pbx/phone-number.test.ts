import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { NO_PHONE_NUMBER, PHONE_NUMBER_SCRIPT } from "../../stacks/connector/phone-number";
import { resource, synthesizeStack } from "../support/synth";
import {
  PARAMETER_NAME,
  phoneNumberLab,
  runPhoneNumberScript,
  runProcess,
  TERRAFORM,
  VOICE_CONNECTOR_ID,
} from "./support/phone-number-script";

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
      // The created connector: the PBX and its number exist only with it (voice_connector_ids = []).
      voice_connector_id: "${one(aws_chime_voice_connector.recorded[*].id)}",
      parameter_name: "${one(aws_ssm_parameter.phone_number[*].name)}",
      area_code: "${var.phone_number_area_code}",
      state: "${var.phone_number_state}",
    });
  });

  it("refers to the voice connector, so it is released before the connector is deleted", () => {
    expect(order.triggers.voice_connector_id).toContain("aws_chime_voice_connector.recorded[*].id");
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

  it("is read back after the order through the order alone, not depends_on (test/offline/tags-change.test.ts)", () => {
    const stored = config.data.aws_ssm_parameter.phone_number;
    expect(stored.name).toBe(
      '${null_resource.phone_number[0].id == "" ? "" : null_resource.phone_number[0].triggers.parameter_name}',
    );
    expect(stored).not.toHaveProperty("depends_on");
  });
});

const GUID = /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/;

describe("scripts/phone-number.sh, run by the real AWS CLI against a model-true endpoint", () => {
  describe("order", () => {
    it("searches, orders, waits for PhoneNumberOrder.Status to be Successful, associates and stores the number", async () => {
      const run = await runPhoneNumberScript("order", {
        available: [NUMBER],
        orderStatuses: ["Processing", "Processing", "Successful"],
      });
      expect(run.status).toBe(0);
      expect(run.world.operations()).toEqual([
        "SearchAvailablePhoneNumbers",
        "CreatePhoneNumberOrder",
        "GetPhoneNumberOrder",
        "GetPhoneNumberOrder",
        "GetPhoneNumberOrder",
        "AssociatePhoneNumbersWithVoiceConnector",
        "PutParameter",
      ]);
      expect(run.world.calls[1].input).toEqual({ ProductType: "VoiceConnector", E164PhoneNumbers: [NUMBER] });
      expect(run.world.numbers[NUMBER]).toMatchObject({ status: "Assigned", voiceConnectors: [VOICE_CONNECTOR_ID] });
      expect(run.world.parameter()).toBe(NUMBER);
      expect(run.refused).toEqual([]);
    });

    it.each([
      [
        { AREA_CODE: "415", STATE: "WA" },
        { AreaCode: "415", MaxResults: 1 },
      ],
      [
        { AREA_CODE: "", STATE: "WA" },
        { State: "WA", MaxResults: 1 },
      ],
    ])("searches by the area code first, else the state: %j", async (criteria, search) => {
      const run = await runPhoneNumberScript("order", { available: [] }, criteria);
      expect(run.world.calls[0]).toEqual({ operation: "SearchAvailablePhoneNumbers", input: search });
    });

    it("refuses to search without an area code or a state, as a US number search must name one", async () => {
      const run = await runPhoneNumberScript("order", { available: [NUMBER] }, { AREA_CODE: "", STATE: "" });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain("no search criteria: AREA_CODE and STATE are both empty; set phone_number_area_code");
      expect(run.world.operations()).toEqual([]);
    });

    it("orders nothing and says what to change when no number is available", async () => {
      const run = await runPhoneNumberScript("order", { available: [] }, { AREA_CODE: "907" });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(
        "no phone number is available for --area-code 907; set another phone_number_area_code or phone_number_state",
      );
      expect(run.world.operations()).toEqual(["SearchAvailablePhoneNumbers"]);
    });

    it("gives up after ORDER_TIMEOUT_SECONDS with the order's last status, and releases the number", async () => {
      const run = await runPhoneNumberScript(
        "order",
        { available: [NUMBER], orderStatuses: ["Processing"] },
        { ORDER_TIMEOUT_SECONDS: "0" },
      );
      const [orderId] = run.world.orders.keys();
      expect(orderId).toMatch(GUID);
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(`order ${orderId} of ${NUMBER} is still Processing after 0 seconds`);
      expect(run.world.numbers[NUMBER].status).toBe("DeleteInProgress");
    });

    it("stops when the order fails, and releases the number", async () => {
      const run = await runPhoneNumberScript("order", { available: [NUMBER], orderStatuses: ["Processing", "Failed"] });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/phone number order [0-9a-f-]{36} ended as Failed/);
      expect(run.world.numbers[NUMBER].status).toBe("DeleteInProgress");
    });

    it("releases the number when it cannot be associated, and stores nothing", async () => {
      const run = await runPhoneNumberScript("order", {
        available: [NUMBER],
        associateErrors: [{ PhoneNumberId: NUMBER, ErrorCode: "BadRequest", ErrorMessage: "cannot be associated" }],
      });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(`could not associate ${NUMBER} with voice connector ${VOICE_CONNECTOR_ID}: BadRequest`);
      expect(run.world.numbers[NUMBER].status).toBe("DeleteInProgress");
      expect(run.world.parameter()).toBe(NO_PHONE_NUMBER);
    });

    it("says the AWS CLI is missing when it is", async () => {
      const run = await runPhoneNumberScript("order", { available: [NUMBER] }, {}, { aws: "absent" });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain("the AWS CLI v2 (aws) is not on PATH");
      expect(run.world.operations()).toEqual([]);
    });
  });

  describe("release", () => {
    const assigned = { parameter: NUMBER, numbers: { [NUMBER]: { status: "Assigned", voiceConnectors: [VOICE_CONNECTOR_ID] } } };

    it("disassociates, waits until the number is free, deletes it and clears the parameter", async () => {
      const run = await runPhoneNumberScript("release", { ...assigned, disassociationPolls: 3 });
      expect(run.status).toBe(0);
      expect(run.world.operations()).toEqual([
        "GetParameter",
        "GetPhoneNumber",
        "DisassociatePhoneNumbersFromVoiceConnector",
        "GetPhoneNumber",
        "GetPhoneNumber",
        "GetPhoneNumber",
        "DeletePhoneNumber",
        "PutParameter",
      ]);
      expect(run.world.numbers[NUMBER].status).toBe("DeleteInProgress");
      expect(run.world.parameter()).toBe(NO_PHONE_NUMBER);
    });

    it.each(["omitted", "[]"] as const)(
      "deletes a number without associations at once, their list %s",
      async (emptyAssociations) => {
        const unassigned = { [NUMBER]: { status: "Unassigned", voiceConnectors: [] } };
        const run = await runPhoneNumberScript("release", { parameter: NUMBER, numbers: unassigned, emptyAssociations });
        expect(run.status).toBe(0);
        expect(run.world.operations()).toEqual(["GetParameter", "GetPhoneNumber", "DeletePhoneNumber", "PutParameter"]);
      },
    );

    it("reads the number and its state from the CLI's answers, never from warnings the CLI prints on stderr", async () => {
      const run = await runPhoneNumberScript("release", assigned, {}, { aws: "warning" });
      expect(run.status).toBe(0);
      expect(run.world.numbers[NUMBER].status).toBe("DeleteInProgress");
      expect(run.world.parameter()).toBe(NO_PHONE_NUMBER);
    });

    it("fails with what to do when the number stays associated", async () => {
      const run = await runPhoneNumberScript(
        "release",
        { ...assigned, disassociationPolls: 1000 },
        { RELEASE_TIMEOUT_SECONDS: "0" },
      );
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(`${NUMBER} is still associated after 0 seconds`);
      expect(run.world.numbers[NUMBER].status).toBe("Assigned");
    });

    it.each([
      ["holds no number", { parameter: NO_PHONE_NUMBER }],
      ["does not exist", { parameter: null }],
    ])("does nothing when the parameter %s", async (_case, world) => {
      const run = await runPhoneNumberScript("release", world);
      expect(run.status).toBe(0);
      expect(run.world.operations()).toEqual(["GetParameter"]);
    });

    it.each(["header", "__type", "Code"] as const)(
      "accepts a number that is already gone, the service naming NotFound in the %s",
      async (errorCodeIn) => {
        const run = await runPhoneNumberScript("release", { parameter: NUMBER, numbers: {} }, {}, { errorCodeIn });
        expect(run.status).toBe(0);
        expect(run.world.operations()).toEqual(["GetParameter", "GetPhoneNumber", "PutParameter"]);
        expect(run.world.parameter()).toBe(NO_PHONE_NUMBER);
      },
    );

    it("leaves a number alone that a previous release already deleted", async () => {
      const deleted = { [NUMBER]: { status: "DeleteInProgress", voiceConnectors: [] } };
      const run = await runPhoneNumberScript("release", { parameter: NUMBER, numbers: deleted });
      expect(run.status).toBe(0);
      expect(run.stderr).toContain(`${NUMBER} is already released (DeleteInProgress)`);
      expect(run.world.operations()).toEqual(["GetParameter", "GetPhoneNumber", "PutParameter"]);
    });

    it("fails rather than guess when the number cannot be looked up", async () => {
      const run = await runPhoneNumberScript("release", {
        ...assigned,
        failOn: { operation: "GetPhoneNumber", code: "ServiceFailureException" },
      });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(`could not look up ${NUMBER}: `);
      expect(run.world.operations()).not.toContain("DeletePhoneNumber");
    });

    it("fails rather than leave the number attached when the parameter cannot be read", async () => {
      const run = await runPhoneNumberScript("release", {
        ...assigned,
        failOn: { operation: "GetParameter", code: "InternalServerError" },
      });
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
        area_code: "",
        state: "WA",
      },
      provisioner: order.provisioner,
    }).replace(/self\.triggers\./g, "self.input."),
  );

  it("orders the number on apply and releases it on destroy", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phone-number-terraform-"));
    const lab = await phoneNumberLab({ available: [NUMBER] });
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
        ...lab.sandbox.env,
        POLL_SECONDS: "0",
        TF_CLI_CONFIG_FILE: path.join(dir, "terraformrc"),
        TF_IN_AUTOMATION: "1",
        CHECKPOINT_DISABLE: "1",
      };
      const terraform = async (...args: string[]) => {
        const result = await runProcess(TERRAFORM, [...args, "-input=false", "-no-color"], { cwd: dir, env });
        if (result.status !== 0) throw new Error(`terraform ${args[0]} failed:\n${result.stdout}${result.stderr}`);
      };

      await terraform("init");
      await terraform("apply", "-auto-approve");
      expect(lab.world.calls[0].input).toEqual({ State: "WA", MaxResults: 1 });
      expect(lab.world.numbers[NUMBER].voiceConnectors).toEqual([VOICE_CONNECTOR_ID]);
      expect(lab.world.parameter()).toBe(NUMBER);

      await terraform("destroy", "-auto-approve");
      expect(lab.world.numbers[NUMBER].status).toBe("DeleteInProgress");
      expect(lab.world.parameter()).toBe(NO_PHONE_NUMBER);
    } finally {
      await lab.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
