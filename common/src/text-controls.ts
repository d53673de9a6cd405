/**
 * Bidirectional-text controls (U+061C, U+200E/F, U+202A–E, U+2066–9): they can make a name, a
 * title or a chat message read other than it is ("evil\u202Egnp.exe"). Refused in names and
 * titles, dropped from chat.
 */
export const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/
export const BIDI_CONTROLS = new RegExp(BIDI_CONTROL.source, 'g')
