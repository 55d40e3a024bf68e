import { describe, expect, it } from 'vitest';
import { parseConfig, parseMonitorConfig } from '../src/index.js';
import { expectUserError } from './fixtures.js';

describe('a config as monitor reads it', () => {
  const monitorOnly = 'time: date\nid: [flight_id]\nmonitor:\n  chunk: day\n  drift: { share: 0.3 }\n';

  it('needs none of the training keys', async () => {
    const config = parseMonitorConfig(monitorOnly, 'm.yaml');
    expect(config).toMatchObject({
      time: 'date',
      id: ['flight_id'],
      monitor: { chunk: 'day', drift: { share: 0.3 } },
    });
    expect(config.model).toBeUndefined();
    // The training command still demands them.
    await expectUserError(() => parseConfig(monitorOnly, 'm.yaml'), /^m\.yaml:1:1: model: /);
  });

  it('still checks every key present and refuses unknown ones, with their line', async () => {
    await expectUserError(
      () => parseMonitorConfig(`${monitorOnly}task: ranking\n`, 'm.yaml'),
      /^m\.yaml:6:7: task: /,
    );
    await expectUserError(
      () => parseMonitorConfig(`${monitorOnly}monitr: {}\n`, 'm.yaml'),
      /^m\.yaml:6:1: .*unknown key/,
    );
    await expectUserError(
      () => parseMonitorConfig('monitor:\n  drift: { share: 2 }\n', 'm.yaml'),
      /^m\.yaml:2:19: monitor\.drift\.share: /,
    );
  });
});
