import { defineConfig } from "tsup";

export default defineConfig({
  // `web` is the WebCrypto entry: its module graph must never reach node:crypto.
  entry: ["src/index.ts", "src/web.ts"],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  // Shared chunks in both formats, so `index` and `web` share one WebhookVerificationError class.
  splitting: true,
  // Keep `node:crypto` as written: Deno and edge bundlers only treat prefixed specifiers as Node built-ins.
  removeNodeProtocol: false,
});
