// Directed-graph helpers for state graphs: strongly connected components and one cycle inside one.

export type Graph = ReadonlyMap<string, readonly string[]>;

/** The subgraph on `keep`: its nodes, and only edges between them. */
export function subgraph(graph: Graph, keep: ReadonlySet<string>): Graph {
  const result = new Map<string, string[]>();
  for (const node of keep) {
    result.set(
      node,
      (graph.get(node) ?? []).filter((next) => keep.has(next)),
    );
  }
  return result;
}

/** Strongly connected components (Tarjan), each a set of nodes; edges to unknown nodes are ignored. */
export function stronglyConnected(graph: Graph): Set<string>[] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: Set<string>[] = [];

  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component = new Set<string>();
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.add(member);
      } while (member !== node);
      components.push(component);
    }
  };

  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return components;
}

/** Whether a component contains a cycle: more than one node, or a node with an edge to itself. */
export function isCyclic(graph: Graph, component: ReadonlySet<string>): boolean {
  if (component.size > 1) return true;
  const [only] = component;
  return only !== undefined && (graph.get(only) ?? []).includes(only);
}

/** One cycle through a cyclic component, as the nodes in order starting from `start` (not repeated at the end). */
export function cycleIn(graph: Graph, component: ReadonlySet<string>, start: string): string[] {
  // Breadth-first search for the shortest path from a successor of `start` back to `start`.
  const previous = new Map<string, string>();
  const queue: string[] = [start];
  while (queue.length > 0) {
    const node = queue.shift() as string;
    for (const next of graph.get(node) ?? []) {
      if (!component.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0] as string) as string);
        return path;
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start];
}
