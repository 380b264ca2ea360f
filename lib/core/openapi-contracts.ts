import { isDeepStrictEqual } from 'node:util'
import { envelopeSchema } from './envelope-schema.js'
import { problemSchema } from './problem-schema.js'

const SCHEMAS = '#/components/schemas/'

/**
 * Puts the contracts into a document's `components.schemas`, once each:
 * `ErrorEnvelope`, and `ProblemDetails` when `problem` is true. A component
 * the document already has under another name with the same content (the
 * `def-0` of `@fastify/swagger`, which lists every shared schema of the
 * server, the envelope's among them) is merged into it: it is removed, and
 * every `$ref` to it points to the contract's name instead.
 *
 * @example
 * ```ts
 * withContracts(document, false)
 * document.components.schemas // { ErrorEnvelope: {...} } where it had { 'def-0': {...} }
 * ```
 */
export function withContracts (document: { components: { schemas?: Record<string, unknown> } }, problem: boolean): void {
  const contracts: Record<string, Record<string, unknown>> = { ErrorEnvelope: component(envelopeSchema) }
  if (problem) contracts.ProblemDetails = component(problemSchema)
  const schemas: Record<string, unknown> = { ...document.components.schemas }
  const renamed = new Map<string, string>()
  for (const [name, schema] of Object.entries(schemas)) {
    const contract = Object.keys(contracts).find((known) => known !== name && isDeepStrictEqual(schema, contracts[known]))
    if (contract === undefined) continue
    delete schemas[name]
    renamed.set(SCHEMAS + name, SCHEMAS + contract)
  }
  document.components.schemas = { ...schemas, ...contracts }
  if (renamed.size > 0) renameRefs(document, renamed)
}

// A contract as a component of the document: without its draft and $id.
function component (schema: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { $schema: _draft, $id: _id, ...rest } = schema
  return rest
}

// Rewrites every `$ref` of the document that `renamed` knows, each object
// once (a document may share objects between places).
function renameRefs (document: object, renamed: ReadonlyMap<string, string>): void {
  const seen = new Set<object>()
  const pending: object[] = [document]
  while (pending.length > 0) {
    const node = pending.pop() as Record<string, unknown>
    if (seen.has(node)) continue
    seen.add(node)
    const ref = node.$ref
    if (typeof ref === 'string' && renamed.has(ref)) node.$ref = renamed.get(ref)
    for (const value of Object.values(node)) {
      if (typeof value === 'object' && value !== null) pending.push(value)
    }
  }
}
