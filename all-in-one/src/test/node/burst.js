// A burst of track events through the real Segment SDK (@segment/analytics-node), for
// EndToEndLatencyBenchmark: messageIds are <prefix>-<i> so the benchmark knows every event it must find.
// The events are handed to the SDK in 10 equal steps over <spreadMs> (a synchronous loop would have the SDK
// build every event before sending any, and then send them all within a few ms).
// usage: node burst.js <ingest base URL> <writeKey> <count> <prefix> <flushAt> <flushIntervalMs> <spreadMs>
// prints one line: "burst: <count> events in <requests> requests, <ms> ms from the first track() to the last ack"
const { Analytics } = require('@segment/analytics-node')

const [host, writeKey, countText, prefix, flushAt, flushInterval, spreadMs] = process.argv.slice(2)
const count = Number(countText)
const steps = 10
const analytics = new Analytics({ writeKey, host, path: '/v1/batch', flushAt: Number(flushAt),
                                  flushInterval: Number(flushInterval), maxRetries: 3, httpRequestTimeout: 30000 })
let requests = 0
let failed = null
analytics.on('http_request', () => { requests++ })
analytics.on('error', (err) => { failed = err })

function track(i) {
  analytics.track({
    messageId: `${prefix}-${i}`,
    userId: `user-${i % 500}`,
    event: 'Order Completed',
    properties: { orderId: `order-${i}`, revenue: 19.99, currency: 'EUR',
                  products: [{ sku: `sku-${i % 40}`, price: 9.99, quantity: 2 }] },
  })
}

const start = Date.now()
let step = 0
const timer = setInterval(() => {
  for (let i = Math.floor(step * count / steps); i < Math.floor((step + 1) * count / steps); i++) track(i)
  if (++step === steps) {
    clearInterval(timer)
    finish()
  }
}, Number(spreadMs) / steps)

const finish = () => analytics.closeAndFlush({ timeout: 60000 }).then(() => {
  if (failed) {
    console.error(`segment sdk: delivery failed: ${failed.code || ''} ${failed.reason || failed.message || failed}`)
    process.exit(1)
  }
  console.log(`burst: ${count} events in ${requests} requests, ${Date.now() - start} ms from the first track() to the last ack`)
})
