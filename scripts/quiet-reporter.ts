// The test reporter of `npm test`: a passing run stays short (a dot per passing top-level test, then the
// runner's summary). Everything a test file prints (the JSON logs of handlers and containers, warnings,
// child processes' output) is held back per file and shown only for the files with a failure, after the
// dots, with that file's tests in the spec reporter's form. Capturing here, at the reporter, covers every
// test file, present and future, without a test having to silence its own logs. DEBUG=1 shows everything,
// live, with the spec reporter.
import { relative, resolve } from "node:path";
import { spec as SpecReporter } from "node:test/reporters";

/** The fields of a test runner event that this reporter reads (node:test's `TestEvent`). */
export interface TestEvent {
  readonly type: string;
  readonly data: {
    readonly file?: string;
    readonly name?: string;
    readonly nesting?: number;
    readonly message?: string;
  };
}

/** Renders events as the spec reporter would, its list of failing tests included. */
async function renderWithSpec(events: readonly TestEvent[]): Promise<string> {
  const spec = new SpecReporter();
  const chunks: string[] = [];
  const collected = (async () => {
    for await (const chunk of spec) chunks.push(String(chunk));
  })();
  for (const event of events) spec.write(event);
  spec.end();
  await collected;
  return chunks.join("");
}

/**
 * Events that only say a test was queued, or finished (in completion order, which is not the order the
 * other events follow): the rendering reads test:pass and test:fail instead.
 */
const NOT_RENDERED = new Set(["test:enqueue", "test:dequeue", "test:complete", "test:watch:drained"]);

const DOTS_PER_LINE = 80;

export async function* quietReporter(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const eventsByFile = new Map<string, TestEvent[]>();
  const failedFiles = new Set<string>();
  const summary: string[] = [];
  let marks = 0;

  for await (const event of source) {
    if (NOT_RENDERED.has(event.type)) continue;
    const { nesting, message } = event.data;
    if (event.data.file === undefined) {
      // The run's own events: the final counts (tests, pass, fail, ...) and the plan.
      if (event.type === "test:diagnostic" && message !== undefined) summary.push(`ℹ ${message}`);
      continue;
    }
    // The runner names a file as it was given for its output, and absolute for its tests.
    const file = resolve(event.data.file);
    const events = eventsByFile.get(file) ?? [];
    eventsByFile.set(file, events);
    events.push(event);
    if ((event.type === "test:pass" || event.type === "test:fail") && nesting === 0) {
      if (event.type === "test:fail") failedFiles.add(file);
      marks += 1;
      yield (event.type === "test:pass" ? "." : "✖") + (marks % DOTS_PER_LINE === 0 ? "\n" : "");
    }
  }
  if (marks % DOTS_PER_LINE !== 0) yield "\n";
  for (const file of failedFiles) {
    yield `\n✖ ${relative(process.cwd(), file)}: its output and tests\n`;
    yield await renderWithSpec(eventsByFile.get(file) ?? []);
  }
  yield `${summary.join("\n")}\n`;
}
