/**
 * Whether an error means that Redis or PostgreSQL is away (down, restarting, unreachable) rather than a
 * fault in Hoso: the citizen is then asked to try again in a moment, and nothing is logged as a bug.
 */
export function isStoreUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'MaxRetriesPerRequestError') return true;
  const code = (err as NodeJS.ErrnoException).code;
  if (
    code &&
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND'].includes(code)
  ) {
    return true;
  }
  // PostgreSQL's own codes for a server shutting down or not accepting connections (class 57P, 08).
  if (code && /^(57P0[1-3]|08\d\d\d)$/.test(code)) return true;
  return /Command timed out|Connection is closed|Stream isn't writeable|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(
    err.message,
  );
}
