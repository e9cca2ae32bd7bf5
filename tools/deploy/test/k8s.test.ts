import { describe, expect, it } from 'vitest';
import { apiRoutes } from '@switchyard/api-spec';
import { ConfigSchema, loadConfig, shutdownBudgetMs } from '@switchyard/runtime';
import { APPS } from '../src/build-app.js';
import { runtimeStage } from '../src/dockerfile.js';
import { containerEnvironment, readK8s, type K8sObject } from '../src/manifests.js';
import { kubernetesProblems } from '../src/schemas.js';

interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: Array<{ name: string; value?: string }>;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] }; sleep?: { seconds: number } } };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface PodSpec {
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
}
type Deployment = K8sObject & {
  spec: { template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
};

const documents = readK8s();
const objects = documents.map((d) => d.object);
const image = runtimeStage();
const deployments = objects.filter((o): o is Deployment => o.kind === 'Deployment');

/** The preStop sleep in seconds: `sleep N` run in the container, or the sleep action. */
function preStopSeconds(container: Container): number {
  const preStop = container.lifecycle?.preStop;
  if (preStop?.sleep) return preStop.sleep.seconds;
  const [command, seconds, ...rest] = preStop?.exec?.command ?? [];
  if (command !== 'sleep' || rest.length > 0 || !/^\d+$/.test(seconds ?? '')) return 0;
  return Number(seconds);
}

/**
 * Milliseconds by which the pod's grace period falls short of its preStop sleep plus the
 * shutdown budget (shutdownBudgetMs: SHUTDOWN_DRAIN_MS + SHUTDOWN_TIMEOUT_MS + SHUTDOWN_MARGIN_MS): 0
 * when it covers them.
 */
function graceShortfall(pod: PodSpec): number {
  const container = pod.containers[0]!;
  const config = loadConfig(containerEnvironment(container as never, objects, image.env));
  const needed = preStopSeconds(container) * 1000 + shutdownBudgetMs(config);
  return Math.max(0, needed - (pod.terminationGracePeriodSeconds ?? 30) * 1000);
}

describe('deploy/k8s', () => {
  it.each(
    documents.map(
      (d) => [`${d.file}: ${d.object.kind} ${d.object.metadata.name}`, d.object] as const,
    ),
  )('%s is valid against the Kubernetes schema (kubernetes-models)', (_, object) => {
    expect(kubernetesProblems(object)).toEqual([]);
  });

  it('would fail that schema with a wrong type (the check is on)', () => {
    const broken = structuredClone(deployments[0]!) as unknown as { spec: { replicas: unknown } };
    broken.spec.replicas = 'two';
    expect(kubernetesProblems(broken as unknown as K8sObject).join('\n')).toMatch(/replicas/);
  });

  it('has a Deployment, a Service and an HPA for express-api and fastify-api', () => {
    for (const kind of ['Deployment', 'Service', 'HorizontalPodAutoscaler'])
      expect(
        objects
          .filter((o) => o.kind === kind)
          .map((o) => o.metadata.name)
          .sort(),
      ).toEqual(['express-api', 'fastify-api']);
  });

  describe.each(deployments.map((d) => [d.metadata.name, d] as const))('%s', (name, deployment) => {
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0]!;
    const env = containerEnvironment(container as never, objects, image.env);
    const config = () => loadConfig(env);

    it('runs the image built with APP set to its name', () => {
      expect(APPS).toContain(name);
      expect(container.image).toMatch(new RegExp(`^switchyard/${name}(:|$)`));
    });

    it('sets only settings the apps read, each accepted by their config loader', () => {
      const known = Object.keys(ConfigSchema.properties);
      const own = Object.keys(containerEnvironment(container as never, objects));
      expect(own.filter((k) => !known.includes(k))).toEqual([]);
      expect(config).not.toThrow();
    });

    it('probes /ready for readiness and /health for liveness on the port the app listens on', () => {
      const http = container.ports?.find((p) => p.name === 'http');
      expect(http?.containerPort).toBe(config().PORT);
      expect(container.readinessProbe?.httpGet).toEqual({
        path: apiRoutes.ready.path,
        port: 'http',
      });
      expect(container.livenessProbe?.httpGet).toEqual({
        path: apiRoutes.health.path,
        port: 'http',
      });
    });

    it('gives the preStop sleep and the shutdown budget their time before SIGKILL', () => {
      expect(preStopSeconds(container)).toBeGreaterThan(0);
      expect(graceShortfall(pod)).toBe(0);
    });

    it("runs as the image's non-root user on a read-only filesystem, so on PostgreSQL", () => {
      expect(pod.securityContext?.runAsNonRoot).toBe(true);
      expect(String(pod.securityContext?.runAsUser)).toBe(image.user?.split(':')[0]);
      expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
      expect(container.securityContext?.allowPrivilegeEscalation).toBe(false);
      // PGlite writes its data directory; the read-only root filesystem needs DATABASE_URL.
      expect(config().DATABASE_URL).toMatch(/^postgres(ql)?:\/\//);
    });

    it('asks for CPU and memory and is capped in memory', () => {
      expect(container.resources?.requests).toMatchObject({
        cpu: expect.any(String),
        memory: expect.any(String),
      });
      expect(container.resources?.limits).toMatchObject({ memory: expect.any(String) });
    });

    it('is selected by its Service, which targets the http port, and scaled by its HPA', () => {
      const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === name) as
        | (K8sObject & {
            spec: { selector: Record<string, string>; ports: Array<{ targetPort: string }> };
          })
        | undefined;
      expect(deployment.spec.template.metadata.labels).toMatchObject(service!.spec.selector);
      expect(service!.spec.ports.map((p) => p.targetPort)).toEqual(['http']);
      const hpa = objects.find(
        (o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === name,
      ) as (K8sObject & { spec: { scaleTargetRef: unknown; minReplicas: number } }) | undefined;
      expect(hpa!.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
      expect(hpa!.spec.minReplicas).toBeGreaterThanOrEqual(2);
    });
  });

  it('gives each app its own database and Redis key prefix', () => {
    const configs = deployments.map((d) =>
      loadConfig(
        containerEnvironment(d.spec.template.spec.containers[0] as never, objects, image.env),
      ),
    );
    expect(new Set(configs.map((c) => c.DATABASE_URL)).size).toBe(deployments.length);
    expect(new Set(configs.map((c) => c.REDIS_KEY_PREFIX)).size).toBe(deployments.length);
  });

  it('finds a grace period too short for the preStop sleep plus the budget (the check can fail)', () => {
    const short = structuredClone(deployments[0]!.spec.template.spec);
    short.terminationGracePeriodSeconds = 15;
    // 5 s sleep + 10 s SHUTDOWN_TIMEOUT_MS + 5 s margin = 20 s: 5 s short.
    expect(graceShortfall(short)).toBe(5_000);
  });
});
