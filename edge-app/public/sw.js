// BitTorrented's service worker: keeps the app shell (offline page, icons, built assets) so the
// installed app opens without a connection and says so, instead of a browser error page.
// Media, API calls and signed URLs are never cached here.
const SHELL = 'bt-shell-v3'
const PRECACHE = ['/offline.html', '/favicon.svg', '/icon-192.png', '/icon-512.png', '/icon-maskable-512.png', '/manifest.webmanifest']

// Stored as fresh responses: the asset server may redirect /offline.html to /offline, and a
// redirected response cannot answer a navigation.
async function precache() {
  const cache = await caches.open(SHELL)
  await Promise.all(
    PRECACHE.map(async (path) => {
      const res = await fetch(path)
      if (!res.ok) throw new Error(`precache ${path}: ${res.status}`)
      await cache.put(path, new Response(await res.blob(), { status: 200, headers: res.headers }))
    }),
  )
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()))
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== SHELL && !k.startsWith('bt-downloads-')).map((k) => caches.delete(k)))).then(() => self.clients.claim()),
  )
})

self.addEventListener('fetch', (event) => {
  const request = event.request
  const url = new URL(request.url)
  if (request.method !== 'GET' || url.origin !== self.location.origin) return
  if (request.mode === 'navigate') {
    // Pages always come from the network (they are per person); offline, the offline page.
    event.respondWith(fetch(request).catch(() => caches.match('/offline.html')))
    return
  }
  if (url.pathname.startsWith('/assets/')) {
    // Built assets have content hashes in their names: cache first, forever.
    event.respondWith(
      caches.match(request).then(
        (hit) => hit ?? fetch(request).then((res) => {
          if (res.ok) {
            const copy = res.clone()
            void caches.open(SHELL).then((cache) => cache.put(request, copy))
          }
          return res
        }),
      ),
    )
  }
})
