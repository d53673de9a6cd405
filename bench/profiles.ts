/**
 * `npm run bench:profiles`: the profile API — list profiles, select a profile, read
 * continue-watching — at 50 concurrent signed-in clients, through the edge app on workerd,
 * against the real PostgreSQL in DATABASE_URL (default: the machine's 127.0.0.1:5432/test).
 * Baseline beside it: the seed's SLO, p99 < 200 ms. Goal: p99 < 20 ms.
 * Last line: one JSON object of the figures.
 */
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import { listMigrations, migrate, migrationsDir, seed, seedFile, withClient } from '@bittorrented/db'
import { startPlatform } from '@bittorrented/scripts/platform'
import { HttpSession } from '@bittorrented/edge-app/test-helpers'
import { RequestDb } from '@bittorrented/edge-app/db'
import { listContinueWatching } from '@bittorrented/edge-app/profile-data'
import { listProfiles, verifyProfileOwnership } from '@bittorrented/edge-app/profiles'
import { closedLoop, pacedLoop } from './lib/closed-loop.ts'
import { latencyStats } from './lib/latency-stats.ts'
import { startPgBouncer } from './lib/pgbouncer.ts'

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50)
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 20)
const WARMUP_S = 3
const FLOOR_S = 5
/** Paced run: each client sends one request every PACE_MS (50 clients × 4/s = 200 requests/s). */
const PACE_MS = Number(process.env.BENCH_PACE_MS ?? 250)
const BASELINE_P99_MS = 200
const GOAL_P99_MS = 20
const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'

// The seed's demo password hash ("watch-together"), reused for the benchmark's families.
const DEMO_HASH = '$2a$10$3tWCh5e8fqXE9htP31Yp4OCzJ1GcuK18VrG1bRxgu82lkwgDpXOy2'

const dbName = `bt_bench_profiles_${randomBytes(4).toString('hex')}`
const dbUrl = new URL(serverUrl)
dbUrl.pathname = `/${dbName}`

function log(line: string) {
  process.stderr.write(`${line}\n`)
}

await withClient(serverUrl, (c) => c.query(`create database ${dbName}`))
let stopPlatform: (() => Promise<unknown>) | null = null
try {
  log(`database ${dbName} on ${new URL(serverUrl).host}: migrating, seeding, adding ${CLIENTS} families with 3 profiles and 30 resume points each`)
  await withClient(dbUrl.toString(), async (c) => {
    await migrate(c, await listMigrations(migrationsDir))
    await seed(c, seedFile)
    await c.query(
      `insert into auth.users (email, encrypted_password, raw_user_meta_data)
       select 'bench' || i || '@example.test', $1, jsonb_build_object('display_name', 'Bench ' || i) from generate_series(1, $2) i`,
      [DEMO_HASH, CLIENTS],
    )
    await c.query(
      `insert into public.profiles (account_id, name)
       select a.id, n from public.accounts a cross join (values ('Second'), ('Third')) v(n)
        where a.name like 'Bench %'`,
    )
    await c.query(
      `insert into public.watch_progress (profile_id, info_hash, file_index, title, position_s, duration_s, updated_at)
       select p.id, substr(md5(p.id::text || i), 1, 32) || substr(md5(i::text), 1, 8), 0, 'Title ' || i, 300 + i * 10, 5400, now() - make_interval(mins => i)
         from public.profiles p join public.accounts a on a.id = p.account_id, generate_series(1, 30) i
        where a.name like 'Bench %'`,
    )
    await c.query('analyze')
  })

  // Production: the Worker reaches Supabase through Hyperdrive, which pools connections.
  // Here PgBouncer plays that part (BENCH_POOLER=none measures direct connections).
  const pooler = process.env.BENCH_POOLER === 'none' ? null : await startPgBouncer(dbUrl.toString())
  log(`starting the platform against it${pooler ? ' through PgBouncer (standing in for Hyperdrive)' : ', connecting directly'}`)
  const platform = await startPlatform({ databaseUrl: pooler?.url ?? dbUrl.toString() })
  stopPlatform = async () => {
    await platform.stop()
    await pooler?.stop()
  }

  const sessions = await Promise.all(
    Array.from({ length: CLIENTS }, async (_, i) => {
      const s = new HttpSession(platform.url)
      const res = await s.signIn(`bench${i + 1}@example.test`)
      if (res.status !== 302) throw new Error(`sign-in of client ${i + 1} answered ${res.status}`)
      const { profiles } = (await (await s.fetch('/api/profiles')).json()) as { profiles: Array<{ id: string }> }
      return { s, profiles }
    }),
  )

  // 1. The floor: a request the Worker answers without the database (no session → 401).
  const anonymous = new HttpSession(platform.url)
  log(`floor: ${CLIENTS} clients on a route that needs no database, ${FLOOR_S} s`)
  const floor = await closedLoop(CLIENTS, FLOOR_S, async () => {
    const res = await anonymous.fetch('/api/continue-watching')
    await res.arrayBuffer()
    return { kind: 'floor', ok: res.status === 401 }
  })

  // 2. The profile API through the Worker: at saturation (closed loop), and at a paced load.
  const apiOp = async (client: number, round: number) => {
    const { s, profiles } = sessions[client]!
    const step = round % 3
    const res =
      step === 0
        ? await s.fetch('/api/profiles')
        : step === 1
          ? await s.fetch('/api/profiles/select', { method: 'POST', json: { profileId: profiles[Math.floor(round / 3) % profiles.length]!.id } })
          : await s.fetch('/api/continue-watching')
    await res.arrayBuffer()
    return { kind: ['list', 'select', 'continue'][step]!, ok: res.status === 200 }
  }
  log(`profile API at saturation: ${CLIENTS} clients, ${DURATION_S} s`)
  const api = await closedLoop(CLIENTS, DURATION_S, apiOp, WARMUP_S)
  log(`profile API paced: ${CLIENTS} clients, one request every ${PACE_MS} ms each, ${DURATION_S} s`)
  const paced = await pacedLoop(CLIENTS, DURATION_S, PACE_MS, apiOp, WARMUP_S)

  // 3. The same three operations in Node, calling the edge app's data functions on a pooled
  //    connection per client (held open, as a pool would): what the database and RLS cost
  //    without workerd and HTTP.
  log(`data layer only: ${CLIENTS} clients, ${DURATION_S} s`)
  const userIds = (await withClient(dbUrl.toString(), (c) => c.query<{ id: string; email: string }>(`select id, email from auth.users where email like 'bench%'`))).rows
  const dbs = userIds.map(() => new RequestDb(dbUrl.toString()))
  const dataLayer = await closedLoop(CLIENTS, DURATION_S, async (client, round) => {
    const db = dbs[client]!
    const user = userIds[client]!
    const { profiles } = sessions[client]!
    const step = round % 3
    const profileId = profiles[Math.floor(round / 3) % profiles.length]!.id
    if (step === 0) await listProfiles(db, user.id)
    else if (step === 1) await verifyProfileOwnership(db, user.id, profileId)
    else {
      await verifyProfileOwnership(db, user.id, profileId)
      await listContinueWatching(db, { userId: user.id, profileId })
    }
    return { kind: ['list', 'select', 'continue'][step]!, ok: true }
  })
  await Promise.all(dbs.map((d) => d.close()))

  const list = latencyStats(api.samples.list ?? [])
  const select = latencyStats(api.samples.select ?? [])
  const cont = latencyStats(api.samples.continue ?? [])
  const all = latencyStats(Object.values(api.samples).flat())
  const throughput = api.throughput
  const errors = api.errors + floor.errors + paced.errors
  const floorStats = latencyStats(floor.samples.floor ?? [])
  const dataAll = latencyStats(Object.values(dataLayer.samples).flat())
  const pacedAll = latencyStats(Object.values(paced.samples).flat())

  const row = (name: string, s: ReturnType<typeof latencyStats>) =>
    `${name.padEnd(22)} ${String(s.count).padStart(7)} ${String(s.p50).padStart(8)} ${String(s.p90).padStart(8)} ${String(s.p99).padStart(8)} ${String(s.max).padStart(8)}`
  console.log(
    `profile API, ${CLIENTS} concurrent clients, ${DURATION_S} s, edge app on wrangler dev (workerd), PostgreSQL at ${new URL(serverUrl).host}${process.env.BENCH_POOLER === 'none' ? ' (direct connections)' : ' via PgBouncer'}, ${os.cpus().length} cores`,
  )
  console.log(`${'operation'.padEnd(22)} ${'count'.padStart(7)} ${'p50 ms'.padStart(8)} ${'p90 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}`)
  console.log(row('list profiles', list))
  console.log(row('select profile', select))
  console.log(row('continue watching', cont))
  console.log(row('all', all))
  console.log(`throughput: ${throughput} requests/s, errors: ${errors}`)
  console.log(`${row(`paced ${paced.throughput}/s`, pacedAll)}   errors: ${paced.errors}`)
  console.log(`${row('floor (no database)', floorStats)}   ${floor.throughput} requests/s`)
  console.log(`${row('data layer only', dataAll)}   ${dataLayer.throughput} operations/s`)
  console.log(`baseline (seed SLO): p99 < ${BASELINE_P99_MS} ms  |  goal: p99 < ${GOAL_P99_MS} ms  |  measured p99: ${all.p99} ms`)
  console.log(
    JSON.stringify({
      clients: CLIENTS,
      pooler: process.env.BENCH_POOLER === 'none' ? 'none' : 'pgbouncer',
      duration_s: DURATION_S,
      list_p50_ms: list.p50,
      list_p99_ms: list.p99,
      select_p50_ms: select.p50,
      select_p99_ms: select.p99,
      continue_p50_ms: cont.p50,
      continue_p99_ms: cont.p99,
      p50_ms: all.p50,
      p99_ms: all.p99,
      throughput_rps: throughput,
      errors,
      paced_rps: paced.throughput,
      paced_p50_ms: pacedAll.p50,
      paced_p99_ms: pacedAll.p99,
      floor_p99_ms: floorStats.p99,
      floor_throughput_rps: floor.throughput,
      data_layer_p50_ms: dataAll.p50,
      data_layer_p99_ms: dataAll.p99,
      data_layer_ops_per_s: dataLayer.throughput,
      baseline_p99_ms: BASELINE_P99_MS,
      goal_p99_ms: GOAL_P99_MS,
    }),
  )
} catch (err) {
  // Said before the teardown: dropping the database ends every connection still open.
  log(`bench:profiles failed: ${(err as Error).stack ?? err}`)
  process.exitCode = 1
} finally {
  await stopPlatform?.()
  await withClient(serverUrl, (c) => c.query(`drop database if exists ${dbName} with (force)`))
}
