// The composition methods of ES2025 sets (Node 22 and later), which a
// `ReadonlySet` has under a newer `lib` than the one this package compiles
// with.
interface Composition<T> {
  union: (other: unknown) => Set<unknown>
  intersection: (other: unknown) => Set<unknown>
  difference: (other: unknown) => Set<T>
  symmetricDifference: (other: unknown) => Set<unknown>
  isSubsetOf: (other: unknown) => boolean
  isSupersetOf: (other: unknown) => boolean
  isDisjointFrom: (other: unknown) => boolean
}

/**
 * A set that can be read and never changed: `has`, `size`, iteration,
 * `forEach`, `keys`, `values`, `entries` and the composition methods
 * (`union`...) of its own copy of the values, and no `add`, `delete` or
 * `clear`. It is no `Set`, so `Set.prototype.delete.call(view, x)` throws
 * too; the view, its prototype and its class are frozen.
 */
class ReadOnlySetView<T> implements ReadonlySet<T> {
  readonly #values: Set<T>

  constructor (values: Iterable<T>) {
    this.#values = new Set(values)
  }

  get size (): number { return this.#values.size }
  get [Symbol.toStringTag] (): string { return 'ReadonlySet' }
  has (value: T): boolean { return this.#values.has(value) }
  keys (): ReturnType<Set<T>['keys']> { return this.#values.keys() }
  values (): ReturnType<Set<T>['values']> { return this.#values.values() }
  entries (): ReturnType<Set<T>['entries']> { return this.#values.entries() }
  [Symbol.iterator] (): ReturnType<Set<T>['values']> { return this.#values.values() }
  forEach (callback: (value: T, key: T, set: ReadonlySet<T>) => void, thisArg?: unknown): void {
    for (const value of this.#values) callback.call(thisArg, value, value, this)
  }

  union (other: unknown): Set<unknown> { return this.#composition().union(other) }
  intersection (other: unknown): Set<unknown> { return this.#composition().intersection(other) }
  difference (other: unknown): Set<T> { return this.#composition().difference(other) }
  symmetricDifference (other: unknown): Set<unknown> { return this.#composition().symmetricDifference(other) }
  isSubsetOf (other: unknown): boolean { return this.#composition().isSubsetOf(other) }
  isSupersetOf (other: unknown): boolean { return this.#composition().isSupersetOf(other) }
  isDisjointFrom (other: unknown): boolean { return this.#composition().isDisjointFrom(other) }

  #composition (): Composition<T> {
    return this.#values as unknown as Composition<T>
  }
}
Object.freeze(ReadOnlySetView.prototype)
Object.freeze(ReadOnlySetView)

/**
 * A frozen, read-only copy of a set of values, for a set the package
 * exports: no caller can change what the package itself reads, since the
 * package keeps its own set.
 *
 * @example
 * ```ts
 * const names = readOnlySet(['allow', 'retry-after'])
 * names.has('allow') // true
 * 'add' in names // false
 * Set.prototype.add.call(names, 'set-cookie') // TypeError: Method Set.prototype.add called on incompatible receiver
 * ```
 */
export function readOnlySet<T> (values: Iterable<T>): ReadonlySet<T> {
  return Object.freeze(new ReadOnlySetView(values))
}
