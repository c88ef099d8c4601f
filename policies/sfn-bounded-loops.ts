// A state machine must end: the seed's query polling loop had no bound. Accepted (precisely):
//  1. The machine has TimeoutSeconds, at most maxMachineTimeoutSeconds.
//  2. Every Task has TimeoutSeconds, TimeoutSecondsPath, HeartbeatSeconds or HeartbeatSecondsPath, or
//     is a `.sync` integration (the service job has its own stopping condition).
//  3. In every scope (top level, Parallel branch, Map processor), every cycle of the state graph
//     (edges: Next, Default, Choices[].Next, Catch[].Next) passes through a *guard*: a Choice state with
//     a rule (at any depth of And/Or/Not) that compares a `$.` Variable with a Numeric* operator, that has
//     a transition leaving the cycle's strongly connected component, and (requireCounterIncrement) whose
//     compared variable some state of that component increments with `States.MathAdd(<variable>, n)` in
//     its Parameters, ResultSelector or ItemSelector. Checked exactly: the graph without guards must be
//     acyclic (components are re-examined after removing their guards).
import type { ReportViolation, ResourceValidationPolicy, PolicyConfigSchema } from "@pulumi/policy";
import { policyConfig } from "./lib/config";
import { describeState, successors, type ScopeRef } from "./lib/asl-read";
import { withDefinition } from "./lib/definition";
import { cycleIn, isCyclic, stronglyConnected, subgraph, type Graph } from "./lib/graph";
import { arrayAt, deepStrings, isRecord, numberAt, recordAt, stringAt } from "./lib/json";

export interface BoundedLoopsConfig {
  maxMachineTimeoutSeconds: number;
  requireTaskTimeouts: boolean;
  requireCounterIncrement: boolean;
}

const TASK_BOUNDS = ["TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath"];

/** Variables compared with a Numeric* operator in a Choice rule or its nested And/Or/Not rules. */
export function numericallyComparedVariables(rule: unknown): string[] {
  if (!isRecord(rule)) return [];
  const nested = [...arrayAt(rule, "And"), ...arrayAt(rule, "Or"), rule["Not"]].flatMap(
    numericallyComparedVariables,
  );
  const variable = stringAt(rule, "Variable");
  const numeric = Object.keys(rule).some((key) => key.startsWith("Numeric"));
  return variable !== undefined && variable.startsWith("$.") && numeric ? [variable, ...nested] : nested;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function increments(state: Record<string, unknown> | undefined, variable: string): boolean {
  const pattern = new RegExp(`States\\.MathAdd\\(\\s*${escapeRegExp(variable)}\\s*,\\s*-?[1-9]`);
  const fields = ["Parameters", "ResultSelector", "ItemSelector"].map((key) => recordAt(state, key));
  return deepStrings(fields).some((text) => pattern.test(text));
}

function isGuard(
  scope: ScopeRef,
  graph: Graph,
  component: ReadonlySet<string>,
  name: string,
  config: BoundedLoopsConfig,
): boolean {
  const state = scope.states.get(name);
  if (stringAt(state, "Type") !== "Choice") return false;
  const leaves = (graph.get(name) ?? []).some((next) => !component.has(next));
  if (!leaves) return false;
  const variables = arrayAt(state, "Choices").flatMap(numericallyComparedVariables);
  if (!config.requireCounterIncrement) return variables.length > 0;
  return variables.some((variable) =>
    [...component].some((member) => increments(scope.states.get(member), variable)),
  );
}

function unguardedCycles(scope: ScopeRef, graph: Graph, config: BoundedLoopsConfig): string[][] {
  const cycles: string[][] = [];
  for (const component of stronglyConnected(graph)) {
    if (!isCyclic(graph, component)) continue;
    const guards = [...component].filter((name) => isGuard(scope, graph, component, name, config));
    if (guards.length === 0) {
      // Report the loop from its first state in the order of the definition.
      const start = [...scope.states.keys()].find((name) => component.has(name)) ?? [...component][0];
      cycles.push(cycleIn(graph, component, start as string));
      continue;
    }
    const rest = new Set([...component].filter((name) => !guards.includes(name)));
    cycles.push(...unguardedCycles(scope, subgraph(graph, rest), config));
  }
  return cycles;
}

function checkScope(scope: ScopeRef, config: BoundedLoopsConfig, report: ReportViolation): void {
  const graph: Graph = new Map([...scope.states].map(([name, state]) => [name, successors(state)]));
  for (const cycle of unguardedCycles(scope, graph, config)) {
    const where = scope.path === "" ? "" : ` in ${scope.path}`;
    const loop = [...cycle, cycle[0]].join(" → ");
    report(
      `the loop ${loop}${where} passes no Choice that compares a counter` +
        (config.requireCounterIncrement ? " the loop increments" : "") +
        "; count the iterations (States.MathAdd) and leave the loop on a Numeric* rule such as NumericGreaterThanEquals",
    );
  }
}

const CONFIG_SCHEMA: PolicyConfigSchema = {
  properties: {
    maxMachineTimeoutSeconds: {
      type: "integer",
      minimum: 1,
      default: 86400,
      description: "The longest TimeoutSeconds a state machine may have.",
    },
    requireTaskTimeouts: {
      type: "boolean",
      default: true,
      description: "Whether every non-.sync Task needs TimeoutSeconds or HeartbeatSeconds.",
    },
    requireCounterIncrement: {
      type: "boolean",
      default: true,
      description: "Whether a loop's guard variable must be incremented with States.MathAdd inside the loop.",
    },
  },
};

export const sfnBoundedLoops: ResourceValidationPolicy = {
  name: "sfn-bounded-loops",
  description:
    "Every loop of a state machine passes a Choice that compares a counter the loop increments; the machine " +
    "has TimeoutSeconds and every Task a timeout, heartbeat or .sync bound.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: CONFIG_SCHEMA,
  validateResource: (args, report) => {
    const config = policyConfig<BoundedLoopsConfig>(CONFIG_SCHEMA, args);
    withDefinition(args, report, (definition) => {
      const timeout = numberAt(definition.raw, "TimeoutSeconds");
      if (timeout === undefined) {
        report(
          `the state machine has no TimeoutSeconds; set one (at most ${config.maxMachineTimeoutSeconds}) so that no execution runs forever`,
        );
      } else if (timeout > config.maxMachineTimeoutSeconds) {
        report(
          `the state machine's TimeoutSeconds ${timeout} exceeds maxMachineTimeoutSeconds (${config.maxMachineTimeoutSeconds})`,
        );
      }
      if (config.requireTaskTimeouts) {
        for (const state of definition.states) {
          if (state.type !== "Task") continue;
          const bounded = TASK_BOUNDS.some((key) => state.raw[key] !== undefined);
          const sync = /\.sync(:\d+)?$/.test(stringAt(state.raw, "Resource") ?? "");
          if (!bounded && !sync) {
            report(
              `${describeState(state)} has no TimeoutSeconds or HeartbeatSeconds and is not a .sync job; set TimeoutSeconds`,
            );
          }
        }
      }
      for (const scope of definition.scopes) checkScope(scope, config, report);
    });
  },
};
