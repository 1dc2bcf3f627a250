'use strict'
// The one table from the core's error kinds to `err.code`: every error is built on the
// native side as an SsoError with its code and remedy set; nothing parses a message.

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')

const { ssokit, freshHome, removeHomes } = require('./helpers')
const native = require('../index.js')

const CODES = {
  not_logged_in: 'ERR_SSOKIT_NOT_LOGGED_IN',
  session_expired: 'ERR_SSOKIT_SESSION_EXPIRED',
  access_denied: 'ERR_SSOKIT_ACCESS_DENIED',
  login_timeout: 'ERR_SSOKIT_LOGIN_TIMEOUT',
  cancelled: 'ERR_SSOKIT_ABORTED',
  config: 'ERR_SSOKIT_CONFIG',
  cache: 'ERR_SSOKIT_CACHE',
  service: 'ERR_SSOKIT_SERVICE',
  network: 'ERR_SSOKIT_NETWORK',
  usage: 'ERR_SSOKIT_USAGE',
  internal: 'ERR_SSOKIT_INTERNAL'
}

let emu
before(async () => { emu = await ssokit.Emulator.start() })
after(async () => {
  await emu.stop()
  removeHomes()
})

for (const [kind, code] of Object.entries(CODES)) {
  test(`the ${kind} kind is ${code}, an SsoError built natively`, () => {
    assert.throws(() => native._exampleError(kind), (err) => {
      assert.ok(err instanceof ssokit.SsoError)
      assert.equal(err.name, 'SsoError')
      assert.equal(err.code, code)
      assert.equal(err.kind, kind)
      // No code travels in the message, and no other front-end's command is named.
      assert.doesNotMatch(err.message, /^ERR_SSOKIT/)
      assert.doesNotMatch(err.message, /ssokit login|--profile|ssokit\.login\(/)
      return true
    })
  })
}

test('login remedies are JavaScript calls, also on the error object', () => {
  assert.throws(() => native._exampleError('not_logged_in'), (err) => {
    assert.equal(err.remedy, "call await login({ profile: 'dev' })")
    assert.ok(err.message.endsWith("; call await login({ profile: 'dev' })"), err.message)
    assert.equal(err.profile, 'dev')
    assert.equal(err.ssoSession, undefined)
    return true
  })
  assert.throws(() => native._exampleError('service'), (err) => {
    assert.equal(err.serviceCode, 'TooManyRequestsException')
    assert.equal(err.httpStatus, 429)
    assert.equal(err.remedy, undefined)
    return true
  })
})

test('a promise rejects with the native SsoError: code and remedy set, no message prefix', async () => {
  const env = freshHome(emu)
  await assert.rejects(ssokit.listAccounts({ profile: 'dev', env }), (err) => {
    assert.ok(err instanceof ssokit.SsoError)
    assert.equal(err.code, 'ERR_SSOKIT_NOT_LOGGED_IN')
    assert.equal(err.kind, 'not_logged_in')
    assert.equal(err.remedy, "call await login({ profile: 'dev' })")
    assert.doesNotMatch(err.message, /^ERR_SSOKIT|ssokit login/)
    return true
  })
})

test('a missing profile says how to choose another, in JavaScript', () => {
  assert.throws(() => ssokit.resolveProfile({ profile: 'nope', env: freshHome(emu) }), (err) => {
    assert.equal(err.code, 'ERR_SSOKIT_CONFIG')
    assert.match(err.message, /or pass another profile \(\{ profile: '…' \}\) or set AWS_PROFILE$/)
    assert.doesNotMatch(err.message, /--profile/)
    return true
  })
})

test('a profile and an sso-session together are ERR_SSOKIT_USAGE, from the core', async () => {
  const env = freshHome(emu)
  for (const call of [ssokit.getToken, ssokit.logout, ssokit.listAccounts]) {
    await assert.rejects(call({ profile: 'dev', ssoSession: 'emulator', env }), (err) => {
      assert.equal(err.code, 'ERR_SSOKIT_USAGE')
      assert.match(err.message, /both a profile \("dev"\) and an sso-session \("emulator"\)/)
      return true
    })
  }
})

test('an emulator error carries its own code', () => {
  assert.throws(() => emu.approve('NOPE-NOPE'), { name: 'SsoError', code: 'ERR_SSOKIT_EMULATOR' })
})

test('each JavaScript environment has its own SsoError class: a worker thread gets instances of its own', async () => {
  const { Worker } = require('node:worker_threads')
  const path = require('node:path')
  const entry = path.join(__dirname, '..', 'ssokit.js')
  const script = `
    const { parentPort } = require('node:worker_threads')
    const ssokit = require(${JSON.stringify(entry)})
    const native = require(${JSON.stringify(path.join(__dirname, '..', 'index.js'))})
    try {
      native._exampleError('not_logged_in')
      parentPort.postMessage({ threw: false })
    } catch (err) {
      parentPort.postMessage({
        threw: true,
        ownClass: err instanceof ssokit.SsoError,
        name: err.name,
        code: err.code,
        kind: err.kind
      })
    }
  `
  const worker = new Worker(script, { eval: true })
  const reply = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the worker did not answer within 60 s')), 60000)
    worker.once('message', (m) => { clearTimeout(timer); resolve(m) })
    worker.once('error', (e) => { clearTimeout(timer); reject(e) })
  })
  await worker.terminate()
  assert.deepEqual(reply, {
    threw: true,
    ownClass: true,
    name: 'SsoError',
    code: 'ERR_SSOKIT_NOT_LOGGED_IN',
    kind: 'not_logged_in'
  })
  // And the main thread's class is still this thread's own.
  assert.throws(() => native._exampleError('usage'), (err) => err instanceof ssokit.SsoError && err.code === 'ERR_SSOKIT_USAGE')
})
