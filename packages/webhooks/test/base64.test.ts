import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeBase64, decodeMac256, encodeBase64 } from "../src/base64.js";

// Node's Buffer is the reference the hand-written codec must agree with.
const SAMPLES = [0, 1, 2, 3, 4, 5, 31, 32, 33, 64, 100, 1000].map((n) => randomBytes(n));
SAMPLES.push(Buffer.from([0xff, 0xfe, 0xfd, 0xfc, 0xfb]), Buffer.alloc(9));

describe("base64", () => {
  it.each(SAMPLES.map((bytes) => [bytes.length, bytes] as const))("round-trips %i bytes", (_length, bytes) => {
    const text = bytes.toString("base64");
    expect(encodeBase64(bytes)).toBe(text);
    expect(Buffer.from(decodeBase64(text))).toEqual(bytes);
    expect(Buffer.from(decodeBase64(text.replace(/=+$/, "")))).toEqual(bytes);
  });

  it("decodes the whole alphabet", () => {
    const text = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    expect(Buffer.from(decodeBase64(text))).toEqual(Buffer.from(text, "base64"));
  });
});

describe("decodeMac256", () => {
  const mac = randomBytes(32);
  const text = mac.toString("base64");

  it("decodes the canonical base64 of 32 bytes, at an offset", () => {
    expect(Buffer.from(decodeMac256(text, 0) ?? [])).toEqual(mac);
    expect(Buffer.from(decodeMac256(`v1,${text}`, 3) ?? [])).toEqual(mac);
  });

  it.each([
    ["no padding", `${text.slice(0, 43)}A`],
    ["a character outside the alphabet", `!${text.slice(1)}`],
    ["a URL-safe character", `-${text.slice(1)}`],
    ["a character beyond ASCII", `é${text.slice(1)}`],
    ["unused bits set in the last character", `${text.slice(0, 42)}${"BFJNRVZdhlptx159"[0]}=`],
    ["too short", text.slice(0, 40)],
  ])("refuses %s", (_name, candidate) => {
    expect(decodeMac256(candidate, 0)).toBeUndefined();
  });
});
