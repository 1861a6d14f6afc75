import { GetDataEndpointCommand, type KinesisVideoClient } from "@aws-sdk/client-kinesis-video";
import { type KinesisVideoArchivedMediaClient, ListFragmentsCommand } from "@aws-sdk/client-kinesis-video-archived-media";
import { classifyAwsError } from "./errors";
import type { Fragment } from "./leg-end";

/** Reads a stream's fragments, to find where a leg whose ENDED never came ended. */
export interface StreamFragments {
  /**
   * Every fragment whose producer time lies in [fromMs, toMs], read across all pages (they come in no
   * order, so no page alone says anything). No page is asked for after `stopByMs`: the listing fails.
   */
  list(callId: string, streamArn: string, fromMs: number, toMs: number, stopByMs: number): Promise<Fragment[]>;
}

/** The most fragments one page may hold (ListFragmentsMaxResults in the API model). */
const PAGE_SIZE = 1000;
/** Streams whose data endpoint one instance keeps (two per open call); the oldest is forgotten first. */
const ENDPOINT_CACHE_SIZE = 10_000;
/** A data endpoint is kept this long: long enough that the sweep's re-scans of a stream reuse it. */
const ENDPOINT_TTL_MS = 3_600_000;

export interface StreamFragmentsDependencies {
  kinesisVideo: KinesisVideoClient;
  /** A client of the archived-media API at a stream's data endpoint. */
  archivedMedia: (endpoint: string) => KinesisVideoArchivedMediaClient;
  now: () => number;
}

export function createStreamFragments({ kinesisVideo, archivedMedia, now }: StreamFragmentsDependencies): StreamFragments {
  const endpoints = new Map<string, { endpoint: string; expiresMs: number }>();
  const clients = new Map<string, KinesisVideoArchivedMediaClient>();

  async function dataEndpoint(callId: string, streamArn: string): Promise<string> {
    const cached = endpoints.get(streamArn);
    if (cached !== undefined && cached.expiresMs > now()) return cached.endpoint;
    let endpoint: string | undefined;
    try {
      ({ DataEndpoint: endpoint } = await kinesisVideo.send(
        new GetDataEndpointCommand({ StreamARN: streamArn, APIName: "LIST_FRAGMENTS" }),
      ));
    } catch (error) {
      throw classifyAwsError(error, { callId, operation: "GetDataEndpoint" });
    }
    if (endpoint === undefined)
      throw classifyAwsError(new Error("GetDataEndpoint named no endpoint"), { callId, operation: "GetDataEndpoint" });
    endpoints.delete(streamArn);
    endpoints.set(streamArn, { endpoint, expiresMs: now() + ENDPOINT_TTL_MS });
    if (endpoints.size > ENDPOINT_CACHE_SIZE) endpoints.delete(endpoints.keys().next().value as string);
    return endpoint;
  }

  function clientFor(endpoint: string): KinesisVideoArchivedMediaClient {
    let client = clients.get(endpoint);
    if (client === undefined) {
      client = archivedMedia(endpoint);
      clients.set(endpoint, client);
    }
    return client;
  }

  return {
    async list(callId, streamArn, fromMs, toMs, stopByMs) {
      const client = clientFor(await dataEndpoint(callId, streamArn));
      const fragments: Fragment[] = [];
      let NextToken: string | undefined;
      try {
        do {
          if (now() > stopByMs) throw new Error("the sweep's time ran out between two pages");
          const page = await client.send(
            new ListFragmentsCommand({
              StreamARN: streamArn,
              MaxResults: PAGE_SIZE,
              NextToken,
              FragmentSelector: {
                FragmentSelectorType: "PRODUCER_TIMESTAMP",
                TimestampRange: { StartTimestamp: new Date(fromMs), EndTimestamp: new Date(toMs) },
              },
            }),
          );
          for (const fragment of page.Fragments ?? []) {
            if (fragment.ProducerTimestamp === undefined) continue;
            const producerMs = fragment.ProducerTimestamp.getTime();
            fragments.push({
              producerMs,
              serverMs: fragment.ServerTimestamp?.getTime() ?? producerMs,
              lengthMs: fragment.FragmentLengthInMilliseconds ?? 0,
            });
          }
          NextToken = page.NextToken;
        } while (NextToken !== undefined && NextToken !== "");
      } catch (error) {
        throw classifyAwsError(error, { callId, operation: "ListFragments" });
      }
      return fragments;
    },
  };
}
