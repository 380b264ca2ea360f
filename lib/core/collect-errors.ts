import type { AjvErrorLike } from './ajv-messages.js'
import { appendPointer } from './field-path.js'
import { readField } from './safe-read.js'

/**
 * A compiled validator, as ajv 8 makes them: a function of the data and of
 * ajv's data context that returns whether the data is valid and leaves its
 * errors on `errors`.
 *
 * @example
 * ```ts
 * const check: ValidatorLike = ajv.compile({ type: 'string' })
 * ```
 */
export interface ValidatorLike {
  (data: unknown, context?: object): unknown
  errors?: AjvErrorLike[] | null
}

/**
 * What the bounded collection pass needs: the schema and data of one part of
 * a request, the application's own compiler (so that its ajv options,
 * formats, keywords and shared schemas apply) and the cap.
 *
 * @example
 * ```ts
 * collectErrors({ schema, data: body, compile: (s) => ajv.compile(s), resolveRef: (id) => ajv.getSchema(id)?.schema, fieldOf, limit: 20 })
 * ```
 */
export interface CollectOptions {
  schema: unknown
  data: unknown
  /** The object holding the data, so that type coercion can replace it there. */
  parent?: object
  key?: string | number
  /** Compiles a schema object with the application's validator compiler. */
  compile: (schema: object) => ValidatorLike
  /** A shared schema by its `$id` (the part of a `$ref` before `#`). */
  resolveRef: (id: string) => unknown
  /** The field a detail of this error would name; fields are counted once. */
  fieldOf: (error: AjvErrorLike) => string
  /** The most fields to report; the pass stops at the first one beyond it. */
  limit: number
}

/**
 * The result of the pass: ajv's errors, in the order the schema checks the
 * document, and whether they are all the failures (`complete`) or the pass
 * stopped at the cap.
 */
export interface CollectedErrors {
  errors: AjvErrorLike[]
  complete: boolean
}

// Keywords whose result depends on what the subschemas of the same object
// evaluated, or that rewrite the errors of the subschemas (ajv-errors): an
// object that uses them is checked whole, never split.
const WHOLE = ['unevaluatedProperties', 'unevaluatedItems', 'errorMessage']
// A JSON document nests deeper than any schema a person writes; past this
// depth an object is checked whole, which keeps the cost linear.
const MAX_DEPTH = 32
const MAX_REF_HOPS = 8

interface Walk {
  readonly options: CollectOptions
  readonly errors: AjvErrorLike[]
  readonly fields: Set<string>
  full: boolean
}

interface Located {
  node: unknown
  /** The document the node belongs to, where its `#/...` references point. */
  doc: unknown
}

/**
 * Finds every failing field of a document, bounded: the pass stops as soon as
 * one field more than `limit` failed, so a body of 100,000 bad items costs
 * about as much as its first `limit` + 1.
 *
 * Why not ajv's `allErrors`: it walks the whole document and builds an error
 * object (and, in ajv's default, a message) for every failure, so its cost
 * and memory grow with what the client sent (CVE-2020-8192). Ajv has no
 * error limit. So this pass keeps the application's first-error validator
 * and uses it as an oracle, one subtree at a time:
 *
 * - a subtree that is valid costs one call of the validator of its schema,
 *   compiled once with the application's own compiler;
 * - an invalid object is split: its own keywords are checked by a "shell" of
 *   its schema whose properties are placeholders (names and defaults kept, so
 *   `additionalProperties`, `removeAdditional` and `useDefaults` behave as in
 *   the route's validator), every missing required property is named, every
 *   extra property is named when `additionalProperties` is false, then each
 *   property is visited in schema order;
 * - an invalid array gets the same treatment, its items visited by index
 *   until the cap is reached;
 * - anything else reports the first error of its validator.
 *
 * Returns `undefined` when a subschema cannot be compiled on its own (a
 * `#/definitions` reference from inside a nested object, for instance): the
 * caller then keeps the route validator's own error.
 *
 * @example
 * ```ts
 * collectErrors({ schema: { type: 'array', items: { type: 'string' } }, data: [1, 2, 3], compile, resolveRef, fieldOf, limit: 2 })
 * // { errors: [/0 type, /1 type, /2 type], complete: false }
 * ```
 */
export function collectErrors (options: CollectOptions): CollectedErrors | undefined {
  const walk: Walk = { options, errors: [], fields: new Set(), full: false }
  const holder = options.parent ?? { value: options.data }
  const key = options.parent === undefined ? 'value' : options.key as string | number
  try {
    visit(walk, { node: options.schema, doc: options.schema }, holder as Record<string | number, unknown>, key, '', 0)
  } catch {
    return undefined
  }
  return { errors: walk.errors, complete: !walk.full }
}

/**
 * Whether a compiler's validators already report every error (ajv's
 * `allErrors`, which ajv-errors requires): then the route's own error list is
 * complete, and splitting the schema would lose the messages that
 * `errorMessage` sets on a parent for its children.
 *
 * @example
 * ```ts
 * reportsAllErrors((schema) => new Ajv({ allErrors: true }).compile(schema)) // true
 * ```
 */
export function reportsAllErrors (compile: (schema: object) => ValidatorLike): boolean {
  const probe = compile(PROBE)
  probe({})
  return (probe.errors as AjvErrorLike[]).length > 1
}

const PROBE = Object.freeze({ type: 'object', required: ['a', 'b'] })

function record (walk: Walk, error: AjvErrorLike): void {
  walk.errors.push(error)
  walk.fields.add(walk.options.fieldOf(error))
  if (walk.fields.size > walk.options.limit) walk.full = true
}

function visit (walk: Walk, at: Located, parent: Record<string | number, unknown>, key: string | number, path: string, depth: number): void {
  const { node, doc } = deref(walk, at)
  if (typeof node === 'boolean') {
    if (!node) record(walk, { keyword: 'false schema', instancePath: path, params: {} })
    return
  }
  const check = walk.options.compile(standalone(node as Schema))
  if (check(parent[key], { instancePath: path, parentData: parent, parentDataProperty: key, rootData: walk.options.data }) === true) return
  const data = parent[key]
  if (depth < MAX_DEPTH && !WHOLE.some((keyword) => keyword in (node as object))) {
    const schema = node as Schema
    if (isSchemaObject(data) && isSchemaObject(schema.properties) && allows(schema, 'object')) {
      visitObject(walk, schema, doc, data, path, depth)
      return
    }
    if (Array.isArray(data) && isSchemaObject(schema.items) && allows(schema, 'array')) {
      visitArray(walk, schema, doc, data, path, depth)
      return
    }
  }
  for (const error of check.errors as AjvErrorLike[]) record(walk, error)
}

function visitObject (walk: Walk, schema: Schema, doc: unknown, data: Record<string, unknown>, path: string, depth: number): void {
  const shell = walk.options.compile(shellOf(schema))
  const valid = shell(data, { instancePath: path, rootData: walk.options.data }) === true
  // The shell has run first, so defaults are in place before "missing" is decided.
  for (const name of Array.isArray(schema.required) ? schema.required : []) {
    if (data[name] === undefined) record(walk, { keyword: 'required', instancePath: path, params: { missingProperty: name } })
  }
  if (!valid) {
    for (const error of shell.errors as AjvErrorLike[]) {
      if (error.keyword === 'additionalProperties') {
        recordExtras(walk, schema, data, path)
      } else {
        record(walk, error)
      }
    }
  }
  const properties = schema.properties as Record<string, unknown>
  for (const name of Object.keys(properties)) {
    if (walk.full) return
    if (data[name] !== undefined) {
      visit(walk, { node: properties[name], doc }, data, name, appendPointer(path, name), depth + 1)
    }
  }
}

// Ajv stops at the first extra property; the client needs them all.
function recordExtras (walk: Walk, schema: Schema, data: Record<string, unknown>, path: string): void {
  const properties = schema.properties as Record<string, unknown>
  const patterns = Object.keys(isSchemaObject(schema.patternProperties) ? schema.patternProperties : {}).map((pattern) => new RegExp(pattern, 'u'))
  for (const name of Object.keys(data)) {
    if (walk.full) return
    if (Object.hasOwn(properties, name) || patterns.some((pattern) => pattern.test(name))) continue
    record(walk, { keyword: 'additionalProperties', instancePath: path, params: { additionalProperty: name } })
  }
}

function visitArray (walk: Walk, schema: Schema, doc: unknown, data: unknown[], path: string, depth: number): void {
  const shell = walk.options.compile(shellOf(schema))
  if (shell(data, { instancePath: path, rootData: walk.options.data }) !== true) {
    for (const error of shell.errors as AjvErrorLike[]) record(walk, error)
  }
  for (let index = 0; index < data.length && !walk.full; index++) {
    visit(walk, { node: schema.items, doc }, data as unknown as Record<number, unknown>, index, appendPointer(path, index), depth + 1)
  }
}

type Schema = Record<string, unknown>

const shells = new WeakMap<object, object>()

// The schema without what the pass checks itself: required properties, and
// the subschemas of properties and items. Built once per schema object, so
// the compiler's own cache (keyed by the schema object) compiles it once.
function shellOf (schema: Schema): object {
  let shell = shells.get(schema)
  if (shell === undefined) {
    const copy: Schema = { ...schema }
    delete copy.$id
    delete copy.required
    if (isSchemaObject(schema.properties)) {
      const placeholders: Schema = {}
      for (const [name, sub] of Object.entries(schema.properties)) {
        placeholders[name] = isSchemaObject(sub) && 'default' in sub ? { default: sub.default } : true
      }
      copy.properties = placeholders
    }
    if (isSchemaObject(schema.items)) copy.items = true
    shell = Object.freeze(copy)
    shells.set(schema, shell)
  }
  return shell
}

const standalones = new WeakMap<object, object>()

// A subschema compiled on its own, as a root: without its `default`, which
// ajv's strict mode refuses at a root ("default is ignored in the schema
// root"). The parent's shell has already put the default in place.
function standalone (schema: Schema): object {
  if (!('default' in schema)) return schema
  let copy = standalones.get(schema)
  if (copy === undefined) {
    const { default: _ignored, ...rest } = schema
    copy = Object.freeze(rest)
    standalones.set(schema, copy)
  }
  return copy
}

// Follows a node that is only a `$ref` to the schema it names, so that the
// pass can split it: a route's `{ $ref: 'activity#' }` body, a property's
// `{ $ref: '#/definitions/address' }`.
function deref (walk: Walk, at: Located): Located {
  let { node, doc } = at
  for (let hops = 0; hops < MAX_REF_HOPS && isSchemaObject(node) && typeof node.$ref === 'string' && Object.keys(node).length === 1; hops++) {
    const hash = node.$ref.indexOf('#')
    const id = hash === -1 ? node.$ref : node.$ref.slice(0, hash)
    const root = id === '' ? doc : walk.options.resolveRef(id)
    const target = hash === -1 ? root : pointerTarget(root, node.$ref.slice(hash + 1))
    if (target === undefined) break
    node = target
    doc = root
  }
  return { node, doc }
}

function pointerTarget (root: unknown, pointer: string): unknown {
  // A plain-name fragment (`#address`) is an anchor, which this pass does not resolve.
  if (pointer !== '' && !pointer.startsWith('/')) return undefined
  let node = root
  for (const segment of pointer.split('/').slice(1)) {
    node = readField(node, decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~'))
  }
  return node
}

function allows (schema: Schema, type: string): boolean {
  return schema.type === undefined || schema.type === type || (Array.isArray(schema.type) && schema.type.includes(type))
}

function isSchemaObject (value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
