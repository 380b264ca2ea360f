import t from 'tap'
import { safeLog } from '../../lib/core/safe-log.js'

t.test('writes a line with fields, or with a message alone, through the level asked for', async (t) => {
  const written: unknown[][] = []
  const logger = { warn (...args: unknown[]) { written.push(args) } }
  safeLog(logger, 'warn', { err: 'x' }, 'with fields')
  safeLog(logger, 'warn', undefined, 'message alone')
  t.same(written, [[{ err: 'x' }, 'with fields'], ['message alone']])
})

t.test('loses the line, never throws, when the logger is broken or missing', async (t) => {
  const throwing = { warn () { throw new Error('transport down') } }
  const hostile = new Proxy({}, { get () { throw new Error('trap') } })
  for (const logger of [throwing, hostile, undefined, null, {}, { warn: 'not a function' }]) {
    t.doesNotThrow(() => safeLog(logger, 'warn', { a: 1 }, 'line'))
  }
})
