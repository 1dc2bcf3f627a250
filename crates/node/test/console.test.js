'use strict'
// consoleUrl: the sign-in URL of a profile's role, accepted by the emulator's
// federation endpoint (AWS_ENDPOINT_URL_SIGNIN in the emulator's env).

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')

const { ssokit, freshHome, removeHomes, loginApproved, count } = require('./helpers')

let emu
before(async () => { emu = await ssokit.Emulator.start() })
after(async () => {
  await emu.stop()
  removeHomes()
})

function get (url) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, (response) => {
      let body = ''
      response.on('data', (chunk) => { body += chunk })
      response.on('end', () => resolve({ status: response.statusCode, body }))
    })
    request.setTimeout(30000, () => request.destroy(new Error('no answer within 30 s')))
    request.on('error', reject)
  })
}

test('consoleUrl signs in at the federation endpoint', async () => {
  const env = freshHome(emu)
  await loginApproved(emu, env)
  const before = count(emu, 'GetRoleCredentials')
  const url = await ssokit.consoleUrl({ profile: 'dev', env })
  assert.ok(url.startsWith(`${emu.url}/federation?Action=login&Issuer=ssokit&Destination=`), url)
  const query = new URL(url).searchParams
  assert.equal(query.get('Destination'), 'https://us-east-1.console.aws.amazon.com/')
  assert.ok(query.get('SigninToken'))
  const page = await get(url)
  assert.equal(page.status, 200, page.body)
  assert.ok(page.body.includes('us-east-1.console.aws.amazon.com'))
  assert.equal(count(emu, 'GetRoleCredentials'), before + 1)

  const s3 = await ssokit.consoleUrl({ profile: 'dev', env, destination: 'https://console.aws.amazon.com/s3/' })
  assert.equal(new URL(s3).searchParams.get('Destination'), 'https://console.aws.amazon.com/s3/')
  await assert.rejects(
    ssokit.consoleUrl({ profile: 'dev', env, destination: 'http://example.com/' }),
    { name: 'SsoError', code: 'ERR_SSOKIT_USAGE' }
  )
})

test('consoleUrl without a login says to log in', async () => {
  const env = freshHome(emu)
  await assert.rejects(
    ssokit.consoleUrl({ profile: 'dev', env }),
    { name: 'SsoError', code: 'ERR_SSOKIT_NOT_LOGGED_IN', message: /login/ }
  )
})
