// `node --import ./record-loads.mjs …`: registers hooks that append every resolved module URL to
// the file named by TIMECARD_LOAD_LOG, so a test sees what a command loaded.
import { register } from "node:module";

register("./record-loads-hooks.mjs", import.meta.url, { data: { file: process.env.TIMECARD_LOAD_LOG } });
