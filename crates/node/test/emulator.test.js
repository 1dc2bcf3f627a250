'use strict'
// The Emulator's default organisation and profile names are the emulator's own: the
// same as `ssokit demo` and Python's `ssokit.testing.Emulator`.

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')

const { ssokit, loginApproved } = require('./helpers')

// The contract shared by every front-end (crates/emulator/src/home.rs, the CLI's demo
// test, crates/python/tests/test_emulator.py): keep them equal.
const ORGANISATION = [
  { accountId: '111122223333', accountName: 'dev', emailAddress: 'dev@example.com', roles: ['ReadOnly', 'AdministratorAccess'] },
  { accountId: '444455556666', accountName: 'staging', emailAddress: 'staging@example.com', roles: ['ReadOnly', 'Deployer'] },
  { accountId: '777788889999', accountName: 'prod', emailAddress: 'prod@example.com', roles: ['ReadOnly'] }
]
const PROFILES = [
  ['default', '111122223333', 'ReadOnly'],
  ['dev', '111122223333', 'ReadOnly'],
  ['dev-ReadOnly', '111122223333', 'ReadOnly'],
  ['dev-AdministratorAccess', '111122223333', 'AdministratorAccess'],
  ['staging', '444455556666', 'ReadOnly'],
  ['staging-ReadOnly', '444455556666', 'ReadOnly'],
  ['staging-Deployer', '444455556666', 'Deployer'],
  ['prod', '777788889999', 'ReadOnly'],
  ['prod-ReadOnly', '777788889999', 'ReadOnly']
]

let emu
before(async () => { emu = await ssokit.Emulator.start() })
after(async () => { await emu.stop() })

test('the default organisation and its profiles', async () => {
  assert.deepEqual(emu.profiles.map((p) => [p.name, p.accountId, p.roleName]), PROFILES)
  const env = emu.env()
  assert.deepEqual(ssokit.listProfiles({ env }), PROFILES.map(([name]) => name))
  for (const [name, accountId, roleName] of PROFILES) {
    const p = ssokit.resolveProfile({ profile: name, env })
    assert.deepEqual([p.accountId, p.roleName, p.sessionName], [accountId, roleName, 'emulator'], name)
  }
  await loginApproved(emu, env)
  const accounts = await ssokit.listAccounts({ env })
  assert.deepEqual(accounts, ORGANISATION.map(({ roles, ...a }) => a))
  for (const { accountId, roles } of ORGANISATION) {
    const listed = await ssokit.listRoles({ env, accountId })
    // Sorted by role name, whatever order the portal lists them in.
    assert.deepEqual(listed.map((r) => r.roleName), [...roles].sort())
  }
  const c = await ssokit.fromSso({ profile: 'staging-Deployer', env })()
  assert.equal(c.accountId, '444455556666')
})

test('the config and environment come from the emulator', () => {
  const text = fs.readFileSync(emu.configFile, 'utf8')
  assert.ok(text.startsWith(
    '[sso-session emulator]\nsso_start_url = https://d-0000000000.awsapps.com/start\nsso_region = us-east-1\n'
  ), text)
  assert.ok(text.includes('\n[default]\nsso_session = emulator\nsso_account_id = 111122223333\n'), text)
  assert.ok(text.includes('\n[profile staging-Deployer]\n'), text)
  assert.equal(emu.ssoSession, 'emulator')
  const env = emu.env()
  assert.deepEqual(env, {
    HOME: emu.home,
    USERPROFILE: emu.home,
    AWS_CONFIG_FILE: emu.configFile,
    AWS_SHARED_CREDENTIALS_FILE: `${emu.home}/.aws/credentials`,
    AWS_ENDPOINT_URL_SSO: emu.url,
    AWS_ENDPOINT_URL_SSO_OIDC: emu.url,
    AWS_ENDPOINT_URL_SIGNIN: emu.url,
    AWS_ENDPOINT_URL_STS: emu.url
  })
  assert.equal(fs.readFileSync(env.AWS_SHARED_CREDENTIALS_FILE, 'utf8'), '')
})

test('own accounts: sanitized names and default emails', async () => {
  const own = await ssokit.Emulator.start({
    accounts: [
      { id: '123456789012', name: 'My Team (EU)', roles: ['Ops', 'Dev'] },
      { id: '210987654321', name: 'solo', email: 'owner@example.org', roles: ['Admin'] }
    ]
  })
  try {
    assert.deepEqual(own.profiles.map((p) => p.name), ['default', 'My-Team-EU', 'My-Team-EU-Ops', 'My-Team-EU-Dev', 'solo', 'solo-Admin'])
    const env = own.env()
    await loginApproved(own, env)
    const accounts = await ssokit.listAccounts({ env })
    assert.deepEqual(accounts.map((a) => a.emailAddress), ['my-team-eu@example.com', 'owner@example.org'])
  } finally {
    await own.stop()
  }
})
