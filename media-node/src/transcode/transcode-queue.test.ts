import { expect, test } from 'vitest'
import { TranscodeQueue } from './transcode-queue.ts'

test('K jobs run, the next waits in line and starts when one ends; past the line limit: busy', async () => {
  const q = new TranscodeQueue(2, 1)
  const a = await q.acquire()
  await q.acquire()
  let thirdStarted = false
  const third = q.acquire('third').then((release) => {
    thirdStarted = true
    return release
  })
  await Promise.resolve()
  expect(q.depth).toBe(1)
  expect(q.position('third')).toBe(1)
  expect(q.position('nobody')).toBeNull()
  expect(thirdStarted).toBe(false)
  await expect(q.acquire()).rejects.toMatchObject({ code: 'busy' })
  a()
  a() // releasing twice frees one slot only
  await third
  expect(thirdStarted).toBe(true)
  expect(q.position('third')).toBeNull()
  expect(q.depth).toBe(0)
  expect(q.active).toBe(2)
})
