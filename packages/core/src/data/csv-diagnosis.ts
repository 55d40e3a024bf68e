import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';

/**
 * DuckDB's sniffer reports a malformed CSV as "could not detect the dialect";
 * csv-parse names the line and the fault, so it explains a read DuckDB refused.
 */
export async function diagnoseCsv(path: string, delimiter: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const stream = createReadStream(path);
    const parser = stream.pipe(parse({ delimiter, relax_quotes: false }));
    parser.on('data', () => {});
    parser.on('error', (err: Error) => {
      stream.destroy();
      resolve(err.message);
    });
    parser.on('end', () => resolve(undefined));
  });
}
