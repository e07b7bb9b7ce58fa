/**
 * A mistake in how the command was called (unknown flag, invalid value, missing argument or
 * config file): printed as one line, exit code 2.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The run was stopped by Ctrl-C (exit code 130) or SIGTERM (143) after saving what it could. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
  constructor(
    message: string,
    readonly exitCode: 130 | 143 = 130,
  ) {
    super(message);
  }
}
