// Replaced by package.json's version when the package is built (tsup's `define`) and when the
// tests run (vitest's `define`), so a release's version bump needs no edit here.
declare const __TIMECARD_SDK_VERSION__: string;

/** The version of `@timecard/sdk`, sent in the `User-Agent` header. */
export const VERSION: string = __TIMECARD_SDK_VERSION__;
