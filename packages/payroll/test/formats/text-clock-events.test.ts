import { describe, expect, it } from "vitest";
import { localDateTime, zonedIso } from "../../src/formats/clock-events.js";
import { comarchOptimaRcp } from "../../src/formats/comarch-optima-rcp.js";
import { enova365Rcp } from "../../src/formats/enova365-rcp.js";
import { symfoniaRcp } from "../../src/formats/symfonia-rcp.js";
import {
  findInvalidIdentifiers,
  findMissingIdentifiers,
  type PayrollExportInput,
  resolveOptions,
} from "../../src/index.js";
import { expectGolden } from "../support/golden.js";
import {
  collect,
  collectChunks,
  czechMonth,
  employeesOf,
  employeesWithout,
  localDate,
  localInstant,
  polishMonth,
  streamed,
} from "../support/months.js";

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1");
const lines = (bytes: Uint8Array) => text(bytes).split("\r\n").slice(0, -1);

/** A clock event read back from a file line: card, local wall time and entry/exit. */
interface ReadEvent {
  card: string;
  date: string;
  time: string;
  entry: boolean;
}

function readSymfonia(line: string): ReadEvent {
  expect(line).toMatch(/^\d{36}$/);
  return {
    card: String(Number(line.slice(0, 10))),
    date: `${line.slice(10, 14)}-${line.slice(14, 16)}-${line.slice(16, 18)}`,
    time: `${line.slice(18, 20)}:${line.slice(20, 22)}`,
    entry: line[22] === "1",
  };
}

/**
 * Pairs each card's events (entry then exit, in file order) into intervals, converts their local
 * wall times back to instants, and compares them with the sessions the month should export: the
 * sessions whose local start date is in the month, to the minute.
 */
function expectIntervalsEqualSessions(events: readonly ReadEvent[], input: PayrollExportInput): void {
  const zone = input.organization.timeZone;
  const byCard = new Map<string, ReadEvent[]>();
  for (const e of events) byCard.set(e.card, [...(byCard.get(e.card) ?? []), e]);
  for (const employee of employeesOf(input)) {
    const card = String(Number(employee.clockCardNumber));
    const own = byCard.get(card) ?? [];
    const intervals: [number, number][] = [];
    for (let i = 0; i < own.length; i += 2) {
      const entry = own[i] as ReadEvent;
      const exit = own[i + 1] as ReadEvent;
      expect(entry.entry, `${card}: event ${i} is an entry`).toBe(true);
      expect(exit.entry, `${card}: event ${i + 1} is an exit`).toBe(false);
      intervals.push([
        localInstant(entry.date, entry.time, zone).getTime(),
        localInstant(exit.date, exit.time, zone).getTime(),
      ]);
    }
    const minute = (d: Date) => Math.floor(d.getTime() / 60_000) * 60_000;
    const expected = employee.sessions
      .filter((s) => localDate(s.startedAt, zone).startsWith(input.month))
      .map((s) => [minute(s.startedAt), minute(s.endedAt)]);
    expect(intervals, employee.name).toEqual(expected);
  }
}

describe("symfonia-rcp", () => {
  it("writes the Polish month as the golden file", async () => {
    expectGolden(await collect(symfoniaRcp, polishMonth()), "symfonia-rcp.txt");
  });

  it("writes 36 digits a line in the documented field order", async () => {
    const first = lines(await collect(symfoniaRcp, polishMonth()))[0];
    // Card 7, 2 November 2026 07:00 local, entry, status normal, work type 1, gate 0, no error.
    expect(first).toBe("000000000720261102070011000010000000");
  });

  it.each([
    ["Polish", polishMonth()],
    ["Czech", czechMonth()],
  ])("pairs entries and exits into the %s month's sessions, in local time", async (_, input) => {
    const events = lines(await collect(symfoniaRcp, input)).map(readSymfonia);
    expectIntervalsEqualSessions(events, input);
  });

  it("keeps a night across midnight whole, and a session to the month it starts in", async () => {
    const events = lines(await collect(symfoniaRcp, czechMonth())).map(readSymfonia);
    // 30 Sep 22:00 – 1 Oct 02:00 belongs to September's file.
    expect(events.filter((e) => e.card === "1042" && e.date === "2026-09-30")).toEqual([]);
    expect(events.some((e) => e.card === "1042" && e.date === "2026-10-01" && e.time === "02:00")).toBe(false);
    // 31 Oct 20:00 – 1 Nov 04:00 is in October's file with its real exit date.
    expect(events.filter((e) => e.card === "2107").slice(-2)).toEqual([
      { card: "2107", date: "2026-10-31", time: "20:00", entry: true },
      { card: "2107", date: "2026-11-01", time: "04:00", entry: false },
    ]);
    // The night of 24–25 Oct (clocks back at 03:00) is one entry and one exit.
    expect(events.filter((e) => e.card === "2107" && e.date >= "2026-10-24" && e.date <= "2026-10-25")).toEqual([
      { card: "2107", date: "2026-10-24", time: "22:00", entry: true },
      { card: "2107", date: "2026-10-25", time: "06:00", entry: false },
    ]);
  });

  it("refuses card numbers Symfonia cannot hold", () => {
    const base = employeesOf(polishMonth())[0];
    if (!base) throw new Error("no employee");
    const cards = ["12345678901", "12A4", " 42", "1234567890"];
    const invalid = findInvalidIdentifiers(
      symfoniaRcp,
      cards.map((clockCardNumber, i) => ({ ...base, id: `emp_${i}`, clockCardNumber })),
    );
    expect(invalid.map((i) => i.employeeId)).toEqual(["emp_0", "emp_1", "emp_2"]);
  });

  it("needs a clock card number, and refuses to write without one", async () => {
    const input = employeesWithout(polishMonth(), ["clockCardNumber"], [1]);
    expect(findMissingIdentifiers(symfoniaRcp, employeesOf(input)).map((m) => m.missing)).toEqual([
      ["clock_card_number"],
    ]);
    await expect(collect(symfoniaRcp, input)).rejects.toThrow(TypeError);
  });

  it("streams a chunk per employee from an async iterable", async () => {
    const input = polishMonth();
    const chunks = await collectChunks(symfoniaRcp, streamed(input));
    expect(chunks.length).toBe(employeesOf(input).length);
    expect(Buffer.concat(chunks)).toEqual(Buffer.from(await collect(symfoniaRcp, input)));
  });

  it("takes no options", () => {
    expect(() => resolveOptions(symfoniaRcp, { line_layout: "RRRRMMDDggmmNNNNNNNNNNO" })).toThrow(TypeError);
  });
});

/** Reads a line by a layout: each letter run's characters, by letter. */
function readByLayout(line: string, layout: string): Record<string, string> {
  expect(line.length).toBe(layout.length);
  const fields: Record<string, string> = {};
  for (let i = 0; i < layout.length; i++) {
    const letter = layout[i] as string;
    if (/[A-Za-z]/.test(letter)) fields[letter] = (fields[letter] ?? "") + line[i];
    else expect(line[i], `literal at ${i}`).toBe(letter);
  }
  return fields;
}

describe("comarch-optima-rcp", () => {
  const CUSTOM = "NNNNNN;RRRR-MM-DD;gg:mm;O";

  it("writes the default mask as the golden file", async () => {
    const input = polishMonth(resolveOptions(comarchOptimaRcp));
    expect(input.options).toEqual({ line_layout: "RRRRMMDDggmmNNNNNNNNNNO" });
    expectGolden(await collect(comarchOptimaRcp, input), "comarch-optima-rcp.txt");
  });

  it("writes a customer's mask with literal separators as the golden file", async () => {
    const input = polishMonth(resolveOptions(comarchOptimaRcp, { line_layout: CUSTOM }));
    const bytes = await collect(comarchOptimaRcp, input);
    expectGolden(bytes, "comarch-optima-rcp-custom.txt");
    expect(lines(bytes)[0]).toBe("000007;2026-11-02;07:00;1");
  });

  it.each([
    ["RRRRMMDDggmmNNNNNNNNNNO", "Polish"],
    ["NNNNNN;RRRR-MM-DD;gg:mm;O", "Polish"],
    ["RRMMDDggmmNNNNNNNNNNOO", "Czech"],
  ])("pairs the events of mask %s into the %s month's sessions", async (layout, country) => {
    const input = (country === "Polish" ? polishMonth : czechMonth)(
      resolveOptions(comarchOptimaRcp, { line_layout: layout }),
    );
    const events = lines(await collect(comarchOptimaRcp, input)).map((line): ReadEvent => {
      const f = readByLayout(line, layout);
      const year = (f.R as string).length === 2 ? `20${f.R}` : (f.R as string);
      expect(["1", "01", "0", "00"]).toContain(f.O);
      return {
        card: String(Number(f.N)),
        date: `${year}-${f.M}-${f.D}`,
        time: `${f.g}:${f.m}`,
        entry: Number(f.O) === 1,
      };
    });
    expectIntervalsEqualSessions(events, input);
  });

  it.each([
    ["RRRRMMDDggmm0000000000O", "no card"],
    ["RRRRMMDDggmmNNNNNNNNNN", "no operation"],
    ["RRRRMMDDhhmmNNNNNNNNNNO", "hh is enova's hour, not Optima's"],
    ["YYYYMMDDggmmNNNNNNNNNNO", "Y is not a mask letter"],
    ["NNNNRRRRMMDDggmmNNNNO", "two card fields"],
    ["RRRMMDDggmmNNNNO", "a 3-letter year"],
    ["RRRRMDDggmmNNNNO", "a 1-letter month"],
    ["NNNNNNNNNNNNNNNNNNNNNMMDDggmmO", "a card field wider than 20"],
    ["RRRRMMDDggmmNNNNNNNNNNO\u00e9", "a character that is not ASCII"],
    ["NO", "too short"],
  ])("refuses the mask %s (%s)", (line_layout) => {
    expect(() => resolveOptions(comarchOptimaRcp, { line_layout })).toThrow(TypeError);
  });

  it("refuses to cut a card number that is wider than the mask's card field", async () => {
    const input = polishMonth(resolveOptions(comarchOptimaRcp, { line_layout: "NNN RRRRMMDDggmm O" }));
    const first = employeesOf(input)[0];
    if (!first) throw new Error("no employee");
    const wide = { ...input, employees: [{ ...first, clockCardNumber: "1234" }] };
    // Named before writing, as an invalid identifier of the export…
    const invalid = findInvalidIdentifiers(comarchOptimaRcp, wide.employees, input.options);
    expect(invalid.map((i) => [i.employeeId, i.reason])).toEqual([
      [first.id, expect.stringMatching(/more than 3 digits/)],
    ]);
    expect(findInvalidIdentifiers(comarchOptimaRcp, wide.employees, resolveOptions(comarchOptimaRcp))).toEqual([]);
    // …and never written cut, should a caller skip the check.
    await expect(collect(comarchOptimaRcp, wide)).rejects.toThrow(/more than 3 digits/);
  });

  it("refuses card numbers that are not digits", () => {
    const base = employeesOf(polishMonth())[0];
    if (!base) throw new Error("no employee");
    expect(findInvalidIdentifiers(comarchOptimaRcp, [{ ...base, clockCardNumber: "K-17" }])).toHaveLength(1);
    expect(findInvalidIdentifiers(comarchOptimaRcp, [{ ...base, clockCardNumber: "00017" }])).toHaveLength(0);
  });

  it("streams a chunk per employee from an async iterable", async () => {
    const input = polishMonth(resolveOptions(comarchOptimaRcp));
    expect((await collectChunks(comarchOptimaRcp, streamed(input))).length).toBe(employeesOf(input).length);
  });
});

describe("enova365-rcp", () => {
  const CUSTOM = "RRRRMMDDhhmmNNNNNNNNNNOO";

  it("writes the default layout as the golden file", async () => {
    const input = polishMonth(resolveOptions(enova365Rcp));
    const bytes = await collect(enova365Rcp, input);
    expectGolden(bytes, "enova365-rcp.txt");
    // Reader 000, card 00000007, 11-02 07:00, operation 20 (entry); then 15:00, 30 (exit).
    expect(lines(bytes).slice(0, 2)).toEqual(["000000000071102070020", "000000000071102150030"]);
  });

  it("writes a customer's layout with a year as the golden file", async () => {
    const input = polishMonth(resolveOptions(enova365Rcp, { line_layout: CUSTOM }));
    expectGolden(await collect(enova365Rcp, input), "enova365-rcp-custom.txt");
  });

  it.each([
    ["XXXNNNNNNNNMMDDhhmmOO", "Polish"],
    [CUSTOM, "Czech"],
  ])("pairs the events of layout %s into the %s month's sessions", async (layout, country) => {
    const input = (country === "Polish" ? polishMonth : czechMonth)(
      resolveOptions(enova365Rcp, { line_layout: layout }),
    );
    const events = lines(await collect(enova365Rcp, input)).map((line): ReadEvent => {
      const f = readByLayout(line, layout);
      expect(["20", "30"]).toContain(f.O);
      if (f.X !== undefined) expect(f.X).toBe("000");
      // The default layout has no year: enova365 takes it from the import; so does this reader.
      const year = f.R ?? input.month.slice(0, 4);
      const month = f.M as string;
      // A night into the next year would need the next year; these months have none.
      return { card: String(Number(f.N)), date: `${year}-${month}-${f.D}`, time: `${f.h}:${f.m}`, entry: f.O === "20" };
    });
    expectIntervalsEqualSessions(events, input);
  });

  it.each([
    ["XXXMMDDhhmmOO", "no card"],
    ["XXXNNNNNNNNMMDDhhmm", "no operation"],
    ["XXXNNNNNNNNMMDDhhmmO", "an operation field narrower than its codes"],
    ["XXXNNNNNNNNMMDDggmmOO", "g is Optima's hour, not enova's"],
    ["XXXNNNNNNNNMMDDhhOO", "no minute"],
  ])("refuses the layout %s (%s)", (line_layout) => {
    expect(() => resolveOptions(enova365Rcp, { line_layout })).toThrow(TypeError);
  });

  it("refuses an 11-digit card in the default 8-digit card field when writing", async () => {
    const input = polishMonth(resolveOptions(enova365Rcp));
    const first = employeesOf(input)[0];
    if (!first) throw new Error("no employee");
    const wide = [{ ...first, clockCardNumber: "12345678901" }];
    expect(findInvalidIdentifiers(enova365Rcp, wide, input.options)).toHaveLength(1);
    expect(
      findInvalidIdentifiers(
        enova365Rcp,
        wide,
        resolveOptions(enova365Rcp, { line_layout: "XXXNNNNNNNNNNNNMMDDhhmmOO" }),
      ),
    ).toEqual([]);
    await expect(collect(enova365Rcp, { ...input, employees: wide })).rejects.toThrow(/more than 8 digits/);
  });
});

describe("local time", () => {
  it.each([
    // Prague, 25 Oct 2026: 03:00 CEST becomes 02:00 CET at 01:00 UTC; the hour 02:00–03:00 runs twice.
    ["2026-10-25T00:59:59Z", "Europe/Prague", "2026-10-25T02:59:59+02:00"],
    ["2026-10-25T01:00:00Z", "Europe/Prague", "2026-10-25T02:00:00+01:00"],
    ["2026-10-25T01:30:00Z", "Europe/Prague", "2026-10-25T02:30:00+01:00"],
    // Warsaw, 29 Mar 2026: 02:00 CET becomes 03:00 CEST at 01:00 UTC.
    ["2026-03-29T00:59:00Z", "Europe/Warsaw", "2026-03-29T01:59:00+01:00"],
    ["2026-03-29T01:00:00Z", "Europe/Warsaw", "2026-03-29T03:00:00+02:00"],
    // Lord Howe Island moves by half an hour (+11:00 to +10:30) at 15:00 UTC on 4 Apr 2026.
    ["2026-04-04T14:59:00Z", "Australia/Lord_Howe", "2026-04-05T01:59:00+11:00"],
    ["2026-04-04T15:00:00Z", "Australia/Lord_Howe", "2026-04-05T01:30:00+10:30"],
    // A quarter-hour offset.
    ["2026-10-25T01:07:00Z", "Asia/Kathmandu", "2026-10-25T06:52:00+05:45"],
    ["2026-10-25T01:07:00Z", "America/St_Johns", "2026-10-24T22:37:00-02:30"],
  ])("%s in %s is %s", (instant, zone, expected) => {
    expect(zonedIso(new Date(instant), zone)).toBe(expected);
    const local = localDateTime(new Date(instant), zone);
    expect(
      `${local.year}-${String(local.month).padStart(2, "0")}-${String(local.day).padStart(2, "0")}T${String(local.hour).padStart(2, "0")}:${String(local.minute).padStart(2, "0")}`,
    ).toBe(expected.slice(0, 16));
  });
});
