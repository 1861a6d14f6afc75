"use strict";
/**
 * What a media insights pipeline leaves at its S3 destination when it finishes, written into the
 * loopback S3: the real file for the request (one channel per stream, 8 kHz, as long as the
 * requested range) or, when a test says so, a short, empty, malformed or no file.
 */
const { opus, wav } = require("../../support/audio-files");

const DESTINATION = /^arn:[a-z-]+:s3:::([^/]+)\/(.+)$/;

/** @typedef {"verified" | "short" | "empty" | "malformed" | "none"} SinkOutcome */

/**
 * @param {import("../../support/s3-server").S3Server} s3
 * @param {any} body a CreateMediaInsightsPipeline request as the service received it (timestamps in epoch seconds)
 * @param {SinkOutcome} outcome
 */
function writeRecording(s3, body, outcome) {
  if (outcome === "none") return;
  const sink = body.S3RecordingSinkRuntimeConfiguration;
  const match = DESTINATION.exec(sink.Destination);
  if (match === null) throw new Error(`destination ${sink.Destination} is not an S3 object ARN`);
  const [, bucket, key] = match;
  const source = body.KinesisVideoStreamRecordingSourceRuntimeConfiguration;
  const range = source.FragmentSelector.TimestampRange;
  const channels = source.Streams.length;
  const fullSeconds = range.EndTimestamp - range.StartTimestamp;
  const durationSeconds = outcome === "short" ? fullSeconds / 4 : outcome === "empty" ? 0 : fullSeconds;
  let file;
  if (outcome === "malformed") file = Buffer.from("<Error>the pipeline wrote something that is not audio</Error>");
  else if (sink.RecordingFileFormat === "Opus") file = opus({ channels, durationSeconds });
  else file = wav({ channels, sampleRateHz: 8000, durationSeconds });
  s3.put(bucket, key, file, sink.RecordingFileFormat === "Opus" ? "audio/ogg" : "audio/wav");
}

module.exports = { writeRecording };
