import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { constantTimeEqual, hmacSha256Web, signedContent } from "../src/hmac-web.js";

describe("constantTimeEqual", () => {
  it.each<[string, number[], number[], boolean]>([
    ["equal", [1, 2, 3], [1, 2, 3], true],
    ["both empty", [], [], true],
    ["first byte differs", [0, 2, 3], [1, 2, 3], false],
    ["last byte differs", [1, 2, 3], [1, 2, 4], false],
    ["one bit differs", [0x80], [0x00], false],
    ["different lengths", [1, 2], [1, 2, 3], false],
  ])("%s", (_name, a, b, expected) => {
    expect(constantTimeEqual(new Uint8Array(a), new Uint8Array(b))).toBe(expected);
  });
});

describe("hmacSha256Web", () => {
  it.each([
    ["a string body", "{}"],
    ["a non-ASCII body", "Příliš žluťoučký kůň 🐎"],
    ["a byte body", new Uint8Array([0, 255, 128, 7])],
  ])("computes what node:crypto computes for %s", async (_name, payload) => {
    const key = new Uint8Array([1, 2, 3, 4, 5]);
    const expected = createHmac("sha256", key).update("evt_1.1700000000.").update(payload).digest();
    expect(Buffer.from(await hmacSha256Web(key, signedContent("evt_1", "1700000000", payload)))).toEqual(expected);
  });
});
