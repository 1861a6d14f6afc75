import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import type { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { hcl, varRef } from "../hcl";

export interface DoNotRecordListProps {
  /** Parameter name, e.g. /<prefix>/recorder/do-not-record-numbers. */
  readonly name: string;
  /** The E.164 numbers, validated by the variable. */
  readonly numbers: TerraformVariable;
  /** The customer-managed key the parameter is encrypted with: the numbers are personal data. */
  readonly kmsKeyArn: string;
}

/**
 * The numbers whose calls are not recorded, as a JSON array in an SSM parameter. The function rereads it
 * within a minute, so a change is an apply of this parameter only: no new function code or configuration.
 */
export class DoNotRecordList extends Construct {
  readonly parameter: SsmParameter;

  constructor(scope: Construct, id: string, props: DoNotRecordListProps) {
    super(scope, id);
    this.parameter = new SsmParameter(this, "parameter", {
      name: props.name,
      description: "Phone numbers (E.164) whose calls the recorder does not record; a JSON array",
      type: "SecureString",
      keyId: props.kmsKeyArn,
      // A JSON array, so an empty list is "[]" (a parameter value cannot be empty).
      value: hcl(`jsonencode(${varRef(props.numbers)})`),
    });
    this.parameter.overrideLogicalId("do_not_record_numbers");
  }
}
