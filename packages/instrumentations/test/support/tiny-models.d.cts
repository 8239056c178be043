// Types of tiny-models.cjs, for the TypeScript tests.
import type * as tf from '@tensorflow/tfjs';

export declare const IRIS_CLASSES: string[];
export declare const IRIS_WEIGHTS: number[][];
export declare const IRIS_BIAS: number[];
export declare const SENTIMENT_LABELS: string[];
export declare function irisOnnxModel(): Uint8Array;
export declare function sentimentOnnxModel(): Uint8Array;
export declare function writeSentimentModel(root: string, modelId: string): string;
export declare function irisData(): { rows: number[][]; targets: number[] };
export declare function trainIrisSequential(tfjs: typeof tf, name?: string, epochs?: number): Promise<tf.Sequential>;
export declare function irisGraphModel(tfjs: typeof tf): Promise<tf.GraphModel>;
