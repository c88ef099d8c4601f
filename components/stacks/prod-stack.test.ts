// The prod stack under mocks, from the real Pulumi.prod.yaml: what differs from dev (the stack's KMS
// key everywhere, an instance endpoint with data capture and alarms, an existing Glue table, the
// schedule, e-mail notifications, terse logs) and the same guarantees on definition and permissions.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { readStackConfigFile } from "../stack-config-file";
import { pipelineSettingsFromConfig } from "../config";
import { renderPipelineDefinition } from "../pipeline/definition";
import { stateMachineRoleStatements } from "../pipeline/state-machine";
import { identityPolicyFindings } from "../../test-support/iam-checks";
import { runProgram, type ProgramRun } from "../../test-support/program";
import { definitionSageMakerProblems } from "../../test-support/sagemaker-api";
import {
  countByType,
  json,
  only,
  referencesFromResources,
  rolePolicies,
  statementsOf,
  text,
  TYPES,
} from "../../test-support/stack-inspection";

const PREFIX = "visit-time-prod";

describe("prod stack", () => {
  const { config } = readStackConfigFile("prod");
  let run: ProgramRun;
  let stackKeyArn: string;
  before(async () => {
    run = await runProgram("prod");
    const lookup = run.mocks.calls.find((call) => call.token === "aws:kms/getAlias:getAlias");
    assert.equal(lookup?.inputs.name, "alias/visit-time-prod");
    stackKeyArn = String(
      run.mocks.call({ token: "aws:kms/getAlias:getAlias", inputs: lookup.inputs }).targetKeyArn,
    );
  });

  it("adds the alarms and the e-mail subscription, and uses the existing Glue table", () => {
    const counts = countByType(run);
    assert.equal(counts[TYPES.alarm], 2);
    assert.equal(counts[TYPES.subscription], 1);
    assert.equal(counts[TYPES.glueDatabase], undefined);
    assert.equal(counts[TYPES.glueTable], undefined);
    assert.equal(counts[TYPES.lambda], 6);
    assert.equal(counts[TYPES.stateMachine], 1);
    const subscription = only(run, TYPES.subscription);
    assert.deepEqual(
      [subscription.inputs.protocol, subscription.inputs.endpoint],
      ["email", "ml-platform-alerts@example.com"],
    );
  });

  it("deploys the definition the pure builder renders for the resolved references", () => {
    const settings = pipelineSettingsFromConfig(config, referencesFromResources(run, PREFIX));
    assert.equal(text(only(run, TYPES.stateMachine), "definition"), renderPipelineDefinition(settings));
    assert.deepEqual(
      statementsOf(run, `${PREFIX}-state-machine-role`),
      stateMachineRoleStatements(settings, stackKeyArn),
    );
  });

  it("takes instance types from the configuration and deploys an instance endpoint with data capture", () => {
    const definition = json<{ States: Record<string, { Parameters?: Record<string, unknown> }> }>(
      only(run, TYPES.stateMachine),
      "definition",
    );
    const train = definition.States.Train?.Parameters?.ResourceConfig as Record<string, unknown>;
    assert.deepEqual(train, {
      InstanceCount: 1,
      InstanceType: "ml.c5.2xlarge",
      VolumeSizeInGB: 50,
      VolumeKmsKeyId: stackKeyArn,
    });
    const endpointConfig = definition.States.CreateEndpointConfig?.Parameters as {
      ProductionVariants: Record<string, unknown>[];
      DataCaptureConfig: Record<string, unknown>;
    };
    assert.equal(endpointConfig.ProductionVariants[0]?.InstanceType, "ml.c5.large");
    assert.equal(endpointConfig.ProductionVariants[0]?.InitialInstanceCount, 2);
    assert.equal(endpointConfig.DataCaptureConfig.InitialSamplingPercentage, 20);
    assert.equal(
      endpointConfig.DataCaptureConfig.DestinationS3Uri,
      "s3://visit-time-prod-artifacts/data-capture/visit-time-prod",
    );
  });

  it("passes every SageMaker Task's Parameters by the API's request shapes, enums and key ARNs", () => {
    const definition = JSON.parse(text(only(run, TYPES.stateMachine), "definition"));
    const { tasks, problems } = definitionSageMakerProblems(definition);
    assert.deepEqual(problems, []);
    assert.equal(tasks.length, 11, tasks.join(", "));
  });

  it("names the stack's key by its key ARN, never its alias, wherever the definition passes it to SageMaker", () => {
    // SageMaker takes key ids or key ARNs for volumes, and an alias for outputs only with kms:Encrypt.
    const found: string[] = [];
    JSON.stringify(JSON.parse(text(only(run, TYPES.stateMachine), "definition")), (key, value: unknown) => {
      if (/KmsKeyId$/.test(key)) found.push(`${key}=${String(value)}`);
      return value;
    });
    assert.ok(found.length >= 6, found.join(", "));
    for (const entry of found) assert.match(entry, new RegExp(`=${stackKeyArn}$`));
  });

  it("alarms on p99 model latency (microseconds) and 5XX errors of the endpoint, to the topic", () => {
    const latency = only(run, TYPES.alarm, "-model-latency-p99");
    assert.equal(latency.inputs.metricName, "ModelLatency");
    assert.equal(latency.inputs.extendedStatistic, "p99");
    assert.equal(latency.inputs.threshold, 500_000);
    assert.deepEqual(latency.inputs.dimensions, {
      EndpointName: "visit-time-prod",
      VariantName: "AllTraffic",
    });
    const errors = only(run, TYPES.alarm, "-invocation-5xx");
    assert.equal(errors.inputs.metricName, "Invocation5XXErrors");
    assert.equal(errors.inputs.threshold, 5);
    for (const alarm of [latency, errors]) {
      assert.deepEqual(alarm.inputs.alarmActions, [run.outputs.notificationTopicArn]);
    }
  });

  it("encrypts buckets, Athena results and the repository with the stack's key (resolved from its alias)", () => {
    for (const encryption of run.mocks.ofType(TYPES.bucketEncryption)) {
      assert.deepEqual(encryption.inputs.rules, [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: stackKeyArn },
          bucketKeyEnabled: true,
        },
      ]);
    }
    const workgroup = only(run, TYPES.workgroup).inputs.configuration as {
      resultConfiguration: { encryptionConfiguration: unknown };
    };
    assert.deepEqual(workgroup.resultConfiguration.encryptionConfiguration, {
      encryptionOption: "SSE_KMS",
      kmsKeyArn: stackKeyArn,
    });
    assert.deepEqual(only(run, TYPES.repository).inputs.encryptionConfigurations, [
      { encryptionType: "KMS", kmsKey: stackKeyArn },
    ]);
    const sageMaker = statementsOf(run, `${PREFIX}-execution-role`);
    assert.deepEqual(
      sageMaker.filter((statement) => statement.Sid?.startsWith("UseStackKey")).map((s) => s.Resource),
      [[stackKeyArn], [stackKeyArn]],
    );
    assert.ok(sageMaker.some((statement) => statement.Sid === "WriteDataCapture"));
  });

  it("keeps every role policy free of wildcard actions and scoped to named resources", () => {
    for (const { resource, document } of rolePolicies(run)) {
      assert.deepEqual(identityPolicyFindings(document), [], resource);
    }
  });

  it("reads the existing table's location from Glue for start-query's permissions", () => {
    const read = statementsOf(run, `${PREFIX}-start-query-role`).find((s) => s.Sid === "ReadRawHits");
    assert.deepEqual(read?.Resource, ["arn:aws:s3:::mock-analytics-source/raw_hits/*"]);
  });

  it("logs errors only, without execution data, for a year, and runs the schedule", () => {
    const stateMachine = only(run, TYPES.stateMachine);
    assert.deepEqual(stateMachine.inputs.loggingConfiguration, {
      level: "ERROR",
      includeExecutionData: false,
      logDestination:
        "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/states/visit-time-prod-training:*",
    });
    assert.equal(only(run, TYPES.logGroup, "-executions").inputs.retentionInDays, 365);
    const endpointLogs = only(run, TYPES.logGroup, "-endpoint-logs");
    assert.deepEqual(
      [endpointLogs.inputs.name, endpointLogs.inputs.retentionInDays],
      ["/aws/sagemaker/Endpoints/visit-time-prod", 365],
    );
    const schedule = only(run, TYPES.schedule);
    assert.equal(schedule.inputs.state, "ENABLED");
    assert.equal(schedule.inputs.scheduleExpression, "cron(0 3 ? * MON *)");
    assert.equal(schedule.inputs.scheduleExpressionTimezone, "Europe/Dublin");
  });

  it("keeps prod data on destroy: buckets and the repository are not force-deleted", () => {
    for (const bucket of run.mocks.ofType(TYPES.bucket)) assert.equal(bucket.inputs.forceDestroy, false);
    assert.equal(only(run, TYPES.repository).inputs.forceDelete, false);
  });
});
