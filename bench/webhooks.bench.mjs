// `pnpm bench webhooks`: the receiver's side and the sender's side of webhooks, in one run.
// 1. Verification throughput of @timecard/webhooks' verifyWebhook (verify and parse, 1 KB and
//    64 KB events) against the floor (node:crypto HMAC + timingSafeEqual + JSON.parse) and the
//    standardwebhooks package, as ratios (aim: verifyWebhook within 10% of the floor).
// 2. Event-to-receipt latency p50/p99 at a sustained 500 events/s through the reference server's
//    dispatcher to a receiver on loopback, and deliveries per second (aim: p99 under 100 ms).
// Needs `pnpm build`.
import { runLatencyBench } from "./webhooks-latency.mjs";
import { runVerifyBench } from "./webhooks-verify.mjs";

await runVerifyBench();
console.log("");
await runLatencyBench();
