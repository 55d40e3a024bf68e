import { describe, expect, it } from 'vitest';
import { loadDataset, profileDataset, readColumns } from '../src/index.js';
import { dataset } from './datasets.js';
import { useDatabase } from './fixtures.js';

const db = useDatabase();

describe('one Database, queries at once', () => {
  it('gives what the same queries give one after another', async () => {
    const flights = await loadDataset(db(), { path: dataset('flights-10k.json') }, { table: 'flights' });
    const weather = await loadDataset(db(), { path: dataset('seattle-weather.csv') }, { table: 'weather' });
    const alone = {
      flights: await readColumns(db(), flights.table, flights.columns, flights.rowCount),
      weather: await readColumns(db(), weather.table, weather.columns, weather.rowCount),
      profile: await profileDataset(db(), flights),
    };
    const [f, w, profile, rows] = await Promise.all([
      readColumns(db(), flights.table, flights.columns, flights.rowCount),
      readColumns(db(), weather.table, weather.columns, weather.rowCount),
      profileDataset(db(), flights),
      db().rows('SELECT count(*) AS n FROM weather'),
    ]);
    expect(f).toEqual(alone.flights);
    expect(w).toEqual(alone.weather);
    expect(profile).toEqual(alone.profile);
    expect(rows).toEqual([{ n: 1461n }]);
  });
});
