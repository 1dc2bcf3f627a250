#!/usr/bin/env node
'use strict'
// The `ssokit` command of the npm package: runs the native `ssokit` binary (the same
// CLI as the release archive) that the platform package (ssokit-<platform>) ships next
// to the addon, with this process's arguments, standard streams and exit code. It pays
// one Node.js start-up per call: for `credential_process`, point at the binary itself
// (docs/node.md says how to find it).

const { spawnSync } = require('node:child_process')
const { binaryPath } = require('../platform.js')

let binary
try {
  binary = binaryPath()
} catch (err) {
  process.stderr.write(`ssokit: ${err.message}\n`)
  process.exit(127)
}

const result = spawnSync(binary, process.argv.slice(2), { stdio: 'inherit', windowsHide: true })
if (result.error) {
  process.stderr.write(`ssokit: cannot run ${binary}: ${result.error.message}\n`)
  process.exit(127)
}
if (result.signal) {
  // End as the binary did, so that a shell sees the same signal.
  process.kill(process.pid, result.signal)
}
process.exit(result.status ?? 1)
