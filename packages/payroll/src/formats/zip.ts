// A small streaming ZIP writer (PKWARE APPNOTE 6.3.10) for the XLSX format: deflate from
// node:zlib, CRC-32 from zlib.crc32, entries written as their data arrives with a data
// descriptor (general purpose bit 3, APPNOTE § 4.3.9) so no entry needs to be held whole.
// Every timestamp is 1980-01-01 00:00 (the DOS epoch) and no extra fields are written, so the
// same content gives the same bytes. No ZIP64: more than 65,535 entries or 4 GiB throw.

import { once } from "node:events";
import * as zlib from "node:zlib";

const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
const VERSION = 20; // 2.0: deflate
const METHOD_DEFLATE = 8;
const FLAG_DATA_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
const MAX_32 = 0xffffffff;

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO-HDLC) of `data`, continuing from `value`: zlib.crc32 where Node has it (20.15+). */
export function crc32(data: Uint8Array, value = 0): number {
  if (typeof zlib.crc32 === "function") return zlib.crc32(data, value);
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = ~value >>> 0;
  for (const byte of data) crc = (crcTable[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return ~crc >>> 0;
}

/** Compressed bytes and what a ZIP entry records about them. */
export interface Deflated {
  readonly chunks: readonly Uint8Array[];
  readonly crc: number;
  readonly size: number;
  readonly compressedSize: number;
}

/** An incremental raw-deflate compressor that counts the CRC and sizes of what it takes. */
export interface Deflater {
  /** Feeds bytes; resolves when zlib can take more. */
  write(chunk: Uint8Array): Promise<void>;
  /** The compressed bytes produced so far, handed over once. */
  take(): Uint8Array[];
  /** Finishes the stream: the remaining compressed bytes and the totals. */
  end(): Promise<Deflated>;
}

/** Creates a `Deflater` (zlib level 6). */
export function createDeflater(): Deflater {
  const stream = zlib.createDeflateRaw({ level: 6 });
  const pending: Uint8Array[] = [];
  stream.on("data", (chunk: Buffer) => pending.push(chunk));
  const ended = once(stream, "end");
  ended.catch(() => {});
  let crc = 0;
  let size = 0;
  let compressedSize = 0;
  const take = (): Uint8Array[] => {
    const out = pending.splice(0);
    for (const chunk of out) compressedSize += chunk.length;
    return out;
  };
  return {
    async write(chunk) {
      if (chunk.length === 0) return;
      crc = crc32(chunk, crc);
      size += chunk.length;
      if (!stream.write(chunk)) await once(stream, "drain");
    },
    take,
    async end() {
      stream.end();
      await ended;
      const chunks = take();
      return { chunks, crc, size, compressedSize };
    },
  };
}

interface CentralEntry {
  readonly name: Uint8Array;
  readonly flags: number;
  readonly crc: number;
  readonly size: number;
  readonly compressedSize: number;
  readonly offset: number;
}

/** Writes a ZIP archive entry by entry; the caller concatenates the returned bytes in order. */
export interface ZipWriter {
  /** A whole (small) file: its local header with sizes, and its deflated data. */
  file(name: string, data: Uint8Array): Uint8Array;
  /** A file compressed beforehand (`createDeflater`): its local header, then its chunks. */
  deflated(name: string, data: Deflated): Uint8Array[];
  /** A file whose bytes arrive in chunks: local header, compressed chunks as zlib yields them, data descriptor. */
  stream(name: string, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array>;
  /** The central directory and its end record; the archive is complete after it. */
  end(): Uint8Array;
}

const utf8 = new TextEncoder();

/**
 * Creates a ZIP writer.
 *
 * @example
 * ```ts
 * const zip = createZipWriter();
 * const parts = [zip.file("a.txt", new TextEncoder().encode("hello"))];
 * for await (const chunk of zip.stream("b.txt", [new TextEncoder().encode("world")])) parts.push(chunk);
 * parts.push(zip.end());
 * ```
 */
export function createZipWriter(): ZipWriter {
  const entries: CentralEntry[] = [];
  let offset = 0;

  const localHeader = (name: Uint8Array, flags: number, crc: number, compressedSize: number, size: number) => {
    const header = new Uint8Array(30 + name.length);
    const v = new DataView(header.buffer);
    v.setUint32(0, 0x04034b50, true);
    v.setUint16(4, VERSION, true);
    v.setUint16(6, flags, true);
    v.setUint16(8, METHOD_DEFLATE, true);
    v.setUint16(10, DOS_TIME, true);
    v.setUint16(12, DOS_DATE, true);
    v.setUint32(14, crc, true);
    v.setUint32(18, compressedSize, true);
    v.setUint32(22, size, true);
    v.setUint16(26, name.length, true);
    v.setUint16(28, 0, true);
    header.set(name, 30);
    return header;
  };

  const begin = (name: string): { encoded: Uint8Array; flags: number } => {
    if (entries.length >= 0xffff) throw new RangeError("A ZIP without ZIP64 holds at most 65,535 entries.");
    const encoded = utf8.encode(name);
    // Bit 11: the name is UTF-8 (APPNOTE Appendix D); only set when it is not plain ASCII.
    const flags = encoded.length === name.length ? 0 : FLAG_UTF8;
    return { encoded, flags };
  };

  const record = (entry: CentralEntry, written: number) => {
    if (entry.size > MAX_32 || entry.compressedSize > MAX_32 || offset + written > MAX_32) {
      throw new RangeError("A ZIP without ZIP64 holds at most 4 GiB.");
    }
    entries.push(entry);
    offset += written;
  };

  const deflated = (name: string, data: Deflated): Uint8Array[] => {
    const { encoded, flags } = begin(name);
    const header = localHeader(encoded, flags, data.crc, data.compressedSize, data.size);
    record(
      { name: encoded, flags, crc: data.crc, size: data.size, compressedSize: data.compressedSize, offset },
      header.length + data.compressedSize,
    );
    return [header, ...data.chunks];
  };

  return {
    file(name, data) {
      const compressed = zlib.deflateRawSync(data, { level: 6 });
      const parts = deflated(name, {
        chunks: [compressed],
        crc: crc32(data),
        size: data.length,
        compressedSize: compressed.length,
      });
      const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const part of parts) {
        out.set(part, at);
        at += part.length;
      }
      return out;
    },
    deflated,
    async *stream(name, source) {
      const { encoded, flags: nameFlags } = begin(name);
      const flags = nameFlags | FLAG_DATA_DESCRIPTOR;
      const start = offset;
      const header = localHeader(encoded, flags, 0, 0, 0);
      yield header;
      const deflater = createDeflater();
      for await (const chunk of source) {
        await deflater.write(chunk);
        const out = deflater.take();
        if (out.length > 0) yield* out;
      }
      const result = await deflater.end();
      yield* result.chunks;
      const descriptor = new Uint8Array(16);
      const v = new DataView(descriptor.buffer);
      v.setUint32(0, 0x08074b50, true);
      v.setUint32(4, result.crc, true);
      v.setUint32(8, result.compressedSize, true);
      v.setUint32(12, result.size, true);
      yield descriptor;
      if (offset !== start) throw new Error("ZIP entries must be written one after the other, not interleaved.");
      record(
        {
          name: encoded,
          flags,
          crc: result.crc,
          size: result.size,
          compressedSize: result.compressedSize,
          offset: start,
        },
        header.length + result.compressedSize + descriptor.length,
      );
    },
    end() {
      const size = entries.reduce((n, e) => n + 46 + e.name.length, 0);
      const out = new Uint8Array(size + 22);
      const v = new DataView(out.buffer);
      let at = 0;
      for (const e of entries) {
        v.setUint32(at, 0x02014b50, true);
        v.setUint16(at + 4, VERSION, true);
        v.setUint16(at + 6, VERSION, true);
        v.setUint16(at + 8, e.flags, true);
        v.setUint16(at + 10, METHOD_DEFLATE, true);
        v.setUint16(at + 12, DOS_TIME, true);
        v.setUint16(at + 14, DOS_DATE, true);
        v.setUint32(at + 16, e.crc, true);
        v.setUint32(at + 20, e.compressedSize, true);
        v.setUint32(at + 24, e.size, true);
        v.setUint16(at + 28, e.name.length, true);
        // Extra field, comment, disk number, internal and external attributes: all zero.
        v.setUint32(at + 42, e.offset, true);
        out.set(e.name, at + 46);
        at += 46 + e.name.length;
      }
      v.setUint32(at, 0x06054b50, true);
      v.setUint16(at + 8, entries.length, true);
      v.setUint16(at + 10, entries.length, true);
      v.setUint32(at + 12, size, true);
      v.setUint32(at + 16, offset, true);
      return out;
    },
  };
}
