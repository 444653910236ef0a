/**
 * The public surface of src/events: the Activity schema, vendor normalisers, offline
 * enrichment and the labelled generator. Other folders and notebooks import from here.
 */
export * from './activity.js';
export * from './normalize/index.js';
export * from './enrich/index.js';
export * from './generate/index.js';
