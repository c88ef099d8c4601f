// IAM policy documents as they appear in resource inputs: a JSON string (aws.iam.getPolicyDocument,
// JSON.stringify) or an object (aws.iam.PolicyDocument). Statements are normalized for checking.
import { arrayAt, isRecord, recordAt, stringAt, stringList } from "./json";
import { RESOURCE_TYPES } from "./resource-types";

export interface Statement {
  /** `statement "Sid"` or `statement #n`. */
  label: string;
  effect: string;
  actions: string[];
  notActions: string[];
  resources: string[];
  notResources: string[];
  principal: unknown;
  condition: Record<string, unknown>;
}

export function parseDocument(value: unknown): Statement[] | undefined {
  let document: unknown = value;
  if (typeof value === "string") {
    try {
      document = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (!isRecord(document)) return undefined;
  const raw = document["Statement"];
  const statements = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  return statements.filter(isRecord).map((statement, index) => {
    const sid = stringAt(statement, "Sid");
    return {
      label: sid === undefined || sid === "" ? `statement #${index + 1}` : `statement "${sid}"`,
      effect: stringAt(statement, "Effect") ?? "",
      actions: stringList(statement["Action"]),
      notActions: stringList(statement["NotAction"]),
      resources: stringList(statement["Resource"]),
      notResources: stringList(statement["NotResource"]),
      principal: statement["Principal"],
      condition: recordAt(statement, "Condition") ?? {},
    };
  });
}

/** A policy document inside a resource, with where it is (for messages). */
export interface DocumentSite {
  where: string;
  statements: Statement[];
}

const DOCUMENT_TYPES: readonly string[] = [
  RESOURCE_TYPES.iamPolicy,
  RESOURCE_TYPES.iamRolePolicy,
  RESOURCE_TYPES.iamUserPolicy,
  RESOURCE_TYPES.iamGroupPolicy,
];

/** The permission documents of an IAM resource: `policy` of policies, `inlinePolicies[].policy` of roles. */
export function permissionDocuments(type: string, props: Record<string, unknown>): DocumentSite[] {
  const sites: { where: string; value: unknown }[] = [];
  if (DOCUMENT_TYPES.includes(type)) sites.push({ where: "policy", value: props["policy"] });
  if (type === RESOURCE_TYPES.iamRole) {
    arrayAt(props, "inlinePolicies").forEach((inline, index) => {
      const name = stringAt(inline, "name");
      sites.push({
        where: `inline policy ${name === undefined ? `#${index + 1}` : `"${name}"`}`,
        value: isRecord(inline) ? inline["policy"] : undefined,
      });
    });
  }
  return sites.flatMap(({ where, value }) => {
    const statements = parseDocument(value);
    return statements === undefined ? [] : [{ where, statements }];
  });
}

/** Every Allow statement of an IAM resource's permission documents, with the document it stands in. */
export function allowStatements(
  type: string,
  props: Record<string, unknown>,
): { where: string; statement: Statement }[] {
  return permissionDocuments(type, props).flatMap(({ where, statements }) =>
    statements.filter((statement) => statement.effect === "Allow").map((statement) => ({ where, statement })),
  );
}

/** Whether an IAM action pattern (with `*` and `?` wildcards, case-insensitive) matches `action`. */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = pattern
    .split("")
    .map((char) => (char === "*" ? ".*" : char === "?" ? "." : char.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${regex}$`, "i").test(action);
}

/** The condition keys a statement tests, whatever the operator (`StringEquals`, `ForAnyValue:StringLike`...). */
export function conditionKeys(statement: Statement): string[] {
  return Object.values(statement.condition).flatMap((block) => (isRecord(block) ? Object.keys(block) : []));
}
