/** The labelled, realistic activity generator (training data, demos, benchmarks). */
export { generateEvents, campaignsOf, resolveOptions } from './generator.js';
export type { GenerateOptions, GeneratedEvent, ResolvedOptions } from './generator.js';
export type { Campaign, Scenario } from './campaigns.js';
export { SCENARIOS } from './campaigns.js';
export type { GenVendor } from './catalog.js';
