import { randomUUID } from "node:crypto";
import { loadServiceModel, ServiceError, type ServiceSimulation } from "../../support/model-endpoint";

/**
 * A stateful simulation of the Chime SDK Voice phone-number operations and the SSM parameter
 * operations the phone number script uses, answered through the model endpoint: it can only answer
 * with members the service models have, and the endpoint refuses what the models refuse.
 */

export const VOICE_MODEL = loadServiceModel("chime-sdk-voice", "2022-08-03");
export const SSM_MODEL = loadServiceModel("ssm", "2014-11-06");

export const VOICE_CONNECTOR_ID = "abcdefghij0123456789ab";
export const PARAMETER_NAME = "/call-recorder/pbx/phone-number";

type OrderStatus = "Processing" | "Successful" | "Failed" | "Partial" | "Exception" | "CancelRequested" | "Cancelled";

export interface PhoneNumberWorldOptions {
  /** Numbers the search finds. */
  available?: string[];
  /** Successive PhoneNumberOrder.Status answers of GetPhoneNumberOrder; the last one repeats. */
  orderStatuses?: OrderStatus[];
  /** PhoneNumberErrors that AssociatePhoneNumbersWithVoiceConnector answers with. */
  associateErrors?: { PhoneNumberId: string; ErrorCode: string; ErrorMessage: string }[];
  /** The SSM parameter's value; null when it does not exist. */
  parameter?: string | null;
  /** Numbers in the account, by E.164, with the voice connectors they are associated with. */
  numbers?: Record<string, { status: string; voiceConnectors: string[] }>;
  /** GetPhoneNumber looks at a number after a disassociation before it shows. */
  disassociationPolls?: number;
  /** Whether GetPhoneNumber answers an empty Associations list as [] or leaves it out, as the service may. */
  emptyAssociations?: "omitted" | "[]";
  /** An operation that answers with an error, e.g. { operation: "GetParameter", code: "InternalServerError" }. */
  failOn?: { operation: string; code: string };
}

export interface SimulatedNumber {
  status: string;
  voiceConnectors: string[];
  /** GetPhoneNumber looks left before a pending disassociation shows. */
  disassociating?: number;
}

export interface PhoneNumberWorld {
  readonly services: ServiceSimulation[];
  /** Operations answered, in order, with their input. */
  readonly calls: { operation: string; input: any }[];
  readonly numbers: Record<string, SimulatedNumber>;
  readonly orders: Map<string, { number: string; status: OrderStatus }>;
  readonly parameter: () => string | null;
  /** The operations called, e.g. ["GetParameter", "GetPhoneNumber"]. */
  readonly operations: () => string[];
}

const US_FILTERS = ["AreaCode", "City", "State", "TollFreePrefix"];

export function phoneNumberWorld(options: PhoneNumberWorldOptions = {}): PhoneNumberWorld {
  const available = [...(options.available ?? [])];
  const orderStatuses = [...(options.orderStatuses ?? ["Successful"])];
  const numbers: Record<string, SimulatedNumber> = structuredClone(options.numbers ?? {});
  const orders = new Map<string, { number: string; status: OrderStatus }>();
  let parameter = options.parameter === undefined ? "none" : options.parameter;
  let parameterVersion = 1;
  const calls: { operation: string; input: any }[] = [];
  const created = new Date("2026-01-01T00:00:00Z");

  const found = (id: string): SimulatedNumber => {
    const number = numbers[id];
    if (number === undefined) throw new ServiceError("NotFoundException", `Phone number ${id} not found.`);
    return number;
  };

  const orderDescription = (id: string) => {
    const order = orders.get(id)!;
    const numberStatus = order.status === "Successful" ? "Acquired" : order.status === "Processing" ? "Processing" : "Failed";
    return {
      PhoneNumberOrderId: id,
      ProductType: "VoiceConnector",
      Status: order.status,
      OrderType: "New",
      OrderedPhoneNumbers: [{ E164PhoneNumber: order.number, Status: numberStatus }],
      CreatedTimestamp: created,
      UpdatedTimestamp: created,
    };
  };

  const voice: Record<string, (input: any) => unknown> = {
    SearchAvailablePhoneNumbers: (input) => {
      // The API reference of SearchAvailablePhoneNumbers (Amazon Chime, older API) makes this a rule.
      if ((input.Country ?? "US") === "US" && !US_FILTERS.some((filter) => input[filter] !== undefined)) {
        throw new ServiceError(
          "BadRequestException",
          "US searches must name at least one of AreaCode, City, State or TollFreePrefix.",
        );
      }
      if (input.City !== undefined && input.State === undefined) {
        throw new ServiceError("BadRequestException", "City requires State.");
      }
      return { E164PhoneNumbers: available.slice(0, input.MaxResults ?? 100) };
    },
    CreatePhoneNumberOrder: (input) => {
      const [number] = input.E164PhoneNumbers;
      if (!available.includes(number)) throw new ServiceError("BadRequestException", `${number} is not available.`);
      available.splice(available.indexOf(number), 1);
      const id = randomUUID();
      orders.set(id, { number, status: "Processing" });
      numbers[number] = { status: "AcquireInProgress", voiceConnectors: [] };
      return { PhoneNumberOrder: orderDescription(id) };
    },
    GetPhoneNumberOrder: (input) => {
      const order = orders.get(input.PhoneNumberOrderId);
      if (order === undefined) throw new ServiceError("NotFoundException", `Order ${input.PhoneNumberOrderId} not found.`);
      order.status = orderStatuses.length > 1 ? orderStatuses.shift()! : orderStatuses[0];
      if (order.status === "Successful") numbers[order.number].status = "Unassigned";
      if (order.status === "Failed") numbers[order.number].status = "AcquireFailed";
      return { PhoneNumberOrder: orderDescription(input.PhoneNumberOrderId) };
    },
    AssociatePhoneNumbersWithVoiceConnector: (input) => {
      if (input.VoiceConnectorId !== VOICE_CONNECTOR_ID) {
        throw new ServiceError("NotFoundException", `Voice connector ${input.VoiceConnectorId} not found.`);
      }
      if (options.associateErrors) return { PhoneNumberErrors: options.associateErrors };
      const errors = [];
      for (const e164 of input.E164PhoneNumbers) {
        const number = numbers[e164];
        if (number === undefined || !["Unassigned", "Assigned"].includes(number.status)) {
          errors.push({ PhoneNumberId: e164, ErrorCode: "BadRequest", ErrorMessage: `${e164} cannot be associated.` });
        } else {
          Object.assign(number, { status: "Assigned", voiceConnectors: [input.VoiceConnectorId] });
        }
      }
      return { PhoneNumberErrors: errors };
    },
    GetPhoneNumber: (input) => {
      const number = found(input.PhoneNumberId);
      if (number.disassociating !== undefined && --number.disassociating <= 0) {
        Object.assign(number, { disassociating: undefined, voiceConnectors: [], status: "Unassigned" });
      }
      const associations = number.voiceConnectors.map((id) => ({
        Value: id,
        Name: "VoiceConnectorId",
        AssociatedTimestamp: created,
      }));
      return {
        PhoneNumber: {
          PhoneNumberId: input.PhoneNumberId,
          E164PhoneNumber: input.PhoneNumberId,
          Country: "US",
          Type: "Local",
          ProductType: "VoiceConnector",
          Status: number.status,
          ...(associations.length > 0 || options.emptyAssociations === "[]" ? { Associations: associations } : {}),
          CreatedTimestamp: created,
          UpdatedTimestamp: created,
        },
      };
    },
    DisassociatePhoneNumbersFromVoiceConnector: (input) => {
      for (const e164 of input.E164PhoneNumbers) found(e164).disassociating = options.disassociationPolls ?? 1;
      return { PhoneNumberErrors: [] };
    },
    DeletePhoneNumber: (input) => {
      const number = found(input.PhoneNumberId);
      if (number.voiceConnectors.length > 0) {
        throw new ServiceError("BadRequestException", `${input.PhoneNumberId} is associated with a voice connector.`);
      }
      number.status = "DeleteInProgress";
      return undefined;
    },
  };

  const ssm: Record<string, (input: any) => unknown> = {
    PutParameter: (input) => {
      if (input.Name !== PARAMETER_NAME) throw new ServiceError("ParameterNotFound", `${input.Name} is not simulated.`);
      if (parameter !== null && input.Overwrite !== true)
        throw new ServiceError("ParameterAlreadyExists", "The parameter already exists.");
      parameter = input.Value;
      parameterVersion += 1;
      return { Version: parameterVersion, Tier: "Standard" };
    },
    GetParameter: (input) => {
      if (input.Name !== PARAMETER_NAME || parameter === null) throw new ServiceError("ParameterNotFound", "");
      return {
        Parameter: {
          Name: PARAMETER_NAME,
          Type: "String",
          Value: parameter,
          Version: parameterVersion,
          LastModifiedDate: created,
          ARN: `arn:aws:ssm:us-east-1:111122223333:parameter${PARAMETER_NAME}`,
          DataType: "text",
        },
      };
    },
  };

  const recorded = (handlers: Record<string, (input: any) => unknown>) =>
    Object.fromEntries(
      Object.entries(handlers).map(([operation, handler]) => [
        operation,
        (input: any) => {
          calls.push({ operation, input });
          if (options.failOn?.operation === operation) throw new ServiceError(options.failOn.code, "injected failure");
          return handler(input);
        },
      ]),
    );

  return {
    services: [
      { model: VOICE_MODEL, handlers: recorded(voice) },
      { model: SSM_MODEL, handlers: recorded(ssm) },
    ],
    calls,
    numbers,
    orders,
    parameter: () => parameter,
    operations: () => calls.map((call) => call.operation),
  };
}
