/**
 * The URL of a past programme on a channel with catch-up, as IPTV players build it from the
 * playlist's `catchup` type and `catchup-source` template (the conventions Kodi's IPTV Simple,
 * TiviMate and OTT players share):
 *
 * - `default`: the template is the whole URL;
 * - `append`: the template is appended to the channel's URL;
 * - `shift`: `?utc=<start>&lutc=<now>` is appended;
 * - `flussonic` / `fs`: `…/index.m3u8` becomes `…/index-<start>-<duration>.m3u8`;
 * - `xc`: Xtream's `…/timeshift/<user>/<password>/<minutes>/<YYYY-MM-DD:HH-MM>/<id>.m3u8`.
 *
 * Placeholders: `{utc}` `{start}` `${start}` (start, unix s), `{utcend}` `{end}` `${end}`,
 * `{lutc}` `{now}` `${now}` `${timestamp}` (now), `{duration}` `${duration}` (s), `{offset}` `${offset}`
 * (now − start, s), `{Y}{m}{d}{H}{M}{S}` (start, UTC), and `${(b)FORMAT}` / `${(e)FORMAT}` /
 * `{utc:FORMAT}` / `{utcend:FORMAT}` with `yyyy MM dd HH mm ss` in FORMAT.
 */

export interface CatchupChannel {
  streamUrl: string
  catchupType: string | null
  catchupSource: string | null
}

export interface CatchupWindow {
  startS: number
  durationS: number
  nowS: number
}

const pad = (n: number) => String(n).padStart(2, '0')

/** `yyyy MM dd HH mm ss` in a format string, from a unix time in UTC. */
function formatTime(format: string, unixS: number): string {
  const d = new Date(unixS * 1000)
  return format
    .replace(/yyyy/g, String(d.getUTCFullYear()))
    .replace(/MM/g, pad(d.getUTCMonth() + 1))
    .replace(/dd/g, pad(d.getUTCDate()))
    .replace(/HH/g, pad(d.getUTCHours()))
    .replace(/mm/g, pad(d.getUTCMinutes()))
    .replace(/ss/g, pad(d.getUTCSeconds()))
}

export function fillCatchupTemplate(template: string, w: CatchupWindow): string {
  const end = w.startS + w.durationS
  const d = new Date(w.startS * 1000)
  const simple: Record<string, string> = {
    utc: String(w.startS),
    start: String(w.startS),
    utcend: String(end),
    end: String(end),
    lutc: String(w.nowS),
    now: String(w.nowS),
    timestamp: String(w.nowS),
    duration: String(w.durationS),
    offset: String(Math.max(0, w.nowS - w.startS)),
    Y: String(d.getUTCFullYear()),
    m: pad(d.getUTCMonth() + 1),
    d: pad(d.getUTCDate()),
    H: pad(d.getUTCHours()),
    M: pad(d.getUTCMinutes()),
    S: pad(d.getUTCSeconds()),
  }
  return template
    .replace(/\$\{\((b|e)\)([^}]+)\}/g, (_, which: string, format: string) => formatTime(format, which === 'b' ? w.startS : end))
    .replace(/\{(utc|utcend):([^}]+)\}/g, (_, which: string, format: string) => formatTime(format, which === 'utc' ? w.startS : end))
    .replace(/\$?\{([A-Za-z]+)\}/g, (whole, name: string) => simple[name] ?? whole)
}

/** The programme's URL, or null when the channel's catch-up type is not one we can build. */
export function catchupUrl(c: CatchupChannel, w: CatchupWindow): string | null {
  const type = (c.catchupType ?? '').toLowerCase()
  const join = (url: string, extra: string) => (extra.startsWith('?') && url.includes('?') ? `${url}&${extra.slice(1)}` : `${url}${extra}`)
  switch (type) {
    case 'default':
      return c.catchupSource ? fillCatchupTemplate(c.catchupSource, w) : null
    case 'append':
      return c.catchupSource ? join(c.streamUrl, fillCatchupTemplate(c.catchupSource, w)) : null
    case 'shift':
    case 'timeshift':
      return join(c.streamUrl, `?utc=${w.startS}&lutc=${w.nowS}`)
    case 'flussonic':
    case 'flussonic-hls':
    case 'fs': {
      const m = /^(.*\/)(?:index|mono|video)(?:-[^/]*)?\.m3u8(\?.*)?$/.exec(c.streamUrl)
      return m ? `${m[1]}index-${w.startS}-${w.durationS}.m3u8${m[2] ?? ''}` : null
    }
    case 'xc': {
      const m = /^(https?:\/\/[^/]+(?:\/.*?)?)\/live\/([^/]+)\/([^/]+)\/(\d+)\.(m3u8|ts)$/.exec(c.streamUrl)
      if (!m) return null
      const [, base, user, password, id] = m
      const d = new Date(w.startS * 1000)
      const when = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}:${pad(d.getUTCHours())}-${pad(d.getUTCMinutes())}`
      return `${base}/timeshift/${user}/${password}/${Math.ceil(w.durationS / 60)}/${when}/${id}.m3u8`
    }
    default:
      return null
  }
}
