import { type RandomGenerator, shuffleInPlace } from './rng.js';

/** A dense integer matrix; reads outside it are 0. */
class Grid {
  private readonly values: number[];
  constructor(
    readonly rows: number,
    readonly cols: number,
  ) {
    this.values = new Array<number>(rows * cols).fill(0);
  }
  get(r: number, c: number): number {
    return this.values[r * this.cols + c] ?? 0;
  }
  add(r: number, c: number, delta: number): void {
    this.values[r * this.cols + c] = this.get(r, c) + delta;
  }
}

/** Rows still owed to each class or split. */
class Need {
  private readonly values: number[];
  constructor(initial: readonly number[]) {
    this.values = [...initial];
  }
  get(i: number): number {
    return this.values[i] ?? 0;
  }
  add(i: number, delta: number): void {
    this.values[i] = this.get(i) + delta;
  }
}

interface Cell {
  c: number;
  s: number;
  remainder: number;
}

/**
 * Rows of each class per split: every class total kept, every split size
 * kept, and each count the floor or ceiling of the class's exact share of
 * the split (scikit-learn's StratifiedShuffleSplit idea, solved jointly for
 * all splits). Ties in the remainders are broken by the seeded generator so
 * no class is always the one rounded down.
 */
export function apportion(
  classCounts: readonly number[],
  sizes: readonly number[],
  rng: RandomGenerator,
): number[][] {
  const total = classCounts.reduce((a, b) => a + b, 0);
  const classes = classCounts.length;
  const splits = sizes.length;
  const floor = new Grid(classes, splits);
  const ceilingRoom = new Grid(classes, splits);
  const classNeed = new Need(classCounts);
  const splitNeed = new Need(sizes);
  const cells: Cell[] = [];
  classCounts.forEach((count, c) => {
    sizes.forEach((size, s) => {
      const exact = (count * size) / total;
      const down = Math.floor(exact);
      floor.add(c, s, down);
      classNeed.add(c, -down);
      splitNeed.add(s, -down);
      if (exact > down) {
        ceilingRoom.add(c, s, 1);
        cells.push({ c, s, remainder: exact - down });
      }
    });
  });
  shuffleInPlace(cells, rng);
  cells.sort((a, b) => b.remainder - a.remainder);
  const extra = new Grid(classes, splits);
  for (const { c, s } of cells) {
    if (classNeed.get(c) > 0 && splitNeed.get(s) > 0) {
      extra.add(c, s, 1);
      classNeed.add(c, -1);
      splitNeed.add(s, -1);
    }
  }
  // Greedy can strand a unit; an augmenting path moves it. Only if rounding
  // alone cannot meet both totals does a cell go beyond its ceiling.
  const anyRoom = new Grid(classes, splits);
  classCounts.forEach((count, c) => {
    for (let s = 0; s < splits; s++) anyRoom.add(c, s, count - floor.get(c, s));
  });
  for (let c = 0; c < classes; c++) {
    while (classNeed.get(c) > 0) {
      const end = augment(c, extra, ceilingRoom, splitNeed) ?? augment(c, extra, anyRoom, splitNeed);
      if (end === undefined) throw new Error('apportion: class totals and split sizes differ');
      classNeed.add(c, -1);
      splitNeed.add(end, -1);
    }
  }
  return classCounts.map((_, c) => sizes.map((_, s) => floor.get(c, s) + extra.get(c, s)));
}

/**
 * Breadth-first search for a path from class `start` to a split that still
 * needs rows, each step giving a class one more row in a split where it has
 * room and taking one from a class already there; applies it and returns the
 * split reached.
 */
function augment(start: number, extra: Grid, room: Grid, splitNeed: Need): number | undefined {
  const cameFromSplit = new Map<number, number>([[start, -1]]);
  const cameFromClass = new Map<number, number>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const c = queue[head] ?? start;
    for (let s = 0; s < extra.cols; s++) {
      if (cameFromClass.has(s) || extra.get(c, s) >= room.get(c, s)) continue;
      cameFromClass.set(s, c);
      if (splitNeed.get(s) > 0) {
        applyPath(s, extra, cameFromSplit, cameFromClass);
        return s;
      }
      for (let other = 0; other < extra.rows; other++) {
        if (!cameFromSplit.has(other) && extra.get(other, s) > 0) {
          cameFromSplit.set(other, s);
          queue.push(other);
        }
      }
    }
  }
  return undefined;
}

function applyPath(
  end: number,
  extra: Grid,
  cameFromSplit: Map<number, number>,
  cameFromClass: Map<number, number>,
): void {
  for (let s = end; ; ) {
    const c = cameFromClass.get(s) ?? -1;
    extra.add(c, s, 1);
    const previous = cameFromSplit.get(c) ?? -1;
    if (previous === -1) return;
    extra.add(c, previous, -1);
    s = previous;
  }
}
