// A throwaway PostgreSQL cluster for the server's test suite, on loopback: Debian's
// `postgresql` package (installed by .ci/run), initdb + pg_ctl as the postgres user.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The directory of the newest installed PostgreSQL's programs, or null. */
export function findPostgres() {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, "bin/pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], "bin") : null;
}

async function freePort() {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts a cluster; returns its URL and a stop function. */
export async function startPostgres(bin) {
  const asPostgres = process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--"] : [];
  const run = (file, args) => {
    const [cmd, ...lead] = [...asPostgres, join(bin, file)];
    execFileSync(cmd, [...lead, ...args], { stdio: ["ignore", "ignore", "inherit"] });
  };
  const dir = mkdtempSync(join(tmpdir(), "timecard-pg-"));
  if (asPostgres.length) execFileSync("chown", ["postgres:postgres", dir]);
  const port = await freePort();
  run("initdb", ["-D", dir, "-U", "timecard", "--auth=trust", "--encoding=UTF8", "--no-sync"]);
  run("pg_ctl", [
    "-D",
    dir,
    "-l",
    join(dir, "log"),
    "-w",
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    "start",
  ]);
  return {
    url: `postgres://timecard@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run("pg_ctl", ["-D", dir, "-m", "immediate", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
