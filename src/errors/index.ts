/**
 * One error type for the whole product. Every failure a caller may want to act on
 * carries a stable code (`THREATLAB_…`), whether retrying can help, and its cause.
 * The table below is the single place that maps a code to a CLI exit code and an
 * HTTP status, so the CLI and the API never disagree about what an error means.
 */

export const ERROR_TABLE = {
  THREATLAB_USAGE: { exit: 2, http: 400, retriable: false },
  THREATLAB_CONFIG: { exit: 2, http: 500, retriable: false },
  THREATLAB_INPUT: { exit: 1, http: 400, retriable: false },
  THREATLAB_NOT_FOUND: { exit: 1, http: 404, retriable: false },
  THREATLAB_CONFLICT: { exit: 1, http: 409, retriable: false },
  THREATLAB_UNAUTHORIZED: { exit: 1, http: 401, retriable: false },
  THREATLAB_PAYLOAD_TOO_LARGE: { exit: 1, http: 413, retriable: false },
  THREATLAB_BAD_MODEL: { exit: 1, http: 422, retriable: false },
  THREATLAB_FEATURE_SPEC_MISMATCH: { exit: 1, http: 422, retriable: false },
  THREATLAB_CHECKSUM: { exit: 1, http: 422, retriable: false },
  THREATLAB_UNKNOWN_SCHEME: { exit: 2, http: 400, retriable: false },
  THREATLAB_STORE_UNAVAILABLE: { exit: 3, http: 503, retriable: true },
  THREATLAB_REGISTRY_UNAVAILABLE: { exit: 3, http: 503, retriable: true },
  THREATLAB_BUS_UNAVAILABLE: { exit: 3, http: 503, retriable: true },
  THREATLAB_NOT_READY: { exit: 3, http: 503, retriable: true },
  THREATLAB_DEGENERATE_DATA: { exit: 1, http: 422, retriable: false },
  THREATLAB_INTERNAL: { exit: 70, http: 500, retriable: false },
} as const satisfies Record<string, { exit: number; http: number; retriable: boolean }>;

export type ErrorCode = keyof typeof ERROR_TABLE;

export interface ThreatlabErrorOptions {
  cause?: unknown;
  /** Overrides the table's default when one failure of a code is retriable and another is not. */
  retriable?: boolean;
  /** Structured facts about the failure (both hashes of a spec mismatch, the bad setting…). */
  details?: Record<string, unknown>;
}

export class ThreatlabError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: ThreatlabErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ThreatlabError';
    this.code = code;
    this.retriable = options.retriable ?? ERROR_TABLE[code].retriable;
    this.details = options.details ?? {};
  }

  get exitCode(): number {
    return ERROR_TABLE[this.code].exit;
  }

  get httpStatus(): number {
    return ERROR_TABLE[this.code].http;
  }
}

export function isThreatlabError(err: unknown): err is ThreatlabError {
  return err instanceof ThreatlabError;
}

/** Exit code for anything thrown: our table for our errors, 70 (EX_SOFTWARE) for bugs. */
export function exitCodeOf(err: unknown): number {
  return isThreatlabError(err) ? err.exitCode : ERROR_TABLE.THREATLAB_INTERNAL.exit;
}

export function httpStatusOf(err: unknown): number {
  return isThreatlabError(err) ? err.httpStatus : ERROR_TABLE.THREATLAB_INTERNAL.http;
}

/** True when retrying the same call may succeed (network down, server busy). */
export function isRetriable(err: unknown): boolean {
  return isThreatlabError(err) ? err.retriable : false;
}

/** A one-line description of any thrown value, for CLI output and log fields. */
export function describeError(err: unknown): string {
  if (isThreatlabError(err)) return `${err.message} [${err.code}]`;
  if (err instanceof Error) return err.message;
  return String(err);
}
