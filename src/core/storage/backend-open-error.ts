/**
 * A backend that cannot be opened at all (a data directory that cannot be created, or that another relay holds):
 * the relay does not start, and the operator is told why in one line rather than with a stack trace. A backend
 * that depends on a server (Redis) opens anyway while the server is down and reports itself not ready instead.
 */
export class BackendOpenError extends Error {
  override readonly name: string = 'BackendOpenError';
}
