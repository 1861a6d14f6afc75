"use strict";
/**
 * SSM Parameter Store as a loopback endpoint true to botocore's SSM model (JSON 1.1 protocol): GetParameter
 * only, refused unless the request conforms to the model, answered only with the model's members. Holds
 * SecureString parameters the test sets and changes; counts the reads.
 */
const { loadServiceModel, ServiceError, startModelEndpoint } = require("../../support/model-endpoint");

const ARN_PREFIX = "arn:aws:ssm:us-east-1:111122223333:parameter";

async function startParameterStore() {
  /** @type {Map<string, { value: string, version: number, modifiedAt: Date }>} */
  const parameters = new Map();
  let reads = 0;
  let failing;
  const endpoint = await startModelEndpoint({
    services: [
      {
        model: loadServiceModel("ssm", "2014-11-06"),
        handlers: {
          GetParameter(input) {
            reads += 1;
            if (failing) throw new ServiceError(failing, `${failing} (simulated)`);
            const parameter = parameters.get(input.Name);
            if (!parameter) throw new ServiceError("ParameterNotFound", `Parameter ${input.Name} not found.`);
            // A SecureString read without decryption returns the ciphertext; the recorder must ask for the value.
            const value = input.WithDecryption
              ? parameter.value
              : Buffer.from(`ciphertext:${parameter.value}`).toString("base64");
            return {
              Parameter: {
                Name: input.Name,
                Type: "SecureString",
                Value: value,
                Version: parameter.version,
                LastModifiedDate: parameter.modifiedAt,
                ARN: `${ARN_PREFIX}${input.Name}`,
                DataType: "text",
              },
            };
          },
        },
      },
    ],
  });
  return {
    url: endpoint.url,
    /** Sets (or changes) a parameter's value, as `terraform apply` or `aws ssm put-parameter` would. */
    put(name, value) {
      const previous = parameters.get(name);
      parameters.set(name, { value, version: (previous?.version ?? 0) + 1, modifiedAt: new Date() });
    },
    /** Every GetParameter fails with this modelled error until called with undefined. */
    fail(code) {
      failing = code;
    },
    get reads() {
      return reads;
    },
    verify: () => endpoint.verify(),
    close: () => endpoint.close(),
  };
}

module.exports = { startParameterStore };
