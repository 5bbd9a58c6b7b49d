import { describe, expect, it } from "vitest";
import { signWebhook } from "../../../webhooks/src/index.js";
import { runCli } from "../support/cli.js";

// `timecard webhooks verify`: offline, with no API: the raw body on stdin and the headers as a
// receiver got them; exit 0 when the signature matches, 1 with the reason's code when not.

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER = "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
const EVENT = {
  id: "evt_6Jk8Lz0Xc2Vb4Nm5",
  type: "webhook.test",
  created_at: "2026-10-05T07:00:00Z",
  organization_id: "org_2b7Yk9QmWx4pLs8N",
  api_version: "2026-10-01",
  data: { message: "A test event from Timecard.", endpoint_id: "whe_3Kd5Lz7Xc9Vb1Nm2" },
};
const BODY = JSON.stringify(EVENT);

/** A delivery of BODY signed with `secret` at `timestamp`, as `--header` lines. */
function delivery(secret = SECRET, timestamp = Math.floor(Date.now() / 1000)): string[] {
  const signature = signWebhook({ id: EVENT.id, timestamp, payload: BODY, secret });
  return [
    "--header",
    `webhook-id: ${EVENT.id}`,
    "--header",
    `webhook-timestamp: ${timestamp}`,
    "-H",
    `Webhook-Signature: ${signature}`,
  ];
}

const verify = (args: string[], body = BODY) => runCli(["webhooks", "verify", ...args], { input: body });

describe("timecard webhooks verify", () => {
  it("exits 0 and names the event when the signature matches", async () => {
    const { code, stdout, stderr } = await verify(["--secret", SECRET, ...delivery()]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toMatch(/^Verified: the signature matches\.$/m);
    expect(stdout).toMatch(/^Event\s+evt_6Jk8Lz0Xc2Vb4Nm5$/m);
    expect(stdout).toMatch(/^Type\s+webhook\.test$/m);

    const json = await verify(["--json", "--secret", SECRET, ...delivery()]);
    expect(JSON.parse(json.stdout)).toEqual({ verified: true, event: EVENT });
  });

  it("accepts either secret during a rotation", async () => {
    expect((await verify(["--secret", OTHER, "--secret", SECRET, ...delivery()])).code).toBe(0);
  });

  it.each([
    [
      "a re-serialized body",
      ["--secret", SECRET, ...delivery()],
      JSON.stringify(EVENT, null, 2),
      "no_matching_signature",
    ],
    ["another endpoint's secret", ["--secret", SECRET, ...delivery(OTHER)], BODY, "no_matching_signature"],
    [
      "an hour-old delivery",
      ["--secret", SECRET, ...delivery(SECRET, Math.floor(Date.now() / 1000) - 3600)],
      BODY,
      "timestamp_too_old",
    ],
    ["a missing header", ["--secret", SECRET, ...delivery().slice(2)], BODY, "missing_header"],
    ["a secret that is not one", ["--secret", "whsec_!!", ...delivery()], BODY, "invalid_secret"],
  ])("exits 1 for %s, with the reason's code", async (_, args, body, reason) => {
    const { code, stdout, stderr } = await verify(args, body);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(new RegExp(`^error: not verified: .+ \\(${reason}\\)\\n$`));
  });

  it("checks an old delivery with --tolerance none, and reports failures as JSON too", async () => {
    const old = delivery(SECRET, Math.floor(Date.now() / 1000) - 86_400);
    expect((await verify(["--secret", SECRET, ...old, "--tolerance", "none"])).code).toBe(0);
    expect((await verify(["--secret", SECRET, ...old, "--tolerance", "90000"])).code).toBe(0);
    const failed = await verify(["--json", "--secret", SECRET, ...old]);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ verified: false, code: "timestamp_too_old" });
  });

  it("exits 2 without a secret or headers, or with a malformed header line", async () => {
    expect((await verify([...delivery()])).code).toBe(2);
    expect((await verify(["--secret", SECRET])).code).toBe(2);
    const bad = await verify(["--secret", SECRET, "--header", "webhook-id evt_1"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--header takes 'name: value'");
    expect((await verify(["--secret", SECRET, ...delivery(), "--tolerance", "soon"])).code).toBe(2);
  });
});
