/**
 * tfjs models as bundle files: `model.json` (topology + weight specs: data, never code)
 * and one flat float32 weights file, written and read through in-memory IOHandlers so
 * they can live in any ArtifactStore.
 */
import { ThreatlabError } from '../errors/index.js';
import { ensureTf, tf } from './tf.js';

export interface LayersModelFiles {
  /** tfjs model.json: `{ modelTopology, weightsManifest: [{ paths, weights }] }`. */
  modelJson: Uint8Array;
  weights: Uint8Array;
}

/** Serialises the network as tfjs model.json + one weights file (no code, data only). */
export async function saveLayersModel(model: tf.LayersModel, weightsFile: string): Promise<LayersModelFiles> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const a = artifacts as tf.io.ModelArtifacts | null;
  if (!a || !a.modelTopology || !a.weightSpecs || !a.weightData) throw new ThreatlabError('THREATLAB_INTERNAL', 'tfjs returned no model artifacts');
  const weightData = a.weightData instanceof ArrayBuffer ? a.weightData : tf.io.concatenateArrayBuffers(a.weightData);
  const modelJson = { format: 'layers-model', generatedBy: 'threatlab', modelTopology: a.modelTopology, weightsManifest: [{ paths: [weightsFile], weights: a.weightSpecs }] };
  return { modelJson: new TextEncoder().encode(JSON.stringify(modelJson)), weights: new Uint8Array(weightData) };
}

export async function loadLayersModelBytes(files: LayersModelFiles, what: string, inDim: number, outDim: number): Promise<tf.LayersModel> {
  await ensureTf();
  let parsed: { modelTopology?: unknown; weightsManifest?: { weights?: tf.io.WeightsManifestEntry[] }[] };
  try {
    parsed = JSON.parse(new TextDecoder().decode(files.modelJson)) as typeof parsed;
  } catch (err) {
    throw new ThreatlabError('THREATLAB_BAD_MODEL', `${what} model.json is not JSON`, { cause: err });
  }
  const specs = parsed.weightsManifest?.[0]?.weights;
  if (!parsed.modelTopology || !Array.isArray(specs)) throw new ThreatlabError('THREATLAB_BAD_MODEL', `${what} model.json lacks modelTopology or weightsManifest`);
  const expectedBytes = specs.reduce((s, w) => s + 4 * w.shape.reduce((p, d) => p * d, 1), 0);
  if (specs.some((w) => w.dtype !== 'float32') || expectedBytes !== files.weights.byteLength) {
    throw new ThreatlabError('THREATLAB_BAD_MODEL', `${what} weights: expected ${expectedBytes} bytes of float32, got ${files.weights.byteLength}`);
  }
  const weights = new Float32Array(files.weights.slice().buffer);
  if (!weights.every(Number.isFinite)) throw new ThreatlabError('THREATLAB_BAD_MODEL', `${what} weights contain NaN or Infinity`);
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: parsed.modelTopology as tf.io.ModelJSON['modelTopology'], weightSpecs: specs, weightData: weights.buffer }));
  } catch (err) {
    throw new ThreatlabError('THREATLAB_BAD_MODEL', `${what} could not be loaded: ${(err as Error).message}`, { cause: err });
  }
  const inShape = (model.inputs[0]?.shape ?? []) as (number | null)[];
  const outShape = (model.outputs[0]?.shape ?? []) as (number | null)[];
  if (inShape[1] !== inDim || outShape[1] !== outDim) throw new ThreatlabError('THREATLAB_BAD_MODEL', `${what} maps ${inShape[1]} inputs to ${outShape[1]} outputs; expected ${inDim} to ${outDim}`);
  return model;
}

