import { combineErrors, defineErrors, type ApiError } from 'error-envelope'
import { combineErrors as combineFromExpress } from 'error-envelope/express'

const errors = defineErrors({
  widget_not_found: { status: 404, message: 'Widget {id} not found', title: 'Widget not found' },
  quota_exceeded: { status: 429, message: 'Quota of {limit} exports a day used up, reset at {reset}' },
  card_declined: { status: 402, type: 'card_error', message: 'The card was declined' },
  not_found: { description: 'No route has this path.' }
})

const found: ApiError = errors.widget_not_found({ id: 'w_1' }, { param: 'id' })
const quota: ApiError = errors.quota_exceeded({ limit: 50, reset: '00:00 UTC' })
const declined: ApiError = errors.card_declined()
// @ts-expect-error the message has a placeholder {id}: its value is required
errors.widget_not_found()
// @ts-expect-error every placeholder needs a value
errors.quota_exceeded({ limit: 50 })
// @ts-expect-error a value is a string or a number
errors.widget_not_found({ id: { name: 'w_1' } })
// @ts-expect-error a built-in code is described, not thrown from the catalog
errors.not_found()
// @ts-expect-error no such error in the catalog
errors.widget_missing()

const billing = defineErrors({ payment_required_again: { status: 402, message: 'Pay {amount} first' } })
const combined = combineErrors(errors, billing)
const fromBoth: ApiError = combined.payment_required_again({ amount: 5 })
const fromFirst: ApiError = combineFromExpress(errors, billing).widget_not_found({ id: 'w_1' })
// @ts-expect-error the combined thrower keeps its placeholders
combined.payment_required_again()
// @ts-expect-error no such error in either catalog
combined.widget_missing()
// @ts-expect-error only catalogs combine
combineErrors({ widget_not_found: { status: 404, message: 'x' } })

export { found, quota, declined, fromBoth, fromFirst }
