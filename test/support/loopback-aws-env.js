"use strict";
/**
 * The environment a process under test runs with so that only the loopback servers answer: a Region,
 * dummy credentials, and neither the developer's AWS profile nor the instance metadata service. Each
 * caller adds the AWS_ENDPOINT_URL_<SERVICE> of its own servers.
 * @param {string} accessKeyId names the caller in the servers' logs
 * @returns {Record<string, string>}
 */
function loopbackAwsEnv(accessKeyId) {
  return {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: "test-secret",
    AWS_CONFIG_FILE: "/nonexistent/aws-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
}

module.exports = { loopbackAwsEnv };
