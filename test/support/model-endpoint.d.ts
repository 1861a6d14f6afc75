/** A botocore service model (service-2.json), as far as the endpoint reads it. */
export interface ServiceModel {
  metadata: { uid: string; serviceId: string; protocol: string; targetPrefix?: string; jsonVersion?: string };
  operations: Record<string, any>;
  shapes: Record<string, any>;
}

export declare function botocoreDataDir(): string;
export declare function loadServiceModel(service: string, version: string): ServiceModel;
/** What is wrong with `value` as an instance of the shape; empty when it conforms. */
export declare function shapeProblems(model: ServiceModel, shapeName: string, value: unknown, where?: string): string[];
export declare function operationProblems(
  model: ServiceModel,
  operation: string,
  value: unknown,
  direction?: "input" | "output",
): string[];
export declare function assertOutput(model: ServiceModel, operation: string, output: unknown): void;

/** Thrown by a handler to answer with one of the operation's modelled errors. */
export declare class ServiceError extends Error {
  constructor(code: string, message?: string, members?: Record<string, unknown>);
  readonly code: string;
  readonly errorMessage: string;
  readonly members: Record<string, unknown>;
}

export type Handler = (input: any, request: { headers: Record<string, string | string[] | undefined> }) => unknown;
export interface ServiceSimulation {
  model: ServiceModel;
  handlers: Record<string, Handler>;
}
export interface ReceivedRequest {
  service: string;
  operation: string;
  input: any;
  /** Why the endpoint refused the request; empty when it conformed. */
  problems: string[];
}
export interface ModelEndpoint {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  readonly failures: string[];
  verify(): void;
  close(): Promise<void>;
}
/** Where a rest-json error's code goes: the x-amzn-ErrorType header, or only the body's __type or Code. */
export type ErrorCodePlacement = "header" | "__type" | "Code";
export declare function startModelEndpoint(options: {
  services: ServiceSimulation[];
  errorCodeIn?: ErrorCodePlacement;
}): Promise<ModelEndpoint>;
