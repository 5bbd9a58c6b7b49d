/** Exit codes of `timecard`: 0 ok, 1 error, 2 usage, 4 authentication. */
export const EXIT = { OK: 0, ERROR: 1, USAGE: 2, AUTHENTICATION: 4 } as const;

/** A failure the CLI reports itself, with the exit code it calls for. */
export class CliError extends Error {
  static {
    CliError.prototype.name = "CliError";
  }
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT.ERROR) {
    super(message);
    this.exitCode = exitCode;
  }
}

interface ApiErrorLike {
  status: number;
  code: string;
  detail?: string;
  title?: string;
  requestId?: string | null;
}

// Duck-typed rather than `instanceof`, so reporting an error never loads the SDK.
function isApiError(error: unknown): error is ApiErrorLike {
  const e = error as Partial<ApiErrorLike> | null;
  return typeof e === "object" && e !== null && typeof e.status === "number" && typeof e.code === "string";
}

/** The line to print on stderr for `error` (without the `error:` prefix) and the exit code. */
export function describeError(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (isApiError(error)) {
    const detail = error.detail || error.title || `the API answered ${error.status}`;
    const request = error.requestId ? `, request ${error.requestId}` : "";
    return {
      message: `${detail} (${error.code}${request})`,
      exitCode: error.status === 401 ? EXIT.AUTHENTICATION : EXIT.ERROR,
    };
  }
  const name = (error as { name?: string } | null)?.name;
  if (name === "ConnectionError" || name === "TimeoutError") {
    // fetch's own error says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND…) is its cause.
    const cause = (error as Error).cause as { cause?: { code?: string; message?: string } } | undefined;
    const reason = cause?.cause?.code ?? cause?.cause?.message;
    return { message: `${(error as Error).message}${reason ? ` (${reason})` : ""}`, exitCode: EXIT.ERROR };
  }
  return { message: error instanceof Error ? error.message : String(error), exitCode: EXIT.ERROR };
}
