// The files whose coverage tap checks, whatever a test loads: the package's
// sources. Tests that run the built package (dist/), the examples or a
// fixture server in a child process do not count towards it.
export default function coverageMap () {
  return ['index.ts', 'express.ts', 'client.ts', 'check.ts', 'cli.ts', 'lib/**/*.ts']
}
