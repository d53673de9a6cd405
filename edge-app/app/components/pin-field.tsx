/** The profile PIN input: digits only, never autofilled, read out as a password. */
export function PinField({ label = 'Profile PIN', required = true, autoFocus = true }: { label?: string; required?: boolean; autoFocus?: boolean }) {
  return (
    <label>
      {label}
      <input name="pin" type="password" inputMode="numeric" pattern="[0-9]{4,8}" autoComplete="off" required={required} autoFocus={autoFocus} maxLength={8} />
    </label>
  )
}
