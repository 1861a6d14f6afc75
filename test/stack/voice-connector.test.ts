import { resource, synthesizeStack } from "../support/synth";

const config = synthesizeStack();

describe("the voice connector", () => {
  it("is named after the prefix in the deployment region", () => {
    expect(resource(config, "aws_chime_voice_connector", "recorded")).toMatchObject({
      name: "${var.name_prefix}",
      aws_region: "${var.region}",
      require_encryption: "${var.require_encryption}",
    });
  });

  it("streams both legs to Kinesis Video Streams, kept for data_retention_hours, and reports to EventBridge", () => {
    expect(resource(config, "aws_chime_voice_connector_streaming", "recorded")).toMatchObject({
      voice_connector_id: "${aws_chime_voice_connector.recorded.id}",
      data_retention: "${var.data_retention_hours}",
      disabled: false,
      streaming_notification_targets: ["EventBridge"],
    });
  });

  it("does not attach a pipeline configuration, so only the recorder starts pipelines", () => {
    expect(resource(config, "aws_chime_voice_connector_streaming", "recorded")).not.toHaveProperty(
      "media_insights_configuration",
    );
  });

  it("logs SIP messages and media metrics", () => {
    expect(resource(config, "aws_chime_voice_connector_logging", "recorded")).toMatchObject({
      enable_sip_logs: true,
      enable_media_metric_logs: true,
    });
  });
});
