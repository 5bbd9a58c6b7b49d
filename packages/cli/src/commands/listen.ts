import { randomBytes } from "node:crypto";
import type { components } from "@timecard/sdk";
import { signWebhook } from "@timecard/webhooks";
import { writeConfig } from "../config.js";
import { type CommandContext, clientFor, type Resolved, resolve } from "../context.js";
import { CliError, EXIT } from "../errors.js";
import { eventFilter } from "../event-filter.js";
import { follow, untilInterrupted, warnOnRetry } from "../follow.js";
import { bold, hasColor } from "../output.js";

type Event = components["schemas"]["Event"];

/** `timecard listen`'s flags. */
export interface ListenFlags {
  forwardTo?: string;
  events?: string[];
  printSecret?: boolean;
  intervalMs: number;
}

/** How long a local receiver may take to answer one event. */
const FORWARD_TIMEOUT_MS = 10_000;

/** The profile's listen secret; made (`whsec_` + 32 random bytes) and saved on first use. */
export async function listenSecret(resolved: Resolved): Promise<string> {
  const saved = resolved.config.listen_secrets?.[resolved.profile];
  if (saved) return saved;
  const secret = `whsec_${randomBytes(32).toString("base64")}`;
  const config = {
    ...resolved.config,
    listen_secrets: { ...resolved.config.listen_secrets, [resolved.profile]: secret },
  };
  await writeConfig(resolved.configPath, config);
  return secret;
}

/** What the local receiver answered for one event. */
interface Forwarded {
  status?: number;
  error?: string;
  ms: number;
}

/** POSTs `event` to `url` as Timecard delivers it: Standard Webhooks headers, signed with `secret`. */
async function forward(url: string, event: Event, secret: string, signal: AbortSignal): Promise<Forwarded> {
  const body = JSON.stringify(event);
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = signWebhook({ id: event.id, timestamp, payload: body, secret });
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(url, {
      method: "POST",
      body,
      redirect: "manual",
      headers: {
        "content-type": "application/json",
        "user-agent": "timecard-cli (listen)",
        "webhook-id": event.id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signature,
        "x-signature": signature,
      },
      signal: AbortSignal.any([signal, AbortSignal.timeout(FORWARD_TIMEOUT_MS)]),
    });
    await response.arrayBuffer();
    return { status: response.status, ms: ms() };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    const reason =
      e.name === "TimeoutError" ? `no answer within ${FORWARD_TIMEOUT_MS / 1000} s` : (e.cause?.code ?? e.message);
    return { error: reason, ms: ms() };
  }
}

const outcome = (f: Forwarded) => (f.status === undefined ? `failed: ${f.error}` : `${f.status} (${f.ms} ms)`);

/**
 * `timecard listen`: polls `GET /v1/events` for the organization's new events, prints each and,
 * with `--forward-to`, POSTs it to a local URL signed with the profile's local secret, until Ctrl-C.
 */
export async function listen(ctx: CommandContext, flags: ListenFlags): Promise<void> {
  const resolved = await resolve(ctx);
  const secret = await listenSecret(resolved);
  if (flags.printSecret) {
    ctx.io.stdout(`${secret}\n`);
    return;
  }
  const target = flags.forwardTo;
  if (target !== undefined) {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new CliError(
        `--forward-to takes a URL such as http://localhost:3000/webhooks, got "${target}"`,
        EXIT.USAGE,
      );
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new CliError("--forward-to takes an http or https URL", EXIT.USAGE);
  }
  const filter = eventFilter(flags.events);

  await untilInterrupted(ctx.io, async (signal) => {
    const { client } = await clientFor(ctx, {}, resolved);
    const me = await client.me.get({ signal });
    const ready = () => {
      const color = hasColor(process.stderr, ctx.env);
      const types = flags.events?.length ? flags.events.join(", ") : "every type";
      ctx.io.stderr(
        `${bold("Ready.", color)} Listening for events of ${me.organization.name} (${me.organization.id}): ${types}.\n` +
          (target
            ? `Forwarding each to ${target}, signed with ${secret}\n` +
              "  (this profile's local secret: verify with it, e.g. TIMECARD_WEBHOOK_SECRET=$(timecard listen --print-secret))\n"
            : "") +
          "Press Ctrl+C to stop.\n",
      );
    };
    await follow(
      {
        page: (from, cursor) =>
          client.events.list(
            { limit: 100, ...filter.query, ...(from ? { from } : {}), ...(cursor ? { cursor } : {}) },
            { signal },
          ),
        id: (event) => event.id,
        time: (event) => event.created_at,
      },
      {
        intervalMs: flags.intervalMs,
        signal,
        rateLimit: () => client.rateLimit,
        onStarted: ready,
        onRetry: warnOnRetry(ctx.io),
      },
      async (event) => {
        if (!filter.matches(event.type)) return;
        const forwarded = target ? await forward(target, event, secret, signal) : undefined;
        if (signal.aborted) return;
        if (ctx.options.json) {
          ctx.io.stdout(`${JSON.stringify(event)}\n`);
          if (forwarded) ctx.io.stderr(`${event.id} → ${outcome(forwarded)}\n`);
        } else {
          ctx.io.stdout(
            `${event.created_at}  ${event.type.padEnd(22)}  ${event.id}${forwarded ? `  → ${outcome(forwarded)}` : ""}\n`,
          );
        }
      },
    );
  });
}
