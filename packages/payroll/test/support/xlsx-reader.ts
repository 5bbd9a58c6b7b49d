// Reads back the XLSX files the tests write: a tiny ZIP reader (APPNOTE 6.3.10), independent of
// the package's writer, that checks every header, descriptor and CRC, and a reader of sheet cells.

import { inflateRawSync } from "node:zlib";
import { expect } from "vitest";

// --- a tiny ZIP reader (APPNOTE 6.3.10), independent of the writer -----------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  time: number;
  date: number;
  crc: number;
  size: number;
  compressedSize: number;
  data: Uint8Array;
}

/** Reads every entry through the central directory, checking local headers, descriptors and CRCs. */
export function unzip(bytes: Uint8Array): ZipEntry[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = bytes.length - 22;
  expect(v.getUint32(eocd, true), "end of central directory").toBe(0x06054b50);
  const count = v.getUint16(eocd + 10, true);
  const cdSize = v.getUint32(eocd + 12, true);
  let at = v.getUint32(eocd + 16, true);
  expect(at + cdSize).toBe(eocd);
  const entries: ZipEntry[] = [];
  let expectedOffset = 0;
  for (let i = 0; i < count; i++) {
    expect(v.getUint32(at, true), "central header").toBe(0x02014b50);
    const flags = v.getUint16(at + 8, true);
    const method = v.getUint16(at + 10, true);
    const crc = v.getUint32(at + 16, true);
    const compressedSize = v.getUint32(at + 20, true);
    const size = v.getUint32(at + 24, true);
    const nameLength = v.getUint16(at + 28, true);
    const extra = v.getUint16(at + 30, true) + v.getUint16(at + 32, true);
    const offset = v.getUint32(at + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extra;
    // Entries follow one another with nothing in between.
    expect(offset, `${name} offset`).toBe(expectedOffset);
    expect(v.getUint32(offset, true), `${name} local header`).toBe(0x04034b50);
    expect(v.getUint16(offset + 6, true)).toBe(flags);
    expect(v.getUint16(offset + 8, true)).toBe(method);
    const localName = v.getUint16(offset + 26, true);
    const dataStart = offset + 30 + localName + v.getUint16(offset + 28, true);
    const compressed = bytes.subarray(dataStart, dataStart + compressedSize);
    let end = dataStart + compressedSize;
    if (flags & 0x0008) {
      expect(v.getUint32(offset + 14, true), "local CRC left 0 with a descriptor").toBe(0);
      expect(v.getUint32(end, true), `${name} data descriptor`).toBe(0x08074b50);
      expect([v.getUint32(end + 4, true), v.getUint32(end + 8, true), v.getUint32(end + 12, true)]).toEqual([
        crc,
        compressedSize,
        size,
      ]);
      end += 16;
    } else {
      expect([v.getUint32(offset + 14, true), v.getUint32(offset + 18, true), v.getUint32(offset + 22, true)]).toEqual([
        crc,
        compressedSize,
        size,
      ]);
    }
    expectedOffset = end;
    expect(method, "deflate").toBe(8);
    const data = new Uint8Array(inflateRawSync(compressed));
    expect(data.length, `${name} size`).toBe(size);
    expect(crc32(data), `${name} CRC-32`).toBe(crc);
    entries.push({
      name,
      flags,
      method,
      time: v.getUint16(offset + 10, true),
      date: v.getUint16(offset + 12, true),
      crc,
      size,
      compressedSize,
      data,
    });
  }
  expect(expectedOffset, "the central directory follows the last entry").toBe(v.getUint32(eocd + 16, true));
  return entries;
}

// --- reading the sheets back -----------------------------------------------------------------

export const text = (entry: ZipEntry | undefined) => new TextDecoder().decode(entry?.data);

export const unescapeXml = (s: string) =>
  s.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"').replaceAll("&amp;", "&");

/** The cells of a sheet by row number and column letter: numbers as numbers, inline strings as text. */
export function cells(xml: string): Map<number, Map<string, string | number>> {
  const rows = new Map<number, Map<string, string | number>>();
  for (const [, r, body] of xml.matchAll(/<row r="(\d+)">(.*?)<\/row>/g)) {
    const row = new Map<string, string | number>();
    for (const [, col, rest] of (body as string).matchAll(/<c r="([A-Z]+)\d+"([^>]*>.*?)<\/c>/g)) {
      const inline = /t="inlineStr"><is><t xml:space="preserve">(.*?)<\/t><\/is>/.exec(rest as string);
      const value = /<v>(.*?)<\/v>/.exec(rest as string);
      row.set(col as string, inline ? unescapeXml(inline[1] as string) : Number(value?.[1]));
    }
    rows.set(Number(r), row);
  }
  return rows;
}
