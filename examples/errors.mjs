// The demo API's errors, declared once: the routes throw them, and the
// server serves their reference page at /errors (and /errors.json), with a
// doc_url in every envelope of these codes and of the built-in ones.
import { defineErrors } from 'error-envelope'

export const errors = defineErrors({
  widget_not_found: {
    status: 404,
    message: 'Widget {id} not found',
    title: 'Widget not found',
    description: 'No widget has this id, or it was deleted.',
    fix: 'List widgets with GET /widgets/w_1 and use one of their ids.'
  },
  email_taken: {
    status: 409,
    message: 'Email {email} is already registered',
    title: 'Email already registered',
    description: 'Another widget owner registered this email address.',
    fix: 'Sign in with that address, or register with another one.'
  },
  rate_limit_exceeded: {
    description: 'Too many requests from your client in the current window.',
    fix: 'Wait for the number of seconds in Retry-After, then retry.'
  }
})
