// Lists the organization's employees page by page with openapi-fetch and the generated types.
// Run against the sandbox: TIMECARD_BASE_URL=http://127.0.0.1:4010 npx tsx examples/list-employees.ts
import type { paths } from "@timecard/sdk";
import createClient from "openapi-fetch";

const client = createClient<paths>({
  baseUrl: process.env.TIMECARD_BASE_URL ?? "http://127.0.0.1:4010",
  headers: { Authorization: `Bearer ${process.env.TIMECARD_API_KEY ?? "tc_test_mock"}` },
});

let cursor: string | undefined;
let pages = 0;
do {
  const { data, error, response } = await client.GET("/v1/employees", { params: { query: { limit: 25, cursor } } });
  if (error) {
    console.error(`${response.status} ${error.code}: ${error.detail ?? error.title} (request ${error.request_id})`);
    process.exit(1);
  }
  for (const employee of data.data) console.log(`${employee.id}  ${employee.role.padEnd(8)}  ${employee.name}`);
  cursor = data.has_more ? (data.next_cursor ?? undefined) : undefined;
  pages++;
  // The mock answers every page with the same example: stop after one there.
} while (cursor && pages < 10);
