// The definition as a graph: transitions, reachability, cycles and the Tasks nested anywhere. Used by
// the definition's tests and by `npm run graph`.
import type { Branch, ChoiceCondition, ChoiceRule, State } from "./types";

export type EdgeKind = "next" | "choice" | "default" | "catch";

export interface Edge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** A short description of the condition (choice rules) or the caught errors. */
  label?: string;
}

function describeCondition(condition: ChoiceCondition): string {
  if ("And" in condition) return condition.And.map(describeCondition).join(" and ");
  if ("Or" in condition) return condition.Or.map(describeCondition).join(" or ");
  if ("Not" in condition) return `not (${describeCondition(condition.Not)})`;
  const { Variable, ...operator } = condition;
  const [name, value] = Object.entries(operator)[0] ?? ["?", "?"];
  const variable = Variable.replace(/^\$\./, "");
  const symbol: Record<string, string> = {
    StringEquals: "=",
    StringEqualsPath: "=",
    NumericEquals: "=",
    BooleanEquals: "=",
    NumericGreaterThanEquals: ">=",
    NumericLessThan: "<",
    IsPresent: "present:",
  };
  const shown = typeof value === "string" && value.startsWith("$.") ? value.slice(2) : String(value);
  return `${variable} ${symbol[name] ?? name} ${shown}`;
}

export function stateEdges(name: string, state: State): Edge[] {
  const edges: Edge[] = [];
  if (state.Type === "Choice") {
    state.Choices.forEach((rule: ChoiceRule) => {
      const { Next, ...condition } = rule;
      edges.push({
        from: name,
        to: Next,
        kind: "choice",
        label: describeCondition(condition as ChoiceCondition),
      });
    });
    if (state.Default) edges.push({ from: name, to: state.Default, kind: "default", label: "otherwise" });
    return edges;
  }
  if ("Next" in state && typeof state.Next === "string")
    edges.push({ from: name, to: state.Next, kind: "next" });
  if ("Catch" in state && state.Catch) {
    for (const catcher of state.Catch) {
      edges.push({ from: name, to: catcher.Next, kind: "catch", label: catcher.ErrorEquals.join(", ") });
    }
  }
  return edges;
}

export function branchEdges(branch: Branch): Edge[] {
  return Object.entries(branch.States).flatMap(([name, state]) => stateEdges(name, state));
}

export function reachableStates(branch: Branch): Set<string> {
  const edges = branchEdges(branch);
  const seen = new Set<string>([branch.StartAt]);
  const queue = [branch.StartAt];
  while (queue.length > 0) {
    const current = queue.shift() as string;
    for (const edge of edges) {
      if (edge.from === current && !seen.has(edge.to)) {
        seen.add(edge.to);
        queue.push(edge.to);
      }
    }
  }
  return seen;
}

/** Strongly connected components (Tarjan); a component with a cycle has several states or a self-loop. */
export function cycles(branch: Branch): string[][] {
  const edges = branchEdges(branch);
  const successors = (name: string) => edges.filter((edge) => edge.from === name).map((edge) => edge.to);
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  const visit = (name: string) => {
    index.set(name, counter);
    lowLink.set(name, counter);
    counter += 1;
    stack.push(name);
    onStack.add(name);
    for (const next of successors(name)) {
      if (!index.has(next)) {
        visit(next);
        lowLink.set(name, Math.min(lowLink.get(name) as number, lowLink.get(next) as number));
      } else if (onStack.has(next)) {
        lowLink.set(name, Math.min(lowLink.get(name) as number, index.get(next) as number));
      }
    }
    if (lowLink.get(name) === index.get(name)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== name);
      const selfLoop = successors(name).includes(name);
      if (component.length > 1 || selfLoop) components.push(component.reverse());
    }
  };
  for (const name of Object.keys(branch.States)) if (!index.has(name)) visit(name);
  return components;
}

/** Every state, with its path, including those inside Parallel branches and Map processors. */
export function allStates(branch: Branch, prefix = ""): { path: string; name: string; state: State }[] {
  return Object.entries(branch.States).flatMap(([name, state]) => {
    const path = `${prefix}${name}`;
    const own = [{ path, name, state }];
    if (state.Type === "Parallel") {
      return [...own, ...state.Branches.flatMap((inner, i) => allStates(inner, `${path}/branch${i}/`))];
    }
    if (state.Type === "Map") return [...own, ...allStates(state.ItemProcessor, `${path}/items/`)];
    return own;
  });
}
