'use strict'
// Custom ("vanity") start URLs: login resolves the start URL through the one redirect
// of the emulator's `/vanity/<target>` and writes the URL as written.

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')

const { ssokit, freshHome, removeHomes, count } = require('./helpers')

let emu
before(async () => { emu = await ssokit.Emulator.start({ autoApproveAfterPolls: 0 }) })
after(async () => {
  await emu.stop()
  removeHomes()
})

// A fresh home whose sso-session's start URL is the emulator's custom URL `target`.
function vanityHome (target) {
  const env = freshHome(emu)
  const url = `${emu.url.replace(/\/$/, '')}/vanity/${target}`
  const text = fs.readFileSync(env.AWS_CONFIG_FILE, 'utf8')
  assert.match(text, /^sso_start_url = .*$/m)
  fs.writeFileSync(env.AWS_CONFIG_FILE, text.replace(/^sso_start_url = .*$/m, `sso_start_url = ${url}`))
  return { env, url }
}

const vanityRequests = () => emu.requestLog().filter((r) => r.path.startsWith('/vanity/')).map((r) => `${r.method} ${r.path}`)

test('login through a custom start URL writes the URL as written and the region', async () => {
  const { env, url } = vanityHome('aws')
  const before = vanityRequests().length
  const result = await ssokit.login({ env, timeout: 60000, flow: 'device-code', openBrowser: false, onPrompt: () => {} })
  assert.equal(result.startUrl, url)
  const token = JSON.parse(fs.readFileSync(result.tokenFile, 'utf8'))
  assert.equal(token.startUrl, url)
  assert.equal(token.region, result.ssoRegion)
  assert.deepEqual(vanityRequests().slice(before), ['HEAD /vanity/aws'])
  // The token serves role credentials like any other.
  const creds = await ssokit.fromSso({ env })()
  assert.match(creds.accessKeyId, /^ASIA/)
})

for (const [target, expected] of [
  ['elsewhere', 'redirects to "https://sso.example.com/start", which is not an AWS access portal host'],
  ['none', 'answered HTTP 200 without a redirect']
]) {
  test(`a custom start URL (${target}) without an AWS redirect is ERR_SSOKIT_CONFIG`, async () => {
    const { env, url } = vanityHome(target)
    const registered = count(emu, 'RegisterClient')
    await assert.rejects(
      ssokit.login({ env, timeout: 60000, flow: 'device-code', openBrowser: false }),
      (e) => {
        assert.equal(e.code, 'ERR_SSOKIT_CONFIG')
        assert.ok(e.message.includes(url), e.message)
        assert.ok(e.message.includes(expected), e.message)
        return true
      }
    )
    assert.equal(count(emu, 'RegisterClient'), registered)
  })
}

