import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'

/** A real redis-server on a free port of 127.0.0.1, with its own data folder. */
export interface RedisServer {
  port: number
  /** Starts it (again, on the same port). */
  start (): Promise<void>
  /** Stops it; its counters are lost (nothing is saved). */
  stop (): Promise<void>
  /** SIGSTOP: it keeps accepting connections but answers nothing. */
  pause (): void
  /** SIGCONT. */
  resume (): void
}

const REQUIRED = process.env.ERROR_ENVELOPE_REQUIRE_REDIS === '1'

/**
 * Whether the Redis suite can run. When `redis-server` is not on the PATH
 * the file is skipped with a message, unless ERROR_ENVELOPE_REQUIRE_REDIS=1
 * (CI), where that is a failure.
 */
export function redisAvailable (t: Test): boolean {
  if (spawnSync('redis-server', ['--version']).status === 0) return true
  if (REQUIRED) {
    t.fail('redis-server is not on the PATH, and ERROR_ENVELOPE_REQUIRE_REDIS=1 makes the Redis suite mandatory')
  } else {
    t.plan(0, 'redis-server is not on the PATH: Redis suite skipped (install redis-server to run it)')
  }
  return false
}

/** A port nothing listens on, as the kernel hands it out. */
export async function freePort (): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  await once(server, 'close')
  return typeof address === 'object' && address !== null ? address.port : 0
}

/**
 * A redis-server for this test file, started unless `started` is false,
 * stopped and removed in teardown.
 */
export async function startRedis (t: Test, started = true): Promise<RedisServer> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'error-envelope-redis-'))
  let child: ChildProcess | undefined
  const kill = (): void => { child?.kill('SIGKILL') }
  process.on('exit', kill)

  const server: RedisServer = {
    port,
    async start () {
      const started = spawn('redis-server', [
        '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
        '--save', '', '--appendonly', 'no', '--loglevel', 'warning'
      ], { stdio: ['ignore', 'pipe', 'pipe'] })
      child = started
      let output = ''
      started.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString() })
      started.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString() })
      await waitForPort(port, () => started.exitCode !== null, () => output)
    },
    async stop () {
      const running = child
      child = undefined
      if (running === undefined || running.exitCode !== null) return
      running.kill('SIGCONT')
      running.kill('SIGTERM')
      await once(running, 'exit')
    },
    pause () { child?.kill('SIGSTOP') },
    resume () { child?.kill('SIGCONT') }
  }
  t.teardown(async () => {
    await server.stop()
    process.off('exit', kill)
    rmSync(dir, { recursive: true, force: true })
  })
  if (started) await server.start()
  return server
}

async function waitForPort (port: number, exited: () => boolean, output: () => string): Promise<void> {
  const deadline = Date.now() + 5000
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`redis-server exited: ${output()}`)
    if (await accepts(port)) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error(`redis-server did not listen on ${port}: ${output()}`)
}

async function accepts (port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => { socket.end(); resolve(true) })
    socket.once('error', () => resolve(false))
  })
}
