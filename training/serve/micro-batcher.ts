// Coalesces concurrent requests into model batches: the first request waits up to `windowMs` for others,
// a batch holds at most `maxBatch` items (a larger request is split across batches), and the items waiting
// are bounded by `maxQueued` so that a burst is shed (QueueFullError → 503) instead of queued without end.
// Each caller gets its own rows back, in its own order.

export interface MicroBatchOptions {
  /** How long the first item of a batch waits for more (ms); 0 = only what the event loop already read. */
  windowMs: number;
  /** Items per model call. */
  maxBatch: number;
  /** Items waiting for a model call past which `submit` refuses. */
  maxQueued: number;
}

export const queueFullMessage = (queued: number) =>
  `the server is at capacity (${queued} instances queued): retry shortly`;

/** The queue is full: the caller should answer 503 and ask the client to retry. */
export class QueueFullError extends Error {
  constructor(readonly queued: number) {
    super(queueFullMessage(queued));
    this.name = "QueueFullError";
  }
}

/** Items `from`..`from + count - 1` of one submitted source, taken into a batch. */
export interface BatchPart<T> {
  source: T;
  from: number;
  count: number;
}

interface Job<T> {
  source: T;
  /** Items in the source. */
  count: number;
  /** Index of the first item not yet taken into a batch. */
  next: number;
  /** Items whose rows have been written. */
  done: number;
  rows: Float32Array;
  resolve(rows: Float32Array): void;
  reject(error: unknown): void;
}

export class MicroBatcher<T> {
  private readonly waiting: Job<T>[] = [];
  private queuedItems = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;

  /**
   * @param rowWidth values per item in `run`'s output
   * @param run predicts one batch (1..maxBatch items, as consecutive parts of the sources submitted),
   *   synchronously: `rowWidth` values per item, in order. A source's items are ranges, never objects of
   *   their own, so that a request of 100 instances queues as one job, not 100.
   */
  constructor(
    private readonly options: MicroBatchOptions,
    private readonly rowWidth: number,
    private readonly run: (parts: readonly BatchPart<T>[], items: number) => Float32Array,
  ) {
    if (!(options.windowMs >= 0)) throw new Error(`[windowMs] must be >= 0, got ${options.windowMs}`);
    if (!Number.isInteger(options.maxBatch) || options.maxBatch < 1)
      throw new Error(`[maxBatch] must be a whole number >= 1, got ${options.maxBatch}`);
    if (!Number.isInteger(options.maxQueued) || options.maxQueued < 1)
      throw new Error(`[maxQueued] must be a whole number >= 1, got ${options.maxQueued}`);
  }

  /** Items waiting for a model call. */
  get queued(): number {
    return this.queuedItems;
  }

  /**
   * The rows of the `count` items of `source`, once predicted; rejects with QueueFullError when they do not
   * fit in the queue.
   */
  submit(source: T, count: number): Promise<Float32Array> {
    if (count === 0) return Promise.resolve(new Float32Array(0));
    if (this.queuedItems + count > this.options.maxQueued) {
      return Promise.reject(new QueueFullError(this.queuedItems));
    }
    return new Promise((resolve, reject) => {
      const rows = new Float32Array(count * this.rowWidth);
      this.waiting.push({ source, count, next: 0, done: 0, rows, resolve, reject });
      this.queuedItems += count;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.immediate !== undefined) return;
    if (this.queuedItems >= this.options.maxBatch || this.options.windowMs === 0) {
      // A full batch (or no window): run after the I/O already read, without waiting for the timer.
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = undefined;
      this.immediate = setImmediate(() => this.flush());
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), this.options.windowMs);
    }
  }

  private flush(): void {
    this.timer = undefined;
    this.immediate = undefined;
    let items = 0;
    const jobs: Job<T>[] = [];
    const parts: BatchPart<T>[] = [];
    while (items < this.options.maxBatch && this.waiting.length > 0) {
      const job = this.waiting[0]!;
      const count = Math.min(this.options.maxBatch - items, job.count - job.next);
      jobs.push(job);
      parts.push({ source: job.source, from: job.next, count });
      items += count;
      job.next += count;
      if (job.next === job.count) this.waiting.shift();
    }
    this.queuedItems -= items;
    let output: Float32Array | undefined;
    let failure: unknown;
    try {
      output = this.run(parts, items);
      if (output.length < items * this.rowWidth) {
        throw new Error(`the model returned ${output.length} values for ${items} rows of ${this.rowWidth}`);
      }
    } catch (error) {
      failure = error ?? new Error("the model failed");
    }
    let offset = 0;
    for (let i = 0; i < parts.length; i++) {
      const job = jobs[i]!;
      const { from, count } = parts[i]!;
      if (output === undefined) {
        this.drop(job);
        job.reject(failure);
        continue;
      }
      const width = this.rowWidth;
      job.rows.set(output.subarray(offset * width, (offset + count) * width), from * width);
      offset += count;
      job.done += count;
      if (job.done === job.count) job.resolve(job.rows);
    }
    // What is left has waited its window already: the next batch runs after the I/O read meanwhile.
    if (this.waiting.length > 0) this.immediate = setImmediate(() => this.flush());
  }

  /** Removes a failed job's items that are still waiting (a request split across batches). */
  private drop(job: Job<T>): void {
    const index = this.waiting.indexOf(job);
    if (index < 0) return;
    this.waiting.splice(index, 1);
    this.queuedItems -= job.count - job.next;
  }
}
