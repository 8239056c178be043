/** Deterministic uniform numbers in [0, 1) (mulberry32). */
export declare function uniformGenerator(seed: number): () => number;
/** Deterministic N(0, 1) numbers (mulberry32 + Box-Muller). */
export declare function normalGenerator(seed: number): () => number;
