/** Human sizes: 1.4 GB, 980 MB, 12 KB. */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let i = 0
  let v = n
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000
    i++
  }
  return `${v >= 10 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`
}

/** The last element of a file's path in its torrent: how the file is named to people. */
export function fileName(path: string): string {
  return path.split('/').pop() ?? path
}

/** The page of an artist. */
export function artistPath(artist: string): string {
  return `/artists/${encodeURIComponent(artist)}`
}
