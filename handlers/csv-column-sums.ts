// Sums of named numeric columns of a CSV, fed chunk by chunk: snapshot-dataset totals the source SQL's
// hit counts (page_views, invalid_hits, duplicate_hits) in the one pass that already digests the query
// result, instead of reading it again. Quotes are honoured (Athena quotes every cell; a quoted newline
// or comma stays in its cell, a doubled quote is one quote of the text); a cell that is not a finite
// number counts 0.
// The same sums over the rows whose `whereEmpty` column is empty come beside them (the SQL leaves
// visit_date empty for the hits whose event_time it could not read).

const QUOTE = 0x22;
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export interface ColumnSumsSpec {
  readonly columns: readonly string[];
  /** Also sum over the rows where this column is empty. */
  readonly whereEmpty?: string;
}

export interface ColumnSums {
  readonly all: Record<string, number>;
  /** Over the rows whose `whereEmpty` column is empty (all 0 without one). */
  readonly whereEmpty: Record<string, number>;
}

export class CsvColumnSums {
  /** Column index → the summed name, known once the header has been read. */
  private targets = new Map<number, string>();
  private conditionIndex = -1;
  private readonly columns: readonly string[];
  private readonly conditionName: string | undefined;
  private readonly sums = new Map<string, number>();
  private readonly sumsWhereEmpty = new Map<string, number>();
  /** The current row's values, added to the sums when the row ends. */
  private row = new Map<string, number>();
  private conditionEmpty = true;
  private inHeader = true;
  private inQuotes = false;
  private afterQuote = false;
  private field = 0;
  /** The bytes of the current cell, kept only for the header and the summed columns. */
  private cell: number[] = [];

  constructor(spec: ColumnSumsSpec) {
    this.columns = spec.columns;
    this.conditionName = spec.whereEmpty?.toLowerCase();
    for (const column of spec.columns) {
      this.sums.set(column, 0);
      this.sumsWhereEmpty.set(column, 0);
    }
  }

  update(chunk: Uint8Array): void {
    if (this.columns.length === 0) return;
    for (const byte of chunk) {
      if (byte === QUOTE) {
        // A quote right after a closing one is an escaped quote ("" inside a quoted cell): keep one.
        if (!this.inQuotes && this.afterQuote && this.keepsCell()) this.cell.push(QUOTE);
        this.inQuotes = !this.inQuotes;
        this.afterQuote = true;
        continue;
      }
      this.afterQuote = false;
      if ((byte === COMMA || byte === NEWLINE) && !this.inQuotes) {
        this.endCell();
        if (byte === NEWLINE) this.endRecord();
        else this.field += 1;
      } else if (byte !== CARRIAGE_RETURN && this.keepsCell()) {
        this.cell.push(byte);
      }
    }
  }

  /** The sums, each column named in the constructor (0 when the header lacks it). */
  totals(): ColumnSums {
    if (this.cell.length > 0 || this.field > 0) {
      this.endCell();
      this.endRecord();
    }
    return { all: Object.fromEntries(this.sums), whereEmpty: Object.fromEntries(this.sumsWhereEmpty) };
  }

  private keepsCell(): boolean {
    return this.inHeader || this.targets.has(this.field) || this.field === this.conditionIndex;
  }

  private endCell(): void {
    const text = Buffer.from(this.cell).toString("utf8").trim();
    this.cell = [];
    if (this.inHeader) {
      const name = text.replace(/^\uFEFF/, "").toLowerCase();
      if (this.sums.has(name)) this.targets.set(this.field, name);
      if (name === this.conditionName) this.conditionIndex = this.field;
      return;
    }
    if (this.field === this.conditionIndex) this.conditionEmpty = text === "";
    const name = this.targets.get(this.field);
    if (name === undefined) return;
    const value = Number(text);
    if (text !== "" && Number.isFinite(value)) this.row.set(name, value);
  }

  private endRecord(): void {
    const whereEmpty = this.conditionIndex >= 0 && this.conditionEmpty;
    for (const [name, value] of this.row) {
      this.sums.set(name, (this.sums.get(name) ?? 0) + value);
      if (whereEmpty) this.sumsWhereEmpty.set(name, (this.sumsWhereEmpty.get(name) ?? 0) + value);
    }
    this.row = new Map();
    this.conditionEmpty = true;
    this.inHeader = false;
    this.field = 0;
  }
}
