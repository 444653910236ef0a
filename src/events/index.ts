/** The public surface of src/events: the Activity schema, vendor normalisers, offline enrichment. */
export * from './activity.js';
export * from './normalize/index.js';
export * from './enrich/index.js';
