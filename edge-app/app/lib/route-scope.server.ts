/**
 * The one place that enforces who may reach a route. Every route module declares its scope in
 * `export const handle = { scope }`:
 *   public  — anyone (sign-in, sign-up, landing, health);
 *   account — a signed-in user; no profile needed (profile picker, manage profiles, account);
 *   profile — a signed-in user with a selected profile that belongs to their account.
 * A route that declares nothing is treated as `profile`, the strictest, so a forgotten
 * declaration can never expose a person's data. The strictest scope of all matched routes wins.
 */
import { matchRoutes, type AgnosticRouteObject } from '@remix-run/router'
import type { ServerBuild } from '@remix-run/cloudflare'

export type RouteScope = 'public' | 'account' | 'profile'
export interface ScopedHandle {
  scope: RouteScope
}

const RANK: Record<RouteScope, number> = { public: 0, account: 1, profile: 2 }

type Routes = ServerBuild['routes']

function declaredScope(route: Routes[string] | undefined): RouteScope | undefined {
  const handle = route?.module?.handle as Partial<ScopedHandle> | undefined
  return handle?.scope
}

function toTree(routes: Routes, parentId: string | undefined): AgnosticRouteObject[] {
  return Object.values(routes)
    .filter((r) => r && r.parentId === parentId)
    .map((r) => ({
      id: r!.id,
      path: r!.path,
      index: r!.index,
      caseSensitive: r!.caseSensitive,
      children: r!.index ? undefined : toTree(routes, r!.id),
    })) as AgnosticRouteObject[]
}

const trees = new WeakMap<Routes, AgnosticRouteObject[]>()

/**
 * The page a request is for: Remix's single-fetch data requests (`/x.data`, `/_root.data`)
 * are for the page at `/x` (`/`).
 */
export function pagePathOf(pathname: string): { path: string; isData: boolean } {
  if (!pathname.endsWith('.data')) return { path: pathname, isData: false }
  const path = pathname.slice(0, -'.data'.length)
  return { path: path === '/_root' ? '/' : path, isData: true }
}

/** The scope that applies to `pathname`; null when no route matches (Remix answers 404). */
export function scopeOf(build: Pick<ServerBuild, 'routes'>, pathname: string): RouteScope | null {
  let tree = trees.get(build.routes)
  if (!tree) {
    tree = toTree(build.routes, undefined)
    trees.set(build.routes, tree)
  }
  const matches = matchRoutes(tree, pathname)
  if (!matches || matches.length === 0) return null
  const leaf = matches[matches.length - 1]!.route.id!
  let scope: RouteScope = declaredScope(build.routes[leaf]) ?? 'profile'
  for (const m of matches) {
    const declared = declaredScope(build.routes[m.route.id!])
    if (declared && RANK[declared] > RANK[scope]) scope = declared
  }
  return scope
}

export function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/')
}
