#!/usr/bin/env node
// `npm run setup`: installs everything the workspace needs with the pinned pnpm.
import { ensureInstalled } from "./pnpm.mjs";

ensureInstalled();
