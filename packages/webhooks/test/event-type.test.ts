import { describe, expect, expectTypeOf, it } from "vitest";
import { loadSpec } from "../../../scripts/spec-check.mjs";
import { isWebhookEventType, WEBHOOK_EVENT_TYPES, type WebhookEvent, type WebhookEventOf } from "../src/index.js";

describe("webhook event types", () => {
  const spec = loadSpec();

  it("are exactly the spec's event types, each with its own schema in the union", () => {
    expect([...WEBHOOK_EVENT_TYPES]).toEqual(spec.components.schemas.EventType.enum);
    const mapping = spec.components.schemas.Event.discriminator.mapping as Record<string, string>;
    expect(Object.keys(mapping).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
  });

  it.each([...WEBHOOK_EVENT_TYPES])("recognise %s", (type) => {
    expect(isWebhookEventType(type)).toBe(true);
  });

  it.each([["session.exploded"], [""], [42], [null], [undefined], [{ type: "session.started" }]])(
    "refuse %j",
    (value) => {
      expect(isWebhookEventType(value)).toBe(false);
    },
  );

  it("narrow the union on type", () => {
    expectTypeOf<WebhookEventOf<"session.started">["type"]>().toEqualTypeOf<"session.started">();
    const handle = (event: WebhookEvent) => {
      if (event.type === "leave.approved") {
        expectTypeOf(event.data.status).toEqualTypeOf<"requested" | "approved" | "rejected" | "cancelled">();
      }
    };
    expect(handle).toBeTypeOf("function");
  });
});
