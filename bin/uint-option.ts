import { InvalidArgumentError } from './commander.js';

/** A commander argument parser for a whole number from `min` to `max`; the message names the flag. */
export function uintOption(what: string, min = 0, max = 0xffffffff): (v: string) => number {
  return (v: string): number => {
    if (!/^\d+$/.test(v.trim()) || Number(v) < min || Number(v) > max) {
      throw new InvalidArgumentError(`${what} must be an integer from ${min} to ${max}`);
    }
    return Number(v);
  };
}
