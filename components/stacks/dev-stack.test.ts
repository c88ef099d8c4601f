// The dev stack under mocks, from the real Pulumi.dev.yaml: what it deploys, how it is wired, and that
// its definition and permissions are exactly what the pure builders derive.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { readStackConfigFile } from "../stack-config-file";
import { pipelineSettingsFromConfig } from "../config";
import { renderPipelineDefinition } from "../pipeline/definition";
import { stateMachineRoleStatements } from "../pipeline/state-machine";
import { identityPolicyFindings, resourcePolicyFindings } from "../../test-support/iam-checks";
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

const PREFIX = "visit-time-dev";

describe("dev stack", () => {
  const { config } = readStackConfigFile("dev");
  let run: ProgramRun;
  before(async () => {
    run = await runProgram("dev");
  });

  it("deploys this inventory: serverless endpoint, Glue table, no alarms, no stack key", () => {
    const counts = countByType(run);
    assert.deepEqual(
      {
        buckets: counts[TYPES.bucket],
        functions: counts[TYPES.lambda],
        roles: counts[TYPES.role],
        rolePolicies: counts[TYPES.rolePolicy],
        logGroups: counts[TYPES.logGroup],
        workgroups: counts[TYPES.workgroup],
        glueDatabases: counts[TYPES.glueDatabase],
        glueTables: counts[TYPES.glueTable],
        repositories: counts[TYPES.repository],
        images: counts[TYPES.image],
        stateMachines: counts[TYPES.stateMachine],
        schedules: counts[TYPES.schedule],
        eventRules: counts[TYPES.eventRule],
        topics: counts[TYPES.topic],
        keys: counts[TYPES.key],
        subscriptions: counts[TYPES.subscription],
        alarms: counts[TYPES.alarm],
        modelPackageGroups: counts[TYPES.modelPackageGroup],
      },
      {
        buckets: 2,
        functions: 6,
        // six handlers, SageMaker, state machine, scheduler
        roles: 9,
        rolePolicies: 9,
        // six handlers, the endpoint, executions
        logGroups: 8,
        workgroups: 1,
        glueDatabases: 1,
        glueTables: 1,
        repositories: 1,
        images: 1,
        stateMachines: 1,
        schedules: 1,
        eventRules: 1,
        topics: 1,
        // the notification topic's own key only
        keys: 1,
        subscriptions: undefined,
        alarms: undefined,
        modelPackageGroups: 1,
      },
    );
  });

  it("parents every resource under one TrainingPipeline with the visit-time component types", () => {
    const components = run.mocks.resources.filter((resource) => !resource.custom).map((r) => r.type);
    assert.deepEqual([...new Set(components)].sort(), [
      "awsx:ecr:Image",
      "visit-time:model-endpoint:ModelEndpoint",
      "visit-time:pipeline:FailureNotifications",
      "visit-time:pipeline:NotificationTopic",
      "visit-time:pipeline:TrainingPipeline",
      "visit-time:query-loop:QueryLoop",
      "visit-time:sagemaker-stages:SageMakerStages",
      "visit-time:shared:HandlerFunction",
      "visit-time:storage:Storage",
    ]);
  });

  it("loads with @pulumi/* and the project's pure modules only (no DuckDB, local executor or TensorFlow)", () => {
    const loaded = Object.keys(require.cache);
    assert.deepEqual(
      loaded.filter((file) =>
        /@duckdb|aws-local-stepfunctions|@tensorflow|\/local\/|\/handlers\/aws\//.test(file),
      ),
      [],
    );
  });

  it("deploys the definition the pure builder renders for the resolved references", () => {
    const settings = pipelineSettingsFromConfig(config, referencesFromResources(run, PREFIX));
    const stateMachine = only(run, TYPES.stateMachine);
    assert.equal(text(stateMachine, "definition"), renderPipelineDefinition(settings));
    assert.deepEqual(
      statementsOf(run, `${PREFIX}-state-machine-role`),
      stateMachineRoleStatements(settings, undefined),
    );
  });

  it("passes every SageMaker Task's Parameters by the API's request shapes, enums and key ARNs", () => {
    const definition = JSON.parse(text(only(run, TYPES.stateMachine), "definition"));
    const { tasks, problems } = definitionSageMakerProblems(definition);
    assert.deepEqual(problems, []);
    assert.equal(tasks.length, 11, tasks.join(", "));
  });

  it("takes instance types and counts from the configuration, and deploys a serverless endpoint", () => {
    const definition = json<{ States: Record<string, { Parameters?: Record<string, unknown> }> }>(
      only(run, TYPES.stateMachine),
      "definition",
    );
    const preprocess = definition.States.Preprocess?.Parameters?.ProcessingResources as {
      ClusterConfig: { InstanceType: string; InstanceCount: number; VolumeSizeInGB: number };
    };
    assert.deepEqual(preprocess.ClusterConfig, {
      InstanceCount: config.instances.preprocessing.instanceCount,
      InstanceType: config.instances.preprocessing.instanceType,
      VolumeSizeInGB: config.instances.preprocessing.volumeSizeGb,
    });
    const train = definition.States.Train?.Parameters?.ResourceConfig as { InstanceType: string };
    assert.equal(train.InstanceType, "ml.m5.large");
    const evaluate = definition.States.Evaluate?.Parameters?.ProcessingResources as {
      ClusterConfig: { InstanceType: string };
    };
    assert.equal(evaluate.ClusterConfig.InstanceType, config.instances.evaluation.instanceType);
    const endpointConfig = definition.States.CreateEndpointConfig?.Parameters as {
      ProductionVariants: { ServerlessConfig?: unknown; InstanceType?: string }[];
      DataCaptureConfig?: unknown;
    };
    assert.deepEqual(endpointConfig.ProductionVariants[0]?.ServerlessConfig, {
      MemorySizeInMB: 2048,
      MaxConcurrency: 2,
    });
    assert.equal(endpointConfig.DataCaptureConfig, undefined);
  });

  it("keeps every role policy free of wildcard actions and scoped to named resources", () => {
    const policies = rolePolicies(run);
    assert.equal(policies.length, 9);
    for (const { resource, document } of policies) {
      assert.deepEqual(identityPolicyFindings(document), [], resource);
    }
    for (const type of [TYPES.bucketPolicy, TYPES.topicPolicy]) {
      for (const resource of run.mocks.ofType(type)) {
        assert.deepEqual(resourcePolicyFindings(json(resource, "policy")), [], resource.name);
      }
    }
    assert.deepEqual(resourcePolicyFindings(json(only(run, TYPES.key), "policy")), []);
  });

  it("lets each role be assumed by its one service, for this account where the service says which", () => {
    const trust = (suffix: string) =>
      json<{ Statement: { Principal: { Service: string }; Condition?: unknown }[] }>(
        only(run, TYPES.role, suffix),
        "assumeRolePolicy",
      ).Statement;
    for (const handler of [
      "start-query",
      "get-query-status",
      "snapshot-dataset",
      "quality-gate",
      "endpoint-status",
      "champion-model",
    ]) {
      assert.deepEqual(trust(`-${handler}-role`), [
        { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
    }
    assert.equal(trust("-execution-role")[0]?.Principal.Service, "sagemaker.amazonaws.com");
    const accountOnly = { StringEquals: { "aws:SourceAccount": "123456789012" } };
    assert.deepEqual(trust("-state-machine-role")[0]?.Condition, accountOnly);
    assert.deepEqual(trust("-schedule-role")[0]?.Condition, accountOnly);
  });

  it("tags the resources with the project and the environment", () => {
    const tagged = [
      TYPES.bucket,
      TYPES.lambda,
      TYPES.role,
      TYPES.stateMachine,
      TYPES.topic,
      TYPES.key,
      TYPES.workgroup,
      TYPES.repository,
      TYPES.logGroup,
      TYPES.eventRule,
    ];
    for (const type of tagged) {
      for (const resource of run.mocks.ofType(type)) {
        assert.deepEqual(
          resource.inputs.tags,
          { project: "visit-time-pipeline", environment: "dev" },
          resource.name,
        );
      }
    }
  });

  it("encrypts both buckets with SSE-S3, blocks public access, and allows TLS only", () => {
    for (const encryption of run.mocks.ofType(TYPES.bucketEncryption)) {
      assert.deepEqual(encryption.inputs.rules, [
        { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ]);
    }
    const blocks = run.mocks.ofType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
    assert.equal(blocks.length, 2);
    for (const block of blocks) {
      assert.deepEqual(
        [
          block.inputs.blockPublicAcls,
          block.inputs.blockPublicPolicy,
          block.inputs.ignorePublicAcls,
          block.inputs.restrictPublicBuckets,
        ],
        [true, true, true, true],
      );
    }
    for (const policy of run.mocks.ofType(TYPES.bucketPolicy)) {
      const statement = json<{ Statement: { Effect: string; Condition: unknown }[] }>(policy, "policy")
        .Statement[0];
      assert.equal(statement?.Effect, "Deny");
      assert.deepEqual(statement?.Condition, { Bool: { "aws:SecureTransport": "false" } });
    }
    assert.deepEqual(only(run, "aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration, {
      status: "Enabled",
    });
  });

  it("configures the Athena workgroup: enforced, encrypted results in the data bucket, bytes-scanned limit", () => {
    const configuration = only(run, TYPES.workgroup).inputs.configuration as Record<string, unknown>;
    assert.equal(configuration.enforceWorkgroupConfiguration, true);
    assert.equal(configuration.bytesScannedCutoffPerQuery, 10240 * 1024 * 1024);
    assert.deepEqual(configuration.resultConfiguration, {
      outputLocation: "s3://visit-time-dev-data/query-results/",
      encryptionConfiguration: { encryptionOption: "SSE_S3" },
    });
    const lifecycle = only(
      run,
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      "data-lifecycle",
    );
    assert.deepEqual((lifecycle.inputs.rules as unknown[])[0], {
      id: "expire-query-results",
      status: "Enabled",
      filter: { prefix: "query-results/" },
      expiration: { days: 7 },
    });
  });

  it("creates the Glue table over the configured raw hits and lets start-query read exactly them", () => {
    const table = only(run, TYPES.glueTable);
    assert.equal(table.inputs.name, "raw_hits");
    assert.equal(
      (table.inputs.storageDescriptor as { location: string }).location,
      "s3://visit-time-dev-raw-hits/hits/",
    );
    const read = statementsOf(run, `${PREFIX}-start-query-role`).find((s) => s.Sid === "ReadRawHits");
    assert.deepEqual(read?.Resource, ["arn:aws:s3:::visit-time-dev-raw-hits/hits/*"]);
  });

  it("deploys the bundled handlers with the environment docs/contracts.md names", () => {
    const startQuery = only(run, TYPES.lambda, "-start-query");
    assert.deepEqual((startQuery.inputs.environment as { variables: unknown }).variables, {
      ATHENA_WORKGROUP: "visit-time-dev",
      ATHENA_DATABASE: "visit_time_dev",
      ATHENA_OUTPUT_LOCATION: "s3://visit-time-dev-data/query-results/",
      SOURCE_TABLE: "raw_hits",
    });
    const snapshot = only(run, TYPES.lambda, "-snapshot-dataset");
    assert.deepEqual((snapshot.inputs.environment as { variables: unknown }).variables, {
      DATASET_PREFIX: "s3://visit-time-dev-data/datasets",
    });
    for (const fn of run.mocks.ofType(TYPES.lambda)) {
      assert.equal(fn.inputs.handler, "index.handler");
      assert.equal(fn.inputs.runtime, "nodejs22.x");
      const logGroup = only(run, TYPES.logGroup, `${fn.name}-logs`);
      assert.equal(logGroup.inputs.name, `/aws/lambda/${String(fn.inputs.name)}`);
      assert.equal(logGroup.inputs.retentionInDays, 14);
    }
    const sql = only(run, TYPES.bucketObject);
    assert.equal(sql.inputs.key, "sql/training-data.sql");
  });

  it("logs every event with execution data, traces, and keeps the schedule disabled", () => {
    const stateMachine = only(run, TYPES.stateMachine);
    assert.equal(stateMachine.inputs.type, "STANDARD");
    assert.deepEqual(stateMachine.inputs.loggingConfiguration, {
      level: "ALL",
      includeExecutionData: true,
      logDestination:
        "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/states/visit-time-dev-training:*",
    });
    assert.deepEqual(stateMachine.inputs.tracingConfiguration, { enabled: true });
    const schedule = only(run, TYPES.schedule);
    assert.equal(schedule.inputs.state, "DISABLED");
    assert.deepEqual(schedule.inputs.flexibleTimeWindow, { mode: "OFF" });
    assert.deepEqual(statementsOf(run, `${PREFIX}-schedule-role`), [
      {
        Sid: "StartPipelineExecutions",
        Effect: "Allow",
        Action: ["states:StartExecution"],
        Resource: [run.outputs.stateMachineArn],
      },
    ]);
  });

  it("notifies failed, timed-out and aborted executions of this state machine on an encrypted topic", () => {
    const pattern = json<{ detail: { status: string[]; stateMachineArn: string[] } }>(
      only(run, TYPES.eventRule),
      "eventPattern",
    );
    assert.deepEqual(pattern.detail, {
      status: ["FAILED", "TIMED_OUT", "ABORTED"],
      stateMachineArn: [run.outputs.stateMachineArn],
    });
    const topic = only(run, TYPES.topic);
    assert.equal(topic.inputs.kmsMasterKeyId, text(only(run, TYPES.key), "arn"));
    assert.equal(only(run, TYPES.eventTarget).inputs.arn, run.outputs.notificationTopicArn);
  });

  it("keeps the endpoint's models in a Model Package Group named after it, tagged as the stack", () => {
    const group = only(run, TYPES.modelPackageGroup);
    assert.equal(group.inputs.modelPackageGroupName, "visit-time-dev");
    assert.match(
      String(group.inputs.modelPackageGroupDescription),
      /^Models evaluated for endpoint visit-time-dev/,
    );
    assert.equal((group.inputs.tags as Record<string, string>)["environment"], "dev");
  });

  it("exports the state machine, buckets, endpoint, console URL and the start-execution command", () => {
    const arn = "arn:aws:states:eu-west-1:123456789012:stateMachine:visit-time-dev-training";
    assert.equal(run.outputs.stateMachineArn, arn);
    assert.equal(run.outputs.dataBucketName, "visit-time-dev-data");
    assert.equal(run.outputs.artifactBucketName, "visit-time-dev-artifacts");
    assert.equal(run.outputs.endpointName, "visit-time-dev");
    assert.equal(run.outputs.modelPackageGroupName, "visit-time-dev");
    assert.equal(
      run.outputs.consoleUrl,
      `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/statemachines/view/${arn}`,
    );
    assert.equal(
      run.outputs.startExecutionCommand,
      `aws stepfunctions start-execution --region eu-west-1 --state-machine-arn ${arn} ` +
        `--name "manual-$(date -u +%Y%m%dT%H%M%SZ)" --input '{"ForceDeploy":false}'`,
    );
  });
});
