// Node 20 lacks `Promise.withResolvers` (added in Node 22), which aws-local-stepfunctions 3.0.0 calls
// for every Task state's timeout. Import this module before the library (see `local/executor.ts`).

interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

type PromiseWithResolvers = PromiseConstructor & { withResolvers?: <T>() => Resolvers<T> };

/** Installs `Promise.withResolvers` when the runtime does not have it; returns whether it installed it. */
export function installPromiseWithResolvers(target: PromiseWithResolvers = Promise): boolean {
  if (typeof target.withResolvers === "function") return false;
  Object.defineProperty(target, "withResolvers", {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function withResolvers<T>(this: PromiseConstructor): Resolvers<T> {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new this<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
  return true;
}

installPromiseWithResolvers();
