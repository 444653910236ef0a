/** Public surface of serving: the whole service (stream scorer + model follower + HTTP) and the HTTP app factory. */
export { startService, type Service, type ServiceOptions } from './service.js';
export { buildApp, type AppDeps, type HttpScorer, type ServingApp } from './app.js';
