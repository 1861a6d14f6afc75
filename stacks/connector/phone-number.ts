import * as path from "node:path";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { Resource } from "@cdktf/provider-null/lib/resource";
import { AssetType, TerraformAsset, type TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { addressOf, countedAttribute, countedDataAttribute, hcl, hclNumber, varRef } from "../hcl";

/** Orders and releases the number; runs on the deploying machine (bash and the AWS CLI v2). */
export const PHONE_NUMBER_SCRIPT = path.resolve("scripts", "phone-number.sh");

/** The parameter's value while it holds no number; the script writes the number over it. */
export const NO_PHONE_NUMBER = "none";

export interface PhoneNumberProps {
  /** Whether to order a number (the PBX is deployed). */
  readonly buildAsterisk: TerraformVariable;
  /** Region of the voice connector, where the number is ordered. */
  readonly region: TerraformVariable;
  /** US area code to search, or "". */
  readonly areaCode: TerraformVariable;
  /** US state to search when there is no area code, or "". */
  readonly state: TerraformVariable;
  /** The voice connector the number is associated with. */
  readonly voiceConnectorId: string;
  /** Name of the SSM parameter the ordered number is kept in. */
  readonly parameterName: string;
}

/**
 * A phone number for the voice connector. Terraform has no resource for Chime SDK phone
 * numbers, so a null_resource runs scripts/phone-number.sh: on create it orders a number and
 * associates it; on destroy, before the connector is deleted, it disassociates and releases it.
 * The script keeps the number in an SSM parameter, where Terraform reads it back.
 */
export class PhoneNumber extends Construct {
  /** The null_resource that holds the number. */
  readonly order: Resource;
  /** HCL: the number in E.164 once ordered, or null. */
  readonly number: string;

  constructor(scope: Construct, id: string, props: PhoneNumberProps) {
    super(scope, id);
    const count = hclNumber(`${varRef(props.buildAsterisk)} ? 1 : 0`);

    // Terraform owns the parameter (its name, tags and deletion); the script owns its value.
    const parameter = new SsmParameter(this, "parameter", {
      count,
      name: props.parameterName,
      description: "Phone number ordered for the test PBX, written by scripts/phone-number.sh",
      type: "String",
      value: NO_PHONE_NUMBER,
      lifecycle: { ignoreChanges: ["value"] },
    });
    parameter.overrideLogicalId("phone_number");

    const script = new TerraformAsset(this, "script", { path: PHONE_NUMBER_SCRIPT, type: AssetType.FILE });

    // A destroy provisioner may only read `self`: everything the script needs is a trigger.
    // Changing any of them releases the number and orders another.
    const fromTriggers = {
      AWS_REGION: "${self.triggers.region}",
      VOICE_CONNECTOR_ID: "${self.triggers.voice_connector_id}",
      PARAMETER_NAME: "${self.triggers.parameter_name}",
      AREA_CODE: "${self.triggers.area_code}",
      STATE: "${self.triggers.state}",
    };
    this.order = new Resource(this, "order", {
      count,
      triggers: {
        region: props.region.stringValue,
        voice_connector_id: props.voiceConnectorId,
        parameter_name: hcl(countedAttribute(parameter, "name")),
        area_code: props.areaCode.stringValue,
        state: props.state.stringValue,
      },
      provisioners: [
        { type: "local-exec", command: `bash ${script.path} order`, environment: fromTriggers },
        { type: "local-exec", when: "destroy", command: `bash ${script.path} release`, environment: fromTriggers },
      ],
    });
    this.order.overrideLogicalId("phone_number");

    // Terraform postpones reading a data source to the apply whenever a managed resource it refers
    // to (or names in depends_on) has changes pending; then the number, and the PBX's user data with
    // it, becomes unknown and the PBX is replaced. So the read refers to the order alone: its id is
    // unknown until the order has run (the number is read after ordering it), and it changes only
    // when a new number is ordered. The name comes from the order's trigger, not from the parameter,
    // which a tags change updates in place.
    const stored = new DataAwsSsmParameter(this, "stored", {
      count,
      name: hcl(`${addressOf(this.order)}[0].id == "" ? "" : ${addressOf(this.order)}[0].triggers.parameter_name`),
    });
    stored.overrideLogicalId("phone_number");
    this.number = countedDataAttribute(stored, "insecure_value");
  }
}
