import { describe, expect, test } from 'vitest'
import { parseXmltvStream, parseXmltvTime, type XmltvChannel, type XmltvProgramme } from './xmltv-parser.ts'

const GUIDE = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tv SYSTEM "xmltv.dtd">
<tv generator-info-name="test">
  <channel id="news.uk"><display-name lang="en">News One</display-name><display-name>101</display-name><icon src="http://img.example/news.png"/></channel>
  <channel id="sport.de"><display-name>Sport 24</display-name></channel>
  <programme start="20261203140000 +0000" stop="20261203150000 +0000" channel="news.uk" catchup-id="abc">
    <title lang="en">The Midday &amp; Evening News</title><title lang="fr">Les nouvelles</title>
    <sub-title>Part &#x31;</sub-title>
    <desc><![CDATA[Headlines <and> weather.]]></desc>
    <category>News</category><category>Current affairs</category>
    <episode-num system="xmltv_ns">2.9.0/1</episode-num>
    <rating system="VCHIP"><value>TV-PG</value></rating>
  </programme>
  <programme start="20261203160000 +0100" channel="sport.de"><title>Match</title><episode-num system="onscreen">S03E07</episode-num></programme>
  <programme start="garbage" channel="sport.de"><title>No start</title></programme>
  <programme start="20261203170000" channel="sport.de"></programme>
</tv>`

async function parse(text: string, chunk = 13) {
  const channels: XmltvChannel[] = []
  const programmes: XmltvProgramme[] = []
  async function* pieces() {
    for (let i = 0; i < text.length; i += chunk) yield text.slice(i, i + chunk)
  }
  const counts = await parseXmltvStream(pieces(), { onChannel: (c) => channels.push(c), onProgrammes: (p) => void programmes.push(...p) }, 1)
  return { counts, channels, programmes }
}

describe('XMLTV', () => {
  test('channels and programmes, streamed in small pieces: titles, entities, CDATA, categories, episodes, ratings, times with offsets', async () => {
    const { counts, channels, programmes } = await parse(GUIDE)
    expect(counts).toEqual({ channels: 2, programmes: 2, skipped: 2 })
    expect(channels[0]).toEqual({ id: 'news.uk', displayNames: ['News One', '101'], icon: 'http://img.example/news.png' })
    const [news, match] = programmes
    expect(news).toMatchObject({
      channel: 'news.uk',
      startMs: Date.UTC(2026, 11, 3, 14),
      stopMs: Date.UTC(2026, 11, 3, 15),
      title: 'The Midday & Evening News',
      subTitle: 'Part 1',
      description: 'Headlines <and> weather.',
      categories: ['News', 'Current affairs'],
      season: 3,
      episode: 10,
      rating: { system: 'VCHIP', value: 'TV-PG' },
      catchupId: 'abc',
    })
    expect(match).toMatchObject({ startMs: Date.UTC(2026, 11, 3, 15), stopMs: null, season: 3, episode: 7 })
  })

  test('times: offsets, missing seconds and offset, garbage', () => {
    expect(parseXmltvTime('20261203143000 -0230')).toBe(Date.UTC(2026, 11, 3, 17, 0))
    expect(parseXmltvTime('202612031430')).toBe(Date.UTC(2026, 11, 3, 14, 30))
    expect(parseXmltvTime('nonsense')).toBeNull()
  })

  test('an XML bomb (entities declared in the DOCTYPE) is refused before anything expands', async () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE tv [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><tv><programme start="20261203140000" channel="x"><title>&c;</title></programme></tv>`
    await expect(parse(bomb, 4096)).rejects.toThrow(/declares XML entities/)
  })

  test('an external entity is never fetched: an undeclared entity is an error, not a read', async () => {
    const external = `<?xml version="1.0"?><tv><programme start="20261203140000" channel="x"><title>&xxe;</title></programme></tv>`
    await expect(parse(external, 4096)).rejects.toThrow(/not well-formed/)
  })

  test('HTML, truncated XML and another root are refused with a clear message', async () => {
    await expect(parse('<html><body>Login required</body></html>', 4096)).rejects.toThrow(/not an XMLTV guide/)
    await expect(parse('<tv><programme start="2026', 4096)).rejects.toThrow(/not well-formed/)
    await expect(parse('', 4096)).rejects.toThrow(/not an XMLTV guide/)
  })
})
