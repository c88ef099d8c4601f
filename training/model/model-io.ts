// The model directory: TF.js layers format (model.json + weights.bin) with the normalisation statistics
// and metadata beside it. SageMaker packs this directory into model.tar.gz. The layers format keeps the
// directory readable by any TF.js (or Keras, after conversion) tool; train, evaluate and serve load it into
// the fused model (fused-gru.ts), which computes the same function faster.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { NORMALISATION_FILE, readNormalisation } from "../data/examples-io";
import type { Normalisation } from "../features/normalisation";
import { InputError, errorMessage } from "../runtime/errors";
import { FusedGruModel, type GateActivation } from "./fused-gru";
import { buildGruModel, layersDims, readLayersWeights, writeLayersWeights } from "./gru";
import { paramsFromLayers, paramsToLayers } from "./gru-params";

export const MODEL_JSON = "model.json";
export const WEIGHTS_FILE = "weights.bin";
export const METADATA_FILE = "metadata.json";

const metadataSchema = z.looseObject({
  historyLength: z.number().int().min(1),
  stepColumns: z.array(z.string()),
  currentColumns: z.array(z.string()),
  decode: z.literal("least-expected-circular-error"),
});

/** What train records beside the weights; evaluate and serve read it back. */
export type ModelMetadata = z.infer<typeof metadataSchema> & Record<string, unknown>;

export interface LoadedModel {
  /** The TF.js model (serve runs the same parameters through GruInference: gru-inference.ts). */
  model: FusedGruModel;
  normalisation: Normalisation;
  metadata: ModelMetadata;
}

/** Saves the fused model's weights as the equivalent layers model. `dropout` is recorded in the topology. */
export async function saveModelDir(
  dir: string,
  model: FusedGruModel,
  normalisation: Normalisation,
  metadata: ModelMetadata,
  dropout = 0,
): Promise<void> {
  const { dims } = model;
  const layers = buildGruModel(
    {
      historyLength: metadata.historyLength,
      stepFeatures: dims.stepWidth,
      currentFeatures: dims.currentWidth,
    },
    { gruUnits: dims.units, denseUnits: dims.denseUnits, dropout, seed: 0 },
  );
  try {
    writeLayersWeights(layers, paramsToLayers(model.params(), dims));
    await saveLayersModel(dir, layers);
  } finally {
    layers.dispose();
  }
  writeFileSync(join(dir, NORMALISATION_FILE), JSON.stringify(normalisation));
  writeFileSync(join(dir, METADATA_FILE), JSON.stringify(metadata, null, 2));
}

/** Writes a layers model as model.json + weights.bin. */
export async function saveLayersModel(dir: string, model: tf.LayersModel): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights =
        artifacts.weightData === undefined
          ? new ArrayBuffer(0)
          : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      writeFileSync(join(dir, WEIGHTS_FILE), new Uint8Array(weights));
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        format: "layers-model",
        generatedBy: artifacts.generatedBy ?? "visit-time-pipeline",
        convertedBy: null,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
      };
      writeFileSync(join(dir, MODEL_JSON), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
}

/**
 * The model directory's model as a fast batched HourModel (dispose it when done), with the normalisation
 * its inputs need and the metadata train recorded.
 */
export async function loadHourModel(dir: string): Promise<LoadedModel> {
  const modelPath = join(dir, MODEL_JSON);
  if (!existsSync(modelPath)) {
    throw new InputError(`${modelPath} is missing: the model directory must hold the output of train`);
  }
  let modelJson: tf.io.ModelJSON;
  let metadata: unknown;
  try {
    modelJson = JSON.parse(readFileSync(modelPath, "utf8")) as tf.io.ModelJSON;
    metadata = JSON.parse(readFileSync(join(dir, METADATA_FILE), "utf8"));
  } catch (error) {
    throw new InputError(`cannot read the model in ${dir}: ${errorMessage(error)}`);
  }
  const parsed = metadataSchema.safeParse(metadata);
  if (!parsed.success)
    throw new InputError(`${join(dir, METADATA_FILE)} is not this version's model metadata`);
  const weights = readFileSync(join(dir, WEIGHTS_FILE));
  let layers: tf.LayersModel;
  try {
    layers = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology,
        weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights),
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      }),
    );
  } catch (error) {
    throw new InputError(`cannot load the layers model in ${dir}: ${errorMessage(error)}`);
  }
  try {
    const dims = layersDims(layers);
    if (dims.historyLength !== parsed.data.historyLength) {
      throw new InputError(
        `${modelPath} takes ${dims.historyLength} history steps but its metadata says ${parsed.data.historyLength}`,
      );
    }
    const model = new FusedGruModel(
      dims,
      paramsFromLayers(readLayersWeights(layers), dims),
      gateActivation(layers, modelPath),
    );
    return { model, normalisation: readNormalisation(dir), metadata: parsed.data };
  } finally {
    layers.dispose();
  }
}

/** The GRU's gate activation; models saved before the fused model used tfjs-layers' hard sigmoid. */
function gateActivation(layers: tf.LayersModel, modelPath: string): GateActivation {
  const config = layers.getLayer("gru").getConfig();
  const activation = config["recurrentActivation"];
  if (config["activation"] !== "tanh" || config["useBias"] !== true) {
    throw new InputError(`${modelPath}: the gru layer must use tanh and a bias`);
  }
  if (activation === "sigmoid" || activation === "hardSigmoid") return activation;
  throw new InputError(
    `${modelPath}: the gru layer's recurrentActivation must be sigmoid or hardSigmoid, got ${String(activation)}`,
  );
}
