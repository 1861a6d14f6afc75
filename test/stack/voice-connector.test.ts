import { resource, synthesizeStack } from "../support/synth";

const config = synthesizeStack();
/** The created connector's resources exist only while voice_connector_ids is empty. */
const createdOnly = "${length(var.voice_connector_ids) > 0 ? 0 : 1}";
const createdConnectorId = "${one(aws_chime_voice_connector.recorded[*].id)}";

describe("the voice connector", () => {
  it("is named after the prefix in the deployment region", () => {
    expect(resource(config, "aws_chime_voice_connector", "recorded")).toMatchObject({
      name: "${var.name_prefix}",
      aws_region: "${var.region}",
      require_encryption: "${var.require_encryption}",
    });
  });

  it("is created, with its streaming and logging, only when voice_connector_ids names none of the operator's own", () => {
    // count keeps each address: Terraform moves a deployed connector to [0] by itself, with nothing replaced.
    for (const type of [
      "aws_chime_voice_connector",
      "aws_chime_voice_connector_streaming",
      "aws_chime_voice_connector_logging",
    ]) {
      expect({ type, count: resource(config, type, "recorded").count }).toEqual({ type, count: createdOnly });
    }
  });

  it("streams both legs to Kinesis Video Streams, kept for data_retention_hours, and reports to EventBridge", () => {
    expect(resource(config, "aws_chime_voice_connector_streaming", "recorded")).toMatchObject({
      voice_connector_id: createdConnectorId,
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
      voice_connector_id: createdConnectorId,
      enable_sip_logs: true,
      enable_media_metric_logs: true,
    });
  });

  it("is named by the outputs only while it exists: null with voice_connector_ids", () => {
    expect(config.output.voice_connector_id.value).toBe(createdConnectorId);
    expect(config.output.voice_connector_host.value).toBe("${one(aws_chime_voice_connector.recorded[*].outbound_host_name)}");
  });
});

describe("the voice connectors the operator already runs (voice_connector_ids)", () => {
  const given = resource(config, "aws_chime_voice_connector_streaming", "given");
  const carried = "var.voice_connector_streaming[each.key]";

  it("each get a streaming configuration of their own, keyed by id", () => {
    expect(given).toMatchObject({ for_each: "${toset(var.voice_connector_ids)}", voice_connector_id: "${each.key}" });
  });

  it("have nothing else of theirs managed: every other connector setting is the created connector's", () => {
    const settings = Object.entries(config.resource)
      .filter(([type]) => type.startsWith("aws_chime_voice_connector_"))
      .flatMap(([type, byName]) => Object.entries(byName).map(([name, body]) => [`${type}.${name}`, body.voice_connector_id]));
    expect(Object.fromEntries(settings)).toEqual({
      "aws_chime_voice_connector_logging.recorded": createdConnectorId,
      "aws_chime_voice_connector_origination.recorded": createdConnectorId,
      "aws_chime_voice_connector_streaming.given": "${each.key}",
      "aws_chime_voice_connector_streaming.recorded": createdConnectorId,
      "aws_chime_voice_connector_termination.recorded": createdConnectorId,
    });
  });

  it("stream both legs for at least data_retention_hours, or the longer retention carried over", () => {
    expect(given.data_retention).toBe(`\${max(var.data_retention_hours, try(${carried}.data_retention_hours, 0))}`);
    expect(given.disabled).toBe(false);
  });

  it("report to EventBridge, and keep the SNS or SQS targets carried over", () => {
    expect(given.streaming_notification_targets).toBe(
      `\${distinct(concat(["EventBridge"], try(${carried}.notification_targets, [])))}`,
    );
  });

  it("keep a media insights configuration carried over, disabled if it was, and attach none otherwise", () => {
    const arn = `try(${carried}.media_insights_configuration_arn, "")`;
    expect(given.dynamic).toEqual({
      media_insights_configuration: {
        for_each: `\${${arn} == "" ? [] : [${arn}]}`,
        content: {
          disabled: `\${try(${carried}.media_insights_configuration_disabled, false)}`,
          configuration_arn: "${media_insights_configuration.value}",
        },
      },
    });
  });

  it("refuse to be destroyed: deleting the configuration would stop streaming for every other consumer", () => {
    expect(given.lifecycle).toEqual({ prevent_destroy: true });
  });

  it("may be imported, so that the first plan shows an update of each connector's configuration", () => {
    expect((config as unknown as { import: unknown }).import).toEqual([
      {
        for_each: "${var.import_voice_connector_streaming ? toset(var.voice_connector_ids) : toset([])}",
        to: "aws_chime_voice_connector_streaming.given[each.key]",
        id: "${each.key}",
      },
    ]);
  });

  it("warn, through a check, of an enabled media insights configuration carried over that may record each call twice", () => {
    const check = (config as unknown as { check: Record<string, { assert: { condition: string }[] }> }).check;
    expect(Object.keys(check)).toEqual(["media_insights_records_twice"]);
    expect(check.media_insights_records_twice.assert.map((a) => a.condition)).toEqual([
      '${length([for id, s in var.voice_connector_streaming : id if s.media_insights_configuration_arn != "" && !s.media_insights_configuration_disabled]) == 0}',
    ]);
  });

  it("are listed by an output, as the connector the stack creates is otherwise", () => {
    expect(config.output.recorded_voice_connector_ids.value).toBe("${local.recorded_connector_ids}");
  });
});
