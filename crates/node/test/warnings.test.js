'use strict'
// Warnings from the core (unsafe cache permissions) arrive as process warnings with
// the code SSOKIT_UNSAFE_PERMISSIONS, once per path.

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const { ssokit, freshHome, removeHomes, loginApproved } = require('./helpers')

const CODE = 'SSOKIT_UNSAFE_PERMISSIONS'
const unix = process.platform !== 'win32'

let emu
before(async () => { emu = await ssokit.Emulator.start() })
after(async () => {
  await emu.stop()
  removeHomes()
})

// Collects this code's warnings while `body` runs, then waits (up to a deadline) for
// at least `atLeast` of them, and lets every pending warning event fire.
async function warningsDuring (body, atLeast) {
  const seen = []
  const listener = (w) => { if (w.code === CODE) seen.push(w) }
  process.on('warning', listener)
  try {
    await body()
    const deadline = Date.now() + 10_000
    while (seen.length < atLeast && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    await new Promise((resolve) => setImmediate(resolve))
    return seen
  } finally {
    process.off('warning', listener)
  }
}

test('a world-writable token cache directory warns once', { skip: !unix }, async () => {
  const env = freshHome(emu)
  const { tokenFile } = await loginApproved(emu, env)
  const dir = path.dirname(tokenFile)
  const quiet = await warningsDuring(() => ssokit.getToken({ env }), 0)
  assert.deepEqual(quiet, [], 'private caches: no warning')

  fs.chmodSync(dir, 0o777)
  const seen = await warningsDuring(async () => {
    await ssokit.getToken({ env })
    await ssokit.status({ env })
    await ssokit.getToken({ env })
  }, 1)
  assert.equal(seen.length, 1, seen.map((w) => w.message).join('\n'))
  const [w] = seen
  assert.equal(w.path, dir)
  assert.equal(w.name, 'Warning')
  assert.match(w.message, /mode 0777/)
  assert.ok(w.message.includes(dir), w.message)
  assert.ok(w.message.includes(`chmod 700 ${dir}`), w.message)
  assert.equal(fs.statSync(dir).mode & 0o777, 0o777, 'ssokit warns, it does not chmod')
})

test('a 0666 role-credentials file warns once, through fromSso', { skip: !unix }, async () => {
  const env = freshHome(emu)
  await loginApproved(emu, env)
  const first = await ssokit.fromSso({ env })()
  const cliCache = path.join(env.HOME, '.aws', 'cli', 'cache')
  const files = fs.readdirSync(cliCache).filter((f) => f.endsWith('.json'))
  assert.equal(files.length, 1, files.join(', '))
  const roleFile = path.join(cliCache, files[0])
  fs.chmodSync(roleFile, 0o666)
  const seen = await warningsDuring(async () => {
    const again = await ssokit.fromSso({ env })()
    assert.equal(again.accessKeyId, first.accessKeyId)
  }, 1)
  assert.equal(seen.length, 1, seen.map((w) => w.message).join('\n'))
  assert.equal(seen[0].path, roleFile)
  assert.match(seen[0].message, /mode 0666/)
  assert.ok(seen[0].message.includes(`chmod 600 ${roleFile}`), seen[0].message)
  assert.ok(!seen[0].message.includes(first.secretAccessKey))
})
