// Webhook verification throughput, in one run: the floor (node:crypto HMAC-SHA256 + timingSafeEqual
// + JSON.parse, nothing else), our verifyWebhook, the standardwebhooks package and our
// verifyWebhookAsync (WebCrypto), for 1 KB and 64 KB event bodies given as a string and as a
// Buffer. Each figure is the median of alternating rounds, printed as a ratio to the floor
// measured in the same round (aim: verifyWebhook ≥ 0.9). Needs `pnpm build`.
// `node bench/webhooks-verify.mjs` runs it alone; bench/webhooks.bench.mjs calls runVerifyBench().
import { createHmac, timingSafeEqual } from "node:crypto";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { median, seeded, shuffle } from "./support/harness.mjs";

const PACKAGE = new URL("../packages/webhooks/", import.meta.url);
const SECRET = `whsec_${Buffer.alloc(24, 0x5a).toString("base64")}`;
const ID = "evt_01J9ZB3K7X2MBS4W8Q6T0Y5N1C";
const AIM = 0.9;
const SLICES = 12;

/** A `session.stopped` envelope padded to `bytes` (within a few bytes) of UTF-8 JSON. */
function eventOfSize(bytes) {
  const event = {
    id: ID,
    type: "session.stopped",
    created_at: "2026-10-01T08:05:00Z",
    organization_id: "org_2b7Yk9QmWx4pLs8N",
    api_version: "2026-10-01",
    data: { id: "ses_1", employee_id: "emp_6Tz1Yu8IoP4aSd2F", duration_seconds: 28_800, activities: [] },
  };
  let i = 0;
  while (JSON.stringify(event).length < bytes - 120) {
    event.data.activities.push({ period_start: "2026-10-01T08:00:00Z", keyboard: i % 97, mouse: i++ % 89, note: "ž" });
  }
  return JSON.stringify(event);
}

/** Runs `contender` `batch` times; returns the milliseconds taken. */
async function time(contender, batch) {
  const { fn } = contender;
  let sink = 0;
  const start = performance.now();
  if (contender.isAsync) for (let i = 0; i < batch; i++) sink += (await fn()).id.length;
  else for (let i = 0; i < batch; i++) sink += fn().id.length;
  const elapsed = performance.now() - start;
  if (sink !== batch * ID.length) throw new Error(`${contender.name} returned the wrong event`);
  return elapsed;
}

/**
 * Runs the benchmark and prints a table; resolves to one row per body with each verifier's median
 * operations per second and its median ratio to the floor.
 */
export async function runVerifyBench({ rounds = 9, roundMs = 150, warmupMs = 300, log = console.log } = {}) {
  const { verifyWebhook, verifyWebhookAsync, signWebhook } = await import(new URL("dist/index.js", PACKAGE).href);
  const { Webhook } = createRequire(new URL("package.json", PACKAGE))("standardwebhooks");
  const key = Buffer.from(SECRET.slice("whsec_".length), "base64");
  const reference = new Webhook(SECRET);

  const random = seeded(0x7c0ffee);
  const rows = [];
  for (const size of [1024, 64 * 1024]) {
    const text = eventOfSize(size);
    for (const [kind, body] of [
      ["string", text],
      ["Buffer", Buffer.from(text)],
    ]) {
      // The real clock, as a receiver runs: standardwebhooks cannot be given another.
      const timestamp = Math.floor(Date.now() / 1000);
      const headers = {
        "content-type": "application/json",
        "user-agent": "Timecard-Webhooks/1.0",
        "webhook-id": ID,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signWebhook({ id: ID, timestamp, payload: body, secret: SECRET }),
      };
      const contenders = [
        {
          name: "floor",
          fn: () => {
            const mac = createHmac("sha256", key)
              .update(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.`)
              .update(body)
              .digest();
            const signature = Buffer.from(headers["webhook-signature"].slice(3), "base64");
            if (!timingSafeEqual(mac, signature)) throw new Error("floor: no match");
            return JSON.parse(typeof body === "string" ? body : body.toString("utf8"));
          },
        },
        { name: "verifyWebhook", fn: () => verifyWebhook({ payload: body, headers, secret: SECRET }) },
        { name: "standardwebhooks", fn: () => reference.verify(body, headers) },
        {
          name: "verifyWebhookAsync",
          isAsync: true,
          fn: () => verifyWebhookAsync({ payload: body, headers, secret: SECRET }),
        },
      ];

      // Warm-up, which also sizes each contender's batch to one slice of a round.
      for (const contender of contenders) {
        let ops = 0;
        let elapsed = 0;
        while (elapsed < warmupMs) {
          elapsed += await time(contender, 10);
          ops += 10;
        }
        contender.batch = Math.max(1, Math.round((ops / elapsed) * (roundMs / SLICES)));
        contender.samples = [];
        contender.ratios = [];
      }
      for (let round = 0; round < rounds; round++) {
        // Interleave short slices in a shuffled order, so drift (thermal, GC left by the previous
        // contender, neighbours on a shared machine) hits every contender alike.
        const spent = contenders.map(() => 0);
        for (let slice = 0; slice < SLICES; slice++) {
          for (const i of shuffle(
            contenders.map((_, i) => i),
            random,
          )) {
            spent[i] += await time(contenders[i], contenders[i].batch);
          }
        }
        contenders.forEach((contender, i) => {
          contender.samples.push((contender.batch * SLICES * 1000) / spent[i]);
        });
        for (const contender of contenders)
          contender.ratios.push(contender.samples[round] / contenders[0].samples[round]);
      }
      rows.push({
        body: `${size / 1024} KB ${kind}`,
        bytes: Buffer.byteLength(text),
        results: Object.fromEntries(
          contenders.map((c) => [c.name, { opsPerSecond: median(c.samples), ratio: median(c.ratios) }]),
        ),
      });
    }
  }

  const names = ["floor", "verifyWebhook", "standardwebhooks", "verifyWebhookAsync"];
  const cell = (r) => `${Math.round(r.opsPerSecond).toLocaleString("en-US").padStart(9)} ${r.ratio.toFixed(2)}`;
  log(`Webhook verification, ops/s and ratio to the floor (median of ${rounds} rounds of ${roundMs} ms each)`);
  log(["body".padEnd(14), ...names.map((n) => n.padStart(18))].join(" "));
  for (const row of rows) log([row.body.padEnd(14), ...names.map((n) => cell(row.results[n]).padStart(18))].join(" "));
  const worst = Math.min(...rows.map((row) => row.results.verifyWebhook.ratio));
  log(`verifyWebhook / floor: worst ${worst.toFixed(2)} (aim ≥ ${AIM})${worst >= AIM ? "" : "  BELOW AIM"}`);
  return { rows, verifyWebhookWorstRatio: worst, meetsAim: worst >= AIM };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runVerifyBench();
}
