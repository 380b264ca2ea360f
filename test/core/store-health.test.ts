import t from 'tap'
import { deadlineCall, RateLimitStoreError, storeCall, storeHealth, type StoreDone } from '../../lib/core/store-health.js'

t.test('answers a late store call with the deadline error, whether the store then answers or fails', async (t) => {
  const events: string[] = []
  const health = storeHealth({ timeout: 10, onOutage () { events.push('down') }, onRecovery () { events.push('up') } })
  const late = (outcome: 'answer' | 'fail') => async () => await new Promise<number>((resolve, reject) => {
    setTimeout(() => { if (outcome === 'answer') resolve(1); else reject(new Error('ECONNRESET')) }, 30)
  })
  await t.rejects(deadlineCall(health, late('fail'), async () => {}), { code: 'ERR_RATE_LIMIT_STORE', message: 'Rate limit store did not answer within 10 ms' })
  await new Promise((resolve) => setTimeout(resolve, 40))
  t.same(events, ['down'], 'the late failure is one outage, answered once')
  health.down = false
  await t.rejects(deadlineCall(health, late('answer'), async () => {}), { message: 'Rate limit store did not answer within 10 ms' })
  await new Promise((resolve) => setTimeout(resolve, 40))
  t.same(events, ['down', 'down', 'up'], 'the late answer ends the outage')
})

t.test('storeCall() answers a callback store: its answer, its failure with the cause, at once while down, and one probe at a time', async (t) => {
  const events: string[] = []
  const health = storeHealth({ timeout: 50, onOutage () { events.push('down') }, onRecovery () { events.push('up') } })
  const outcome = (call: (done: StoreDone<number>) => void) => new Promise<{ error: unknown, value?: number }>((resolve) => {
    storeCall<number>(health, call, probe, (error, value) => { resolve({ error, value }) })
  })
  let probes = 0
  let probeDone: StoreDone<unknown> | undefined
  function probe (done: StoreDone<unknown>): void {
    probes++
    probeDone = done
  }

  t.same(await outcome((done) => { done(null, 7) }), { error: null, value: 7 }, 'an answer passes through')
  const cause = new Error('ECONNRESET')
  const failed = await outcome((done) => { done(cause) })
  t.ok(failed.error instanceof RateLimitStoreError)
  t.match(failed.error, { code: 'ERR_RATE_LIMIT_STORE', message: 'Rate limit store failed', cause })
  t.same(events, ['down'], 'the failure starts an outage')

  let called = false
  const first = await outcome(() => { called = true })
  const second = await outcome(() => { called = true })
  t.equal(called, false, 'while down, the store is not called')
  t.match(first.error, { code: 'ERR_RATE_LIMIT_STORE', message: 'Rate limit store is unavailable' })
  t.match(second.error, { code: 'ERR_RATE_LIMIT_STORE', message: 'Rate limit store is unavailable' })
  t.equal(probes, 1, 'one probe at a time')

  probeDone?.(new Error('still down'))
  t.equal(health.down, true, 'a failed probe keeps the outage')
  await outcome(() => {})
  t.equal(probes, 2, 'the next call probes again')
  probeDone?.(null)
  t.equal(health.down, false)
  t.same(events, ['down', 'up'], 'an answering probe ends the outage')
  t.same(await outcome((done) => { done(null, 1) }), { error: null, value: 1 })
})

t.test('deadlineCall() counts a rejection without a reason as a failure', async (t) => {
  const health = storeHealth({ timeout: 50, onOutage () {}, onRecovery () {} })
  // eslint-disable-next-line prefer-promise-reject-errors
  await t.rejects(deadlineCall(health, async () => await Promise.reject(undefined), async () => {}), { code: 'ERR_RATE_LIMIT_STORE', message: 'Rate limit store failed', cause: { message: 'Rate limit store failed without a reason' } })
  t.equal(health.down, true)
})

t.test('deadlineCall() resolves with the store\'s answer', async (t) => {
  const health = storeHealth({ timeout: 50, onOutage () {}, onRecovery () {} })
  t.equal(await deadlineCall(health, async () => 3, async () => {}), 3)
  t.equal(health.down, false)
})
