#!/usr/bin/env node
// A stand-in for the AWS CLI v2, for the phone number script's tests: it answers the commands
// and --query expressions the script uses from a JSON state file (FAKE_AWS_STATE), as
// `--output text` would, and logs every call. Anything else fails loudly.
const fs = require("node:fs");

const stateFile = process.env.FAKE_AWS_STATE;
const state = JSON.parse(fs.readFileSync(stateFile, "utf8"));
const args = process.argv.slice(2);
state.calls.push(args.join(" "));

const option = (name) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};
const [service, operation] = args;
const query = option("--query");

const save = () => fs.writeFileSync(stateFile, JSON.stringify(state, null, 2));
const answer = (text) => {
  save();
  if (text !== undefined) process.stdout.write(`${text}\n`);
  process.exit(0);
};
const error = (code, message) => {
  save();
  process.stderr.write(`\nAn error occurred (${code}) when calling the ${operation} operation: ${message}\n`);
  process.exit(254);
};
const unsupported = () => error("FakeAwsUnsupported", `the fake does not know ${args.join(" ")}`);

if (state.failOn === operation) error("ServiceFailureException", "injected failure");

const number = (id) => state.numbers[id] ?? error("NotFoundException", `phone number ${id} not found`);

const operations = {
  "chime-sdk-voice search-available-phone-numbers": () =>
    query === "E164PhoneNumbers[0]" ? answer(state.available[0] ?? "None") : unsupported(),
  "chime-sdk-voice create-phone-number-order": () => {
    const e164 = option("--e164-phone-numbers");
    state.numbers[e164] = { status: "AcquireInProgress", associations: 0 };
    state.ordered = e164;
    return query === "PhoneNumberOrder.PhoneNumberOrderId" ? answer("order-1") : unsupported();
  },
  "chime-sdk-voice get-phone-number-order": () => {
    const status = state.orderStatuses.length > 1 ? state.orderStatuses.shift() : state.orderStatuses[0];
    if (status === "Successful") state.numbers[state.ordered].status = "Unassigned";
    return query === "PhoneNumberOrder.OrderStatus" ? answer(status) : unsupported();
  },
  "chime-sdk-voice associate-phone-numbers-with-voice-connector": () => {
    if (query !== "PhoneNumberErrors") return unsupported();
    if (state.associateErrors) return answer(state.associateErrors);
    Object.assign(number(option("--e164-phone-numbers")), { status: "Assigned", associations: 1 });
    state.associatedWith = option("--voice-connector-id");
    return answer("");
  },
  "chime-sdk-voice get-phone-number": () => {
    const found = number(option("--phone-number-id"));
    if (query === "PhoneNumber.Status") return answer(found.status);
    if (query === "length(PhoneNumber.Associations)") {
      // Disassociation takes effect after `disassociationPolls` more looks.
      if (found.disassociating && --found.disassociating === 0) found.associations = 0;
      return answer(String(found.associations));
    }
    return unsupported();
  },
  "chime-sdk-voice disassociate-phone-numbers-from-voice-connector": () => {
    const found = number(option("--e164-phone-numbers"));
    found.disassociating = state.disassociationPolls ?? 1;
    return answer("");
  },
  "chime-sdk-voice delete-phone-number": () => {
    number(option("--phone-number-id")).status = "DeleteInProgress";
    return answer();
  },
  "ssm put-parameter": () => {
    state.parameter = option("--value");
    return answer();
  },
  "ssm get-parameter": () => {
    if (state.parameter === null) return error("ParameterNotFound", "");
    return query === "Parameter.Value" ? answer(state.parameter) : unsupported();
  },
};

(operations[`${service} ${operation}`] ?? unsupported)();
