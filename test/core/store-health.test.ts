import t from 'tap'
import { deadlineCall, storeHealth } from '../../lib/core/store-health.js'

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
