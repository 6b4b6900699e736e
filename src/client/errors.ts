/** The relay refused a request: `code` and `message` are the relay's own (README, "Errors"). */
export class RelayRequestError extends Error {
  override readonly name = 'RelayRequestError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  /** Worth trying again: the relay is busy, stopping or briefly unable to store (5xx, 429). */
  get retryable(): boolean {
    return this.status >= 500 || this.status === 429;
  }
}

/** The relay could not be reached (refused, reset, DNS) or stopped answering. */
export class RelayConnectionError extends Error {
  override readonly name = 'RelayConnectionError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Turns a non-2xx response into a RelayRequestError with the relay's words. */
export async function refusalOf(response: Response): Promise<RelayRequestError> {
  let code = `http_${response.status}`;
  let message = `The relay answered ${response.status} ${response.statusText}.`;
  try {
    const body = (await response.json()) as { error?: unknown; message?: unknown };
    if (typeof body.error === 'string') code = body.error;
    if (typeof body.message === 'string') message = body.message;
  } catch {
    // Not our JSON (a proxy's error page): the status line is all there is.
  }
  return new RelayRequestError(response.status, code, message);
}
