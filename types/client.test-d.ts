import { defineErrors, type BuiltInErrorCode, type ErrorCodeOf } from 'error-envelope'
import type { ErrorCodeOf as ExpressErrorCodeOf } from 'error-envelope/express'
import { isClientError, parseError, readError, retryDelay, type ClientError, type ErrorCodeOf as ClientErrorCodeOf } from 'error-envelope/client'

const errors = defineErrors({
  order_already_shipped: { status: 409, message: 'Order {id} has shipped' },
  card_declined: { status: 402, type: 'card_error', message: 'The card was declined' },
  not_found: { description: 'No route has this path.' }
})

type Code = ErrorCodeOf<typeof errors>

// The same type from every entry point.
const fromExpress: ExpressErrorCodeOf<typeof errors> = 'order_already_shipped' as Code
const fromClient: ClientErrorCodeOf<typeof errors> = fromExpress
const builtIn: BuiltInErrorCode = 'validation_failed'
// @ts-expect-error not a code of the catalog nor a built-in one
const unknownCode: Code = 'order_shipped'

// Every code handled: the never check in default compiles.
function everyCode (err: ClientError<Code>): string {
  switch (err.code) {
    case 'order_already_shipped': return err.message
    case 'card_declined': return err.type
    case 'validation_failed': return Object.keys(err.fieldErrors).join(',')
    case 'rate_limit_exceeded': return String(err.retryAfterMs)
    case 'bad_request': case 'unauthorized': case 'payment_required': case 'forbidden': case 'not_found':
    case 'method_not_allowed': case 'conflict': case 'gone': case 'precondition_failed': case 'payload_too_large':
    case 'unsupported_media_type': case 'unprocessable_entity': case 'locked': case 'internal_error': case 'not_implemented':
    case 'bad_gateway': case 'service_unavailable': case 'gateway_timeout': case 'invalid_json': case 'invalid_parameter':
      return err.requestId ?? ''
    default: {
      const unhandled: never = err.code
      return unhandled
    }
  }
}

// One code left out: the never check fails.
function missingOne (err: ClientError<Code>): string {
  switch (err.code) {
    case 'order_already_shipped': case 'validation_failed': case 'rate_limit_exceeded':
    case 'bad_request': case 'unauthorized': case 'payment_required': case 'forbidden': case 'not_found':
    case 'method_not_allowed': case 'conflict': case 'gone': case 'precondition_failed': case 'payload_too_large':
    case 'unsupported_media_type': case 'unprocessable_entity': case 'locked': case 'internal_error': case 'not_implemented':
    case 'bad_gateway': case 'service_unavailable': case 'gateway_timeout': case 'invalid_json': case 'invalid_parameter':
      return err.message
    default: {
      // @ts-expect-error card_declined is not handled
      const unhandled: never = err.code
      return unhandled
    }
  }
}

// A misspelt case does not compile.
function misspelt (err: ClientError<Code>): boolean {
  // @ts-expect-error order_allready_shipped is no code of the API
  return err.code === 'order_allready_shipped'
}

async function reading (response: Response): Promise<unknown[]> {
  const err = await readError<Code>(response)
  const code: Code = err.code
  const fields: Record<string, string[]> = err.fieldErrors
  const details: Array<{ field: string, message: string }> = err.details
  const format: 'envelope' | 'problem' | 'unknown' = err.format
  const wait: number | undefined = err.retryAfterMs
  const id: string | undefined = err.requestId
  const plain: ClientError = parseError(404, response.headers, await response.json())
  const fromPlainHeaders: ClientError<'x'> = parseError<'x'>(404, { 'x-request-id': 'req_1' }, null)
  const caught: unknown = plain
  if (isClientError<Code>(caught)) everyCode(caught)
  const delay: number = retryDelay({ maxMs: 30_000 })({ response: { status: 429, headers: response.headers } })
  return [code, fields, details, format, wait, id, fromPlainHeaders, delay]
}

export { errors, fromClient, builtIn, unknownCode, everyCode, missingOne, misspelt, reading }
