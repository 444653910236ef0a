/** Shapes shared by the service modules and the stack that runs them. */
import type { InstallPaths } from './paths.js';

export const SERVICE_NAMES = ['kafka', 's3', 'mlflow'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** What is recorded about a running service in the stack's state file. */
export interface RunningService {
  name: ServiceName;
  pid: number;
  port: number;
  /** Loopback URL or host:port that clients use. */
  address: string;
  logFile: string;
  startedAt: string;
}

export interface StartContext {
  /** This service's own folder (config, data, log). */
  dir: string;
  install: InstallPaths;
  /** S3 endpoint of the same stack (MLflow stores artifacts there). */
  s3Endpoint: string;
  timeoutMs: number;
}
