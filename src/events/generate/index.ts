/** The labelled, realistic activity generator (training data, demos, benchmarks). */
export { generateEvents, campaignsOf, resolveOptions } from './generator.js';
export type { GenerateOptions, GeneratedEvent, ResolvedOptions } from './generator.js';
export type { Campaign, Scenario } from './campaigns.js';
export { SCENARIOS } from './campaigns.js';
export type { GenVendor } from './catalog.js';
export { writeDataset } from './writer.js';
export type { WriteOptions, Summary } from './writer.js';
export { toO365Record, toGworkspaceRecord, gworkspaceId } from './formats.js';
export type { OutputFormat } from './formats.js';
