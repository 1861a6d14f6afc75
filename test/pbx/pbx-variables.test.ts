import { synthesizeStack } from "../support/synth";
import { expectAccepted, expectRefused } from "../support/terraform-variables";

describe("the PBX variables, as terraform plan checks them", () => {
  describe("asterisk_instance_type", () => {
    it.each(["t4g.small", "t4g.medium", "m7g.large", "c7gn.xlarge"])("accepts the Graviton type %s", (type) => {
      expectAccepted({ asterisk_instance_type: type });
    });

    it.each(["t3.small", "m5.large", "small"])("refuses %s, which cannot run the arm64 image", (type) => {
      expectRefused(
        { asterisk_instance_type: type },
        `asterisk_instance_type: "${type}" is not a Graviton (arm64) instance type`,
      );
    });
  });

  describe("phone_number_area_code and phone_number_state", () => {
    it.each([
      {},
      { phone_number_area_code: "415" },
      { phone_number_state: "CA" },
      { phone_number_area_code: "415", phone_number_state: "" },
      { phone_number_area_code: "415", phone_number_state: "CA" },
    ])("accept %j", (tfvars) => {
      expectAccepted(tfvars);
    });

    it("search by a state by default, as a search for US numbers needs criteria", () => {
      expect(synthesizeStack().variable.phone_number_state.default).toBe("WA");
    });

    it.each(["41", "4155", "015", "abc"])("refuse the area code %s", (areaCode) => {
      expectRefused({ phone_number_area_code: areaCode }, `phone_number_area_code: "${areaCode}" is not a US area code`);
    });

    it.each(["wa", "Washington", "W"])("refuse the state %s", (state) => {
      expectRefused({ phone_number_state: state }, `phone_number_state: "${state}" is not a state code`);
    });

    it("refuse leaving both empty with the PBX, as the number search would have no criteria", () => {
      expectRefused(
        { phone_number_area_code: "", phone_number_state: "" },
        'phone_number_state: with build_asterisk, set phone_number_state (e.g. "WA") or phone_number_area_code (e.g. "415"), not both ""',
      );
    });

    it("accept both empty without the PBX, which orders no number", () => {
      expectAccepted({ phone_number_area_code: "", phone_number_state: "", build_asterisk: false });
    });
  });

  describe("calling_regions", () => {
    it("accepts country codes", () => {
      expectAccepted({ calling_regions: ["US", "CA"] });
    });

    it.each([[[]], [["us"]], [["USA"]]])("refuses %j", (regions) => {
      expectRefused({ calling_regions: regions }, "is not a list of country codes");
    });
  });

  describe("region with build_asterisk", () => {
    it.each(["us-east-1", "us-west-2"])("accepts the PBX in %s", (region) => {
      expectAccepted({ region });
    });

    it("refuses the PBX in eu-central-1, whose voice connector ranges it does not know", () => {
      expectRefused(
        { region: "eu-central-1" },
        'build_asterisk: the Asterisk PBX knows the Voice Connector address ranges of us-east-1 and us-west-2 only, not "eu-central-1"',
      );
    });

    it("accepts eu-central-1 without the PBX", () => {
      expectAccepted({ region: "eu-central-1", build_asterisk: false });
    });

    it("refuses the PBX together with SIPREC CIDRs", () => {
      expectRefused({ siprec_cidrs: ["100.128.0.0/27"] }, "build_asterisk: true cannot be combined with siprec_cidrs");
    });

    it("refuses the PBX with require_encryption, as it speaks plain SIP", () => {
      expectRefused({ require_encryption: true }, "require_encryption: true cannot be combined with build_asterisk = true");
    });
  });
});
