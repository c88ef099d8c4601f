// Evaluates the IAM access table (components/stacks/iam-access-table.ts) against the role policies the
// program deploys for one stack, under mocks, with an IAM engine: every allowed row is allowed, every
// denied row is denied, and the table is not vacuous (removing any one statement of a role fails one of
// its allowed rows). One stack per test file: Pulumi's runtime state is global.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { PolicyStatement } from "../components/asl/iam";
import { parseS3Location } from "../components/storage/layout";
import {
  ACCESS_TABLE,
  applies,
  type Call,
  ROLES,
  type RoleKey,
  type StackFacts,
} from "../components/stacks/iam-access-table";
import { decide } from "./iam-simulation";
import { runProgram, type ProgramRun } from "./program";
import { only, referencesFromResources, statementsOf, text, TYPES } from "./stack-inspection";

function stackFacts(run: ProgramRun, prefix: string): StackFacts {
  const refs = referencesFromResources(run, prefix);
  const startQuery = only(run, TYPES.lambda, `${prefix}-start-query`);
  const environment = (startQuery.inputs.environment as { variables: Record<string, string> }).variables;
  const rawHitsRead = statementsOf(run, `${prefix}-start-query-role`).find((s) => s.Sid === "ReadRawHits");
  const rawHitsUri = `s3://${String(rawHitsRead?.Resource)
    .replace(/^arn:aws:s3:::/, "")
    .replace(/\*$/, "")}`;
  const raw = parseS3Location(rawHitsUri);
  return {
    account: refs.aws.accountId,
    region: refs.aws.region,
    prefix,
    dataBucket: refs.dataBucket,
    artifactBucket: refs.artifactBucket,
    rawHitsBucket: raw.bucket,
    rawHitsPrefix: raw.prefix,
    workgroup: environment.ATHENA_WORKGROUP ?? "",
    database: environment.ATHENA_DATABASE ?? "",
    table: environment.SOURCE_TABLE ?? "",
    endpointName: String(run.outputs.endpointName),
    sageMakerRoleArn: refs.sageMakerRoleArn,
    repositoryArn: text(only(run, TYPES.repository), "arn"),
    stateMachineArn: text(only(run, TYPES.stateMachine), "arn"),
    modelPackageGroup: String(run.outputs.modelPackageGroupName),
    topicArn: refs.notificationTopicArn,
    ...(refs.kmsKeyArn ? { keyArn: refs.kmsKeyArn } : {}),
    dataCapture: statementsOf(run, `${prefix}-execution-role`).some((s) => s.Sid === "WriteDataCapture"),
  };
}

function describeCall(call: Call, facts: StackFacts): string {
  const context = call.context ? ` ${JSON.stringify(call.context(facts))}` : "";
  return `${call.action} on ${call.resource(facts)}${context} (${call.why})`;
}

function request(call: Call, facts: StackFacts) {
  return {
    action: call.action,
    resource: call.resource(facts),
    ...(call.context ? { context: call.context(facts) } : {}),
  };
}

/** The table's rows for one stack, checked against the deployed policies. */
export function describeAccessTable(stack: "dev" | "prod"): void {
  const prefix = `visit-time-${stack}`;
  describe(`${stack} stack: the IAM access table, simulated`, () => {
    let facts: StackFacts;
    const policies = {} as Record<RoleKey, PolicyStatement[]>;
    const roleArn = (role: RoleKey) => `arn:aws:iam::${facts.account}:role/${prefix}-${ROLES[role]}`;
    const rows = (role: RoleKey, kind: "allowed" | "denied") =>
      ACCESS_TABLE[role][kind].filter((call) => applies(call, facts));
    before(async () => {
      const run = await runProgram(stack);
      facts = stackFacts(run, prefix);
      for (const role of Object.keys(ROLES) as RoleKey[]) {
        policies[role] = statementsOf(run, `${prefix}-${ROLES[role]}`) as PolicyStatement[];
      }
    });

    it("covers every role the stack creates", () => {
      assert.ok(facts.workgroup && facts.database && facts.table, "the start-query environment names them");
    });

    for (const role of Object.keys(ROLES) as RoleKey[]) {
      it(`${role}: allows every call it must make and denies every call it must never make`, async () => {
        const wrong: string[] = [];
        for (const call of rows(role, "allowed")) {
          const decision = await decide(roleArn(role), policies[role], request(call, facts));
          if (decision !== "Allowed") wrong.push(`not allowed: ${describeCall(call, facts)}`);
        }
        for (const call of rows(role, "denied")) {
          const decision = await decide(roleArn(role), policies[role], request(call, facts));
          if (decision === "Allowed") wrong.push(`allowed: ${describeCall(call, facts)}`);
        }
        assert.deepEqual(wrong, []);
      });

      it(`${role}: needs every statement of its policy (removing any one fails a row)`, async () => {
        const unneeded: string[] = [];
        const statements = policies[role];
        for (const [index, statement] of statements.entries()) {
          const without = statements.filter((_, other) => other !== index);
          let needed = false;
          for (const call of rows(role, "allowed")) {
            if ((await decide(roleArn(role), without, request(call, facts))) !== "Allowed") {
              needed = true;
              break;
            }
          }
          if (!needed) unneeded.push(statement.Sid);
        }
        assert.deepEqual(unneeded, [], "statements no row of the table needs");
      });
    }
  });
}
