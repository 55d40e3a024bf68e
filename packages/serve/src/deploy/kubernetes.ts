import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Service } from 'kubernetes-models/v1';
import type { K8sDeploySettings } from './options.js';

/** The OIP health routes the probes hit. */
export const HEALTH_PATHS = { ready: '/v2/health/ready', live: '/v2/health/live' } as const;
/** The image's non-root user (node:20-slim's `node`), numeric so runAsNonRoot can check it. */
export const IMAGE_UID = 1000;

export interface Workload {
  /** The Kubernetes name (Deployment, Service, HPA, InferenceService). */
  name: string;
  model: string;
  version: string;
  image: string;
}

/** A canary split: each Deployment's fixed replica count, and the pod label that tells them apart. */
export interface Track {
  track: 'stable' | 'canary';
  replicas: number;
}

export const TRACK_LABEL = 'modelgate.dev/track';

function labels(w: Workload): Record<string, string> {
  return {
    'app.kubernetes.io/name': w.name,
    'app.kubernetes.io/component': 'model-server',
    'app.kubernetes.io/managed-by': 'modelgate',
  };
}

/** Selectors are immutable once applied, so they leave the version out. */
function selector(w: Workload): Record<string, string> {
  return { 'app.kubernetes.io/name': w.name, 'app.kubernetes.io/component': 'model-server' };
}

export function containerResources(s: K8sDeploySettings) {
  return {
    requests: { cpu: s.cpuRequest, memory: s.memoryRequest },
    limits: { cpu: s.cpuLimit, memory: s.memoryLimit },
  };
}

/** An HTTP probe on one of the server's health routes. */
export function httpProbe(
  path: string,
  port: number | string,
  periodSeconds: number,
  failureThreshold: number,
) {
  return { httpGet: { path, port }, periodSeconds, timeoutSeconds: 2, failureThreshold };
}

/** Ready only once the model is loaded and warmed. */
export const readinessProbe = (port: number | string) => httpProbe(HEALTH_PATHS.ready, port, 5, 3);

export function deployment(w: Workload, s: K8sDeploySettings, track?: Track): Deployment {
  const name = track?.track === 'canary' ? `${w.name}-canary` : w.name;
  const trackLabel = track ? { [TRACK_LABEL]: track.track } : {};
  // With an HPA the replica count is its to set; a fixed count here would fight it on every sync.
  const replicas = track ? track.replicas : s.maxReplicas > s.replicas ? undefined : s.replicas;
  return new Deployment({
    metadata: { name, labels: { ...labels(w), ...trackLabel, 'app.kubernetes.io/version': w.version } },
    spec: {
      ...(replicas === undefined ? {} : { replicas }),
      // The stable selector stays as it was (selectors are immutable); the canary's adds its track.
      selector: { matchLabels: { ...selector(w), ...(track?.track === 'canary' ? trackLabel : {}) } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: {
          labels: { ...labels(w), ...trackLabel, 'app.kubernetes.io/version': w.version },
          annotations: { 'modelgate.dev/model': `${w.model}@${w.version}` },
        },
        spec: {
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: 30,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: IMAGE_UID,
            runAsGroup: IMAGE_UID,
            fsGroup: IMAGE_UID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'server',
              image: w.image,
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort: s.port, protocol: 'TCP' }],
              env: [{ name: 'NODE_ENV', value: 'production' }],
              resources: containerResources(s),
              // Ready only once the model is loaded and warmed; the startup probe gives loading a minute.
              startupProbe: httpProbe(HEALTH_PATHS.ready, 'http', 2, 30),
              readinessProbe: readinessProbe('http'),
              livenessProbe: httpProbe(HEALTH_PATHS.live, 'http', 10, 3),
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
        },
      },
    },
  });
}

export function service(w: Workload): Service {
  return new Service({
    metadata: { name: w.name, labels: labels(w) },
    spec: {
      type: 'ClusterIP',
      selector: selector(w),
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  });
}

export function horizontalPodAutoscaler(w: Workload, s: K8sDeploySettings): HorizontalPodAutoscaler {
  return new HorizontalPodAutoscaler({
    metadata: { name: w.name, labels: labels(w) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: w.name },
      minReplicas: s.replicas,
      maxReplicas: s.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: s.cpuTarget } },
        },
      ],
    },
  });
}
