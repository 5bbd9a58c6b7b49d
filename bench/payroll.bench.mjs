// `pnpm bench payroll`: a month of payroll for 1,000 and then 10,000 employees through the
// labour engine (splitWork, expandLeave) and every registered export format, streamed one
// employee at a time into a sink that only counts bytes. Each size runs in its own child process
// so its peak memory (maxRSS, and the V8 heap sampled as employees stream) is its own.
//
// Every time is a ratio to the baseline measured in the same child: generating the employees'
// sessions and iterating them without the engine. Each other pass generates the same employees
// too, then splits them (`splitWork` pass) and writes a format (a generic line-per-piece loop and
// every format of `builtInFormatters`); `engine alone` is the time spent inside splitWork and
// expandLeave during the splitWork pass. Printed: time per employee against the baseline, peak
// memory of each size (maxRSS, and each pass's peak live V8 heap, sampled after full GCs), and the ratios
// 10k / 1k of peak memory (aim ≈ 1: the employees stream through an async iterable, so memory
// must not grow with them) and of time per employee (aim ≈ 1: linear).
// Needs `pnpm --filter @timecard/payroll build`.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { median, seeded, shuffle } from "./support/harness.mjs";

const DIST = fileURLToPath(new URL("../packages/payroll/dist/index.js", import.meta.url));
const SIZES = [1_000, 10_000];
const MONTH = "2026-10"; // 31 days, with the change from summer time on Sunday 25 October
const MEMORY_AIM = 1.25;
const GENERIC = "generic loop";
const SPLIT = "splitWork";
const BASELINE = "baseline";
const ENGINE = "engine alone";

if (!existsSync(DIST)) {
  console.error(`${DIST} is missing: run pnpm --filter @timecard/payroll build first`);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// The child: `node bench/payroll.bench.mjs --child <employees> <rounds>` prints one JSON line.

async function child(employees, rounds) {
  const payroll = await import(pathToFileURL(DIST).href);
  const { builtInFormatters, defaultLabourRules, expandLeave, resolveOptions, splitWork, zonedDateTime } = payroll;
  // The live heap: measured after a full GC, ten times a pass, so garbage not yet collected
  // does not count. The GC's time is taken out of the pass's time.
  let peakHeap = 0;
  let contenderPeak = 0;
  let gcMs = 0;
  const sampleHeap = () => {
    const started = performance.now();
    globalThis.gc();
    gcMs += performance.now() - started;
    const used = process.memoryUsage().heapUsed;
    if (used > peakHeap) peakHeap = used;
    if (used > contenderPeak) contenderPeak = used;
  };
  const sampleEvery = Math.max(1, Math.floor(employees / 10));
  // Milliseconds spent inside the engine (splitWork, expandLeave), apart from generating data.
  let engineMs = 0;

  /** One employee's month, the same in every pass (seeded by the employee's number). */
  function monthOf(i, rules) {
    const random = seeded(0x5eed + i);
    const zone = rules.timeZone;
    const sessions = [];
    const night = random() < 0.1; // a tenth work nights (22:00–06:00), across midnight
    const saturdays = random() < 0.15;
    for (let day = 1; day <= 31; day++) {
      const date = `${MONTH}-${String(day).padStart(2, "0")}`;
      const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
      if (weekday === 0 || (weekday === 6 && !saturdays)) continue;
      if (random() < 0.05) continue; // a day off now and then
      const [from, to, endDay] = night
        ? ["22:00", "06:00", day + 1]
        : [
            `0${7 + Math.floor(random() * 3)}:${random() < 0.5 ? "00" : "30"}`,
            `1${5 + Math.floor(random() * 4)}:00`,
            day,
          ];
      const endDate = endDay > 31 ? "2026-11-01" : `${MONTH}-${String(endDay).padStart(2, "0")}`;
      sessions.push({
        id: `ses_${i}_${day}`,
        employeeId: `emp_${String(i).padStart(6, "0")}`,
        projectId: random() < 0.5 ? "prj_website" : null,
        projectName: null,
        taskId: null,
        taskName: null,
        startedAt: zonedDateTime(date, from, zone),
        endedAt: zonedDateTime(endDate, to, zone),
        note: null,
      });
    }
    for (const s of sessions) if (s.projectId) s.projectName = "Website relaunch";
    const leave =
      random() < 0.2
        ? [
            {
              employeeId: `emp_${String(i).padStart(6, "0")}`,
              type: "vacation",
              startDate: "2026-10-12",
              endDate: "2026-10-14",
              halfDayStart: false,
              halfDayEnd: random() < 0.5,
            },
          ]
        : [];
    return { sessions, leave };
  }

  function identity(i) {
    return {
      id: `emp_${String(i).padStart(6, "0")}`,
      name: `Employee ${i}`,
      payrollNumber: String(10_000 + (i % 90_000)).padStart(5, "0"),
      clockCardNumber: String(100_000 + i),
    };
  }

  /** The employees as a caller streams them: generated on demand, split by the engine. */
  async function* employeesOf(rules, withEngine) {
    for (let i = 0; i < employees; i++) {
      if (i % sampleEvery === sampleEvery - 1) sampleHeap();
      const { sessions, leave } = monthOf(i, rules);
      if (!withEngine) {
        yield { ...identity(i), sessions, pieces: [], leave: [] };
        continue;
      }
      const started = performance.now();
      const pieces = splitWork(sessions, rules).filter((p) => p.date.startsWith(MONTH));
      const days = leave.flatMap((l) => expandLeave(l, rules, { from: `${MONTH}-01`, to: `${MONTH}-31` }));
      engineMs += performance.now() - started;
      yield { ...identity(i), sessions, pieces, leave: days };
    }
  }

  /** Reads a formatter's output: a byte array, or a stream of them; only counts the bytes. */
  async function drain(output) {
    if (output instanceof Uint8Array) return output.byteLength;
    let bytes = 0;
    for await (const chunk of output) bytes += chunk.byteLength;
    return bytes;
  }

  const encoder = new TextEncoder();
  const contenders = [
    {
      name: BASELINE,
      country: "PL",
      // Generating and iterating the sessions, without the engine.
      run: async (rules) => {
        let seconds = 0;
        for await (const e of employeesOf(rules, false))
          for (const s of e.sessions) seconds += (s.endedAt - s.startedAt) / 1000;
        return seconds > 0 ? 0 : -1;
      },
    },
    {
      name: SPLIT,
      country: "PL",
      run: async (rules) => {
        let pieces = 0;
        for await (const e of employeesOf(rules, true)) pieces += e.pieces.length;
        return pieces > 0 ? 0 : -1;
      },
    },
    {
      name: GENERIC,
      country: "CZ",
      // What any format does at least: a line per piece, encoded, into the sink.
      run: async (rules) => {
        let bytes = 0;
        for await (const e of employeesOf(rules, true)) {
          for (const p of e.pieces) {
            const line = `${e.payrollNumber};${p.date};${p.workedSeconds};${p.overtimeSeconds};${p.nightSeconds}\r\n`;
            bytes += encoder.encode(line).byteLength;
          }
        }
        return bytes;
      },
    },
    ...builtInFormatters.map((formatter) => ({
      name: formatter.id,
      country: formatter.countries[0],
      run: async (rules) => {
        const options = resolveOptions(formatter, {});
        const input = {
          month: MONTH,
          organization: { id: "org_bench", name: "Bench s.r.o.", country: rules.country, timeZone: rules.timeZone },
          rules,
          employees: employeesOf(rules, true),
          options,
          generatedAt: new Date("2026-11-02T08:00:00Z"),
        };
        return drain(await formatter.format(input));
      },
    })),
  ];

  const random = seeded(0xb0a7 + employees);
  const samples = Object.fromEntries(contenders.map((c) => [c.name, []]));
  const engine = [];
  const heapBy = {};
  const bytes = {};
  const failures = {};
  for (let round = 0; round < rounds; round++) {
    for (const contender of shuffle([...contenders], random)) {
      if (failures[contender.name]) continue;
      const rules = defaultLabourRules(contender.country);
      globalThis.gc();
      contenderPeak = 0;
      engineMs = 0;
      gcMs = 0;
      const start = performance.now();
      try {
        const result = await contender.run(rules);
        if (result < 0) throw new Error("produced nothing");
        samples[contender.name].push(performance.now() - start - gcMs);
        if (contender.name === SPLIT) engine.push(engineMs);
        bytes[contender.name] = result;
      } catch (error) {
        failures[contender.name] = String(error?.message ?? error).slice(0, 160);
      }
      heapBy[contender.name] = Math.max(heapBy[contender.name] ?? 0, contenderPeak);
    }
  }
  const msPerEmployee = {};
  for (const [name, values] of Object.entries(samples)) {
    if (values.length) msPerEmployee[name] = median(values) / employees;
  }
  msPerEmployee[ENGINE] = median(engine) / employees;
  const { maxRSS } = process.resourceUsage();
  process.stdout.write(
    `${JSON.stringify({ employees, rounds, msPerEmployee, bytes, failures, heapBy, peakRssKb: maxRSS, peakHeap })}\n`,
  );
}

// ---------------------------------------------------------------------------------------------
// The parent: one child per size, then the table.

function runChild(employees, rounds) {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ["--expose-gc", fileURLToPath(import.meta.url), "--child", String(employees), String(rounds)],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    proc.stdout.setEncoding("utf8");
    proc.stdout.on("data", (chunk) => {
      out += chunk;
    });
    proc.on("exit", (code) => {
      if (code !== 0) reject(new Error(`the ${employees}-employee child exited with ${code}`));
      else resolve(JSON.parse(out.trim().split("\n").at(-1)));
    });
  });
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

if (process.argv[2] === "--child") {
  await child(Number(process.argv[3]), Number(process.argv[4]));
} else {
  const results = [];
  for (const size of SIZES) {
    // Five rounds at 1,000 employees, two at 10,000 (each pass of 10,000 takes long enough).
    const started = performance.now();
    results.push(await runChild(size, size <= 1_000 ? 5 : 2));
    console.log(
      `${size.toLocaleString("en-US")} employees × one month: ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  const [small, large] = results;
  const names = Object.keys(small.msPerEmployee);
  console.log(
    `\nTime per employee, as a ratio to the baseline (generating and iterating the sessions) of the same run`,
  );
  console.log(
    [
      "contender".padEnd(24),
      "1k: ratio".padStart(10),
      "10k: ratio".padStart(11),
      "10k/1k".padStart(8),
      "bytes/employee".padStart(15),
      "live heap 1k → 10k".padStart(20),
    ].join(" "),
  );
  for (const name of names) {
    const a = small.msPerEmployee[name] / small.msPerEmployee[BASELINE];
    const b = large.msPerEmployee[name] / large.msPerEmployee[BASELINE];
    const perEmployee = large.msPerEmployee[name] / small.msPerEmployee[name];
    const bytes = large.bytes[name] ? Math.round(large.bytes[name] / large.employees).toString() : "";
    const heapGrowth = small.heapBy[name] ? `${mb(small.heapBy[name])} → ${mb(large.heapBy[name] ?? 0)}` : "";
    console.log(
      [
        name.padEnd(24),
        `×${a.toFixed(2)}`.padStart(10),
        `×${b.toFixed(2)}`.padStart(11),
        `×${perEmployee.toFixed(2)}`.padStart(8),
        bytes.padStart(15),
        heapGrowth.padStart(20),
      ].join(" "),
    );
  }
  for (const [size, result] of [
    ["1k", small],
    ["10k", large],
  ]) {
    for (const [name, message] of Object.entries(result.failures)) {
      // A format that throws is a bug, not a figure: the bench fails.
      console.log(`${size}: ${name} failed: ${message}`);
      process.exitCode = 1;
    }
  }
  const rss = large.peakRssKb / small.peakRssKb;
  const heap = large.peakHeap / small.peakHeap;
  const growing = names.filter((n) => small.heapBy[n] && large.heapBy[n] / small.heapBy[n] > MEMORY_AIM);
  console.log(
    `\nPeak memory: 1k ${mb(small.peakRssKb * 1024)} RSS, ${mb(small.peakHeap)} live heap; 10k ${mb(large.peakRssKb * 1024)} RSS, ${mb(large.peakHeap)} live heap`,
  );
  console.log(
    `ratio 10k/1k peak RSS ×${rss.toFixed(2)}, peak live heap ×${heap.toFixed(2)} (aim ≈ 1, ≤ ${MEMORY_AIM})`,
  );
  const worst = names
    .filter((n) => n !== BASELINE)
    .map((n) => [n, large.msPerEmployee[n] / small.msPerEmployee[n]])
    .sort((x, y) => y[1] - x[1])[0];
  console.log(
    `time per employee 10k/1k: baseline ×${(large.msPerEmployee[BASELINE] / small.msPerEmployee[BASELINE]).toFixed(2)}, worst ${worst?.[0]} ×${worst?.[1].toFixed(2)} (aim ≈ 1)`,
  );
  const over = Object.entries(large.msPerEmployee).filter(
    ([n]) => large.msPerEmployee[n] / small.msPerEmployee[n] > 1.5,
  );
  if (rss > MEMORY_AIM) console.log("PEAK MEMORY GROWS WITH EMPLOYEES");
  if (growing.length) console.log(`HEAP GROWS WITH EMPLOYEES IN: ${growing.join(", ")}`);
  if (over.length) console.log(`NOT LINEAR: ${over.map(([n]) => n).join(", ")}`);
}
