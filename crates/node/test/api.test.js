'use strict'
// getToken, status, listAccounts, listRoles, logout and the Emulator class.

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

test('getToken returns a TokenIdentity from the cache', async () => {
  const env = freshHome(emu)
  const { tokenFile } = await loginApproved(emu, env)
  const identity = await ssokit.getToken({ env })
  assert.deepEqual(Object.keys(identity).sort(), ['expiration', 'token'])
  assert.equal(identity.token, JSON.parse(fs.readFileSync(tokenFile, 'utf8')).accessToken)
  assert.ok(identity.expiration instanceof Date)
  const bySession = await ssokit.getToken({ env, ssoSession: 'emulator' })
  assert.equal(bySession.token, identity.token)
})

test('getToken refreshes a token about to expire', async () => {
  const short = await ssokit.Emulator.start({ tokenLifetimeSeconds: 600 })
  try {
    const env = freshHome(short)
    await loginApproved(short, env)
    const before = (await ssokit.status({ env }))[0].expiresAt
    const { expiration } = await ssokit.getToken({ env })
    assert.ok(expiration > before)
    assert.ok(short.requestLog().some((r) => r.operation === 'CreateToken' && r.detail === 'refresh_token'))
  } finally {
    await short.stop()
  }
})

test('getToken without a login is ERR_SSOKIT_NOT_LOGGED_IN', async () => {
  await assert.rejects(ssokit.getToken({ env: freshHome(emu) }), { code: 'ERR_SSOKIT_NOT_LOGGED_IN' })
})

test('status reports every session, logged in or not', async () => {
  const env = freshHome(emu)
  let [s] = await ssokit.status({ env })
  assert.equal(s.ssoSession, 'emulator')
  assert.equal(s.loggedIn, false)
  assert.equal(s.expiresAt, undefined)
  assert.ok(s.profiles.includes('default') && s.profiles.includes('dev-ReadOnly'))
  await loginApproved(emu, env)
  ;[s] = await ssokit.status({ env })
  assert.equal(s.loggedIn, true)
  assert.equal(s.refreshable, true)
  assert.ok(s.expiresInSeconds > 3000)
  assert.ok(s.expiresAt instanceof Date)
  assert.ok(s.tokenFile.startsWith(env.HOME))
})

test('status with a broken config is ERR_SSOKIT_CONFIG', async () => {
  const env = freshHome(emu)
  fs.writeFileSync(env.AWS_CONFIG_FILE, '[profile broken\n')
  await assert.rejects(ssokit.status({ env }), { name: 'SsoError', code: 'ERR_SSOKIT_CONFIG' })
})

test('listAccounts and listRoles mirror the CLI', async () => {
  const env = freshHome(emu)
  await loginApproved(emu, env)
  const accounts = await ssokit.listAccounts({ env })
  assert.deepEqual(accounts.map((a) => a.accountId), ['111122223333', '444455556666', '777788889999'])
  assert.equal(accounts[0].accountName, 'dev')
  assert.equal(accounts[0].emailAddress, 'dev@example.com')
  // One account: sorted by role name (the emulator lists ReadOnly first); no name.
  const roles = await ssokit.listRoles({ env, accountId: '444455556666' })
  assert.deepEqual(roles.map((r) => [r.accountId, r.accountName, r.roleName]), [
    ['444455556666', undefined, 'Deployer'],
    ['444455556666', undefined, 'ReadOnly']
  ])
  // Every account: sorted by account id, then role name, with the account names.
  const all = await ssokit.listRoles({ env })
  assert.deepEqual(all.map((r) => `${r.accountId} ${r.accountName} ${r.roleName}`), [
    '111122223333 dev AdministratorAccess',
    '111122223333 dev ReadOnly',
    '444455556666 staging Deployer',
    '444455556666 staging ReadOnly',
    '777788889999 prod ReadOnly'
  ])
})

test('listAccounts without a login is ERR_SSOKIT_NOT_LOGGED_IN', async () => {
  await assert.rejects(ssokit.listAccounts({ env: freshHome(emu) }), { code: 'ERR_SSOKIT_NOT_LOGGED_IN' })
})

test('logout of one session removes its token and role credentials', async () => {
  const env = freshHome(emu)
  const { tokenFile } = await loginApproved(emu, env)
  await ssokit.fromSso({ env })()
  const before = count(emu, 'Logout')
  const report = await ssokit.logout({ env, profile: 'default' })
  assert.deepEqual(report.tokensRemoved, [tokenFile])
  assert.equal(report.roleCredentialsRemoved.length, 1)
  assert.equal(report.revokeFailures, 0)
  assert.equal(count(emu, 'Logout'), before + 1)
  assert.equal(fs.existsSync(tokenFile), false)
  await assert.rejects(ssokit.getToken({ env }), { code: 'ERR_SSOKIT_NOT_LOGGED_IN' })
})

test('logout without a target logs out of everything', async () => {
  const env = freshHome(emu)
  await loginApproved(emu, env)
  const report = await ssokit.logout({ env })
  assert.equal(report.tokensRemoved.length, 1)
  const again = await ssokit.logout({ env })
  assert.deepEqual(again, { tokensRemoved: [], roleCredentialsRemoved: [], revokeFailures: 0 })
})

test('the emulator: endpoints, temporary home, request log, faults, errors, stop', async () => {
  const own = await ssokit.Emulator.start({
    accounts: [{ id: '123456789012', name: 'Solo', roles: ['Dev', 'Ops'] }],
    autoApproveAfterPolls: 0
  })
  const home = own.home
  assert.match(own.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  assert.equal(own.verificationUri, `${own.url}/device`)
  const env = own.env()
  assert.equal(env.AWS_ENDPOINT_URL_SSO_OIDC, own.url)
  assert.equal(env.AWS_ENDPOINT_URL_SSO, own.url)
  assert.equal(env.HOME, home)
  assert.equal(env.AWS_CONFIG_FILE, own.configFile)
  assert.deepEqual(ssokit.listProfiles({ env }), ['default', 'Solo', 'Solo-Dev', 'Solo-Ops'])
  assert.deepEqual(own.profiles.map((p) => p.name), ssokit.listProfiles({ env }))
  assert.deepEqual(own.profiles[3], { name: 'Solo-Ops', accountId: '123456789012', roleName: 'Ops' })
  assert.equal(own.ssoSession, 'emulator')
  assert.equal(ssokit.resolveProfile({ env }).roleName, 'Dev')

  await ssokit.login({ env, timeout: 60000, openBrowser: false, onPrompt: () => {} }) // auto-approved
  assert.deepEqual(own.pendingUserCodes(), [])
  const log = own.requestLog()
  assert.deepEqual(log.map((r) => r.operation), ['RegisterClient', 'StartDeviceAuthorization', 'CreateToken'])
  assert.equal(log[2].status, 200)
  own.clearRequestLog()
  assert.deepEqual(own.requestLog(), [])

  own.setAutoApprove(null)
  const pending = ssokit.login({ env, timeout: 60000, openBrowser: false, onPrompt: () => {} })
  await new Promise((resolve) => setTimeout(resolve, 200))
  const [code] = own.pendingUserCodes()
  own.approve(code)
  await pending
  assert.throws(() => own.approve(code), { name: 'SsoError', code: 'ERR_SSOKIT_EMULATOR' })
  assert.throws(() => own.injectFault({ kind: 'nope' }), { code: 'ERR_SSOKIT_EMULATOR' })
  assert.throws(() => own.injectFault({ kind: 'fail', operation: 'Nope' }), { code: 'ERR_SSOKIT_EMULATOR' })

  own.injectFault({ kind: 'fail', operation: 'ListAccounts', status: 400 })
  await assert.rejects(ssokit.listAccounts({ env }), { code: 'ERR_SSOKIT_SERVICE' })
  assert.equal(own.requestLog().at(-1).status, 400)
  // The portal's 401/403 means the session has ended, for listings as for credentials.
  own.injectFault({ kind: 'fail', operation: 'ListAccounts', status: 403 })
  await assert.rejects(ssokit.listAccounts({ env }), { code: 'ERR_SSOKIT_SESSION_EXPIRED' })

  assert.equal(own.revokeAllSessions(), 2)
  await own.stop()
  await own.stop()
  assert.equal(fs.existsSync(home), false)
  await assert.rejects(ssokit.Emulator.start({ pollIntervalSeconds: 0 }), { name: 'SsoError', code: 'ERR_SSOKIT_EMULATOR' })
  assert.throws(() => new ssokit.Emulator(), TypeError)
})

test('the emulator without a temporary home', async () => {
  const bare = await ssokit.Emulator.start({ home: false })
  try {
    assert.equal(bare.home, undefined)
    assert.equal(bare.configFile, undefined)
    assert.equal(bare.ssoSession, undefined)
    assert.equal(bare.profiles[0].name, 'default') // the names a home would have
    assert.deepEqual(Object.keys(bare.env()).sort(), ['AWS_ENDPOINT_URL_SIGNIN', 'AWS_ENDPOINT_URL_SSO', 'AWS_ENDPOINT_URL_SSO_OIDC', 'AWS_ENDPOINT_URL_STS'])
  } finally {
    await bare.stop()
  }
})

test('version is the crate version', () => {
  assert.equal(ssokit.version(), require('../package.json').version)
})
