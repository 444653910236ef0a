/**
 * Apache Kafka in KRaft mode: one JVM that is both broker and controller, from the jars
 * Maven fetched into the cache. Storage is formatted once per data folder.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { freePort, waitReady } from './net.js';
import { startDaemon } from './proc.js';
import type { RunningService, StartContext } from './types.js';

const run = promisify(execFile);

function serverProperties(dir: string, port: number, controllerPort: number): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${path.join(dir, 'data')}`,
    'num.partitions=1',
    // One broker: every internal topic must live with a single replica.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    // Tests form consumer groups constantly; the default 3 s delay would slow each one.
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    'log.retention.hours=24',
    'num.network.threads=2',
    'num.io.threads=2',
    '',
  ].join('\n');
}

/** Console output only: the daemon's stdout already goes to the service log file. */
const LOG4J = [
  'log4j.rootLogger=INFO, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  'log4j.logger.kafka.request.logger=WARN',
  'log4j.logger.org.apache.kafka.clients=WARN',
  'log4j.logger.state.change.logger=WARN',
  '',
].join('\n');

/**
 * JVM options, read from Kafka's own variables as `kafka-server-start.sh` reads them.
 * The defaults: a small heap, the serial collector and the C1 compiler only. They start
 * fastest and, on 2 cores shared with the tests or the service, cost least: with Kafka's
 * production flags (G1, full JIT, 1 GB heap) bench/serve.ts measured p50 latency
 * 53–55 ms against 25–31 ms, because the compiler and collector threads take CPU from
 * everything else during a run of a few minutes. A long-lived broker on its own cores
 * wants the production flags, e.g.
 *   KAFKA_HEAP_OPTS='-Xms1g -Xmx1g'
 *   KAFKA_JVM_PERFORMANCE_OPTS='-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35'
 */
export function kafkaJvmOptions(env: NodeJS.ProcessEnv = process.env): string[] {
  const words = (v: string | undefined, fallback: string) => (v?.trim() ? v.trim() : fallback).split(/\s+/);
  return [
    ...words(env.KAFKA_HEAP_OPTS, '-Xms128m -Xmx512m'),
    ...words(env.KAFKA_JVM_PERFORMANCE_OPTS, '-XX:+UseSerialGC -XX:TieredStopAtLevel=1'),
    '-Djava.awt.headless=true',
  ];
}

/** Kafka cluster ids are 16 random bytes in URL-safe base64 without padding. */
function clusterId(): string {
  return randomBytes(16).toString('base64url');
}

export async function startKafka(ctx: StartContext): Promise<RunningService> {
  const port = await freePort();
  const controllerPort = await freePort();
  const propsFile = path.join(ctx.dir, 'server.properties');
  const log4jFile = path.join(ctx.dir, 'log4j.properties');
  const logFile = path.join(ctx.dir, 'kafka.log');
  fs.writeFileSync(propsFile, serverProperties(ctx.dir, port, controllerPort));
  fs.writeFileSync(log4jFile, LOG4J);
  const classpath = `${ctx.install.kafkaLibs}/*`;
  const javaArgs = [...kafkaJvmOptions(), `-Dlog4j.configuration=file:${log4jFile}`, '-cp', classpath];
  if (!fs.existsSync(path.join(ctx.dir, 'data', 'meta.properties'))) {
    try {
      await run('java', [...javaArgs, 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', propsFile], { timeout: 60_000 });
    } catch (err) {
      const e = err as { stderr?: string; stdout?: string; message: string };
      throw new Error(`kafka storage format failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
  }
  const pid = startDaemon({ command: 'java', args: [...javaArgs, 'kafka.Kafka', propsFile], cwd: ctx.dir, env: process.env, logFile, pidFile: path.join(ctx.dir, 'pid') });
  const address = `127.0.0.1:${port}`;
  await waitReady({ service: 'kafka', pid, logFile, timeoutMs: ctx.timeoutMs, probe: () => kafkaAnswers(address) });
  return { name: 'kafka', pid, port, address, logFile, startedAt: new Date().toISOString() };
}

/** Ready = the broker answers metadata requests and a controller has been elected. */
export async function kafkaAnswers(address: string): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'threatlab-health',
    brokers: [address],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
