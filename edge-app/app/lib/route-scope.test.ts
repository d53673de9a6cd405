import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { isApiPath, pagePathOf, scopeOf } from './route-scope.server.ts'

type Routes = Parameters<typeof scopeOf>[0]['routes']
const route = (id: string, parentId: string | undefined, path: string | undefined, scope?: string, index = false) => ({
  id,
  parentId,
  path,
  index,
  caseSensitive: false,
  module: { default: () => null, handle: scope ? { scope } : undefined },
})
const routes = {
  root: route('root', undefined, ''),
  'routes/_index': route('routes/_index', 'root', undefined, 'public', true),
  'routes/sign-in': route('routes/sign-in', 'root', 'sign-in', 'public'),
  'routes/profiles._index': route('routes/profiles._index', 'root', 'profiles', 'account'),
  'routes/browse': route('routes/browse', 'root', 'browse', 'profile'),
  'routes/forgotten': route('routes/forgotten', 'root', 'forgotten'),
  'routes/admin': route('routes/admin', 'root', 'admin', 'account'),
  'routes/admin.open': route('routes/admin.open', 'routes/admin', 'open', 'public'),
} as unknown as Routes

describe('route scopes', () => {
  test('each route gets the scope it declares', () => {
    expect(scopeOf({ routes }, '/')).toBe('public')
    expect(scopeOf({ routes }, '/sign-in')).toBe('public')
    expect(scopeOf({ routes }, '/profiles')).toBe('account')
    expect(scopeOf({ routes }, '/browse')).toBe('profile')
  })
  test('a route that declares nothing is profile-scoped, the strictest', () => {
    expect(scopeOf({ routes }, '/forgotten')).toBe('profile')
  })
  test('a child can never be looser than its parent', () => {
    expect(scopeOf({ routes }, '/admin/open')).toBe('account')
  })
  test('unknown paths match nothing (Remix answers 404)', () => {
    expect(scopeOf({ routes }, '/no/such/page')).toBeNull()
  })
  test('Remix data requests are judged as the page they are for', () => {
    expect(pagePathOf('/browse.data')).toEqual({ path: '/browse', isData: true })
    expect(pagePathOf('/_root.data')).toEqual({ path: '/', isData: true })
    expect(pagePathOf('/browse')).toEqual({ path: '/browse', isData: false })
  })
  test('API paths are recognised', () => {
    expect(isApiPath('/api/profiles')).toBe(true)
    expect(isApiPath('/apiary')).toBe(false)
  })
  test('every route module of the app declares its scope explicitly', async () => {
    const dir = fileURLToPath(new URL('../routes/', import.meta.url))
    const files = await readdir(dir)
    expect(files.length).toBeGreaterThan(5)
    for (const file of files) {
      const source = await readFile(dir + file, 'utf8')
      expect(source, file).toMatch(/export const handle: ScopedHandle = \{ scope: '(public|account|profile)' \}/)
    }
  })
})
