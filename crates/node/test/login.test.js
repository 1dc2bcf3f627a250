'use strict'
// login: the device-code flow against the embedded emulator, its prompt, errors,
// abort, and the event loop running while it waits.

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

test('logs in and writes the token where the AWS CLI reads it', async () => {
  const env = freshHome(emu)
  const prompts = []
  const result = await ssokit.login({
    timeout: 60000,
    env,
    openBrowser: false,
    onPrompt: (p) => {
      prompts.push(p)
      emu.approve(p.userCode)
    }
  })
  assert.equal(prompts.length, 1)
  const [p] = prompts
  assert.equal(p.verificationUri, emu.verificationUri)
  assert.match(p.verificationUriComplete, new RegExp(`user_code=${p.userCode}`))
  assert.match(p.userCode, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/)
  assert.ok(p.expiresAt instanceof Date && p.expiresAt > new Date())
  assert.equal(result.ssoSession, 'emulator')
  assert.equal(result.startUrl, 'https://d-0000000000.awsapps.com/start')
  assert.equal(result.ssoRegion, 'us-east-1')
  assert.ok(result.expiration instanceof Date && result.expiration > new Date())
  assert.ok(result.tokenFile.startsWith(env.HOME))
  const cached = JSON.parse(fs.readFileSync(result.tokenFile, 'utf8'))
  assert.equal(cached.startUrl, result.startUrl)
  assert.ok(cached.accessToken && cached.refreshToken)
  assert.equal(Object.values(result).some((v) => v === cached.accessToken), false)
})

test('the event loop keeps running while the login waits', async () => {
  const env = freshHome(emu)
  let ticks = 0
  const timer = setInterval(() => { ticks++ }, 20)
  let ticksAtPrompt
  try {
    await ssokit.login({
      timeout: 60000,
      env,
      openBrowser: false,
      onPrompt: (p) => {
        ticksAtPrompt = ticks
        // Approve only after timers fired while the login was polling.
        setTimeout(() => emu.approve(p.userCode), 300)
      }
    })
  } finally {
    clearInterval(timer)
  }
  assert.ok(ticks - ticksAtPrompt >= 5, `only ${ticks - ticksAtPrompt} timer ticks during the wait`)
})

test('an AbortSignal aborts a waiting login', async () => {
  const env = freshHome(emu)
  const controller = new AbortController()
  await assert.rejects(
    ssokit.login({
      env,
      openBrowser: false,
      // Anything but the abort would end this login with another error.
      timeout: 30000,
      signal: controller.signal,
      onPrompt: () => setTimeout(() => controller.abort(new Error('user gave up')), 50)
    }),
    (err) => {
      assert.ok(err instanceof ssokit.SsoError)
      assert.ok(err instanceof Error)
      assert.equal(err.name, 'SsoError')
      assert.equal(err.code, 'ERR_SSOKIT_ABORTED')
      assert.equal(err.cause.message, 'user gave up')
      // The core's own cancelled error, built natively, with what it was for.
      assert.equal(err.kind, 'cancelled')
      assert.equal(err.profile, 'default')
      return true
    }
  )
  assert.equal(fs.existsSync(ssokit.resolveProfile({ env }).tokenCachePath), false)
})

test('an already aborted signal rejects at once', async () => {
  const env = freshHome(emu)
  const before = emu.requestLog().length
  await assert.rejects(
    ssokit.login({ env, timeout: 60000, openBrowser: false, signal: AbortSignal.abort() }),
    { name: 'SsoError', code: 'ERR_SSOKIT_ABORTED' }
  )
  assert.equal(emu.requestLog().length, before)
})

test('a denied login is ERR_SSOKIT_ACCESS_DENIED', async () => {
  const env = freshHome(emu)
  await assert.rejects(
    ssokit.login({ env, timeout: 60000, openBrowser: false, onPrompt: (p) => emu.deny(p.userCode) }),
    (err) => {
      assert.equal(err.code, 'ERR_SSOKIT_ACCESS_DENIED')
      assert.match(err.message, /denied/)
      return true
    }
  )
})

test('a login not approved in time is ERR_SSOKIT_LOGIN_TIMEOUT', async () => {
  const env = freshHome(emu)
  await assert.rejects(
    ssokit.login({ env, openBrowser: false, timeout: 500, onPrompt: () => {} }),
    { name: 'SsoError', code: 'ERR_SSOKIT_LOGIN_TIMEOUT' }
  )
})

test('an invalid timeout is ERR_SSOKIT_USAGE', async () => {
  const env = freshHome(emu)
  await assert.rejects(
    ssokit.login({ env, openBrowser: false, timeout: -1 }),
    { code: 'ERR_SSOKIT_USAGE', kind: 'usage', message: /timeout/ }
  )
})

test('an onPrompt that throws ends the login with its error', async () => {
  const env = freshHome(emu)
  const boom = new Error('no terminal')
  await assert.rejects(
    ssokit.login({ env, timeout: 60000, openBrowser: false, onPrompt: () => { throw boom } }),
    (err) => err === boom
  )
})

test('force: false keeps a valid token; the default logs in again', async () => {
  const env = freshHome(emu)
  await loginApproved(emu, env)
  const before = count(emu, 'StartDeviceAuthorization')
  await ssokit.login({ env, timeout: 60000, openBrowser: false, force: false, onPrompt: assert.fail })
  assert.equal(count(emu, 'StartDeviceAuthorization'), before)
  await loginApproved(emu, env)
  assert.equal(count(emu, 'StartDeviceAuthorization'), before + 1)
})

test('a profile that does not exist is ERR_SSOKIT_CONFIG', async () => {
  const env = freshHome(emu)
  await assert.rejects(
    ssokit.login({ env, timeout: 60000, profile: 'nope', openBrowser: false }),
    (err) => {
      assert.equal(err.code, 'ERR_SSOKIT_CONFIG')
      assert.match(err.message, /nope/)
      assert.doesNotMatch(err.message, /^ERR_SSOKIT/)
      return true
    }
  )
})

test('an unreachable Identity Center is ERR_SSOKIT_NETWORK', async () => {
  const env = { ...freshHome(emu), AWS_ENDPOINT_URL_SSO_OIDC: 'http://127.0.0.1:9' }
  await assert.rejects(
    ssokit.login({ env, timeout: 60000, openBrowser: false }),
    { name: 'SsoError', code: 'ERR_SSOKIT_NETWORK', kind: 'network' }
  )
})
