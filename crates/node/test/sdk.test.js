'use strict'
// The real AWS SDK for JavaScript v3 on both sides: a client signing with fromSso's
// credentials, and @aws-sdk/credential-provider-sso reading the token ssokit wrote.

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const path = require('node:path')
const { execFile } = require('node:child_process')
const { promisify } = require('node:util')

const { STSClient, GetCallerIdentityCommand } = require('@aws-sdk/client-sts')

const { ssokit, freshHome, removeHomes, loginApproved, count } = require('./helpers')

let emu
before(async () => { emu = await ssokit.Emulator.start() })
after(async () => {
  await emu.stop()
  removeHomes()
})

// A local STS that answers GetCallerIdentity and records the request headers.
async function fakeSts () {
  const requests = []
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => { body += chunk })
    req.on('end', () => {
      requests.push({ headers: req.headers, body })
      res.writeHead(200, { 'content-type': 'text/xml' })
      res.end(`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:sts::111122223333:assumed-role/ReadOnly/ssokit</Arn>
    <UserId>AROAEXAMPLE:ssokit</UserId>
    <Account>111122223333</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`)
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, requests, url: `http://127.0.0.1:${server.address().port}` }
}

test('an AWS SDK v3 client signs requests with fromSso credentials', async () => {
  const env = freshHome(emu)
  await loginApproved(emu, env)
  const sts = await fakeSts()
  try {
    const credentials = ssokit.fromSso({ profile: 'dev-ReadOnly', env })
    const client = new STSClient({ region: 'eu-west-1', endpoint: sts.url, credentials, maxAttempts: 1 })
    const identity = await client.send(new GetCallerIdentityCommand({}))
    assert.equal(identity.Account, '111122223333')
    const expected = await credentials()
    const [request] = sts.requests
    const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/eu-west-1\/sts\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/
      .exec(request.headers.authorization)
    assert.ok(match, request.headers.authorization)
    assert.equal(match[1], expected.accessKeyId)
    assert.equal(request.headers['x-amz-security-token'], expected.sessionToken)
    assert.match(request.body, /Action=GetCallerIdentity/)
    client.destroy()
  } finally {
    sts.server.close()
  }
})

test("@aws-sdk/credential-provider-sso resolves the profile from ssokit's token", async () => {
  const env = freshHome(emu)
  await loginApproved(emu, env)
  const before = count(emu, 'GetRoleCredentials')
  // The SDK reads process.env, so it runs in a child with only the emulator's
  // environment (HOME, AWS_CONFIG_FILE, AWS_ENDPOINT_URL_SSO, ...).
  const script = `
    const { fromSSO } = require('@aws-sdk/credential-provider-sso')
    fromSSO({ profile: 'prod-ReadOnly' })().then(
      (c) => console.log(JSON.stringify({ accessKeyId: c.accessKeyId, accountId: c.accountId, expiration: c.expiration })),
      (e) => { console.error(e); process.exit(1) })`
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
    cwd: path.join(__dirname, '..'),
    env: { ...env, PATH: process.env.PATH ?? '' },
    timeout: 30000
  })
  const c = JSON.parse(stdout)
  assert.match(c.accessKeyId, /^ASIA/)
  assert.ok(new Date(c.expiration) > new Date())
  assert.equal(count(emu, 'GetRoleCredentials'), before + 1)
  const call = emu.requestLog().filter((r) => r.operation === 'GetRoleCredentials').at(-1)
  assert.equal(call.status, 200)
  assert.match(call.query, /account_id=777788889999/)
  assert.match(call.query, /role_name=ReadOnly/)
})
