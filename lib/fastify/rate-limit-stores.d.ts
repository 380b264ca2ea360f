// @fastify/rate-limit ships no types for its store files; this is the part
// of store/LocalStore.js and store/RedisStore.js (v11.2) that error-envelope
// calls.
declare module '@fastify/rate-limit/store/LocalStore.js' {
  type Callback = (error: Error | null, result?: { current: number, ttl: number }) => void
  class LocalStore {
    constructor (continueExceeding: boolean, exponentialBackoff: boolean, cache?: number)
    incr (key: string, callback: Callback, timeWindow: number, max: number): void
    child (routeOptions: object): LocalStore
  }
  export default LocalStore
}

declare module '@fastify/rate-limit/store/RedisStore.js' {
  type Callback = (error: Error | null, result: { current: number, ttl: number } | null) => void
  class RedisStore {
    constructor (continueExceeding: boolean, exponentialBackoff: boolean, redis: unknown, key?: string)
    incr (key: string, callback: Callback, timeWindow: number, max: number): void
    read (key: string, callback: Callback): void
  }
  export default RedisStore
}
