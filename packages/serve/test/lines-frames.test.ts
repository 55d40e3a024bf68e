import { describe, expect, it } from 'vitest';
import type { ShadowLines } from '../src/prediction-log/types.js';
import { encodeFrames, FrameReader } from '../src/server/shadow/lines-frames.js';

const bytes = (text: string) => new TextEncoder().encode(text);

const groups: ShadowLines[] = [
  {
    shadowOf: 'm',
    hour: '2026-11-26T07',
    requests: 2,
    rows: 3,
    data: bytes('{"a":1}\n{"a":"ü"}\n{"a":3}\n'),
  },
  { shadowOf: 'm', hour: '2026-11-26T08', requests: 1, rows: 1, data: bytes('{"b":"\\n"}\n') },
  { shadowOf: 'other', hour: '2026-11-26T08', requests: 0, rows: 0, data: bytes('') },
];

const plain = (lines: ShadowLines[]) =>
  lines.map(({ data, ...rest }) => ({ ...rest, text: new TextDecoder().decode(data) }));

describe('the frames a shadow’s process sends its log lines in', () => {
  it('come out as they went in, whatever the chunks’ boundaries', () => {
    const stream = encodeFrames(groups);
    expect(plain(new FrameReader().push(stream))).toEqual(plain(groups));
    // Byte by byte: headers, a multi-byte character and bodies all cut apart.
    const reader = new FrameReader();
    const read: ShadowLines[] = [];
    for (let i = 0; i < stream.length; i++) read.push(...reader.push(stream.subarray(i, i + 1)));
    expect(plain(read)).toEqual(plain(groups));
  });

  it('refuse a header that is not one, naming what is wrong', () => {
    expect(() => new FrameReader().push(Buffer.from('not json\n'))).toThrow(
      /frame header is not JSON: not json/,
    );
    expect(() =>
      new FrameReader().push(Buffer.from('{"shadowOf":"m","hour":"h","requests":1,"rows":1}\n')),
    ).toThrow(/lacks shadowOf, hour, requests, rows or bytes/);
  });
});
