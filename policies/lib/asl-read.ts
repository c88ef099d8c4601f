// Reads a state machine definition that arrived as a JSON string: parses it, lists every state in
// every scope (the top level, each Parallel branch, each Map processor) and reads the fields the
// policies need without trusting their shape.
import { arrayAt, isRecord, recordAt, stringAt, stringList } from "./json";

/** One state graph: the top level, a Parallel branch or a Map processor. */
export interface ScopeRef {
  /** Where the scope sits in the definition, as a path: `""` at the top, else e.g. `States.Fan.Branches[0]`. */
  path: string;
  startAt: string | undefined;
  states: ReadonlyMap<string, Record<string, unknown>>;
}

export interface StateRef {
  name: string;
  type: string;
  raw: Record<string, unknown>;
  scope: ScopeRef;
}

export interface ParsedDefinition {
  raw: Record<string, unknown>;
  scopes: ScopeRef[];
  states: StateRef[];
}

export type ParseResult = { ok: true; definition: ParsedDefinition } | { ok: false; reason: string };

export function parseDefinition(text: string): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `it is not valid JSON (${(error as Error).message})` };
  }
  if (!isRecord(raw) || !isRecord(raw["States"])) {
    return { ok: false, reason: "it has no States object" };
  }
  const scopes: ScopeRef[] = [];
  collectScopes(raw, "", scopes);
  const states = scopes.flatMap((scope) =>
    [...scope.states].map(([name, state]) => ({
      name,
      type: stringAt(state, "Type") ?? "?",
      raw: state,
      scope,
    })),
  );
  return { ok: true, definition: { raw, scopes, states } };
}

function collectScopes(rawScope: Record<string, unknown>, path: string, into: ScopeRef[]): void {
  const states = new Map<string, Record<string, unknown>>();
  for (const [name, state] of Object.entries(recordAt(rawScope, "States") ?? {})) {
    if (isRecord(state)) states.set(name, state);
  }
  into.push({ path, startAt: stringAt(rawScope, "StartAt"), states });
  for (const [name, state] of states) {
    const statePath = `${path === "" ? "" : `${path}.`}States.${name}`;
    arrayAt(state, "Branches").forEach((branch, index) => {
      if (isRecord(branch)) collectScopes(branch, `${statePath}.Branches[${index}]`, into);
    });
    for (const key of ["ItemProcessor", "Iterator"]) {
      const processor = recordAt(state, key);
      if (processor) collectScopes(processor, `${statePath}.${key}`, into);
    }
  }
}

/** `Task "Train"` at the top level, `Task "Score" in States.Fan.Branches[0]` inside a branch or processor. */
export function describeState(state: StateRef): string {
  const where = state.scope.path === "" ? "" : ` in ${state.scope.path}`;
  return `${state.type} "${state.name}"${where}`;
}

export interface ErrorHandler {
  errorEquals: string[];
  raw: Record<string, unknown>;
}

function handlers(state: Record<string, unknown>, key: "Retry" | "Catch"): ErrorHandler[] {
  return arrayAt(state, key)
    .filter(isRecord)
    .map((raw) => ({ errorEquals: stringList(raw["ErrorEquals"]), raw }));
}

export const catchers = (state: Record<string, unknown>): ErrorHandler[] => handlers(state, "Catch");
export const retriers = (state: Record<string, unknown>): ErrorHandler[] => handlers(state, "Retry");

/** The states this state can move to in its own scope: Next, Default, every Choice's Next, every Catch's Next. */
export function successors(state: Record<string, unknown>): string[] {
  const next = [stringAt(state, "Next"), stringAt(state, "Default")];
  for (const rule of arrayAt(state, "Choices")) next.push(stringAt(rule, "Next"));
  for (const catcher of catchers(state)) next.push(stringAt(catcher.raw, "Next"));
  return [...new Set(next.filter((name): name is string => name !== undefined))];
}

/** A task's parameters: JSONPath `Parameters`, or JSONata `Arguments` when it is an object. */
export function taskParameters(state: Record<string, unknown>): Record<string, unknown> | undefined {
  return recordAt(state, "Parameters") ?? recordAt(state, "Arguments");
}
