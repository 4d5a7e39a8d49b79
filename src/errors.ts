/**
 * Typed errors. Every error the orchestrator raises on purpose is a KittyError with a one-line message that
 * names the file, key or WP at fault; entries (CLI, action) catch once and map them to an exit code.
 */
export type ErrorKind =
  | 'usage' // a bad flag or input
  | 'feature' // a WP file or tasks.md that cannot be read
  | 'graph' // unknown dependency, duplicate id, cycle
  | 'config' // agents.yaml invalid
  | 'agent' // no agent available, unknown agent
  | 'state' // state that cannot be read or written, lock held
  | 'corrupt' // an event line or snapshot that fails validation (named file:line: field)
  | 'host' // git / worktree failures
  | 'escalation'; // every agent failed a WP

export class KittyError extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.name = 'KittyError';
  }
}

export const isKittyError = (e: unknown): e is KittyError => e instanceof KittyError;

/** The exit code an entry uses for an error: 2 for usage/input problems, 3 for escalation, 1 otherwise. */
export function exitCodeFor(error: unknown): number {
  if (!isKittyError(error)) return 1;
  switch (error.kind) {
    case 'usage':
    case 'feature':
    case 'graph':
    case 'config':
    case 'corrupt':
      return 2;
    case 'escalation':
      return 3;
    case 'agent':
    case 'state':
    case 'host':
      return 1;
  }
}

/** A readable one-line message for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
