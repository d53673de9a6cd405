// A profile's avatar: a coloured tile with the initial. Colours come from the avatar id, so
// they are stable and need no image files.
const COLOURS: Record<string, string> = {
  'avatar-1': '#e5484d',
  'avatar-2': '#3e63dd',
  'avatar-3': '#30a46c',
  'avatar-4': '#f76b15',
  'avatar-5': '#8e4ec6',
  'avatar-6': '#12a594',
}

export function ProfileAvatar({ name, avatar, size = 'large' }: { name: string; avatar: string; size?: 'small' | 'large' }) {
  const initial = Array.from(name.trim())[0]?.toUpperCase() ?? '?'
  return (
    <span className={`avatar avatar-${size}`} style={{ background: COLOURS[avatar] ?? COLOURS['avatar-1'] }} aria-hidden="true">
      {initial}
    </span>
  )
}
