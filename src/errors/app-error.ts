/**
 * The one error type of ferry. Each error has a stable SCREAMING_SNAKE code with an
 * area prefix, the HTTP status it maps to, a plain message, optional details and the
 * underlying cause. Two errors mean the same thing when their codes are equal.
 */
export interface AppErrorOptions {
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, status: number, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.details = options.details;
  }

  /** A stock @tus/server on FerryStore (the DataStore contract) reads `status_code` and `body` from thrown errors: an AppError answers both. */
  get status_code(): number {
    return this.status;
  }

  get body(): string {
    return JSON.stringify(this.toJSON());
  }

  /** The JSON body every error response carries: `{error: {code, message, ...details}}`. */
  toJSON(): { error: Record<string, unknown> } {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }
}

export function isAppError(value: unknown, code?: string): value is AppError {
  return value instanceof AppError && (code === undefined || value.code === code);
}
