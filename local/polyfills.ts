// Node 20 lacks `Promise.withResolvers` (Node 22 has it), which aws-local-stepfunctions 3.0.0 calls for
// every Task state's timeout. The definition's own executor tests install the same polyfill; one copy of
// it lives beside the typed ASL, and this module is the local runner's single place that loads it.
// Import it before the library (see `local/executor.ts`).
import "../components/asl/local-executor-polyfill";

export {};
