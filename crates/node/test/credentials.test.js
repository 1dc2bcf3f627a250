'use strict'
// fromSso: the AWS SDK credentials provider — plain objects, memoization, one request
// for concurrent callers, error codes, automatic login.

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')

const { ssokit, freshHome, removeHomes, loginApproved, count } = require('./helpers')

let emu
before(async () => { emu = await ssokit.Emulator.start() })
after(async () => {
  await emu.stop()
  removeHomes()
})

test('returns plain credentials objects with enumerable fields', async () => {
  const env = freshHome(emu)
  await loginApproved(emu, env)
  const provider = ssokit.fromSso({ profile: 'dev-ReadOnly', env })
  assert.equal(typeof provider, 'function')
  const c = await provider()
  assert.equal(Object.getPrototypeOf(c), Object.prototype)
  assert.deepEqual(Object.keys(c).sort(), ['accessKeyId', 'accountId', 'expiration', 'secretAccessKey', 'sessionToken'])
  assert.match(c.accessKeyId, /^ASIA/)
  assert.ok(c.secretAccessKey.length > 20 && c.sessionToken.length > 20)
  assert.ok(c.expiration instanceof Date && c.expiration > new Date(Date.now() + 15 * 60 * 1000))
  assert.equal(c.accountId, '111122223333')
  assert.deepEqual({ ...c }, c) // the SDK copies them
})

test('100 concurrent calls of one provider make one GetRoleCredentials call', async () => {
  const env = freshHome(emu)
  await loginApproved(emu, env)
  const before = count(emu, 'GetRoleCredentials')
  const provider = ssokit.fromSso({ env })
  const all = await Promise.all(Array.from({ length: 100 }, () => provider()))
  assert.equal(count(emu, 'GetRoleCredentials'), before + 1)
  assert.equal(new Set(all.map((c) => c.accessKeyId)).size, 1)
  // Memoized: later calls make no request either.
  for (let i = 0; i < 10; i++) await provider()
  assert.equal(count(emu, 'GetRoleCredentials'), before + 1)
})

test('credentials are shared through the AWS CLI cache between providers', async () => {
  const env = freshHome(emu)
  await loginApproved(emu, env)
  const before = count(emu, 'GetRoleCredentials')
  const first = await ssokit.fromSso({ profile: 'staging-Deployer', env })()
  const second = await ssokit.fromSso({ profile: 'staging-Deployer', env })()
  assert.equal(first.accessKeyId, second.accessKeyId)
  assert.equal(count(emu, 'GetRoleCredentials'), before + 1)
})

test('short-lived credentials are refreshed 15 minutes before expiry', async () => {
  const short = await ssokit.Emulator.start({ credentialsLifetimeSeconds: 600 })
  try {
    const env = freshHome(short)
    await loginApproved(short, env)
    const provider = ssokit.fromSso({ env })
    const a = await provider()
    const b = await provider()
    assert.notEqual(a.accessKeyId, b.accessKeyId)
    assert.equal(count(short, 'GetRoleCredentials'), 2)
  } finally {
    await short.stop()
  }
})

test('memoized calls are answered synchronously from memory, with a new object each', async () => {
  const env = freshHome(emu)
  await loginApproved(emu, env)
  const provider = ssokit.fromSso({ env })
  const first = await provider()
  const before = count(emu, 'GetRoleCredentials')
  const pending = provider()
  assert.ok(pending instanceof Promise)
  const second = await pending
  assert.notEqual(second, first)
  assert.deepEqual(second, first)
  assert.notEqual(second.expiration, first.expiration)
  second.accessKeyId = 'changed'
  second.expiration.setTime(0)
  const third = await provider()
  assert.equal(third.accessKeyId, first.accessKeyId)
  assert.deepEqual(third.expiration, first.expiration)
  for (let i = 0; i < 1000; i++) await provider()
  assert.equal(count(emu, 'GetRoleCredentials'), before)
})

test('the native provider\'s cached() is null until credentials are in memory', async () => {
  const native = require('../index.js')
  const env = freshHome(emu)
  await loginApproved(emu, env)
  const provider = native.credentialsProvider({ env })
  assert.equal(provider.cached(), null)
  const fetched = await provider.credentials()
  const cached = provider.cached()
  assert.deepEqual(cached, fetched)
  assert.equal(Object.getPrototypeOf(cached), Object.prototype)
  // The instant fromSso compares with Date.now(), computed by the core: its refresh
  // window (15 minutes) before the expiration.
  assert.ok(cached.freshUntil instanceof Date)
  assert.equal(cached.expiration.getTime() - cached.freshUntil.getTime(), 15 * 60 * 1000)
})

test('credentials with just over 15 minutes left are memoized', async () => {
  const short = await ssokit.Emulator.start({ credentialsLifetimeSeconds: 16 * 60 })
  try {
    const env = freshHome(short)
    await loginApproved(short, env)
    const provider = ssokit.fromSso({ env })
    const a = await provider()
    const b = await provider()
    assert.equal(a.accessKeyId, b.accessKeyId)
    assert.equal(count(short, 'GetRoleCredentials'), 1)
  } finally {
    await short.stop()
  }
})

test('not logged in is ERR_SSOKIT_NOT_LOGGED_IN, raised lazily', async () => {
  const env = freshHome(emu)
  const provider = ssokit.fromSso({ env })
  await assert.rejects(provider(), (err) => {
    assert.ok(err instanceof ssokit.SsoError)
    assert.equal(err.code, 'ERR_SSOKIT_NOT_LOGGED_IN')
    assert.match(err.message, /call await login\(\{ profile: 'default' \}\)$/)
    assert.equal(err.profile, 'default')
    return true
  })
})

test('an unknown profile is ERR_SSOKIT_CONFIG when the provider is called', async () => {
  const provider = ssokit.fromSso({ profile: 'nope', env: freshHome(emu) })
  await assert.rejects(provider(), { name: 'SsoError', code: 'ERR_SSOKIT_CONFIG', message: /nope/ })
})

test('a revoked session is ERR_SSOKIT_SESSION_EXPIRED, with no secret in the message', async () => {
  const env = freshHome(emu)
  const { tokenFile } = await loginApproved(emu, env)
  const token = JSON.parse(fs.readFileSync(tokenFile, 'utf8'))
  emu.revokeAllSessions()
  await assert.rejects(ssokit.fromSso({ profile: 'dev-AdministratorAccess', env })(), (err) => {
    assert.equal(err.code, 'ERR_SSOKIT_SESSION_EXPIRED')
    assert.match(err.message, /call await login\(\{ profile: 'dev-AdministratorAccess' \}\)$/)
    for (const secret of [token.accessToken, token.refreshToken, token.clientSecret]) {
      assert.equal(err.message.includes(secret), false)
      assert.equal(String(err.stack).includes(secret), false)
    }
    return true
  })
})

test('a revoked session is ERR_SSOKIT_SESSION_EXPIRED for listings too', async () => {
  const env = freshHome(emu)
  await loginApproved(emu, env)
  emu.revokeAllSessions()
  await assert.rejects(ssokit.listAccounts({ env }), { name: 'SsoError', code: 'ERR_SSOKIT_SESSION_EXPIRED' })
  await assert.rejects(ssokit.listRoles({ env }), { name: 'SsoError', code: 'ERR_SSOKIT_SESSION_EXPIRED' })
})

test('a failing portal is ERR_SSOKIT_SERVICE', async () => {
  const env = freshHome(emu)
  await loginApproved(emu, env)
  emu.injectFault({ kind: 'fail', operation: 'GetRoleCredentials', status: 400, times: 1 })
  try {
    await assert.rejects(ssokit.fromSso({ env })(), { name: 'SsoError', code: 'ERR_SSOKIT_SERVICE' })
  } finally {
    emu.clearFaults()
  }
})

test('a throttled call is not repeated within its back-off: the next caller gets its error at once', async () => {
  const env = freshHome(emu)
  await loginApproved(emu, env)
  emu.injectFault({ kind: 'fail', operation: 'GetRoleCredentials', status: 429, times: 1000 })
  try {
    await assert.rejects(ssokit.fromSso({ env })(), { name: 'SsoError', code: 'ERR_SSOKIT_SERVICE' })
    const calls = count(emu, 'GetRoleCredentials')
    await assert.rejects(ssokit.fromSso({ env })(), {
      name: 'SsoError',
      code: 'ERR_SSOKIT_SERVICE',
      message: /the last attempt, by process \d+, failed/
    })
    assert.equal(count(emu, 'GetRoleCredentials'), calls)
  } finally {
    emu.clearFaults()
  }
})

test('autoLogin logs in when there is no token', async () => {
  const env = freshHome(emu)
  const prompts = []
  const provider = ssokit.fromSso({
    env,
    autoLogin: true,
    openBrowser: false,
    onPrompt: (p) => {
      prompts.push(p.userCode)
      emu.approve(p.userCode)
    }
  })
  const [a, b] = await Promise.all([provider(), provider()])
  assert.equal(prompts.length, 1)
  assert.equal(a.accessKeyId, b.accessKeyId)
  assert.equal(ssokit.resolveProfile({ env }).accountId, a.accountId)
})
