// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ }} is the GitHub expression a name must not become.
/** Names an attacker (or an accident) may give where a model name goes; the registry refuses each. */
export const HOSTILE_NAMES = [
  'churn\nmodelgate: error: forged second line',
  'churn\r\nx',
  'churn`id`',
  'churn$(id)',
  '${{ secrets.GITHUB_TOKEN }}',
  '../../etc/passwd',
  '..',
  '<img src=x onerror=alert(1)>',
  '[x](javascript:alert(1))',
  '@everyone hi',
  'churn\u001b[31mred',
  'churn\u202etxt.exe',
  'churn\u2028x',
  'churn\u0000x',
  'c'.repeat(300),
  '',
] as const;
