// Values unknown during preview. The policy server wraps resource properties in a proxy that throws
// `UnknownValueError` when a policy reads one; @pulumi/policy exports that class at run time but not in
// its type declarations, so it is recognized by name.

export function isUnknownValueError(error: unknown): error is Error {
  return error instanceof Error && error.constructor.name === "UnknownValueError";
}

/** `read()`, or `undefined` when it reads a value unknown during preview. */
export function unlessUnknown<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (isUnknownValueError(error)) return undefined;
    throw error;
  }
}
