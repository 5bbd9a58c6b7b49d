// A webhook receiver: verifies each delivery's signature with @timecard/webhooks, drops
// duplicates by `webhook-id`, and handles events by type. Against the sandbox (npm run sandbox):
//
//   TIMECARD_API_KEY=tc_test_sandboxPLadminfull000000000000000qP8Pz npx tsx examples/webhook-receiver.ts
//
// It registers itself as a webhook endpoint on http://127.0.0.1:3000/webhooks (the sandbox lets
// endpoints use loopback), sends itself a test event, prints every event that arrives, and
// deletes the endpoint on Ctrl-C. Trigger more with POST /v1/sandbox/trigger or `timecard`.
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { paths } from "@timecard/sdk";
import { verifyWebhook, type WebhookEvent, WebhookVerificationError } from "@timecard/webhooks";
import createClient from "openapi-fetch";

/** A running receiver, registered as an endpoint. */
export interface Receiver {
  readonly url: string;
  readonly endpointId: string;
  /** The events verified so far, in order of arrival, without duplicates. */
  readonly events: WebhookEvent[];
  close(): Promise<void>;
}

/** Starts the receiver on `port` (0: any free one) and registers it with the API at `baseUrl`. */
export async function startReceiver(options: {
  baseUrl: string;
  apiKey: string;
  port?: number;
  onEvent?: (event: WebhookEvent) => void;
}): Promise<Receiver> {
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    headers: { Authorization: `Bearer ${options.apiKey}` },
  });
  const events: WebhookEvent[] = [];
  const seen = new Set<string>();
  let secret = "";

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      try {
        // Verify the raw bytes, before any JSON parsing: the signature covers them exactly.
        const event = verifyWebhook({ payload: Buffer.concat(chunks), headers: req.headers, secret });
        // Retries repeat the same `webhook-id`: handle each event once.
        if (!seen.has(event.id)) {
          seen.add(event.id);
          events.push(event);
          options.onEvent?.(event);
        }
        res.writeHead(204).end();
      } catch (error) {
        const code = error instanceof WebhookVerificationError ? error.code : "invalid_payload";
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: code }));
      }
    });
  });
  server.listen(options.port ?? 3000, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks`;

  const created = await client.POST("/v1/webhook-endpoints", {
    body: { url, description: "examples/webhook-receiver.ts", events: ["*"], enabled: true },
    headers: { "Idempotency-Key": crypto.randomUUID() },
  });
  if (created.error) {
    server.close();
    throw new Error(`Could not register ${url}: ${created.error.code}: ${created.error.detail ?? created.error.title}`);
  }
  secret = created.data.secret;
  const endpointId = created.data.id;

  return {
    url,
    endpointId,
    events,
    async close() {
      await client.DELETE("/v1/webhook-endpoints/{endpoint_id}", { params: { path: { endpoint_id: endpointId } } });
      server.close();
      await once(server, "close");
    },
  };
}

/** Sends the endpoint a `webhook.test` event and answers how its first attempt went. */
export async function sendTestEvent(baseUrl: string, apiKey: string, endpointId: string): Promise<string> {
  const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${apiKey}` } });
  const { data, error } = await client.POST("/v1/webhook-endpoints/{endpoint_id}/test", {
    params: { path: { endpoint_id: endpointId } },
    headers: { "Idempotency-Key": crypto.randomUUID() },
  });
  if (error) throw new Error(`${error.code}: ${error.detail ?? error.title}`);
  return data.status;
}

function describe(event: WebhookEvent): string {
  switch (event.type) {
    case "session.stopped":
      return `${event.data.employee_id} worked ${Math.round((event.data.duration_seconds ?? 0) / 60)} min`;
    case "leave.approved":
      return `${event.data.employee_id} is off ${event.data.start_date}–${event.data.end_date}`;
    case "webhook.test":
      return event.data.message;
    default:
      return `about ${(event.data as { id?: string }).id ?? "the organization"}`;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const baseUrl = process.env.TIMECARD_BASE_URL ?? "http://127.0.0.1:4010";
  const apiKey = process.env.TIMECARD_API_KEY ?? "tc_test_sandboxPLadminfull000000000000000qP8Pz";
  const receiver = await startReceiver({
    baseUrl,
    apiKey,
    port: Number(process.env.PORT ?? 3000),
    onEvent: (event) => console.log(`${event.created_at}  ${event.type.padEnd(20)}  ${describe(event)}`),
  });
  console.log(`Receiving on ${receiver.url} as endpoint ${receiver.endpointId}; Ctrl-C to stop.`);
  console.log(`Test event: ${await sendTestEvent(baseUrl, apiKey, receiver.endpointId)}`);
  process.once("SIGINT", () => {
    receiver.close().then(() => process.exit(0));
  });
}
