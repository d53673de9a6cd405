/** A minimal browser stand-in for HTTP tests: keeps cookies, never follows redirects by itself. */
export class HttpSession {
  private cookies = new Map<string, string>()
  constructor(
    readonly base: string,
    readonly ip = '127.0.0.1',
  ) {}

  cookie(name: string): string | undefined {
    return this.cookies.get(name)
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, value)
  }

  async fetch(path: string, init: RequestInit & { form?: Record<string, string>; json?: unknown } = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    // What a browser sends with every state-changing request from our own pages (the edge app
    // refuses writes without it); a test of a foreign origin sets its own.
    if (!headers.has('Origin') && init.method && !['GET', 'HEAD'].includes(init.method.toUpperCase())) headers.set('Origin', new URL(this.base).origin)
    if (this.cookies.size) headers.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '))
    let body = init.body
    if (init.form) {
      body = new URLSearchParams(init.form)
      headers.set('Content-Type', 'application/x-www-form-urlencoded')
    } else if (init.json !== undefined) {
      body = JSON.stringify(init.json)
      headers.set('Content-Type', 'application/json')
    }
    const res = await fetch(new URL(path, this.base), { ...init, body, headers, redirect: init.redirect ?? 'manual' })
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';')
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq).trim()
      const value = pair!.slice(eq + 1).trim()
      if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return res
  }

  async signIn(email: string, password = 'watch-together'): Promise<Response> {
    return this.fetch('/sign-in', { method: 'POST', form: { email, password } })
  }

  async signUp(email: string, displayName: string, password = 'correct horse battery'): Promise<Response> {
    return this.fetch('/sign-up', { method: 'POST', form: { email, displayName, password } })
  }
}
