'use strict'
// Profile resolution through the Node package, against a temporary AWS home.

const { test, after } = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const ssokit = require('..')

const CONFIG = `[profile dev]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = ReadOnly
region = eu-west-1

[profile token-only]
sso_session = my-sso

[profile plain]
region = us-west-2

[sso-session my-sso]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access
`

const homes = []
after(() => {
  for (const home of homes) fs.rmSync(home, { recursive: true, force: true })
})

function awsHome () {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ssokit-node-'))
  homes.push(home)
  fs.mkdirSync(path.join(home, '.aws'))
  fs.writeFileSync(path.join(home, '.aws', 'config'), CONFIG)
  return { HOME: home }
}

test('resolves an sso-session profile', () => {
  const env = awsHome()
  const p = ssokit.resolveProfile({ profile: 'dev', env })
  assert.equal(p.name, 'dev')
  assert.equal(p.sessionName, 'my-sso')
  assert.equal(p.startUrl, 'https://d-1234567890.awsapps.com/start')
  assert.equal(p.ssoRegion, 'us-east-1')
  assert.deepEqual(p.scopes, ['sso:account:access'])
  assert.equal(p.accountId, '111122223333')
  assert.equal(p.roleName, 'ReadOnly')
  assert.equal(p.region, 'eu-west-1')
  assert.equal(p.oidcEndpoint, 'https://oidc.us-east-1.amazonaws.com')
  assert.equal(p.portalEndpoint, 'https://portal.sso.us-east-1.amazonaws.com')
  const key = crypto.createHash('sha1').update('my-sso').digest('hex')
  assert.equal(p.tokenCachePath, path.join(env.HOME, '.aws', 'sso', 'cache', `${key}.json`))
  assert.equal(path.dirname(p.registrationCachePath), path.join(env.HOME, '.aws', 'sso', 'cache'))
  assert.equal(path.dirname(p.roleCachePath), path.join(env.HOME, '.aws', 'cli', 'cache'))
  // The fields of `ssokit profile --json` and Python's SsoProfile, in camelCase.
  assert.deepEqual(Object.keys(p).sort(), [
    'accountId',
    'name',
    'oidcEndpoint',
    'portalEndpoint',
    'region',
    'registrationCachePath',
    'roleCachePath',
    'roleName',
    'scopes',
    'sessionName',
    'ssoRegion',
    'startUrl',
    'tokenCachePath',
    'warnings'
  ])
})

test('token-only profile has no role cache', () => {
  const p = ssokit.resolveProfile({ profile: 'token-only', env: awsHome() })
  assert.equal(p.accountId, undefined)
  assert.equal(p.roleCachePath, undefined)
})

test('AWS_PROFILE selects the profile and endpoint overrides apply', () => {
  const env = { ...awsHome(), AWS_PROFILE: 'dev', AWS_ENDPOINT_URL_SSO_OIDC: 'http://localhost:9000' }
  const p = ssokit.resolveProfile({ env })
  assert.equal(p.name, 'dev')
  assert.equal(p.oidcEndpoint, 'http://localhost:9000')
})

test('lists profiles', () => {
  assert.deepEqual(ssokit.listProfiles({ env: awsHome() }), ['dev', 'token-only', 'plain'])
})

test('errors carry a stable code and an actionable message', () => {
  const env = awsHome()
  assert.throws(() => ssokit.resolveProfile({ profile: 'nope', env }), (err) => {
    assert.ok(err instanceof Error)
    assert.ok(err instanceof ssokit.SsoError)
    assert.equal(err.name, 'SsoError')
    assert.equal(err.code, 'ERR_SSOKIT_CONFIG')
    assert.match(err.message, /nope/)
    return true
  })
  assert.throws(() => ssokit.resolveProfile({ profile: 'plain', env }), { code: 'ERR_SSOKIT_CONFIG' })
  const broken = path.join(env.HOME, 'broken')
  fs.writeFileSync(broken, '[profile a]\nsso_session = s\n[profile b\n')
  assert.throws(() => ssokit.resolveProfile({ profile: 'a', configFile: broken, env }), (err) => {
    assert.equal(err.code, 'ERR_SSOKIT_CONFIG')
    assert.ok(err.message.includes(broken), err.message)
    return true
  })
  assert.throws(() => ssokit.resolveProfile({ profile: 'dev', env: {} }), { code: 'ERR_SSOKIT_CONFIG' })
})

test('AWS_DEFAULT_PROFILE comes after AWS_PROFILE, and a disagreement is said once', async () => {
  const env = awsHome()
  assert.equal(ssokit.resolveProfile({ env: { ...env, AWS_DEFAULT_PROFILE: 'token-only' } }).name, 'token-only')
  const seen = []
  const listener = (w) => { if (w.code === 'SSOKIT_PROFILE_VARIABLES_DIFFER') seen.push(w) }
  process.on('warning', listener)
  try {
    const both = { ...env, AWS_PROFILE: 'dev', AWS_DEFAULT_PROFILE: 'token-only' }
    assert.equal(ssokit.resolveProfile({ env: both }).name, 'dev')
    assert.equal(ssokit.resolveProfile({ env: both }).name, 'dev')
    // process.emitWarning delivers on a later tick: wait for it, 10 s at most.
    const deadline = Date.now() + 10_000
    while (seen.length < 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    await new Promise((resolve) => setImmediate(resolve))
  } finally {
    process.off('warning', listener)
  }
  assert.equal(seen.length, 1)
  assert.match(seen[0].message, /AWS_PROFILE \(dev\) and AWS_DEFAULT_PROFILE \(token-only\)/)
})
