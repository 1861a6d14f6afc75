import { DataAwsKmsKey } from "@cdktf/provider-aws/lib/data-aws-kms-key";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KmsKeyPolicy } from "@cdktf/provider-aws/lib/kms-key-policy";
import { DataResource, TerraformLocal, type TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { countedAttribute, hcl, hclNumber, policyDocument, varRef } from "../hcl";
import { type KeyUsers, keyPolicyStatements } from "./key-policy";

export interface EncryptionKeyProps {
  /** Existing key ARN, or "" to create one. */
  readonly kmsKeyArn: TerraformVariable;
  readonly accountId: string;
  readonly region: string;
  readonly namePrefix: string;
  /** The recordings' removal policy: under RETAIN the created key must outlive any plan, like the bucket. */
  readonly removalPolicy: TerraformVariable;
  /** Existing bucket, or "" when the stack creates one (whose recordings the created key encrypts). */
  readonly outputBucket: TerraformVariable;
}

/**
 * The one customer-managed key of the recorder: recordings, the call table, both queues, the alarm topic, the
 * function's logs and the do-not-record list. Created here (with rotation, an alias and a policy naming each
 * user) or given.
 */
export class EncryptionKey extends Construct {
  /** The key's ARN, created or given. */
  readonly keyArn: string;
  private readonly key: KmsKey;
  private readonly props: EncryptionKeyProps;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    this.props = props;
    const count = hclNumber(`${varRef(props.kmsKeyArn)} == "" ? 1 : 0`);
    this.key = new KmsKey(this, "key", {
      count,
      description: `Encrypts the call recordings of ${props.namePrefix} and everything that describes the calls`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      // The Chime SDK's documented resource access role uses keys tagged so (docs/compliance.md, "Encryption").
      tags: { AWSServiceName: "ChimeSDK" },
    });
    this.key.overrideLogicalId("recordings");

    new KmsAlias(this, "alias", {
      count,
      name: `alias/${props.namePrefix}-recordings`,
      targetKeyId: hcl(countedAttribute(this.key, "key_id")),
    }).overrideLogicalId("recordings");

    // A given key is read during the plan, so a key that could not serve fails there, naming the variable.
    const given = varRef(props.kmsKeyArn);
    new DataAwsKmsKey(this, "given", {
      count: hclNumber(`${given} == "" ? 0 : 1`),
      keyId: props.kmsKeyArn.stringValue,
      lifecycle: {
        postcondition: [
          {
            condition: hcl(`self.key_spec == "SYMMETRIC_DEFAULT" && self.key_usage == "ENCRYPT_DECRYPT"`),
            errorMessage: `kms_key_arn: \${${given}} is a \${self.key_spec} key for \${self.key_usage}; S3, DynamoDB, SQS, SNS and CloudWatch Logs need a symmetric encryption key (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT).`,
          },
          {
            condition: hcl(`self.enabled && self.key_state == "Enabled"`),
            errorMessage: `kms_key_arn: \${${given}} is \${self.key_state}; enable the key (or cancel its deletion) before deploying.`,
          },
          {
            condition: hcl(`self.key_manager == "CUSTOMER"`),
            errorMessage: `kms_key_arn: \${${given}} is an AWS managed key, whose policy you cannot change; give a customer managed key, or "" to create one.`,
          },
        ],
      },
    }).overrideLogicalId("given");

    // Under RETAIN the kept recordings need the created key: a plan that would delete it (destroy, or switching
    // to a given key) fails here, before anything is deleted, as the bucket's own guard does.
    const guard = new DataResource(this, "retain", {
      count: hclNumber(
        `${given} == "" && ${varRef(props.outputBucket)} == "" && ${varRef(props.removalPolicy)} != "DESTROY" ? 1 : 0`,
      ),
      input: { key: hcl(countedAttribute(this.key, "arn")) },
      triggersReplace: { key: hcl(countedAttribute(this.key, "arn")) },
      dependsOn: [this.key],
      lifecycle: { preventDestroy: true },
    });
    guard.overrideLogicalId("retain_key");

    const arn = new TerraformLocal(
      this,
      "kms_key_arn",
      hcl(`${varRef(props.kmsKeyArn)} == "" ? ${countedAttribute(this.key, "arn")} : ${varRef(props.kmsKeyArn)}`),
    );
    arn.overrideLogicalId("kms_key_arn");
    this.keyArn = arn.asString;
  }

  /**
   * The created key's policy, naming each user and what it may do (a given key's policy is its owner's; the
   * docs/compliance.md lists what it must allow). Called once the users exist, since KMS refuses unknown principals;
   * resources whose service uses the key as they are created wait for it.
   */
  addPolicy(users: KeyUsers): KmsKeyPolicy {
    const policy = new KmsKeyPolicy(this, "policy", {
      count: hclNumber(`${varRef(this.props.kmsKeyArn)} == "" ? 1 : 0`),
      keyId: hcl(countedAttribute(this.key, "key_id")),
      policy: policyDocument(keyPolicyStatements(users, this.props)),
    });
    policy.overrideLogicalId("recordings");
    return policy;
  }
}
