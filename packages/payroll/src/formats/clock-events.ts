// Clock events for the Polish clock-reader (RCP) formats: an entry and an exit for each worked
// interval, in the organization's local wall time, as a clock reader at the door would have
// written them. The payroll program pairs them and computes overtime, night and holiday hours
// from the employee's schedule itself.
//
// A session that crosses midnight gives ONE entry and ONE exit, each with its real local date,
// and is not cut at midnight: a cut would invent an exit and an entry at 00:00 that nobody
// clocked, and the program would see two shifts. Its own rules then split the night correctly,
// counting the shift to the "doba pracownicza" (the 24 hours from the start of work, PL Kodeks
// pracy art. 128 § 3 pkt 1) in which it began. For the same reason a session belongs to the file
// of the month in which it starts (local date): the night of 31 October into 1 November is in
// October's file only, and a night begun on 30 September is not repeated in October's, so two
// consecutive months imported one after the other hold every interval exactly once.
//
// Times are written to the minute, seconds dropped, as clock readers do.

import { encodeText } from "../encoding.js";
import type {
  ExportOptions,
  PayrollEmployee,
  PayrollEmployeeIdentity,
  PayrollExportInput,
  PayrollFormatter,
} from "../formatter.js";
import { offsetAt } from "../labour/zoned-time.js";
import { CRLF } from "./csv.js";

/** A local wall time, as clock readers write it. */
export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
}

/** An entry (the start of a worked interval) or an exit (its end). */
export interface ClockEvent {
  readonly kind: "entry" | "exit";
  readonly at: Date;
  readonly local: LocalDateTime;
  readonly sessionId: string;
}

interface LocalParts extends LocalDateTime {
  readonly second: number;
  /** The UTC offset, in minutes. */
  readonly offsetMinutes: number;
}

function localParts(at: Date, timeZone: string): LocalParts {
  // The engine's offsets (seconds, read off Intl and cached per hour), so formats and reports
  // agree on every local time.
  const second = Math.floor(at.getTime() / 1000);
  const offset = offsetAt(timeZone, second) * 1000;
  const wall = new Date(second * 1000 + offset);
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
    offsetMinutes: Math.round(offset / 60_000),
  };
}

/** The local wall time of an instant in an IANA time zone, to the minute. */
export function localDateTime(at: Date, timeZone: string): LocalDateTime {
  const { year, month, day, hour, minute } = localParts(at, timeZone);
  return { year, month, day, hour, minute };
}

/**
 * An instant as ISO 8601 local time with its UTC offset in `timeZone`, to the second
 * (`2026-10-05T08:00:00+02:00`): readable, and unambiguous in the hour the clocks go back.
 */
export function zonedIso(at: Date, timeZone: string): string {
  const p = localParts(at, timeZone);
  const sign = p.offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(p.offsetMinutes);
  return (
    `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}T${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}` +
    `${sign}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`
  );
}

/**
 * The clock events of one employee for `month` (`YYYY-MM`): an entry and an exit for each
 * session whose local start falls in the month, in order of time.
 */
export function clockEvents(employee: PayrollEmployee, month: string, timeZone: string): ClockEvent[] {
  const year = Number(month.slice(0, 4));
  const monthNumber = Number(month.slice(5, 7));
  const events: ClockEvent[] = [];
  const sessions = [...employee.sessions].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  for (const session of sessions) {
    const start = localDateTime(session.startedAt, timeZone);
    if (start.year !== year || start.month !== monthNumber) continue;
    events.push({ kind: "entry", at: session.startedAt, local: start, sessionId: session.id });
    events.push({
      kind: "exit",
      at: session.endedAt,
      local: localDateTime(session.endedAt, timeZone),
      sessionId: session.id,
    });
  }
  return events;
}

/** Zero-pads a number to `width` digits. */
export function pad(value: number | string, width: number): string {
  return String(value).padStart(width, "0");
}

// --- customer-set line layouts (Comarch ERP Optima masks, enova365 layouts) ------------------

/** What a letter of a line layout stands for. */
export type LayoutField = "year" | "month" | "day" | "hour" | "minute" | "card" | "operation" | "ignored";

/** A line layout's alphabet and the codes it writes. */
export interface LayoutDialect {
  /** The format, for messages. */
  readonly format: string;
  /** Each letter of the layout and its field. Other letters are refused; other characters are literal. */
  readonly letters: Readonly<Record<string, LayoutField>>;
  /** The operation codes. */
  readonly codes: { readonly entry: string; readonly exit: string };
}

type Segment =
  | { readonly literal: string }
  | { readonly field: Exclude<LayoutField, "ignored">; readonly width: number }
  | { readonly field: "ignored"; readonly width: number };

/** A parsed line layout: `render` writes one event's line (without the line end). */
export interface LineLayout {
  readonly layout: string;
  /** The width of the card number field. */
  readonly cardWidth: number;
  render(card: string, event: ClockEvent): string;
}

const REQUIRED: readonly Exclude<LayoutField, "ignored" | "year">[] = [
  "card",
  "operation",
  "month",
  "day",
  "hour",
  "minute",
];
const MAX_CARD_WIDTH = 20;

/**
 * Parses a line layout, or throws a `TypeError` saying what is wrong with it. A layout is a
 * string of 4 to 64 printable ASCII characters; each run of one letter is a field, zero-padded
 * to the run's width. The card number, the operation, the month, the day, the hour and the
 * minute must each appear as exactly one run (a line without them cannot be paired or placed);
 * the year is optional, of 2 or 4 letters. Letters outside the format's alphabet are refused (a
 * typo such as `hh` in an Optima mask would otherwise be written literally); any other character
 * (digits, spaces, `;`, `-`, `:`) is written as it is.
 */
export function parseLineLayout(layout: string, dialect: LayoutDialect): LineLayout {
  const fail = (why: string): never => {
    throw new TypeError(`The ${dialect.format} line_layout "${layout}" ${why}.`);
  };
  if (typeof layout !== "string" || layout.length < 4 || layout.length > 64) fail("must have 4 to 64 characters");
  if (!/^[\x20-\x7E]+$/.test(layout)) fail("may hold printable ASCII characters only");
  const segments: Segment[] = [];
  const seen = new Set<LayoutField>();
  for (let i = 0; i < layout.length; ) {
    const char = layout[i] as string;
    let end = i + 1;
    while (end < layout.length && layout[end] === char) end++;
    const width = end - i;
    const field = Object.hasOwn(dialect.letters, char) ? dialect.letters[char] : undefined;
    if (field === undefined) {
      if (/[A-Za-z]/.test(char)) {
        fail(`uses the letter "${char}", which is not one of ${Object.keys(dialect.letters).join(", ")}`);
      }
      segments.push({ literal: layout.slice(i, end) });
    } else {
      if (field !== "ignored") {
        if (seen.has(field)) fail(`has more than one ${field} field ("${char}" in two places)`);
        seen.add(field);
      }
      segments.push({ field, width });
    }
    i = end;
  }
  for (const field of REQUIRED) if (!seen.has(field)) fail(`has no ${field} field`);
  const widthOf = (field: LayoutField): number =>
    segments.reduce((w, s) => ("field" in s && s.field === field ? s.width : w), 0);
  for (const field of ["month", "day", "hour", "minute"] as const) {
    if (widthOf(field) !== 2) fail(`needs exactly 2 letters for the ${field}`);
  }
  if (seen.has("year") && widthOf("year") !== 2 && widthOf("year") !== 4) fail("needs 2 or 4 letters for the year");
  const cardWidth = widthOf("card");
  if (cardWidth > MAX_CARD_WIDTH) fail(`has a card number field wider than ${MAX_CARD_WIDTH}`);
  const codeWidth = Math.max(dialect.codes.entry.length, dialect.codes.exit.length);
  if (widthOf("operation") < codeWidth) fail(`needs at least ${codeWidth} letters for the operation`);

  return {
    layout,
    cardWidth,
    render(card, event) {
      const { local } = event;
      let line = "";
      for (const segment of segments) {
        if ("literal" in segment) {
          line += segment.literal;
          continue;
        }
        const { width } = segment;
        switch (segment.field) {
          case "year":
            line += pad(local.year, 4).slice(-width);
            break;
          case "month":
            line += pad(local.month, width);
            break;
          case "day":
            line += pad(local.day, width);
            break;
          case "hour":
            line += pad(local.hour, width);
            break;
          case "minute":
            line += pad(local.minute, width);
            break;
          case "card":
            line += pad(card, width);
            break;
          case "operation":
            line += pad(event.kind === "entry" ? dialect.codes.entry : dialect.codes.exit, width);
            break;
          case "ignored":
            line += "0".repeat(width);
            break;
        }
      }
      return line;
    },
  };
}

/** Why a clock card number cannot be written in a fixed-width numeric field, or `null`. */
export function cardProblem(card: string, maxDigits: number): string | null {
  if (!/^[0-9]+$/.test(card)) return `The clock card number "${card}" must be digits only.`;
  if (card.length > maxDigits) return `The clock card number "${card}" has more than ${maxDigits} digits.`;
  return null;
}

/** The card number of an employee, checked; throws when the export's identifier checks were skipped. */
export function requireCard(
  employee: PayrollEmployee,
  format: string,
  problem: (card: string) => string | null,
): string {
  const card = employee.clockCardNumber;
  if (card === null || card.trim() === "") {
    throw new TypeError(`${employee.id} has no clock card number, which the ${format} format needs.`);
  }
  const why = problem(card);
  if (why !== null) throw new TypeError(`${employee.id}: ${why}`);
  return card;
}

/** Writes the month's clock events by a line layout, one chunk per employee. */
export async function* writeLayoutEvents(
  input: PayrollExportInput,
  format: string,
  layout: LineLayout,
): AsyncGenerator<Uint8Array> {
  for await (const employee of input.employees) {
    // A card longer than the layout's card field would be cut to another employee's number.
    const card = requireCard(employee, format, (c) => cardProblem(c, layout.cardWidth));
    let text = "";
    for (const event of clockEvents(employee, input.month, input.organization.timeZone)) {
      text += layout.render(card, event) + CRLF;
    }
    if (text !== "") yield encodeText(text, "us-ascii");
  }
}

/**
 * What the clock-event formats with a customer-set layout (Optima, enova365) share: the
 * `line_layout` option and its default, the layout's checks, the card check against the layout's
 * card field, and the writing.
 */
export function layoutFormat(
  dialect: LayoutDialect,
  defaultLayout: string,
): Pick<
  PayrollFormatter,
  "acceptedOptions" | "defaultOptions" | "defaultLineLayout" | "invalidIdentifier" | "validateOptions" | "format"
> {
  // invalidIdentifier is asked once per employee with the same options: parse each layout once.
  let parsed: LineLayout | undefined;
  const layoutOf = (options: ExportOptions): LineLayout => {
    const layout = options.line_layout ?? defaultLayout;
    if (parsed?.layout !== layout) parsed = parseLineLayout(layout, dialect);
    return parsed;
  };
  return {
    acceptedOptions: ["line_layout"],
    defaultOptions: { line_layout: defaultLayout },
    defaultLineLayout: defaultLayout,
    invalidIdentifier(employee: PayrollEmployeeIdentity, options: ExportOptions) {
      // A card wider than the layout's card field would be cut to another employee's number.
      return employee.clockCardNumber === null
        ? null
        : cardProblem(employee.clockCardNumber, layoutOf(options).cardWidth);
    },
    validateOptions(options: ExportOptions) {
      layoutOf(options);
    },
    async *format(input: PayrollExportInput) {
      yield* writeLayoutEvents(input, dialect.format, layoutOf(input.options));
    },
  };
}
