import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare'
import { Link, useLoaderData } from '@remix-run/react'
import { useRef } from 'react'
import { SIGNED_TTL_S, signPartyConnection, verifyPartyInvite } from '@bittorrented/common'
import { AppShell } from '../components/app-shell.tsx'
import { PartyPanel } from '../components/party/party-panel.tsx'
import { useWatchParty } from '../components/party/use-watch-party.ts'
import { MediaPlayer } from '../components/player/media-player.tsx'
import { usePlayerControls } from '../components/player/use-player-controls.ts'
import { loadPlayable, type PlayableFile } from '../lib/playable.server.ts'
import { getPlayerSettings, type PlayerSettings } from '../lib/profile-data.server.ts'
import type { Profile } from '../lib/profiles.server.ts'
import { requireProfile } from '../lib/request-auth.server.ts'
import type { ScopedHandle } from '../lib/route-scope.server.ts'
import { fileName } from '../lib/format.ts'
import { FileHeader } from '../components/file-header.tsx'

export const handle: ScopedHandle = { scope: 'profile' }
export const meta: MetaFunction = () => [{ title: 'Watch party — BitTorrented' }]

/** The party connection lives as long as a long film; a reconnect after that needs the page again. */
const CONNECTION_TTL_S = SIGNED_TTL_S.partyConnection

type LoaderData = { ok: true; profile: Profile; playable: PlayableFile; connectUrl: string; inviteUrl: string; settings: PlayerSettings } | { ok: false; profile: Profile; message: string }

/**
 * /party/<room>?m=…&exp=…&sig=…: the invite link is this page. A signed-in person with a
 * profile joins with that profile: the page checks the invite, loads the file under the
 * profile's own rules (a kids profile cannot join an adult title), signs this profile's own
 * media URLs and a connection URL for the room, naming the profile.
 */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const ctx = requireProfile(context)
  const url = new URL(request.url)
  const room = params.room ?? ''
  const check = await verifyPartyInvite(context.config.keys.partyInvite, room, url.searchParams)
  const fail = (status: number, message: string) => Response.json({ ok: false, profile: ctx.profile, message } satisfies LoaderData, { status, headers: { 'Cache-Control': 'no-store' } })
  if (!check.ok) {
    return fail(check.reason === 'expired' ? 410 : 403, check.reason === 'expired' ? 'This invite has expired. Ask for a new link.' : 'This invite link is not valid. Ask for the link again.')
  }
  const { infoHash, fileIndex } = check.invite.media
  const playable = await loadPlayable(context, ctx, infoHash, fileIndex)
  if (!playable) return fail(404, 'What this party is watching is not available on this profile.')
  const connectUrl = await signPartyConnection(
    context.config.keys.partyConnection,
    context.config.partyUrl,
    room,
    check.invite.media,
    { userId: ctx.userId, profileId: ctx.profileId, name: ctx.profile.name, avatar: ctx.profile.avatar },
    CONNECTION_TTL_S,
  )
  const settings = await getPlayerSettings(context.db, ctx)
  return Response.json({ ok: true, profile: ctx.profile, playable, connectUrl, inviteUrl: url.toString(), settings } satisfies LoaderData, { headers: { 'Cache-Control': 'no-store' } })
}

function PartyRoom({ profile, playable, connectUrl, inviteUrl, settings }: Extract<LoaderData, { ok: true }>) {
  const { torrent, file } = playable
  const title = fileName(file.path)
  const media = useRef<HTMLMediaElement | null>(null)
  usePlayerControls(media, title, torrent.name)
  const [view, actions] = useWatchParty(media, connectUrl)
  return (
    <AppShell profile={profile}>
      <FileHeader torrent={torrent} title={title} />
      <div className="party-layout">
        <div className="party-player">
          <MediaPlayer media={media} torrent={torrent} file={file} src={playable.src} hlsSrc={playable.hlsSrc} subtitleFiles={playable.subtitleFiles} autoPlay={false} settings={settings} inParty />
        </div>
        <PartyPanel view={view} actions={actions} inviteUrl={inviteUrl} />
      </div>
    </AppShell>
  )
}

export default function Party() {
  const data = useLoaderData<typeof loader>() as LoaderData
  if (!data.ok) {
    return (
      <AppShell profile={data.profile}>
        <h1>Watch party</h1>
        <p className="form-error" role="alert">
          {data.message}
        </p>
        <p>
          <Link to="/browse">Back to browsing</Link>
        </p>
      </AppShell>
    )
  }
  return <PartyRoom {...data} />
}
