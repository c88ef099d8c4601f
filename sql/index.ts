// The source SQL (raw hits -> daily visits) and its table-name substitution, shared by the start-query
// handler, the local runner and the tests. Pure: no database import.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const SOURCE_TABLE_PLACEHOLDER = "{{source_table}}";
export const TRAINING_SQL_PATH = join(__dirname, "training-data.sql");

/**
 * `table`, `schema.table` or `catalog.schema.table`; each part a plain identifier ([A-Za-z_][A-Za-z0-9_]*)
 * or a double-quoted one without quotes inside. Anything else could change the query, so it is refused.
 */
const IDENTIFIER_PART = String.raw`(?:[A-Za-z_][A-Za-z0-9_]*|"[^"\u0000-\u001f]+")`;
const TABLE_IDENTIFIER = new RegExp(`^${IDENTIFIER_PART}(?:\\.${IDENTIFIER_PART}){0,2}$`);

export function validateTableIdentifier(table: string): string {
  if (!TABLE_IDENTIFIER.test(table)) {
    throw new Error(
      `source table "${table}" is not a table identifier: use name, schema.name or catalog.schema.name ` +
        `with letters, digits and underscores (or double-quoted parts)`,
    );
  }
  return table;
}

let cachedTemplate: string | undefined;

/** The SQL template with its `{{source_table}}` placeholder. */
export function trainingSqlTemplate(): string {
  cachedTemplate ??= readFileSync(TRAINING_SQL_PATH, "utf8");
  return cachedTemplate;
}

/** The source SQL (sql/training-data.sql) for a source table; throws when `table` is not an identifier. */
export function renderTrainingSql(table: string): string {
  return renderSqlTemplate(trainingSqlTemplate(), table);
}

/** Any SQL template (e.g. the copy fetched from S3) with `{{source_table}}` replaced by a validated name. */
export function renderSqlTemplate(template: string, table: string): string {
  const name = validateTableIdentifier(table);
  if (!template.includes(SOURCE_TABLE_PLACEHOLDER)) {
    throw new Error(`the SQL template has no ${SOURCE_TABLE_PLACEHOLDER} placeholder`);
  }
  return template.split(SOURCE_TABLE_PLACEHOLDER).join(name);
}

export const ACCEPTED_VISITS_PLACEHOLDER = "{{accepted_visits}}";
export const VISIT_FEATURES_SQL_PATH = join(__dirname, "visit-features.sql");

/** sql/visit-features.sql (daily visits → per-visit step features) over a table of accepted daily visits. */
export function renderVisitFeaturesSql(table: string): string {
  const name = validateTableIdentifier(table);
  return readFileSync(VISIT_FEATURES_SQL_PATH, "utf8").split(ACCEPTED_VISITS_PLACEHOLDER).join(name);
}
