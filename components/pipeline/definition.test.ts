// Structural guarantees of the definition for the dev and prod stacks' real settings: valid ASL, every
// state reachable and leading somewhere, every Task retried and caught, every cycle bounded by a
// counter, instance types taken from the settings, and bad settings rejected with the key named.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import aslValidator from "asl-validator";
import { readStackConfigFile } from "../stack-config-file";
import { pipelineSettingsFromConfig, placeholderReferences } from "../config";
import { allStates, branchEdges, cycles, reachableStates } from "../asl/graph";
import {
  HANDLER_TRANSIENT_ERRORS,
  LAMBDA_SERVICE_ERRORS,
  SAGEMAKER_SERVICE_EXCEPTION,
  SAGEMAKER_TRANSIENT_ERRORS,
  SNS_TRANSIENT_ERRORS,
} from "../asl/error-handling";
import type { ChoiceCondition, ChoiceState, StateMachineDefinition } from "../asl/types";
import { InvalidSettingsError, parsePipelineSettings, type PipelineSettings } from "../settings";
import { buildPipelineDefinition, pipelineStatements } from "./definition";
import { exampleSettings } from "./example-settings";

const STACKS = ["dev", "prod"] as const;

function stackSettings(stack: string): PipelineSettings {
  const file = readStackConfigFile(stack);
  return pipelineSettingsFromConfig(
    file.config,
    placeholderReferences(stack, file.region, file.config.kmsKeyArn),
  );
}

function conditionsOf(condition: ChoiceCondition): ChoiceCondition[] {
  if ("And" in condition) return condition.And.flatMap(conditionsOf);
  if ("Or" in condition) return condition.Or.flatMap(conditionsOf);
  if ("Not" in condition) return conditionsOf(condition.Not);
  return [condition];
}

/**
 * A Choice that leaves the cycle when a `$.counters.*` value reaches a bound, or one whose every way back
 * into the cycle requires (And) a `$.retries.*` value below a bound, its Default leaving it.
 */
function isCounterExit(state: ChoiceState, cycle: readonly string[]): boolean {
  const exitsAtBound = state.Choices.some(
    (rule) =>
      !cycle.includes(rule.Next) &&
      conditionsOf(rule).some(
        (condition) =>
          "Variable" in condition &&
          condition.Variable.startsWith("$.counters.") &&
          "NumericGreaterThanEquals" in condition,
      ),
  );
  const staysBelowBound =
    state.Default !== undefined &&
    !cycle.includes(state.Default) &&
    state.Choices.filter((rule) => cycle.includes(rule.Next)).every(
      (rule) =>
        "And" in rule &&
        rule.And.some(
          (condition) =>
            "Variable" in condition &&
            condition.Variable.startsWith("$.retries.") &&
            "NumericLessThan" in condition,
        ),
    );
  return exitsAtBound || staysBelowBound;
}

for (const stack of STACKS) {
  describe(`the ${stack} stack's definition`, () => {
    const settings = stackSettings(stack);
    const definition: StateMachineDefinition = buildPipelineDefinition(settings);

    it("is valid ASL for asl-validator", () => {
      const result = aslValidator(structuredClone(definition));
      assert.deepEqual(result.errors, []);
      assert.equal(result.isValid, true);
    });

    it("reaches every state from StartAt and every transition names a defined state", () => {
      const names = new Set(Object.keys(definition.States));
      assert.deepEqual(
        [...names].filter((name) => !reachableStates(definition).has(name)),
        [],
      );
      for (const edge of branchEdges(definition)) assert.ok(names.has(edge.to), `${edge.from} → ${edge.to}`);
    });

    it("has no dead ends: every state but Succeed/Fail leads somewhere", () => {
      for (const { path, state } of allStates(definition)) {
        if (state.Type === "Succeed" || state.Type === "Fail") continue;
        const leads =
          state.Type === "Choice"
            ? state.Choices.length > 0 && state.Default !== undefined
            : "Next" in state || "End" in state;
        assert.ok(leads, `${path} leads nowhere`);
        if (state.Type !== "Choice")
          assert.ok(!("End" in state && state.End), `${path} ends without Succeed`);
      }
    });

    it("gives every Task, at any depth, a Retry for transient errors and a Catch to a named Fail state", () => {
      const tasks = allStates(definition).filter(({ state }) => state.Type === "Task");
      assert.equal(tasks.length, 19);
      for (const { path, state } of tasks) {
        assert.equal(state.Type, "Task");
        if (state.Type !== "Task") continue;
        const retried = (state.Retry ?? []).flatMap((retrier) => retrier.ErrorEquals);
        const transient = state.Resource.includes(":lambda:")
          ? [...LAMBDA_SERVICE_ERRORS, ...HANDLER_TRANSIENT_ERRORS]
          : state.Resource.includes(":sns:")
            ? [...SNS_TRANSIENT_ERRORS]
            : [...SAGEMAKER_TRANSIENT_ERRORS];
        assert.deepEqual(
          transient.filter((error) => !retried.includes(error)),
          [],
          `${path} does not retry every transient error`,
        );
        const catcher = state.Catch?.find((c) => c.ErrorEquals.includes("States.ALL"));
        assert.ok(catcher, `${path} has no Catch of States.ALL`);
        const target = definition.States[catcher.Next];
        // The one exception: a failed status check after the endpoint change was accepted keeps waiting.
        // Otherwise straight into a Fail state, or through one Task that records the failure on its way
        // there (RegisterUndecidedModel registers the model the gate could not judge, then QualityGateFailed).
        const end =
          target?.Type === "Task" && target.Next !== undefined ? definition.States[target.Next] : target;
        if (path === "EndpointStatus") assert.equal(catcher.Next, "EndpointStatusUnknown");
        else
          assert.equal(
            end?.Type,
            "Fail",
            `${path} catches into ${catcher.Next}, which is no way to a Fail state`,
          );
        if (state.Resource.includes(":states:::sagemaker:")) {
          // Never retried by name: SageMaker's optimized integration names a ValidationException and
          // throttling alike (the AWS SDK integration of CreateModelPackage names each exception).
          assert.ok(!retried.includes(SAGEMAKER_SERVICE_EXCEPTION), `${path} retries every SageMaker error`);
          const check = state.Catch?.find((c) => c.ErrorEquals.includes(SAGEMAKER_SERVICE_EXCEPTION));
          const choice = check && definition.States[check.Next];
          assert.equal(choice?.Type, "Choice", `${path} does not read the cause of a SageMaker error`);
          assert.equal(choice?.Type === "Choice" && choice.Default, catcher.Next);
        }
        assert.ok(state.TimeoutSeconds && state.TimeoutSeconds > 0, `${path} has no TimeoutSeconds`);
      }
    });

    it("bounds every cycle by a counter check and the machine by TimeoutSeconds", () => {
      const found = cycles(definition);
      const sageMakerCalls = allStates(definition)
        .filter(({ state }) => state.Type === "Task" && state.Resource.includes(":states:::sagemaker:"))
        .map(({ path }) => path);
      assert.deepEqual(
        found.map((cycle) => [...cycle].sort()).sort(),
        [
          ...sageMakerCalls.map((name) => [`BackOff${name}`, `Check${name}Error`, `Count${name}Retry`, name]),
          [
            "CountEndpointPoll",
            "EndpointInService",
            "EndpointStatus",
            "EndpointStatusUnknown",
            "WaitForEndpoint",
          ],
          ["CountQueryPoll", "GetQueryStatus", "QueryDone", "WaitForQuery"],
        ]
          .map((cycle) => cycle.sort())
          .sort(),
      );
      for (const cycle of found) {
        const exits = cycle.filter((name) => {
          const state = definition.States[name];
          return state?.Type === "Choice" && isCounterExit(state, cycle);
        });
        assert.equal(exits.length, 1, `cycle ${cycle.join(" → ")} has no bounded counter check`);
      }
      assert.equal(definition.TimeoutSeconds, settings.timeoutSeconds);
    });

    it("uses the settings' instance types and counts, never literals", () => {
      const params = (name: string) => {
        const state = definition.States[name];
        assert.equal(state?.Type, "Task");
        return JSON.parse(JSON.stringify(state && "Parameters" in state ? state.Parameters : {}));
      };
      assert.deepEqual(
        params("Preprocess").ProcessingResources.ClusterConfig.InstanceType,
        settings.sagemaker.preprocessing.instanceType,
      );
      assert.deepEqual(
        params("Preprocess").ProcessingResources.ClusterConfig.InstanceCount,
        settings.sagemaker.preprocessing.instanceCount,
      );
      assert.deepEqual(params("Train").ResourceConfig.InstanceType, settings.sagemaker.training.instanceType);
      assert.deepEqual(
        params("Evaluate").ProcessingResources.ClusterConfig.InstanceType,
        settings.sagemaker.evaluation.instanceType,
      );
      const variant = params("CreateEndpointConfig").ProductionVariants[0];
      if (settings.endpoint.variant.kind === "instance") {
        assert.equal(variant.InstanceType, settings.endpoint.variant.instanceType);
        assert.equal(variant.InitialInstanceCount, settings.endpoint.variant.initialInstanceCount);
      } else {
        assert.equal(variant.InstanceType, undefined);
        assert.equal(variant.ServerlessConfig.MemorySizeInMB, settings.endpoint.variant.memorySizeMb);
      }
      const json = JSON.stringify(definition);
      const mentioned = new Set(json.match(/ml\.[a-z0-9]+\.[a-z0-9]+/g) ?? []);
      const configured = new Set([
        settings.sagemaker.preprocessing.instanceType,
        settings.sagemaker.training.instanceType,
        settings.sagemaker.evaluation.instanceType,
        ...(settings.endpoint.variant.kind === "instance" ? [settings.endpoint.variant.instanceType] : []),
      ]);
      assert.deepEqual([...mentioned].sort(), [...configured].sort());
    });

    it("scores the champion, when the endpoint serves one, in the same Evaluate job as the candidate", () => {
      const task = (name: string) => JSON.parse(JSON.stringify(definition.States[name]));
      assert.equal(task("Train").Next, "FindChampion");
      assert.equal(task("FindChampion").Parameters.FunctionName, settings.lambdas.championModel);
      assert.deepEqual(task("ChampionDeployed").Choices, [
        { Variable: "$.champion.found", BooleanEquals: true, Next: "EvaluateWithChampion" },
      ]);
      assert.equal(task("ChampionDeployed").Default, "Evaluate");
      const plain = task("Evaluate").Parameters;
      const withChampion = task("EvaluateWithChampion").Parameters;
      assert.deepEqual(withChampion.ProcessingInputs.slice(0, 2), plain.ProcessingInputs);
      assert.deepEqual(withChampion.ProcessingInputs[2], {
        InputName: "champion",
        S3Input: {
          "S3Uri.$": "$.champion.modelDataUrl",
          LocalPath: "/opt/ml/processing/champion",
          S3DataType: "S3Prefix",
          S3InputMode: "File",
          S3DataDistributionType: "FullyReplicated",
        },
      });
      assert.deepEqual(withChampion.Environment, { "CHAMPION_MODEL_NAME.$": "$.champion.modelName" });
      assert.equal(plain.Environment, undefined);
      // Both write the same evaluation for the gate, which reads the thresholds from the settings.
      assert.deepEqual(task("EvaluateWithChampion").ResultSelector, task("Evaluate").ResultSelector);
      assert.equal(task("Evaluate").Next, "QualityGate");
      assert.equal(task("EvaluateWithChampion").Next, "QualityGate");
      const gate = task("QualityGate").Parameters.Payload;
      assert.equal(gate.maxMae, settings.gate.maxMae);
      assert.equal(gate.minImprovementOverBaseline, settings.gate.minImprovementOverBaseline);
      assert.equal(gate.maxRegressionHours, settings.gate.maxRegressionHours);
    });

    it("grants the role no wildcard action and passes only the SageMaker role, only to SageMaker", () => {
      for (const statement of pipelineStatements(settings)) {
        for (const action of statement.Action)
          assert.doesNotMatch(action, /\*/, `${statement.Sid}: ${action}`);
        assert.ok(!statement.Resource.includes("*"), `${statement.Sid} has Resource "*"`);
        if (statement.Action.includes("iam:PassRole")) {
          assert.deepEqual(statement.Resource, [settings.sagemaker.roleArn]);
          assert.deepEqual(statement.Condition, {
            StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" },
          });
        }
      }
    });
  });
}

describe("pipeline settings validation", () => {
  const rejects = (change: (settings: PipelineSettings) => void, message: RegExp) => {
    const settings = exampleSettings();
    change(settings);
    assert.throws(
      () => parsePipelineSettings(settings),
      (error: unknown) => {
        assert.ok(error instanceof InvalidSettingsError);
        assert.match(error.message, message);
        return true;
      },
    );
  };

  it("accepts the example", () => {
    assert.doesNotThrow(() => parsePipelineSettings(exampleSettings()));
  });
  it("names a bad instance type", () => {
    rejects(
      (s) => (s.sagemaker.training.instanceType = "m5.large"),
      /\[sagemaker\.training\.instanceType\] must be a SageMaker instance type/,
    );
  });
  it("names an endpoint name longer than SageMaker's 63 characters, hyphens included", () => {
    rejects((s) => (s.endpoint.name = `a${"-".repeat(62)}b`), /\[endpoint\.name\] .*63/);
  });
  it("names a zero instance count", () => {
    rejects(
      (s) => (s.sagemaker.preprocessing.instanceCount = 0),
      /\[sagemaker\.preprocessing\.instanceCount\]/,
    );
  });
  it("names an unbounded poll count", () => {
    rejects((s) => (s.query.maxPolls = 0), /\[query\.maxPolls\]/);
  });
  it("names an unknown key", () => {
    rejects((s) => Object.assign(s.gate, { maxRmse: 3 }), /\[gate\.maxRmse\] is not a known key/);
  });
  it("names a Lambda ARN that is not one", () => {
    rejects(
      (s) => (s.lambdas.qualityGate = "quality-gate"),
      /\[lambdas\.qualityGate\] must be an ARN of lambda/,
    );
  });
  it("rejects a timeout shorter than the jobs' runtimes", () => {
    rejects(
      (s) => (s.timeoutSeconds = 3600),
      /\[timeoutSeconds\] must exceed the sum of the jobs' maxRuntimeSeconds \(7200\)/,
    );
  });
  it("rejects data capture on a serverless endpoint", () => {
    rejects((s) => {
      s.endpoint.variant = { kind: "serverless", memorySizeMb: 2048, maxConcurrency: 2 };
      s.endpoint.dataCapture = { samplingPercent: 10, destinationS3Uri: "s3://bucket-a/capture" };
    }, /\[endpoint\.dataCapture\] is not supported by serverless endpoints/);
  });
  it("rejects serverless memory that SageMaker does not offer", () => {
    rejects(
      (s) => (s.endpoint.variant = { kind: "serverless", memorySizeMb: 1500, maxConcurrency: 2 }),
      /\[endpoint\.variant\.memorySizeMb\]/,
    );
  });
});
