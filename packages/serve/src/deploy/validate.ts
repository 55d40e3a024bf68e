import { errorMessage, UserError } from '@modelgate/core';

interface Validatable {
  kind?: string;
  validate(): void;
}

/**
 * Checks a manifest against the official Kubernetes OpenAPI schema that
 * kubernetes-models compiled its classes from; a failure names the file and the field.
 */
export function validateManifest(file: string, manifest: Validatable): void {
  try {
    manifest.validate();
  } catch (err) {
    throw new UserError(
      `${file}: not a valid ${manifest.kind ?? 'manifest'}: ${errorMessage(err).split('\n')[0]}`,
    );
  }
}
