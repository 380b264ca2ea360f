import type { FieldDetail } from './client-error.js'
import { own, text } from './read-fields.js'

/** The contract's cap on the number of details of one error. */
const MAX_DETAILS = 100

/**
 * The bad fields of a body's list: the envelope's `details[]`
 * (`{ field, message }`) or a problem's `errors[]` (`{ field, detail }`,
 * the `pointer` when no field). At most 100; an item without a field and a
 * message is skipped.
 *
 * @example
 * ```ts
 * detailsOf([{ field: 'qty', message: 'must be >= 1' }], 'message') // [{ field: 'qty', message: 'must be >= 1' }]
 * ```
 */
export function detailsOf (list: unknown, messageKey: 'message' | 'detail'): FieldDetail[] {
  const details: FieldDetail[] = []
  if (!Array.isArray(list)) return details
  for (const item of list.slice(0, MAX_DETAILS)) {
    const field = text(own(item, 'field'), 256) ?? text(own(item, 'pointer'), 256)
    const message = text(own(item, messageKey), 1024)
    if (field !== undefined && message !== undefined) details.push({ field, message })
  }
  return details
}

/**
 * The messages of each field, keyed by field, for a form library
 * (`form.setErrors(err.fieldErrors)`). An object without a prototype, so
 * that a field named `__proto__` or `constructor` is an ordinary key.
 *
 * @example
 * ```ts
 * fieldErrorsOf([{ field: 'qty', message: 'must be >= 1' }, { field: 'qty', message: 'must be an integer' }])
 * // { qty: ['must be >= 1', 'must be an integer'] }
 * ```
 */
export function fieldErrorsOf (details: readonly FieldDetail[]): Record<string, string[]> {
  const byField: Record<string, string[]> = Object.create(null)
  for (const { field, message } of details) (byField[field] ??= []).push(message)
  return byField
}
