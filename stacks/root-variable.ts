import { TerraformStack, TerraformVariable, type TerraformVariableConfig } from "cdktf";
import type { Construct } from "constructs";

/** Values as an HCL list literal (JSON arrays of strings and numbers are valid HCL). */
export const hclList = (values: readonly (string | number)[]): string => JSON.stringify(values);

/** A rule Terraform evaluates at plan time; `condition` is one HCL expression without `${}`. */
export interface Rule {
  readonly condition: string;
  readonly errorMessage: string;
}

export interface VariableSpec extends Omit<TerraformVariableConfig, "validation"> {
  readonly type: string;
  readonly description: string;
  readonly rules?: readonly Rule[];
}

/**
 * Declares a root variable of the stack that holds `scope`. Variables live at the stack root with
 * their logical id overridden, so their names in the JSON are exactly the tfvars names, whichever
 * construct declares them.
 */
export function rootVariable(scope: Construct, name: string, spec: VariableSpec): TerraformVariable {
  const { rules, ...config } = spec;
  const v = new TerraformVariable(TerraformStack.of(scope), name, {
    ...config,
    nullable: false,
    validation: rules?.map((r) => ({ condition: `\${${r.condition}}`, errorMessage: r.errorMessage })),
  });
  v.overrideLogicalId(name);
  return v;
}

/**
 * A rule on the list variable `name` that keeps the entries breaking `entryIsValid` (HCL on entry `c`), so its
 * message names exactly those. The predicates below use try(): a malformed entry is reported by the format
 * rule, not by a failed index elsewhere.
 */
export const cidrRule = (name: string, entryIsValid: string, problem: string): Rule => {
  const offending = `[for c in var.${name} : c if !(${entryIsValid})]`;
  return { condition: `length(${offending}) == 0`, errorMessage: `${name}: \${jsonencode(${offending})} ${problem}` };
};

/** HCL: entry `c` is an IPv4 CIDR. */
export const isIpv4Cidr = `can(regex("^[0-9]{1,3}([.][0-9]{1,3}){3}/[0-9]{1,2}$", c)) && can(cidrhost(c, 0))`;

/** HCL: the prefix length of entry `c`. */
export const prefixLength = `tonumber(split("/", c)[1])`;

/** HCL: entry `c` has no host bits set. */
export const isNetworkAddress = `try(cidrhost(c, 0) == split("/", c)[0], true)`;
