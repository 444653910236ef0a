/**
 * The HTTP API as a Fastify app factory: `buildApp(deps)` wires routes, schemas, auth
 * and errors, and starts nothing, so tests call `app.inject()` without a socket
 * (`server.ts` listens). Bodies are validated against TypeBox schemas; the Activity
 * schema is registered once and referenced by `$ref`.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError } from 'fastify';
import type { Logger } from 'pino';
import { ThreatlabError, isThreatlabError } from '../errors/index.js';
import { ActivitySchema } from '../events/activity.js';
import { FORMATS } from '../events/normalize/types.js';
import { presentedToken, tokenDigest, tokenMatches } from './auth.js';
import type { FeedbackSink } from './feedback.js';
import type { IsolatedScores } from './isolated-scoring.js';
import type { ServingMetrics } from './metrics.js';
import type { Refusal } from './model-manager.js';
import { instanceHealth, instanceModels, processView, type RoleStates } from './instance-view.js';
import { summarize } from './role-stats.js';
import type { DecodeResult, ReadyModel } from './runtime-types.js';
import type { WorkerReport } from './workers.js';
import { scoreBodyValidatorCompiler } from './score-body.js';
import { ErrorBodySchema, FeedbackBodySchema, ReasonSchema, ScoreSchema } from './schemas.js';

/** Scores already-decoded activities for HTTP callers (its own profiles, the current model). */
export interface HttpScorer {
  decode(value: unknown, format: string): DecodeResult;
  /** Scores in input order for the activities that could be scored; the others' indices in `failed`. */
  score(activities: import('../events/activity.js').Activity[]): Promise<IsolatedScores>;
}

export interface AppDeps {
  serve: { apiToken: string; bodyLimitBytes: number; maxBatch: number };
  model: { name: string; alias: string; shadowAlias: string };
  logger: Logger;
  metrics: ServingMetrics;
  scorer: HttpScorer;
  feedback: FeedbackSink;
  models: { champion: ReadyModel | undefined; shadow: ReadyModel | undefined; lastRefusal: Refusal | null; swaps: number };
  busConnected: () => boolean;
  busKind: string;
  stats?: () => RoleStates;
  /** Under `serve --workers N`: every worker's report, so /health and /v1/model answer for the instance. */
  instanceReports?: () => Promise<WorkerReport[]>;
  /** The /metrics text; default this process's registry (a worker of `serve --workers N` asks the primary for the whole instance's). */
  metricsText?: () => Promise<string>;
}

const RejectedSchema = Type.Object({ index: Type.Integer(), reason: Type.String(), detail: Type.String() });
const ScoreResponseSchema = Type.Object({
  scores: Type.Array(Type.Ref('Score')),
  rejected: Type.Array(RejectedSchema),
});

function errorBody(code: string, message: string, details?: unknown) {
  return details === undefined ? { error: code, message } : { error: code, message, details };
}

function modelView(m: ReadyModel | undefined) {
  if (!m) return null;
  return { ...m.ref, loadedAt: new Date(m.loadedAt).toISOString(), ...m.summary };
}

type LogFn = (...args: unknown[]) => void;

/**
 * fastify gives every request a child logger (its request id bound, redaction applied to
 * the bindings): ~2 µs per request that almost never logs. This one makes the child on
 * first use. A class, not an object of closures: closures made per request cost more
 * than the child they would save.
 */
class LazyChildLogger {
  private made: FastifyBaseLogger | undefined;
  constructor(private readonly parent: FastifyBaseLogger, private readonly bindings: Record<string, unknown>, private readonly opts: object) {}
  private get real(): FastifyBaseLogger { return (this.made ??= this.parent.child(this.bindings, this.opts)); }
  get level(): string { return this.real.level; }
  set level(level: string) { this.real.level = level; }
  fatal(...args: unknown[]): void { (this.real.fatal as LogFn)(...args); }
  error(...args: unknown[]): void { (this.real.error as LogFn)(...args); }
  warn(...args: unknown[]): void { (this.real.warn as LogFn)(...args); }
  info(...args: unknown[]): void { (this.real.info as LogFn)(...args); }
  debug(...args: unknown[]): void { (this.real.debug as LogFn)(...args); }
  trace(...args: unknown[]): void { (this.real.trace as LogFn)(...args); }
  silent(...args: unknown[]): void { (this.real.silent as LogFn)(...args); }
  child(bindings: Record<string, unknown>, opts?: object): FastifyBaseLogger { return this.real.child(bindings, opts); }
}

export function lazyChildLogger(logger: FastifyBaseLogger, bindings: Record<string, unknown>, opts: object): FastifyBaseLogger {
  return new LazyChildLogger(logger, bindings, opts) as unknown as FastifyBaseLogger;
}

export type ServingApp = Awaited<ReturnType<typeof buildApp>>;

export async function buildApp(deps: AppDeps) {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: deps.serve.bodyLimitBytes,
    // Access logs per request would cost more than the scoring at 10k req/s; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyChildLogger,
    ajv: { customOptions: { allErrors: false, removeAdditional: false, coerceTypes: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addSchema(ActivitySchema);
  app.addSchema(ReasonSchema);
  app.addSchema(ScoreSchema);

  await app.register(swagger, {
    openapi: {
      info: { title: 'threatlab scoring API', version: '1', description: 'Scores SaaS audit events with the current threat-detection model; explains every score.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.setErrorHandler((err: FastifyError | ThreatlabError, request, reply) => {
    if (isThreatlabError(err)) {
      if (err.httpStatus >= 500) request.log.error({ err }, 'request failed');
      return reply.status(err.httpStatus).send(errorBody(err.code, err.message, Object.keys(err.details).length ? err.details : undefined));
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      return reply.status(400).send(errorBody('THREATLAB_INPUT', `invalid request ${fe.validationContext ?? 'body'}: ${fe.message}`, fe.validation));
    }
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.status(413).send(errorBody('THREATLAB_PAYLOAD_TOO_LARGE', `request body larger than ${deps.serve.bodyLimitBytes} bytes`));
    }
    if (fe.statusCode && fe.statusCode < 500) {
      return reply.status(fe.statusCode).send(errorBody('THREATLAB_INPUT', fe.message));
    }
    request.log.error({ err }, 'request failed');
    return reply.status(500).send(errorBody('THREATLAB_INTERNAL', 'internal error'));
  });

  /** Mutating routes: the API token, when one is configured. */
  const expectedDigest = deps.serve.apiToken ? tokenDigest(deps.serve.apiToken) : null;
  const requireToken = async (request: { headers: Record<string, string | string[] | undefined> }) => {
    if (!expectedDigest) return;
    if (!tokenMatches(expectedDigest, presentedToken(request.headers))) {
      throw new ThreatlabError('THREATLAB_UNAUTHORIZED', 'missing or wrong API token (send Authorization: Bearer <token>)');
    }
  };

  const checkBatch = (n: number) => {
    if (n > deps.serve.maxBatch) {
      throw new ThreatlabError('THREATLAB_PAYLOAD_TOO_LARGE', `${n} events in one request; at most ${deps.serve.maxBatch} (THREATLAB_MAX_BATCH)`);
    }
    if (n === 0) throw new ThreatlabError('THREATLAB_INPUT', 'no events in the request');
  };

  const scoreValues = async (values: unknown[], format: string) => {
    if (!deps.models.champion) throw new ThreatlabError('THREATLAB_NOT_READY', 'no model loaded yet');
    const started = performance.now();
    const accepted: import('../events/activity.js').Activity[] = [];
    /** The request value each accepted activity came from. */
    const origin: number[] = [];
    const rejected: Array<{ index: number; reason: string; detail: string }> = [];
    values.forEach((v, index) => {
      const r = deps.scorer.decode(v, format);
      if (r.ok) {
        for (const a of r.activities) {
          accepted.push(a);
          origin.push(index);
        }
        for (const part of r.rejections ?? []) rejected.push({ index, reason: part.reason, detail: part.detail });
      } else rejected.push({ index, reason: r.reason, detail: r.detail });
    });
    const { scores, failed } = accepted.length ? await deps.scorer.score(accepted) : { scores: [], failed: { indices: [], reason: '' } };
    for (const i of failed.indices) rejected.push({ index: origin[i], reason: 'scoring_failed', detail: failed.reason });
    deps.metrics.eventsIn.inc({ source: 'http' }, values.length);
    deps.metrics.scoresOut.inc({ source: 'http' }, scores.length);
    deps.metrics.batchSeconds.observe({ source: 'http' }, (performance.now() - started) / 1000);
    return { scores, rejected };
  };

  app.post('/v1/score', {
    schema: {
      summary: 'Score normalised Activities: one, or {events: [...]}',
      security: [{ bearer: [] }],
      body: Type.Union([Type.Ref('Activity'), Type.Object({ events: Type.Array(Type.Ref('Activity')) }, { additionalProperties: false })]),
      response: { 200: ScoreResponseSchema, 400: ErrorBodySchema, 401: ErrorBodySchema, 413: ErrorBodySchema, 503: ErrorBodySchema },
    },
    validatorCompiler: scoreBodyValidatorCompiler,
    onRequest: requireToken,
  }, async (request) => {
    const body = request.body as { events?: unknown[] };
    const values = Array.isArray(body.events) ? body.events : [body];
    checkBatch(values.length);
    return scoreValues(values, 'activity');
  });

  app.post('/v1/score/raw', {
    schema: {
      summary: 'Score raw vendor records (O365, Entra, Google Workspace, GitHub, Slack, Dropbox, CloudTrail, Okta): one, or {records: [...]}',
      security: [{ bearer: [] }],
      // An unknown format is the caller's mistake (400), not a normaliser crash (500).
      querystring: Type.Object({ format: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: [...FORMATS], default: 'auto' })) }),
      body: Type.Union([Type.Object({ records: Type.Array(Type.Object({})) }, { additionalProperties: false }), Type.Object({})]),
      response: { 200: ScoreResponseSchema, 400: ErrorBodySchema, 401: ErrorBodySchema, 413: ErrorBodySchema, 503: ErrorBodySchema },
    },
    onRequest: requireToken,
  }, async (request) => {
    const body = request.body as { records?: unknown[] };
    const values = Array.isArray(body.records) && Object.keys(body).length === 1 ? body.records : [body];
    checkBatch(values.length);
    return scoreValues(values, (request.query as { format?: string }).format ?? 'auto');
  });

  app.post('/v1/feedback', {
    schema: {
      summary: "An analyst's verdict on a scored event (read by the supervised classifier at the next training)",
      security: [{ bearer: [] }],
      body: FeedbackBodySchema,
      response: { 202: Type.Object({ accepted: Type.Boolean(), eventId: Type.String() }), 400: ErrorBodySchema, 401: ErrorBodySchema },
    },
    onRequest: requireToken,
  }, async (request, reply) => {
    const body = request.body;
    await deps.feedback.record({ ...body, receivedAt: Date.now() });
    deps.metrics.feedback.inc({ verdict: body.verdict });
    return reply.status(202).send({ accepted: true, eventId: body.eventId });
  });

  /** Every worker's report, or why there is none (the primary did not answer). */
  const reports = async (): Promise<{ reports: WorkerReport[] | null; problem?: string }> => {
    if (!deps.instanceReports) return { reports: null };
    try {
      return { reports: await deps.instanceReports() };
    } catch (err) {
      return { reports: null, problem: (err as Error).message };
    }
  };

  app.get('/v1/model', {
    schema: { summary: 'The models serving now, shadow statistics (the whole instance under --workers), the last refused update' },
  }, async () => {
    const local = deps.stats?.();
    const { reports: all, problem } = await reports();
    const instance = all ? instanceModels(all) : null;
    return {
      name: deps.model.name,
      alias: deps.model.alias,
      champion: modelView(deps.models.champion),
      shadow: deps.model.shadowAlias ? { alias: deps.model.shadowAlias, model: modelView(deps.models.shadow) } : null,
      stats: instance?.stats ?? (local ? { champion: summarize(local.champion), shadow: summarize(local.shadow) } : null),
      swaps: deps.models.swaps,
      lastRefusal: deps.models.lastRefusal,
      ...(deps.instanceReports ? { workers: instance?.workers ?? null } : {}),
      ...(problem ? { workersProblem: problem } : {}),
    };
  });

  app.get('/health', {
    schema: { summary: 'Liveness and readiness (bus connected, model loaded; under --workers, every running worker); 503 until ready' },
  }, async (_request, reply) => {
    // Readiness only: the shadow counts are not part of /health.
    const view = processView({ models: deps.models, busConnected: deps.busConnected });
    const { reports: all, problem } = await reports();
    const instance = all ? instanceHealth(all) : null;
    const ready = deps.instanceReports ? instance?.ready ?? false : view.ready;
    return reply.status(ready ? 200 : 503).send({
      live: true,
      ready,
      checks: { bus: { kind: deps.busKind, connected: view.bus }, model: { loaded: view.champion !== null, version: view.champion } },
      lastRefusal: deps.models.lastRefusal,
      ...(deps.instanceReports ? { workers: instance?.workers ?? null } : {}),
      ...(problem ? { workersProblem: problem } : {}),
    });
  });

  app.get('/health/live', { schema: { summary: 'Liveness only' } }, async () => ({ live: true }));

  app.get('/metrics', { schema: { summary: 'Prometheus metrics', hide: false } }, async (_request, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metricsText ? deps.metricsText() : deps.metrics.registry.metrics();
  });

  return app;
}
