/** The page a person sees when the platform cannot answer (the database is unreachable): ours, plain, no details. */
export function unavailablePage(message: string): Response {
  const escaped = message.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Unavailable — BitTorrented</title></head><body><main id="main"><h1>Please try again</h1><p role="alert">${escaped}</p><p><a href="">Reload</a></p></main></body></html>`
  return new Response(html, { status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Retry-After': '5', 'Cache-Control': 'no-store' } })
}
