import { type PlannedChange, TwinWorkspace } from "./terraform";

/**
 * A tags-only change updates tags in place and replaces nothing. Terraform defers reading a data source to the
 * apply when a managed resource it refers to (directly or through depends_on) has changes pending; the PBX's
 * user data holds the phone number read from SSM, so a deferred read would make it unknown and, with
 * user_data_replace_on_change, replace the PBX. The twin's data sources defer by the same rule (twin.ts).
 */
describe("changing only tags after the default deployment", () => {
  let changes: PlannedChange[] = [];

  beforeAll(() => {
    const workspace = new TwinWorkspace();
    try {
      workspace.apply({});
      changes = workspace.plan({ tags: { CostCenter: "4711" } });
    } finally {
      workspace.remove();
    }
  }, 60_000);

  const actionsOf = (address: string) => changes.find((c) => c.address === address)?.actions ?? ["absent from the plan"];

  it("does not replace the PBX instance", () => {
    expect(actionsOf("aws_instance.pbx[0]")).toEqual(["update"]);
  });

  it("reads the phone number during the plan", () => {
    expect(actionsOf("data.aws_ssm_parameter.phone_number[0]")).toEqual(["absent from the plan"]);
  });

  it("replaces or deletes nothing at all", () => {
    expect(changes.filter((c) => c.actions.includes("delete")).map((c) => c.address)).toEqual([]);
  });

  it("updates the tags of the phone number's parameter in place", () => {
    expect(actionsOf("aws_ssm_parameter.phone_number[0]")).toEqual(["update"]);
  });
});
