import { Form, Link, NavLink } from '@remix-run/react'
import { useEffect, type ReactNode } from 'react'
import { ProfileAvatar } from './profile-avatar.tsx'
import { useMusicPlayer } from './music/music-player.tsx'

export interface ShellProfile {
  id?: string
  name: string
  avatar: string
}

/** The frame of every signed-in page: navigation, the current profile, sign out. */
export function AppShell({ profile, children }: { profile?: ShellProfile; children: ReactNode }) {
  // Music started by one profile never plays on under another (or under none).
  const music = useMusicPlayer()
  useEffect(() => music.bindProfile(profile?.id ?? null), [profile?.id])
  return (
    <>
      <header className="topbar">
        <Link to={profile ? '/browse' : '/profiles'} className="brand">
          BitTorrented
        </Link>
        <nav aria-label="Main">
          <ul>
            {profile && (
              <>
                <li>
                  <NavLink to="/browse">Home</NavLink>
                </li>
                <li>
                  <NavLink to="/search">Search</NavLink>
                </li>
                <li>
                  <NavLink to="/live">Live TV</NavLink>
                </li>
                <li>
                  <NavLink to="/podcasts">Podcasts</NavLink>
                </li>
                <li>
                  <NavLink to="/radio">Radio</NavLink>
                </li>
                <li>
                  <NavLink to="/settings">Settings</NavLink>
                </li>
              </>
            )}
            <li>
              <NavLink to="/account">Account</NavLink>
            </li>
            <li>
              <NavLink to="/billing">Plan &amp; billing</NavLink>
            </li>
          </ul>
        </nav>
        <div className="who">
          {profile && (
            <Link to="/profiles?switch=1" className="switch" aria-label={`Switch profile (now ${profile.name})`}>
              <ProfileAvatar name={profile.name} avatar={profile.avatar} size="small" />
              <span>{profile.name}</span>
            </Link>
          )}
          <Form method="post" action="/sign-out">
            <button type="submit" className="link-button">
              Sign out
            </button>
          </Form>
        </div>
      </header>
      <main id="main" className="page">
        {children}
      </main>
    </>
  )
}
