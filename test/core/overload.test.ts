import t from 'tap'
import { pressureMonitor, type UnderPressureSettings } from '../../lib/core/overload.js'

const LIMITS: UnderPressureSettings = { maxEventLoopDelay: 20, maxHeapUsedBytes: 0, maxRssBytes: 0, maxEventLoopUtilization: 0, retryAfter: 1, sampleInterval: 50 }

function blockFor (ms: number): void {
  const end = Date.now() + ms
  while (Date.now() < end) { /* the event loop is blocked */ }
}

const turn = async (): Promise<void> => await new Promise((resolve) => setImmediate(resolve))

t.test('counts a sample through which the event loop never turned as past maxEventLoopDelay', async (t) => {
  // Blocked longer than a sample at every turn, as under a saturating load:
  // the delay histogram, reset at each sample, gets no reading at all.
  const monitor = pressureMonitor(LIMITS)
  t.teardown(monitor.stop)
  for (let i = 0; i < 5 && !monitor.isUnderPressure(); i++) {
    blockFor(70)
    await turn()
  }
  t.equal(monitor.isUnderPressure(), true, 'under pressure')
})

t.test('is not under pressure while the event loop turns freely, and not once stopped', async (t) => {
  const monitor = pressureMonitor(LIMITS)
  for (let i = 0; i < 4; i++) await new Promise((resolve) => setTimeout(resolve, 30))
  t.equal(monitor.isUnderPressure(), false)
  monitor.stop()
  t.equal(monitor.isUnderPressure(), false)
})
