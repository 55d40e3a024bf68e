import { formatShape, type TensorSignature } from '@modelgate/runtime';
import type { ModelVersion } from '../models.js';

type Compared = Pick<ModelVersion, 'signature' | 'spec' | 'io'>;

const list = (names: readonly string[]) => (names.length === 0 ? '(none)' : names.join(', '));

function tensor(t: TensorSignature): string {
  return `${t.type} ${formatShape(t.shape)}`;
}

function tensorDifference(
  what: 'input' | 'output',
  production: readonly TensorSignature[],
  shadow: readonly TensorSignature[],
): string | undefined {
  const names = (ts: readonly TensorSignature[]) => ts.map((t) => t.name);
  if (names(production).join('\n') !== names(shadow).join('\n')) {
    return `${what}s: production has ${list(names(production))}; shadow has ${list(names(shadow))}`;
  }
  for (const [i, p] of production.entries()) {
    const s = shadow[i] as TensorSignature;
    if (tensor(p) !== tensor(s)) {
      return `${what} '${p.name}': production ${tensor(p)}; shadow ${tensor(s)}`;
    }
  }
  return undefined;
}

/** The packed features the request's columns are packed into, in order, with their category codes. */
function packedLayout(model: Compared): string[] {
  return (model.io.packed?.features ?? []).map(
    (f) => `${f.name}${f.categories ? ` [${f.categories.join('|')}]` : ''}`,
  );
}

/**
 * The first way the shadow could not take the production's model inputs as they are, or answers in
 * another form than the production (so the two cannot be compared row by row); undefined when none.
 */
export function signatureDifference(production: Compared, shadow: Compared): string | undefined {
  const inputs = tensorDifference('input', production.signature.inputs, shadow.signature.inputs);
  if (inputs) return inputs;
  const packed = [packedLayout(production), packedLayout(shadow)];
  if (packed[0]?.join('\n') !== packed[1]?.join('\n')) {
    return `packed features: production has ${list(packed[0] ?? [])}; shadow has ${list(packed[1] ?? [])}`;
  }
  const task = [production.spec?.task ?? 'unknown', shadow.spec?.task ?? 'unknown'];
  if (task[0] !== task[1]) return `task: production ${task[0]}; shadow ${task[1]}`;
  if (production.io.classes.join('\n') !== shadow.io.classes.join('\n')) {
    return `classes: production has ${list(production.io.classes)}; shadow has ${list(shadow.io.classes)}`;
  }
  const served = (m: Compared) => m.io.outputs.map((o) => `${o.name} ${o.type} ${formatShape(o.shape)}`);
  if (served(production).join('\n') !== served(shadow).join('\n')) {
    return `outputs: production answers ${list(served(production))}; shadow answers ${list(served(shadow))}`;
  }
  return undefined;
}
