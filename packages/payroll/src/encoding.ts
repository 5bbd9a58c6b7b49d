// Text encoders for the files the payroll programs read: UTF-8, windows-1250 (the Czech and
// Polish Windows code page that Stormware, Helios and ABRA Gen expect) and 7-bit ASCII.
// The windows-1250 table is read off the platform's own decoder (Node ships full ICU), so no
// hand-typed table can drift from the standard mapping.

/** A file encoding that formats write. */
export type TextEncoding = "utf-8" | "windows-1250" | "us-ascii";

let toCp1250: Map<number, number> | undefined;

function cp1250Table(): Map<number, number> {
  if (toCp1250) return toCp1250;
  const table = new Map<number, number>();
  const decoder = new TextDecoder("windows-1250");
  for (let byte = 0x80; byte <= 0xff; byte++) {
    const char = decoder.decode(Uint8Array.of(byte));
    // Unassigned bytes decode to U+FFFD or to their C1 control code point; map only real characters.
    const code = char.codePointAt(0) ?? 0xfffd;
    if (code !== 0xfffd && !(code >= 0x80 && code <= 0x9f)) table.set(code, byte);
  }
  toCp1250 = table;
  return table;
}

/** A character that the target encoding cannot hold. */
export class UnencodableCharacterError extends RangeError {
  constructor(
    readonly character: string,
    readonly encoding: TextEncoding,
  ) {
    super(
      `The character "${character}" (U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}) cannot be written in ${encoding}.`,
    );
    this.name = "UnencodableCharacterError";
  }
}

const utf8 = new TextEncoder();

/**
 * Encodes `text` in `encoding`. Characters that windows-1250 or ASCII cannot hold are written as
 * `replacement` when one is given (a `?`, as Windows does), otherwise they throw
 * `UnencodableCharacterError`.
 */
export function encodeText(text: string, encoding: TextEncoding, replacement?: string): Uint8Array {
  if (encoding === "utf-8") return utf8.encode(text);
  const table = encoding === "windows-1250" ? cp1250Table() : undefined;
  const fallback = replacement === undefined ? undefined : replacement.charCodeAt(0);
  const out = new Uint8Array(text.length);
  let length = 0;
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    let byte: number | undefined;
    if (code < 0x80) byte = code;
    else if (table) byte = table.get(code);
    if (byte === undefined) {
      if (fallback === undefined) throw new UnencodableCharacterError(char, encoding);
      byte = fallback;
    }
    out[length++] = byte;
  }
  return out.subarray(0, length);
}

/** The UTF-8 byte order mark, which Excel needs to read a UTF-8 CSV file. */
export const UTF8_BOM: Uint8Array = Uint8Array.of(0xef, 0xbb, 0xbf);
