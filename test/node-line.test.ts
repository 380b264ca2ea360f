import t from 'tap'

// .ci/run names the Node line each pass of the suite is meant to run on;
// the pass fails if the tests run on another one.
const line = process.env.ERROR_ENVELOPE_NODE_LINE

t.test('runs on the Node line the run asked for', { skip: line === undefined && 'ERROR_ENVELOPE_NODE_LINE is not set' }, async (t) => {
  t.equal(Number(process.versions.node.split('.')[0]), Number(line), `asked for Node ${line}, running ${process.version}`)
})
