import { UserError } from '@modelgate/core';
import type { Command } from 'commander';
import { requireOutDir } from '../out-path.js';
import type { Wrap } from '../runner.js';
import { deployImageCommand } from './deploy-image.js';
import { deployK8s } from './deploy-k8s.js';
import { deployLocal } from './deploy-local.js';
import { deployModelcarCommand, type ModelcarFlags } from './deploy-modelcar.js';
import { addRegistryOption } from './registry-options.js';

const TARGETS = ['k8s', 'image', 'modelcar', 'local'] as const;
const WRITES_OUT = new Set<string>(['k8s', 'image', 'modelcar']);

type DeployFlags = ModelcarFlags & { target: string; host: string };

export function registerDeploy(program: Command, wrap: Wrap): void {
  const command = program
    .command('deploy')
    .description(
      'write a GitOps directory for Kubernetes (Deployment, Service, HPA, KServe InferenceService), build and push the serving image or a KServe modelcar pinned by digest, or serve locally',
    )
    .requiredOption('--target <target>', `where to deploy: ${TARGETS.join(' | ')}`)
    .requiredOption('--model <ref>', 'model#stage, model@v3, or model (latest)')
    .option('--out <dir>', 'k8s, image, modelcar: the directory to write', 'deploy')
    .option(
      '--push <registry/repository>',
      'image, modelcar: push there and write manifests naming the digest',
    )
    .option(
      '--base-image <ref>',
      'image, modelcar: the Node base of the server image (default node:20-bookworm-slim)',
    )
    .option('--builder <name>', 'image, modelcar: docker | podman | buildah (default: the first on PATH)')
    .option(
      '--modelcar-base <ref>',
      "modelcar: the modelcar's base, with a shell for KServe's sidecar (default busybox:1.36)",
    )
    .option(
      '--runtime-image <repository@sha256:digest>',
      'modelcar: the toolkit server image the ClusterServingRuntime runs (default: build and push <push>-runtime)',
    )
    .option(
      '--canary <percent>',
      'k8s, image, modelcar: send this share of traffic to this version, the rest to the deployed one',
    )
    .option('--image <repository>', 'k8s: container image repository (default: the model name)')
    .option('--tag <tag>', 'k8s: image tag (default: the model version)')
    .option('--namespace <ns>', 'k8s: namespace written into kustomization.yaml')
    .option('--replicas <n>', 'k8s: pods at least, the HPA minimum (default 2)')
    .option('--max-replicas <n>', 'k8s: the HPA maximum; equal to --replicas writes no HPA (default 10)')
    .option('--cpu-target <percent>', 'k8s: average CPU utilisation the HPA keeps (default 70)')
    .option('--cpu-request <quantity>', 'k8s: CPU request (default 500m)')
    .option('--cpu-limit <quantity>', 'k8s: CPU limit (default 2)')
    .option('--memory-request <quantity>', 'k8s: memory request (default 512Mi)')
    .option('--memory-limit <quantity>', 'k8s: memory limit (default 1Gi)')
    .option(
      '--storage-uri <uri>',
      'k8s: where KServe fetches the model directory (default pvc://modelgate-models/<model>/<version>)',
    )
    .option(
      '--kserve-runtime <name>',
      'k8s: the KServe ServingRuntime to use (default: KServe picks one for ONNX)',
    )
    .option('--force', 'k8s: overwrite files that were edited or not written by modelgate deploy')
    .option('--host <host>', 'local: address to listen on', '127.0.0.1')
    .option('--port <port>', 'the port the server listens on (default 8080)');
  addRegistryOption(command);
  command.action(
    wrap<DeployFlags>(async (flags, ctx) => {
      if (WRITES_OUT.has(flags.target)) await requireOutDir('--out', flags.out, 'the manifests');
      if (flags.target === 'k8s') return deployK8s(flags);
      if (flags.target === 'image') return deployImageCommand(flags);
      if (flags.target === 'modelcar') return deployModelcarCommand(flags);
      if (flags.target === 'local') return deployLocal(flags, ctx);
      throw new UserError(
        `--target '${flags.target}': unknown target. Expected one of ${TARGETS.join(', ')}.`,
      );
    }),
  );
}
