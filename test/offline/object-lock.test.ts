import { TwinWorkspace } from "./terraform";

/**
 * Object Lock cannot be turned off, and removing its configuration would end default retention for new recordings:
 * real Terraform plans the provider-free twin of a locked deployment with the lock removed, and refuses.
 */

const locked = {
  build_asterisk: false,
  removal_policy: "RETAIN",
  recording_lock_mode: "GOVERNANCE",
  recording_lock_days: 30,
  recording_retention_days: 30,
};

describe("a deployed Object Lock", () => {
  let workspace: TwinWorkspace;

  beforeAll(() => {
    workspace = new TwinWorkspace();
    workspace.apply(locked);
  }, 60_000);

  afterAll(() => workspace.remove());

  it('cannot be removed: recording_lock_mode back to "" fails at the plan, naming the guard', () => {
    expect(workspace.planRefusal({ ...locked, recording_lock_mode: "", recording_lock_days: 0 })).toContain(
      "Resource terraform_data.retain_object_lock[0] has lifecycle.prevent_destroy set",
    );
  });

  it("may change its mode and days in place", () => {
    expect(workspace.planRefusal({ ...locked, recording_lock_mode: "COMPLIANCE", recording_lock_days: 7 })).toBe("");
  });
});
