export { Aggregator } from './aggregator.js';
export type { AggregatorOptions, AggregatorStats } from './types.js';
