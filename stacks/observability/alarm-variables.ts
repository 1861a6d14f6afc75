import type { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { rootVariable, type VariableSpec } from "../root-variable";

/** Who the alarms notify. */
export class AlarmVariables extends Construct {
  readonly alarmEmail: TerraformVariable;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const variable = (name: string, spec: VariableSpec): TerraformVariable => rootVariable(this, name, spec);

    this.alarmEmail = variable("alarm_email", {
      type: "string",
      default: "",
      description: 'E-mail address subscribed to the alarms (the address must confirm the subscription). "" subscribes nobody.',
      rules: [
        {
          condition: `var.alarm_email == "" || can(regex("^[^@ ]+@[^@ ]+[.][^@ ]+$", var.alarm_email))`,
          errorMessage: 'alarm_email: "${var.alarm_email}" is not an e-mail address; use name@example.com, or "" for none.',
        },
      ],
    });
  }
}
