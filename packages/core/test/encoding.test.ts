import { describe, expect, it } from 'vitest';
import { findEncodingFault, loadDataset, quoteIdent, quoteLiteral } from '../src/index.js';
import { expectUserError, useDatabase, useTempDir } from './fixtures.js';

const tmp = useTempDir('encoding');
const db = useDatabase();

const utf16le = (text: string) => Buffer.from(text, 'utf16le');

describe('findEncodingFault', () => {
  it('passes UTF-8 whose multi-byte characters straddle the 64 KiB chunks it is read in', async () => {
    // 'é' (2 bytes), '€' (3), '🐧' (4): offsets 1, 2 and 3 give every cut through a sequence.
    const text = ['a'.repeat(65_535), 'é', 'b'.repeat(65_534), '€', 'c'.repeat(65_533), '🐧', 'end'].join('');
    const path = await tmp.write('clean.csv', text);
    expect(await findEncodingFault(path)).toBeUndefined();
    expect(await findEncodingFault(await tmp.write('empty.csv', ''))).toBeUndefined();
  });

  it.each([
    ['UTF-16 without a byte order mark', utf16le('a,b\n1,2\n'), { offset: 1, kind: 'nul' }],
    [
      'UTF-16 with a byte order mark',
      Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le('a\n')]),
      { offset: 0, kind: 'utf16-bom' },
    ],
    ['a NUL byte in UTF-8', Buffer.from('a,b\n1,x\u0000y\n'), { offset: 7, kind: 'nul' }],
    ['Latin-1', Buffer.from('a,b\n1,caf\xe9\n', 'latin1'), { offset: 9, kind: 'invalid' }],
    ['an overlong encoding of "/"', Buffer.from([0x61, 0xc0, 0xaf]), { offset: 1, kind: 'invalid' }],
    ['a surrogate', Buffer.from([0x61, 0x62, 0xed, 0xa0, 0x80]), { offset: 2, kind: 'invalid' }],
    ['a code point above U+10FFFF', Buffer.from([0xf4, 0x90, 0x80, 0x80]), { offset: 0, kind: 'invalid' }],
    [
      'a sequence cut off by the end of the file',
      Buffer.from([0x61, 0xe2, 0x82]),
      { offset: 1, kind: 'invalid' },
    ],
  ])('finds %s', async (_, bytes, fault) => {
    expect(await findEncodingFault(await tmp.write('bad.bin', bytes))).toEqual(fault);
  });

  it('gives the offset in the whole file, past the first chunks', async () => {
    const bytes = Buffer.concat([
      Buffer.from('x'.repeat(200_000)),
      Buffer.from([0xe9]),
      Buffer.from('\u0000'),
    ]);
    expect(await findEncodingFault(await tmp.write('late.csv', bytes))).toEqual({
      offset: 200_000,
      kind: 'invalid',
    });
  });
});

describe('data that would cut SQL short', () => {
  it.each([
    ['u16.csv', utf16le('a,b\n1,2\n'), /^\S*u16\.csv: not UTF-8 \(UTF-16\?\) at byte 1, a NUL byte\./],
    ['u16.tsv', utf16le('a\tb\n1\t2\n'), /u16\.tsv: not UTF-8 \(UTF-16\?\) at byte 1/],
    ['nul-name.csv', Buffer.from('a\u0000b,c\n1,2\n'), /nul-name\.csv: not UTF-8 \(UTF-16\?\) at byte 1/],
    ['u16.jsonl', utf16le('{"a":1}\n'), /u16\.jsonl: not UTF-8 \(UTF-16\?\) at byte 1/],
    [
      'latin1.csv',
      Buffer.from('a,b\n1,caf\xe9\n', 'latin1'),
      /latin1\.csv: not UTF-8 \(Latin-1 or Windows-1252\?\) at byte 9\./,
    ],
    [
      'name.json',
      '[{"a\\u0000b": 1}]',
      /name\.json: column 1 \("a\\u0000b"\) has a NUL character in its name/,
    ],
    [
      'value.jsonl',
      '{"a":"x"}\n{"a":"y\\u0000z"}\n',
      /value\.jsonl: column "a" holds a NUL character in row 2/,
    ],
  ])('refuses %s with one line, before any SQL holds a NUL', async (name, content, expected) => {
    const message = await expectUserError(
      loadDataset(db(), { path: await tmp.write(name, content) }),
      expected,
    );
    expect(message).not.toContain('\n');
  });

  it('quotes every other character of a name or value; a NUL is a UserError, never a query cut short', async () => {
    const controls = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i))
      .slice(1)
      .join('');
    const name = `a"b'c\`d${controls}\u007fe`;
    const [row] = await db().rows<Record<string, unknown>>(
      `SELECT ${quoteLiteral(name)} AS ${quoteIdent(name)}, 1 AS after`,
    );
    expect(row).toEqual({ [name]: name, after: 1 });
    await expectUserError(() => quoteIdent('a\u0000b'), /^name "a\\u0000b": has a NUL character/);
    await expectUserError(() => quoteLiteral('a\u0000b'), /^value "a\\u0000b": has a NUL character/);
  });
});
