export interface ParameterStore {
  readonly url: string;
  put(name: string, value: string): void;
  fail(code: "InternalServerError" | "ParameterNotFound" | undefined): void;
  readonly reads: number;
  verify(): void;
  close(): Promise<void>;
}
export declare function startParameterStore(): Promise<ParameterStore>;
