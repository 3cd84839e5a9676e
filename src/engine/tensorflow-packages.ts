/** The optional tfjs-node packages, in order of preference (probed by the registry, loaded by initEngine). */
export const TENSORFLOW_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;
