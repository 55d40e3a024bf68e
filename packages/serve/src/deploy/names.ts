/** A registry model name as a Kubernetes object name (an RFC 1123 label: lowercase, digits, '-', ≤ 63). */
export function kubernetesName(model: string): string {
  const name = model
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return name === '' ? 'model' : name;
}
