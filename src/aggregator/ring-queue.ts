/**
 * A FIFO on a circular array that doubles when full. Unlike `Array#shift` it takes
 * items off the front in O(1), and once warm it allocates nothing per item. Slots are
 * cleared as items leave, so the queue never keeps a dropped item alive.
 */
export class RingQueue<T> {
  #slots: (T | undefined)[];
  #head = 0;
  #length = 0;

  constructor(initialCapacity = 16) {
    this.#slots = new Array<T | undefined>(Math.max(1, initialCapacity));
  }

  get length(): number {
    return this.#length;
  }

  push(item: T): void {
    if (this.#length === this.#slots.length) this.#grow();
    this.#slots[(this.#head + this.#length) % this.#slots.length] = item;
    this.#length += 1;
  }

  /** The item `index` places from the front; the caller keeps `index < length`. */
  peek(index = 0): T {
    return this.#slots[(this.#head + index) % this.#slots.length] as T;
  }

  /** Removes and returns the front item; the caller keeps `length > 0`. */
  shift(): T {
    const item = this.peek();
    this.drop(1);
    return item;
  }

  /** Removes `count` items (at most `length`) from the front. */
  drop(count: number): void {
    for (let index = 0; index < count; index += 1) {
      this.#slots[this.#head] = undefined;
      this.#head = (this.#head + 1) % this.#slots.length;
    }
    this.#length -= count;
  }

  clear(): void {
    this.drop(this.#length);
  }

  #grow(): void {
    const slots = new Array<T | undefined>(this.#slots.length * 2);
    for (let index = 0; index < this.#length; index += 1) slots[index] = this.peek(index);
    this.#slots = slots;
    this.#head = 0;
  }
}
