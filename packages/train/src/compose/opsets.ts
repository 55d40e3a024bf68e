import { UserError } from '@modelgate/core';
import { ML_DOMAIN } from '../onnx/graph-builder.js';

/**
 * The oldest opsets the encoding graph's ops exist in with the form it uses:
 * IsNaN and Where (ai.onnx 9), LabelEncoder with keys and values (ai.onnx.ml 2).
 */
const MIN_OPSETS: Readonly<Record<string, number>> = { '': 9, [ML_DOMAIN]: 2 };

/** Added when the command's model lacks the domain: versions its ops exist in, and the IR they need. */
const ADDED_OPSETS: Readonly<Record<string, { version: number; ir: number }>> = {
  '': { version: 13, ir: 7 },
  [ML_DOMAIN]: { version: 2, ir: 6 },
};

export interface MergedOpsets {
  /** Every domain of the composed model and its version, the command's model's first. */
  opsets: Map<string, number>;
  irVersion: number;
}

const domainName = (domain: string) => (domain === '' ? 'ai.onnx (the default domain)' : domain);

/**
 * onnx.compose's rule, one opset per domain across both graphs, met by
 * building the encoding graph at the model's own opsets: refused when the
 * model's opset of a domain the encoding needs is older than the encoding's
 * ops; a domain the model lacks is added at a version those ops have.
 */
export function mergeOpsets(
  model: ReadonlyMap<string, number>,
  modelIr: number,
  needed: readonly string[],
  label: string,
): MergedOpsets {
  const opsets = new Map(model);
  let irVersion = modelIr;
  for (const domain of needed) {
    const have = model.get(domain);
    const min = MIN_OPSETS[domain];
    if (min === undefined)
      throw new Error(`the encoding graph uses domain '${domain}', which has no minimum opset`);
    if (have === undefined) {
      const added = ADDED_OPSETS[domain] as { version: number; ir: number };
      opsets.set(domain, added.version);
      irVersion = Math.max(irVersion, added.ir);
    } else if (have < min) {
      throw new UserError(
        `${label}: imports opset ${have} of ${domainName(domain)}; the preprocessing composed in front of it needs ${min} or later, and one graph has one opset per domain. Export the model with a newer opset (torch.onnx.export(..., opset_version=13)).`,
      );
    }
  }
  return { opsets, irVersion };
}
