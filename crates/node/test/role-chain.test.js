'use strict'
// Role chaining: fromSso of a profile with role_arn and source_profile, through the
// emulator's STS (which verifies the SigV4 signature; AWS_ENDPOINT_URL_STS in its env).

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const { ssokit, freshHome, removeHomes, loginApproved, count } = require('./helpers')

const CHAIN = `
[profile hop]
role_arn = arn:aws:iam::444455556666:role/Deployer
source_profile = dev
role_session_name = node
region = us-east-1

[profile denied]
role_arn = arn:aws:iam::444455556666:role/NoSuchRole
source_profile = dev
`

/** The AccessKeyId of the one ~/.aws/cli/cache entry of that assumed role. */
function cachedAccessKey (env, assumedRoleArn) {
  const dir = path.join(env.HOME, '.aws', 'cli', 'cache')
  const keys = fs.readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')))
    .filter((entry) => entry.AssumedRoleUser && entry.AssumedRoleUser.Arn === assumedRoleArn)
    .map((entry) => entry.Credentials.AccessKeyId)
  assert.equal(keys.length, 1, JSON.stringify(keys))
  return keys[0]
}

let emu
before(async () => { emu = await ssokit.Emulator.start() })
after(async () => {
  await emu.stop()
  removeHomes()
})

test('fromSso resolves a chained profile through AssumeRole, once', async () => {
  const env = freshHome(emu)
  fs.appendFileSync(env.AWS_CONFIG_FILE, CHAIN)
  await loginApproved(emu, env)
  const before = count(emu, 'AssumeRole')
  const provider = ssokit.fromSso({ profile: 'hop', env })
  const [a, b] = await Promise.all([provider(), provider()])
  assert.match(a.accessKeyId, /^ASIA/)
  assert.equal(a.accountId, '444455556666')
  assert.equal(b.accessKeyId, a.accessKeyId)
  assert.equal(count(emu, 'AssumeRole'), before + 1)
  // Exactly the hop's credentials, as its entry in the AWS CLI's cache holds them,
  // not the source profile's.
  assert.equal(a.accessKeyId, cachedAccessKey(env, 'arn:aws:sts::444455556666:assumed-role/Deployer/node'))
  const source = await ssokit.fromSso({ profile: 'dev', env })()
  assert.notEqual(source.accessKeyId, a.accessKeyId)
})

test('an unknown role is ERR_SSOKIT_ACCESS_DENIED', async () => {
  const env = freshHome(emu)
  fs.appendFileSync(env.AWS_CONFIG_FILE, CHAIN)
  await loginApproved(emu, env)
  await assert.rejects(
    ssokit.fromSso({ profile: 'denied', env })(),
    (err) => err.code === 'ERR_SSOKIT_ACCESS_DENIED' && /sts:AssumeRole/.test(err.message)
  )
})
