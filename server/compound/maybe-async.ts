/**
 * Values that are usually ready now and only sometimes need I/O (a handle
 * that must be searched for, a read in slow-disk mode). Continuing without
 * `await` when the value is ready keeps a small-file COMPOUND of 60 ops from
 * paying 60+ promise round trips.
 */
export type MaybePromise<T> = T | Promise<T>;

/** f(v), now when v is a value, later when it is a promise. */
export function andThen<T, U>(v: MaybePromise<T>, f: (t: T) => MaybePromise<U>): MaybePromise<U> {
  return v instanceof Promise ? v.then(f) : f(v);
}
