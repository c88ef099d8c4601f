// An input JSON file (the preprocess output's headers and statistics): a missing or unparsable file is an
// InputError naming the path and what to do.
import { existsSync, readFileSync } from "node:fs";
import { InputError, errorMessage } from "./errors";

/** The parsed JSON of `path`; `whenMissing` completes the "is missing: …" message. */
export function readJsonInput(path: string, whenMissing: string): unknown {
  if (!existsSync(path)) throw new InputError(`${path} is missing: ${whenMissing}`);
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new InputError(`${path} is not JSON: ${errorMessage(error)}`);
  }
}
