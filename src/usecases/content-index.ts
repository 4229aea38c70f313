/**
 * The completions an import has seen, by person and content hash (`contentHashOfTail`): for each
 * pair, the file row that gave it (0 for a completion already stored). One open-addressing table in
 * typed arrays for the whole import: a million rows make no garbage and take about 40 MB, where a
 * map per person held every hash as a heap number.
 */
export class ContentIndex {
  private owners = new Int32Array(1 << 12).fill(-1);
  private hashes = new Float64Array(1 << 12);
  private rows = new Int32Array(1 << 12);
  private size = 0;

  /** The row that gave this person's content with this hash, or undefined. */
  get(owner: number, hash: number): number | undefined {
    const mask = this.owners.length - 1;
    for (let slot = slotOf(owner, hash, mask); ; slot = (slot + 1) & mask) {
      const at = this.owners[slot]!;
      if (at === -1) return undefined;
      if (at === owner && this.hashes[slot] === hash) return this.rows[slot];
    }
  }

  /** Records the row that gave this person's content (a pair not recorded yet). */
  add(owner: number, hash: number, row: number): void {
    if (!Number.isInteger(owner) || owner < 0 || owner > 0x7fffffff)
      throw new RangeError(`bad owner ${owner}`);
    if ((this.size + 1) * 2 > this.owners.length) this.grow();
    this.place(owner, hash, row);
    this.size++;
  }

  get count(): number {
    return this.size;
  }

  private place(owner: number, hash: number, row: number): void {
    const mask = this.owners.length - 1;
    let slot = slotOf(owner, hash, mask);
    while (this.owners[slot] !== -1) slot = (slot + 1) & mask;
    this.owners[slot] = owner;
    this.hashes[slot] = hash;
    this.rows[slot] = row;
  }

  private grow(): void {
    const { owners, hashes, rows } = this;
    this.owners = new Int32Array(owners.length * 2).fill(-1);
    this.hashes = new Float64Array(owners.length * 2);
    this.rows = new Int32Array(owners.length * 2);
    for (let i = 0; i < owners.length; i++) {
      if (owners[i] !== -1) this.place(owners[i]!, hashes[i]!, rows[i]!);
    }
  }
}

/** A slot from the hash's low 32 bits mixed with the owner. */
function slotOf(owner: number, hash: number, mask: number): number {
  let x = (hash % 0x100000000) ^ Math.imul(owner, 0x9e3779b1);
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  return (x ^ (x >>> 13)) & mask;
}
