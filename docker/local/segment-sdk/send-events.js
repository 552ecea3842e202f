// Sends one event of each Segment type through the real Segment SDK (@segment/analytics-node) to
// ingest-api, then prints "<type> <messageId>" for each event the SDK got a 2xx for (ids are the SDK's own).
// usage: node send-events.js <ingest base URL> <writeKey> <tag>   (tag goes into userId/event names and
// the identify's traits.email, compose-check-<tag>@example.com, the audience member sink-mailchimp writes)
const { Analytics } = require('@segment/analytics-node')

const [host, writeKey, tag] = process.argv.slice(2)
const analytics = new Analytics({ writeKey, host, path: '/v1/batch', flushAt: 6, flushInterval: 200,
                                  maxRetries: 3, httpRequestTimeout: 10000 })
const sent = new Map() // messageId -> type; a retried request carries the same ids
let failed = null
analytics.on('http_request', (req) => {
  const body = typeof req.body === 'string' ? JSON.parse(req.body) : req.body
  for (const e of body.batch) sent.set(e.messageId, e.type)
})
analytics.on('error', (err) => { failed = err })

const userId = `compose-check-${tag}`
analytics.track({ userId, event: `Order Completed ${tag}`, properties: { revenue: 9.99 } })
analytics.identify({ userId, traits: { plan: 'ci', email: `${userId}@example.com`, firstName: 'Compose' } })
analytics.page({ userId, name: `Home ${tag}` })
analytics.screen({ userId, name: `Dashboard ${tag}` })
analytics.group({ userId, groupId: `group-${tag}` })
analytics.alias({ userId, previousId: `anon-${tag}` })

analytics.closeAndFlush({ timeout: 30000 }).then(() => {
  if (failed) {
    console.error(`segment sdk: delivery failed: ${failed.code || ''} ${failed.reason || failed.message || failed}`)
    process.exit(1)
  }
  if (sent.size !== 6) {
    console.error(`segment sdk: sent ${sent.size} events, expected 6`)
    process.exit(1)
  }
  console.log([...sent].map(([id, type]) => `${type} ${id}`).join('\n'))
})
