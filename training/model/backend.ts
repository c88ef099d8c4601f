// TensorFlow.js backend choice, in order: @tensorflow/tfjs-node (native, installed in the production
// image), @tensorflow/tfjs-backend-wasm, the pure-JS CPU backend. VT_TF_BACKEND=node|wasm|cpu forces one.
import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs";
import { errorMessage } from "../runtime/errors";
import { type Env } from "../runtime/paths";
import { log } from "../runtime/log";

export const BACKENDS = ["tensorflow", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

// Backends register themselves with the @tensorflow/tfjs-core instance they load. They are loaded with
// require (not import()), so that they get the same CommonJS instance as @tensorflow/tfjs in this
// process, also in the esbuild bundle where both stay external packages. The names are not literals
// so that neither TypeScript nor esbuild try to resolve the optional native package at build time.
const loadPackage = createRequire(__filename);
const TFJS_NODE = "@tensorflow/tfjs-node";
const TFJS_WASM = "@tensorflow/tfjs-backend-wasm";

async function tryBackend(name: BackendName): Promise<void> {
  switch (name) {
    case "tensorflow":
      loadPackage(TFJS_NODE);
      break;
    case "wasm":
      loadPackage(TFJS_WASM);
      break;
    case "cpu":
      break;
    default: {
      const unknown: never = name;
      throw new Error(`unknown backend ${String(unknown)}`);
    }
  }
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend("${name}") returned false`);
  await tf.ready();
}

let chosen: BackendName | undefined;

/** Picks and initialises the backend once per process; logs the choice and why others were skipped. */
export async function initBackend(env: Env = process.env): Promise<BackendName> {
  if (chosen !== undefined) return chosen;
  const forced = env["VT_TF_BACKEND"]?.trim();
  const alias = forced === "node" ? "tensorflow" : forced;
  if (alias && !(BACKENDS as readonly string[]).includes(alias)) {
    throw new Error(`VT_TF_BACKEND must be one of node, wasm, cpu; got "${forced}"`);
  }
  const order: BackendName[] = alias ? [alias as BackendName] : [...BACKENDS];
  // Without this flag the CPU backend prints a plain-text banner on first use.
  tf.env().set("PROD", true);
  const skipped: Record<string, string> = {};
  for (const name of order) {
    try {
      await tryBackend(name);
      chosen = name;
      log("info", "tensorflow backend", { backend: name, skipped });
      return name;
    } catch (error) {
      skipped[name] = errorMessage(error).split("\n")[0] ?? "";
    }
  }
  throw new Error(`no TensorFlow.js backend could start: ${JSON.stringify(skipped)}`);
}
