/**
 * A problem with what the user gave: a file that cannot be read or parsed, a value of the wrong
 * type, an unknown option. The command line prints its message as one line and exits with code 2;
 * the message names the file, the line and the column where there is one.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
