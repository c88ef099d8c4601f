// The model directory: TF.js layers format (model.json + weights.bin) with the normalisation statistics
// and metadata beside it. SageMaker packs this directory into model.tar.gz.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { NORMALISATION_FILE, readNormalisation } from "../data/examples-io";
import type { Normalisation } from "../features/normalisation";
import { InputError, errorMessage } from "../runtime/errors";

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
  model: tf.LayersModel;
  normalisation: Normalisation;
  metadata: ModelMetadata;
}

export async function saveModelDir(
  dir: string,
  model: tf.LayersModel,
  normalisation: Normalisation,
  metadata: ModelMetadata,
): Promise<void> {
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
  writeFileSync(join(dir, NORMALISATION_FILE), JSON.stringify(normalisation));
  writeFileSync(join(dir, METADATA_FILE), JSON.stringify(metadata, null, 2));
}

export async function loadModelDir(dir: string): Promise<LoadedModel> {
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
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
  return { model, normalisation: readNormalisation(dir), metadata: parsed.data };
}
