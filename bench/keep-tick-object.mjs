// Imported first by every benchmark server, before Fastify loads: when the
// server is started with `--keep-tick-object`, keeps one `process.nextTick`
// tick object alive for the life of the process. No user's process does
// that: the gated rows run without it, and the rows that use it are only
// reported, as a view of the code measured without the slow mode below.
//
// Node 20 builds each tick object with an object literal whose first two
// keys are computed (`{ [async_id_symbol]: …, [trigger_async_id_symbol]: …,
// callback, args }`); V8 records the object's hidden class at each key in a
// feedback slot that holds it weakly. When a full garbage collection runs
// while no tick object is alive (an idle server, typically the first full
// collection about 300 ms after start), those hidden classes are collected,
// the next tick object gets new ones, and the slots turn megamorphic for
// good: from then on, every `process.nextTick()` defines its four
// properties through the runtime, about 1 µs each call and about six calls
// per HTTP request. The process answers some 25% fewer requests per second
// for its whole life, on every route, with or without this plugin.
//
// Whether a process falls into it depends on when its first full
// collection runs: before its first requests, after `nextTick` has run often
// enough to record feedback (a server that registers plugins at start) but
// before it is optimized. Left alone, it decides a round's ratio by chance
// rather than by the code measured, and more often against the side that
// registers a plugin. One live tick object keeps those hidden classes, so
// every server of a pair runs in the same state (bench/NOTES.md). On Node
// 26, servers with and without it measured alike (bench/NOTES.md).
import { createHook } from 'node:async_hooks'

if (process.argv.includes('--keep-tick-object')) {
  let kept
  const hook = createHook({
    init (asyncId, type, triggerAsyncId, resource) {
      if (type === 'TickObject' && kept === undefined) kept = resource
    }
  })
  hook.enable()
  process.nextTick(function keptTick () {})
  hook.disable()
  globalThis.benchKeptTickObject = kept
}
