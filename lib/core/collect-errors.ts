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
  // `any`: Ajv's own validators type the context as DataValidationCxt, with
  // members this package does not pass, and an Ajv instance must fit here.
  (data: unknown, context?: any): unknown
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

// Keywords that rewrite the errors of the subschemas (ajv-errors), or whose
// result depends on what subschemas the pass does not follow evaluated: an
// object that uses them is checked whole, never split.
const WHOLE = ['unevaluatedItems', 'errorMessage']
// Applicators that choose among subschemas: with them, which properties were
// evaluated is ajv's to say, so `unevaluatedProperties` is checked whole.
const CHOOSING = ['anyOf', 'oneOf', 'not']
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
 * `errorMessage` sets on a parent for its children. Asked once per `owner`
 * (the Ajv instance, or a route's validator, that stands for the compiler):
 * the probe is a compile-cache lookup and a validation, on every failing
 * request otherwise.
 *
 * @example
 * ```ts
 * const ajv = new Ajv({ allErrors: true })
 * reportsAllErrors(ajv, (schema) => ajv.compile(schema)) // true
 * ```
 */
export function reportsAllErrors (owner: object, compile: (schema: object) => ValidatorLike): boolean {
  let all = allErrorsByOwner.get(owner)
  if (all === undefined) {
    const probe = compile(PROBE)
    probe({})
    all = (probe.errors as AjvErrorLike[]).length > 1
    allErrorsByOwner.set(owner, all)
  }
  return all
}

const allErrorsByOwner = new WeakMap<object, boolean>()
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
  const schema = node as Schema
  if (depth < MAX_DEPTH && !WHOLE.some((keyword) => keyword in schema)) {
    if (isSchemaObject(data) && splitsObject(schema)) {
      visitObject(walk, schema, doc, data, path, depth)
      return
    }
    if (Array.isArray(data) && splitsArray(schema)) {
      visitArray(walk, schema, doc, data, path, depth)
      return
    }
  }
  for (const error of check.errors as AjvErrorLike[]) record(walk, error)
}

// The keywords whose subschemas the pass follows itself, one field at a time.
function splitsObject (schema: Schema): boolean {
  if (!allows(schema, 'object')) return false
  if ('unevaluatedProperties' in schema && CHOOSING.some((keyword) => keyword in schema)) return false
  return isSchemaObject(schema.properties) || (Array.isArray(schema.required) && schema.required.length > 1) || isSchemaObject(schema.patternProperties) ||
    isSchemaObject(schema.additionalProperties) || 'propertyNames' in schema || isSchemaObject(schema.dependentSchemas) ||
    'unevaluatedProperties' in schema || sharesData(schema)
}

function splitsArray (schema: Schema): boolean {
  return allows(schema, 'array') && (isSchemaObject(schema.items) || Array.isArray(schema.items) ||
    Array.isArray(schema.prefixItems) || isSchemaObject(schema.additionalItems) || sharesData(schema))
}

// Applicators whose subschemas apply to the same data: each is visited in
// turn, so that every field they fail is named.
function sharesData (schema: Schema): boolean {
  return Array.isArray(schema.allOf) || 'if' in schema
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
  const properties = isSchemaObject(schema.properties) ? schema.properties : {}
  for (const name of Object.keys(properties)) {
    if (walk.full) return
    if (data[name] !== undefined) {
      visit(walk, { node: properties[name], doc }, data, name, appendPointer(path, name), depth + 1)
    }
  }
  const patterns = patternsOf(schema)
  const additional = isSchemaObject(schema.additionalProperties) ? schema.additionalProperties : undefined
  const names = schema.propertyNames
  if (patterns.length > 0 || additional !== undefined || names !== undefined) {
    for (const name of Object.keys(data)) {
      if (walk.full) return
      const at = appendPointer(path, name)
      const badName = names === undefined ? undefined : firstFailure(walk, { node: names, doc }, name)
      if (badName !== undefined) record(walk, { ...badName, instancePath: path, propertyName: name })
      let matched = Object.hasOwn(properties, name)
      for (const [pattern, sub] of patterns) {
        if (!pattern.test(name)) continue
        matched = true
        visit(walk, { node: sub, doc }, data, name, at, depth + 1)
      }
      if (!matched && additional !== undefined) visit(walk, { node: additional, doc }, data, name, at, depth + 1)
    }
  }
  const applied = visitSharedData(walk, schema, doc, data, path, depth)
  if ('unevaluatedProperties' in schema && !('additionalProperties' in schema)) {
    recordUnevaluated(walk, [schema, ...applied], doc, data, path, depth)
  }
}

// Visits the subschemas that apply to the same data (allOf, the branch of
// if/then/else that holds, dependentSchemas whose property is present), and
// returns them, for `unevaluatedProperties`.
function visitSharedData (walk: Walk, schema: Schema, doc: unknown, data: unknown, path: string, depth: number): unknown[] {
  const applied: unknown[] = []
  const holder = { value: data }
  if (Array.isArray(schema.allOf)) applied.push(...schema.allOf)
  if ('if' in schema) {
    const branch = checks(walk, { node: schema.if, doc }, data) ? schema.then : schema.else
    applied.push(schema.if)
    if (branch !== undefined) applied.push(branch)
  }
  if (isSchemaObject(schema.dependentSchemas) && isSchemaObject(data)) {
    for (const [name, sub] of Object.entries(schema.dependentSchemas)) {
      if (data[name] !== undefined) applied.push(sub)
    }
  }
  for (const sub of applied) {
    if (walk.full) break
    // `if` decides a branch; its own failure is no error of the data.
    if (sub === schema.if) continue
    visit(walk, { node: sub, doc }, holder, 'value', path, depth + 1)
  }
  return applied
}

// The properties that no applied subschema evaluated: each is not allowed
// (`unevaluatedProperties: false`) or checked against the schema given.
function recordUnevaluated (walk: Walk, applied: unknown[], doc: unknown, data: Record<string, unknown>, path: string, depth: number): void {
  const rule = (applied[0] as Schema).unevaluatedProperties
  const evaluated = applied.filter(isSchemaObject)
  for (const name of Object.keys(data)) {
    if (walk.full) return
    if (evaluated.some((sub) => (isSchemaObject(sub.properties) && Object.hasOwn(sub.properties, name)) || patternsOf(sub).some(([pattern]) => pattern.test(name)))) continue
    if (rule === false) {
      record(walk, { keyword: 'unevaluatedProperties', instancePath: path, params: { unevaluatedProperty: name } })
    } else if (rule !== true) {
      visit(walk, { node: rule, doc }, data, name, appendPointer(path, name), depth + 1)
    }
  }
}

// Whether a value passes a subschema, without recording anything.
function checks (walk: Walk, at: Located, value: unknown): boolean {
  return firstFailure(walk, at, value) === undefined
}

// The first error of a value against a subschema, if it fails.
function firstFailure (walk: Walk, at: Located, value: unknown): AjvErrorLike | undefined {
  const { node } = deref(walk, at)
  if (typeof node === 'boolean') return node ? undefined : { keyword: 'false schema', params: {} }
  const check = walk.options.compile(standalone(node as Schema))
  return check(value) === true ? undefined : (check.errors as AjvErrorLike[])[0]
}

const patternCache = new WeakMap<object, Array<[RegExp, unknown]>>()

function patternsOf (schema: Schema): Array<[RegExp, unknown]> {
  if (!isSchemaObject(schema.patternProperties)) return []
  let patterns = patternCache.get(schema)
  if (patterns === undefined) {
    patterns = Object.entries(schema.patternProperties).map(([pattern, sub]) => [new RegExp(pattern, 'u'), sub])
    patternCache.set(schema, patterns)
  }
  return patterns
}

// Ajv stops at the first extra property; the client needs them all.
function recordExtras (walk: Walk, schema: Schema, data: Record<string, unknown>, path: string): void {
  const properties = isSchemaObject(schema.properties) ? schema.properties : {}
  const patterns = patternsOf(schema)
  for (const name of Object.keys(data)) {
    if (walk.full) return
    if (Object.hasOwn(properties, name) || patterns.some(([pattern]) => pattern.test(name))) continue
    record(walk, { keyword: 'additionalProperties', instancePath: path, params: { additionalProperty: name } })
  }
}

function visitArray (walk: Walk, schema: Schema, doc: unknown, data: unknown[], path: string, depth: number): void {
  const shell = walk.options.compile(shellOf(schema))
  if (shell(data, { instancePath: path, rootData: walk.options.data }) !== true) {
    for (const error of shell.errors as AjvErrorLike[]) record(walk, error)
  }
  for (let index = 0; index < data.length && !walk.full; index++) {
    const item = itemSchema(schema, index)
    if (item !== undefined) visit(walk, { node: item, doc }, data as unknown as Record<number, unknown>, index, appendPointer(path, index), depth + 1)
  }
  visitSharedData(walk, schema, doc, data, path, depth)
}

// The schema of one item: its place in a tuple (`prefixItems`, or draft-07's
// array form of `items`), else the schema of the items after the tuple.
function itemSchema (schema: Schema, index: number): unknown {
  const tuple = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : undefined
  if (tuple === undefined) return isSchemaObject(schema.items) ? schema.items : undefined
  if (index < tuple.length) return tuple[index]
  const rest = Array.isArray(schema.prefixItems) ? schema.items : schema.additionalItems
  return isSchemaObject(rest) ? rest : undefined
}

type Schema = Record<string, unknown>

const shells = new WeakMap<object, object>()

// The schema without what the pass checks itself: required properties, the
// subschemas of properties, pattern properties, additional properties and
// items, property names, and the applicators whose subschemas it visits.
// Built once per schema object, so the compiler's own cache (keyed by the
// schema object) compiles it once.
function shellOf (schema: Schema): object {
  let shell = shells.get(schema)
  if (shell === undefined) {
    const copy: Schema = { ...schema }
    for (const keyword of ['$id', 'required', 'propertyNames', 'dependentSchemas', 'allOf', 'if', 'then', 'else', 'unevaluatedProperties']) {
      delete copy[keyword]
    }
    if (isSchemaObject(schema.properties)) {
      const placeholders: Schema = {}
      for (const [name, sub] of Object.entries(schema.properties)) {
        placeholders[name] = isSchemaObject(sub) && 'default' in sub ? { default: sub.default } : true
      }
      copy.properties = placeholders
    }
    if (isSchemaObject(schema.patternProperties)) {
      copy.patternProperties = Object.fromEntries(Object.keys(schema.patternProperties).map((pattern) => [pattern, true]))
    }
    if (isSchemaObject(schema.additionalProperties)) copy.additionalProperties = true
    if (isSchemaObject(schema.items)) copy.items = true
    if (Array.isArray(schema.items)) copy.items = schema.items.map(() => true)
    if (Array.isArray(schema.prefixItems)) copy.prefixItems = schema.prefixItems.map(() => true)
    if (isSchemaObject(schema.additionalItems)) copy.additionalItems = true
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
