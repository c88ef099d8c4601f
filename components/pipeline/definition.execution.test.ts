// Runs the real definition on aws-local-stepfunctions with scripted task results: proves the JSONPaths,
// intrinsic functions, loops and Fail states behave as designed, without any AWS service.
import "../../local/polyfills";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildPipelineDefinition } from "./definition";
import { exampleSettings } from "./example-settings";
import type { JsonValue } from "../asl/types";

type Handler = (input: JsonValue) => Promise<JsonValue>;
type Script = Record<string, Handler>;

const EXECUTION = "run-2026-11-26";

function lambdaResult(payload: JsonValue): Handler {
  return async () => ({ Payload: payload });
}

/** endpoint-status's result for an existing endpoint. */
function endpointResult(status: string, endpointConfigName: string, failureReason = ""): Handler {
  return lambdaResult({ exists: true, status, failureReason, endpointConfigName });
}

/** An error of the SageMaker integration as Step Functions reports it: one name, the code in the cause. */
function sageMakerError(code: string, message: string): Error {
  return Object.assign(
    new Error(
      `${message} (Service: AmazonSageMaker; Status Code: 400; Error Code: ${code}; Request ID: r-1)`,
    ),
    { name: "SageMaker.AmazonSageMakerException" },
  );
}

const IN_PROGRESS =
  'Cannot update in-progress endpoint "arn:aws:sagemaker:eu-west-1:1:endpoint/visit-time-dev".';

/** The package metadata quality-gate writes (handlers/quality-gate.test.ts checks how). */
const GATE_METADATA = { executionName: "from-the-gate", mae: "1.2", championModel: "run-0-model" };

/** quality-gate's result. */
function gateResult(deploy: boolean, reason: string): Handler {
  return lambdaResult({
    deploy,
    forced: false,
    reason,
    candidate: { mae: 1.2, rmse: 2 },
    bestBaseline: { name: "user_median_first_hour", mae: 1.6, rmse: 2.5 },
    champion: null,
    nTest: 100,
    registryMetadata: GATE_METADATA,
  });
}

/** champion-model's result when the endpoint serves `modelName` (null: no endpoint). */
function championResult(modelName: string | null): Handler {
  return lambdaResult(
    modelName === null
      ? { found: false, modelName: "", modelDataUrl: "", reason: "no endpoint" }
      : {
          found: true,
          modelName,
          modelDataUrl: `s3://art/runs/${modelName}/model.tar.gz`,
          reason: `serves ${modelName}`,
        },
  );
}

/** A processing job's Describe result with its one output. */
function evaluationJobResult(): Handler {
  return async () => ({
    ProcessingOutputConfig: { Outputs: [{ S3Output: { S3Uri: `s3://art/runs/${EXECUTION}/evaluation` } }] },
  });
}

/** CreateModelPackage's result: the new version's ARN. */
function packageResult(version: number): Handler {
  return async () => ({
    ModelPackageArn: `arn:aws:sagemaker:eu-west-1:123456789012:model-package/visit-time-example/${version}`,
  });
}

/** The CreateModelPackage request a Register*Model state made. */
function registration(inputs: JsonValue[] | undefined): Record<string, JsonValue> {
  const request = inputs?.[0] as Record<string, JsonValue> | undefined;
  assert.ok(request, "the model was not registered");
  return request;
}

/** get-query-status's result. */
function queryStatusResult(state: string, stateChangeReason = ""): Handler {
  return lambdaResult({ state, stateChangeReason, dataScannedBytes: 0, engineExecutionTimeMs: 1 });
}

/** Results for every Task of a run in which everything succeeds and the endpoint does not exist yet. */
const SNAPSHOT = {
  datasetUri: `s3://data/datasets/${EXECUTION}/daily-visits.csv`,
  sizeBytes: 1,
  sha256: "ab",
  rawHits: { distinct: 100, invalid: 1, duplicate: 2, invalidShare: 0.01, unreadableEventTime: 0 },
};

function happyScript(overrides: Script = {}): Script {
  let endpointChecks = 0;
  let statusChecks = 0;
  const base: Script = {
    StartQuery: lambdaResult({ queryExecutionId: "q-1", outputLocation: "s3://data/results/q-1.csv" }),
    GetQueryStatus: async () => {
      statusChecks += 1;
      return {
        Payload: {
          state: statusChecks < 3 ? "RUNNING" : "SUCCEEDED",
          stateChangeReason: "",
          dataScannedBytes: 10,
          engineExecutionTimeMs: 5,
        },
      };
    },
    SnapshotDataset: lambdaResult(SNAPSHOT),
    Preprocess: async () => ({
      ProcessingOutputConfig: { Outputs: [{ S3Output: { S3Uri: `s3://art/runs/${EXECUTION}/preprocess` } }] },
    }),
    Train: async () => ({
      TrainingJobName: `${EXECUTION}-train`,
      ModelArtifacts: { S3ModelArtifacts: "s3://art/model.tar.gz" },
    }),
    FindChampion: championResult(null),
    Evaluate: evaluationJobResult(),
    EvaluateWithChampion: evaluationJobResult(),
    QualityGate: gateResult(true, "accepted: ..."),
    RegisterApprovedModel: packageResult(1),
    RegisterRejectedModel: packageResult(1),
    RegisterUndecidedModel: packageResult(1),
    NotifyRejection: async () => ({ MessageId: "m-1" }),
    CreateModel: async () => ({ ModelArn: "arn:model" }),
    CreateEndpointConfig: async () => ({ EndpointConfigArn: "arn:config" }),
    CheckEndpoint: lambdaResult({
      exists: false,
      status: "NotFound",
      failureReason: "",
      endpointConfigName: "",
    }),
    CreateEndpoint: async () => ({ EndpointArn: "arn:endpoint" }),
    UpdateEndpoint: async () => ({ EndpointArn: "arn:endpoint" }),
    EndpointStatus: async () => {
      endpointChecks += 1;
      return {
        Payload: {
          exists: true,
          status: endpointChecks < 2 ? "Creating" : "InService",
          failureReason: "",
          endpointConfigName: `${EXECUTION}-config`,
        },
      };
    },
  };
  return { ...base, ...overrides };
}

interface Outcome {
  status: "SUCCEEDED" | "FAILED";
  output?: JsonValue;
  error?: string;
  cause?: string;
  visited: string[];
  inputs: Record<string, JsonValue[]>;
}

async function run(
  script: Script,
  input: JsonValue = {},
  settings = exampleSettings(),
  executionName = EXECUTION,
): Promise<Outcome> {
  // ESM-only typings: loaded dynamically from this CommonJS module.
  const { StateMachine } = await import("aws-local-stepfunctions");
  const definition = buildPipelineDefinition(settings);
  const machine = new StateMachine(definition as never);
  const inputs: Record<string, JsonValue[]> = {};
  const recording = Object.fromEntries(
    Object.entries(script).map(([state, handler]) => [
      state,
      async (taskInput: JsonValue) => {
        (inputs[state] ??= []).push(taskInput);
        return handler(taskInput);
      },
    ]),
  );
  const waits = Object.fromEntries(
    Object.entries(definition.States)
      .filter(([, state]) => state.Type === "Wait")
      .map(([name]) => [name, 0]),
  );
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: recording as never,
      waitTimeOverrides: waits,
      retryIntervalOverrides: Object.fromEntries(Object.keys(script).map((name) => [name, 0])),
    },
    context: { Execution: { Name: executionName, Id: `arn:exec:${executionName}`, Input: input as never } },
  });
  const visited: string[] = [];
  const collect = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === "StateEntered") visited.push(event.state.name);
    }
  })();
  try {
    const output = (await execution.result) as JsonValue;
    await collect;
    return { status: "SUCCEEDED", output, visited, inputs };
  } catch (error) {
    await collect.catch(() => undefined);
    // The executor wraps the Fail state's error in an ExecutionError; its `cause` is the ASL error.
    const failure = (error as { cause?: { name?: string; message?: string } }).cause;
    return { status: "FAILED", error: failure?.name, cause: failure?.message, visited, inputs };
  }
}

function payloadOf(inputs: JsonValue[] | undefined, index = 0): Record<string, JsonValue> {
  const taskInput = inputs?.[index] as { Payload: Record<string, JsonValue> } | undefined;
  assert.ok(taskInput, "the task was not invoked");
  return taskInput.Payload;
}

describe("the pipeline definition, executed", () => {
  it("runs the happy path through the query loop and the endpoint wait loop to Deployed", async () => {
    const outcome = await run(happyScript());
    assert.equal(outcome.status, "SUCCEEDED", outcome.cause);
    assert.equal(outcome.visited.filter((name) => name === "GetQueryStatus").length, 3);
    assert.equal(outcome.visited.filter((name) => name === "EndpointStatus").length, 2);
    assert.ok(outcome.visited.includes("CreateEndpoint"));
    assert.equal(outcome.visited.at(-1), "Deployed");
    const preprocess = outcome.inputs.Preprocess?.[0] as Record<string, JsonValue>;
    assert.equal(preprocess.ProcessingJobName, `${EXECUTION}-preprocess`);
    const gate = payloadOf(outcome.inputs.QualityGate);
    assert.equal(gate.evaluationUri, `s3://art/runs/${EXECUTION}/evaluation/evaluation.json`);
    assert.equal(gate.force, false);
    assert.equal(gate.executionName, EXECUTION);
    const model = outcome.inputs.CreateModel?.[0] as {
      PrimaryContainer: { Environment: Record<string, string> };
    };
    assert.equal(model.PrimaryContainer.Environment.MODEL_VERSION, EXECUTION);
  });

  it("registers the model the gate approves as Approved, before deploying it, with its metrics and lineage", async () => {
    const outcome = await run(happyScript());
    const registered = outcome.visited.indexOf("RegisterApprovedModel");
    assert.ok(registered > outcome.visited.indexOf("QualityGate"));
    assert.ok(registered < outcome.visited.indexOf("CreateModel"));
    const request = registration(outcome.inputs.RegisterApprovedModel);
    assert.equal(request.ModelPackageGroupName, "visit-time-example");
    assert.equal(request.ModelApprovalStatus, "Approved");
    assert.equal(request.ModelPackageDescription, `${EXECUTION}: quality gate accepted: ...`);
    assert.deepEqual(request.InferenceSpecification, {
      Containers: [
        {
          Image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/visit-time-training:1.0.0",
          ModelDataUrl: "s3://art/model.tar.gz",
        },
      ],
      SupportedContentTypes: ["application/json"],
      SupportedResponseMIMETypes: ["application/json"],
    });
    assert.deepEqual(request.ModelMetrics, {
      ModelQuality: {
        Statistics: {
          ContentType: "application/json",
          S3Uri: `s3://art/runs/${EXECUTION}/evaluation/evaluation.json`,
        },
      },
    });
    // The gate wrote the decided package's metadata from the facts this definition gave it.
    assert.deepEqual(request.CustomerMetadataProperties, GATE_METADATA);
    assert.deepEqual(payloadOf(outcome.inputs.QualityGate).registry, {
      sqlUri: "s3://visit-time-artifacts-example/sql/training-data.sql",
      dataset: { datasetUri: `s3://data/datasets/${EXECUTION}/daily-visits.csv`, sizeBytes: 1, sha256: "ab" },
      hyperparameters: { epochs: "30", "sequence-length": "14" },
    });
    assert.equal(outcome.inputs.RegisterRejectedModel, undefined);
    assert.equal(outcome.inputs.NotifyRejection, undefined);
    assert.equal(
      (outcome.output as { modelPackage: { arn: string } }).modelPackage.arn,
      "arn:aws:sagemaker:eu-west-1:123456789012:model-package/visit-time-example/1",
    );
  });

  it("registers a model the gate could not judge as PendingManualApproval, and fails with the gate's error", async () => {
    const outcome = await run(
      happyScript({
        QualityGate: async () => {
          throw Object.assign(new Error("evaluation.json is not JSON"), { name: "InvalidEvaluation" });
        },
      }),
    );
    assert.equal(outcome.status, "FAILED");
    assert.equal(outcome.visited.at(-1), "QualityGateFailed");
    assert.equal(outcome.error, "InvalidEvaluation");
    const request = registration(outcome.inputs.RegisterUndecidedModel);
    assert.equal(request.ModelApprovalStatus, "PendingManualApproval");
    assert.equal(
      request.ModelPackageDescription,
      `${EXECUTION}: registered after evaluation; the quality gate did not decide (InvalidEvaluation)`,
    );
    assert.equal((request.CustomerMetadataProperties as Record<string, string>).mae, undefined);
    // A registry that fails too does not hide the gate's error.
    const both = await run(
      happyScript({
        QualityGate: async () => {
          throw Object.assign(new Error("evaluation.json is not JSON"), { name: "InvalidEvaluation" });
        },
        RegisterUndecidedModel: async () => {
          throw Object.assign(new Error("denied"), { name: "SageMaker.AccessDeniedException" });
        },
      }),
    );
    assert.deepEqual([both.visited.at(-1), both.error], ["QualityGateFailed", "InvalidEvaluation"]);
  });

  it("deploys nothing when the approved model cannot be registered", async () => {
    const outcome = await run(
      happyScript({
        RegisterApprovedModel: async () => {
          throw Object.assign(new Error("no such group"), { name: "SageMaker.ResourceNotFound" });
        },
      }),
    );
    assert.equal(outcome.visited.at(-1), "RegistrationFailed");
    assert.equal(outcome.error, "SageMaker.ResourceNotFound");
    assert.ok(!outcome.visited.includes("CreateModel"));
  });

  it("lets the execution input override names and force deployment", async () => {
    const outcome = await run(happyScript(), {
      TrainingJobName: "custom-train",
      EndpointName: exampleSettings().endpoint.name,
      ForceDeploy: true,
    });
    assert.equal(outcome.status, "SUCCEEDED", outcome.cause);
    assert.equal((outcome.inputs.Train?.[0] as Record<string, JsonValue>).TrainingJobName, "custom-train");
    assert.equal(payloadOf(outcome.inputs.QualityGate).force, true);
    assert.equal(payloadOf(outcome.inputs.CheckEndpoint).endpointName, exampleSettings().endpoint.name);
  });

  it("refuses another endpoint than the stack's before anything runs: the role may deploy only to it", async () => {
    const outcome = await run(happyScript(), { EndpointName: "other-endpoint" });
    assert.equal(outcome.status, "FAILED");
    assert.equal(outcome.error, "InvalidExecutionInput");
    assert.match(outcome.cause ?? "", /EndpointName other-endpoint .*visit-time/);
    assert.equal(outcome.inputs.StartQuery, undefined);
  });

  it("refuses names SageMaker refuses ('.' or '_'), from the execution name or the input, before the query", async () => {
    for (const [input, executionName] of [
      [{}, "manual.2026-11-26"],
      [{}, "manual_2026"],
      [{ ModelName: "model.v2" }, EXECUTION],
      [{ EvaluationProcessingJobName: "eval_2" }, EXECUTION],
    ] as const) {
      const outcome = await run(happyScript(), input, exampleSettings(), executionName);
      assert.equal(outcome.status, "FAILED", `${executionName} ${JSON.stringify(input)}`);
      assert.equal(outcome.error, "InvalidExecutionInput");
      assert.match(outcome.cause ?? "", /letters, digits and hyphens/);
      assert.equal(outcome.inputs.StartQuery, undefined);
    }
  });

  it("updates an existing endpoint instead of creating it", async () => {
    const outcome = await run(
      happyScript({
        CheckEndpoint: endpointResult("InService", "old"),
      }),
    );
    assert.equal(outcome.status, "SUCCEEDED", outcome.cause);
    assert.ok(outcome.visited.includes("UpdateEndpoint"));
    assert.ok(!outcome.visited.includes("CreateEndpoint"));
  });

  it("ends in QueryFailed with Athena's reason when the query fails", async () => {
    const outcome = await run(
      happyScript({
        GetQueryStatus: queryStatusResult(
          "FAILED",
          "COLUMN_NOT_FOUND: line 3: Column 'platfrom' cannot be resolved",
        ),
      }),
    );
    assert.equal(outcome.status, "FAILED");
    assert.equal(outcome.visited.at(-1), "QueryFailed");
    assert.equal(outcome.error, "QueryFailed");
    assert.match(outcome.cause ?? "", /q-1 ended FAILED: COLUMN_NOT_FOUND.*platfrom/);
  });

  it("fails in DataQualityFailed, before anything is trained, when too many raw hits are invalid", async () => {
    const cause = "12.5% of the raw hits broke the raw-hits contract (1,000 of 8,000 distinct hits), …";
    const outcome = await run(
      happyScript({
        SnapshotDataset: async () => {
          throw Object.assign(new Error(cause), { name: "TooManyInvalidHits" });
        },
      }),
      {},
      { ...exampleSettings(), dataQuality: { maxInvalidHitShare: 0.1 } },
    );
    assert.equal(outcome.status, "FAILED");
    assert.equal(outcome.visited.at(-1), "DataQualityFailed");
    assert.equal(outcome.error, "TooManyInvalidHits");
    assert.equal(outcome.cause, cause);
    assert.equal(payloadOf(outcome.inputs.SnapshotDataset).maxInvalidHitShare, 0.1);
    assert.equal(outcome.inputs.SnapshotDataset?.length, 1, "a final error is not retried");
    assert.ok(!outcome.visited.includes("Preprocess"));
  });

  it("stops polling after query.maxPolls status checks", async () => {
    const settings = exampleSettings();
    settings.query.maxPolls = 4;
    const outcome = await run(
      happyScript({
        GetQueryStatus: queryStatusResult("RUNNING"),
      }),
      {},
      settings,
    );
    assert.equal(outcome.error, "QueryPollLimitReached");
    assert.equal(outcome.visited.filter((name) => name === "GetQueryStatus").length, 4);
    assert.match(outcome.cause ?? "", /still RUNNING after 4 status checks/);
  });

  it("retries a throttled Lambda and then goes on", async () => {
    let attempts = 0;
    const outcome = await run(
      happyScript({
        SnapshotDataset: async () => {
          attempts += 1;
          if (attempts === 1)
            throw Object.assign(new Error("Rate exceeded"), { name: "Lambda.TooManyRequestsException" });
          return { Payload: SNAPSHOT };
        },
      }),
    );
    assert.equal(outcome.status, "SUCCEEDED", outcome.cause);
    assert.equal(attempts, 2);
  });

  it("routes a failed training job to TrainingFailed with its cause", async () => {
    const outcome = await run(
      happyScript({
        Train: async () => {
          throw Object.assign(new Error("AlgorithmError: loss is NaN"), { name: "States.TaskFailed" });
        },
      }),
    );
    assert.equal(outcome.visited.at(-1), "TrainingFailed");
    assert.equal(outcome.error, "States.TaskFailed");
    assert.match(outcome.cause ?? "", /loss is NaN/);
    assert.ok(!outcome.visited.includes("Evaluate"));
  });

  it("keeps the endpoint unchanged when the gate rejects the model", async () => {
    const outcome = await run(
      happyScript({
        QualityGate: gateResult(false, "rejected: its MAE 3.1 h is above the maximum 2 h"),
      }),
    );
    assert.equal(outcome.status, "SUCCEEDED");
    assert.equal(outcome.visited.at(-1), "ModelKept");
    assert.ok(!outcome.visited.some((name) => name.startsWith("Create")));
    assert.deepEqual(
      (outcome.output as { gate: { reason: string } }).gate.reason,
      "rejected: its MAE 3.1 h is above the maximum 2 h",
    );
    assert.deepEqual(outcome.visited.slice(-4), [
      "DeployApproved",
      "RegisterRejectedModel",
      "NotifyRejection",
      "ModelKept",
    ]);
    const request = registration(outcome.inputs.RegisterRejectedModel);
    assert.equal(request.ModelApprovalStatus, "Rejected");
    assert.equal(
      request.ModelPackageDescription,
      `${EXECUTION}: quality gate rejected: its MAE 3.1 h is above the maximum 2 h`,
    );
    assert.deepEqual(request.CustomerMetadataProperties, GATE_METADATA);
  });

  it("announces a rejection on the stack's topic with the gate's sentence and the registered package", async () => {
    const outcome = await run(
      happyScript({ QualityGate: gateResult(false, "rejected: its MAE 3.1 h is above the maximum 2 h") }),
    );
    assert.deepEqual(outcome.inputs.NotifyRejection, [
      {
        TopicArn: "arn:aws:sns:eu-west-1:123456789012:visit-time-notifications",
        Subject: "visit-time pipeline: a trained model was rejected by the quality gate",
        Message:
          "Quality gate rejected: its MAE 3.1 h is above the maximum 2 h. Execution run-2026-11-26 registered the " +
          "model as arn:aws:sagemaker:eu-west-1:123456789012:model-package/visit-time-example/1 (Rejected); " +
          "endpoint visit-time-example keeps its model. To deploy it anyway: npm run execution -- promote " +
          "run-2026-11-26 --reason <why>.",
      },
    ]);
    const unsent = await run(
      happyScript({
        QualityGate: gateResult(false, "rejected: ..."),
        NotifyRejection: async () => {
          throw Object.assign(new Error("not authorized to publish"), {
            name: "SNS.AuthorizationErrorException",
          });
        },
      }),
    );
    assert.deepEqual([unsent.status, unsent.visited.at(-1)], ["FAILED", "NotificationFailed"]);
  });

  it("scores the endpoint's model in the Evaluate job when there is one, and not otherwise", async () => {
    const first = await run(happyScript());
    assert.ok(first.visited.includes("Evaluate"));
    assert.ok(!first.visited.includes("EvaluateWithChampion"));
    assert.equal(payloadOf(first.inputs.FindChampion).endpointName, exampleSettings().endpoint.name);

    const second = await run(happyScript({ FindChampion: championResult("run-1-model") }));
    assert.equal(second.status, "SUCCEEDED", second.cause);
    assert.ok(!second.visited.includes("Evaluate"));
    const job = second.inputs.EvaluateWithChampion?.[0] as {
      ProcessingInputs: { InputName: string; S3Input: { S3Uri: string; LocalPath: string } }[];
      Environment: Record<string, string>;
    };
    assert.deepEqual(
      job.ProcessingInputs.map((input) => [input.InputName, input.S3Input.S3Uri, input.S3Input.LocalPath]),
      [
        ["model", "s3://art/model.tar.gz", "/opt/ml/processing/model"],
        ["examples", `s3://art/runs/${EXECUTION}/preprocess`, "/opt/ml/processing/input/data"],
        ["champion", "s3://art/runs/run-1-model/model.tar.gz", "/opt/ml/processing/champion"],
      ],
    );
    assert.deepEqual(job.Environment, { CHAMPION_MODEL_NAME: "run-1-model" });
    assert.equal(
      payloadOf(second.inputs.QualityGate).evaluationUri,
      `s3://art/runs/${EXECUTION}/evaluation/evaluation.json`,
    );
  });

  it("fails in ChampionLookupFailed, before any evaluation, when the lookup fails", async () => {
    const outcome = await run(
      happyScript({
        FindChampion: async () => {
          throw Object.assign(new Error("User is not authorized"), { name: "AccessDeniedException" });
        },
      }),
    );
    assert.equal(outcome.visited.at(-1), "ChampionLookupFailed");
    assert.ok(!outcome.visited.some((name) => name.startsWith("Evaluate")));
  });

  it("fails the deployment when an update rolls back to the previous configuration", async () => {
    const outcome = await run(
      happyScript({
        CheckEndpoint: endpointResult("InService", "old"),
        EndpointStatus: endpointResult("InService", "old", "health check failed"),
      }),
    );
    assert.equal(outcome.error, "EndpointUpdateRolledBack");
    assert.match(outcome.cause ?? "", /InService with old instead of run-2026-11-26-config/);
  });

  it("gives up waiting for the endpoint after endpoint.wait.maxPolls checks", async () => {
    const settings = exampleSettings();
    settings.endpoint.wait.maxPolls = 3;
    const outcome = await run(
      happyScript({
        EndpointStatus: endpointResult("Creating", ""),
      }),
      {},
      settings,
    );
    assert.equal(outcome.error, "EndpointWaitLimitReached");
    assert.equal(outcome.visited.filter((name) => name === "EndpointStatus").length, 3);
  });

  it("fails a SageMaker call at once on a validation error: a model name that exists is not retried", async () => {
    let calls = 0;
    const outcome = await run(
      happyScript({
        CreateModel: async () => {
          calls += 1;
          throw sageMakerError("ValidationException", 'Cannot create already existing model "run-1-model".');
        },
      }),
    );
    assert.equal(calls, 1);
    assert.equal(outcome.visited.at(-1), "DeploymentFailed");
    assert.equal(outcome.error, "SageMaker.AmazonSageMakerException");
    assert.match(outcome.cause ?? "", /already existing model .*Error Code: ValidationException/);
    assert.ok(!outcome.visited.includes("CountCreateModelRetry"));
  });

  it("retries a throttled SageMaker call (the same error name, the code in the cause) with back-off", async () => {
    let calls = 0;
    const throttledTwice = await run(
      happyScript({
        Train: async () => {
          calls += 1;
          if (calls <= 2) throw sageMakerError("ThrottlingException", "Rate exceeded");
          return {
            TrainingJobName: `${EXECUTION}-train`,
            ModelArtifacts: { S3ModelArtifacts: "s3://art/m" },
          };
        },
      }),
    );
    assert.equal(throttledTwice.status, "SUCCEEDED", throttledTwice.cause);
    assert.equal(calls, 3);
    assert.equal(throttledTwice.visited.filter((name) => name === "BackOffTrain").length, 2);

    let attempts = 0;
    const alwaysThrottled = await run(
      happyScript({
        CreateEndpointConfig: async () => {
          attempts += 1;
          throw sageMakerError("ThrottlingException", "Rate exceeded");
        },
      }),
    );
    assert.equal(attempts, 4, "the first call and three retries");
    assert.equal(alwaysThrottled.visited.at(-1), "DeploymentFailed");
    assert.match(alwaysThrottled.cause ?? "", /Rate exceeded .*ThrottlingException/);
  });

  it("waits for another deployment's update with back-off, then names it: EndpointUpdateInProgress", async () => {
    let refused = 0;
    const busyOnce = await run(
      happyScript({
        CheckEndpoint: endpointResult("InService", "old"),
        UpdateEndpoint: async () => {
          refused += 1;
          if (refused === 1) throw sageMakerError("ValidationException", IN_PROGRESS);
          return { EndpointArn: "arn:endpoint" };
        },
      }),
    );
    assert.equal(busyOnce.status, "SUCCEEDED", busyOnce.cause);
    assert.equal(busyOnce.visited.at(-1), "Deployed");

    const alwaysBusy = await run(
      happyScript({
        CheckEndpoint: endpointResult("Updating", "old"),
        UpdateEndpoint: async () => {
          throw sageMakerError("ValidationException", IN_PROGRESS);
        },
      }),
    );
    assert.equal(alwaysBusy.visited.filter((name) => name === "UpdateEndpoint").length, 7);
    assert.equal(alwaysBusy.error, "EndpointUpdateInProgress");
    assert.match(
      alwaysBusy.cause ?? "",
      /^Endpoint visit-time-\w+ is being updated by another deployment: .*after 6 retries .*this run changed nothing.*Cannot update in-progress endpoint/,
    );
    assert.ok(!alwaysBusy.visited.includes("WaitForEndpoint"));
  });

  it("keeps waiting when a status check fails after the update was accepted, and reports what the endpoint serves", async () => {
    let checks = 0;
    const outcome = await run(
      happyScript({
        CheckEndpoint: endpointResult("InService", "old"),
        EndpointStatus: async () => {
          checks += 1;
          if (checks === 1) throw Object.assign(new Error("the check broke"), { name: "States.TaskFailed" });
          return {
            Payload: {
              exists: true,
              status: checks === 2 ? "Updating" : "InService",
              failureReason: "",
              endpointConfigName: checks === 2 ? "old" : `${EXECUTION}-config`,
            },
          };
        },
      }),
    );
    assert.equal(outcome.status, "SUCCEEDED", outcome.cause);
    assert.equal(outcome.visited.at(-1), "Deployed");
    assert.ok(outcome.visited.includes("EndpointStatusUnknown"));

    const settings = exampleSettings();
    settings.endpoint.wait.maxPolls = 3;
    const neverChecked = await run(
      happyScript({
        CheckEndpoint: endpointResult("InService", "old"),
        EndpointStatus: async () => {
          throw Object.assign(new Error("the check broke"), { name: "States.TaskFailed" });
        },
      }),
      {},
      settings,
    );
    assert.equal(neverChecked.error, "EndpointWaitLimitReached");
    assert.match(
      neverChecked.cause ?? "",
      /was still Unknown after 3 status checks: SageMaker goes on with the accepted change to run-2026-11-26-config, and the endpoint serves the model of this run if it completes/,
    );
    assert.doesNotMatch(neverChecked.cause ?? "", /unchanged/);
  });

  it("says rolled back only when the endpoint serves its previous configuration again, and never with an empty reason", async () => {
    const unexplained = await run(
      happyScript({
        CheckEndpoint: endpointResult("InService", "old"),
        EndpointStatus: endpointResult("InService", "old"),
      }),
    );
    assert.equal(unexplained.error, "EndpointUpdateRolledBack");
    assert.match(unexplained.cause ?? "", /rolled back \(SageMaker gave no FailureReason\)$/);

    const replaced = await run(
      happyScript({
        CheckEndpoint: endpointResult("InService", "old"),
        EndpointStatus: endpointResult("InService", "run-2026-11-27-config"),
      }),
    );
    assert.equal(replaced.error, "EndpointReplaced");
    assert.match(
      replaced.cause ?? "",
      /InService with run-2026-11-27-config, neither run-2026-11-26-config of this run nor old that it served before: another deployment replaced it \(nothing was rolled back\)/,
    );
    assert.doesNotMatch(replaced.cause ?? "", /\(\)/);
  });
});
