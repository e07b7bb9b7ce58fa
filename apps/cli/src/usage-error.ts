/**
 * A mistake in how the command was called (unknown flag, invalid value, missing argument or
 * config file): printed as one line, exit code 2.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The user pressed Ctrl-C: the run was saved; exit code 130. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
}
