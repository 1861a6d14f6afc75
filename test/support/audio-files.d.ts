export interface WavSpec {
  channels: number;
  sampleRateHz: number;
  durationSeconds: number;
  /** Bytes of a LIST chunk written before `data`. */
  list?: number;
  /** Leaves the RIFF and data sizes 0xFFFFFFFF, as a writer that streams does. */
  streamedSizes?: boolean;
}
export interface OpusSpec {
  channels: number;
  inputSampleRateHz?: number;
  durationSeconds: number;
  preSkip?: number;
}
export declare function wav(spec: WavSpec): Buffer;
export declare function opus(spec: OpusSpec): Buffer;
