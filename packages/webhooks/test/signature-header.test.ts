import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseSignatureHeader } from "../src/signature-header.js";

const A = randomBytes(32);
const B = randomBytes(32);
const a = A.toString("base64");
const b = B.toString("base64");

describe("parseSignatureHeader", () => {
  it.each<[string, string, Buffer[] | undefined]>([
    ["one v1 entry", `v1,${a}`, [A]],
    ["two v1 entries", `v1,${a} v1,${b}`, [A, B]],
    ["other versions skipped", `v2,${a} v1a,${a} v1,${b}`, [B]],
    ["only other versions", `v2,${a}`, []],
    ["a v1 entry that is not a 32-byte MAC", "v1,AAAA", []],
    ["commas added when a proxy joined two headers", `v1,${a},, v1,${b},`, [A, B]],
    ["tabs, newlines and runs of spaces", `\tv1,${a}\n  v1,${b}  `, [A, B]],
    ["nothing", "", undefined],
    ["no comma", "garbage", undefined],
    ["an empty signature", "v1,", undefined],
    ["an empty version", `,${a}`, undefined],
    ["only commas and spaces", " ,, , ", undefined],
  ])("%s", (_name, header, expected) => {
    const parsed = parseSignatureHeader(header);
    expect(parsed?.map((bytes) => Buffer.from(bytes))).toEqual(expected);
  });
});
